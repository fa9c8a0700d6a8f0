"""A person's accompaniment: their site, their referent, asking for another one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.sites import SiteSummary
from core.sites import search as search_sites
from services.onboarding import Visitor
from services.staff import Notice
from storage import persons as person_store
from storage import sites as site_store
from storage.db import SessionFactory
from storage.models import ReferentChangeRequest, StaffMember, StaffRole


@dataclass(frozen=True)
class Support:
    site_id: int | None
    site_name: str | None
    referent_name: str | None
    change_pending: bool


async def my_support(db: SessionFactory, visitor: Visitor) -> Support | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        site, referent = await person_store.site_and_referent(session, person)
        pending = await session.scalar(
            select(ReferentChangeRequest.id).where(
                ReferentChangeRequest.person_id == person.id,
                ReferentChangeRequest.handled_at.is_(None),
            )
        )
        return Support(
            site.id if site else None,
            site.name if site else None,
            referent.display_name if referent else None,
            pending is not None,
        )


async def await_site_search(db: SessionFactory, visitor: Visitor) -> None:
    """The next text the person types is a town or a postcode."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = "site_search"


async def take_awaited_text(db: SessionFactory, visitor: Visitor) -> str | None:
    """What the bot was waiting for, cleared so that one answer is taken once."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.awaiting is None:
            return None
        awaiting, person.awaiting = person.awaiting, None
        return awaiting


async def find_sites(db: SessionFactory, query: str) -> list[SiteSummary]:
    async with db.begin() as session:
        sites = [
            SiteSummary(s.id, s.name, s.town, s.postcode)
            for s in await site_store.all_sites(session)
        ]
    return search_sites(sites, query) if query else sites


async def choose_site(db: SessionFactory, visitor: Visitor, site_id: int) -> str | None:
    """Attach the person to a site they picked (no referent yet). Returns the site name."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        site = await site_store.get_site(session, site_id)
        if person is None or site is None:
            return None
        if person.site_id != site.id:
            person.site_id, person.referent_id = site.id, None
        return site.name


async def ask_for_another_referent(
    db: SessionFactory, visitor: Visitor, now: datetime
) -> list[Notice]:
    """Record the request and tell the site's admins; the bot itself never says no."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.site_id is None:
            return []
        pending = await session.scalar(
            select(ReferentChangeRequest.id).where(
                ReferentChangeRequest.person_id == person.id,
                ReferentChangeRequest.handled_at.is_(None),
            )
        )
        if pending is None:
            session.add(
                ReferentChangeRequest(person_id=person.id, site_id=person.site_id, requested_at=now)
            )
        admins = await session.execute(
            select(StaffMember.telegram_user_id, StaffMember.language)
            .join(StaffRole, StaffRole.staff_id == StaffMember.id)
            .where(
                StaffRole.site_id == person.site_id,
                StaffRole.role == "admin",
                StaffMember.deactivated_at.is_(None),
            )
        )
        return [
            Notice(telegram_id, language, "change_requested") for telegram_id, language in admins
        ]
