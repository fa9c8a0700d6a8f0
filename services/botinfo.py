"""Facts the running bot records for the shell commands (its username for invite links)."""

from __future__ import annotations

from storage.db import SessionFactory
from storage.models import KeyValue

BOT_USERNAME = "bot_username"


async def remember(db: SessionFactory, key: str, value: str) -> None:
    async with db.begin() as session:
        row = await session.get(KeyValue, key)
        if row is None:
            session.add(KeyValue(key=key, value=value))
        else:
            row.value = value


async def recall(db: SessionFactory, key: str) -> str | None:
    async with db.begin() as session:
        row = await session.get(KeyValue, key)
        return row.value if row else None
