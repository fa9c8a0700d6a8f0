"""The scale path: several processes share PostgreSQL and procrastinate's job queue.

- Each update is stored with its `handle_update` job in one transaction; the job's lock
  is the chat, so one chat's updates run one at a time, in order, on whichever worker is
  free, while other chats run in parallel.
- The outbox is sent by a `send_outbox` job that holds the "outbox" lock: one sender at
  a time across all processes, so Telegram's overall pace is kept by one pacer.
- Scheduled work is periodic jobs, deferred once per tick whatever the number of workers.
- A worker killed with -9 leaves its jobs "doing", their chats blocked: every process
  looks for jobs of workers whose heartbeat stopped and sets them to run again
  (a loop in the process, not a job: a job doing it could itself be stalled).

Chosen over a queue of our own: docs/decisions/0007-procrastinate-for-the-scale-path.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Sequence
from datetime import timedelta

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from app.work import Handle, Handled, Periodic, Send, finish, handle_safely, tick, update_task_name
from core.clock import Clock
from services import inbox, outbox
from storage.db import SessionFactory

log = logging.getLogger(__name__)

HANDLE_UPDATE = "handle_update"
SEND_OUTBOX = "send_outbox"
OUTBOX_LOCK = "outbox"
CONCURRENT_JOBS = 32
# A lock freed without a new job inserted wakes no worker: it polls this often. Two
# quick taps of one person wait at most this long for the second.
POLL_EVERY = 0.2
HEARTBEAT_EVERY = 2.0  # seconds between a worker's signs of life
STALLED_AFTER = 10.0  # seconds without one: the worker is gone, its jobs run again
LOOK_FOR_STALLED_EVERY = timedelta(seconds=5)
STOP_WITHIN = 20.0  # seconds the jobs in flight have to finish when the process stops
CLOSE_WITHIN = 10.0  # seconds for the rest of stopping (unregistering, connections)
WAIT_STEP = 0.02  # seconds between two looks at a job the tests or the demo wait for
UNFINISHED = ("todo", "doing")
QUEUE_CONNECTIONS = 10  # per process, for taking and finishing jobs and for LISTEN


class SharedWork:
    def __init__(self, db: SessionFactory, clock: Clock, database_url: str) -> None:
        self.handled = Handled()
        self._db = db
        self._clock = clock
        self._stopping = False
        self._app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=_libpq(database_url), min_size=2, max_size=QUEUE_CONNECTIONS
            )
        )
        self._handle: Handle | None = None
        self._send: Send | None = None
        self._woken = asyncio.Event()
        self._deferring = 0
        self._loops: list[asyncio.Task[None]] = []
        self._worker: asyncio.Task[None] | None = None
        self._app.task(name=HANDLE_UPDATE, pass_context=False)(self._handle_update)
        self._app.task(name=SEND_OUTBOX, pass_context=False)(self._send_outbox)

    @property
    def stopping(self) -> bool:
        return self._stopping

    async def start(self, handle: Handle, send: Send, periodic: Sequence[Periodic]) -> None:
        self._handle, self._send = handle, send
        shared = [p for p in periodic if not p.each_process]
        for scheduled in shared:
            self._schedule(scheduled)
        await self._app.open_async()
        local = [p for p in periodic if p.each_process]
        local.append(Periodic("stalled-jobs", LOOK_FOR_STALLED_EVERY, self._retry_stalled))
        self._loops = [asyncio.create_task(tick(p), name=p.name) for p in local]
        self._loops.append(asyncio.create_task(self._defer_sending(), name="outbox-waker"))
        self._worker = asyncio.create_task(
            self._app.run_worker_async(
                name=f"alliance-{os.getpid()}",
                concurrency=CONCURRENT_JOBS,
                wait=True,
                fetch_job_polling_interval=POLL_EVERY,
                listen_notify=True,
                install_signal_handlers=False,
                update_heartbeat_interval=HEARTBEAT_EVERY,
                stalled_worker_timeout=STALLED_AFTER,
                shutdown_graceful_timeout=STOP_WITHIN,
                delete_jobs="successful",
            ),
            name="procrastinate-worker",
        )
        self.outbox_changed()  # what an earlier process queued and did not send

    async def receive(self, update_id: int, chat: int, payload: str) -> None:
        lock = f"chat:{chat}"
        now = self._clock.now()
        if not await inbox.receive_as_job(self._db, update_id, payload, now, HANDLE_UPDATE, lock):
            log.info("update %s received again; its job was queued with it", update_id)

    def outbox_changed(self) -> None:
        self._woken.set()

    async def flush_outbox(self) -> None:
        job_id = await self._defer_send_job()
        # The job may run in another process: its row is the only thing to watch.
        while await self._unfinished(job_id=job_id):  # noqa: ASYNC110
            await asyncio.sleep(WAIT_STEP)

    async def quiet(self) -> None:
        while self._woken.is_set() or self._deferring or await self._unfinished():  # noqa: ASYNC110
            await asyncio.sleep(WAIT_STEP)

    async def stop(self) -> None:
        self._stopping = True
        for loop in self._loops:
            loop.cancel()
        for loop in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await loop
        self._loops = []
        worker, self._worker = self._worker, None
        if worker is None:
            return
        # procrastinate stops gracefully when its task is cancelled: the jobs in flight
        # get STOP_WITHIN, then are aborted (and run again elsewhere). Bounded all the
        # same: a process asked to stop must stop.
        worker.cancel()
        try:
            async with asyncio.timeout(STOP_WITHIN + CLOSE_WITHIN):
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
        except TimeoutError:
            log.warning("the job queue's worker did not stop in time; leaving it")
        try:
            async with asyncio.timeout(CLOSE_WITHIN):
                await self._app.close_async()
        except TimeoutError:
            log.warning("the job queue's connections did not close in time")

    async def _handle_update(self, update_id: int) -> None:
        handle = self._handle
        assert handle is not None
        task = asyncio.current_task()
        if task is not None:  # procrastinate names it by the job; ours name it by the update
            task.set_name(update_task_name("handle", update_id))
        payload = await inbox.open_payload(self._db, update_id)
        if payload is not None:  # else done already: a job run again after a stall
            await handle_safely(handle, update_id, payload)
            await finish(self._db, self._clock, update_id)
        await self.handled.mark(update_id)

    async def _send_outbox(self) -> None:
        """The one sender: the lock lets no other job send meanwhile, so messages still
        claimed were claimed by a worker that died; they are sent again now rather than
        when their lease ends (the at-least-once window, docs/reliability.md)."""
        send = self._send
        assert send is not None
        try:
            await outbox.release_claims(self._db)
            await send()
        except Exception:  # the next wake, at the latest the periodic one, tries again
            log.exception("the outbox could not be sent; trying again shortly")

    def _schedule(self, periodic: Periodic) -> None:
        async def run(timestamp: int) -> None:
            await periodic.run()

        task = self._app.task(
            name=periodic.name, pass_context=False, lock=periodic.name, queueing_lock=periodic.name
        )(run)
        self._app.periodic(cron=cron(periodic.every))(task)

    async def _defer_sending(self) -> None:
        """Each wake queues one sending job at most (none while one is waiting)."""
        while True:
            await self._woken.wait()
            self._deferring += 1
            self._woken.clear()
            try:
                await self._defer_send_job(wait_for_queued=False)
            except Exception:
                log.warning("the outbox job could not be queued; trying again")
                await asyncio.sleep(1.0)
                self._woken.set()
            finally:
                self._deferring -= 1

    async def _defer_send_job(self, wait_for_queued: bool = True) -> int | None:
        """Queue a sending job; if one is queued already (not begun), that one."""
        job = self._app.configure_task(SEND_OUTBOX, lock=OUTBOX_LOCK, queueing_lock=OUTBOX_LOCK)
        while True:
            try:
                return await job.defer_async()
            except AlreadyEnqueued:
                if not wait_for_queued:
                    return None
                queued = await self._app.job_manager.list_jobs_async(
                    task=SEND_OUTBOX, status="todo"
                )
                for waiting in queued:
                    return waiting.id

    async def _unfinished(self, job_id: int | None = None) -> bool:
        """A sending job (this one, or any) waits or runs. Done ones are deleted."""
        jobs = await self._app.job_manager.list_jobs_async(id=job_id, task=SEND_OUTBOX)
        return any(job.status in UNFINISHED for job in jobs)

    async def _retry_stalled(self) -> None:
        manager = self._app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
            with contextlib.suppress(Exception):  # another process took it back first
                await manager.retry_job(job)
                log.warning("job %s of a stopped worker runs again", job.id)


def cron(every: timedelta) -> str:
    """procrastinate's cron (a sixth field for seconds) for a period that divides a minute,
    an hour or a day."""
    seconds = int(every.total_seconds())
    if 0 < seconds < 60 and 60 % seconds == 0:
        return f"* * * * * */{seconds}"
    minutes, hours = seconds // 60, seconds // 3600
    if seconds % 60 == 0 and 0 < minutes < 60 and 60 % minutes == 0:
        return f"*/{minutes} * * * *"
    if seconds % 3600 == 0 and 0 < hours <= 24 and 24 % hours == 0:
        return f"0 */{hours} * * *"
    raise ValueError(f"no cron for every {every}")


def _libpq(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)
