"""The registry: every flow of a folder, checked together, frozen, in menu order."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from flows.registry import DEFINITIONS_DIR, FlowRegistry, load
from tests.flows.support import EVERY_KIND, INVALID, TODAY, VALID, line_of


def test_a_folder_of_valid_flows_becomes_a_registry() -> None:
    registry, errors = load(VALID, TODAY, ["en"], lambda lang, text: text, lambda *_: True)
    assert errors == []
    assert registry is not None
    assert len(registry) == 3
    assert [flow.id for flow in registry.all()] == [
        "test-every-kind",  # caf comes first
        "test-housing-in-other",  # then other, by title: "Aide au logement"…
        "test-minimal",  # …before "Trouver une France Services"
    ]
    assert list(registry.by_category()) == ["caf", "other"]
    assert [flow.id for flow in registry.by_category()["other"]] == [
        "test-housing-in-other",
        "test-minimal",
    ]
    every_kind = registry.get("test-every-kind")
    assert every_kind is not None
    assert every_kind.path == EVERY_KIND
    assert registry.get("nope") is None
    assert "test-minimal" in registry


def test_the_registry_cannot_be_changed() -> None:
    registry = FlowRegistry([])
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry._flows = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        registry.by_category()["caf"] = ()  # type: ignore[index]


def test_any_error_means_no_registry_and_every_error(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path, dirs_exist_ok=True)
    shutil.copy(INVALID / "unknown-key.yaml", tmp_path / "caf" / "unknown-key.yaml")
    shutil.copy(INVALID / "dead-end.yaml", tmp_path / "caf" / "dead-end.yaml")
    registry, errors = load(tmp_path, TODAY)
    assert registry is None
    assert {error.path.name for error in errors} == {"unknown-key.yaml", "dead-end.yaml"}
    assert len(errors) == 5


def test_missing_translations_block_the_registry() -> None:
    registry, errors = load(VALID, TODAY, ["en"], None, lambda lang, text: False)
    assert registry is None
    assert len(errors) == 3
    assert all("not translated in en" in error.message for error in errors)


def test_a_flow_in_the_wrong_category_folder(tmp_path: Path) -> None:
    (tmp_path / "prefecture").mkdir()
    moved = tmp_path / "prefecture" / "every-kind.yaml"
    shutil.copy(EVERY_KIND, moved)
    registry, errors = load(tmp_path, TODAY)
    assert registry is None
    (error,) = errors
    assert error.message == "the file is in `prefecture/` but its category is `caf`"
    assert error.line == line_of(moved, "category:")


def test_the_same_id_twice_is_refused(tmp_path: Path) -> None:
    shutil.copy(EVERY_KIND, tmp_path / "a.yaml")
    shutil.copy(EVERY_KIND, tmp_path / "b.yaml")
    registry, errors = load(tmp_path, TODAY)
    assert registry is None
    (error,) = errors
    assert error.path == tmp_path / "b.yaml"
    assert "already used by" in error.message


def test_a_missing_folder_and_an_empty_one(tmp_path: Path) -> None:
    registry, errors = load(tmp_path / "nope", TODAY)
    assert registry is None
    assert errors[0].message == "no such directory"
    empty, errors = load(tmp_path, TODAY)
    assert errors == []
    assert empty is not None
    assert len(empty) == 0


def test_the_default_folder_is_the_definitions_next_to_the_package() -> None:
    root = Path(__file__).resolve().parents[2]
    assert root / "flows" / "definitions" == DEFINITIONS_DIR
