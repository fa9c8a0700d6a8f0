"""A person's progress through one flow, as a pure state machine.

`apply` never raises on a wrong event: it hands back the same progress with an error code
the UI translates. Effects tell the rest of the app what to do next (ask a helper,
schedule a follow-up, recompute deadlines); the engine itself sends, stores and reads
nothing, and takes `today` as a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from flows.dates import accepts
from flows.deadlines import shift
from flows.model import Flow, Step, StepKind

LATER_DAYS = (1, 3, 7)
YEARS_BACK, YEARS_AHEAD = 120, 50  # a typed date outside this window is a typo


class Mode(StrEnum):
    """How the person does the steps; chosen on any step, kept for the whole flow."""

    OWN = "own"
    WITH_SOMEONE = "with_someone"
    WITH_REFERENT = "with_referent"


class Status(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    FINISHED = "finished"
    WAITING_CHECK = "waiting_check"  # going on, with a "Did it work?" still to ask


class EngineError(StrEnum):
    """Why an event was refused; the UI shows a translated message for each."""

    WRONG_FLOW = "wrong_flow"
    FLOW_CHANGED = "flow_changed"  # the flow's version moved on: `migrate` first
    UNKNOWN_STEP = "unknown_step"
    NOT_ALLOWED_HERE = "not_allowed_here"
    OPTION_OUT_OF_RANGE = "option_out_of_range"
    UNKNOWN_ITEM = "unknown_item"
    INVALID_DELAY = "invalid_delay"
    DATE_IN_PAST_FORBIDDEN = "date_in_past_forbidden"
    DATE_IN_FUTURE_FORBIDDEN = "date_in_future_forbidden"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NOTHING_TO_GO_BACK_TO = "nothing_to_go_back_to"
    PAUSED = "paused"
    NOT_PAUSED = "not_paused"
    FINISHED = "flow_finished"
    NO_CHECK_PENDING = "no_check_pending"
    INVALID_MODE = "invalid_mode"


@dataclass(frozen=True)
class PendingCheck:
    step_id: str
    due: date


@dataclass(frozen=True)
class Progress:
    """Where one person is in one flow. `history` is the path walked (for Back and for
    "step 3 of 7"); `done` the steps completed on it; `ticked` holds (step id, item id)."""

    flow_id: str
    flow_version: int
    current: str
    history: tuple[str, ...]
    done: tuple[tuple[str, date], ...]
    answers: Mapping[str, date] = field(hash=False)
    ticked: frozenset[tuple[str, str]]
    mode: Mode | None
    status: Status
    pending_checks: tuple[PendingCheck, ...]
    started_on: date
    updated_on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    @property
    def pending_check(self) -> PendingCheck | None:
        """The "Did it work?" to ask first (several action steps may wait for one)."""
        return min(self.pending_checks, key=lambda check: check.due, default=None)

    def ticked_in(self, step_id: str) -> frozenset[str]:
        return frozenset(item for step, item in self.ticked if step == step_id)


# Events: what the person pressed or typed.


@dataclass(frozen=True)
class Continue:
    pass


@dataclass(frozen=True)
class Choose:
    index: int


@dataclass(frozen=True)
class Tick:
    """Ticks the item, or unticks it when it was ticked."""

    item_id: str


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class CannotDoIt:
    pass


@dataclass(frozen=True)
class Later:
    days: int


@dataclass(frozen=True)
class AnswerDate:
    value: date


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Stuck:
    pass


@dataclass(frozen=True)
class ChooseMode:
    mode: Mode


@dataclass(frozen=True)
class CheckResult:
    """The answer to "Did it work?"; `step_id` picks the check, else the earliest due."""

    worked: bool
    step_id: str | None = None


Event = (
    Continue
    | Choose
    | Tick
    | Done
    | CannotDoIt
    | Later
    | AnswerDate
    | Back
    | Pause
    | Resume
    | Stuck
    | ChooseMode
    | CheckResult
)

# Effects: what the rest of the app should do.


class Who(StrEnum):
    SOMEONE = "someone"
    REFERENT = "referent"
    ANY = "any"


class Reason(StrEnum):
    STUCK = "stuck"
    CANNOT = "cannot"
    MODE = "mode"  # no longer made (the way is only recorded): earlier rows hold it
    CHECK_FAILED = "check_failed"


class FollowUp(StrEnum):
    LATER = "later"
    CHECK = "check"


@dataclass(frozen=True)
class HelpRequested:
    flow_id: str
    step_id: str
    step_kind: StepKind
    who: Who
    reason: Reason


@dataclass(frozen=True)
class ScheduleFollowUp:
    step_id: str
    due: date
    kind: FollowUp


@dataclass(frozen=True)
class DeadlinesChanged:
    """A date was answered: recompute `deadlines.deadline_dates` and the reminders."""

    flow_id: str
    answer: str


@dataclass(frozen=True)
class StepEntered:
    step_id: str


@dataclass(frozen=True)
class StepDone:
    step_id: str


@dataclass(frozen=True)
class FlowFinished:
    flow_id: str


Effect = HelpRequested | ScheduleFollowUp | DeadlinesChanged | StepEntered | StepDone | FlowFinished


@dataclass(frozen=True)
class Outcome:
    progress: Progress
    effects: tuple[Effect, ...] = ()
    error: EngineError | None = None


# While paused or finished, only these still make sense.
_WHEN_PAUSED = (Resume, Stuck, ChooseMode, CheckResult)
_WHEN_FINISHED = (Back, Stuck, ChooseMode, CheckResult)
_KINDS: Mapping[type[Event], frozenset[StepKind]] = {
    Continue: frozenset({StepKind.INFO, StepKind.CHECKLIST}),
    Choose: frozenset({StepKind.CHOICE}),
    Tick: frozenset({StepKind.CHECKLIST}),
    Done: frozenset({StepKind.ACTION}),
    CannotDoIt: frozenset({StepKind.ACTION}),
    Later: frozenset({StepKind.ACTION}),
    AnswerDate: frozenset({StepKind.DATE}),
}


def start(flow: Flow, today: date, mode: Mode | None = None) -> Progress:
    """A new start; `mode`, the way chosen for an earlier round, is kept (asked once)."""
    return Progress(
        flow_id=flow.id,
        flow_version=flow.version,
        current=flow.start,
        history=(),
        done=(),
        answers={},
        ticked=frozenset(),
        mode=mode,
        status=_status(flow, flow.start, (), paused=False),
        pending_checks=(),
        started_on=today,
        updated_on=today,
    )


def apply(flow: Flow, progress: Progress, event: Event, today: date) -> Outcome:
    """The progress after `event`, and its effects; or the same progress and an error."""
    step = flow.step(progress.current)
    error = _refusal(flow, progress, step, event)
    if error is not None or step is None:
        return Outcome(progress, (), error or EngineError.UNKNOWN_STEP)
    outcome = _handle(flow, progress, step, event, today)
    if outcome.error is not None:
        return Outcome(progress, (), outcome.error)
    return replace(outcome, progress=replace(outcome.progress, updated_on=today))


def _refusal(flow: Flow, progress: Progress, step: Step | None, event: Event) -> EngineError | None:
    if progress.flow_id != flow.id:
        return EngineError.WRONG_FLOW
    if progress.flow_version != flow.version:
        return EngineError.FLOW_CHANGED
    if step is None:
        return EngineError.UNKNOWN_STEP
    if progress.status is Status.PAUSED and not isinstance(event, _WHEN_PAUSED):
        return EngineError.PAUSED
    if progress.status is Status.FINISHED and not isinstance(event, _WHEN_FINISHED):
        return EngineError.NOT_PAUSED if isinstance(event, Resume) else EngineError.FINISHED
    kinds = _KINDS.get(type(event))
    if kinds is not None and step.kind not in kinds:
        return EngineError.NOT_ALLOWED_HERE
    return None


def _handle(flow: Flow, progress: Progress, step: Step, event: Event, today: date) -> Outcome:
    match event:
        case Continue():
            return _advance(flow, progress, route(step, progress.answers, today), today)
        case Choose(index=index):
            if not 0 <= index < len(step.options):
                return _refused(progress, EngineError.OPTION_OUT_OF_RANGE)
            return _advance(flow, progress, step.options[index].next, today)
        case Tick(item_id=item_id):
            if step.item(item_id) is None:
                return _refused(progress, EngineError.UNKNOWN_ITEM)
            return Outcome(replace(progress, ticked=progress.ticked ^ {(step.id, item_id)}))
        case Done():
            return _done(flow, progress, step, today)
        case CannotDoIt():
            return Outcome(progress, (_help(flow, progress, step, Reason.CANNOT),))
        case Later(days=days):
            if days not in LATER_DAYS:
                return _refused(progress, EngineError.INVALID_DELAY)
            later = ScheduleFollowUp(step.id, today + timedelta(days=days), FollowUp.LATER)
            return Outcome(progress, (later,))
        case AnswerDate(value=value):
            return _answer(flow, progress, step, value, today)
        case Back():
            return _back(flow, progress)
        case Pause():
            return Outcome(replace(progress, status=Status.PAUSED))
        case Resume():
            if progress.status is not Status.PAUSED:
                return _refused(progress, EngineError.NOT_PAUSED)
            return Outcome(_settle(flow, progress))
        case Stuck():
            return Outcome(progress, (_help(flow, progress, step, Reason.STUCK),))
        case ChooseMode(mode=mode):
            return _choose_mode(flow, progress, step, mode)
        case CheckResult():
            return _check_result(flow, progress, event)
    return _refused(progress, EngineError.NOT_ALLOWED_HERE)  # pragma: no cover


def _refused(progress: Progress, error: EngineError) -> Outcome:
    return Outcome(progress, (), error)


def _status(flow: Flow, current: str, pending: tuple[PendingCheck, ...], *, paused: bool) -> Status:
    step = flow.step(current)
    if paused:
        return Status.PAUSED
    if step is not None and step.kind is StepKind.END:
        return Status.FINISHED
    return Status.WAITING_CHECK if pending else Status.ACTIVE


def _settle(flow: Flow, progress: Progress, *, paused: bool = False) -> Progress:
    status = _status(flow, progress.current, progress.pending_checks, paused=paused)
    return replace(progress, status=status)


def _advance(
    flow: Flow,
    progress: Progress,
    target: str | None,
    today: date,
    effects: tuple[Effect, ...] = (),
) -> Outcome:
    """Leave the current step (done) for `target`; entering an end finishes the flow."""
    following = flow.step(target) if target is not None else None
    if following is None:
        return _refused(progress, EngineError.UNKNOWN_STEP)
    moved = replace(
        progress,
        current=following.id,
        history=(*progress.history, progress.current),
        done=(*progress.done, (progress.current, today)),
    )
    settled = _settle(flow, moved)
    steps: tuple[Effect, ...] = (StepDone(progress.current), *effects, StepEntered(following.id))
    if settled.status is Status.FINISHED:
        steps = (*steps, FlowFinished(flow.id))
    return Outcome(settled, steps)


def _done(flow: Flow, progress: Progress, step: Step, today: date) -> Outcome:
    """The person is never blocked by a check: it is scheduled and the flow goes on."""
    target = route(step, progress.answers, today)
    if step.check_after_days is None:
        return _advance(flow, progress, target, today)
    due = today + timedelta(days=step.check_after_days)
    others = tuple(check for check in progress.pending_checks if check.step_id != step.id)
    waiting = replace(progress, pending_checks=(*others, PendingCheck(step.id, due)))
    check = ScheduleFollowUp(step.id, due, FollowUp.CHECK)
    return _advance(flow, waiting, target, today, (check,))


def _answer(flow: Flow, progress: Progress, step: Step, value: date, today: date) -> Outcome:
    if not today.year - YEARS_BACK <= value.year <= today.year + YEARS_AHEAD:
        return _refused(progress, EngineError.DATE_OUT_OF_RANGE)
    if not accepts(value, today, step.past):
        if value < today:
            return _refused(progress, EngineError.DATE_IN_PAST_FORBIDDEN)
        return _refused(progress, EngineError.DATE_IN_FUTURE_FORBIDDEN)
    key = step.answer or step.id
    answered = replace(progress, answers={**progress.answers, key: value})
    target = route(step, answered.answers, today)
    return _advance(flow, answered, target, today, (DeadlinesChanged(flow.id, key),))


def route(step: Step, answers: Mapping[str, date], today: date) -> str | None:
    """Where a step leads: `next`, or the first branch whose `until` has not passed (its
    date answer shifted by it is today or later), else the last branch; a branch whose
    date was never answered is skipped."""
    for branch in step.branches:
        measured = answers.get(branch.from_answer or step.answer or step.id)
        if branch.until is None:
            return branch.next
        if measured is not None and today <= shift(measured, branch.until):
            return branch.next
    return step.next


def _back(flow: Flow, progress: Progress) -> Outcome:
    if not progress.history:
        return _refused(progress, EngineError.NOTHING_TO_GO_BACK_TO)
    previous = progress.history[-1]
    done = list(progress.done)
    for index in range(len(done) - 1, -1, -1):
        if done[index][0] == previous:
            del done[index]
            break
    moved = replace(progress, current=previous, history=progress.history[:-1], done=tuple(done))
    return Outcome(_settle(flow, moved), (StepEntered(previous),))


def _who(mode: Mode | None) -> Who:
    if mode is Mode.WITH_SOMEONE:
        return Who.SOMEONE
    if mode is Mode.WITH_REFERENT:
        return Who.REFERENT
    return Who.ANY


def _help(flow: Flow, progress: Progress, step: Step, reason: Reason) -> HelpRequested:
    return HelpRequested(flow.id, step.id, step.kind, _who(progress.mode), reason)


def _choose_mode(flow: Flow, progress: Progress, step: Step, mode: Mode) -> Outcome:
    """The way is the person's choice, recorded; it asks nobody for help by itself (a
    help request is made by asking for it: stuck, "I can't", a check that failed)."""
    try:
        chosen = Mode(mode)
    except ValueError:
        return _refused(progress, EngineError.INVALID_MODE)
    return Outcome(replace(progress, mode=chosen))


def _check_result(flow: Flow, progress: Progress, event: CheckResult) -> Outcome:
    if event.step_id is None:
        check = progress.pending_check
    else:
        check = next((c for c in progress.pending_checks if c.step_id == event.step_id), None)
    if check is None:
        return _refused(progress, EngineError.NO_CHECK_PENDING)
    remaining = tuple(c for c in progress.pending_checks if c is not check)
    checked = _settle(
        flow, replace(progress, pending_checks=remaining), paused=progress.status is Status.PAUSED
    )
    if event.worked:
        return Outcome(checked)
    action = flow.step(check.step_id)
    kind = action.kind if action is not None else StepKind.ACTION
    help_request = HelpRequested(
        flow.id, check.step_id, kind, _who(progress.mode), Reason.CHECK_FAILED
    )
    return Outcome(checked, (help_request,))


def position(flow: Flow, progress: Progress) -> tuple[int, int]:
    """("step 3 of 7"): steps walked so far + 1, and that plus the longest way to an end."""
    number = len(progress.history) + 1
    return number, number + _longest_to_end(flow, progress.current)


def _longest_to_end(flow: Flow, step_id: str) -> int:
    """Edges on the longest path ahead; an edge back into the path being walked is skipped,
    so loops count once and the walk always ends."""
    memo: dict[str, int] = {}
    walking: set[str] = set()

    def visit(current: str) -> int:
        if current in memo:
            return memo[current]
        step = flow.step(current)
        if step is None:
            return 0
        walking.add(current)
        best = 0
        for target in flow.targets(step):
            if target not in walking and flow.step(target) is not None:
                best = max(best, 1 + visit(target))
        walking.discard(current)
        memo[current] = best
        return best

    return visit(step_id)


def migrate(flow: Flow, progress: Progress) -> Progress | None:
    """Progress made on an older version of `flow`, carried over; None when its current
    step is gone (the UI offers to start again)."""
    if progress.flow_id != flow.id or flow.step(progress.current) is None:
        return None
    ids = {step.id for step in flow.steps}

    def has_item(step_id: str, item_id: str) -> bool:
        step = flow.step(step_id)
        return step is not None and step.item(item_id) is not None

    def is_action(step_id: str) -> bool:
        step = flow.step(step_id)
        return step is not None and step.kind is StepKind.ACTION

    carried = replace(
        progress,
        flow_version=flow.version,
        history=tuple(step_id for step_id in progress.history if step_id in ids),
        done=tuple(entry for entry in progress.done if entry[0] in ids),
        ticked=frozenset(pair for pair in progress.ticked if has_item(*pair)),
        pending_checks=tuple(c for c in progress.pending_checks if is_action(c.step_id)),
    )
    return _settle(flow, carried, paused=progress.status is Status.PAUSED)


# Storage: a JSON-ready shape, so the database keeps one column and no engine types.


def progress_to_data(progress: Progress) -> dict[str, object]:
    return {
        "flow_id": progress.flow_id,
        "flow_version": progress.flow_version,
        "current": progress.current,
        "history": list(progress.history),
        "done": [[step_id, day.isoformat()] for step_id, day in progress.done],
        "answers": {key: day.isoformat() for key, day in sorted(progress.answers.items())},
        "ticked": [list(pair) for pair in sorted(progress.ticked)],
        "mode": None if progress.mode is None else progress.mode.value,
        "status": progress.status.value,
        "pending_checks": [[c.step_id, c.due.isoformat()] for c in progress.pending_checks],
        "started_on": progress.started_on.isoformat(),
        "updated_on": progress.updated_on.isoformat(),
    }


def progress_from_data(data: Mapping[str, object]) -> Progress | None:
    """The progress `progress_to_data` wrote, or None when the data is not that shape."""
    try:
        mode = data["mode"]
        return Progress(
            flow_id=_text(data["flow_id"]),
            flow_version=_number(data["flow_version"]),
            current=_text(data["current"]),
            history=tuple(_text(step_id) for step_id in _items(data["history"])),
            done=tuple(_dated(entry) for entry in _items(data["done"])),
            answers={_text(key): _day(value) for key, value in _mapping(data["answers"]).items()},
            ticked=frozenset(_pair(entry) for entry in _items(data["ticked"])),
            mode=None if mode is None else Mode(_text(mode)),
            status=Status(_text(data["status"])),
            pending_checks=tuple(
                PendingCheck(*_dated(entry)) for entry in _items(data["pending_checks"])
            ),
            started_on=_day(data["started_on"]),
            updated_on=_day(data["updated_on"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(value)
    return value


def _day(value: object) -> date:
    return date.fromisoformat(_text(value))


def _items(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(value)
    return value


def _mapping(value: object) -> Mapping[object, object]:
    if not isinstance(value, Mapping):
        raise TypeError(value)
    return value


def _pair(value: object) -> tuple[str, str]:
    first, second = _items(value)
    return _text(first), _text(second)


def _dated(value: object) -> tuple[str, date]:
    step_id, day = _items(value)
    return _text(step_id), _day(day)
