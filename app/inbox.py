"""The update queue that stores before it accepts.

python-telegram-bot confirms a polled batch on its next `getUpdates` and answers a webhook
call with 200 once `update_queue.put` returns. Storing the update inside `put` therefore
means: nothing is confirmed to Telegram before it is in the database. An update already
received (a webhook retry, a batch polled again after a crash) is not queued twice; one
that a stopped process left unfinished is queued again at start (`replay`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from telegram import Update

log = logging.getLogger(__name__)

Store = Callable[[int, str], Awaitable[bool]]
STORE_RETRY = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # seconds between tries while the database is down


class InboxQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._store: Store | None = None

    def bind(self, store: Store) -> None:
        self._store = store

    async def put(self, item: object) -> None:
        store = self._store
        if isinstance(item, Update) and store and not await self._keep(item, store):
            log.info("update %s received again; not queued twice", item.update_id)
            return
        await super().put(item)

    async def replay(self, update: Update) -> None:
        """Queue an update stored earlier, without storing it again."""
        await super().put(update)

    @staticmethod
    async def _keep(update: Update, store: Store) -> bool:
        """Store, retrying while the database is unreachable: until it is stored, Telegram
        is not told (polling waits; a webhook call waits, or times out and is retried)."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        for pause in (*STORE_RETRY, None):
            try:
                return await store(update.update_id, payload)
            except Exception:
                if pause is None:
                    raise
                log.warning("update %s not stored yet; trying again", update.update_id)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")
