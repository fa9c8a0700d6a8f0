"""Staff use cases. Each re-loads the actor from the database and asks `core.access`
(through `services.authorisation`), in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import AuditOutcome, Role, StaffAction, Target
from core.delivery import Failure
from core.intents import Awaited, AwaitNote, decode_awaited, encode
from core.invites import InviteStatus
from core.notices import Notice, PersonsReceived, ReferentChanged, ToPerson, ToStaff
from services import outbox
from services.authorisation import NotAllowed, authorise, staff_transaction
from services.invites import PERSON, InviteInfo, add_invite
from storage import outbox as outbox_store
from storage import persons as person_store
from storage import referent_changes as change_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.invites import get_invite
from storage.models import Invite, StaffMember
from storage.outbox import Status as OutboxStatus


@dataclass(frozen=True)
class RoleView:
    site_id: int
    site_name: str
    role: Role


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    language: str
    roles: tuple[RoleView, ...]
    awaiting: Awaited | None = None  # what the bot asked them to type, if anything

    def sites(self, role: Role) -> list[RoleView]:
        return [r for r in self.roles if r.role is role]

    def has(self, role: Role) -> bool:
        return any(r.role is role for r in self.roles)


@dataclass(frozen=True)
class Joined:
    staff: StaffView
    role: Role
    site_name: str


@dataclass(frozen=True)
class MemberLine:
    staff_id: int
    name: str
    roles: tuple[Role, ...]
    is_me: bool


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    staff_name: str | None
    person_id: int | None
    action: StaffAction | None  # None: an action this version no longer has
    outcome: AuditOutcome


@dataclass(frozen=True)
class Undelivered:
    """A message that could not be delivered: when, to whom, what kind, why; no text."""

    at: datetime
    person_id: int | None
    staff_name: str | None
    kind: str  # a notice kind (`core.notices`) or "reminder"
    parked: bool  # tried too often (else: final refusal)
    reason: Failure | None
    attempts: int


@dataclass(frozen=True)
class PendingChange:
    request_id: int
    person_id: int
    current_referent: str | None
    requested_at: datetime


async def staff_view(session: AsyncSession, member: StaffMember) -> StaffView:
    roles = [
        RoleView(site_id, name, Role(role))
        for site_id, name, role in await staff_store.roles_with_site_names(session, member.id)
    ]
    return StaffView(
        member.id,
        member.display_name,
        member.language,
        tuple(roles),
        decode_awaited(member.awaiting),
    )


async def join(
    db: SessionFactory,
    telegram_user_id: int,
    first_name: str,
    language: str,
    invite: InviteInfo,
    now: datetime,
) -> Joined | InviteStatus | None:
    """Use a staff invite. None when this account is an accompanied person's (never both)."""
    if invite.status is not InviteStatus.VALID or invite.site_id is None:
        return invite.status if invite.status is not InviteStatus.VALID else InviteStatus.UNKNOWN
    async with db.begin() as session:
        if await person_store.find_person(session, telegram_user_id) is not None:
            return None
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None:
            name = invite.name or first_name
            member = await staff_store.add_staff(session, telegram_user_id, name, language, now)
        member.deactivated_at = None
        await staff_store.add_role(session, member.id, invite.site_id, invite.purpose)
        stored = await get_invite(session, invite.id)
        assert stored is not None
        stored.used_at = now
        site = await site_store.get_site(session, invite.site_id)
        return Joined(
            await staff_view(session, member), Role(invite.purpose), site.name if site else ""
        )


async def invite_staff(
    db: SessionFactory, telegram_user_id: int, site_id: int, role: Role, now: datetime
) -> str:
    async with staff_transaction(db) as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.INVITE_STAFF, Target(site_id), now
        )
        code, _ = await add_invite(
            session, role.value, now, site_id=site_id, created_by_id=actor.staff_id
        )
        return code


async def invite_person(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> tuple[str, int]:
    """The code to give the person, and the invite's id (to attach a note to it)."""
    async with staff_transaction(db) as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.INVITE_PERSON, Target(site_id), now
        )
        return await add_invite(session, PERSON, now, site_id=site_id, created_by_id=actor.staff_id)


async def team(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[MemberLine]:
    async with staff_transaction(db) as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.LIST_STAFF, Target(site_id), now
        )
        lines: dict[int, MemberLine] = {}
        for member, role in await staff_store.staff_on_site(session, site_id):
            known = lines.get(member.id)
            roles = (*known.roles, Role(role)) if known else (Role(role),)
            lines[member.id] = MemberLine(
                member.id, member.display_name, roles, member.id == actor.staff_id
            )
        return list(lines.values())


async def deactivate(
    db: SessionFactory, telegram_user_id: int, site_id: int, member_id: int, now: datetime
) -> int:
    """Remove a member from the site; their persons go to the least-loaded other referent,
    and everyone concerned is told (outbox). Returns how many persons were handed over."""
    async with staff_transaction(db) as session:
        member = await staff_store.get_staff(session, member_id)
        member_sites = frozenset(s for s, _ in await staff_store.roles_of(session, member_id))
        target = Target(site_id, staff_id=member_id, staff_sites=member_sites)
        await authorise(session, telegram_user_id, StaffAction.DEACTIVATE_STAFF, target, now)
        assert member is not None
        await staff_store.remove_roles_on_site(session, member_id, site_id)
        if member_sites == {site_id}:
            member.deactivated_at = now
        notices = await _hand_over_persons(session, member, site_id)
        await outbox.queue(session, notices, now)
        return sum(isinstance(notice, ReferentChanged) for notice in notices)


async def _hand_over_persons(
    session: AsyncSession, member: StaffMember, site_id: int
) -> list[Notice]:
    notices: list[Notice] = []
    received: dict[int, int] = {}
    for person in await person_store.on_site(session, site_id, referent_id=member.id):
        candidates = await staff_store.referents_by_load(session, site_id, exclude=member.id)
        person.referent_id = candidates[0] if candidates else None
        await session.flush()
        new = (
            await staff_store.get_staff(session, person.referent_id) if person.referent_id else None
        )
        notices.append(ReferentChanged(ToPerson(person.id), new.display_name if new else None))
        if new is not None:
            received[new.id] = received.get(new.id, 0) + 1
    for staff_id, count in received.items():
        notices.append(PersonsReceived(ToStaff(staff_id), count))
    return notices


async def audit_log(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[AuditLine]:
    async with staff_transaction(db) as session:
        await authorise(session, telegram_user_id, StaffAction.READ_AUDIT_LOG, Target(site_id), now)
        return [
            AuditLine(
                entry.at,
                name,
                entry.person_id,
                StaffAction(entry.action)
                if entry.action in StaffAction._value2member_map_
                else None,
                AuditOutcome(entry.outcome),
            )
            for entry, name in await staff_store.audit_entries(session, site_id)
        ]


async def undelivered(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[Undelivered]:
    """The site's messages that were parked or refused, newest first."""
    async with staff_transaction(db) as session:
        await authorise(
            session, telegram_user_id, StaffAction.READ_DELIVERIES, Target(site_id), now
        )
        lines = []
        for row in await outbox_store.undelivered_on_site(session, site_id):
            member = await staff_store.get_staff(session, row.staff_id) if row.staff_id else None
            lines.append(
                Undelivered(
                    row.created_at,
                    row.person_id,
                    member.display_name if member else None,
                    row.kind,
                    row.status == OutboxStatus.PARKED,
                    _failure(row.last_error),
                    row.attempts,
                )
            )
        return lines


async def pending_changes(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[PendingChange]:
    async with staff_transaction(db) as session:
        await authorise(
            session, telegram_user_id, StaffAction.HANDLE_REFERENT_CHANGE, Target(site_id), now
        )
        changes = []
        for request, referent_id in await change_store.pending_on_site(session, site_id):
            referent = await staff_store.get_staff(session, referent_id) if referent_id else None
            changes.append(
                PendingChange(
                    request.id,
                    request.person_id,
                    referent.display_name if referent else None,
                    request.requested_at,
                )
            )
        return changes


async def reassign(
    db: SessionFactory, telegram_user_id: int, request_id: int, referent_id: int, now: datetime
) -> None:
    """The admin gives the person another referent; both are told (outbox)."""
    async with staff_transaction(db) as session:
        request = await change_store.get(session, request_id)
        if request is None or request.handled_at is not None:
            raise NotAllowed("no such pending request")
        await authorise(
            session,
            telegram_user_id,
            StaffAction.HANDLE_REFERENT_CHANGE,
            Target(request.site_id),
            now,
            person_id=request.person_id,
        )
        new_referent = await staff_store.get_staff(session, referent_id)
        roles = await staff_store.roles_of(session, referent_id) if new_referent else []
        if new_referent is None or (request.site_id, Role.REFERENT.value) not in roles:
            raise NotAllowed("not a referent of this site")
        person = await person_store.get_person(session, request.person_id)
        assert person is not None
        person.referent_id = referent_id
        request.handled_at = now
        notices: list[Notice] = [
            ReferentChanged(ToPerson(person.id), new_referent.display_name),
            PersonsReceived(ToStaff(new_referent.id), 1),
        ]
        await outbox.queue(session, notices, now)


async def change_options(
    db: SessionFactory, telegram_user_id: int, request_id: int, now: datetime
) -> list[MemberLine]:
    """The site's referents an admin can choose from for one pending request."""
    async with staff_transaction(db) as session:
        request = await change_store.get(session, request_id)
        if request is None or request.handled_at is not None:
            raise NotAllowed("no such pending request")
        site_id = request.site_id
    return [
        line
        for line in await team(db, telegram_user_id, site_id, now)
        if Role.REFERENT in line.roles
    ]


NOTE_LENGTH = 80  # what `invites.name` and `persons.referent_note` hold


@dataclass(frozen=True)
class NoteSaved:
    """The note as stored; `shortened` when the text was longer, so that the referent is
    told what was kept instead of finding it cut later."""

    note: str | None
    shortened: bool


def clean_note(text: str) -> NoteSaved:
    """One line, at most NOTE_LENGTH characters (cut at a word when there is one)."""
    words = " ".join(text.split())
    if len(words) <= NOTE_LENGTH:
        return NoteSaved(words or None, shortened=False)
    cut = words[: NOTE_LENGTH - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return NoteSaved(cut.rstrip() + "…", shortened=True)


async def ask_for_note(db: SessionFactory, telegram_user_id: int, invite_id: int) -> bool:
    """The referent's next text becomes their note on a person's invite (to recognise them)."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        invite = await get_invite(session, invite_id)
        if member is None or invite is None or not _own_unused_person_invite(invite, member):
            return False
        member.awaiting = encode(AwaitNote(invite_id))
        return True


async def take_note(
    db: SessionFactory, telegram_user_id: int, asked: AwaitNote, text: str
) -> NoteSaved | None:
    """Store the typed note the staff member was asked for; None when it no longer fits
    (the invite was used, or is not theirs)."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None:
            return None
        member.awaiting = None
        invite = await get_invite(session, asked.invite)
        if invite is None or not _own_unused_person_invite(invite, member):
            return None
        saved = clean_note(text)
        invite.name = saved.note
        return saved


async def stop_waiting(db: SessionFactory, telegram_user_id: int) -> None:
    """The staff member cancelled what they were asked to type: their next text is not
    taken for it."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is not None:
            member.awaiting = None


def _own_unused_person_invite(invite: Invite, member: StaffMember) -> bool:
    return invite.purpose == PERSON and invite.created_by_id == member.id and invite.used_at is None


def _failure(recorded: str | None) -> Failure | None:
    if recorded is None or recorded not in Failure._value2member_map_:
        return None
    return Failure(recorded)
