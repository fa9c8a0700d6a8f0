"""Reading what a person types for distress: every typed message goes through it first.

    .venv/bin/python -m bench.distress [--runs 20]

Measured: `DistressRules.match` (the rules of `flows/distress/rules.yaml`, parsed once as
at start-up) on each message of the ordinary-talk corpus and of the held-out distress
messages (`tests/data/distress/`, four languages), `--runs` passes over each corpus;
prints min, p50, p95, p99 and max in microseconds per message.

The reference, in the same run, is what a typed message costs anyway: one SQLite
transaction that reads a person and writes their row (`BEGIN`, `SELECT`, `UPDATE`,
`COMMIT` on a WAL file database, as the bot's "who is writing" does), timed the same way.
A typed message already costs four or five of those; the figures say what the distress
read adds to them. Figures go in docs/benchmarks.md; tests never assert timings.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import yaml

from app.distress_file import read_rules
from core.distress import DistressRules

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "distress"


def messages(name: str) -> list[str]:
    """Every message of a corpus file, whatever its nesting (language, then concern)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((DATA / name).read_text(encoding="utf-8")))
    return found


def timed(texts: list[str], rules: DistressRules, runs: int) -> list[float]:
    spent = []
    for _ in range(runs):
        for text in texts:
            start = time.perf_counter()
            rules.match(text)
            spent.append((time.perf_counter() - start) * 1e6)
    return spent


def reference(count: int) -> list[float]:
    """One small read-and-write transaction per message, on a WAL SQLite file."""
    with tempfile.TemporaryDirectory() as scratch:
        db = sqlite3.connect(Path(scratch) / "ref.db", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE persons (id INTEGER PRIMARY KEY, seen REAL)")
        db.executemany("INSERT INTO persons VALUES (?, 0)", [(i,) for i in range(1000)])
        spent = []
        for i in range(count):
            start = time.perf_counter()
            db.execute("BEGIN")
            db.execute("SELECT seen FROM persons WHERE id = ?", (i % 1000,)).fetchone()
            db.execute("UPDATE persons SET seen = ? WHERE id = ?", (time.time(), i % 1000))
            db.execute("COMMIT")
            spent.append((time.perf_counter() - start) * 1e6)
        db.close()
    return spent


def summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return (
        f"{label:<34} n={len(ordered):>6}  min {ordered[0]:8.1f}  p50 {at(0.5):8.1f}  "
        f"p95 {at(0.95):8.1f}  p99 {at(0.99):8.1f}  max {ordered[-1]:8.1f}  µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    rules = read_rules()
    if not isinstance(rules, DistressRules):
        raise SystemExit("\n".join(rules))
    ordinary, distress = messages("ordinary.yaml"), messages("held_out.yaml")
    rules.match("warm-up")  # the first message builds the caches, as at start-up
    print(f"{len(rules.rules)} rules; {len(ordinary)} ordinary, {len(distress)} distress messages")
    print(summary("match, ordinary talk", timed(ordinary, rules, arguments.runs)))
    print(summary("match, distress messages", timed(distress, rules, arguments.runs)))
    print(summary("reference: one SQLite transaction", reference(len(ordinary) * arguments.runs)))


if __name__ == "__main__":
    main()
