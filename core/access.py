"""Who may do what: every staff command and button goes through `decide`.

Pure and exhaustive, so `tests/unit/test_access.py` checks every cell of the matrix that
`docs/access.md` writes down. Handlers re-load the actor and the target from the database
on each call; nothing here trusts what a button says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # manages the site and its staff
    REFERENT = "referent"  # social worker who follows persons
    MEDIATOR = "mediator"  # digital-inclusion mediator: flows, online procedures
    PEER = "peer"  # peer mediator: lived experience, helps on request


class StaffAction(StrEnum):
    INVITE_STAFF = "invite_staff"
    INVITE_PERSON = "invite_person"
    LIST_STAFF = "list_staff"
    DEACTIVATE_STAFF = "deactivate_staff"
    READ_AUDIT_LOG = "read_audit_log"
    LIST_PERSONS = "list_persons"
    VIEW_PERSON = "view_person"
    HANDLE_REFERENT_CHANGE = "handle_referent_change"
    MANAGE_FLOWS = "manage_flows"
    READ_DELIVERIES = "read_deliveries"  # which messages could not be delivered, and why
    MANAGE_MEETING = "manage_meeting"  # see a meeting and its messages, mark it, cancel it
    HANDLE_HANDOFF = "handle_handoff"  # see a hand-off's card, claim it, pass it, close it
    READ_FIGURES = "read_figures"  # the site's hand-off figures (counts and times only)


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


@dataclass(frozen=True)
class StaffActor:
    staff_id: int
    roles: frozenset[tuple[int, Role]]  # (site id, role)
    active: bool = True

    def has(self, role: Role, site_id: int | None = None) -> bool:
        return any(r == role and (site_id is None or s == site_id) for s, r in self.roles)

    def sites(self, role: Role | None = None) -> list[int]:
        return sorted({s for s, r in self.roles if role is None or r == role})


@dataclass(frozen=True)
class PersonActor:
    """A person: never allowed any staff action, whatever they type or forge."""

    person_id: int


Actor = StaffActor | PersonActor | None


@dataclass(frozen=True)
class Target:
    """What the action is about; only the fields the action needs are set."""

    site_id: int | None = None
    person_referent_id: int | None = None  # for a person: who follows them
    staff_id: int | None = None  # for a staff member: who
    staff_sites: frozenset[int] = field(default_factory=frozenset)  # where that member works


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True, "allowed")


def decide(actor: Actor, action: StaffAction, target: Target) -> Decision:
    if actor is None:
        return Decision(False, "unknown account")
    if isinstance(actor, PersonActor):
        return Decision(False, "persons have no staff functions")
    if not actor.active:
        return Decision(False, "staff member deactivated")
    rule = _RULES[action]
    return ALLOWED if rule(actor, target) else Decision(False, f"{action} not allowed")


def _site_admin(actor: StaffActor, target: Target) -> bool:
    return target.site_id is not None and actor.has(Role.ADMIN, target.site_id)


def _site_referent(actor: StaffActor, target: Target) -> bool:
    return target.site_id is not None and actor.has(Role.REFERENT, target.site_id)


def _deactivate(actor: StaffActor, target: Target) -> bool:
    return (
        _site_admin(actor, target)
        and target.staff_id is not None
        and target.staff_id != actor.staff_id
        and target.site_id in target.staff_sites
    )


def _view_person(actor: StaffActor, target: Target) -> bool:
    follows = _site_referent(actor, target) and target.person_referent_id == actor.staff_id
    return follows or _site_admin(actor, target)


def _list_persons(actor: StaffActor, target: Target) -> bool:
    return _site_referent(actor, target) or _site_admin(actor, target)


def _meeting(actor: StaffActor, target: Target) -> bool:
    """The meeting's own staff member (still on the site), or the site's admins."""
    own = target.staff_id == actor.staff_id and target.site_id in actor.sites()
    return own or _site_admin(actor, target)


def _handoff(actor: StaffActor, target: Target) -> bool:
    """Anyone of the person's site may take a request nobody holds (the chain alerts the
    team, then the admins); once held, only its holder, and the site's admins."""
    if target.site_id is None or target.site_id not in actor.sites():
        return False
    held_by_other = target.staff_id is not None and target.staff_id != actor.staff_id
    return not held_by_other or _site_admin(actor, target)


def _manage_flows(actor: StaffActor, _target: Target) -> bool:
    return actor.has(Role.MEDIATOR) or actor.has(Role.ADMIN)


_RULES = {
    StaffAction.INVITE_STAFF: _site_admin,
    StaffAction.INVITE_PERSON: _site_referent,
    StaffAction.LIST_STAFF: _site_admin,
    StaffAction.DEACTIVATE_STAFF: _deactivate,
    StaffAction.READ_AUDIT_LOG: _site_admin,
    StaffAction.LIST_PERSONS: _list_persons,
    StaffAction.VIEW_PERSON: _view_person,
    StaffAction.HANDLE_REFERENT_CHANGE: _site_admin,
    StaffAction.MANAGE_FLOWS: _manage_flows,
    StaffAction.READ_DELIVERIES: _site_admin,
    StaffAction.MANAGE_MEETING: _meeting,
    StaffAction.HANDLE_HANDOFF: _handoff,
    StaffAction.READ_FIGURES: _site_admin,
}
