"""Who is writing: a staff member or a person (never both), found once per update.

`begin_update` is the first thing every update costs: in one transaction it starts the
update in the inbox (a redelivered or finished update is not handled again) and finds the
account, its language and its site's time zone, so handlers never look them up again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.languages import SUPPORTED_LANGUAGES
from services import onboarding
from services.onboarding import PersonView, Visitor
from services.staff import StaffView, staff_view
from storage import inbox as inbox_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.inbox import Turn
from storage.models import StaffMember


@dataclass(frozen=True)
class FormerStaff:
    """A deactivated staff account: it keeps no access and does not become a person."""

    language: str


Account = StaffView | PersonView | FormerStaff


@dataclass(frozen=True)
class Caller:
    """Who sent an update: their account (None: someone the bot keeps nothing about) and
    the time zone of their site (None: the bot's default)."""

    account: Account | None
    timezone: str | None


async def begin_update(
    db: SessionFactory,
    update_id: int,
    visitor: Visitor | None,
    now: datetime,
    *,
    tapped: bool = False,
) -> Caller | Turn:
    """Start handling the update and find who sent it; a `Turn` instead when it must not be
    handled (done already, or given up after breaking the process again and again).
    A tap (`tapped`) means the person moved on: a typed answer asked for before is no
    longer awaited (the button that asks for one asks again)."""
    async with db.begin() as session:
        turn = await inbox_store.begin(session, update_id, now)
        if turn is not Turn.HANDLE:
            return turn
        if visitor is None:
            return Caller(None, None)
        return await _caller(session, visitor, now, tapped)


async def _caller(session: AsyncSession, visitor: Visitor, now: datetime, tapped: bool) -> Caller:
    member = await staff_store.find_staff(session, visitor.telegram_user_id)
    if member is not None:
        if tapped:
            member.awaiting = None
        return await _staff_caller(session, member, now)
    person = await onboarding.seen_person(session, visitor, now)
    if person is None:
        return Caller(None, None)
    if tapped:  # a tap is something the bot understood: "twice in a row" starts again
        person.awaiting, person.misunderstood = None, 0
    zone = await site_store.timezone_of(session, person.site_id)
    return Caller(await onboarding.view_of(session, person), zone)


async def _staff_caller(session: AsyncSession, member: StaffMember, now: datetime) -> Caller:
    if member.deactivated_at is not None:
        return Caller(FormerStaff(member.language), None)
    member.last_seen_at = now
    view = await staff_view(session, member)
    first_site = view.roles[0].site_id if view.roles else None
    return Caller(view, await site_store.timezone_of(session, first_site))


async def set_language(
    db: SessionFactory, visitor: Visitor, code: str, now: datetime, default: str
) -> Account | None:
    async with db.begin() as session:
        member = await staff_store.find_staff(session, visitor.telegram_user_id)
        if member is not None:
            if code not in SUPPORTED_LANGUAGES:
                return None
            member.language = code
            if member.deactivated_at is not None:
                return FormerStaff(code)
            return await staff_view(session, member)
    return await onboarding.choose_language(db, visitor, code, now, default)
