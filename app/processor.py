"""Concurrent update processing that keeps each chat's updates in order.

PTB's `concurrent_updates` gives throughput but no per-chat ordering (a person tapping
two buttons quickly could see their answers swapped). One lock per chat keeps a
person's conversation sequential while different persons are served in parallel.
The processor also counts finished updates, which the demo and tests wait on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

REMEMBERED_DONE = 10_000
FINISH_RETRY = (0.2, 1.0, 3.0)  # a short database blip must not leave a handled update open

log = logging.getLogger(__name__)
Finish = Callable[[int], Awaitable[None]]


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, _ChatQueue] = {}
        self._done: OrderedDict[int, None] = OrderedDict()
        self._changed = asyncio.Condition()
        self.finish: Finish | None = None  # marks the update done in the inbox

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        chat = self._chats.setdefault(key, _ChatQueue())
        chat.waiting += 1
        try:
            async with chat.lock:
                await coroutine
            await self._finish(update)
        finally:
            chat.waiting -= 1
            if chat.waiting == 0:
                del self._chats[key]
            await self._mark_done(update)

    async def initialize(self) -> None:
        """Nothing to open: locks are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def wait_done(self, update_id: int, within: float = 10.0) -> None:
        """Wait until the update has gone through every handler (or failed)."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: update_id in self._done)

    async def _finish(self, update: object) -> None:
        """Handled (an error included, which the error handler answered): done in the inbox.
        A process killed before this line handles the update again at its next start."""
        if self.finish is None or not isinstance(update, Update):
            return
        for pause in (*FINISH_RETRY, None):
            try:
                await self.finish(update.update_id)
                return
            except Exception:
                if pause is None:
                    log.warning("update %s handled but not marked done", update.update_id)
                    return
                await asyncio.sleep(pause)

    async def _mark_done(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        async with self._changed:
            self._done[update.update_id] = None
            while len(self._done) > REMEMBERED_DONE:
                self._done.popitem(last=False)
            self._changed.notify_all()


class _ChatQueue:
    """A chat's lock and how many updates hold or await it (the lock goes when none do)."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


def _chat_key(update: object) -> int:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0
