"""People already in the bot, written straight to the database, for runs with many."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.engine import Progress, Status, progress_to_data
from storage.models import Base, FlowProgress, Person, Reminder

LATER_FLOW = "demande-rsa"
LATER_STEP = "simulate"  # an action step: "Plus tard" is offered there


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


def later_reminders(people: Sequence[Person], due: Sequence[datetime]) -> list[Base]:
    """Each person on the simulation step of "Demander le RSA", having asked "remind me
    later" there: their progress, and the reminder, due when given."""
    rows: list[Base] = []
    for person, due_at in zip(people, due, strict=True):
        today = person.created_at.date()
        progress = Progress(
            flow_id=LATER_FLOW,
            flow_version=1,
            current=LATER_STEP,
            history=("intro", "who"),
            done=(),
            answers={},
            ticked=frozenset(),
            mode=None,
            status=Status.ACTIVE,
            pending_checks=(),
            started_on=today,
            updated_on=today,
        )
        rows.append(
            FlowProgress(
                person_id=person.id,
                flow_id=LATER_FLOW,
                flow_version=1,
                status=Status.ACTIVE.value,
                state=json.dumps(progress_to_data(progress), sort_keys=True),
                started_at=person.created_at,
                updated_at=person.created_at,
            )
        )
        rows.append(
            Reminder(
                person_id=person.id,
                key=f"later:{LATER_FLOW}:{LATER_STEP}:{due_at.date().isoformat()}",
                kind="later",
                flow_id=LATER_FLOW,
                step_id=LATER_STEP,
                due_at=due_at,
            )
        )
    return rows
