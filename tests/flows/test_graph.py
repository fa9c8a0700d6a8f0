"""Pictures of a flow: Mermaid text and a self-contained SVG."""

from __future__ import annotations

from dataclasses import replace

from flows.graph import to_mermaid, to_svg
from flows.model import ChoiceOption
from tests.flows.support import INVALID, VALID, load_valid, parse_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_mermaid_has_every_step_and_edge() -> None:
    flow = load_valid()
    text = to_mermaid(flow)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    assert '    s_intro["intro · info<br/>Bonjour. Nous allons demander le RSA…"]' in lines
    assert any(line.startswith('    s_account{"account · choice') for line in lines)
    assert any(line.startswith('    s_finished(["finished · end') for line in lines)
    assert "    s_intro --> s_documents" in lines
    assert '    s_account -->|"Non"| s_create_account' in lines
    assert '    s_account -->|"Oui"| s_submit' in lines
    assert "    class s_finished endStep" in lines
    assert "    class s_intro startStep" in lines


def test_mermaid_escapes_quotes_and_survives_a_step_called_end() -> None:
    flow = load_valid(VALID / "other" / "aide-logement.yaml")
    assert "    s_ask --> s_end" in to_mermaid(flow).splitlines()
    every = load_valid()
    steps = tuple(
        replace(step, options=(ChoiceOption('Dites "oui"', "submit"), *step.options[1:]))
        if step.id == "account"
        else step
        for step in every.steps
    )
    text = to_mermaid(replace(every, steps=steps))
    assert '-->|"Dites #quot;oui#quot;"| s_submit' in text
    assert 'Dites "oui"' not in text


def test_mermaid_draws_missing_steps() -> None:
    text = to_mermaid(load_valid(INVALID / "missing-target.yaml"))
    assert '    s_nowhere["nowhere (missing)"]' in text
    assert "    class s_nowhere missingStep" in text


def test_svg_is_well_formed_with_a_box_per_step_and_an_arrow_per_edge() -> None:
    flow = load_valid()
    root = parse_svg(to_svg(flow))
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == "test-every-kind — Demander le RSA (parcours de test)"
    groups = root.findall(f"{SVG}g")
    assert [group.findtext(f"{SVG}text") for group in groups] == [
        "intro",
        "documents",
        "account",
        "submit",
        "create-account",
        "last-declaration",
        "appointment",
        "finished",
    ]
    assert groups[-1].get("class") == "step end"
    end_box = groups[-1].find(f"{SVG}rect")
    assert end_box is not None
    assert end_box.get("rx") == "24"
    edges = root.findall(f"{SVG}path")
    assert len(edges) == 8  # 6 single nexts, 3 options of which 2 lead to the same step
    labels = {text.text for text in root.findall(f"{SVG}text")}
    assert {"Oui", "Non / Je ne sais pas"} <= labels


def test_svg_layers_go_down_and_loops_bend_back() -> None:
    flow = load_valid(INVALID / "no-end-reachable.yaml")
    root = parse_svg(to_svg(flow))
    boxes = {
        group.findtext(f"{SVG}text"): group.find(f"{SVG}rect") for group in root.findall(f"{SVG}g")
    }
    tops = {name: int(box.get("y", "0")) for name, box in boxes.items() if box is not None}
    assert tops["intro"] < tops["loop-a"] == tops["bye"] < tops["loop-b"]
    assert any(" C" in (path.get("d") or "") for path in root.findall(f"{SVG}path"))


def test_svg_draws_unreachable_and_missing_steps() -> None:
    for name, extra in [("unreachable.yaml", "orphan"), ("missing-target.yaml", "nowhere")]:
        root = parse_svg(to_svg(load_valid(INVALID / name)))
        names = [group.findtext(f"{SVG}text") for group in root.findall(f"{SVG}g")]
        assert extra in names
