"""Validation of Bot API calls against the official spec (``spec/bot-api-10.0.json``).

The spec is scraped prose, so only what it states mechanically is checked: method and
parameter names, required parameters, value types (recursively into objects and unions) and
the ``N-M characters|bytes`` limits found in the descriptions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from emulator.html import plain_text, utf16_len

SPEC_PATH = Path(__file__).with_name("spec") / "bot-api-10.0.json"

_LIMIT_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_DISCRIMINATOR_RE = re.compile(r"(?:must be|always) \"?([\w-]+)\"?")
_DISCRIMINATOR_FIELDS = ("type", "status", "source")
_PRIMITIVES = {"String", "Integer", "Float", "Boolean"}
_MISSING = object()

TextParser = Callable[[str, str], str]
"""(text, parse_mode) -> the plain text whose length the spec limits; may raise ValueError."""
_FORMATTED = ("text", "caption", "message_text")


@dataclass
class SpecViolation:
    """One way in which a request departs from the spec."""

    method: str
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.method}.{self.path}: {self.message}"
            if self.path
            else f"{self.method}: {self.message}"
        )


@dataclass
class UploadedFile:
    """A multipart file part; the spec type ``InputFile`` accepts it."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return f"String {value[:40]!r}"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if value is None:
        return "null"
    return type(value).__name__


Errors = list[tuple[str, str]]


class ApiSpec:
    """The loaded spec plus the validator; one instance is shared (it is read-only)."""

    def __init__(self, data: Mapping[str, Any], text_parser: TextParser = plain_text) -> None:
        self._text_parser = text_parser
        self.version: str = str(data.get("version", ""))
        self.methods: dict[str, Any] = dict(data["methods"])
        self.types: dict[str, Any] = dict(data["types"])
        self._by_lower = {name.lower(): name for name in self.methods}
        self._discriminators: dict[str, tuple[str, dict[str, list[str]]]] = {}
        for name, info in self.types.items():
            if "subtypes" in info:
                found = self._discriminator_of(info["subtypes"])
                if found is not None:
                    self._discriminators[name] = found

    def _discriminator_of(self, subtypes: list[str]) -> tuple[str, dict[str, list[str]]] | None:
        """Find the field (``type``, ``status``, ``source``) whose prose fixes each variant."""
        key: str | None = None
        mapping: dict[str, list[str]] = {}
        for sub in subtypes:
            fields = {f["name"]: f for f in self.types.get(sub, {}).get("fields", [])}
            for candidate in _DISCRIMINATOR_FIELDS:
                match = (
                    _DISCRIMINATOR_RE.search(fields[candidate]["description"])
                    if candidate in fields
                    else None
                )
                if match:
                    key = candidate
                    mapping.setdefault(match.group(1), []).append(sub)
                    break
            else:
                return None
        return (key, mapping) if key else None

    def canonical(self, method: str) -> str | None:
        """The documented spelling of a method name (lookup is case-insensitive)."""
        return self._by_lower.get(method.lower())

    def validate(
        self, method: str, raw: Mapping[str, object]
    ) -> tuple[dict[str, Any], list[SpecViolation]]:
        """Decode the wire values of one call and list its violations.

        ``raw`` holds form strings (decoded per the spec types, as PTB JSON-encodes all
        non-``str`` values), :class:`UploadedFile` parts, or already-typed JSON body values.
        """
        canonical = self.canonical(method) or method
        info = self.methods.get(canonical)
        if info is None:
            return dict(raw), [SpecViolation(canonical, "", "unknown method")]
        fields = {f["name"]: f for f in info.get("fields", [])}
        errors: Errors = []
        decoded: dict[str, Any] = {}
        texts = [v for v in raw.values() if isinstance(v, str) and "attach://" in v]
        for name, value in raw.items():
            field = fields.get(name)
            if field is None:
                attached = isinstance(value, UploadedFile) and any(
                    f"attach://{name}" in t for t in texts
                )
                if attached:
                    decoded[name] = value
                else:
                    errors.append((name, "unknown parameter"))
                continue
            decoded[name] = self._decode_param(name, value, field["types"], errors)
        for name, field in fields.items():
            if field["required"] and name not in raw:
                errors.append((name, "missing required parameter"))
        self._check_limits(fields, decoded, "", errors)
        return decoded, [SpecViolation(canonical, path, message) for path, message in errors]

    def check(self, type_name: str, value: object) -> list[str]:
        """How ``value`` departs from the spec type ``type_name`` (e.g. an ``Update`` the
        emulator produced), as ``path: message`` lines; empty when it conforms."""
        return [f"{path}: {message}" for path, message in self._check_type(value, type_name, "")]

    def _decode_param(self, path: str, value: object, types: list[str], errors: Errors) -> Any:
        """Decode a top-level value: ``str`` values are raw strings or JSON text per type."""
        if not isinstance(value, str):
            errors.extend(self._check_union(value, types, path))
            return value
        if types == ["String"]:
            return value
        others = [t for t in types if t != "String"]
        try:
            parsed: object = json.loads(value)
        except ValueError:
            parsed = _MISSING
        found: Errors = []
        if parsed is not _MISSING:
            found = self._check_union(parsed, others, path)
            if not found:
                return parsed
        if "String" in types or ("InputFile" in types and value.startswith("attach://")):
            return value
        if parsed is _MISSING:
            errors.append(
                (path, f"expected {' or '.join(types)}, got undecodable text {value[:40]!r}")
            )
            return value
        errors.extend(found)
        return parsed

    def _check_union(self, value: object, types: list[str], path: str) -> Errors:
        """Errors for the best-fitting alternative (none if any alternative fits)."""
        best: Errors | None = None
        for type_name in types:
            found = self._check_type(value, type_name, path)
            if not found:
                return []
            if best is None or len(found) < len(best):
                best = found
        return best or []

    def _check_type(self, value: object, type_name: str, path: str) -> Errors:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [(path, f"expected {type_name}, got {_describe(value)}")]
            inner = type_name[len("Array of ") :]
            errors: Errors = []
            for index, item in enumerate(value):
                errors.extend(self._check_type(item, inner, f"{path}[{index}]"))
            return errors
        if type_name in _PRIMITIVES:
            return (
                []
                if _is_primitive(value, type_name)
                else [(path, f"expected {type_name}, got {_describe(value)}")]
            )
        if type_name == "InputFile":
            ok = isinstance(value, UploadedFile) or (
                isinstance(value, str) and value.startswith("attach://")
            )
            return [] if ok else [(path, f"expected InputFile, got {_describe(value)}")]
        info = self.types.get(type_name)
        if info is None:
            return [(path, f"unknown spec type {type_name}")]
        if not isinstance(value, dict):
            return [(path, f"expected {type_name}, got {_describe(value)}")]
        if "subtypes" in info:
            return self._check_variant(value, type_name, info["subtypes"], path)
        if "fields" not in info:
            return []
        errors = []
        self._check_object({f["name"]: f for f in info["fields"]}, value, path, errors)
        return errors

    def _check_variant(
        self, value: dict[str, Any], type_name: str, subtypes: list[str], path: str
    ) -> Errors:
        """Pick the variants a discriminator names (or all), then the best fit among them."""
        candidates = subtypes
        disc = self._discriminators.get(type_name)
        if disc is not None:
            key, mapping = disc
            tag = value.get(key)
            if tag not in mapping:
                allowed = ", ".join(sorted(mapping))
                return [
                    (_join(path, key), f"expected one of {allowed} for {type_name}, got {tag!r}")
                ]
            candidates = mapping[tag]
        return self._check_union(value, candidates, path)

    def _check_object(
        self, fields: dict[str, Any], value: dict[str, Any], path: str, errors: Errors
    ) -> None:
        for name, item in value.items():
            field = fields.get(name)
            sub = _join(path, name)
            if field is None:
                errors.append((sub, "unknown field"))
            elif item is not None:
                errors.extend(self._check_union(item, field["types"], sub))
        for name, field in fields.items():
            if field["required"] and value.get(name) is None:
                errors.append((_join(path, name), "missing required field"))
        self._check_limits(fields, value, path, errors)

    def _check_limits(
        self, fields: dict[str, Any], obj: Mapping[str, Any], path: str, errors: Errors
    ) -> None:
        """Apply the ``N-M characters|bytes`` limits of string fields present in ``obj``."""
        for name, field in fields.items():
            value = obj.get(name)
            match = _LIMIT_RE.search(field["description"])
            if not isinstance(value, str) or match is None or "String" not in field["types"]:
                continue
            low, high, unit = int(match.group(1)), int(match.group(2)), match.group(3)
            mode = obj.get(
                f"{name}_parse_mode", obj.get("parse_mode") if name in _FORMATTED else None
            )
            if isinstance(mode, str) and mode:
                try:
                    value = self._text_parser(value, mode)
                except ValueError:
                    continue  # the entity parse error is reported by the server itself
            size = len(value.encode()) if unit == "bytes" else utf16_len(value)
            if not low <= size <= high:
                errors.append(
                    (_join(path, name), f"length {size} {unit} is outside {low}-{high} {unit}")
                )


def _is_primitive(value: object, type_name: str) -> bool:
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


@lru_cache(maxsize=1)
def load_spec(path: Path = SPEC_PATH) -> ApiSpec:
    """Load (once per process) the spec file shipped next to this module."""
    with path.open(encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))
