"""What every benchmark's command line shares: a size, and a database (fresh SQLite by default)."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

Measure = Callable[[int, str], Coroutine[Any, Any, dict[str, float]]]


def run(
    doc: str, size_flag: str, default_size: int, measure: Measure
) -> tuple[str, dict[str, float]]:
    """Parse `--<size_flag>` and `--database-url`, measure once, return the backend and figures."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(f"--{size_flag}", type=int, default=default_size)
    parser.add_argument(
        "--database-url", help="default: a fresh SQLite file (else: an empty database)"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = arguments.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        result = asyncio.run(measure(getattr(arguments, size_flag), url))
    return url.split(":")[0], result
