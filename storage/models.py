"""The tables. Every schema change here needs an Alembic migration (the tests check)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
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
    created_at: Mapped[datetime]


class MeetingPlace(Base):
    """Where a site meets people: its office, by phone, by video, or outside."""

    __tablename__ = "meeting_places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))


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


class HelpRequest(Base):
    """The domain event "help requested", waiting for the hand-off feature to route it."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    flow_id: Mapped[str] = mapped_column(String(40))
    step_id: Mapped[str] = mapped_column(String(40))
    step_kind: Mapped[str] = mapped_column(String(16))
    who: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # pending, then the hand-off feature's


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
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
