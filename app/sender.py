"""The process's outbox sender: one task that sends what the outbox holds whenever it is
woken, so that no handler waits for bulk messages to leave.

A use case that queued messages wakes it (`wake`), and so does a job every few seconds
(retries coming due, rows a stopped process left claimed past their lease). Sending
itself is `handlers.notify.deliver_outbox`; this module only owns the task's life.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Drain = Callable[[], Awaitable[int]]
AFTER_ERROR = 5.0  # seconds before trying again when the database or Telegram failed
STOP_WITHIN = 10.0  # seconds a stopping sender has to finish its batch


class OutboxSender:
    def __init__(self) -> None:
        self._woken = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.stopping = False  # read between batches: a stopping sender takes no more
        self._begun = 0  # passes over the outbox begun, and finished
        self._finished = 0
        self._changed = asyncio.Condition()  # notified at the end of each pass

    @property
    def _sending(self) -> bool:
        return self._begun != self._finished

    def wake(self) -> None:
        self._woken.set()

    async def flush(self) -> None:
        """Wait until a pass that began after this call has finished: everything due now
        has been tried (tests, and the demo, read the chat after this)."""
        async with self._changed:
            target = self._begun + 1
            self.wake()
            await self._changed.wait_for(lambda: self._finished >= target)

    async def quiet(self) -> None:
        """Wait until the sender is neither woken nor sending: what use cases queued so
        far has been tried (no pass is begun for nothing, unlike `flush`)."""
        if self._task is None:
            return
        async with self._changed:
            await self._changed.wait_for(lambda: not self._sending and not self._woken.is_set())

    def start(self, drain: Drain) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(drain), name="outbox-sender")
            self.wake()

    async def stop(self, within: float = STOP_WITHIN) -> None:
        """Finish the batch being sent (each result recorded), then stop. Past `within`,
        what is still being sent is cut off and left claimed: its lease ends and it is
        sent again then (see docs/reliability.md)."""
        task, self._task = self._task, None
        if task is None:
            return
        self.stopping = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(lambda: not self._sending)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self, drain: Drain) -> None:
        while not self.stopping:
            await self._woken.wait()
            self._woken.clear()
            self._begun += 1
            try:
                await drain()
            except Exception:
                log.exception("the outbox could not be sent; trying again shortly")
                await asyncio.sleep(AFTER_ERROR)
                self.wake()
            async with self._changed:
                self._finished += 1
                self._changed.notify_all()
