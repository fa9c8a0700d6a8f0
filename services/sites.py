"""Creating, editing and finding sites (the shell bootstraps them; persons pick one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from core.opening_hours import OpeningError, describe, parse_opening
from core.sites import HOLIDAY_REGIONS, Contact, first_name, normalise_phone, postal_address
from storage import persons as person_store
from storage import sites as site_store
from storage.db import SessionFactory
from storage.models import Person, Site, StaffMember


class SiteError(ValueError):
    """A site cannot be created as asked; the message says why and how to fix it."""


@dataclass(frozen=True)
class SiteView:
    id: int
    name: str
    timezone: str
    holiday_region: str
    address: str | None = None
    town: str | None = None
    postcode: str | None = None
    office_hours: str | None = None
    phone: str | None = None
    opening: str | None = None  # structured hours (core.opening_hours), for hand-offs


@dataclass(frozen=True)
class SiteChanges:
    """What `site edit` changes: None keeps a field, "" clears an optional one."""

    name: str | None = None
    timezone: str | None = None
    holiday_region: str | None = None
    address: str | None = None
    town: str | None = None
    postcode: str | None = None
    office_hours: str | None = None
    phone: str | None = None
    opening: str | None = None


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
    phone: str | None = None,
) -> SiteView:
    name = _valid_name(name)
    _check_timezone(timezone)
    _check_holidays(holiday_region)
    phone = _valid_phone(phone) if phone else None
    async with db.begin() as session:
        if await site_store.find_site(session, name) is not None:
            raise SiteError(f"a site named {name!r} exists already")
        site = await site_store.add_site(
            session,
            name=name,
            timezone=timezone,
            holiday_region=holiday_region,
            now=now,
            address=_optional(address),
            town=_optional(town),
            postcode=_optional(postcode),
            office_hours=_optional(office_hours),
            phone=phone,
        )
        await site_store.add_meeting_place(session, site.id, "office", address or name, timezone)
        await site_store.add_meeting_place(session, site.id, "phone", "", timezone)
        await site_store.add_meeting_place(session, site.id, "video", "", timezone)
        return _view(site)


async def edit_site(db: SessionFactory, name_or_id: str, changes: SiteChanges) -> SiteView:
    """Change what a site shows persons (its address, hours, phone) or its settings; the
    fields not given stay as they are."""
    async with db.begin() as session:
        site = await site_store.find_site(session, name_or_id)
        if site is None:
            raise SiteError(f"no site {name_or_id!r} (see `python bot.py site list`)")
        if changes.name is not None:
            name = _valid_name(changes.name)
            same = await site_store.find_site(session, name)
            if same is not None and same.id != site.id:
                raise SiteError(f"a site named {name!r} exists already")
            site.name = name
        if changes.timezone is not None:
            site.timezone = _check_timezone(changes.timezone)
        if changes.holiday_region is not None:
            site.holiday_region = _check_holidays(changes.holiday_region)
        if changes.phone is not None:
            site.phone = _valid_phone(changes.phone) if changes.phone.strip() else None
        if changes.address is not None:
            site.address = _optional(changes.address)
        if changes.town is not None:
            site.town = _optional(changes.town)
        if changes.postcode is not None:
            site.postcode = _optional(changes.postcode)
        if changes.office_hours is not None:
            site.office_hours = _optional(changes.office_hours)
        if changes.opening is not None:
            site.opening = _valid_opening(changes.opening)
        return _view(site)


async def all_sites(db: SessionFactory) -> list[SiteView]:
    """Every site with all it shows persons, for `site list`."""
    async with db.begin() as session:
        return [_view(s) for s in await site_store.all_sites(session)]


async def find_site(db: SessionFactory, name_or_id: str) -> SiteView | None:
    async with db.begin() as session:
        site = await site_store.find_site(session, name_or_id)
        return _view(site) if site is not None else None


def contact_of(site: Site | None, referent: StaffMember | None) -> Contact:
    """Whom a person can reach, from their site and referent (either may be None)."""
    return Contact(
        referent=first_name(referent.display_name) if referent else None,
        site=site.name if site else None,
        address=postal_address(site.address, site.postcode, site.town) if site else None,
        hours=site.office_hours if site else None,
        phone=site.phone if site else None,
    )


async def contact_for(session: AsyncSession, person: Person) -> Contact:
    """The person's contact, inside a use case's transaction ("Je bloque", arrival)."""
    return contact_of(*await person_store.site_and_referent(session, person))


def _view(site: Site) -> SiteView:
    return SiteView(
        site.id,
        site.name,
        site.timezone,
        site.holiday_region,
        site.address,
        site.town,
        site.postcode,
        site.office_hours,
        site.phone,
        site.opening,
    )


def _valid_opening(spec: str) -> str | None:
    """Hours in which a request's "4 working hours" are counted; "" goes back to the
    default (weekdays 09:00–12:30 and 13:30–17:00). Stored in its canonical form."""
    if not spec.strip():
        return None
    try:
        return describe(parse_opening(spec))
    except OpeningError as error:
        raise SiteError(f"--opening: {error}") from None


def _valid_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise SiteError("--name is empty")
    return name


def _check_timezone(timezone: str) -> str:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(f"--timezone {timezone!r} is not a time zone (e.g. Europe/Paris)") from None
    return timezone


def _check_holidays(region: str) -> str:
    if region not in HOLIDAY_REGIONS:
        raise SiteError(f"--holidays must be one of: {', '.join(HOLIDAY_REGIONS)}")
    return region


def _valid_phone(text: str) -> str:
    phone = normalise_phone(text)
    if phone is None:
        raise SiteError(f"--phone {text!r} is not a phone number (e.g. 02 40 00 00 00)")
    return phone


def _optional(text: str | None) -> str | None:
    """Spaces tidied; an empty text is no value (how `site edit` clears a field)."""
    tidy = " ".join(text.split()) if text else ""
    return tidy or None
