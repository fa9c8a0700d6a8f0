"""Staff use cases. Each re-loads the actor from the database and asks `core.access`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.access import Actor, Decision, PersonActor, Role, StaffAction, StaffActor, Target, decide
from core.invites import InviteStatus
from services.invites import PERSON, InviteInfo, create_invite, create_invite_with_id
from storage import persons as person_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.invites import get_invite
from storage.models import Invite, Person, ReferentChangeRequest, StaffMember


class NotAllowed(PermissionError):
    """Refused by the access rules; logged (never with message content) and audited."""


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
class Notice:
    """A message to send after the transaction: to whom, in which language, about what."""

    telegram_user_id: int
    language: str
    kind: str
    count: int = 0
    name: str = ""


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    staff_name: str | None
    person_id: int | None
    action: str
    outcome: str


@dataclass(frozen=True)
class PendingChange:
    request_id: int
    person_id: int
    current_referent: str | None
    requested_at: datetime


async def staff_view(session: AsyncSession, member: StaffMember) -> StaffView:
    roles = []
    for site_id, role in await staff_store.roles_of(session, member.id):
        site = await site_store.get_site(session, site_id)
        roles.append(RoleView(site_id, site.name if site else "?", Role(role)))
    roles.sort(key=lambda r: (r.site_name, r.role))
    return StaffView(member.id, member.display_name, member.language, tuple(roles))


async def find_active_staff(
    db: SessionFactory, telegram_user_id: int, now: datetime
) -> StaffView | None:
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None or member.deactivated_at is not None:
            return None
        member.last_seen_at = now
        return await staff_view(session, member)


async def load_actor(session: AsyncSession, telegram_user_id: int) -> Actor:
    member = await staff_store.find_staff(session, telegram_user_id)
    if member is not None:
        roles = frozenset(
            (site_id, Role(role))
            for site_id, role in await staff_store.roles_of(session, member.id)
        )
        return StaffActor(member.id, roles, active=member.deactivated_at is None)
    person = await person_store.find_person(session, telegram_user_id)
    return PersonActor(person.id) if person is not None else None


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
    async with db.begin() as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.INVITE_STAFF, Target(site_id), now
        )
    assert isinstance(actor, StaffActor)
    return await create_invite(db, role.value, now, site_id=site_id, created_by_id=actor.staff_id)


async def invite_person(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> tuple[str, int]:
    """The code to give the person, and the invite's id (to attach a note to it)."""
    async with db.begin() as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.INVITE_PERSON, Target(site_id), now
        )
    assert isinstance(actor, StaffActor)
    return await create_invite_with_id(
        db, PERSON, now, site_id=site_id, created_by_id=actor.staff_id
    )


async def team(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[MemberLine]:
    async with db.begin() as session:
        actor = await authorise(
            session, telegram_user_id, StaffAction.LIST_STAFF, Target(site_id), now
        )
        assert isinstance(actor, StaffActor)
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
) -> list[Notice]:
    """Remove a member from the site; their persons go to the least-loaded other referent."""
    async with db.begin() as session:
        member = await staff_store.get_staff(session, member_id)
        member_sites = frozenset(s for s, _ in await staff_store.roles_of(session, member_id))
        target = Target(site_id, staff_id=member_id, staff_sites=member_sites)
        await authorise(session, telegram_user_id, StaffAction.DEACTIVATE_STAFF, target, now)
        assert member is not None
        await staff_store.remove_roles_on_site(session, member_id, site_id)
        if member_sites == {site_id}:
            member.deactivated_at = now
        return await _hand_over_persons(session, member, site_id)


async def _hand_over_persons(
    session: AsyncSession, member: StaffMember, site_id: int
) -> list[Notice]:
    persons = list(
        await session.scalars(
            select(Person).where(Person.referent_id == member.id, Person.site_id == site_id)
        )
    )
    notices: list[Notice] = []
    received: dict[int, int] = {}
    for person in persons:
        candidates = await staff_store.referents_by_load(session, site_id, exclude=member.id)
        person.referent_id = candidates[0] if candidates else None
        await session.flush()
        new = (
            await staff_store.get_staff(session, person.referent_id) if person.referent_id else None
        )
        notices.append(
            Notice(
                person.telegram_user_id,
                person.language,
                "referent_changed",
                name=new.display_name if new else "",
            )
        )
        if new is not None:
            received[new.id] = received.get(new.id, 0) + 1
    for staff_id, count in received.items():
        receiver = await staff_store.get_staff(session, staff_id)
        assert receiver is not None
        notices.append(
            Notice(
                receiver.telegram_user_id,
                receiver.language,
                "persons_received",
                count,
                member.display_name,
            )
        )
    return notices


async def audit_log(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[AuditLine]:
    async with db.begin() as session:
        await authorise(session, telegram_user_id, StaffAction.READ_AUDIT_LOG, Target(site_id), now)
        return [
            AuditLine(entry.at, name, entry.person_id, entry.action, entry.outcome)
            for entry, name in await staff_store.audit_entries(session, site_id)
        ]


async def pending_changes(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[PendingChange]:
    async with db.begin() as session:
        await authorise(
            session, telegram_user_id, StaffAction.HANDLE_REFERENT_CHANGE, Target(site_id), now
        )
        rows = await session.execute(
            select(ReferentChangeRequest, Person.referent_id)
            .join(Person, Person.id == ReferentChangeRequest.person_id)
            .where(
                ReferentChangeRequest.site_id == site_id, ReferentChangeRequest.handled_at.is_(None)
            )
            .order_by(ReferentChangeRequest.requested_at)
        )
        changes = []
        for request, referent_id in rows:
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


async def referents(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> list[MemberLine]:
    """The site's referents, for an admin choosing who follows a person."""
    return [
        line
        for line in await team(db, telegram_user_id, site_id, now)
        if Role.REFERENT in line.roles
    ]


async def reassign(
    db: SessionFactory, telegram_user_id: int, request_id: int, referent_id: int, now: datetime
) -> list[Notice]:
    async with db.begin() as session:
        request = await session.get(ReferentChangeRequest, request_id)
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
        person = await session.get(Person, request.person_id)
        assert person is not None
        person.referent_id = referent_id
        request.handled_at = now
        return [
            Notice(
                person.telegram_user_id,
                person.language,
                "referent_changed",
                name=new_referent.display_name,
            ),
            Notice(new_referent.telegram_user_id, new_referent.language, "persons_received", 1),
        ]


async def authorise(
    session: AsyncSession,
    telegram_user_id: int,
    action: StaffAction,
    target: Target,
    now: datetime,
    person_id: int | None = None,
) -> Actor:
    """Decide, and write the decision to the audit log when it touches a site."""
    actor = await load_actor(session, telegram_user_id)
    decision: Decision = decide(actor, action, target)
    if target.site_id is not None and isinstance(actor, StaffActor):
        await staff_store.record_access(
            session,
            at=now,
            site_id=target.site_id,
            staff_id=actor.staff_id,
            person_id=person_id,
            action=action.value,
            outcome="allowed" if decision else "refused",
        )
    if not decision:
        await session.commit()  # keep the refusal in the audit log
        raise NotAllowed(decision.reason)
    return actor


async def change_options(
    db: SessionFactory, telegram_user_id: int, request_id: int, now: datetime
) -> list[MemberLine]:
    """The referents an admin can choose from for one pending request."""
    async with db.begin() as session:
        request = await session.get(ReferentChangeRequest, request_id)
        if request is None or request.handled_at is not None:
            raise NotAllowed("no such pending request")
        site_id = request.site_id
    return await referents(db, telegram_user_id, site_id, now)


NOTE_LENGTH = 40


async def ask_for_note(db: SessionFactory, telegram_user_id: int, invite_id: int) -> bool:
    """The referent's next text becomes their note on a person's invite (to recognise them)."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        invite = await get_invite(session, invite_id)
        if member is None or invite is None or not _own_unused_person_invite(invite, member):
            return False
        member.awaiting = f"note:{invite_id}"
        return True


async def take_note(db: SessionFactory, telegram_user_id: int, text: str) -> bool | None:
    """Store the typed note if one was asked for. None: nothing was asked."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None or member.awaiting is None or not member.awaiting.startswith("note:"):
            return None
        invite_id, member.awaiting = int(member.awaiting.removeprefix("note:")), None
        invite = await get_invite(session, invite_id)
        if invite is None or not _own_unused_person_invite(invite, member):
            return False
        invite.name = " ".join(text.split())[:NOTE_LENGTH] or None
        return True


def _own_unused_person_invite(invite: Invite, member: StaffMember) -> bool:
    return invite.purpose == PERSON and invite.created_by_id == member.id and invite.used_at is None
