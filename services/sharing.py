"""The person's choice of what their referent sees, and for how long."""

from __future__ import annotations

from datetime import datetime

from core.sharing import NOTHING, Area, Duration, Grant, expiry
from services.onboarding import Visitor
from storage import persons as person_store
from storage import sharing as sharing_store
from storage.db import SessionFactory


async def current_grant(db: SessionFactory, visitor: Visitor, now: datetime) -> Grant | None:
    """What the person's referent may see now; None when nobody follows them (there is
    no one to share with: the screen says so rather than "your referent sees…")."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.referent_id is None:
            return None
        grant = sharing_store.grant_of(await sharing_store.find(session, person.id))
    return grant if grant is not None and grant.visible(now) else NOTHING


async def set_grant(
    db: SessionFactory, visitor: Visitor, areas: frozenset[Area], duration: Duration, now: datetime
) -> Grant | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        ends = None if not areas else expiry(duration, now)
        await sharing_store.put(session, person.id, areas, ends, now)
        return Grant(areas, ends)
