"""People already in the bot, written straight to the database, for runs with many."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, Reminder


async def ready_people(
    session: AsyncSession, telegram_ids: Sequence[int], now: datetime
) -> list[Person]:
    """People who agreed, in French, at `now`: the menu is their next screen."""
    people = [
        Person(
            telegram_user_id=telegram_id,
            language="fr",
            onboarding_stage="ready",
            created_at=now,
            last_seen_at=now,
        )
        for telegram_id in telegram_ids
    ]
    session.add_all(people)
    await session.flush()
    return people


def later_reminders(people: Sequence[Person], due: Sequence[datetime]) -> list[Reminder]:
    """A "remind me later" of "Demander le RSA" for each person, due when given."""
    return [
        Reminder(
            person_id=person.id,
            key=f"later:seeded:{person.id}",
            kind="later",
            flow_id="demande-rsa",
            due_at=due_at,
        )
        for person, due_at in zip(people, due, strict=True)
    ]
