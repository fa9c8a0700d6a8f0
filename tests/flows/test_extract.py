"""The Babel extractor: every flow text, at its real line, with a translator comment."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from babel.messages.extract import extract, extract_from_dir

from flows.extract import FlowExtractionError, extract_flows
from tests.flows.support import EVERY_KIND, INVALID, VALID, line_of

# Babel annotates extractors as yielding (lineno, message, comments, context), yet calls
# them, as documented, with (lineno, funcname, message, comments): the documented one wins.
EXTRACTOR: Any = extract_flows


def test_every_text_is_extracted_with_its_line_and_a_comment() -> None:
    with EVERY_KIND.open("rb") as handle:
        messages = list(extract(EXTRACTOR, handle))
    assert len(messages) == 18
    by_text = {message: (line, comments) for line, message, comments, _ in messages}
    assert by_text["Demander le RSA (parcours de test)"] == (
        line_of(EVERY_KIND, "title:"),
        ["flow test-every-kind, title"],
    )
    assert by_text["Une pièce d'identité"] == (
        line_of(EVERY_KIND, "label: Une pièce"),
        ["flow test-every-kind, step documents (checklist item label)"],
    )
    assert by_text["Oui"] == (
        line_of(EVERY_KIND, "label: Oui"),
        ["flow test-every-kind, step account (answer button)"],
    )
    deadline_line, deadline_comments = by_text[
        "Pensez à faire votre déclaration trimestrielle avant le {date}."
    ]
    assert deadline_line == line_of(EVERY_KIND, "text: Pensez")
    assert "keep {date}" in deadline_comments[0]
    lines = EVERY_KIND.read_text(encoding="utf-8").splitlines()
    for line, message, _, _ in messages:
        assert isinstance(message, str)
        assert message in lines[line - 1]


def test_a_file_object_without_a_name_works() -> None:
    messages = list(extract(EXTRACTOR, BytesIO(EVERY_KIND.read_bytes())))
    assert messages[0][1] == "Demander le RSA (parcours de test)"


def test_a_broken_flow_stops_the_extraction() -> None:
    with (
        (INVALID / "unknown-key.yaml").open("rb") as handle,
        pytest.raises(FlowExtractionError, match="unknown key `sumary`"),
    ):
        list(extract(EXTRACTOR, handle))


def test_the_extractor_is_found_by_its_dotted_name_as_babel_cfg_names_it() -> None:
    found = list(extract_from_dir(VALID, method_map=[("**.yaml", "flows.extract:extract_flows")]))
    assert {filename for filename, *_ in found} == {
        "caf/every-kind.yaml",
        "other/minimal.yaml",
        "other/aide-logement.yaml",
    }
    assert "Trouver une France Services" in {message for _, _, message, _, _ in found}
