"""The update queue that stores before Telegram is told.

python-telegram-bot's updater hands each update of a polled batch to `put`, then confirms
the batch with its next `getUpdates`; a webhook call is answered 200 once `store` returns.
So: `put` starts storing (the updates of a batch at once, each chat's in order) and the
next `getUpdates` waits until they are all stored (`stored`, awaited by the request object
python-telegram-bot uses for `getUpdates` alone, `ConfirmAfterStoring`: its rate limiter
never sees that call); the webhook awaits `store`. Nothing is confirmed to Telegram
before it is in the database. The work engine handles it from there (app/work.py);
nothing reaches python-telegram-bot's own queue but its stop signal.

When storing takes long (another program holds the SQLite database, the server is slow),
the person is told to wait rather than left in silence; at once when others already are.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.request import HTTPXRequest, RequestData

from app.work import chat_of, update_task_name

log = logging.getLogger(__name__)

Receive = Callable[[int, int, str], Awaitable[None]]  # update id, chat, payload
TellToWait = Callable[[Update], Awaitable[None]]
STORE_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds; the last repeats until it works
PATIENCE = 2.0  # seconds a person waits in silence before hearing "one moment"


class ConfirmAfterStoring(HTTPXRequest):
    """The connection python-telegram-bot uses for `getUpdates` only. That call confirms
    the batch before it to Telegram, which then never sends it again: it waits until the
    inbox has stored the whole batch (`stored`), so a kill -9 loses nothing. (A rate
    limiter cannot do it: python-telegram-bot passes `getUpdates` around it.)"""

    def __init__(self, stored: Callable[[], Awaitable[None]]) -> None:
        super().__init__(connection_pool_size=1)  # as python-telegram-bot's own for polling
        self._stored = stored

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        await self._stored()
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )


class InboxQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._receive: Receive | None = None
        self._tell_to_wait: TellToWait | None = None
        self._held_up = 0  # updates told to wait, not stored yet
        self._last_of_chat: dict[int, asyncio.Task[None]] = {}
        self._storing: set[asyncio.Task[None]] = set()

    def bind(self, receive: Receive, tell_to_wait: TellToWait | None = None) -> None:
        self._receive = receive
        self._tell_to_wait = tell_to_wait

    async def put(self, item: object) -> None:
        """From the updater: stored in the background; `stored` is awaited before the
        batch is confirmed."""
        if isinstance(item, Update) and self._receive is not None:
            self._start(item, self._receive)
            return
        await super().put(item)

    async def store(self, update: Update) -> None:
        """From the webhook: stored when this returns (then Telegram gets its 200)."""
        assert self._receive is not None
        await self._start(update, self._receive)

    async def stored(self) -> None:
        """Every update handed so far is stored."""
        while self._storing:
            await asyncio.wait(set(self._storing))

    def _start(self, update: Update, receive: Receive) -> asyncio.Task[None]:
        data = update.to_dict()
        chat = chat_of(data)
        before = self._last_of_chat.get(chat)
        task = asyncio.create_task(self._in_turn(before, update, data, chat, receive))
        self._last_of_chat[chat] = task
        self._storing.add(task)

        def forget(done: asyncio.Task[None]) -> None:
            self._storing.discard(done)
            if self._last_of_chat.get(chat) is done:
                del self._last_of_chat[chat]

        task.add_done_callback(forget)
        return task

    async def _in_turn(
        self,
        before: asyncio.Task[None] | None,
        update: Update,
        data: dict[str, object],
        chat: int,
        receive: Receive,
    ) -> None:
        """After the chat's previous update (its order is the order of handling)."""
        if before is not None:
            await asyncio.wait({before})
        payload = json.dumps(data, ensure_ascii=False)
        storing = asyncio.create_task(
            _keep(update.update_id, chat, payload, receive),
            name=update_task_name("store", update.update_id),
        )
        try:
            patience = 0.0 if self._held_up else PATIENCE
            done, _ = await asyncio.wait({storing}, timeout=patience)
            if done or self._tell_to_wait is None:
                await storing
                return
            self._held_up += 1
            try:
                log.warning("update %s waits for the database; told", update.update_id)
                await self._tell_to_wait(update)
                await storing
            finally:
                self._held_up -= 1
        finally:
            storing.cancel()  # when stopping cuts the wait short (once done: nothing)


async def _keep(update_id: int, chat: int, payload: str, receive: Receive) -> None:
    """Store, retrying for as long as the database cannot take it: until then Telegram
    is not told (the next poll waits; a webhook call waits, or times out and is retried)."""
    tries = 0
    while True:
        try:
            await receive(update_id, chat, payload)
            return
        except Exception:
            pause = STORE_RETRY[min(tries, len(STORE_RETRY) - 1)]
            tries += 1
            log.warning("update %s not stored yet; trying again", update_id)
            await asyncio.sleep(pause)
