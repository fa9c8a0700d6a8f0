"""Every flow of a directory, loaded and checked together, then frozen.

A reload builds a new registry: the bot swaps it in only when it came back without
errors, so a broken edit never replaces flows that work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from flows.loader import load_file
from flows.model import CATEGORIES, Flow, FlowError
from flows.validate import IsTranslated, Translate, validate_flows

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"


def _order(flow: Flow) -> tuple[int, str, str]:
    rank = CATEGORIES.index(flow.category) if flow.category in CATEGORIES else len(CATEGORIES)
    return rank, flow.title.casefold(), flow.id


@dataclass(frozen=True, init=False)
class FlowRegistry:
    """Flows by id; `all()` in menu order: category (as in `CATEGORIES`), then title."""

    _flows: tuple[Flow, ...]
    _by_id: Mapping[str, Flow]

    def __init__(self, flows: Iterable[Flow]) -> None:
        ordered = tuple(sorted(flows, key=_order))
        object.__setattr__(self, "_flows", ordered)
        object.__setattr__(self, "_by_id", MappingProxyType({flow.id: flow for flow in ordered}))

    def get(self, flow_id: str) -> Flow | None:
        return self._by_id.get(flow_id)

    def all(self) -> tuple[Flow, ...]:
        return self._flows

    def by_category(self) -> Mapping[str, tuple[Flow, ...]]:
        """Only categories that hold a flow, in `CATEGORIES` order."""
        grouped: dict[str, list[Flow]] = {}
        for flow in self._flows:
            grouped.setdefault(flow.category, []).append(flow)
        return MappingProxyType({category: tuple(flows) for category, flows in grouped.items()})

    def __len__(self) -> int:
        return len(self._flows)

    def __contains__(self, flow_id: object) -> bool:
        return flow_id in self._by_id


def flow_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.yaml") if path.is_file())


def load_flows(directory: Path) -> tuple[list[Flow], list[FlowError]]:
    """Every well-formed flow under `directory`, and the structural errors of the others.

    A file in a category folder (`definitions/caf/…`) must declare that category."""
    flows: list[Flow] = []
    errors: list[FlowError] = []
    for path in flow_files(directory):
        flow, problems = load_file(path)
        errors += problems
        if flow is None:
            continue
        folder = path.parent.name if path.parent != directory else None
        if folder in CATEGORIES and folder != flow.category:
            message = f"the file is in `{folder}/` but its category is `{flow.category}`"
            fix = f"move the file to `{flow.category}/`, or write `category: {folder}`"
            errors.append(FlowError(path, flow.line_of("category"), None, message, fix))
        flows.append(flow)
    return flows, errors


def load(
    directory: Path | None,
    today: date,
    languages: Sequence[str] = (),
    translate: Translate | None = None,
    is_translated: IsTranslated | None = None,
) -> tuple[FlowRegistry | None, list[FlowError]]:
    """A registry of every flow under `directory` (None: `flows/definitions`), or None and
    every error found. `today` judges source dates: the checks never read the clock."""
    root = DEFINITIONS_DIR if directory is None else directory
    if not root.is_dir():
        error = FlowError(root, 0, None, "no such directory", "create it, or pass the right one")
        return None, [error]
    flows, errors = load_flows(root)
    errors += validate_flows(
        flows,
        today=today,
        languages=languages,
        translate=translate,
        is_translated=is_translated,
    )
    if errors:
        return None, sorted(errors, key=lambda error: (str(error.path), error.line))
    return FlowRegistry(flows), []
