"""What a person types, read before anything else: distress (the emergency numbers and a
human offered, at once) and secrets (a warning).

Nothing of the text is kept: a distress rule's hit is counted per rule and day, with no
person and no words (`distress_hits`), so that mediators can prune rules that fire on
ordinary talk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.distress import Concern, DistressRules, looks_like_secret
from core.sites import first_name
from services.onboarding import Visitor
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import staff as staff_store
from storage.db import SessionFactory


@dataclass(frozen=True)
class Read:
    secret: bool = False
    concerns: frozenset[Concern] = frozenset()
    referent: str | None = None  # the referent's first name: "prévenir Julien"

    @property
    def worst(self) -> Concern | None:
        """The most serious concern (the enum's order): the hand-off records one."""
        return min(self.concerns, key=list(Concern).index) if self.concerns else None


async def read(
    db: SessionFactory, rules: DistressRules, visitor: Visitor, text: str | None, now: datetime
) -> Read:
    if text is None:
        return Read()
    if looks_like_secret(text):
        return Read(secret=True)
    hits = rules.match(text)
    if not hits:
        return Read()
    async with db.begin() as session:
        await handoff_store.count_hits(session, [hit.rule_id for hit in hits], now.date())
        person = await person_store.find_person(session, visitor.telegram_user_id)
        referent = None
        if person is not None and person.referent_id is not None:
            member = await staff_store.get_staff(session, person.referent_id)
            if member is not None and member.deactivated_at is None:
                referent = first_name(member.display_name)
        return Read(concerns=frozenset(hit.concern for hit in hits), referent=referent)


async def distress_hits(db: SessionFactory, since: date) -> list[tuple[str, int]]:
    """How often each rule fired since `since`, the most frequent first."""
    async with db.begin() as session:
        return await handoff_store.hits_since(session, since)
