"""Deferring a procrastinate job inside our own transaction (the scale path only).

procrastinate's own `defer_async` opens its own connection, so a job deferred that way
could run for a change that was rolled back, or be lost for one that was committed.
Its SQL function takes the same arguments; called here, the job and the change commit
together (docs/decisions/0007-procrastinate-for-the-scale-path.md).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

DEFAULT_QUEUE = "default"

_DEFER = text(
    "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW("
    ":queue, :task, 0, :lock, NULL, CAST(:args AS jsonb), NULL"
    ")::procrastinate_job_to_defer_v1]))[1]"
)


async def defer(session: AsyncSession, task: str, args: dict[str, Any], lock: str | None) -> int:
    """Queue a job to run as soon as a worker is free (and `lock` is not held)."""
    job_id = await session.scalar(
        _DEFER, {"queue": DEFAULT_QUEUE, "task": task, "lock": lock, "args": json.dumps(args)}
    )
    assert job_id is not None
    return int(job_id)
