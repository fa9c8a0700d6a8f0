"""A site's availability written by its operator in a YAML file, read into plain values
(the command `bot.py dispos import FILE` stores them).

The file says where the site meets people, which meetings it offers, and when each staff
member receives. Every problem is reported at once, as `file:line: message`, so a whole
file is repaired in one pass. An example (the reference one is
`tests/data/dispos/ccas-reze.yaml`):

    # Availability of the CCAS de Rezé
    places:
      - key: bureau
        mode: office              # office | phone | video | home | outside
        label: "CCAS de Rezé, 12 rue de la République"
        timezone: Europe/Paris    # IANA name: Indian/Reunion, America/Cayenne…
      - key: telephone
        mode: phone
        label: "Par téléphone"
        timezone: Europe/Paris
    meeting_types:
      - key: premier
        name: "Premier rendez-vous"
        minutes: 60               # a multiple of 15, at most 8 hours
        modes: [office, phone]    # each offered by at least one place
        notice_hours: 24          # optional, default 24: the earliest slot is this far
        horizon_weeks: 6          # optional, default 6: the latest slot is this far
        buffer_minutes: 15        # optional, default 0: free time kept around it
        cancel_until_hours: 4     # optional, default 4: a tap cancels until then
        move_until_hours: 48      # optional, default 48: a tap moves until then
        with: referent            # optional, default referent: referent | anyone
        before: "Apportez une pièce d'identité."   # optional, shown before booking
        after: "Sonnez à l'interphone « CCAS »."    # optional, in the confirmation
    staff:                        # optional
      - who: "Julien Martin"      # the staff member's name in the bot
        weekly:                   # every week, in the place's local time
          - {day: monday, from: "09:00", to: "12:00", place: bureau}
          - {day: jeudi, from: "14:00", to: "17:00", place: telephone}
        openings:                 # one-off days
          - {on: 2026-12-12, from: "09:00", to: "12:00", place: bureau}
        absences:                 # whole days, both included; `to` defaults to `from`
          - {from: 2026-12-21, to: 2027-01-03, why: leave}

Days are English or French (`monday` or `lundi`); times are `HH:MM` on the quarter hour
(`core.meetings.GRID`); an absence's `why` is leave, training, sickness or other (default
other). Refused, besides bad values: unknown or repeated keys, missing fields, two places
or two meeting types with one key, a meeting type whose mode no place offers, a notice
as long as the horizon, a `place` the file does not define, and two times of one staff
member that overlap on a day, even at two places.

Keys (`bureau`, `premier`) only tie the file together: the database's ids do not exist
yet, and the caller resolves `who` to a staff member (`StaffSpec.line` lets it report a
name it cannot find at the right line).

The YAML node tree is walked by hand, as `flows.loader` does: each value keeps its line,
and nothing is coerced, so `from: 09:00` is not YAML 1.1's sexagesimal 540 and `on:` is not
a boolean. Pure: the caller reads the file and passes its text and name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo, available_timezones

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from core.meetings import GRID, Mode

LONGEST_MEETING = timedelta(hours=8)
QUARTER = GRID.seconds // 60  # minutes
ABSENCE_REASONS = ("leave", "training", "sickness", "other")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS: Mapping[str, int] = {
    **{day: number for number, day in enumerate(DAYS)},
    **{day: number for number, day in enumerate(JOURS)},
}
MODES: Mapping[str, Mode] = {mode.value: mode for mode in Mode}
WITH: Mapping[str, bool] = {"referent": True, "anyone": False}  # → KindSpec.referent_only
REASONS: Mapping[str, str] = {reason: reason for reason in ABSENCE_REASONS}
YEAR_HOURS = 366 * 24
DELAYS = (  # the optional delays of a meeting type: key, KindSpec field, unit, bounds
    ("notice_hours", "notice", "hours", range(YEAR_HOURS)),
    ("horizon_weeks", "horizon", "weeks", range(1, 53)),
    ("buffer_minutes", "buffer", "minutes", range(241)),
    ("cancel_until_hours", "cancel_until", "hours", range(YEAR_HOURS)),
    ("move_until_hours", "move_until", "hours", range(YEAR_HOURS)),
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TIME_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHOLE_PATTERN = re.compile(r"^[0-9]+$")
NULL_TAG = "tag:yaml.org,2002:null"

FILE_KEYS = ("places", "meeting_types", "staff", "workshops")
FILE_REQUIRED = ("places", "meeting_types")
PLACE_KEYS = ("key", "mode", "label", "timezone")
KIND_REQUIRED = ("key", "name", "minutes", "modes")
KIND_KEYS = (*KIND_REQUIRED, *(delay[0] for delay in DELAYS), "with", "before", "after")
STAFF_KEYS = ("who", "weekly", "openings", "absences")
WINDOW_KEYS = ("day", "from", "to", "place")
OPENING_KEYS = ("on", "from", "to", "place")
WORKSHOP_KEYS = ("key", "name", "on", "from", "to", "place", "capacity")
LARGEST_GROUP = 200
ABSENCE_KEYS = ("from", "to", "why")

T = TypeVar("T")
Entries = dict[str, tuple[ScalarNode, Node]]


# What the file holds


@dataclass(frozen=True)
class PlaceSpec:
    """Where (or how) the site meets people: `core.meetings.Place` before it has an id."""

    key: str
    mode: Mode
    label: str
    zone_name: str  # IANA, checked to exist

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)


@dataclass(frozen=True)
class KindSpec:
    """A type of meeting: `core.meetings.MeetingKind` before it has an id."""

    key: str
    name: str
    minutes: int
    modes: frozenset[Mode]
    notice: timedelta = timedelta(hours=24)
    horizon: timedelta = timedelta(weeks=6)
    buffer: timedelta = timedelta(0)
    cancel_until: timedelta = timedelta(hours=4)
    move_until: timedelta = timedelta(hours=48)
    referent_only: bool = True
    before_text: str | None = None
    after_text: str | None = None


_DEFAULT_KIND = KindSpec("", "", QUARTER, frozenset())


@dataclass(frozen=True)
class WindowSpec:
    """Every week on `weekday` (0 is Monday), from `start` to `end` local time at the place."""

    place_key: str
    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class OpeningSpec:
    """One day `on`, from `start` to `end` local time at the place."""

    place_key: str
    on: date
    start: time
    end: time


@dataclass(frozen=True)
class AbsenceSpec:
    """Whole days from `first` to `last`, both included."""

    first: date
    last: date
    why: str  # one of ABSENCE_REASONS


@dataclass(frozen=True)
class StaffSpec:
    """One staff member's receiving times; `who` is resolved by the caller, who reports an
    unknown name at `line`."""

    who: str
    weekly: tuple[WindowSpec, ...] = ()
    openings: tuple[OpeningSpec, ...] = ()
    absences: tuple[AbsenceSpec, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class WorkshopSpec:
    """A collective workshop: one day, a place, a number of seats."""

    key: str
    name: str
    place_key: str
    on: date
    start: time
    end: time
    capacity: int


@dataclass(frozen=True)
class AvailabilityFile:
    places: tuple[PlaceSpec, ...]
    meeting_types: tuple[KindSpec, ...]
    staff: tuple[StaffSpec, ...]
    workshops: tuple[WorkshopSpec, ...] = ()


class AvailabilityError(Exception):
    """Every problem of the file, each as `file:line: message`, in the file's order."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


def parse_availability(text: str, file_name: str) -> AvailabilityFile:
    """The file's availability, or `AvailabilityError` with all its problems."""
    root = _compose(text, file_name)
    reader = _Reader()
    availability = reader.availability(root)
    if reader.errors:
        ordered = sorted(reader.errors, key=lambda error: error[0])
        raise AvailabilityError([f"{file_name}:{line}: {message}" for line, message in ordered])
    return availability


def _compose(text: str, file_name: str) -> Node:
    """The YAML node tree, or the syntax error at its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "unreadable"
        hint = "check the indentation, and quote texts that hold ': ' or ' #'"
        message = f"{file_name}:{line}: not valid YAML: {problem} ({hint})"
        raise AvailabilityError([message]) from error
    except yaml.YAMLError as error:
        raise AvailabilityError([f"{file_name}:1: not valid YAML: {error}"]) from error
    if root is None:
        raise AvailabilityError([f"{file_name}:1: the file is empty: write `places:` first"])
    return root


# Reading nodes


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _what(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"`{node.value}`"


def _is_null(node: Node) -> bool:
    """`key:` with nothing after it, or `~`, `null` written plainly."""
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG and node.style is None


def _suggest(word: str, choices: Iterable[str], otherwise: str | None = None) -> str:
    """A close choice, else `otherwise`, else every choice."""
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return otherwise or "expected one of: " + ", ".join(ordered)


@cache
def _zone_names() -> frozenset[str]:
    """The IANA names, spelled exactly (a case-insensitive disk would open `europe/paris`
    and the calendar file would carry that spelling)."""
    return frozenset(available_timezones())


def _values(entries: Entries) -> dict[str, Node]:
    return {key: value for key, (_, value) in entries.items()}


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


class _Reader:
    """Collects every error of one file as (line, message). Readers return None on error,
    so one pass finds every problem, and checks between two values are skipped when one
    of them was already reported."""

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []
        self.place_keys: set[str] = set()  # every key read, even of a place with errors
        self.kind_keys: set[str] = set()
        self.offered: set[Mode] = set()  # every mode read, likewise
        self.keys_unsure = False  # a place's key could not be read
        self.modes_unsure = False  # a place's mode could not be read

    def error(self, node: Node, message: str) -> None:
        self.errors.append((_line(node), message))

    # Containers

    def mapping(self, node: Node, what: str) -> Entries:
        if not isinstance(node, MappingNode):
            self.error(node, f"{what} should be a mapping of `key: value`, not {_what(node)}")
            return {}
        entries: Entries = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error(key, f"a key in {what} is not a plain word")
            elif key.value in entries:
                self.error(key, f"`{key.value}` appears twice in {what}")
            else:
                entries[key.value] = (key, value)
        return entries

    def fields(
        self,
        node: Node,
        what: str,
        allowed: Collection[str],
        required: Iterable[str],
    ) -> dict[str, Node]:
        """The mapping's values by key; unknown keys are refused, so a typo fails loudly
        instead of being ignored, and missing ones are named."""
        entries = self.mapping(node, what)
        for key, (key_node, _) in entries.items():
            if key not in allowed:
                self.error(key_node, f"unknown key `{key}` in {what}: {_suggest(key, allowed)}")
        if isinstance(node, MappingNode):
            for key in required:
                if key not in entries:
                    self.error(node, f"{what} has no `{key}`")
        return {key: value for key, value in _values(entries).items() if key in allowed}

    def sequence(self, node: Node | None, what: str) -> list[Node]:
        """An absent or empty (`key:`) list is an empty list."""
        if node is None or _is_null(node):
            return []
        if isinstance(node, SequenceNode):
            return list(node.value)
        self.error(
            node, f"`{what}` should be a list (each entry starting with '- '), not {_what(node)}"
        )
        return []

    # Scalars

    def text(self, node: Node | None, what: str) -> str | None:
        if node is None:
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"`{what}` should be a text, not {_what(node)}")
            return None
        value = str(node.value).strip()
        if not value or _is_null(node):
            self.error(node, f"`{what}` is empty")
            return None
        return value

    def key(self, node: Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if node is not None and value is not None and not KEY_PATTERN.match(value):
            rule = "lowercase letters, digits, '-' and '_', at most 40"
            self.error(node, f"`{what}` `{value}` is not a valid key: use {rule}")
            return None
        return value

    def choice(self, node: Node | None, what: str, choices: Mapping[str, T]) -> T | None:
        value = self.text(node, what)
        if node is None or value is None:
            return None
        if value.lower() not in choices:
            self.error(node, f"`{what}` `{value}` is unknown: {_suggest(value, choices)}")
            return None
        return choices[value.lower()]

    def whole(self, node: Node | None, what: str, within: range) -> int | None:
        value = self.text(node, what)
        if node is None or value is None:
            return None
        if not WHOLE_PATTERN.match(value):
            self.error(node, f"`{what}` should be a whole number, not `{value}`")
            return None
        number = int(value)
        if number not in within:
            bounds = f"between {within.start} and {within.stop - 1}"
            self.error(node, f"`{what}` is {number}; it must be {bounds}")
            return None
        return number

    def clock(self, node: Node | None, what: str) -> time | None:
        """A time of day, `HH:MM`, on the quarter hour: slots start on the grid."""
        value = self.text(node, what)
        if node is None or value is None:
            return None
        match = TIME_PATTERN.match(value)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.error(node, f"`{what}` should be a time written HH:MM, not `{value}`")
            return None
        moment = time(int(match[1]), int(match[2]))
        if moment.minute % QUARTER:
            self.error(node, f"`{what}` {value} is not on the quarter hour (:00, :15, :30, :45)")
            return None
        return moment

    def day(self, node: Node | None, what: str) -> date | None:
        value = self.text(node, what)
        if node is None or value is None:
            return None
        if DATE_PATTERN.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(node, f"`{what}` should be a date written YYYY-MM-DD that exists, not `{value}`")
        return None

    def zone(self, node: Node | None) -> str | None:
        value = self.text(node, "timezone")
        if node is None or value is None:
            return None
        if value not in _zone_names():
            hint = _suggest(value, _zone_names(), "e.g. Europe/Paris or Indian/Reunion")
            self.error(node, f"`timezone` `{value}` is not a known IANA time zone: {hint}")
            return None
        return value

    def span(self, values: Mapping[str, Node], node: Node) -> tuple[time, time] | None:
        """`from` and `to`, the first strictly before the second."""
        start = self.clock(values.get("from"), "from")
        end = self.clock(values.get("to"), "to")
        if start is None or end is None:
            return None
        if start >= end:
            message = f"`from` {_clock(start)} is not before `to` {_clock(end)}"
            self.error(values.get("to", node), message)
            return None
        return start, end

    # The file

    def availability(self, root: Node) -> AvailabilityFile:
        if not isinstance(root, MappingNode):
            what = "a mapping with `places`, `meeting_types` and `staff`"
            self.error(root, f"the file should be {what}, not {_what(root)}")
            return AvailabilityFile((), (), ())
        values = self.fields(root, "the file", FILE_KEYS, FILE_REQUIRED)
        places = self.places(values.get("places"))
        kinds = self.meeting_types(values.get("meeting_types"))
        staff = self.staff(values.get("staff"))
        workshops = self.workshops(values.get("workshops"))
        return AvailabilityFile(places, kinds, staff, workshops)

    # Collective workshops

    def workshops(self, node: Node | None) -> tuple[WorkshopSpec, ...]:
        seen: set[str] = set()
        read = [(item, self.workshop(item)) for item in self.sequence(node, "workshops")]
        return tuple(
            workshop
            for item, workshop in read
            if workshop is not None and self.unique(workshop.key, item, seen, "workshop")
        )

    def workshop(self, node: Node) -> WorkshopSpec | None:
        values = self.fields(node, "a workshop", WORKSHOP_KEYS, WORKSHOP_KEYS)
        key = self.key(values.get("key"), "key")
        name = self.text(values.get("name"), "name")
        on = self.day(values.get("on"), "on")
        span = self.span(values, node)
        place = self.place_key(values.get("place"))
        capacity = self.whole(values.get("capacity"), "capacity", range(1, LARGEST_GROUP + 1))
        if key is None or name is None or on is None or span is None:
            return None
        if place is None or capacity is None:
            return None
        return WorkshopSpec(key, name, place, on, span[0], span[1], capacity)

    # Places

    def places(self, node: Node | None) -> tuple[PlaceSpec, ...]:
        """Read first, whatever the order in the file: meeting types and staff refer to
        them. A place read only in part still lends its key and mode to those checks, and
        they are skipped when some key or mode is unknown, rather than blame the wrong line."""
        self.keys_unsure = self.modes_unsure = not isinstance(node, SequenceNode)
        nodes = self.listed(node, "places", "add at least one place")
        return tuple(place for item in nodes if (place := self.place(item)) is not None)

    def listed(self, node: Node | None, what: str, fix: str) -> list[Node]:
        """A required list, which must hold something."""
        nodes = self.sequence(node, what)
        if node is not None and not nodes and (_is_null(node) or isinstance(node, SequenceNode)):
            self.error(node, f"`{what}` is empty: {fix}")
        return nodes

    def unique(self, key: str | None, node: Node, seen: set[str], what: str) -> bool:
        """Keys tie the file together: two alike would leave the other parts guessing."""
        if key is None:
            return False
        if key in seen:
            self.error(node, f"two {what} have the key `{key}`")
            return False
        seen.add(key)
        return True

    def place(self, node: Node) -> PlaceSpec | None:
        values = self.fields(node, "a place", PLACE_KEYS, PLACE_KEYS)
        key = self.key(values.get("key"), "key")
        mode = self.choice(values.get("mode"), "mode", MODES)
        label = self.text(values.get("label"), "label")
        zone = self.zone(values.get("timezone"))
        self.keys_unsure |= key is None
        self.modes_unsure |= mode is None
        if mode is not None:
            self.offered.add(mode)
        if not self.unique(key, node, self.place_keys, "places"):
            return None
        if key is None or mode is None or label is None or zone is None:
            return None
        return PlaceSpec(key, mode, label, zone)

    # Meeting types

    def meeting_types(self, node: Node | None) -> tuple[KindSpec, ...]:
        nodes = self.listed(node, "meeting_types", "add at least one type of meeting")
        return tuple(kind for item in nodes if (kind := self.meeting_type(item)) is not None)

    def meeting_type(self, node: Node) -> KindSpec | None:
        values = self.fields(node, "a meeting type", KIND_KEYS, KIND_REQUIRED)
        key = self.key(values.get("key"), "key")
        name = self.text(values.get("name"), "name")
        minutes = self.minutes(values.get("minutes"))
        modes = self.modes(values.get("modes"))
        delays = self.delays(values)
        referent_only = self.choice(values.get("with"), "with", WITH)
        before = self.text(values.get("before"), "before")
        after = self.text(values.get("after"), "after")
        if not self.unique(key, node, self.kind_keys, "meeting types"):
            return None
        if key is None or name is None or minutes is None or modes is None or delays is None:
            return None
        return KindSpec(
            key,
            name,
            minutes,
            modes,
            **delays,
            referent_only=referent_only is not False,
            before_text=before,
            after_text=after,
        )

    def minutes(self, node: Node | None) -> int | None:
        """Whole quarters, so a meeting fills the grid's rows exactly (`core.meetings.GRID`)."""
        longest = LONGEST_MEETING.seconds // 60
        minutes = self.whole(node, "minutes", range(1, longest + 1))
        if node is not None and minutes is not None and minutes % QUARTER:
            self.error(node, f"`minutes` is {minutes}: a meeting lasts a multiple of {QUARTER}")
            return None
        return minutes

    def modes(self, node: Node | None) -> frozenset[Mode] | None:
        """Each mode needs a place that offers it: a phone meeting without a phone line
        could be booked and never happen."""
        modes: set[Mode] = set()
        for item in self.listed(node, "modes", "say how it happens, e.g. [office, phone]"):
            mode = self.choice(item, "modes", MODES)
            if mode is None:
                continue
            if mode in modes:
                self.error(item, f"the mode `{mode}` is listed twice")
            elif mode not in self.offered and not self.modes_unsure:
                fix = f"add a place with `mode: {mode}`, or remove it here"
                self.error(item, f"no place offers the mode `{mode}`: {fix}")
            modes.add(mode)
        return frozenset(modes) or None

    def delays(self, values: Mapping[str, Node]) -> dict[str, timedelta] | None:
        """The delays written in the file (the others keep `KindSpec`'s defaults). A notice
        as long as the horizon would leave no slot at all."""
        delays: dict[str, timedelta] = {}
        for key, name, unit, within in DELAYS:
            amount = self.whole(values.get(key), key, within)
            if amount is not None:
                delays[name] = timedelta(**{unit: amount})
        if len(delays) < sum(key in values for key, *_ in DELAYS):
            return None
        notice = delays.get("notice", _DEFAULT_KIND.notice)
        horizon = delays.get("horizon", _DEFAULT_KIND.horizon)
        if notice >= horizon:  # only when notice_hours is written: 24 hours < 1 week
            hours, weeks = notice // timedelta(hours=1), horizon // timedelta(weeks=1)
            horizon_text = f"`horizon_weeks` ({weeks} weeks, {weeks * 7 * 24} hours)"
            message = f"`notice_hours` ({hours}) is not shorter than {horizon_text}"
            self.error(values["notice_hours"], f"{message}: no slot could ever be booked")
            return None
        return delays

    # Staff

    def staff(self, node: Node | None) -> tuple[StaffSpec, ...]:
        found: dict[str, StaffSpec] = {}
        for item in self.sequence(node, "staff"):
            member = self.member(item)
            if member is None:
                continue
            other = found.get(member.who.casefold())
            if other is not None:
                message = f"`{member.who}` is already listed at line {other.line}"
                self.error(item, f"{message}: write all their times in one entry")
            else:
                found[member.who.casefold()] = member
        return tuple(found.values())

    def member(self, node: Node) -> StaffSpec | None:
        values = self.fields(node, "a staff member", STAFF_KEYS, ("who",))
        who = self.text(values.get("who"), "who")
        weekly = self.weekly(values.get("weekly"))
        openings = self.openings(values.get("openings"))
        absences = [
            self.absence(item) for item in self.sequence(values.get("absences"), "absences")
        ]
        if who is None:
            return None
        return StaffSpec(
            who,
            weekly,
            openings,
            tuple(absence for absence in absences if absence is not None),
            line=_line(node),
        )

    def weekly(self, node: Node | None) -> tuple[WindowSpec, ...]:
        read = [(item, self.window(item)) for item in self.sequence(node, "weekly")]
        windows = [(item, window) for item, window in read if window is not None]
        self.no_overlap([(item, DAYS[w.weekday], w.start, w.end) for item, w in windows])
        return tuple(window for _, window in windows)

    def openings(self, node: Node | None) -> tuple[OpeningSpec, ...]:
        read = [(item, self.opening(item)) for item in self.sequence(node, "openings")]
        openings = [(item, opening) for item, opening in read if opening is not None]
        self.no_overlap([(item, str(o.on), o.start, o.end) for item, o in openings])
        return tuple(opening for _, opening in openings)

    def no_overlap(self, spans: Sequence[tuple[Node, str, time, time]]) -> None:
        """One staff member cannot receive twice at once, even at two places: the slot
        search would offer both. Times that touch (12:00 then 12:00) are fine."""
        for index, (node, day, start, end) in enumerate(spans):
            for other, other_day, other_start, other_end in spans[:index]:
                if day == other_day and start < other_end and other_start < end:
                    these = f"{day} {_clock(start)}–{_clock(end)}"
                    those = f"{_clock(other_start)}–{_clock(other_end)}"
                    self.error(node, f"{these} overlaps {those} at line {_line(other)}")
                    break

    def window(self, node: Node) -> WindowSpec | None:
        values = self.fields(node, "a weekly time", WINDOW_KEYS, WINDOW_KEYS)
        weekday = self.choice(values.get("day"), "day", WEEKDAYS)
        span = self.span(values, node)
        place = self.place_key(values.get("place"))
        if weekday is None or span is None or place is None:
            return None
        return WindowSpec(place, weekday, *span)

    def opening(self, node: Node) -> OpeningSpec | None:
        values = self.fields(node, "an opening", OPENING_KEYS, OPENING_KEYS)
        on = self.day(values.get("on"), "on")
        span = self.span(values, node)
        place = self.place_key(values.get("place"))
        if on is None or span is None or place is None:
            return None
        return OpeningSpec(place, on, *span)

    def place_key(self, node: Node | None) -> str | None:
        key = self.text(node, "place")
        if node is None or key is None:
            return None
        if key not in self.place_keys and not self.keys_unsure:
            none = None if self.place_keys else "the file has no place yet"
            hint = _suggest(key, self.place_keys, none)
            self.error(node, f"`place` `{key}` is not a place of this file: {hint}")
            return None
        return key

    def absence(self, node: Node) -> AbsenceSpec | None:
        values = self.fields(node, "an absence", ABSENCE_KEYS, ("from",))
        first = self.day(values.get("from"), "from")
        last = self.day(values["to"], "to") if "to" in values else first
        why = self.choice(values.get("why"), "why", REASONS) if "why" in values else "other"
        if first is None or last is None or why is None:
            return None
        if last < first:
            self.error(values["to"], f"the absence ends ({last}) before it starts ({first})")
            return None
        return AbsenceSpec(first, last, why)
