"""The seams the code is built on, checked as text: cheap, and they fail loudly when a
shortcut creeps back in (a regex over callback data, SQL in a use case, I/O in the domain)."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, pattern: str, allowed: Collection[str] = ()) -> list[str]:
    found = []
    for path in sources(folder):
        if path.name in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_handlers_route_by_type_not_by_strings() -> None:
    """No regex over callback data and no hand-built callback string: one dispatcher
    decodes, and only the keyboard renderer encodes."""
    assert offending("handlers", r"re\.compile|pattern=|import re\b") == []
    assert offending("handlers", r"callback_data=", allowed={"reply.py"}) == []
    assert offending("handlers", r"decode_tap\(", allowed={"dispatch.py"}) == []
    assert offending("handlers", r"\bencode\(\w", allowed={"reply.py"}) == []


def test_screens_put_intents_on_buttons() -> None:
    assert offending("screens", r"\bencode\(|callback_data") == []
    assert offending("screens", r"Button\(t\._\(") == [], "labels are plain text: t.label"


@pytest.mark.parametrize("folder", ["services", "handlers", "screens", "core", "flows"])
def test_only_repositories_hold_sql(folder: str) -> None:
    statements = r"from sqlalchemy import|sqlalchemy\.(sql|orm)|session\.(execute|scalars?|get)\("
    assert offending(folder, statements) == []


@pytest.mark.parametrize("folder", ["core", "flows"])
def test_the_domain_does_no_io_and_reads_no_clock(folder: str) -> None:
    forbidden = (
        r"^\s*(from|import) (telegram|storage|services|handlers|screens|app|sqlalchemy)\b"
        r"|datetime\.now\(|date\.today\(|time\.time\("
    )
    allowed = {"cli.py", "extract.py", "graph.py", "loader.py", "registry.py", "catalog.py"}
    assert offending(folder, forbidden, allowed if folder == "flows" else ()) == []


def test_screens_do_not_know_telegram() -> None:
    assert offending("screens", r"^\s*(from|import) telegram\b") == []
