"""Onboarding use cases: each opens one transaction, applies domain rules, returns values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import invites as invite_rules
from core.intents import Awaited, decode_awaited
from core.invites import InviteState, InviteStatus
from core.languages import SUPPORTED_LANGUAGES, match_language
from core.onboarding import CONSENT_TEXT_VERSION, Stage, stage_after_language, stage_on_return
from core.sites import Contact
from services.sites import contact_for
from storage import invites as invite_store
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import Invite, Person


@dataclass(frozen=True)
class Visitor:
    """Who is writing, as Telegram tells us; nothing more is needed to onboard."""

    telegram_user_id: int
    telegram_language: str | None


@dataclass(frozen=True)
class PersonView:
    id: int
    language: str
    stage: Stage
    agreed_at: datetime | None = None
    awaiting: Awaited | None = None  # what the bot asked the person to type, if anything

    @property
    def ready(self) -> bool:
        return self.stage is Stage.READY


@dataclass(frozen=True)
class Arrival:
    """Where `/start` leaves someone: set up (the menu) or at the language question."""

    language: str
    ready: bool
    invite: InviteStatus | None  # None: the person came without an invite code
    accompanied_by: Contact | None = None  # who follows them, from a referent's valid link


@dataclass(frozen=True)
class Refusal:
    done: bool
    language: str


async def arrive(
    db: SessionFactory, visitor: Visitor, payload: str | None, now: datetime, default: str
) -> Arrival:
    """`/start`: onboarding starts over unless the person is already set up.

    Someone new is stored only when a valid invite link must be kept for them (it is
    single-use); otherwise nothing is written before they choose a language."""
    async with db.begin() as session:
        status, invite = await _read_invite(session, payload, now) if payload else (None, None)
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None and invite is None:
            return Arrival(match_language(visitor.telegram_language, default), False, status)
        if person is None:
            person = await _add(session, visitor, now, default)
        else:
            _seen(person, now)
        view = await _view(session, person)
        if not view.ready:
            person.onboarding_stage = Stage.LANGUAGE
        accompanied_by = None
        if invite is not None:
            _attach(person, invite, now)
            accompanied_by = await contact_for(session, person)
        return Arrival(person.language, view.ready, status, accompanied_by)


async def visit(db: SessionFactory, visitor: Visitor, now: datetime) -> PersonView | None:
    """Any other interaction: the person and where they are; None for someone the bot
    keeps nothing about (nothing is stored for them: see `choose_language`)."""
    async with db.begin() as session:
        person = await seen_person(session, visitor, now)
        return None if person is None else await _view(session, person)


async def choose_language(
    db: SessionFactory, visitor: Visitor, code: str, now: datetime, default: str
) -> PersonView | None:
    if code not in SUPPORTED_LANGUAGES:
        return None
    async with db.begin() as session:
        person = await _find_or_add(session, visitor, now, default)
        person.language = code
        person.onboarding_stage = stage_after_language(Stage(person.onboarding_stage))
        return await _view(session, person)


async def agree(db: SessionFactory, visitor: Visitor, now: datetime, default: str) -> PersonView:
    async with db.begin() as session:
        person = await _find_or_add(session, visitor, now, default)
        if person.onboarding_stage == Stage.CONSENT:
            await person_store.record_consent(session, person.id, CONSENT_TEXT_VERSION, now)
            person.onboarding_stage = Stage.READY
        return await _view(session, person)


async def refuse(db: SessionFactory, visitor: Visitor, now: datetime, default: str) -> Refusal:
    """Keep nothing but the refusal itself. A person already set up is not erased by an
    old "No thanks" button: leaving goes through /effacer and its confirmation."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None and (await _view(session, person)).ready:
            return Refusal(done=False, language=person.language)
        await person_store.record_refusal(session, CONSENT_TEXT_VERSION, now)
        if person is None:
            return Refusal(True, match_language(visitor.telegram_language, default))
        await person_store.delete_person(session, person.id)
        return Refusal(True, person.language)


async def _find_or_add(
    session: AsyncSession, visitor: Visitor, now: datetime, default: str
) -> Person:
    person = await person_store.find_person(session, visitor.telegram_user_id)
    if person is None:
        return await _add(session, visitor, now, default)
    _seen(person, now)
    return person


async def _add(session: AsyncSession, visitor: Visitor, now: datetime, default: str) -> Person:
    """The first row about someone: only what the language question needs. It is erased
    with everything else if they never agree (`services.privacy.forget_undecided`)."""
    language = match_language(visitor.telegram_language, default)
    return await person_store.add_person(
        session, visitor.telegram_user_id, language, Stage.LANGUAGE, now
    )


def _seen(person: Person, now: datetime) -> None:
    person.last_seen_at = now
    person.retention_warned_at = None  # back in time: the erasure warning no longer holds
    person.unreachable_at = None  # they write again, so they can be written to


async def seen_person(session: AsyncSession, visitor: Visitor, now: datetime) -> Person | None:
    """The person writing, if the bot keeps one (marked as seen); creates nothing."""
    person = await person_store.find_person(session, visitor.telegram_user_id)
    if person is not None:
        _seen(person, now)
    return person


async def view_of(session: AsyncSession, person: Person) -> PersonView:
    return await _view(session, person)


async def _view(session: AsyncSession, person: Person) -> PersonView:
    consent = await person_store.latest_consent(session, person.id)
    version = consent.text_version if consent else None
    stage = stage_on_return(Stage(person.onboarding_stage), version)
    person.onboarding_stage = stage
    return PersonView(
        id=person.id,
        language=person.language,
        stage=stage,
        agreed_at=consent.agreed_at if consent and stage is Stage.READY else None,
        awaiting=decode_awaited(person.awaiting),
    )


async def _read_invite(
    session: AsyncSession, payload: str, now: datetime
) -> tuple[InviteStatus, Invite | None]:
    """What became of the link, and its row when it is a valid person invite."""
    if not invite_rules.is_well_formed(payload):
        return InviteStatus.UNKNOWN, None
    invite = await invite_store.find_invite(session, invite_rules.hash_code(payload))
    state = InviteState(invite.expires_at, invite.used_at) if invite else None
    status = invite_rules.invite_status(state, now)
    if invite is not None and invite.purpose != "person":
        return InviteStatus.UNKNOWN, None  # a staff invite is not for a person's account
    return status, invite if status is InviteStatus.VALID else None


def _attach(person: Person, invite: Invite, now: datetime) -> None:
    """Keep a valid code on the person for the features that act on it."""
    invite.used_at = now
    person.invite_id = invite.id
    person.site_id = invite.site_id
    person.referent_id = invite.created_by_id
    person.referent_note, invite.name = invite.name, None  # the note moves to the person
