"""`flows check` and `flows graph`: what a flow writer sees in the terminal."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from flows.cli import check_command, graph_command, main, po_catalogs
from tests.flows.support import (
    EVERY_KIND,
    INVALID,
    TODAY,
    VALID,
    line_of,
    load_valid,
    parse_svg,
)

LINE = re.compile(r"^(?P<path>.+\.yaml):(?P<line>\d+): (\[(?P<step>[a-z0-9-]+)\] )?.+ — .+$")


def test_check_passes_on_valid_flows() -> None:
    out = StringIO()
    assert check_command(VALID, [], None, None, TODAY, out) == 0
    assert out.getvalue() == "3 flows checked: no errors\n"


def test_check_prints_each_error_with_path_line_step_and_fix(tmp_path: Path) -> None:
    shutil.copy(INVALID / "dead-end.yaml", tmp_path / "dead-end.yaml")
    shutil.copy(INVALID / "unknown-key.yaml", tmp_path / "unknown-key.yaml")
    out = StringIO()
    assert check_command(tmp_path, [], None, None, TODAY, out) == 1
    *errors, summary = out.getvalue().splitlines()
    assert summary == "5 errors in 2 file(s): fix them first"
    assert all(LINE.match(line) for line in errors), errors
    dead_end = next(line for line in errors if "dead end" in line)
    match = LINE.match(dead_end)
    assert match is not None
    assert match["path"].endswith("dead-end.yaml")
    assert int(match["line"]) == line_of(tmp_path / "dead-end.yaml", "  stuck:")
    assert match["step"] == "stuck"


def test_graph_writes_mermaid_and_svg(tmp_path: Path) -> None:
    out = StringIO()
    assert graph_command(VALID, "test-every-kind", tmp_path / "graphs", TODAY, out) == 0
    mermaid = tmp_path / "graphs" / "test-every-kind.mmd"
    svg = tmp_path / "graphs" / "test-every-kind.svg"
    assert out.getvalue().splitlines() == [str(mermaid), str(svg)]
    assert mermaid.read_text(encoding="utf-8").startswith("flowchart TD")
    assert parse_svg(svg.read_text(encoding="utf-8")).tag.endswith("svg")


def test_graph_draws_a_flow_with_errors_and_warns(tmp_path: Path) -> None:
    shutil.copy(INVALID / "missing-target.yaml", tmp_path / "flow.yaml")
    out = StringIO()
    assert graph_command(tmp_path, "test-missing-target", tmp_path, TODAY, out) == 0
    assert out.getvalue().startswith("warning: ")
    assert (tmp_path / "test-missing-target.svg").is_file()


def test_graph_of_an_unknown_flow_suggests_a_close_one(tmp_path: Path) -> None:
    out = StringIO()
    assert graph_command(VALID, "test-minimum", tmp_path, TODAY, out) == 1
    assert "did you mean `test-minimal`?" in out.getvalue()
    assert not list(tmp_path.iterdir())


def test_po_catalogs_read_translations_and_ignore_fuzzy_ones(tmp_path: Path) -> None:
    catalog = Catalog(locale="en")
    catalog.add("Oui", "Yes")
    catalog.add("Non", "No", flags=["fuzzy"])
    catalog.add("Un RIB", "")
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    translate, is_translated = po_catalogs(tmp_path, ["en", "uk"])
    assert (translate("en", "Oui"), is_translated("en", "Oui")) == ("Yes", True)
    assert (translate("en", "Non"), is_translated("en", "Non")) == ("Non", False)
    assert (translate("en", "Un RIB"), is_translated("en", "Un RIB")) == ("Un RIB", False)
    assert (translate("uk", "Oui"), is_translated("uk", "Oui")) == ("Oui", False)


def test_main_checks_translations_from_the_catalogs(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(EVERY_KIND, flows / "every-kind.yaml")
    catalog = Catalog(locale="en")
    for text, _, _ in load_valid().texts():
        catalog.add(text, "EN " + text)
    folder = tmp_path / "locales" / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)

    def run(argv: list[str], languages: list[str]) -> tuple[int, str]:
        out = StringIO()
        code = main(
            argv, today=TODAY, languages=languages, locales_dir=tmp_path / "locales", out=out
        )
        return code, out.getvalue()

    check = ["check", "--dir", str(flows)]
    assert run(check, ["en"]) == (0, "1 flow checked: no errors\n")
    code, printed = run(check, ["en", "ar"])
    assert code == 1
    assert "18 texts are not translated in ar" in printed
    assert run([*check, "--no-translations"], ["ar"])[0] == 0
    graph = ["graph", "test-every-kind", "--dir", str(flows), "--out", str(tmp_path / "g")]
    assert run(graph, [])[0] == 0
    assert (tmp_path / "g" / "test-every-kind.svg").is_file()
