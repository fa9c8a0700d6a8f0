"""Hand-offs: when a human should step in, who is alerted, and how long they have.

A hand-off opens when the person asks for someone (🙋, /parler, "Je bloque"), when the bot
sees them stuck or their rights at risk, or when what they type says they are in danger.
The person chooses who (their referent, a peer, whoever is free first) and what is shared.
Whoever is alerted claims it ("Je m'en occupe"); until then it climbs a chain, one level
each time the claim is late: the chosen human, then the site's team, then its admins.
Pure rules here; `services/handoffs.py` keeps the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.opening_hours import OpeningHours, add_working_time


class Reason(StrEnum):
    """Why a human was flagged: the card says it, and the site's figures count it."""

    ASKED = "asked"  # 🙋 Parler à quelqu'un, /parler, "Je bloque"
    CANNOT = "cannot"  # "Je n'y arrive pas" twice on the same step
    CHECK_FAILED = "check_failed"  # "Est-ce que ça a marché ?" answered "Non"
    DEADLINE = "deadline"  # a right at risk: a date near and the step not done
    MISSED_TWICE = "missed_twice"  # two missed meetings in a row
    DISTRESS = "distress"  # what the person typed says they are in danger
    NOT_UNDERSTOOD = "not_understood"  # two typed messages in a row the bot could not use


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Who(StrEnum):
    """Whom the person wants: their referent, a peer mediator, or whoever is free first."""

    REFERENT = "referent"
    PEER = "peer"
    FIRST = "first"


class Share(StrEnum):
    """What the alerted human sees: the procedure and step only, or also what the person
    writes before someone answers (once a human holds the conversation, the person
    writes to them: that is the point of it)."""

    STEP = "step"
    MESSAGES = "messages"


class Status(StrEnum):
    OPEN = "open"  # alerted, nobody has claimed it yet
    HELD = "held"  # a human claimed it: what each writes is relayed to the other
    CLOSED = "closed"  # by the person or the staff member (with an outcome)
    CANCELLED = "cancelled"  # the person withdrew it before anyone claimed it


class Level(StrEnum):
    """The escalation chain, in order. A level with nobody in it is skipped."""

    CHOSEN = "chosen"  # the human the person chose (or, for "first", the whole team)
    TEAM = "team"  # the site's referents, mediators and peers
    ADMINS = "admins"  # the site's admins


CHAIN = (Level.CHOSEN, Level.TEAM, Level.ADMINS)


class Outcome(StrEnum):
    """How a staff member closes a hand-off: a private note for the site's figures."""

    HELPED = "helped"
    REFERRED = "referred"  # sent to another service
    MEETING = "meeting"  # a meeting was booked
    NO_ANSWER = "no_answer"  # the person did not answer
    OTHER = "other"
    UNROUTED = "unrouted"  # a help request from before hand-offs: it reached nobody


class ClosedBy(StrEnum):
    PERSON = "person"
    STAFF = "staff"


URGENT_CLAIM = timedelta(minutes=15)  # wall-clock time, day or night
NORMAL_CLAIM = timedelta(hours=4)  # counted in the site's opening hours
REOPEN_WITHIN = timedelta(days=7)  # a message after a close reopens it, this long
KEEP_RELAYED = timedelta(days=30)  # relayed text is deleted this long after the close


def urgency_of(reason: Reason) -> Urgency:
    """Danger, and a right lost within days, cannot wait for the next working day."""
    match reason:
        case Reason.DISTRESS | Reason.DEADLINE:
            return Urgency.URGENT
        case (
            Reason.ASKED
            | Reason.CANNOT
            | Reason.CHECK_FAILED
            | Reason.MISSED_TWICE
            | Reason.NOT_UNDERSTOOD
        ):
            return Urgency.NORMAL


def next_level(level: Level) -> Level | None:
    index = CHAIN.index(level)
    return CHAIN[index + 1] if index + 1 < len(CHAIN) else None


@dataclass(frozen=True)
class Office:
    """A site's opening hours, where it is and its holidays: "working hours" are counted
    in them, and the person is told when the team is back."""

    hours: OpeningHours
    zone: ZoneInfo
    holiday: Callable[[date], bool]


def claim_deadline(urgency: Urgency, since: datetime, office: Office) -> datetime:
    """When an unclaimed hand-off goes to the next level: 15 minutes by the clock when
    urgent (a night changes nothing: the on-duty staff are alerted); else 4 hours of the
    site's opening time, so a Friday evening request is not "late" on Saturday."""
    if urgency is Urgency.URGENT:
        return since + URGENT_CLAIM
    return add_working_time(since, NORMAL_CLAIM, office.hours, office.zone, office.holiday)
