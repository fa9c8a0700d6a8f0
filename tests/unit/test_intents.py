"""The intent codec (`core.intents`), tested on every intent it knows.

Every button the bot sends carries an encoded intent, and Telegram gives it back as untrusted
text of at most 64 bytes. These tests build every intent class generically from its fields, so
a new intent or field is covered as soon as it is declared (and a new kind of field fails here
until it is given a strategy), and check that:

- each intent survives `encode` then decode, and fits in Telegram's 64 bytes;
- tapped intents and awaited answers never decode as each other;
- forged, cut, padded or non-canonical data decodes to None, never raises, and never yields an
  intent this version would have written differently;
- `encode` refuses what it cannot write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from enum import Enum
from functools import cache
from types import UnionType
from typing import Any, get_args, get_origin, get_type_hints

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import intents
from core.intents import (
    AnswerConsent,
    AwaitDate,
    Awaited,
    AwaitNote,
    ChooseLanguage,
    Consent,
    Intent,
    ListSites,
    Name,
    PickAreas,
    PickDay,
    Reassign,
    Ref,
    SetSharing,
    ShowCategory,
    ShowMenu,
    StepOp,
    StepTap,
    ViewPerson,
    decode_awaited,
    decode_tap,
    encode,
    intent_types,
)
from core.languages import SUPPORTED_LANGUAGES
from core.sharing import Area, Duration
from flows.loader import ID_PATTERN
from flows.model import CATEGORIES

MAX_BYTES = 64  # Telegram's limit on callback data

# Database ids. Every int field gets the same bound, even the small ones (a page, an option, a
# checklist item, a number of days): at this bound the longest int encodings, such as
# "Sr:999999999:999999999" or "fl:<6 hex>:<4 hex>:999999999", are 24 bytes (the longest of all,
# "date:" and a 40-character flow id, is 45), far below 64; so one bound keeps the builder
# generic without hiding an overflow.
MAX_ID = 999_999_999
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)

TAP_TYPES = intent_types(Intent)
AWAITED_TYPES = intent_types(Awaited)
ALL_TYPES = TAP_TYPES + AWAITED_TYPES

BASE = settings(database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Refs are short hashes, of flow ids (6 hex digits) and step ids (4): see flows/catalog.py.
REFS: dict[str, st.SearchStrategy[str]] = {
    "flow": st.from_regex(r"[0-9a-f]{6}", fullmatch=True),
    "step": st.from_regex(r"[0-9a-f]{4}", fullmatch=True),
}

# Flow ids, as the flow loader accepts them (and as real flows are named).
FLOW_IDS: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(["renouvellement-titre-sejour", "declaration-trimestrielle"]),
    st.from_regex(ID_PATTERN, fullmatch=True),
)

# Names come from different vocabularies: each Name field the bot writes has its own.
NAMES: dict[tuple[type[Any], str], st.SearchStrategy[str]] = {
    (ChooseLanguage, "code"): st.sampled_from(SUPPORTED_LANGUAGES),
    (ShowCategory, "category"): st.sampled_from(CATEGORIES),
    (AwaitDate, "flow"): FLOW_IDS,
}


def field_strategy(cls: type[Any], name: str, kind: Any) -> st.SearchStrategy[Any]:
    """Realistic values for one field; TypeError for a kind of field with no strategy yet."""
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(min_value=0, max_value=MAX_ID)
    if kind is date:
        return st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
    if kind is Ref:
        if name not in REFS:
            raise TypeError(f"no Ref strategy for {cls.__name__}.{name}: add one to REFS")
        return REFS[name].map(Ref)
    if kind is Name:
        if (cls, name) not in NAMES:
            raise TypeError(f"no Name strategy for {cls.__name__}.{name}: add one to NAMES")
        return NAMES[(cls, name)].map(Name)
    if _is_enum(kind):
        return st.sampled_from(kind)
    if get_origin(kind) is frozenset and _is_enum(get_args(kind)[0]):
        return st.frozensets(st.sampled_from(get_args(kind)[0]))
    raise TypeError(f"no strategy for {cls.__name__}.{name} of kind {kind!r}")


def intent_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Any intent of class `cls`, built from its dataclass fields and their type hints."""
    hints = get_type_hints(cls)
    values = {
        field.name: field_strategy(cls, field.name, hints[field.name]) for field in _fields(cls)
    }
    return st.builds(cls, **values)


@cache
def registry() -> dict[type[Any], st.SearchStrategy[Any]]:
    """A strategy for every intent class declared in `core.intents`."""
    return {cls: intent_strategy(cls) for cls in _declared_intent_classes()}


def any_intent(classes: tuple[type[Any], ...]) -> st.SearchStrategy[Any]:
    # Deferred, so that a class with no strategy fails its tests rather than the collection.
    return st.deferred(lambda: st.one_of([registry()[cls] for cls in classes]))


TAPS = any_intent(TAP_TYPES)
AWAITED = any_intent(AWAITED_TYPES)
ANY = any_intent(ALL_TYPES)


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Enum)


def _fields(cls: type[Any]) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


def _declared_intent_classes() -> list[type[Any]]:
    def subclasses(cls: type[Any]) -> Iterator[type[Any]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [cls for cls in subclasses(intents._Intent) if cls.__module__ == intents.__name__]


def _kinds(cls: type[Any]) -> list[Any]:
    hints = get_type_hints(cls)
    return [hints[field.name] for field in _fields(cls)]


def _assert_canonical(data: str, decode: Callable[[str | None], object]) -> None:
    """`data` decodes to None, or to an intent that encodes back to exactly `data`."""
    found = decode(data)
    if found is not None:
        assert encode(found) == data  # type: ignore[arg-type]  # decoders return intents


# 1. Every intent class has a strategy.


def test_every_intent_class_has_a_strategy() -> None:
    declared = set(_declared_intent_classes())
    in_unions = set(TAP_TYPES) | set(AWAITED_TYPES)
    assert declared == in_unions, "every intent class must be in Intent or Awaited, and only those"
    assert set(registry()) == in_unions


def test_a_field_kind_without_a_strategy_is_an_error() -> None:
    @dataclasses.dataclass(frozen=True)
    class Odd:
        ratio: float

    @dataclasses.dataclass(frozen=True)
    class UnknownName:
        code: Name

    @dataclasses.dataclass(frozen=True)
    class UnknownRef:
        deadline: Ref

    for cls in (Odd, UnknownName, UnknownRef):
        with pytest.raises(TypeError, match=r"no .*strategy"):
            intent_strategy(cls)


# 2. Round trips.


@settings(BASE, max_examples=800)
@given(TAPS)
def test_a_tap_survives_encoding_and_fits_telegram(intent: Intent) -> None:
    data = encode(intent)
    assert len(data.encode()) <= MAX_BYTES
    assert decode_tap(data) == intent


@settings(BASE, max_examples=300)
@given(AWAITED)
def test_an_awaited_answer_survives_encoding(awaited: Awaited) -> None:
    data = encode(awaited)
    assert len(data.encode()) <= MAX_BYTES
    assert decode_awaited(data) == awaited


@pytest.mark.parametrize(
    "flow",
    [
        "renouvellement-titre-sejour",
        "prime-activite",
        "a" * 40,  # the flow loader accepts ids of up to 40 characters
        "renouvellement-titre-de-sejour-etudiant",
        "2025-demande-rsa",  # and ids that start with a digit
    ],
)
def test_an_awaited_date_survives_any_flow_id(flow: str) -> None:
    assert ID_PATTERN.fullmatch(flow)
    awaited = AwaitDate(Name(flow))
    assert decode_awaited(encode(awaited)) == awaited


# 3. Taps and awaited answers are told apart.


def test_tags_are_unique_and_taps_and_awaited_answers_share_none() -> None:
    tap_tags = [cls.TAG for cls in TAP_TYPES]
    awaited_tags = [cls.TAG for cls in AWAITED_TYPES]
    assert len(set(tap_tags)) == len(tap_tags)
    assert len(set(awaited_tags)) == len(awaited_tags)
    assert not set(tap_tags) & set(awaited_tags)


@settings(BASE, max_examples=500)
@given(TAPS)
def test_a_tap_is_never_an_awaited_answer(intent: Intent) -> None:
    assert decode_awaited(encode(intent)) is None


@settings(BASE, max_examples=200)
@given(AWAITED)
def test_an_awaited_answer_is_never_a_tap(awaited: Awaited) -> None:
    assert decode_tap(encode(awaited)) is None


# 4. Forged, cut and padded data.


@settings(BASE, max_examples=1000)
@given(st.text(max_size=80))
def test_any_text_decodes_to_none_or_to_its_canonical_intent(data: str) -> None:
    _assert_canonical(data, decode_tap)
    _assert_canonical(data, decode_awaited)


@settings(BASE, max_examples=500)
@given(ANY)
def test_a_cut_encoding_decodes_to_none_or_to_what_it_spells(intent: Intent | Awaited) -> None:
    data = encode(intent)
    for end in range(len(data)):
        _assert_canonical(data[:end], decode_tap)
        _assert_canonical(data[:end], decode_awaited)


@settings(BASE, max_examples=300)
@given(ANY, st.sampled_from([":x", ":", ":0", ":-", "x", "0"]))
def test_an_encoding_with_more_appended_decodes_to_none_or_to_what_it_spells(
    intent: Intent | Awaited, tail: str
) -> None:
    data = encode(intent) + tail
    _assert_canonical(data, decode_tap)
    _assert_canonical(data, decode_awaited)
    if tail.startswith(":"):
        assert decode_tap(data) is None
        assert decode_awaited(data) is None


@settings(BASE, max_examples=200)
@given(st.text(min_size=MAX_BYTES + 1, max_size=200))
def test_data_over_64_bytes_decodes_to_none(data: str) -> None:
    assert decode_tap(data) is None
    assert decode_awaited(data) is None


@settings(BASE, max_examples=200)
@given(ANY, st.text(alphabet="é€0123456789abcdef", min_size=1, max_size=70))
def test_an_encoding_padded_over_64_bytes_decodes_to_none(
    intent: Intent | Awaited, padding: str
) -> None:
    data = encode(intent) + padding
    if len(data.encode()) > MAX_BYTES:
        assert decode_tap(data) is None
        assert decode_awaited(data) is None


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        ":",
        "::",
        "m:",
        ":m",
        " m",
        "M",
        "zz",
        "sl",
        "sl:",
        "sl:-1",
        "sl:+1",
        "sl:01",
        "sl: 1",
        "sl:1.0",
        "sl:٣",  # a digit, but not an ASCII one
        "sl:99999999999",  # over 10 digits
        "Sv:1:2",
        "l:FR",
        "l:",
        "l:-fr",
        "c:YES",
        "c:",
        "fd:abc123:abcd:20260230",
        "fd:abc123:abcd:20261301",
        "fd:abc123:abcd:2026-01-01",
        "fd:abc123:abcd:00000101",
        "fk:abc123:ab12:2",
        "fk:abc123:ab12:",
        "fo:ABC123",
        "fo:abc",
        "fo:abc123456",
        "fs:abc123:abcd:z",
        "pa:",
        "pa:caf.",
        "pa:.caf",
        "pa:caf..housing",
        "pa:caf.-",
        "ps:caf.caf:month",
        "ps:caf:forever",
        "date:",
        "date:Caf",
        "note:x",
        "site_search:",
    ],
)
def test_malformed_data_decodes_to_none(data: str | None) -> None:
    assert decode_tap(data) is None
    assert decode_awaited(data) is None


@pytest.mark.parametrize(
    "data",
    [
        "pa:housing.caf",  # this version writes "pa:caf.housing"
        "ps:prefecture.caf:day",  # this version writes "ps:caf.prefecture:day"
    ],
)
def test_data_this_version_would_write_otherwise_decodes_to_none(data: str) -> None:
    assert decode_tap(data) is None


@pytest.mark.parametrize("cls", ALL_TYPES, ids=lambda cls: cls.__name__)
@settings(BASE, max_examples=25)
@given(data=st.data())
def test_forged_fields_decode_to_none_or_to_their_canonical_intent(
    cls: type[Any], data: st.DataObject
) -> None:
    parts = [data.draw(_forged_field(kind)) for kind in _kinds(cls)]
    count = data.draw(st.sampled_from(["right", "one less", "one more"]))
    if parts and count == "one less":
        parts = parts[:-1]
    elif count == "one more":
        parts = [*parts, data.draw(_forged_field(int))]
    forged = ":".join([cls.TAG, *parts])
    _assert_canonical(forged, decode_tap)
    _assert_canonical(forged, decode_awaited)


def _forged_field(kind: Any) -> st.SearchStrategy[str]:
    """Text near what a field of this kind looks like on the wire, valid or not."""
    junk = st.one_of(
        st.sampled_from(["", "-", ".", "0", "1", "00", "true"]),
        st.from_regex(r"[0-9a-zA-Z_.-]{0,12}", fullmatch=True),
        st.text(max_size=6),
    )
    near: st.SearchStrategy[str]
    if kind is bool:
        near = st.sampled_from(["0", "1", "2", "01", "10", "-1", "", "True"])
    elif kind is int:
        near = st.one_of(
            st.integers(min_value=-(10**11), max_value=10**11).map(str),
            st.from_regex(r"[0-9]{1,12}", fullmatch=True),
        )
    elif kind is date:
        near = st.one_of(
            st.dates().map(lambda day: f"{day.year:04d}{day.month:02d}{day.day:02d}"),
            st.from_regex(r"[0-9]{7,9}", fullmatch=True),
        )
    elif kind is Ref:
        near = st.from_regex(r"[0-9a-fA-F]{0,10}", fullmatch=True)
    elif kind is Name:
        near = st.from_regex(r"[a-zA-Z0-9_-]{0,34}", fullmatch=True)
    elif _is_enum(kind):
        values = [str(member.value) for member in kind]
        near = st.sampled_from([*values, *(value.upper() for value in values)])
    elif get_origin(kind) is frozenset:
        values = [str(member.value) for member in get_args(kind)[0]]
        near = st.lists(st.sampled_from(values), max_size=len(values) + 1).map(".".join)
    else:
        raise TypeError(f"no forged text for {kind!r}")
    return st.one_of(near, near, junk)


# 5. What encode refuses.


INT_FIELDS = [
    (cls, field.name)
    for cls in ALL_TYPES
    for field, kind in zip(_fields(cls), _kinds(cls), strict=True)
    if kind is int
]


@pytest.mark.parametrize(
    ("cls", "name"), INT_FIELDS, ids=lambda item: getattr(item, "__name__", str(item))
)
@settings(BASE, max_examples=10)
@given(data=st.data(), negative=st.integers(max_value=-1))
def test_encode_refuses_a_negative_number(
    cls: type[Any], name: str, data: st.DataObject, negative: int
) -> None:
    intent = dataclasses.replace(data.draw(registry()[cls]), **{name: negative})
    with pytest.raises(ValueError, match="whole number"):
        encode(intent)


def test_int_fields_are_found() -> None:
    assert (ListSites, "page") in INT_FIELDS
    assert (Reassign, "member") in INT_FIELDS
    assert (AwaitNote, "invite") in INT_FIELDS


@pytest.mark.parametrize(
    "intent",
    [
        ChooseLanguage(Name("a" * 63)),
        ShowCategory(Name("é" * 32)),
        AwaitDate(Name("x" * 60)),
    ],
    ids=lambda intent: type(intent).__name__,
)
def test_encode_refuses_data_over_64_bytes(intent: Intent | Awaited) -> None:
    with pytest.raises(ValueError, match=r"64 bytes|is not a"):
        encode(intent)


def test_a_few_encodings_are_as_documented() -> None:
    assert encode(ShowMenu()) == "m"
    assert encode(ListSites(0)) == "sl:0"
    assert encode(ViewPerson(42)) == "Sv:42"
    assert encode(AnswerConsent(Consent.AGREE)) == "c:yes"
    assert encode(PickAreas(frozenset())) == "pa:-"
    assert encode(SetSharing(frozenset(Area), Duration.MONTH)) == "ps:caf.housing.prefecture:month"
    assert encode(StepTap(Ref("abc123"), Ref("ab12"), StepOp.DONE)) == "fs:abc123:ab12:d"
    assert encode(PickDay(Ref("abc123"), Ref("ab12"), date(2026, 2, 28))) == (
        "fd:abc123:ab12:20260228"
    )
    assert encode(AwaitNote(7)) == "note:7"


def test_union_type_is_flattened() -> None:
    assert isinstance(Intent, UnionType)
    assert len(TAP_TYPES) == len(set(TAP_TYPES))
    assert ShowMenu in TAP_TYPES
    assert StepTap in TAP_TYPES  # nested in FlowIntent
    assert AwaitDate not in TAP_TYPES
