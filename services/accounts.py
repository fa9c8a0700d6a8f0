"""Who is writing: a staff member or a person (never both), found in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.languages import SUPPORTED_LANGUAGES
from services import onboarding
from services.onboarding import PersonView, Visitor
from services.staff import StaffView, staff_view
from storage import staff as staff_store
from storage.db import SessionFactory


@dataclass(frozen=True)
class FormerStaff:
    """A deactivated staff account: it keeps no access and does not become a person."""

    language: str


Account = StaffView | PersonView | FormerStaff


async def staff_of(
    db: SessionFactory, visitor: Visitor, now: datetime
) -> StaffView | FormerStaff | None:
    """The staff account writing, if it is one; creates nothing."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, visitor.telegram_user_id)
        if member is None:
            return None
        if member.deactivated_at is not None:
            return FormerStaff(member.language)
        member.last_seen_at = now
        return await staff_view(session, member)


async def identify(db: SessionFactory, visitor: Visitor, now: datetime, default: str) -> Account:
    """Staff, or the person (created at first contact: it holds where onboarding stands)."""
    staff = await staff_of(db, visitor, now)
    return staff if staff is not None else await onboarding.visit(db, visitor, now, default)


async def set_language(
    db: SessionFactory, visitor: Visitor, code: str, now: datetime, default: str
) -> Account | None:
    async with db.begin() as session:
        member = await staff_store.find_staff(session, visitor.telegram_user_id)
        if member is not None:
            if code not in SUPPORTED_LANGUAGES:
                return None
            member.language = code
            return await staff_view(session, member)
    return await onboarding.choose_language(db, visitor, code, now, default)


async def peek(db: SessionFactory, visitor: Visitor, now: datetime) -> Account | None:
    """Like `identify`, but creates nothing: None for someone the bot has never kept."""
    staff = await staff_of(db, visitor, now)
    if staff is not None:
        return staff
    if not await onboarding.is_known(db, visitor):
        return None
    return await onboarding.visit(db, visitor, now, visitor.telegram_language or "fr")
