"""Every cell of docs/access.md, checked against core.access."""

from __future__ import annotations

import pytest

from core.access import Actor, PersonActor, Role, StaffAction, StaffActor, Target, decide

SITE, OTHER = 1, 2
ME, COLLEAGUE = 10, 11


def staff(role: Role, site: int = SITE, *, active: bool = True) -> StaffActor:
    return StaffActor(ME, frozenset({(site, role)}), active=active)


ACTORS: dict[str, Actor] = {
    "person": PersonActor(5),
    "admin": staff(Role.ADMIN),
    "admin_other": staff(Role.ADMIN, OTHER),
    "referent": staff(Role.REFERENT),
    "referent_other": staff(Role.REFERENT, OTHER),
    "mediator": staff(Role.MEDIATOR),
    "peer": staff(Role.PEER),
    "deactivated": staff(Role.ADMIN, active=False),
    "unknown": None,
}

# The matrix of docs/access.md: for each action, who is allowed (everyone else is refused).
ALLOWED: dict[StaffAction, set[str]] = {
    StaffAction.INVITE_STAFF: {"admin"},
    StaffAction.INVITE_PERSON: {"referent"},
    StaffAction.LIST_STAFF: {"admin"},
    StaffAction.DEACTIVATE_STAFF: {"admin"},
    StaffAction.READ_AUDIT_LOG: {"admin"},
    StaffAction.LIST_PERSONS: {"admin", "referent"},
    StaffAction.VIEW_PERSON: {"admin", "referent"},
    StaffAction.HANDLE_REFERENT_CHANGE: {"admin"},
    StaffAction.MANAGE_FLOWS: {"admin", "admin_other", "mediator"},
    StaffAction.READ_DELIVERIES: {"admin"},
    StaffAction.MANAGE_MEETING: {"admin", "referent", "mediator", "peer"},
    StaffAction.HANDLE_HANDOFF: {"admin", "referent", "mediator", "peer"},
    StaffAction.READ_FIGURES: {"admin"},
}

TARGETS = {
    StaffAction.DEACTIVATE_STAFF: Target(SITE, staff_id=COLLEAGUE, staff_sites=frozenset({SITE})),
    StaffAction.VIEW_PERSON: Target(SITE, person_referent_id=ME),
    StaffAction.MANAGE_MEETING: Target(SITE, staff_id=ME),  # their own meeting
}


@pytest.mark.parametrize("action", list(StaffAction))
@pytest.mark.parametrize("who", list(ACTORS))
def test_every_cell_of_the_matrix(action: StaffAction, who: str) -> None:
    target = TARGETS.get(action, Target(SITE))
    assert bool(decide(ACTORS[who], action, target)) is (who in ALLOWED[action])


def test_the_matrix_covers_every_action() -> None:
    assert set(ALLOWED) == set(StaffAction)


def test_a_referent_views_only_the_persons_they_follow() -> None:
    referent = ACTORS["referent"]
    assert decide(referent, StaffAction.VIEW_PERSON, Target(SITE, person_referent_id=ME))
    assert not decide(referent, StaffAction.VIEW_PERSON, Target(SITE, person_referent_id=COLLEAGUE))
    assert not decide(referent, StaffAction.VIEW_PERSON, Target(SITE, person_referent_id=None))
    assert not decide(referent, StaffAction.VIEW_PERSON, Target(OTHER, person_referent_id=ME))


def test_an_admin_cannot_deactivate_themselves_or_someone_of_another_site() -> None:
    admin = ACTORS["admin"]
    action = StaffAction.DEACTIVATE_STAFF
    assert not decide(admin, action, Target(SITE, staff_id=ME, staff_sites=frozenset({SITE})))
    assert not decide(
        admin, action, Target(SITE, staff_id=COLLEAGUE, staff_sites=frozenset({OTHER}))
    )
    assert not decide(
        admin, action, Target(OTHER, staff_id=COLLEAGUE, staff_sites=frozenset({OTHER}))
    )


def test_roles_on_two_sites_do_not_leak_across() -> None:
    both = StaffActor(ME, frozenset({(SITE, Role.REFERENT), (OTHER, Role.ADMIN)}))
    assert decide(both, StaffAction.READ_AUDIT_LOG, Target(OTHER))
    assert not decide(both, StaffAction.READ_AUDIT_LOG, Target(SITE))
    assert decide(both, StaffAction.INVITE_PERSON, Target(SITE))
    assert not decide(both, StaffAction.INVITE_PERSON, Target(OTHER))


def test_a_missing_site_is_refused() -> None:
    for action in StaffAction:
        if action is not StaffAction.MANAGE_FLOWS:
            assert not decide(ACTORS["admin"], action, Target(None))


def test_a_meeting_is_managed_by_its_staff_member_and_the_site_admins() -> None:
    colleagues = Target(SITE, staff_id=COLLEAGUE)
    assert not decide(staff(Role.REFERENT), StaffAction.MANAGE_MEETING, colleagues)
    assert decide(staff(Role.ADMIN), StaffAction.MANAGE_MEETING, colleagues)
    assert not decide(
        staff(Role.REFERENT, OTHER), StaffAction.MANAGE_MEETING, Target(SITE, staff_id=ME)
    )


def test_a_held_hand_off_is_handled_by_its_holder_and_the_site_admins() -> None:
    held_by_colleague = Target(SITE, staff_id=COLLEAGUE)
    for role in (Role.REFERENT, Role.MEDIATOR, Role.PEER):
        assert not decide(staff(role), StaffAction.HANDLE_HANDOFF, held_by_colleague)
        assert decide(staff(role), StaffAction.HANDLE_HANDOFF, Target(SITE, staff_id=ME))
    assert decide(staff(Role.ADMIN), StaffAction.HANDLE_HANDOFF, held_by_colleague)
    assert not decide(staff(Role.PEER, OTHER), StaffAction.HANDLE_HANDOFF, Target(SITE))
