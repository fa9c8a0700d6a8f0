"""Everything a person or staff member can tap, or is asked to type, as typed values.

One frozen dataclass per intent, with one codec. Screens put intents on buttons; only the
keyboard renderer calls `encode`, and one dispatcher calls `decode_tap` once per button
press, then routes by type. Button data comes back from the client and can be forged or
cut: `decode_tap` returns None for anything this version did not write, and handlers
still re-check on the server what the account may do.

Wire format: `tag` then each field in declaration order, separated by `:`. Fields are
whole numbers (no sign, no leading zero), enum values, dates (`YYYYMMDD`), booleans (`1`
or `0`), sets of enum values (`a.b`, `-` for none) or short references (`[0-9a-f]{4,8}`,
hashes of flow and step ids, which can be long). Telegram allows 64 bytes of data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from enum import Enum, StrEnum
from types import UnionType
from typing import Any, ClassVar, NewType, get_args, get_origin, get_type_hints

from core.access import Role
from core.distress import Concern
from core.handoffs import Outcome, Reason, Who
from core.meetings import MeetingStatus, NotifyLevel, PartOfDay, ReminderAnswer
from core.sharing import Area, Duration
from flows.engine import Mode

MAX_BYTES = 64  # Telegram's limit on callback data
SEPARATOR = ":"

Ref = NewType("Ref", str)
"""A short hash of a flow or step id: button data is too small for the ids themselves."""

_REF = re.compile(r"[0-9a-f]{4,8}")
_WHOLE = re.compile(r"0|[1-9][0-9]{0,9}")
_DAY = re.compile(r"[0-9]{8}")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
Name = NewType("Name", str)
"""A short lower-case code (a language, a flow category, a flow id: flows allow 40)."""


class Consent(StrEnum):
    AGREE = "yes"
    MORE = "more"
    REFUSE = "no"


class EraseChoice(StrEnum):
    ASK = "ask"
    CONFIRM = "yes"
    CANCEL = "no"


class StepOp(StrEnum):
    """What a flow step's own buttons ask, when it needs no value."""

    CONTINUE = "c"
    DONE = "d"
    CANNOT = "x"
    BACK = "b"
    PAUSE = "p"
    STUCK = "s"
    LATER = "l"  # show the "when shall I remind you?" choices
    MONTHS = "m"  # show the month picker
    TYPE_DATE = "t"  # the person will type the date
    WAY = "w"  # show the ways to do the flow (alone, with someone, with the referent)


class InviteFor(StrEnum):
    """Who an invitation is for: a person (referents) or a colleague of a role (admins)."""

    PERSON = "person"
    ADMIN = Role.ADMIN.value
    REFERENT = Role.REFERENT.value
    MEDIATOR = Role.MEDIATOR.value
    PEER = Role.PEER.value


class SitePage(StrEnum):
    """Staff pages that show one site's data (the site is chosen first when several)."""

    TEAM = "team"
    JOURNAL = "journal"
    CHANGES = "changes"
    PERSONS = "persons"
    UNDELIVERED = "undelivered"
    FIGURES = "figures"


class FiguresFile(StrEnum):
    CHART = "chart"
    CSV = "csv"


@dataclass(frozen=True)
class _Intent:
    TAG: ClassVar[str]


# The person's menu and pages.


@dataclass(frozen=True)
class ShowMenu(_Intent):
    TAG: ClassVar[str] = "m"


@dataclass(frozen=True)
class ShowHelp(_Intent):
    TAG: ClassVar[str] = "h"


@dataclass(frozen=True)
class ShowLanguages(_Intent):
    TAG: ClassVar[str] = "ls"


@dataclass(frozen=True)
class ChooseLanguage(_Intent):
    TAG: ClassVar[str] = "l"
    code: Name


@dataclass(frozen=True)
class AnswerConsent(_Intent):
    TAG: ClassVar[str] = "c"
    choice: Consent


@dataclass(frozen=True)
class ShowMyData(_Intent):
    TAG: ClassVar[str] = "d"


@dataclass(frozen=True)
class SendMyDataFile(_Intent):
    """The person asks for the file of their data: offered on /mesdonnees, never pushed."""

    TAG: ClassVar[str] = "df"


@dataclass(frozen=True)
class Erase(_Intent):
    TAG: ClassVar[str] = "e"
    choice: EraseChoice


@dataclass(frozen=True)
class ShowSupport(_Intent):
    TAG: ClassVar[str] = "s"


@dataclass(frozen=True)
class AskAnotherReferent(_Intent):
    TAG: ClassVar[str] = "sr"


@dataclass(frozen=True)
class ListSites(_Intent):
    TAG: ClassVar[str] = "sl"
    page: int


@dataclass(frozen=True)
class PickSite(_Intent):
    TAG: ClassVar[str] = "sp"
    site: int


@dataclass(frozen=True)
class SearchSites(_Intent):
    TAG: ClassVar[str] = "sq"


@dataclass(frozen=True)
class ShowSharing(_Intent):
    TAG: ClassVar[str] = "p"


@dataclass(frozen=True)
class PickAreas(_Intent):
    """The areas ticked so far; tapping an area toggles it."""

    TAG: ClassVar[str] = "pa"
    areas: frozenset[Area]


@dataclass(frozen=True)
class PickDuration(_Intent):
    TAG: ClassVar[str] = "pd"
    areas: frozenset[Area]


@dataclass(frozen=True)
class SetSharing(_Intent):
    TAG: ClassVar[str] = "ps"
    areas: frozenset[Area]
    duration: Duration


# Procedures.


@dataclass(frozen=True)
class ShowCatalog(_Intent):
    TAG: ClassVar[str] = "f"


@dataclass(frozen=True)
class ShowCategory(_Intent):
    TAG: ClassVar[str] = "fc"
    category: Name


@dataclass(frozen=True)
class ShowJourney(_Intent):
    TAG: ClassVar[str] = "j"


@dataclass(frozen=True)
class OpenFlow(_Intent):
    """Start a flow, or resume it where the person left it."""

    TAG: ClassVar[str] = "fo"
    flow: Ref


@dataclass(frozen=True)
class RestartFlow(_Intent):
    TAG: ClassVar[str] = "fr"
    flow: Ref


@dataclass(frozen=True)
class NextRound(_Intent):
    """From a recurring flow's reminder: a new round if the last one is finished, else on
    where the person is."""

    TAG: ClassVar[str] = "fn"
    flow: Ref


@dataclass(frozen=True)
class StepTap(_Intent):
    """A button of the step the person was shown (`step`), which may no longer be theirs."""

    TAG: ClassVar[str] = "fs"
    flow: Ref
    step: Ref
    op: StepOp


@dataclass(frozen=True)
class ChooseWay(_Intent):
    """How the person does the flow: alone, with someone, with their referent."""

    TAG: ClassVar[str] = "fw"
    flow: Ref
    step: Ref
    mode: Mode


@dataclass(frozen=True)
class RemindLater(_Intent):
    TAG: ClassVar[str] = "fl"
    flow: Ref
    step: Ref
    days: int


@dataclass(frozen=True)
class ChooseOption(_Intent):
    TAG: ClassVar[str] = "fp"
    flow: Ref
    step: Ref
    option: int


@dataclass(frozen=True)
class TickItem(_Intent):
    TAG: ClassVar[str] = "ft"
    flow: Ref
    step: Ref
    item: int


@dataclass(frozen=True)
class ShowItemHelp(_Intent):
    """A checklist item's help, shown in the step's message (labels alone keep it short)."""

    TAG: ClassVar[str] = "fh"
    flow: Ref
    step: Ref
    item: int


@dataclass(frozen=True)
class ShowDays(_Intent):
    """The day picker for one month (`month` is its first day)."""

    TAG: ClassVar[str] = "fm"
    flow: Ref
    step: Ref
    month: date


@dataclass(frozen=True)
class PickDay(_Intent):
    TAG: ClassVar[str] = "fd"
    flow: Ref
    step: Ref
    day: date


@dataclass(frozen=True)
class AnswerCheck(_Intent):
    """The answer to "Did it work?" about an earlier step, from a reminder."""

    TAG: ClassVar[str] = "fk"
    flow: Ref
    step: Ref
    worked: bool


# The professional space.


@dataclass(frozen=True)
class StaffHome(_Intent):
    TAG: ClassVar[str] = "S"


@dataclass(frozen=True)
class InviteMenu(_Intent):
    TAG: ClassVar[str] = "Si"


@dataclass(frozen=True)
class InviteWho(_Intent):
    """Invite someone; the site is asked first when the staff member works on several."""

    TAG: ClassVar[str] = "Sw"
    who: InviteFor


@dataclass(frozen=True)
class InviteAt(_Intent):
    TAG: ClassVar[str] = "Sa"
    who: InviteFor
    site: int


@dataclass(frozen=True)
class AddInviteNote(_Intent):
    TAG: ClassVar[str] = "Sn"
    invite: int


@dataclass(frozen=True)
class OpenSitePage(_Intent):
    """A site page; the site is asked first when the staff member works on several."""

    TAG: ClassVar[str] = "So"
    page: SitePage


@dataclass(frozen=True)
class ShowSitePage(_Intent):
    TAG: ClassVar[str] = "Ss"
    page: SitePage
    site: int


@dataclass(frozen=True)
class SendFigures(_Intent):
    """A site's hand-off figures as a chart or a CSV file (admins)."""

    TAG: ClassVar[str] = "Sg"
    site: int
    file: FiguresFile


@dataclass(frozen=True)
class ViewPerson(_Intent):
    TAG: ClassVar[str] = "Sv"
    person: int


@dataclass(frozen=True)
class ConfirmDeactivation(_Intent):
    TAG: ClassVar[str] = "Sd"
    site: int
    member: int


@dataclass(frozen=True)
class Deactivate(_Intent):
    TAG: ClassVar[str] = "SD"
    site: int
    member: int


@dataclass(frozen=True)
class HandleChange(_Intent):
    TAG: ClassVar[str] = "Sc"
    request: int


@dataclass(frozen=True)
class Reassign(_Intent):
    TAG: ClassVar[str] = "Sr"
    request: int
    member: int


@dataclass(frozen=True)
class ShowFlowsAdmin(_Intent):
    TAG: ClassVar[str] = "Sf"


@dataclass(frozen=True)
class ReloadFlows(_Intent):
    """Asks to confirm the reload (an old button with this data asks too)."""

    TAG: ClassVar[str] = "SF"


@dataclass(frozen=True)
class ConfirmReloadFlows(_Intent):
    TAG: ClassVar[str] = "SFy"


@dataclass(frozen=True)
class EditPersonNote(_Intent):
    """The referent will type a new note to recognise a person they follow."""

    TAG: ClassVar[str] = "Se"
    person: int


@dataclass(frozen=True)
class CancelTyping(_Intent):
    """A staff member no longer wants to type what the bot asked for (a note)."""

    TAG: ClassVar[str] = "Sx"


# Meetings: the person books, moves, cancels; the staff member's agenda.


@dataclass(frozen=True)
class ShowMeetings(_Intent):
    """The person's meetings page: what is booked, and booking another."""

    TAG: ClassVar[str] = "rv"


@dataclass(frozen=True)
class PickMeetingKind(_Intent):
    TAG: ClassVar[str] = "rk"
    kind: int
    moving: int  # the meeting being moved, 0 for a new booking


@dataclass(frozen=True)
class ShowSlots(_Intent):
    """Free times for a type at a place; after a time (epoch seconds, 0: the soonest)."""

    TAG: ClassVar[str] = "rs"
    kind: int
    place: int
    after: int
    moving: int


@dataclass(frozen=True)
class AcceptCalls(_Intent):
    """The person agrees to be called on Telegram: phone meetings become possible."""

    TAG: ClassVar[str] = "rq"
    kind: int
    place: int
    moving: int


@dataclass(frozen=True)
class PickSlot(_Intent):
    """A time was chosen: the bot asks to confirm (`BookSlot` books)."""

    TAG: ClassVar[str] = "rp"
    kind: int
    place: int
    staff: int
    start: int  # epoch seconds
    moving: int


@dataclass(frozen=True)
class BookSlot(_Intent):
    TAG: ClassVar[str] = "rb"
    kind: int
    place: int
    staff: int
    start: int
    moving: int


@dataclass(frozen=True)
class OpenMeeting(_Intent):
    TAG: ClassVar[str] = "ro"
    meeting: int


@dataclass(frozen=True)
class CancelMeeting(_Intent):
    TAG: ClassVar[str] = "rc"
    meeting: int
    confirmed: bool


@dataclass(frozen=True)
class SendMeetingFile(_Intent):
    """The meeting's calendar file, on request (it is sent with the confirmation too)."""

    TAG: ClassVar[str] = "rf"
    meeting: int


@dataclass(frozen=True)
class AnswerMeetingReminder(_Intent):
    TAG: ClassVar[str] = "ra"
    meeting: int
    answer: ReminderAnswer


@dataclass(frozen=True)
class SetDiscreet(_Intent):
    """Discreet mode on or off: messages about meetings without place or reason."""

    TAG: ClassVar[str] = "rd"
    on: bool


@dataclass(frozen=True)
class AskOtherTimes(_Intent):
    """None of the times fit: the person ticks days (a bit per day after `base`)."""

    TAG: ClassVar[str] = "rx"
    kind: int
    place: int
    base: date
    days: int
    moving: int


@dataclass(frozen=True)
class SendTimes(_Intent):
    """The days ticked, and the part of the day: sent to the staff member."""

    TAG: ClassVar[str] = "ry"
    kind: int
    place: int
    base: date
    days: int
    part: PartOfDay
    moving: int


@dataclass(frozen=True)
class TakeOffer(_Intent):
    """The person takes the time the staff member offered."""

    TAG: ClassVar[str] = "rt"
    request: int


@dataclass(frozen=True)
class JoinWaiting(_Intent):
    """On (or off) the waiting list for an earlier time than this meeting."""

    TAG: ClassVar[str] = "rw"
    meeting: int
    on: bool


@dataclass(frozen=True)
class TakeEarlier(_Intent):
    TAG: ClassVar[str] = "re"
    entry: int


@dataclass(frozen=True)
class SkipEarlier(_Intent):
    TAG: ClassVar[str] = "rn"
    entry: int


@dataclass(frozen=True)
class ShowWorkshops(_Intent):
    """The site's collective workshops to come."""

    TAG: ClassVar[str] = "wk"


@dataclass(frozen=True)
class OpenWorkshop(_Intent):
    TAG: ClassVar[str] = "wo"
    workshop: int


@dataclass(frozen=True)
class JoinWorkshop(_Intent):
    TAG: ClassVar[str] = "wj"
    workshop: int


@dataclass(frozen=True)
class ShowAgenda(_Intent):
    """The staff member's meetings, a week at a time (0: from today)."""

    TAG: ClassVar[str] = "ag"
    week: int


@dataclass(frozen=True)
class StaffOpenMeeting(_Intent):
    TAG: ClassVar[str] = "am"
    meeting: int


@dataclass(frozen=True)
class MarkMeeting(_Intent):
    TAG: ClassVar[str] = "ak"
    meeting: int
    status: MeetingStatus


@dataclass(frozen=True)
class StaffCancelMeeting(_Intent):
    TAG: ClassVar[str] = "ac"
    meeting: int
    confirmed: bool


@dataclass(frozen=True)
class TalkToSomeone(_Intent):
    """🙋 Parler à quelqu'un: whom the person can ask for (their request, if one is open)."""

    TAG: ClassVar[str] = "hh"


@dataclass(frozen=True)
class AskHuman(_Intent):
    """The person asks for a human: whom, and why (asked, or yes to the human the bot
    offered after messages it could not use)."""

    TAG: ClassVar[str] = "hw"
    who: Who
    reason: Reason


@dataclass(frozen=True)
class AskHumanNow(_Intent):
    """Yes to the human offered after distress: urgent, with the most serious worry the
    bot saw in what the person wrote."""

    TAG: ClassVar[str] = "hd"
    who: Who
    concern: Concern


@dataclass(frozen=True)
class ShowMyRequest(_Intent):
    TAG: ClassVar[str] = "hs"


@dataclass(frozen=True)
class ShareMessages(_Intent):
    """Whether what the person writes reaches those alerted before one of them answers."""

    TAG: ClassVar[str] = "hm"
    handoff: int
    on: bool


@dataclass(frozen=True)
class WithdrawRequest(_Intent):
    """Cancel the request, or end the conversation a human holds."""

    TAG: ClassVar[str] = "hc"
    handoff: int


@dataclass(frozen=True)
class DeclineHuman(_Intent):
    """ "Non merci" to the human the bot offered: the emergency numbers stay."""

    TAG: ClassVar[str] = "hn"


@dataclass(frozen=True)
class ShowAlerts(_Intent):
    """/alertes: the open requests of my sites."""

    TAG: ClassVar[str] = "al"


@dataclass(frozen=True)
class OpenHandoff(_Intent):
    TAG: ClassVar[str] = "ho"
    handoff: int


@dataclass(frozen=True)
class ClaimHandoff(_Intent):
    """ "Je m'en occupe"."""

    TAG: ClassVar[str] = "hk"
    handoff: int


@dataclass(frozen=True)
class PickHandoff(_Intent):
    """ "Répondre": what the holder types next goes to this person."""

    TAG: ClassVar[str] = "hp"
    handoff: int


@dataclass(frozen=True)
class PassHandoff(_Intent):
    """ "Passer à un pair" / "Passer au référent"."""

    TAG: ClassVar[str] = "hx"
    handoff: int
    to: Who


@dataclass(frozen=True)
class CloseHandoff(_Intent):
    """ "Clore": asks the private outcome first."""

    TAG: ClassVar[str] = "hz"
    handoff: int


@dataclass(frozen=True)
class CloseWith(_Intent):
    TAG: ClassVar[str] = "hq"
    handoff: int
    outcome: Outcome


MeetingIntent = (
    ShowMeetings
    | PickMeetingKind
    | ShowSlots
    | AcceptCalls
    | PickSlot
    | BookSlot
    | OpenMeeting
    | CancelMeeting
    | SendMeetingFile
    | AnswerMeetingReminder
    | SetDiscreet
    | AskOtherTimes
    | SendTimes
    | TakeOffer
    | JoinWaiting
    | TakeEarlier
    | SkipEarlier
    | ShowWorkshops
    | OpenWorkshop
    | JoinWorkshop
)


@dataclass(frozen=True)
class AnswerRequest(_Intent):
    """The staff member opens a person's own proposal: times that fit, offer, decline."""

    TAG: ClassVar[str] = "aq"
    request: int


@dataclass(frozen=True)
class AcceptRequest(_Intent):
    TAG: ClassVar[str] = "aa"
    request: int
    start: int  # epoch seconds


@dataclass(frozen=True)
class CounterRequest(_Intent):
    """Another time than the person's days: the staff member's next free times."""

    TAG: ClassVar[str] = "ao"
    request: int
    after: int


@dataclass(frozen=True)
class OfferTime(_Intent):
    TAG: ClassVar[str] = "af"
    request: int
    start: int


@dataclass(frozen=True)
class DeclineRequest(_Intent):
    TAG: ClassVar[str] = "ad"
    request: int


@dataclass(frozen=True)
class ShowAvailability(_Intent):
    """The staff member's own receiving times: weekly windows and absences."""

    TAG: ClassVar[str] = "av"


@dataclass(frozen=True)
class AddWindow(_Intent):
    """A weekly window, chosen step by step: the day (1 is Monday), the start and the end
    (minutes after midnight), the place; 0 for what is not chosen yet."""

    TAG: ClassVar[str] = "aw"
    day: int
    start: int
    end: int
    place: int


@dataclass(frozen=True)
class AddAbsence(_Intent):
    """Days off: the first and the last (days after `base`, 1 is `base`; 0: not chosen)."""

    TAG: ClassVar[str] = "ab"
    base: date
    first: int
    last: int


@dataclass(frozen=True)
class RemoveAvailability(_Intent):
    """A window or days off taken out (asked to confirm first)."""

    TAG: ClassVar[str] = "ar"
    row: int
    confirmed: bool


@dataclass(frozen=True)
class ShowNotifyLevel(_Intent):
    """What the staff member is told about their meetings as it happens."""

    TAG: ClassVar[str] = "nl"


@dataclass(frozen=True)
class SetNotifyLevel(_Intent):
    TAG: ClassVar[str] = "ns"
    level: NotifyLevel


AvailabilityIntent = (
    ShowAvailability
    | AddWindow
    | AddAbsence
    | RemoveAvailability
    | ShowNotifyLevel
    | SetNotifyLevel
)


@dataclass(frozen=True)
class StaffBookFor(_Intent):
    """A staff member books for a person who cannot: the type, the place, then a time
    (0: not chosen yet; `after` pages through their free times)."""

    TAG: ClassVar[str] = "sb"
    person: int
    kind: int
    place: int
    after: int
    moving: int  # the person's meeting being moved, 0 for a new one


@dataclass(frozen=True)
class StaffBookAt(_Intent):
    TAG: ClassVar[str] = "sa"
    person: int
    kind: int
    place: int
    start: int
    moving: int


@dataclass(frozen=True)
class InviteToBook(_Intent):
    """The referent invites a person to choose a meeting (never a summons)."""

    TAG: ClassVar[str] = "si"
    person: int


AgendaIntent = (
    ShowAgenda
    | StaffOpenMeeting
    | MarkMeeting
    | StaffCancelMeeting
    | AnswerRequest
    | AcceptRequest
    | CounterRequest
    | OfferTime
    | DeclineRequest
    | StaffBookFor
    | StaffBookAt
    | InviteToBook
)

FlowIntent = (
    OpenFlow
    | RestartFlow
    | NextRound
    | StepTap
    | ChooseWay
    | RemindLater
    | ChooseOption
    | TickItem
    | ShowItemHelp
    | ShowDays
    | PickDay
    | AnswerCheck
)
SharingIntent = ShowSharing | PickAreas | PickDuration | SetSharing
SiteIntent = ListSites | PickSite | SearchSites
StaffIntent = (
    StaffHome
    | InviteMenu
    | InviteWho
    | InviteAt
    | AddInviteNote
    | OpenSitePage
    | ShowSitePage
    | SendFigures
    | ViewPerson
    | ConfirmDeactivation
    | Deactivate
    | HandleChange
    | Reassign
    | EditPersonNote
    | CancelTyping
)

HandoffIntent = (
    TalkToSomeone
    | AskHuman
    | AskHumanNow
    | ShowMyRequest
    | ShareMessages
    | WithdrawRequest
    | DeclineHuman
)
HandoffStaffIntent = (
    ShowAlerts | OpenHandoff | ClaimHandoff | PickHandoff | PassHandoff | CloseHandoff | CloseWith
)

Intent = (
    ShowMenu
    | ShowHelp
    | ShowLanguages
    | ChooseLanguage
    | AnswerConsent
    | ShowMyData
    | SendMyDataFile
    | Erase
    | ShowSupport
    | AskAnotherReferent
    | SiteIntent
    | SharingIntent
    | ShowCatalog
    | ShowCategory
    | ShowJourney
    | FlowIntent
    | StaffIntent
    | ShowFlowsAdmin
    | ReloadFlows
    | ConfirmReloadFlows
    | MeetingIntent
    | AgendaIntent
    | AvailabilityIntent
    | HandoffIntent
    | HandoffStaffIntent
)
"""Everything that can be on a button."""


# What the bot asked someone to type: stored on the account, answered by one text handler.


@dataclass(frozen=True)
class AwaitDate(_Intent):
    """A date for the step the person is on in `flow` (a flow id)."""

    TAG: ClassVar[str] = "date"
    flow: Name


@dataclass(frozen=True)
class AwaitNote(_Intent):
    """A referent's note to recognise the person an invite is for."""

    TAG: ClassVar[str] = "note"
    invite: int


@dataclass(frozen=True)
class AwaitPersonNote(_Intent):
    """A referent's new note to recognise a person they follow."""

    TAG: ClassVar[str] = "pnote"
    person: int


@dataclass(frozen=True)
class AwaitSiteSearch(_Intent):
    """A town or a postcode, to find the person's site."""

    TAG: ClassVar[str] = "site_search"


Awaited = AwaitDate | AwaitNote | AwaitPersonNote | AwaitSiteSearch


def encode(intent: Intent | Awaited) -> str:
    """The wire form; ValueError when it would not fit Telegram's 64 bytes."""
    kinds = _field_kinds(type(intent))
    values = [getattr(intent, f.name) for f in fields(intent)]
    parts = [
        intent.TAG,
        *(_encode_field(kind, value) for kind, value in zip(kinds, values, strict=True)),
    ]
    data = SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"{type(intent).__name__} encodes to over {MAX_BYTES} bytes")
    return data


def decode_tap(data: str | None) -> Intent | None:
    """The intent a button carried; None for anything this version did not write."""
    return _decode(data, _TAPS)  # type: ignore[return-value]  # _TAPS: exactly Intent's classes


def decode_awaited(data: str | None) -> Awaited | None:
    return _decode(data, _AWAITED)  # type: ignore[return-value]  # exactly Awaited's classes


def intent_types(union: UnionType) -> tuple[type[_Intent], ...]:
    """The classes of an intent union, flattened (for registries and tests)."""
    found: list[type[_Intent]] = []
    for member in get_args(union):
        if isinstance(member, UnionType):
            found += intent_types(member)
        else:
            found.append(member)
    return tuple(found)


def _by_tag(union: UnionType) -> dict[str, type[_Intent]]:
    table: dict[str, type[_Intent]] = {}
    for cls in intent_types(union):
        if cls.TAG in table:
            raise TypeError(f"tag {cls.TAG!r} is used by {table[cls.TAG].__name__} too")
        table[cls.TAG] = cls
    return table


_TAPS = _by_tag(Intent)
_AWAITED = _by_tag(Awaited)


def _decode(data: str | None, table: dict[str, type[_Intent]]) -> _Intent | None:
    if not data or len(data) > MAX_BYTES or not data.isascii():
        return None  # everything this version writes is ASCII
    tag, *parts = data.split(SEPARATOR)
    cls = table.get(tag)
    if cls is None:
        return None
    kinds = _field_kinds(cls)
    if len(parts) != len(kinds):
        return None
    try:
        values = [_decode_field(kind, part) for kind, part in zip(kinds, parts, strict=True)]
    except ValueError:
        return None
    return cls(*values)


_KINDS: dict[type[_Intent], tuple[Any, ...]] = {}


def _field_kinds(cls: type[_Intent]) -> tuple[Any, ...]:
    """Each field's declared type, resolved once per class."""
    if cls not in _KINDS:
        hints = get_type_hints(cls)
        _KINDS[cls] = tuple(hints[f.name] for f in fields(cls))
    return _KINDS[cls]


def _encode_field(kind: Any, value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, int):
        if not _WHOLE.fullmatch(str(value)):
            raise ValueError(f"{value} is not a whole number of at most 10 digits")
        return str(value)
    if isinstance(value, date):
        return f"{value.year:04d}{value.month:02d}{value.day:02d}"
    if isinstance(value, frozenset):
        return ".".join(sorted(str(member.value) for member in value)) or "-"
    if isinstance(value, str):
        pattern = _REF if kind is Ref else _NAME
        if not pattern.fullmatch(value):  # it could never be decoded
            raise ValueError(f"{value!r} is not a {getattr(kind, '__name__', kind)}")
        return value
    raise TypeError(f"no wire form for {type(value).__name__}")


def _decode_field(kind: Any, text: str) -> object:
    if kind is bool:
        if text not in {"0", "1"}:
            raise ValueError(text)
        return text == "1"
    if kind is int:
        if not _WHOLE.fullmatch(text):
            raise ValueError(text)
        return int(text)
    if kind is date:
        if not _DAY.fullmatch(text):
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if kind is Ref:
        if not _REF.fullmatch(text):
            raise ValueError(text)
        return Ref(text)
    if kind is Name:
        if not _NAME.fullmatch(text):
            raise ValueError(text)
        return Name(text)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(text)
    if get_origin(kind) is frozenset:
        (member,) = get_args(kind)
        if text == "-":
            return frozenset()
        values = text.split(".")
        if values != sorted(set(values)):  # the one order `encode` writes
            raise ValueError(text)
        return frozenset(member(value) for value in values)
    raise TypeError(f"no wire form for {kind!r}")
