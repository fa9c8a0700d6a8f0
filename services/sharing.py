"""The person's choice of what their referent sees, and for how long."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.sharing import NOTHING, Area, Duration, Grant, decode_areas, encode_areas, expiry
from services.onboarding import Visitor
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import SharingGrant


async def current_grant(db: SessionFactory, visitor: Visitor, now: datetime) -> Grant:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return NOTHING
        row = await session.scalar(select(SharingGrant).where(SharingGrant.person_id == person.id))
        if row is None:
            return NOTHING
        grant = Grant(decode_areas(row.areas), row.expires_at)
        return grant if grant.visible(now) else NOTHING


async def set_grant(
    db: SessionFactory, visitor: Visitor, areas: frozenset[Area], duration: Duration, now: datetime
) -> Grant | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        ends = None if not areas else expiry(duration, now)
        row = await session.scalar(select(SharingGrant).where(SharingGrant.person_id == person.id))
        if row is None:
            row = SharingGrant(person_id=person.id, areas="none", granted_at=now)
            session.add(row)
        row.areas, row.granted_at, row.expires_at, row.reminded_at = (
            encode_areas(areas),
            now,
            ends,
            None,
        )
        return Grant(areas, ends)
