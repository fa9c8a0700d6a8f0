"""The engine walks the every-kind fixture: each event, each refusal, each effect."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from flows.engine import (
    AnswerDate,
    Back,
    CannotDoIt,
    CheckResult,
    Choose,
    ChooseMode,
    Continue,
    DeadlinesChanged,
    Done,
    EngineError,
    Event,
    FlowFinished,
    FollowUp,
    HelpRequested,
    Later,
    Mode,
    Outcome,
    Pause,
    PendingCheck,
    Progress,
    Reason,
    Resume,
    ScheduleFollowUp,
    StepDone,
    StepEntered,
    Stuck,
    Tick,
    Who,
    apply,
    migrate,
    position,
    progress_from_data,
    progress_to_data,
    start,
)
from flows.model import Flow, StepKind
from tests.flows.support import TODAY, load_valid

FLOW = load_valid()
LATER = TODAY + timedelta(days=2)


def run(progress: Progress, *events: Event, today: date = TODAY) -> Outcome:
    """Applies events in turn; every one must be accepted."""
    outcome = Outcome(progress)
    for event in events:
        outcome = apply(FLOW, outcome.progress, event, today)
        assert outcome.error is None, (event, outcome.error)
    return outcome


def at(step_id: str) -> Progress:
    """The progress on `step_id`, reached by the shortest walk from the start."""
    walks: dict[str, tuple[Event, ...]] = {
        "intro": (),
        "documents": (Continue(),),
        "account": (Continue(), Continue()),
        "create-account": (Continue(), Continue(), Choose(1)),
        "submit": (Continue(), Continue(), Choose(0)),
        "last-declaration": (Continue(), Continue(), Choose(0), Done()),
        "appointment": (
            Continue(),
            Continue(),
            Choose(0),
            Done(),
            AnswerDate(date(2025, 1, 31)),
        ),
    }
    return run(start(FLOW, TODAY), *walks[step_id]).progress


def refused(progress: Progress, event: Event, today: date = TODAY) -> EngineError | None:
    outcome = apply(FLOW, progress, event, today)
    assert outcome.progress is progress
    assert outcome.effects == ()
    return outcome.error


def test_start() -> None:
    progress = start(FLOW, TODAY)
    assert (progress.flow_id, progress.flow_version, progress.current) == (
        "test-every-kind",
        2,
        "intro",
    )
    assert (progress.history, progress.done, dict(progress.answers)) == ((), (), {})
    assert (progress.status, progress.mode, progress.pending_check) == ("active", None, None)
    assert progress.started_on == progress.updated_on == TODAY
    assert position(FLOW, progress) == (1, 8)


def test_continue_moves_on_and_records_the_step_as_done() -> None:
    outcome = apply(FLOW, start(FLOW, TODAY), Continue(), LATER)
    assert outcome.error is None
    assert outcome.effects == (StepDone("intro"), StepEntered("documents"))
    progress = outcome.progress
    assert (progress.current, progress.history, progress.done) == (
        "documents",
        ("intro",),
        (("intro", LATER),),
    )
    assert (progress.started_on, progress.updated_on) == (TODAY, LATER)
    assert position(FLOW, progress) == (2, 8)


@pytest.mark.parametrize(
    ("step_id", "event"),
    [
        ("intro", Choose(0)),
        ("intro", Tick("identity")),
        ("intro", Done()),
        ("intro", AnswerDate(TODAY)),
        ("account", Continue()),
        ("submit", Continue()),
        ("submit", Tick("identity")),
        ("last-declaration", Done()),
        ("last-declaration", Later(1)),
        ("documents", CannotDoIt()),
    ],
)
def test_events_that_do_not_fit_the_step_are_refused(step_id: str, event: Event) -> None:
    assert refused(at(step_id), event) == EngineError.NOT_ALLOWED_HERE


def test_checklist_items_are_ticked_and_unticked_without_blocking() -> None:
    progress = at("documents")
    ticked = run(progress, Tick("identity"), Tick("bank"), Tick("identity")).progress
    assert ticked.ticked_in("documents") == {"bank"}
    assert ticked.current == "documents"
    assert refused(ticked, Tick("passport")) == EngineError.UNKNOWN_ITEM
    assert run(progress, Continue()).progress.current == "account"  # nothing ticked: fine


def test_choose_follows_the_option() -> None:
    progress = at("account")
    assert run(progress, Choose(0)).progress.current == "submit"
    assert run(progress, Choose(2)).progress.current == "create-account"
    assert refused(progress, Choose(3)) == EngineError.OPTION_OUT_OF_RANGE
    assert refused(progress, Choose(-1)) == EngineError.OPTION_OUT_OF_RANGE


def test_position_counts_the_path_walked_and_the_longest_way_ahead() -> None:
    assert position(FLOW, at("create-account")) == (4, 8)
    assert position(FLOW, at("submit")) == (4, 7)  # the short branch
    assert position(FLOW, at("appointment")) == (6, 7)
    finished = run(at("appointment"), AnswerDate(TODAY)).progress
    assert position(FLOW, finished) == (7, 7)


def test_position_is_safe_with_loops() -> None:
    looped = replace(
        FLOW,
        steps=tuple(
            replace(step, next="intro") if step.id == "create-account" else step
            for step in FLOW.steps
        ),
    )
    progress = start(looped, TODAY)
    # create-account now loops back to intro: the longest way ahead goes through submit.
    assert position(looped, progress) == (1, 7)
    # From create-account the way back round the loop counts once: 7 steps ahead.
    assert position(looped, at("create-account")) == (4, 11)


def test_done_with_a_check_moves_on_and_waits_for_the_check() -> None:
    outcome = run(at("submit"), Done())
    due = TODAY + timedelta(days=5)
    assert outcome.effects == (
        StepDone("submit"),
        ScheduleFollowUp("submit", due, FollowUp.CHECK),
        StepEntered("last-declaration"),
    )
    progress = outcome.progress
    assert progress.current == "last-declaration"
    assert progress.status == "waiting_check"
    assert progress.pending_check == PendingCheck("submit", due)


def test_a_check_that_worked_ends_the_wait() -> None:
    waiting = run(at("submit"), Done()).progress
    outcome = run(waiting, CheckResult(worked=True))
    assert outcome.effects == ()
    assert (outcome.progress.status, outcome.progress.pending_check) == ("active", None)
    assert refused(outcome.progress, CheckResult(worked=True)) == EngineError.NO_CHECK_PENDING


def test_a_check_that_failed_asks_for_help() -> None:
    waiting = run(at("submit"), ChooseMode(Mode.WITH_SOMEONE), Done()).progress
    outcome = run(waiting, CheckResult(worked=False, step_id="submit"))
    assert outcome.effects == (
        HelpRequested(
            "test-every-kind", "submit", StepKind.ACTION, Who.SOMEONE, Reason.CHECK_FAILED
        ),
    )
    assert outcome.progress.current == "last-declaration"  # never blocked
    assert outcome.progress.status == "active"
    assert refused(waiting, CheckResult(worked=False, step_id="intro")) == (
        EngineError.NO_CHECK_PENDING
    )


def test_done_without_a_check() -> None:
    outcome = run(at("create-account"), Done())
    assert outcome.effects == (StepDone("create-account"), StepEntered("submit"))
    assert outcome.progress.status == "active"


def test_cannot_do_it_asks_for_help_and_stays() -> None:
    progress = at("create-account")
    outcome = run(progress, CannotDoIt())
    assert outcome.effects == (
        HelpRequested("test-every-kind", "create-account", StepKind.ACTION, Who.ANY, Reason.CANNOT),
    )
    assert outcome.progress.current == "create-account"


def test_later_schedules_a_follow_up() -> None:
    progress = at("create-account")
    for days in (1, 3, 7):
        outcome = run(progress, Later(days))
        follow_up = ScheduleFollowUp("create-account", TODAY + timedelta(days=days), "later")  # type: ignore[arg-type]
        assert outcome.effects == (follow_up,)
        assert outcome.progress.current == "create-account"
    assert refused(progress, Later(2)) == EngineError.INVALID_DELAY


def test_a_date_in_the_past_only() -> None:
    progress = at("last-declaration")
    assert refused(progress, AnswerDate(TODAY + timedelta(days=1))) == (
        EngineError.DATE_IN_FUTURE_FORBIDDEN
    )
    assert refused(progress, AnswerDate(date(1800, 1, 1))) == EngineError.DATE_OUT_OF_RANGE
    outcome = run(progress, AnswerDate(date(2025, 1, 31)))
    assert outcome.effects == (
        StepDone("last-declaration"),
        DeadlinesChanged("test-every-kind", "last-declaration"),
        StepEntered("appointment"),
    )
    assert outcome.progress.answers == {"last-declaration": date(2025, 1, 31)}
    assert run(progress, AnswerDate(TODAY)).progress.current == "appointment"


def test_a_date_that_may_not_be_past_and_the_end() -> None:
    progress = at("appointment")
    assert refused(progress, AnswerDate(TODAY - timedelta(days=1))) == (
        EngineError.DATE_IN_PAST_FORBIDDEN
    )
    outcome = run(progress, AnswerDate(TODAY + timedelta(days=20)))
    assert outcome.effects[-2:] == (StepEntered("finished"), FlowFinished("test-every-kind"))
    finished = outcome.progress
    assert finished.status == "finished"
    assert finished.pending_check is not None  # the check asked after "submit" still comes
    assert refused(finished, Continue()) == EngineError.FINISHED
    assert refused(finished, Pause()) == EngineError.FINISHED
    assert refused(finished, Resume()) == EngineError.NOT_PAUSED
    checked = run(finished, CheckResult(worked=True)).progress
    assert (checked.status, checked.pending_check) == ("finished", None)


def test_back_returns_to_the_previous_step_even_after_the_end() -> None:
    finished = run(at("appointment"), AnswerDate(TODAY)).progress
    outcome = run(finished, Back())
    assert outcome.effects == (StepEntered("appointment"),)
    back = outcome.progress
    assert back.current == "appointment"
    assert back.status == "waiting_check"
    assert [step_id for step_id, _ in back.done][-1] == "last-declaration"
    assert back.history == ("intro", "documents", "account", "submit", "last-declaration")
    walked_back = run(back, Back(), Back(), Back(), Back(), Back()).progress
    assert (walked_back.current, walked_back.history, walked_back.done) == ("intro", (), ())
    assert refused(walked_back, Back()) == EngineError.NOTHING_TO_GO_BACK_TO


def test_pause_and_resume() -> None:
    paused = run(at("documents"), Pause()).progress
    assert paused.status == "paused"
    assert refused(paused, Continue()) == EngineError.PAUSED
    assert refused(paused, Pause()) == EngineError.PAUSED
    assert refused(paused, Back()) == EngineError.PAUSED
    assert run(paused, Stuck()).effects[0].reason == "stuck"  # type: ignore[union-attr]
    resumed = run(paused, Resume()).progress
    assert resumed.status == "active"
    assert refused(resumed, Resume()) == EngineError.NOT_PAUSED
    waiting = run(at("submit"), Done(), Pause(), Resume()).progress
    assert waiting.status == "waiting_check"
    still_paused = run(at("submit"), Done(), Pause(), CheckResult(worked=True)).progress
    assert still_paused.status == "paused"


def test_the_way_is_recorded_and_says_who_should_help_when_help_is_asked() -> None:
    """Choosing "with my referent" files no help request by itself (issue 9): the person
    has said how they want to work, not that they are stuck."""
    progress = at("documents")
    assert run(progress, Stuck()).effects == (
        HelpRequested("test-every-kind", "documents", StepKind.CHECKLIST, Who.ANY, Reason.STUCK),
    )
    own = run(progress, ChooseMode(Mode.OWN))
    assert (own.progress.mode, own.effects) == (Mode.OWN, ())
    referent = run(progress, ChooseMode(Mode.WITH_REFERENT))
    assert (referent.progress.mode, referent.effects) == ("with_referent", ())
    stuck = run(referent.progress, Stuck())
    assert stuck.effects[0].who == "referent"  # type: ignore[union-attr]
    assert refused(progress, ChooseMode("alone")) == EngineError.INVALID_MODE  # type: ignore[arg-type]


def test_progress_for_another_flow_or_version_is_refused() -> None:
    progress = at("documents")
    assert refused(replace(progress, flow_id="other"), Continue()) == EngineError.WRONG_FLOW
    assert refused(replace(progress, flow_version=1), Continue()) == EngineError.FLOW_CHANGED
    assert refused(replace(progress, current="gone"), Continue()) == EngineError.UNKNOWN_STEP


def without(flow: Flow, step_id: str, version: int = 3) -> Flow:
    return replace(flow, version=version, steps=tuple(s for s in flow.steps if s.id != step_id))


def test_migrate_keeps_the_step_when_it_still_exists() -> None:
    progress = run(at("create-account"), Done(), Done()).progress
    progress = replace(progress, ticked=progress.ticked | {("documents", "identity")})
    newer = without(FLOW, "create-account")
    migrated = migrate(newer, progress)
    assert migrated is not None
    assert migrated.flow_version == 3
    assert migrated.current == "last-declaration"
    assert migrated.history == ("intro", "documents", "account", "submit")
    assert "create-account" not in {step_id for step_id, _ in migrated.done}
    assert migrated.pending_check == progress.pending_check
    assert apply(newer, migrated, AnswerDate(TODAY), TODAY).error is None


def test_migrate_without_the_current_step_means_restart() -> None:
    assert migrate(without(FLOW, "create-account"), at("create-account")) is None
    assert migrate(replace(FLOW, id="other"), at("intro")) is None
    newer = without(FLOW, "documents")
    kept = migrate(newer, run(at("documents"), Tick("bank"), Continue()).progress)
    assert kept is not None
    assert kept.ticked == frozenset()


def test_progress_round_trips_through_json() -> None:
    progress = run(at("submit"), ChooseMode(Mode.WITH_SOMEONE), Done()).progress
    progress = run(progress, AnswerDate(date(2025, 1, 31))).progress
    data = json.loads(json.dumps(progress_to_data(progress)))
    assert progress_from_data(data) == progress
    hash(progress)
    for broken in [
        {},
        {**data, "status": "lost"},
        {**data, "done": [["intro"]]},
        {**data, "flow_version": "2"},
    ]:
        assert progress_from_data(broken) is None
