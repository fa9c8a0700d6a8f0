"""What a fresh demo database holds: a site, a referent, and her invite for the demo user.

Later features add their own seed data here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.access import Role
from services.invites import PERSON, create_invite
from services.sites import create_site, find_site
from storage import staff as staff_store
from storage.db import SessionFactory

DEMO_SITE = "CCAS de démonstration"
DEMO_REFERENT_TELEGRAM_ID = 2001


@dataclass(frozen=True)
class DemoData:
    invite_code: str  # a person's link from the demo referent
    staff_code: str  # an admin's link for the demo site, to try the professional space


async def seed(db: SessionFactory, now: datetime) -> DemoData:
    site = await find_site(db, DEMO_SITE)
    if site is None:
        site = await create_site(
            db,
            name=DEMO_SITE,
            timezone="Europe/Paris",
            holiday_region="metropole",
            now=now,
            town="Nantes",
            postcode="44000",
        )
    async with db.begin() as session:
        referent = await staff_store.find_staff(session, DEMO_REFERENT_TELEGRAM_ID)
        if referent is None:
            referent = await staff_store.add_staff(
                session, DEMO_REFERENT_TELEGRAM_ID, "Marie (démo)", "fr", now
            )
        await staff_store.add_role(session, referent.id, site.id, Role.REFERENT.value)
        referent_id = referent.id
    code = await create_invite(db, PERSON, now, site_id=site.id, created_by_id=referent_id)
    staff_code = await create_invite(db, Role.ADMIN.value, now, site_id=site.id, name="Camille")
    return DemoData(invite_code=code, staff_code=staff_code)
