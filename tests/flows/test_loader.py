"""Loading: a valid file becomes a `Flow`; each structural mistake is one error, at its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.loader import load_file, load_text
from flows.model import Ending, Offset, Past, StepKind, TextRole
from tests.flows.support import EVERY_KIND, INVALID, line_of, load_invalid, load_valid, only


def test_a_valid_flow_loads_with_every_part() -> None:
    flow = load_valid()
    assert (flow.format, flow.id, flow.version, flow.category) == (1, "test-every-kind", 2, "caf")
    assert flow.title == "Demander le RSA (parcours de test)"
    assert flow.start == "intro"
    assert flow.path == EVERY_KIND
    assert [step.id for step in flow.steps] == [
        "intro",
        "documents",
        "account",
        "create-account",
        "submit",
        "last-declaration",
        "appointment",
        "finished",
    ]
    assert [step.kind for step in flow.steps] == [
        StepKind.INFO,
        StepKind.CHECKLIST,
        StepKind.CHOICE,
        StepKind.ACTION,
        StepKind.ACTION,
        StepKind.DATE,
        StepKind.DATE,
        StepKind.END,
    ]
    (source,) = flow.sources
    assert source.checked == date(2025, 2, 19)
    assert source.url.startswith("https://www.caf.fr/")
    (deadline,) = flow.deadlines
    assert deadline.from_answer == "last-declaration"
    assert deadline.add == Offset(months=3)
    assert deadline.repeat == Offset(months=3)
    assert deadline.remind == (Offset(days=-7), Offset(days=0))
    assert deadline.text is not None and "{date}" in deadline.text


def test_steps_keep_their_fields_and_lines() -> None:
    flow = load_valid()
    intro = flow.step("intro")
    assert intro is not None
    assert intro.line == line_of(EVERY_KIND, "  intro:")
    assert intro.line_of("text") == line_of(EVERY_KIND, "<b>Bonjour.</b>")
    assert (intro.link, intro.link_label) == ("https://www.caf.fr/allocataires", "Ouvrir caf.fr")
    documents = flow.step("documents")
    assert documents is not None
    assert [item.id for item in documents.items] == ["identity", "bank"]
    assert documents.items[0].help == "Carte d'identité, passeport ou titre de séjour."
    assert documents.items[1].help is None
    assert documents.items[1].line == line_of(EVERY_KIND, "- id: bank")
    account = flow.step("account")
    assert account is not None
    assert [(o.label, o.next) for o in account.options] == [
        ("Oui", "submit"),
        ("Non", "create-account"),
        ("Je ne sais pas", "create-account"),
    ]
    assert flow.targets(account) == ("submit", "create-account")
    submit = flow.step("submit")
    assert submit is not None
    assert submit.check_after_days == 5
    last = flow.step("last-declaration")
    assert last is not None
    assert (last.answer, last.past) == ("last-declaration", Past.ONLY)
    assert flow.step("nowhere") is None
    assert flow.date_answers() == {"last-declaration", "appointment"}


def test_texts_lists_every_translatable_string_with_its_line() -> None:
    flow = load_valid()
    texts = list(flow.texts())
    assert (flow.title, line_of(EVERY_KIND, "title: Demander"), "title") in texts
    assert (
        "Une pièce d'identité",
        line_of(EVERY_KIND, "label: Une pièce"),
        "step documents (checklist item label)",
    ) in texts
    assert ("Oui", line_of(EVERY_KIND, "label: Oui"), "step account (answer button)") in texts
    roles = {field.role for field in flow.text_fields()}
    assert roles == set(TextRole)
    # title, summary, 8 step texts, 1 link label, 2 item labels, 1 help, 3 options, 1 deadline
    assert len(texts) == 18


def test_yaml_booleans_and_dates_stay_as_written(tmp_path: Path) -> None:
    text = EVERY_KIND.read_text(encoding="utf-8")
    text = text.replace("label: Oui", "label: yes").replace("label: Non", "label: no")
    text = text.replace("title: Demander le RSA (parcours de test)", "title: on")
    text = text.replace("summary: Un parcours", "summary: 2025-01-01 Un parcours")
    flow, errors = load_text(text, tmp_path / "bools.yaml")
    assert not errors
    assert flow is not None
    assert flow.title == "on"
    assert flow.summary.startswith("2025-01-01 ")
    account = flow.step("account")
    assert account is not None
    assert [option.label for option in account.options][:2] == ["yes", "no"]


def test_an_unknown_key_is_refused_with_a_suggestion() -> None:
    path = INVALID / "unknown-key.yaml"
    errors = load_invalid("unknown-key.yaml")
    typo = only(errors, "unknown key `sumary`")
    assert typo.line == line_of(path, "sumary:")
    assert typo.fix == "did you mean `summary`?"
    assert typo.step_id is None
    step_typo = only(errors, "unknown key `nxt`")
    assert (step_typo.line, step_typo.step_id) == (line_of(path, "nxt:"), "intro")
    assert "`next`" in step_typo.fix
    misplaced = only(errors, "`next` is not allowed in step `bye`")
    assert misplaced.line == line_of(path, "next: intro")
    assert "belongs to" in misplaced.fix
    assert only(errors, "has no `summary`").line == 1
    assert all(error.path == path for error in errors)


def test_wrong_types_are_refused_at_their_line() -> None:
    path = INVALID / "wrong-types.yaml"
    errors = load_invalid("wrong-types.yaml")
    version = only(errors, "`version` should be a whole number")
    assert version.line == line_of(path, "version: deux")
    assert only(errors, "`sources` should be a list").line == line_of(path, "url:")
    text = only(errors, "`text` should be a text, not a list")
    assert (text.line, text.step_id) == (line_of(path, "- une liste"), "intro")
    quoted = only(errors, "`check_after_days` should be a whole number, not a quoted text")
    assert quoted.line == line_of(path, "check_after_days")
    assert quoted.fix == "remove the quotes: 5"


def test_bad_ids_are_refused_with_a_valid_example() -> None:
    path = INVALID / "bad-ids.yaml"
    errors = load_invalid("bad-ids.yaml")
    flow_id = only(errors, "`id` `Test_Mauvais_Id` is not a valid id")
    assert flow_id.line == line_of(path, "id: Test_Mauvais_Id")
    assert "`test-mauvais-id`" in flow_id.fix
    step_id = only(errors, "`step id` `Étape Deux`")
    assert step_id.line == line_of(path, "Étape Deux:")
    assert "`etape-deux`" in step_id.fix
    target = only(errors, "`next` `Étape Deux`")
    assert (target.line, target.step_id) == (line_of(path, "next: Étape Deux"), "intro")


def test_bad_dates_are_refused() -> None:
    path = INVALID / "bad-dates.yaml"
    errors = load_invalid("bad-dates.yaml")
    assert only(errors, "not `19/02/2025`").line == line_of(path, "19/02/2025")
    assert only(errors, "not `2025-02-30`").line == line_of(path, "2025-02-30")


def test_values_out_of_bounds_are_refused() -> None:
    path = INVALID / "bad-values.yaml"
    errors = load_invalid("bad-values.yaml")
    assert only(errors, "format 2 is unknown").line == 1
    assert only(errors, "`category` `cafe`").fix == "did you mean `caf`?"
    assert only(errors, "`title` is 108 characters long; at most 80").line == 5
    assert only(errors, "`add.months` should be a whole number").line == line_of(path, "1.5")
    assert only(errors, "`repeat` must move forward").line == line_of(path, "repeat:")
    assert only(errors, "unknown key `weeks` in `remind`").line == line_of(path, "remind:")
    choice = only(errors, "a choice has 1 option;")
    assert (choice.line, choice.step_id) == (line_of(path, "- label: Oui"), "ask")
    assert only(errors, "`check_after_days` is 45").step_id == "wait"
    assert only(errors, "a `link` goes with a `link_label`").step_id == "wait"
    assert only(errors, "`next` appears twice").line == line_of(path, "next: wait", 2)
    assert only(errors, "`past` `sometimes` is unknown").line == line_of(path, "sometimes")
    assert [error.line for error in errors] == sorted(error.line for error in errors)


def test_broken_yaml_points_to_its_line() -> None:
    (error,) = load_invalid("yaml-syntax.yaml")
    assert error.message.startswith("YAML syntax:")
    assert error.line == line_of(INVALID / "yaml-syntax.yaml", "Mal indenté")


def test_empty_unreadable_or_shapeless_files_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: é".encode("latin-1"))
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    for path, fragment in [
        (empty, "empty"),
        (latin, "not UTF-8"),
        (listed, "should be a mapping"),
        (tmp_path / "missing.yaml", "cannot read"),
    ]:
        flow, errors = load_file(path)
        assert flow is None
        assert fragment in errors[0].message


def test_a_kind_is_required_and_must_exist(tmp_path: Path) -> None:
    text = EVERY_KIND.read_text(encoding="utf-8").replace("kind: checklist", "kind: checklst")
    text = text.replace("    kind: info\n", "")
    flow, errors = load_text(text, tmp_path / "kinds.yaml")
    assert flow is None
    assert only(errors, "`kind` `checklst` is unknown").fix == "did you mean `checklist`?"
    assert only(errors, "step `intro` has no `kind`").step_id == "intro"


def test_an_ending_says_how_it_ends(tmp_path: Path) -> None:
    """No "Bravo" by default: every end step says whether the procedure is done."""
    text = EVERY_KIND.read_text(encoding="utf-8")
    flow, _ = load_text(text, tmp_path / "ok.yaml")
    assert flow is not None
    assert [step.ending for step in flow.steps if step.kind is StepKind.END] == [Ending.DONE]

    flow, errors = load_text(text.replace("    outcome: done\n", ""), tmp_path / "none.yaml")
    assert flow is None
    missing = only(errors, "step `finished` (end) has no `outcome`")
    assert "not_yet" in missing.fix and missing.line is not None

    flow, errors = load_text(
        text.replace("outcome: done", "outcome: finished"), tmp_path / "x.yaml"
    )
    assert flow is None
    assert "`outcome` `finished` is unknown" in [error.message for error in errors]
