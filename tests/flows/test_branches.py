"""Steps that lead by a date answered (`branches`), and step texts that name the flow's
dates (`{permit-expiry}`): the format, its checks with file:line, and the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from flows import engine
from flows.deadlines import named_dates
from flows.loader import load_text
from flows.model import Flow, FlowError
from flows.validate import validate_flow

TODAY = date(2026, 11, 25)

FLOW = """\
format: 1
id: window
version: 1
category: prefecture
title: Une fenêtre
summary: Déposer au bon moment.
sources:
  - url: https://www.service-public.fr/particuliers/vosdroits/F2208
    title: Carte de résident
    checked: 2026-01-10
start: expiry
deadlines:
  - id: opens
    from: expiry-day
    add: {days: -120}
  - id: last-day
    from: expiry-day
    add: {days: -60}
    remind: [{days: -7}]
    text: "Dernier jour : le {date}."
steps:
  expiry:
    kind: date
    text: Quelle est la date de fin ?
    answer: expiry-day
    branches:
      - until: {days: -121}
        next: early
      - until: {days: -60}
        next: open
      - next: late
  early:
    kind: info
    text: "Vous pourrez déposer du {opens} au {last-day}."
    branches:
      - from: expiry-day
        until: {days: -200}
        next: very-early
      - next: end
  very-early:
    kind: end
    outcome: not_yet
    text: Revenez plus tard.
  open:
    kind: info
    text: "Dernier jour : {last-day}. Fin le {expiry-day}."
    next: end
  late:
    kind: info
    text: C'est tard.
    next: end
  end:
    kind: end
    outcome: done
    text: Fini.
"""


def load(text: str = FLOW, tmp_path: Path = Path("/flows")) -> tuple[Flow | None, list[FlowError]]:
    return load_text(text, tmp_path / "window.yaml")


def flow_of(text: str = FLOW) -> Flow:
    flow, errors = load(text)
    assert flow is not None, errors
    return flow


def answered(flow: Flow, expiry: date) -> engine.Progress:
    progress = engine.start(flow, TODAY)
    outcome = engine.apply(flow, progress, engine.AnswerDate(expiry), TODAY)
    assert outcome.error is None
    return outcome.progress


def test_a_date_answer_leads_by_where_today_stands() -> None:
    flow = flow_of()
    assert answered(flow, date(2027, 4, 10)).current == "early"  # 136 days left
    assert answered(flow, date(2027, 3, 26)).current == "early"  # 121 days: opens tomorrow
    assert answered(flow, date(2027, 3, 25)).current == "open"  # 120: open today
    assert answered(flow, date(2027, 1, 24)).current == "open"  # 60: the last day is today
    assert answered(flow, date(2027, 1, 23)).current == "late"  # 59
    assert answered(flow, date(2025, 3, 1)).current == "late"  # long expired


def test_a_step_can_lead_by_a_date_answered_earlier() -> None:
    flow = flow_of()
    far = answered(flow, date(2027, 8, 1))
    assert engine.apply(flow, far, engine.Continue(), TODAY).progress.current == "very-early"
    near = answered(flow, date(2027, 4, 10))
    assert engine.apply(flow, near, engine.Continue(), TODAY).progress.current == "end"


def test_a_branch_whose_date_is_unknown_falls_to_the_last() -> None:
    flow = flow_of()
    on_early = engine.migrate(flow, engine.start(flow, TODAY))
    assert on_early is not None
    early = replace(on_early, current="early", answers={})
    assert engine.apply(flow, early, engine.Continue(), TODAY).progress.current == "end"


def test_the_flow_names_its_dates_past_ones_too() -> None:
    flow = flow_of()
    assert flow.date_names() == {"expiry-day", "opens", "last-day"}
    dates = named_dates(flow, {"expiry-day": date(2027, 1, 24)}, TODAY)
    assert dates == {
        "expiry-day": date(2027, 1, 24),
        "opens": date(2026, 9, 26),  # already past: still named ("was open since …")
        "last-day": date(2026, 11, 25),
    }
    assert named_dates(flow, {}, TODAY) == {}


def test_a_date_without_reminder_needs_no_text_and_sends_none() -> None:
    from flows.deadlines import reminder_dates

    flow = flow_of()
    reminders = reminder_dates(flow, {"expiry-day": date(2027, 6, 1)}, TODAY)
    assert {reminder.deadline_id for reminder in reminders} == {"last-day"}


def message_of(errors: list[FlowError], fragment: str) -> FlowError:
    found = [error for error in errors if fragment in error.message]
    assert len(found) == 1, [str(error) for error in errors]
    return found[0]


def line(text: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, content in enumerate(text.splitlines(), start=1):
        if needle in content:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


def test_branches_are_checked_with_their_line() -> None:
    broken = FLOW.replace("      - next: late\n", "      - until: {days: 0}\n        next: late\n")
    _, errors = load(broken)
    last = message_of(errors, "the last branch has an `until`")
    assert last.line == line(broken, "until: {days: 0}") and last.step_id == "expiry"

    broken = FLOW.replace(
        "      - until: {days: -60}\n        next: open\n", "      - next: open\n"
    )
    _, errors = load(broken)
    assert message_of(errors, "only the last branch may go without `until`").step_id == "expiry"

    broken = FLOW.replace(
        "      - from: expiry-day\n        until: {days: -200}", "      - until: {days: -200}"
    )
    _, errors = load(broken)
    assert "add `from:" in message_of(errors, "needs `from`").fix

    broken = FLOW.replace(
        "    text: C'est tard.\n    next: end",
        "    text: C'est tard.\n    next: end\n    branches:\n      - next: end\n      - next: end",
    )
    _, errors = load(broken)
    message_of(errors, "has both `next` and `branches`")

    _, errors = load(FLOW.replace('    text: "Dernier jour : le {date}."\n', ""))
    assert "add `text:`" in message_of(errors, "a deadline with `remind` has no `text`").fix


def test_branch_targets_and_dates_are_validated() -> None:
    flow = flow_of(FLOW.replace("        next: early", "        next: erly"))
    errors = validate_flow(flow, today=TODAY)
    wrong = message_of(errors, "a branch leads to `erly`")
    assert wrong.fix == "did you mean `early`?"

    flow = flow_of(FLOW.replace("      - from: expiry-day", "      - from: expiry-date"))
    errors = validate_flow(flow, today=TODAY)
    message_of(errors, "the branch measures `expiry-date`")

    flow = flow_of(FLOW.replace("Fin le {expiry-day}", "Fin le {expiry}"))
    errors = validate_flow(flow, today=TODAY)
    unknown = message_of(errors, "the placeholder `{expiry}` is unknown")
    assert "{expiry-day}" in unknown.fix and unknown.step_id == "open"


def test_a_translation_must_keep_the_dates_it_names() -> None:
    flow = flow_of()

    def translate(lang: str, text: str) -> str:
        return "Last day: soon." if text.startswith("Dernier jour : {last-day}") else text

    errors = validate_flow(flow, today=TODAY, languages=["en"], translate=translate)
    dropped = [error.message for error in errors if "drops" in error.message]
    assert dropped == [
        "the translation drops `{expiry-day}` in en",
        "the translation drops `{last-day}` in en",
    ]


def test_every_step_leading_by_date_is_reachable_and_ends() -> None:
    flow = flow_of()
    assert validate_flow(flow, today=TODAY) == []
    expiry = flow.step("expiry")
    assert expiry is not None
    assert flow.targets(expiry) == ("early", "open", "late")
