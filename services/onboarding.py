"""Onboarding use cases: each opens one transaction, applies domain rules, returns values."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import invites as invite_rules
from core.intents import Awaited, decode_awaited
from core.invites import InviteState, InviteStatus
from core.languages import SUPPORTED_LANGUAGES, match_language
from core.onboarding import CONSENT_TEXT_VERSION, Stage, stage_after_language, stage_on_return
from storage import invites as invite_store
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import Person


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
    person: PersonView
    invite: InviteStatus | None  # None: the person came without an invite code


@dataclass(frozen=True)
class Refusal:
    done: bool
    language: str


async def arrive(
    db: SessionFactory, visitor: Visitor, payload: str | None, now: datetime, default: str
) -> Arrival:
    """`/start`: onboarding starts over unless the person is already set up."""
    async with db.begin() as session:
        person = await _find_or_add(session, visitor, now, default)
        view = await _view(session, person)
        if not view.ready:
            person.onboarding_stage = Stage.LANGUAGE
            view = replace(view, stage=Stage.LANGUAGE)
        invite = await _take_invite(session, person, payload, now) if payload else None
        return Arrival(view, invite)


async def visit(db: SessionFactory, visitor: Visitor, now: datetime, default: str) -> PersonView:
    """Any other interaction: find (or start) the person and where they are."""
    async with db.begin() as session:
        person = await _find_or_add(session, visitor, now, default)
        return await _view(session, person)


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
        language = match_language(visitor.telegram_language, default)
        return await person_store.add_person(
            session, visitor.telegram_user_id, language, Stage.LANGUAGE, now
        )
    _seen(person, now)
    return person


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


async def _take_invite(
    session: AsyncSession, person: Person, payload: str, now: datetime
) -> InviteStatus:
    """Keep a valid code on the person for the features that act on it; say what happened."""
    if not invite_rules.is_well_formed(payload):
        return InviteStatus.UNKNOWN
    invite = await invite_store.find_invite(session, invite_rules.hash_code(payload))
    state = InviteState(invite.expires_at, invite.used_at) if invite else None
    status = invite_rules.invite_status(state, now)
    if invite is not None and invite.purpose != "person":
        return InviteStatus.UNKNOWN  # a staff invite is not for a person's account
    if invite is not None and status is InviteStatus.VALID:
        invite.used_at = now
        person.invite_id = invite.id
        person.site_id = invite.site_id
        person.referent_id = invite.created_by_id
        person.referent_note, invite.name = invite.name, None  # the note moves to the person
    return status
