"""Guided procedures: the flow engine and the YAML definitions (issue 4)."""

from flows.model import Flow, FlowError, Step, StepKind
from flows.registry import DEFINITIONS_DIR, FlowRegistry, load

__all__ = ["DEFINITIONS_DIR", "Flow", "FlowError", "FlowRegistry", "Step", "StepKind", "load"]
