"""How updates, the outbox and scheduled work get done: one small interface, two engines.

`LocalWork` (app/local_work.py) is the single-process default, on SQLite or PostgreSQL:
the inbox rows plus per-chat locks, the outbox sender task and in-process ticks.
`SharedWork` (app/shared_work.py) is the scale path: several processes share PostgreSQL
and procrastinate's job queue (docs/decisions/0007-procrastinate-for-the-scale-path.md).
Both pass one contract suite (tests/test_work_contract.py).

Whatever the engine, an update is durable once `receive` returns (Telegram may be told),
is handled once, after the earlier updates of its chat, and is marked done in the inbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from core.clock import Clock
from services import inbox
from storage.db import SessionFactory

log = logging.getLogger(__name__)

Handle = Callable[[int, str], Awaitable[None]]  # update id, stored payload: run the handlers
Send = Callable[[], Awaitable[int]]  # send what the outbox holds; how many were sent

REMEMBERED_DONE = 10_000
FINISH_RETRY = (0.2, 1.0, 3.0)  # a short database blip must not leave a handled update open


def update_task_name(stage: str, update_id: int) -> str:
    """The name of the asyncio task that stores or handles one update: tracebacks, asyncio
    debug output and the transaction count in the tests tell the update's work apart from
    scheduled work that runs meanwhile."""
    return f"{stage} update {update_id}"


@dataclass(frozen=True)
class Periodic:
    """Scheduled work. `each_process` work watches the process itself (its database
    connection); the rest runs once per tick wherever the engine decides."""

    name: str
    every: timedelta
    run: Callable[[], Awaitable[None]]
    first: timedelta = timedelta(0)
    each_process: bool = False


class Work(Protocol):
    handled: Handled

    @property
    def stopping(self) -> bool:
        """True once `stop` began: a sender takes no new batch."""
        ...

    async def start(self, handle: Handle, send: Send, periodic: Sequence[Periodic]) -> None:
        """Begin handling (what an earlier process left first), sending and ticking."""

    async def receive(self, update_id: int, chat: int, payload: str) -> None:
        """Store the update and schedule its handling; a redelivery changes nothing.
        Raises when the database cannot take it (the caller tries again)."""

    def outbox_changed(self) -> None:
        """A use case queued messages: send them soon."""

    async def flush_outbox(self) -> None:
        """Return once a pass over the outbox begun after this call has finished."""

    async def quiet(self) -> None:
        """Return once nothing asked of the sender is still waiting or being sent."""

    async def stop(self) -> None:
        """Take nothing new; finish the updates and the batch in flight, within bounds."""


class Handled:
    """Updates this process finished handling (or gave up on), for the demo and the tests,
    which wait on them."""

    def __init__(self) -> None:
        self._done: OrderedDict[int, None] = OrderedDict()
        self._changed = asyncio.Condition()

    async def mark(self, update_id: int) -> None:
        async with self._changed:
            self._done[update_id] = None
            while len(self._done) > REMEMBERED_DONE:
                self._done.popitem(last=False)
            self._changed.notify_all()

    async def wait_done(self, update_id: int, within: float = 10.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: update_id in self._done)


def chat_of(update: Mapping[str, Any]) -> int:
    """The chat an update belongs to (its order key), read from the update as stored:
    the chat of a message, else whoever sent it; 0 for what has neither."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if isinstance(message := update.get(kind), Mapping):
            return int(message["chat"]["id"])
    for value in update.values():
        if isinstance(value, Mapping):
            message = value.get("message")
            if isinstance(message, Mapping) and isinstance(message.get("chat"), Mapping):
                return int(message["chat"]["id"])
            sender = value.get("from")
            if isinstance(sender, Mapping):
                return int(sender["id"])
    return 0


async def finish(db: SessionFactory, clock: Clock, update_id: int) -> None:
    """Handled (an error included, which the error handler answered): done in the inbox.
    A process killed before this line handles the update again."""
    for pause in (*FINISH_RETRY, None):
        try:
            await inbox.finish(db, update_id, clock.now())
            return
        except Exception:
            if pause is None:
                log.warning("update %s handled but not marked done", update_id)
                return
            await asyncio.sleep(pause)


async def handle_safely(handle: Handle, update_id: int, payload: str) -> None:
    """The handlers answer their own errors; anything escaping them is logged, never lets
    the engine lose the next update."""
    try:
        await handle(update_id, payload)
    except Exception:
        log.exception("update %s could not be handled", update_id)


async def tick(periodic: Periodic) -> None:
    """Run scheduled work forever, in this process."""
    await asyncio.sleep(periodic.first.total_seconds())
    while True:
        try:
            await periodic.run()
        except Exception:
            log.exception("scheduled work %r failed; it runs again at its next tick", periodic.name)
        await asyncio.sleep(periodic.every.total_seconds())
