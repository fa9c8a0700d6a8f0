"""What every benchmark's command line shares: a size, and a database (fresh SQLite by default)."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

Measure = Callable[..., Coroutine[Any, Any, dict[str, float]]]


def run(
    doc: str,
    size_flag: str,
    default_size: int,
    measure: Measure,
    **options: int,
) -> tuple[str, dict[str, float]]:
    """Parse `--<size_flag>`, `--database-url` and each `--<option>` (an integer, its
    default given here), measure once as `measure(size, url, **options)`, return the
    backend and figures."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(f"--{size_flag}", type=int, default=default_size)
    for name, default in options.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument(
        "--database-url", help="default: a fresh SQLite file (else: an empty database)"
    )
    arguments = parser.parse_args()
    chosen = {name: getattr(arguments, name) for name in options}
    with tempfile.TemporaryDirectory() as scratch:
        url = arguments.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        result = asyncio.run(measure(getattr(arguments, size_flag), url, **chosen))
    return url.split(":")[0], result
