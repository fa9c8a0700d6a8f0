"""Meaning checks: the graph, texts in every language, links, sources, deadlines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from flows.model import Flow, FlowError
from flows.validate import DOMAINS_FILE, is_official, load_domains, validate_flow, validate_flows
from tests.flows.support import EVERY_KIND, INVALID, TODAY, VALID, line_of, load_valid, only


def check(name: str) -> tuple[Path, list[FlowError]]:
    path = INVALID / name
    return path, validate_flow(load_valid(path), today=TODAY)


def tagged(lang: str, text: str) -> str:
    return f"[{lang}] {text}"


def test_valid_flows_pass_every_check_in_every_language() -> None:
    for path in sorted(VALID.rglob("*.yaml")):
        errors = validate_flow(
            load_valid(path),
            today=TODAY,
            languages=["en", "ar", "uk"],
            translate=tagged,
            is_translated=lambda lang, text: True,
        )
        assert errors == [], [str(error) for error in errors]


def test_a_start_that_names_no_step() -> None:
    path, errors = check("bad-start.yaml")
    (error,) = errors
    assert error.message == "`start` names `intor`, which is not a step"
    assert error.line == line_of(path, "start: intor")
    assert error.fix == "did you mean `intro`?"


def test_a_next_that_names_no_step() -> None:
    path, errors = check("missing-target.yaml")
    (error,) = errors
    assert "leads to `nowhere`, not a step" in error.message
    assert (error.line, error.step_id) == (line_of(path, "next: nowhere"), "intro")


def test_a_step_nothing_leads_to() -> None:
    path, errors = check("unreachable.yaml")
    (error,) = errors
    assert error.message == "step `orphan` cannot be reached from `start`"
    assert (error.line, error.step_id) == (line_of(path, "orphan:"), "orphan")


def test_a_dead_end() -> None:
    path, errors = check("dead-end.yaml")
    (error,) = errors
    assert error.message == "the action step `stuck` is a dead end: it has no `next`"
    assert error.line == line_of(path, "  stuck:")
    assert "kind: end" in error.fix


def test_a_step_leading_only_to_itself_is_a_dead_end() -> None:
    flow = load_valid()
    steps = tuple(replace(s, next="intro") if s.id == "intro" else s for s in flow.steps)
    errors = validate_flow(replace(flow, steps=steps), today=TODAY)
    assert only(errors, "only leads back to itself").step_id == "intro"


def test_a_loop_with_no_way_to_an_end() -> None:
    path, errors = check("no-end-reachable.yaml")
    assert [(error.step_id, error.line) for error in errors] == [
        ("loop-a", line_of(path, "loop-a:")),
        ("loop-b", line_of(path, "loop-b:")),
    ]
    assert all("no end step can be reached" in error.message for error in errors)


def test_a_flow_without_an_end_step() -> None:
    path, errors = check("no-end-step.yaml")
    (error,) = errors
    assert error.message == "the flow has no end step"
    assert error.line == line_of(path, "steps:")


def test_texts_too_long_with_forbidden_markup_or_placeholders() -> None:
    path, errors = check("texts.yaml")
    long = only(errors, "the text is 521 characters long; at most 440")  # 500 less the header
    assert (long.step_id, long.line) == ("long", line_of(path, "Une phrase courte"))
    assert only(errors, "the tag `<u>` is not allowed").step_id == "tags"
    assert only(errors, "`<b>` is never closed").step_id == "tags"
    assert only(errors, "`</b>` closes a tag that was never opened").step_id == "bye"
    assert only(errors, "`<i>` is never closed").step_id == "bye"
    assert only(errors, "a `<` starts no tag").fix == "write &lt; for a lone <"
    label = only(errors, "no markup in this option label")
    assert label.line == line_of(path, "<b>Oui</b>")
    braces = only(errors, "the placeholder `{name}` is unknown")  # the flow's dates only
    assert (braces.step_id, braces.line) == ("braces", line_of(path, "{name}"))
    assert braces.fix == "only these are filled in: {renewal}, {when}"
    unknown = only(errors, "the placeholder `{dat}` is unknown")
    assert (unknown.step_id, unknown.line) == (None, line_of(path, "{dat}"))


def test_a_text_too_long_only_in_a_translation_is_caught_with_its_language() -> None:
    flow = load_valid()
    step = flow.step("submit")
    assert step is not None

    def translate(lang: str, text: str) -> str:
        return "Do it now. " * 50 if lang == "uk" and text == step.text else text

    errors = validate_flow(flow, today=TODAY, languages=["en", "uk"], translate=translate)
    (error,) = errors
    # 500 a message, less the header: the flow's title and where the person is.
    assert error.message == "the text is 550 characters long; at most 420 in uk"
    assert (error.step_id, error.line) == ("submit", line_of(EVERY_KIND, "Faites la demande"))
    assert "locales/uk/LC_MESSAGES/messages.po" in error.fix


def test_translations_are_checked_for_markup_labels_and_placeholders() -> None:
    flow = load_valid()
    broken = {
        "Oui": "A far too long answer for one small button",
        "Ouvrir caf.fr": "<b>Open</b>",
        "Pensez à faire votre déclaration trimestrielle avant le {date}.": "Declare soon.",
        "<i>Bravo</i>, votre demande est faite. Pour de l'aide, allez dans une France Services.": (
            "<i>Well done</b>"
        ),
    }
    errors = validate_flow(
        flow, today=TODAY, languages=["en"], translate=lambda lang, text: broken.get(text, text)
    )
    assert only(errors, "option label is 42 characters long; at most 40 in en").step_id == (
        "account"
    )
    assert only(errors, "no markup in this link label in en").step_id == "intro"
    assert only(errors, "the translation drops `{date}` in en").step_id is None
    assert only(errors, "`<i>` is never closed in en").step_id == "finished"


def test_links_must_be_https_on_an_official_domain() -> None:
    path, errors = check("links-sources-deadlines.yaml")
    http = only(errors, "`http://www.caf.fr/` is not https")
    assert (http.step_id, http.line) == ("intro", line_of(path, "http://www.caf.fr/"))
    lookalike = only(errors, "`www.caf.fr.example.com` is not an official domain")
    assert (lookalike.step_id, lookalike.line) == (None, line_of(path, "caf.fr.example.com"))
    other = only(errors, "`www.example.org` is not an official domain")
    assert (other.step_id, other.line) == ("other", line_of(path, "www.example.org"))
    assert "official_domains.txt" in other.fix


def test_a_source_checked_in_the_future() -> None:
    path, errors = check("links-sources-deadlines.yaml")
    error = only(errors, "checked on 2025-12-31, after today (2025-03-10)")
    assert error.line == line_of(path, "checked: 2025-12-31")
    flow = load_valid(INVALID / "links-sources-deadlines.yaml")
    later = validate_flow(flow, today=flow.sources[0].checked)
    assert not [error for error in later if "after today" in error.message]


def test_a_flow_needs_a_source() -> None:
    path, errors = check("no-sources.yaml")
    (error,) = errors
    assert error.message == "the flow has no source"
    assert error.line == line_of(path, "sources: []")


def test_a_deadline_from_must_name_a_date_answer() -> None:
    path, errors = check("links-sources-deadlines.yaml")
    error = only(errors, "`from` names `renewal-date`, which no date step answers")
    assert error.line == line_of(path, "from: renewal-date")


def test_missing_translations_are_reported_once_per_language() -> None:
    flow = load_valid()
    translated_in_uk = {text for text, _, _ in flow.texts()} - {"Oui", "Non"}

    def is_translated(lang: str, text: str) -> bool:
        return lang == "en" or (lang == "uk" and text in translated_in_uk)

    errors = validate_flow(
        flow, today=TODAY, languages=["en", "uk", "ar"], is_translated=is_translated
    )
    assert len(errors) == 2
    uk = only(errors, "not translated in uk")
    assert uk.message.startswith("2 texts are not translated in uk, first the step account")
    assert (uk.line, uk.step_id) == (line_of(EVERY_KIND, "label: Oui"), "account")
    ar = only(errors, "not translated in ar")
    assert ar.message.startswith("18 texts are not translated in ar, first the title")
    assert ar.line == line_of(EVERY_KIND, "title:")


def test_the_same_id_in_two_files_is_refused() -> None:
    flow = load_valid()
    twin = replace(flow, path=Path("elsewhere/twin.yaml"))
    errors = validate_flows([flow, twin], today=TODAY)
    (error,) = errors
    assert error.path == Path("elsewhere/twin.yaml")
    assert f"already used by {EVERY_KIND}:" in error.message


@pytest.mark.parametrize(
    ("host", "official"),
    [
        ("www.caf.fr", True),
        ("caf.fr", True),
        ("administration-etrangers-en-france.interieur.gouv.fr", True),
        ("www.service-public.gouv.fr", True),
        ("refugies.info", True),
        ("WWW.AMELI.FR.", True),
        ("notcaf.fr", False),
        ("caf.fr.example.com", False),
        ("gouv.fr.evil.com", False),
        ("example.org", False),
    ],
)
def test_official_domains_match_by_suffix(host: str, official: bool) -> None:
    assert is_official(host, load_domains()) is official


def test_the_domain_list_holds_the_agreed_domains(tmp_path: Path) -> None:
    domains = load_domains(DOMAINS_FILE)
    for domain in [
        "caf.fr",
        "service-public.fr",
        "service-public.gouv.fr",
        "interieur.gouv.fr",
        "mesdroitssociaux.gouv.fr",
        "france-services.gouv.fr",
        "defenseurdesdroits.fr",
        "refugies.info",
        "francetravail.fr",
        "ameli.fr",
        "msa.fr",
        "legifrance.gouv.fr",
        "aidantsconnect.beta.gouv.fr",
        "ants.gouv.fr",
        "conseiller-numerique.gouv.fr",
        "ofii.fr",
        "gouv.fr",
    ]:
        assert domain in domains
    listed = tmp_path / "domains.txt"
    listed.write_text("# comment\n\nExample.org  # trailing comment\n", encoding="utf-8")
    assert load_domains(listed) == {"example.org"}


def test_custom_domains_can_be_given() -> None:
    flow: Flow = load_valid(VALID / "other" / "minimal.yaml")
    errors = validate_flow(flow, today=TODAY, domains={"caf.fr"})
    assert {error.message for error in errors} == {
        "`www.france-services.gouv.fr` is not an official domain"
    }
    assert len(errors) == 2  # the link and the source


def test_a_checklist_is_measured_with_its_items_in_each_language() -> None:
    """A checklist is read as one screen: text plus item labels, or text plus one opened
    help. Each part fits its own limit here; together, in Arabic, they do not."""
    flow = load_valid()
    step = flow.step("documents")
    assert step is not None and step.items

    def translate(lang: str, text: str) -> str:
        if lang == "ar" and text == step.text:
            return "ن" * 300
        if lang == "ar" and text == step.items[0].help:
            return "ح" * 190
        return text

    assert validate_flow(flow, today=TODAY, languages=["en"], translate=translate) == []
    errors = validate_flow(flow, today=TODAY, languages=["en", "ar"], translate=translate)
    (error,) = errors
    assert error.step_id == "documents" and error.line == line_of(EVERY_KIND, "documents:")
    assert error.message.endswith("in ar; at most 420")  # 500 less the header
    assert "locales/ar/LC_MESSAGES/messages.po" in error.fix
