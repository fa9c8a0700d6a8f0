"""What a fresh demo database holds: a site, a referent who receives every weekday, and her
invite for the demo user.

Later features add their own seed data here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.access import Role
from core.availability_file import parse_availability
from services.availability import import_availability
from services.invites import PERSON, create_invite
from services.sites import create_site, find_site
from storage import staff as staff_store
from storage.db import SessionFactory

DEMO_SITE = "CCAS de démonstration"
DEMO_REFERENT_TELEGRAM_ID = 2001
DEMO_PHONE = "02 61 91 00 00"  # in a range ARCEP keeps for fiction: it rings nobody


# Marie receives every weekday, so that a newcomer books at once (two hours' notice).
DEMO_AVAILABILITY = """
places:
  - {key: office, mode: office, label: "2 rue de l'Exemple, 44000 Nantes", timezone: Europe/Paris}
  - {key: phone, mode: phone, label: "Marie vous appelle", timezone: Europe/Paris}
meeting_types:
  - key: premier
    name: "Faire le point"
    minutes: 45
    modes: [office, phone]
    notice_hours: 2
    cancel_until_hours: 1
    move_until_hours: 2
    before: "Apportez une pièce d'identité."
    after: "Sonnez à l'interphone « CCAS »."
  - key: demarche
    name: "Aide à une démarche"
    minutes: 30
    modes: [office]
    notice_hours: 2
    with: anyone
staff:
  - who: "Marie (démo)"
    weekly:
      - {day: monday, from: "09:00", to: "12:00", place: office}
      - {day: monday, from: "14:00", to: "17:00", place: phone}
      - {day: tuesday, from: "09:00", to: "12:00", place: office}
      - {day: wednesday, from: "09:00", to: "12:00", place: office}
      - {day: thursday, from: "14:00", to: "17:00", place: phone}
      - {day: friday, from: "09:00", to: "12:00", place: office}
      - {day: saturday, from: "10:00", to: "12:00", place: phone}
"""


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
            address="2 rue de l'Exemple",
            town="Nantes",
            postcode="44000",
            office_hours="lun-ven 9h-12h, 14h-17h",
            phone=DEMO_PHONE,
        )
    async with db.begin() as session:
        referent = await staff_store.find_staff(session, DEMO_REFERENT_TELEGRAM_ID)
        if referent is None:
            referent = await staff_store.add_staff(
                session, DEMO_REFERENT_TELEGRAM_ID, "Marie (démo)", "fr", now
            )
        await staff_store.add_role(session, referent.id, site.id, Role.REFERENT.value)
        referent_id = referent.id
    await import_availability(db, DEMO_SITE, parse_availability(DEMO_AVAILABILITY, "demo"), "demo")
    code = await create_invite(db, PERSON, now, site_id=site.id, created_by_id=referent_id)
    staff_code = await create_invite(db, Role.ADMIN.value, now, site_id=site.id, name="Camille")
    return DemoData(invite_code=code, staff_code=staff_code)
