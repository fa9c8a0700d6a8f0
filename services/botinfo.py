"""Facts the running bot records for the shell commands (its username for invite links)."""

from __future__ import annotations

from storage import key_values
from storage.db import SessionFactory

BOT_USERNAME = "bot_username"


async def remember(db: SessionFactory, key: str, value: str) -> None:
    async with db.begin() as session:
        await key_values.put(session, key, value)


async def recall(db: SessionFactory, key: str) -> str | None:
    async with db.begin() as session:
        return await key_values.get(session, key)
