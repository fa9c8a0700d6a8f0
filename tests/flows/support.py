"""Shared by the flow tests: where the fixtures are, and how to find a line in them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from flows.loader import load_file
from flows.model import Flow, FlowError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
EVERY_KIND = VALID / "caf" / "every-kind.yaml"
TODAY = date(2025, 3, 10)


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The line holding `needle` (the `occurrence`-th time), so tests survive edits."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} is not in {path.name}")


def load_valid(path: Path = EVERY_KIND) -> Flow:
    flow, errors = load_file(path)
    assert flow is not None, errors
    return flow


def load_invalid(name: str) -> list[FlowError]:
    flow, errors = load_file(INVALID / name)
    assert flow is None
    assert errors
    return errors


def only(errors: list[FlowError], fragment: str) -> FlowError:
    """The one error whose message holds `fragment`."""
    found = [error for error in errors if fragment in error.message]
    assert len(found) == 1, (fragment, [str(error) for error in errors])
    return found[0]


def parse_svg(text: str) -> ElementTree.Element:
    """Our own output, so the stdlib parser is safe here."""
    return ElementTree.fromstring(text)  # noqa: S314
