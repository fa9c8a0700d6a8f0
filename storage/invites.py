"""Repository functions for invite codes (stored hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def find_invite(session: AsyncSession, code_hash: str) -> Invite | None:
    return await session.scalar(select(Invite).where(Invite.code_hash == code_hash))


async def add_invite(
    session: AsyncSession,
    code_hash: str,
    purpose: str,
    now: datetime,
    expires_at: datetime,
    *,
    site_id: int | None = None,
    created_by_id: int | None = None,
    name: str | None = None,
) -> Invite:
    invite = Invite(
        code_hash=code_hash,
        purpose=purpose,
        site_id=site_id,
        created_by_id=created_by_id,
        name=name,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(invite)
    await session.flush()
    return invite


async def get_invite(session: AsyncSession, invite_id: int) -> Invite | None:
    return await session.get(Invite, invite_id)


async def delete_expired_before(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(Invite).where(Invite.expires_at < before))
