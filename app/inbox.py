"""The update queue that stores before it accepts.

python-telegram-bot confirms a polled batch on its next `getUpdates` and answers a webhook
call with 200 once `update_queue.put` returns. Handing each update to the work engine
inside `put` (which stores it) therefore means: nothing is confirmed to Telegram before it
is in the database. The engine handles it from there (app/work.py); nothing reaches
python-telegram-bot's own queue but its stop signal.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from app.work import chat_of

log = logging.getLogger(__name__)

Receive = Callable[[int, int, str], Awaitable[None]]  # update id, chat, payload
STORE_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds; the last repeats until it works


class InboxQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._receive: Receive | None = None

    def bind(self, receive: Receive) -> None:
        self._receive = receive

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self._receive is not None:
            await self._keep(item, self._receive)
            return
        await super().put(item)

    @staticmethod
    async def _keep(update: Update, receive: Receive) -> None:
        """Store, retrying for as long as the database cannot take it: until then Telegram
        is not told (polling waits; a webhook call waits, or times out and is retried).
        Stopping the bot still works: python-telegram-bot cancels the waiting poll."""
        data = update.to_dict()
        payload = json.dumps(data, ensure_ascii=False)
        chat = chat_of(data)
        tries = 0
        while True:
            try:
                await receive(update.update_id, chat, payload)
                return
            except Exception:
                pause = STORE_RETRY[min(tries, len(STORE_RETRY) - 1)]
                tries += 1
                log.warning("update %s not stored yet; trying again", update.update_id)
                await asyncio.sleep(pause)
