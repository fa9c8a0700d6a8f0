"""Creating and finding sites (the shell bootstraps them; persons pick one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.sites import HOLIDAY_REGIONS, SiteSummary
from storage import sites as site_store
from storage.db import SessionFactory


class SiteError(ValueError):
    """A site cannot be created as asked; the message says why and how to fix it."""


@dataclass(frozen=True)
class SiteView:
    id: int
    name: str
    timezone: str
    holiday_region: str


async def create_site(
    db: SessionFactory,
    *,
    name: str,
    timezone: str,
    holiday_region: str,
    now: datetime,
    address: str | None = None,
    town: str | None = None,
    postcode: str | None = None,
    office_hours: str | None = None,
) -> SiteView:
    name = " ".join(name.split())
    if not name:
        raise SiteError("--name is empty")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(f"--timezone {timezone!r} is not a time zone (e.g. Europe/Paris)") from None
    if holiday_region not in HOLIDAY_REGIONS:
        raise SiteError(f"--holidays must be one of: {', '.join(HOLIDAY_REGIONS)}")
    async with db.begin() as session:
        if await site_store.find_site(session, name) is not None:
            raise SiteError(f"a site named {name!r} exists already")
        site = await site_store.add_site(
            session,
            name=name,
            timezone=timezone,
            holiday_region=holiday_region,
            now=now,
            address=address,
            town=town,
            postcode=postcode,
            office_hours=office_hours,
        )
        await site_store.add_meeting_place(session, site.id, "office", address or name)
        await site_store.add_meeting_place(session, site.id, "phone", "")
        await site_store.add_meeting_place(session, site.id, "video", "")
        return SiteView(site.id, site.name, site.timezone, site.holiday_region)


async def site_summaries(db: SessionFactory) -> list[SiteSummary]:
    async with db.begin() as session:
        return [
            SiteSummary(s.id, s.name, s.town, s.postcode)
            for s in await site_store.all_sites(session)
        ]


async def find_site(db: SessionFactory, name_or_id: str) -> SiteView | None:
    async with db.begin() as session:
        site = await site_store.find_site(session, name_or_id)
        if site is None:
            return None
        return SiteView(site.id, site.name, site.timezone, site.holiday_region)
