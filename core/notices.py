"""Messages the bot sends on its own initiative after a change: to whom, and about what.

Use cases write them to the outbox in the transaction of the change that causes them;
the sender renders each kind at send time (`screens/notices.py`, exhaustive, so a new
kind without words is a type error) in the recipient's language of that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, get_args

from core.meetings import ReminderAnswer


@dataclass(frozen=True)
class ToPerson:
    person_id: int


@dataclass(frozen=True)
class ToStaff:
    staff_id: int


@dataclass(frozen=True)
class ToFormerPerson:
    """Someone just erased: only the address of the goodbye is kept, until it is sent."""

    telegram_user_id: int
    language: str


@dataclass(frozen=True)
class ToTeam:
    """The site team's group, in the hand-off's own topic (made when first needed)."""

    handoff_id: int


Recipient = ToPerson | ToStaff | ToFormerPerson | ToTeam


@dataclass(frozen=True)
class PersonsReceived:
    """A referent now follows more persons (a colleague left, or an admin reassigned)."""

    to: Recipient
    count: int


@dataclass(frozen=True)
class ChangeRequested:
    """To the site's admins: a person asks for another referent."""

    to: Recipient


@dataclass(frozen=True)
class ReferentChanged:
    """To the person: who follows them now (None: the team will get back to them)."""

    to: Recipient
    name: str | None


@dataclass(frozen=True)
class RetentionWarning:
    to: Recipient


@dataclass(frozen=True)
class RetentionErased:
    to: Recipient


@dataclass(frozen=True)
class SharingEnds:
    to: Recipient


@dataclass(frozen=True)
class PersonUnreachable:
    """To the referent: the bot can no longer write to one of their persons (they blocked
    it, or deleted their account). Nothing else is said about the person."""

    to: Recipient
    person_id: int


@dataclass(frozen=True)
class MeetingFacts:
    """What a message about a meeting says of it, as it was when the message was queued:
    the meeting's row may change or go meanwhile (re-checked before a reminder is sent)."""

    meeting_id: int
    starts_at: str  # ISO 8601, UTC
    ends_at: str
    zone: str  # the meeting's IANA time zone: its time is said as it is there
    kind_name: str
    mode: str  # core.meetings.Mode
    place: str
    with_name: str | None  # the staff member's first name (to the person)
    person_label: str | None  # the referent's note or the person's number (to staff)


@dataclass(frozen=True)
class MeetingBooked:
    """To the staff member: a person booked (or moved) a meeting with them."""

    to: Recipient
    meeting: MeetingFacts
    moved: bool


@dataclass(frozen=True)
class MeetingReminder:
    """To the person: the day before, or a few hours before. Never after the start."""

    to: Recipient
    meeting: MeetingFacts
    which: str  # core.meetings.Reminding
    discreet: bool = False  # set at send time from the person's choice


@dataclass(frozen=True)
class MeetingCancelled:
    """To the other side: the meeting is cancelled (to the person: with an apology, the
    cancelled calendar file and a way to book again)."""

    to: Recipient
    meeting: MeetingFacts
    sequence: int  # the calendar file's version
    discreet: bool = False  # set at send time from the person's choice


@dataclass(frozen=True)
class MeetingMissed:
    """To the person, kindly: we missed you, do you want a new time? Never a warning."""

    to: Recipient
    meeting: MeetingFacts
    discreet: bool = False


@dataclass(frozen=True)
class MeetingAnswered:
    """To the staff member: the person answered a reminder (coming, late, must change),
    or wrote about a meeting too close to change by a tap."""

    to: Recipient
    meeting: MeetingFacts
    answer: str  # core.meetings.ReminderAnswer


@dataclass(frozen=True)
class TimesProposed:
    """To the staff member: none of the times fit; the person proposes days and a part
    of the day, and waits for an answer."""

    to: Recipient
    request_id: int
    person_label: str
    kind_name: str
    days: str  # ISO dates, comma-separated
    part: str  # core.meetings.PartOfDay


@dataclass(frozen=True)
class BookedForYou:
    """To the person: the staff member booked a meeting for them, among the days they
    proposed, or on their behalf (someone who could not book by themselves)."""

    to: Recipient
    meeting: MeetingFacts
    sequence: int
    discreet: bool = False
    among_their_days: bool = True
    moved: bool = False  # the staff member moved it (with an apology)


@dataclass(frozen=True)
class TimeOffered:
    """To the person: the staff member offers another time; the person decides."""

    to: Recipient
    request_id: int
    meeting: MeetingFacts  # the offered time (its meeting_id is 0: nothing booked yet)
    discreet: bool = False


@dataclass(frozen=True)
class TimesDeclined:
    """To the person: none of their days is possible; the free times are one tap away."""

    to: Recipient
    with_name: str | None
    discreet: bool = False


@dataclass(frozen=True)
class EarlierTime:
    """To a person of the waiting list: an earlier time is free, kept for them until
    `until` (then offered to the next person)."""

    to: Recipient
    entry_id: int
    meeting: MeetingFacts  # the held time
    until: str  # ISO 8601
    discreet: bool = False


@dataclass(frozen=True)
class BookingInvitation:
    """To the person: their referent invites them to choose a meeting; a gentle follow-up
    three days later if they have not (dropped if they booked since `since`)."""

    to: Recipient
    with_name: str | None
    since: str  # ISO 8601: when invited
    follow_up: bool = False


@dataclass(frozen=True)
class InvitationUnused:
    """To the referent, ten days later: the person has not booked (dropped if they did)."""

    to: Recipient
    person_id: int
    person_label: str
    since: str


@dataclass(frozen=True)
class SlotShortage:
    """To a staff member and their site's admins: more people wait for a meeting with them
    than they have free times left in the booking horizon."""

    to: Recipient
    staff_id: int
    staff_name: str
    waiting: int
    free: int
    own: bool  # to the staff member themselves (else to an admin)


@dataclass(frozen=True)
class HandoffAlert:
    """To a staff member: a person needs a human. Rendered from the hand-off as it is when
    sent (not sent once someone claimed it); how long it has waited is said then."""

    to: Recipient
    handoff_id: int
    person_label: str
    reason: str  # core.handoffs.Reason
    urgency: str  # core.handoffs.Urgency
    share: str  # core.handoffs.Share
    since: str  # when it was opened (ISO)
    escalated: bool  # sent because the first ones alerted did not claim it in time
    concern: str | None = None  # core.distress.Concern, for a distress hand-off
    flow_id: str | None = None  # the flow and step, named from the flows when sent
    step_id: str | None = None
    deadline_on: str | None = None  # the flow's next deadline (ISO date), if any


@dataclass(frozen=True)
class HandoffTaken:
    """To the others alerted: someone claimed it (nobody else needs to)."""

    to: Recipient
    handoff_id: int
    person_label: str
    by_name: str


@dataclass(frozen=True)
class HandoffClaimed:
    """To the person: a human holds the conversation; what they write now reaches them."""

    to: Recipient
    by_name: str  # first name
    role: str  # core.access.Role
    handoff_id: int


@dataclass(frozen=True)
class HandoffPassed:
    """To the person: the staff member passed their request to a peer or their referent."""

    to: Recipient
    to_who: str  # core.handoffs.Who


@dataclass(frozen=True)
class HandoffEnded:
    """The conversation was closed by the other side: to the person (by staff) or to the
    holder (by the person)."""

    to: Recipient
    by_name: str  # the staff member's first name, or the person's label
    handoff_id: int


@dataclass(frozen=True)
class HandoffLate:
    """To the person: nobody has claimed their request in the time promised; more people
    are alerted. The emergency numbers again when it is urgent."""

    to: Recipient
    urgent: bool
    concern: str | None = None


@dataclass(frozen=True)
class PersonBlocked:
    """To the hand-off's topic in the team group: the person blocked the bot, so nothing
    written here reaches them any more (Telegram's `my_chat_member`)."""

    to: Recipient
    person_label: str


@dataclass(frozen=True)
class Relayed:
    """One relayed message (or its edit), copied to the other side of a held hand-off: the
    text and the chats are read from the relay's row when it is sent."""

    to: Recipient
    relayed_id: int
    edit: bool = False


Notice = (
    PersonsReceived
    | ChangeRequested
    | ReferentChanged
    | RetentionWarning
    | RetentionErased
    | SharingEnds
    | PersonUnreachable
    | MeetingBooked
    | MeetingReminder
    | MeetingCancelled
    | MeetingMissed
    | MeetingAnswered
    | TimesProposed
    | BookedForYou
    | TimeOffered
    | TimesDeclined
    | EarlierTime
    | BookingInvitation
    | InvitationUnused
    | SlotShortage
    | HandoffAlert
    | HandoffTaken
    | HandoffClaimed
    | HandoffPassed
    | HandoffEnded
    | HandoffLate
    | PersonBlocked
    | Relayed
)

_KINDS: dict[str, type[Any]] = {cls.__name__: cls for cls in get_args(Notice)}


def to_payload(notice: Notice) -> tuple[str, dict[str, Any]]:
    """The notice's kind and its fields but the recipient, for a JSON column."""
    data = {f.name: _plain(getattr(notice, f.name)) for f in fields(notice) if f.name != "to"}
    return type(notice).__name__, data


def meeting_of(notice: Notice) -> MeetingFacts | None:
    """The meeting a notice is about, if any (its row in the outbox names it)."""
    match notice:
        case MeetingBooked() | MeetingReminder() | MeetingCancelled() | MeetingMissed():
            return notice.meeting
        case MeetingAnswered() | BookedForYou() | EarlierTime():
            return notice.meeting
        case _:
            return None


def waits_for_staff(notice: Notice) -> bool:
    """A person's question or change that a staff member must act on: it reaches them
    whatever they chose to be told (`core.meetings.NotifyLevel`)."""
    match notice:
        case TimesProposed():
            return True
        case MeetingAnswered(answer=answer):
            return ReminderAnswer(answer) in (ReminderAnswer.CHANGE, ReminderAnswer.CANCEL_LATE)
        case _:
            return False


def discreetly(notice: Notice, discreet: bool) -> Notice:
    """A message about a meeting to the person, said as their discreet mode is at send
    time (they may have changed it since it was queued)."""
    match notice:
        case MeetingReminder() | MeetingCancelled() | MeetingMissed():
            return replace(notice, discreet=discreet)
        case BookedForYou() | TimeOffered() | TimesDeclined() | EarlierTime():
            return replace(notice, discreet=discreet)
        case _:
            return notice


def _plain(value: object) -> object:
    if isinstance(value, MeetingFacts):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return value


def from_payload(kind: str, data: dict[str, Any], to: Recipient) -> Notice | None:
    """The notice `to_payload` wrote; None for a kind or shape this version does not know."""
    cls = _KINDS.get(kind)
    if cls is None:
        return None
    try:
        if isinstance(data.get("meeting"), dict):
            data = {**data, "meeting": MeetingFacts(**data["meeting"])}
        notice: Notice = cls(to=to, **data)
    except TypeError:
        return None
    return notice
