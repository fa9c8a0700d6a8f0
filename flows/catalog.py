"""The flows in service, loaded from one directory and reloaded from it in one place.

A reload swaps the whole registry at once, so a person never sees half of an old flow and
half of a new one; a reload that fails validation keeps the flows in service. Buttons name
flows and steps by short references (`flow_ref`, `step_ref`): ids can be long, and button
data is 64 bytes at most.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from core.intents import Ref
from flows.model import Flow, FlowError, Step
from flows.registry import FlowRegistry, load

FLOW_REF_LENGTH, STEP_REF_LENGTH = 6, 4


def short_ref(text: str, length: int) -> Ref:
    return Ref(hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:length])


def flow_ref(flow: Flow) -> Ref:
    return short_ref(flow.id, FLOW_REF_LENGTH)


def step_ref(step_id: str) -> Ref:
    return short_ref(step_id, STEP_REF_LENGTH)


class FlowCatalog:
    def __init__(self, registry: FlowRegistry, directory: Path | None = None) -> None:
        self.registry = registry
        self.directory = directory  # None: flows/definitions

    @classmethod
    def load(cls, directory: Path | None, today: date) -> FlowCatalog | list[FlowError]:
        """The catalog of every flow in `directory`, or every error that stops it."""
        registry, errors = load(directory, today)
        return cls(registry, directory) if registry is not None else errors

    def reload(self, today: date) -> list[FlowError]:
        """Read the directory again; on any error the flows in service stay as they were."""
        registry, errors = load(self.directory, today)
        if registry is not None:
            self.registry = registry
        return errors

    def replace(self, registry: FlowRegistry) -> None:
        self.registry = registry

    def by_ref(self, ref: Ref) -> Flow | None:
        return next((f for f in self.registry.all() if flow_ref(f) == ref), None)


def step_by_ref(flow: Flow, ref: Ref) -> Step | None:
    return next((s for s in flow.steps if step_ref(s.id) == ref), None)
