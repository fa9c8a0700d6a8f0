"""Creating invite codes (the shell and, later, staff in the bot)."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import invites as invite_rules
from storage import invites as invite_store
from storage.db import SessionFactory


async def create_invite(
    db: SessionFactory,
    purpose: str,
    now: datetime,
    validity: timedelta = invite_rules.DEFAULT_VALIDITY,
) -> str:
    """Return the code once; only its hash is stored."""
    code = invite_rules.new_code()
    async with db.begin() as session:
        await invite_store.add_invite(
            session, invite_rules.hash_code(code), purpose, now, now + validity
        )
    return code
