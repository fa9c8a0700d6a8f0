"""Creating invite codes (the shell, admins and referents) and reading what one is for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core import invites as invite_rules
from core.invites import InviteState, InviteStatus
from storage import invites as invite_store
from storage.db import SessionFactory

PERSON = "person"


@dataclass(frozen=True)
class InviteInfo:
    id: int
    purpose: str
    site_id: int | None
    created_by_id: int | None
    name: str | None
    status: InviteStatus


async def create_invite(
    db: SessionFactory,
    purpose: str,
    now: datetime,
    *,
    site_id: int | None = None,
    created_by_id: int | None = None,
    name: str | None = None,
) -> str:
    """Return the code once; only its hash is stored."""
    async with db.begin() as session:
        code, _ = await add_invite(
            session, purpose, now, site_id=site_id, created_by_id=created_by_id, name=name
        )
        return code


async def add_invite(
    session: AsyncSession,
    purpose: str,
    now: datetime,
    *,
    site_id: int | None = None,
    created_by_id: int | None = None,
    name: str | None = None,
    validity: timedelta = invite_rules.DEFAULT_VALIDITY,
) -> tuple[str, int]:
    """Inside the caller's transaction: a new code (returned once) and its invite's id."""
    code = invite_rules.new_code()
    invite = await invite_store.add_invite(
        session,
        invite_rules.hash_code(code),
        purpose,
        now,
        now + validity,
        site_id=site_id,
        created_by_id=created_by_id,
        name=name,
    )
    return code, invite.id


async def read_invite(db: SessionFactory, payload: str, now: datetime) -> InviteInfo | None:
    """What a code is for, without using it; None when the code is unknown or malformed."""
    if not invite_rules.is_well_formed(payload):
        return None
    async with db.begin() as session:
        invite = await invite_store.find_invite(session, invite_rules.hash_code(payload))
        if invite is None:
            return None
        status = invite_rules.invite_status(InviteState(invite.expires_at, invite.used_at), now)
        return InviteInfo(
            invite.id, invite.purpose, invite.site_id, invite.created_by_id, invite.name, status
        )
