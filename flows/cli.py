"""`python bot.py flows check` and `python bot.py flows graph ID`.

The commands take every input as a parameter (directory, languages, translation
functions, today, output stream); `main` reads the `.po` catalogs and parses the
arguments, so bot.py only passes the languages, the locales folder and today.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from flows.graph import to_mermaid, to_svg
from flows.model import FlowError
from flows.registry import DEFINITIONS_DIR, load, load_flows
from flows.validate import IsTranslated, Translate, validate_flow

GRAPH_DIR = Path("build/flows")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def format_error(error: FlowError) -> str:
    where = f"[{error.step_id}] " if error.step_id else ""
    return f"{_shown(error.path)}:{error.line}: {where}{error.message} — {error.fix}"


def check_command(
    directory: Path,
    languages: Sequence[str],
    translate: Translate | None,
    is_translated: IsTranslated | None,
    today: date,
    out: TextIO,
) -> int:
    """Every error as `path:line: [step] message — fix`, then a summary; 1 on any error."""
    registry, errors = load(directory, today, languages, translate, is_translated)
    for error in errors:
        print(format_error(error), file=out)
    if registry is None:
        files = len({error.path for error in errors})
        plural = "s" if len(errors) > 1 else ""
        print(f"{len(errors)} error{plural} in {files} file(s): fix them first", file=out)
        return 1
    count = len(registry)
    print(f"{count} flow{'s' if count != 1 else ''} checked: no errors", file=out)
    return 0


def graph_command(
    directory: Path, flow_id: str, output_dir: Path, today: date, out: TextIO = sys.stdout
) -> int:
    """Writes `<id>.mmd` and `<id>.svg`. A flow with meaning errors is drawn anyway (the
    picture helps to fix it) and its errors are printed; one that does not load is not."""
    flows, errors = load_flows(directory)
    flow = next((flow for flow in flows if flow.id == flow_id), None)
    if flow is None:
        close = difflib.get_close_matches(flow_id, sorted(f.id for f in flows), n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        print(f"no flow `{flow_id}` under {_shown(directory)}{hint}", file=out)
        if errors:
            files = len({error.path for error in errors})
            print(f"{files} file(s) did not load: run `flows check`", file=out)
        return 1
    for error in validate_flow(flow, today=today):
        print(f"warning: {format_error(error)}", file=out)
    output_dir.mkdir(parents=True, exist_ok=True)
    mermaid, svg = output_dir / f"{flow.id}.mmd", output_dir / f"{flow.id}.svg"
    mermaid.write_text(to_mermaid(flow), encoding="utf-8")
    svg.write_text(to_svg(flow), encoding="utf-8")
    print(_shown(mermaid), file=out)
    print(_shown(svg), file=out)
    return 0


def po_catalogs(locales_dir: Path, languages: Sequence[str]) -> tuple[Translate, IsTranslated]:
    """`translate` and `is_translated` read straight from the `.po` files, so a check sees
    what translators wrote even before it is compiled. Fuzzy entries do not count."""
    catalogs: dict[str, Catalog] = {}
    for lang in languages:
        path = locales_dir / lang / "LC_MESSAGES" / "messages.po"
        if path.is_file():
            with path.open("rb") as handle:
                catalogs[lang] = read_po(handle, locale=lang)

    def translated(lang: str, text: str) -> str | None:
        catalog = catalogs.get(lang)
        message = catalog.get(text) if catalog is not None else None
        if message is None or message.fuzzy or not isinstance(message.string, str):
            return None
        return message.string or None

    def translate(lang: str, text: str) -> str:
        return translated(lang, text) or text

    def is_translated(lang: str, text: str) -> bool:
        return translated(lang, text) is not None

    return translate, is_translated


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `flows check` and `flows graph ID` to bot.py's commands."""
    flows = commands.add_parser("flows", help="check the flow definitions, or draw one")
    actions = flows.add_subparsers(dest="flows_command", required=True)
    check = actions.add_parser("check", help="validate every flow, in every language")
    check.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="the flows folder")
    check.add_argument("--no-translations", action="store_true", help="skip the translation checks")
    graph = actions.add_parser("graph", help="draw one flow as Mermaid and SVG")
    graph.add_argument("flow_id", metavar="ID")
    graph.add_argument("--dir", type=Path, default=DEFINITIONS_DIR, help="the flows folder")
    graph.add_argument("--out", type=Path, default=GRAPH_DIR, help=f"default: {GRAPH_DIR}")


def run(
    arguments: argparse.Namespace,
    *,
    today: date,
    languages: Sequence[str],
    locales_dir: Path,
    out: TextIO = sys.stdout,
) -> int:
    """`languages`: the catalogs every text must be translated in (not the source one)."""
    if arguments.flows_command == "check":
        if arguments.no_translations:
            return check_command(arguments.dir, (), None, None, today, out)
        translate, is_translated = po_catalogs(locales_dir, languages)
        return check_command(arguments.dir, languages, translate, is_translated, today, out)
    return graph_command(arguments.dir, arguments.flow_id, arguments.out, today, out)


def main(
    argv: Sequence[str],
    *,
    today: date,
    languages: Sequence[str],
    locales_dir: Path,
    out: TextIO = sys.stdout,
) -> int:
    """`flows …` on its own: `main(["check"], …)`, `main(["graph", "ID"], …)`."""
    parser = argparse.ArgumentParser(prog="bot.py", description="the flow definitions")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(["flows", *argv])
    return run(arguments, today=today, languages=languages, locales_dir=locales_dir, out=out)
