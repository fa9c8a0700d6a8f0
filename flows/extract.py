"""The Babel extraction method for flow files: every translatable text, at its real line,
with a comment telling the translator where it is shown.

Registered in `locales/babel.cfg` (`[extractors] flows = flows.extract:extract_flows`).
A file that does not load stops the extraction: silently skipping it would drop its texts
from every catalog.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from flows.loader import load_text


class FlowExtractionError(ValueError):
    """A flow file could not be read; the message lists each error as `flows check` does."""


def extract_flows(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor signature; `keywords` and `comment_tags` do not apply to YAML."""
    path = Path(str(getattr(fileobj, "name", "<flow>")))
    raw = fileobj.read()
    text = raw.decode(str(options.get("encoding", "utf-8"))) if isinstance(raw, bytes) else raw
    flow, errors = load_text(text, path)
    if flow is None:
        raise FlowExtractionError("\n".join(str(error) for error in errors))
    for message, line, context in flow.texts():
        yield line, None, message, [f"flow {flow.id}, {context}"]
