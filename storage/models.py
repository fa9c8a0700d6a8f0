"""The tables. Every schema change here needs an Alembic migration (the tests check)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Person(Base):
    """An accompanied person. The Telegram id is stored here and nowhere else."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    language: Mapped[str] = mapped_column(String(8))
    onboarding_stage: Mapped[str] = mapped_column(String(16))
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("invites.id", ondelete="SET NULL"), index=True
    )
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="SET NULL"), index=True
    )
    referent_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    # The referent's own note to recognise the person (e.g. "Mme D."), erased with them.
    referent_note: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    retention_warned_at: Mapped[datetime | None]
    # What the bot asked the person to type: a `core.intents.Awaited`, encoded.
    awaiting: Mapped[str | None] = mapped_column(String(64))
    # Telegram refused a message: the person blocked the bot (cleared when they write).
    unreachable_at: Mapped[datetime | None]
    # Discreet mode: messages about meetings name no place, service or reason (a relative
    # may read the phone), and no calendar file is sent unless asked.
    discreet: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Agreed to be called on Telegram for phone meetings (no phone number is asked).
    accepts_calls: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Typed messages in a row the bot could not use: at two, a human is offered.
    misunderstood: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The step ("flow:step") where the person last said "I can't": twice flags a human.
    cannot_step: Mapped[str | None] = mapped_column(String(81))


class ConsentRecord(Base):
    """A person's agreement to one version of the consent text."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    text_version: Mapped[str] = mapped_column(String(32))
    agreed_at: Mapped[datetime]


class ConsentRefusal(Base):
    """A refusal, kept on its own: no link to who refused, so nothing else is kept."""

    __tablename__ = "consent_refusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_version: Mapped[str] = mapped_column(String(32))
    refused_at: Mapped[datetime]


class Invite(Base):
    """An invite link's code, stored hashed so a database leak gives no usable link."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "person" or a staff role
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    # For a staff invite, the name to show; for a person invite, the referent's note.
    name: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class InboxUpdate(Base):
    """Every update Telegram delivers, stored before Telegram is told it was received, so
    that a crash mid-handling loses nothing: an update not done is handled again at start.
    Its content (which holds what the person typed) is cleared once it is done; the id
    stays two days, so that a redelivered update is recognised and skipped."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[str | None] = mapped_column(Text)  # the update as Telegram sent it
    received_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # handling started this often
    done_at: Mapped[datetime | None] = mapped_column(index=True)


class Site(Base):
    """A structure that accompanies people (CCAS, département service, association...)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    town: Mapped[str | None] = mapped_column(String(120), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    holiday_region: Mapped[str] = mapped_column(String(32))
    office_hours: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))  # shown to persons: a human to call
    # Opening hours as a spec (core.opening_hours): hand-offs' "working hours" count in them.
    opening: Mapped[str | None] = mapped_column(String(200))
    # The site team's Telegram supergroup with topics: one topic per hand-off (optional).
    team_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class MeetingPlace(Base):
    """Where a site meets people: its office, by phone, by video, or outside; in its own
    time zone (an overseas antenna of a site keeps its own time)."""

    __tablename__ = "meeting_places"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(40))  # the availability file's name for it
    kind: Mapped[str] = mapped_column(String(16))  # core.meetings.Mode
    label: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))


class MeetingType(Base):
    """A kind of meeting a site offers, with its rules (`core.meetings.MeetingKind`)."""

    __tablename__ = "meeting_types"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer)
    modes: Mapped[str] = mapped_column(String(80))  # comma-separated core.meetings.Mode
    notice_minutes: Mapped[int] = mapped_column(Integer)
    horizon_days: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer)
    cancel_until_minutes: Mapped[int] = mapped_column(Integer)
    move_until_minutes: Mapped[int] = mapped_column(Integer)
    referent_only: Mapped[bool] = mapped_column(Boolean)
    before_text: Mapped[str | None] = mapped_column(Text)
    after_text: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)


class Availability(Base):
    """When a staff member receives: a weekly window (local times at a place), a one-off
    opening, or an absence (instants)."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # weekly | opening | absence
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_places.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None] = mapped_column(Integer)
    from_time: Mapped[time | None] = mapped_column(Time)
    to_time: Mapped[time | None] = mapped_column(Time)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    why: Mapped[str | None] = mapped_column(String(16))  # an absence's reason


class Workshop(Base):
    """A collective workshop of a site: a day, a place, a number of seats. A person's seat
    is a meeting of theirs (reminders, calendar file, leaving), numbered so that the
    database refuses one seat too many."""

    __tablename__ = "workshops"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_places.id", ondelete="SET NULL")
    )
    place_label: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)


class Meeting(Base):
    """A meeting between a person and a staff member. What it was (type, place, zone) is
    copied at booking: a place renamed later does not rewrite where a meeting happened."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_staff_id_starts_at", "staff_id", "starts_at"),
        Index("ix_meetings_person_id_starts_at", "person_id", "starts_at"),
        UniqueConstraint("workshop_id", "seat"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL")
    )
    type_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_types.id", ondelete="SET NULL"), index=True
    )
    type_name: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(16))
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_places.id", ondelete="SET NULL"), index=True
    )
    place_label: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # core.meetings.MeetingStatus
    sequence: Mapped[int] = mapped_column(Integer)  # the calendar file's version
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    # A seat at a collective workshop (cleared when the person leaves it).
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    seat: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MeetingRequest(Base):
    """None of the proposed times fit: the person's own days and part of the day, and the
    staff member's answer (a meeting booked, another time offered, or no)."""

    __tablename__ = "meeting_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    type_id: Mapped[int] = mapped_column(ForeignKey("meeting_types.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("meeting_places.id", ondelete="CASCADE"))
    moving_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    days: Mapped[str] = mapped_column(String(120))  # ISO dates, comma-separated
    part_of_day: Mapped[str] = mapped_column(String(16))  # core.meetings.PartOfDay
    status: Mapped[str] = mapped_column(String(16))  # core.meetings.RequestStatus
    offered_at: Mapped[datetime | None]  # the start the staff member offered instead
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class WaitingEntry(Base):
    """A person who would come earlier than their meeting: offered a freed time, one
    person at a time in the order they joined, each offer held for them for a while."""

    __tablename__ = "waiting_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(index=True)
    offers: Mapped[int] = mapped_column(Integer)
    last_offer_at: Mapped[datetime | None]
    # The freed time kept for them now: a meeting in status "hold", until `hold_until`.
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    hold_until: Mapped[datetime | None] = mapped_column(index=True)


class MeetingCell(Base):
    """One quarter hour of a staff member's time taken by a meeting. The primary key is
    the guarantee against double booking, the same on SQLite and PostgreSQL: of two
    persons tapping the same slot at the same moment, the second insert fails."""

    __tablename__ = "meeting_cells"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )


class StaffMember(Base):
    """A professional or peer using the bot for their work; never also a person."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    deactivated_at: Mapped[datetime | None]
    # What the bot asked this staff member to type: a `core.intents.Awaited`, encoded.
    awaiting: Mapped[str | None] = mapped_column(String(64))
    # What they are told about their meetings as it happens: core.meetings.NotifyLevel.
    notify_level: Mapped[str] = mapped_column(String(8), default="all", server_default="all")


class StaffRole(Base):
    """One role of a staff member on one site."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("staff_id", "site_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class SharingGrant(Base):
    """What the person lets their referent see of their procedures, possibly for a time."""

    __tablename__ = "sharing_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), unique=True
    )
    areas: Mapped[str] = mapped_column(String(120))  # "all", "none" or comma-separated areas
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]


class ReferentChangeRequest(Base):
    """A person asked for another referent; the site's admins decide, never the bot."""

    __tablename__ = "referent_change_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who among staff looked at whose data, when and why. Never message contents."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="SET NULL"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))  # "allowed" or "refused"


class AnonymousCount(Base):
    """Counts that survive erasure (e.g. persons erased per site and month), and nothing else."""

    __tablename__ = "anonymous_counts"
    __table_args__ = (UniqueConstraint("key", "site_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    count: Mapped[int] = mapped_column(Integer)


class KeyValue(Base):
    """Small facts the bot learns at start-up (its username) for the shell commands."""

    __tablename__ = "key_values"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class FlowProgress(Base):
    """Where a person stands in one procedure; the engine's state, kept as JSON."""

    __tablename__ = "flow_progress"
    __table_args__ = (UniqueConstraint("person_id", "flow_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(40))
    flow_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FinishedRound(Base):
    """A procedure the person went through to one of its endings: kept when they do it
    again (a quarterly declaration, a new lease), so that "Mon parcours" keeps it all."""

    __tablename__ = "finished_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(40))
    ending: Mapped[str] = mapped_column(String(16))  # flows.model.Ending
    started_on: Mapped[date] = mapped_column(Date)
    finished_on: Mapped[date] = mapped_column(Date)


class Reminder(Base):
    """A message the bot will send on its own: stored, sent once, survives restarts."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(160))  # what it is about, unique per person
    kind: Mapped[str] = mapped_column(String(16))  # deadline | later | check
    flow_id: Mapped[str] = mapped_column(String(40))
    step_id: Mapped[str | None] = mapped_column(String(40))
    deadline_id: Mapped[str | None] = mapped_column(String(40))
    deadline_on: Mapped[date | None] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]


class Handoff(Base):
    """A human flagged to step in for a person (`core.handoffs`): who was chosen, what is
    shared, who holds it, and when it climbs the chain if nobody claims it."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))  # core.handoffs.Reason
    urgency: Mapped[str] = mapped_column(String(8))  # core.handoffs.Urgency
    who: Mapped[str] = mapped_column(String(8))  # core.handoffs.Who
    share: Mapped[str] = mapped_column(String(8))  # core.handoffs.Share
    flow_id: Mapped[str | None] = mapped_column(String(40))
    step_id: Mapped[str | None] = mapped_column(String(40))
    concern: Mapped[str | None] = mapped_column(String(16))  # core.distress.Concern
    status: Mapped[str] = mapped_column(String(10), index=True)  # core.handoffs.Status
    level: Mapped[str] = mapped_column(String(8))  # core.handoffs.Level alerted last
    created_at: Mapped[datetime]
    escalate_at: Mapped[datetime | None] = mapped_column(index=True)  # open ones only
    late_told_at: Mapped[datetime | None]  # the person was told it takes longer
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None]
    # The holder's last pick (claim, reply, "Répondre"): where what they type goes.
    picked_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(8))  # core.handoffs.ClosedBy
    outcome: Mapped[str | None] = mapped_column(String(12))  # core.handoffs.Outcome
    topic_id: Mapped[int | None] = mapped_column(BigInteger)  # its topic in the team group


class HandoffAlert(Base):
    """One staff member alerted about one hand-off: nobody is alerted twice, and those
    alerted are told who claimed it."""

    __tablename__ = "handoff_alerts"
    __table_args__ = (UniqueConstraint("handoff_id", "staff_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(8))
    alerted_at: Mapped[datetime]


class RelayedMessage(Base):
    """One message of a held hand-off and its copy on the other side: replies and edits
    are mirrored through this pairing. The text is kept only to sign and mirror it, and
    deleted `core.handoffs.KEEP_RELAYED` after the close; files are never stored (Telegram
    copies them by id)."""

    __tablename__ = "relayed_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="SET NULL"), index=True
    )
    from_person: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(8))  # text, photo, document
    person_message_id: Mapped[int | None] = mapped_column(BigInteger)  # in the person's chat
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)  # in the staff chat
    team_message_id: Mapped[int | None] = mapped_column(BigInteger)  # in the team's topic
    text: Mapped[str | None] = mapped_column(Text)  # a text, or a file's caption
    reply_to: Mapped[int | None] = mapped_column(Integer)  # another relayed message's id
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]


class DistressHit(Base):
    """How often each distress rule fired, per day: anonymous, so that mediators can prune
    the rules that fire on ordinary talk."""

    __tablename__ = "distress_hits"

    rule_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    on: Mapped[date] = mapped_column(Date, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


class StepEvent(Base):
    """Anonymous funnel events (no person): where people get stuck is what mediators fix."""

    __tablename__ = "step_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(40), index=True)
    flow_version: Mapped[int] = mapped_column(Integer)
    step_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(16))  # entered, done, stuck, abandoned
    on: Mapped[date] = mapped_column(Date)


class OutboxMessage(Base):
    """A message the bot sends on its own initiative, written in the transaction of the
    change that causes it, then delivered (and retried) by the sender; its row records
    what happened. The recipient is an account (its Telegram id is read at send time),
    except for the goodbye to someone just erased, whose address is cleared once sent."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_members.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # only for an erased person
    language: Mapped[str | None] = mapped_column(String(8))  # likewise
    kind: Mapped[str] = mapped_column(String(40))  # a notice's kind, or "reminder"
    payload: Mapped[str] = mapped_column(Text)  # the notice's fields, as JSON
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="CASCADE"), index=True
    )
    # The meeting it is about: its log of messages (and their results) shown to staff.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    # The hand-off it is about: an alert not sent once claimed, a relayed message.
    handoff_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
