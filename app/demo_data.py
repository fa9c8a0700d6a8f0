"""What a fresh demo database holds. Later features add their own seed data here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.invites import create_invite
from storage.db import SessionFactory


@dataclass(frozen=True)
class DemoData:
    invite_code: str


async def seed(db: SessionFactory, now: datetime) -> DemoData:
    return DemoData(invite_code=await create_invite(db, "person", now))
