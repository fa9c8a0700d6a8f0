"""The update queue that stores before it accepts.

python-telegram-bot confirms a polled batch on its next `getUpdates` and answers a webhook
call with 200 once `update_queue.put` returns. Storing the update inside `put` therefore
means: nothing is confirmed to Telegram before it is in the database. An update already
queued in this process (a webhook retry, a batch polled again) is not queued twice; one
stored but not done and not queued here (left by a stopped process, or stored by a commit
whose answer was lost) is queued; at start the unfinished ones are queued again (`replay`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Update

log = logging.getLogger(__name__)

Store = Callable[[int, str], Awaitable[bool]]  # True: to be handled (new, or not done)
STORE_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds; the last repeats until it works


class InboxQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._store: Store | None = None
        self._queued: set[int] = set()  # in this process, until done

    def bind(self, store: Store) -> None:
        self._store = store

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self._store is not None:
            if item.update_id in self._queued or not await self._keep(item, self._store):
                log.info("update %s received again; not queued twice", item.update_id)
                return
            self._queued.add(item.update_id)
        await super().put(item)

    async def replay(self, update: Update) -> None:
        """Queue an update stored earlier, without storing it again."""
        self._queued.add(update.update_id)
        await super().put(update)

    def done(self, update_id: int) -> None:
        self._queued.discard(update_id)

    @staticmethod
    async def _keep(update: Update, store: Store) -> bool:
        """Store, retrying for as long as the database cannot take it: until then Telegram
        is not told (polling waits; a webhook call waits, or times out and is retried).
        Stopping the bot still works: python-telegram-bot cancels the waiting poll."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        tries = 0
        while True:
            try:
                return await store(update.update_id, payload)
            except Exception:
                pause = STORE_RETRY[min(tries, len(STORE_RETRY) - 1)]
                tries += 1
                log.warning("update %s not stored yet; trying again", update.update_id)
                await asyncio.sleep(pause)
