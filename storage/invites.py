"""Repository functions for invite codes (stored hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def find_invite(session: AsyncSession, code_hash: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code_hash == code_hash))


async def add_invite(
    session: AsyncSession, code_hash: str, purpose: str, now: datetime, expires_at: datetime
) -> Invite:
    invite = Invite(code_hash=code_hash, purpose=purpose, created_at=now, expires_at=expires_at)
    session.add(invite)
    await session.flush()
    return invite
