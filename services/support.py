"""A person's accompaniment: their site, their referent, asking for another one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.intents import AwaitSiteSearch, encode
from core.notices import ChangeRequested, ToStaff
from core.sites import Contact, SiteSummary
from core.sites import search as search_sites
from services import outbox
from services.onboarding import Visitor
from services.sites import contact_for, contact_of
from storage import persons as person_store
from storage import referent_changes as change_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Site

SEARCH_LENGTH = 80


@dataclass(frozen=True)
class Support:
    site_id: int | None
    site_name: str | None
    referent_name: str | None
    change_pending: bool
    contact: Contact = field(default_factory=Contact)  # the site's address, hours, phone


async def my_contact(db: SessionFactory, visitor: Visitor) -> Contact:
    """Whom the person writing can reach; nobody in particular for someone the bot does
    not know (the help page works before consent, and for staff): creates nothing."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        return Contact() if person is None else await contact_for(session, person)


async def my_support(db: SessionFactory, visitor: Visitor) -> Support | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        site, referent = await person_store.site_and_referent(session, person)
        pending = await change_store.pending_of(session, person.id)
        return Support(
            site.id if site else None,
            site.name if site else None,
            referent.display_name if referent else None,
            pending is not None,
            contact_of(site, referent),
        )


async def await_site_search(db: SessionFactory, visitor: Visitor) -> None:
    """The next text the person types is a town or a postcode."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = encode(AwaitSiteSearch())


async def search_typed(db: SessionFactory, visitor: Visitor, text: str) -> list[SiteSummary]:
    """The sites matching the town or postcode the person was asked for (asked once)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = None
        sites = [_summary(s) for s in await site_store.all_sites(session)]
    return search_sites(sites, text[:SEARCH_LENGTH])


async def find_sites(db: SessionFactory) -> list[SiteSummary]:
    async with db.begin() as session:
        return [_summary(s) for s in await site_store.all_sites(session)]


async def choose_site(db: SessionFactory, visitor: Visitor, site_id: int) -> Support | None:
    """Attach the person to a site they picked (no referent yet); None: no such site."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        site = await site_store.get_site(session, site_id)
        if person is None or site is None:
            return None
        if person.site_id != site.id:
            person.site_id, person.referent_id = site.id, None
        _, referent = await person_store.site_and_referent(session, person)
        pending = await change_store.pending_of(session, person.id)
        return Support(
            site.id,
            site.name,
            referent.display_name if referent else None,
            pending is not None,
            contact_of(site, referent),
        )


async def ask_for_another_referent(db: SessionFactory, visitor: Visitor, now: datetime) -> None:
    """Record the request and tell the site's admins (outbox); the bot never says no."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.site_id is None:
            return
        if await change_store.pending_of(session, person.id) is not None:
            return  # the admins were told when it was asked
        await change_store.add(session, person.id, person.site_id, now)
        admins = await staff_store.admins_of_site(session, person.site_id)
        await outbox.queue(session, [ChangeRequested(ToStaff(admin.id)) for admin in admins], now)


def _summary(site: Site) -> SiteSummary:
    return SiteSummary(site.id, site.name, site.town, site.postcode)
