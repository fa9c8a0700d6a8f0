"""Small facts the running bot records for the shell commands (its username)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue


async def put(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value))
    else:
        row.value = value


async def get(session: AsyncSession, key: str) -> str | None:
    row = await session.get(KeyValue, key)
    return row.value if row else None
