"""The single-process engine: the inbox's rows, one lock per chat, the outbox sender task
and in-process ticks. The default, on SQLite (one writer: one process) or PostgreSQL.

One lock per chat keeps a person's conversation in order while different people are
served in parallel; an update takes one of the processing slots only once its chat's
turn has come, so a busy chat never holds a slot another person could use.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence

from app.sender import OutboxSender
from app.work import (
    Handle,
    Handled,
    Periodic,
    Send,
    chat_of,
    finish,
    handle_safely,
    tick,
    update_task_name,
)
from core.clock import Clock
from services import inbox
from storage.db import SessionFactory

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 32
STOP_WITHIN = 20.0  # seconds the updates in flight have to finish when the bot stops


class LocalWork:
    def __init__(
        self, db: SessionFactory, clock: Clock, concurrency: int = CONCURRENT_UPDATES
    ) -> None:
        self.handled = Handled()
        self._db = db
        self._clock = clock
        self._sender = OutboxSender()
        self._slots = asyncio.Semaphore(concurrency)
        self._chats: dict[int, _ChatQueue] = {}
        self._queued: set[int] = set()  # in this process, until done
        self._running: set[asyncio.Task[None]] = set()
        self._ticks: list[asyncio.Task[None]] = []
        self._handle: Handle | None = None
        self._waiting: list[tuple[int, int, str]] = []  # received before `start`

    @property
    def stopping(self) -> bool:
        return self._sender.stopping

    async def start(self, handle: Handle, send: Send, periodic: Sequence[Periodic]) -> None:
        self._handle = handle
        for update_id, payload in await inbox.unfinished(self._db):
            log.info("update %s was not finished; handled again", update_id)
            self._enqueue(update_id, _chat_of_payload(payload), payload)
        for waiting in self._waiting:
            self._enqueue(*waiting)
        self._waiting.clear()
        self._sender.start(send)
        self._ticks = [asyncio.create_task(tick(p), name=p.name) for p in periodic]

    async def receive(self, update_id: int, chat: int, payload: str) -> None:
        if update_id in self._queued:
            log.info("update %s received again; not queued twice", update_id)
            return
        if not await inbox.receive(self._db, update_id, payload, self._clock.now()):
            log.info("update %s received again; done already", update_id)
            return
        if self._handle is None:
            self._queued.add(update_id)
            self._waiting.append((update_id, chat, payload))
            return
        self._enqueue(update_id, chat, payload)

    def outbox_changed(self) -> None:
        self._sender.wake()

    async def flush_outbox(self) -> None:
        await self._sender.flush()

    async def quiet(self) -> None:
        await self._sender.quiet()

    async def stop(self) -> None:
        self._handle = None  # anything received from now on waits in the inbox
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=STOP_WITHIN)
            for task in late:  # left open in the inbox: handled again at the next start
                task.cancel()
        await self._sender.stop()
        for ticking in self._ticks:
            ticking.cancel()
        for ticking in self._ticks:
            with contextlib.suppress(asyncio.CancelledError):
                await ticking
        self._ticks = []

    def _enqueue(self, update_id: int, chat: int, payload: str) -> None:
        self._queued.add(update_id)
        queue = self._chats.setdefault(chat, _ChatQueue())
        queue.waiting += 1  # counted now: the lock is taken in this order
        task = asyncio.create_task(
            self._run(update_id, chat, queue, payload), name=update_task_name("handle", update_id)
        )
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, update_id: int, chat: int, queue: _ChatQueue, payload: str) -> None:
        try:
            async with queue.lock:
                handle = self._handle
                if handle is None:  # stopping: the next start handles it
                    return
                async with self._slots:
                    await handle_safely(handle, update_id, payload)
                await finish(self._db, self._clock, update_id)
        finally:
            queue.waiting -= 1
            if queue.waiting == 0:
                del self._chats[chat]
            self._queued.discard(update_id)
            await self.handled.mark(update_id)


class _ChatQueue:
    """A chat's lock and how many updates hold or await it (the lock goes when none do)."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


def _chat_of_payload(payload: str) -> int:
    try:
        data = json.loads(payload)
    except ValueError:
        return 0
    return chat_of(data) if isinstance(data, dict) else 0
