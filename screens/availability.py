"""A staff member's receiving times, set with buttons (/dispos): no syntax to remember.

A weekly window is chosen in four taps (day, start, end, place); days off in two (the
first and the last day). Each line is a button that removes it.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import assert_never

from core.i18n import N_, Translator
from core.intents import (
    AddAbsence,
    AddWindow,
    RemoveAvailability,
    SetNotifyLevel,
    ShowAgenda,
    ShowAvailability,
)
from core.meetings import NotifyLevel
from core.screens import Button, Label, Screen, column
from screens.meetings import where
from screens.staff import back as back_to_staff
from services.availability import MyAvailability, Refused

FIRST_HOUR, LAST_HOUR = 7, 20  # the times offered for a window, on the half hour
ABSENCE_DAYS = 35  # days offered for days off: five weeks from today
WEEKDAY = "EEEE"  # "lundi"
DAY = "EEE d MMM"  # "lun. 7 déc."


def availability(t: Translator, mine: MyAvailability) -> Screen:
    lines = [t._("<b>🕒 Mes disponibilités</b>")]
    if not mine.windows:
        lines.append(t._("Aucun créneau : les personnes ne peuvent pas encore réserver."))
    else:
        lines.append(t._("Touchez un créneau pour le retirer."))
    buttons = [
        Button(
            Label(f"🗑 {_weekday(t, w.weekday)} {_span(t, w.start, w.end)} · {w.place}"[:64]),
            RemoveAvailability(w.id, False),
        )
        for w in mine.windows
    ]
    buttons += [
        Button(
            t.label(
                "🗑 Absence : {first} → {last}", first=t.day(a.first, DAY), last=t.day(a.last, DAY)
            ),
            RemoveAvailability(a.id, False),
        )
        for a in mine.absences
    ]
    buttons.append(Button(t.label("➕ Ajouter un créneau"), AddWindow(0, 0, 0, 0)))
    buttons.append(Button(t.label("🌴 Ajouter une absence"), AddAbsence(mine.today, 0, 0)))
    buttons.append(Button(t.label("🗓 Agenda"), ShowAgenda(0)))
    buttons.append(back_to_staff(t))
    return Screen("\n".join(lines), column(*buttons))


def add_window(t: Translator, tap: AddWindow, mine: MyAvailability) -> Screen:
    """The next question of the window: day, start, end, then place."""
    back = Button(t.label("⬅️ Retour"), ShowAvailability())
    if not tap.day:
        days = [Button(Label(_weekday(t, d)), AddWindow(d + 1, 0, 0, 0)) for d in range(6)]
        return Screen(t._("Quel jour ?"), (*_rows(days, 3), (back,)))
    if not tap.start:
        starts = [
            Button(Label(_clock(at)), AddWindow(tap.day, _minutes(at), 0, 0))
            for at in _half_hours(time(FIRST_HOUR), time(LAST_HOUR - 1))
        ]
        question = t._("{day} : à partir de quelle heure ?", day=_weekday(t, tap.day - 1))
        return Screen(question, (*_rows(starts, 4), (back,)))
    start = _time(tap.start)
    if not tap.end:
        ends = [
            Button(Label(_clock(at)), AddWindow(tap.day, tap.start, _minutes(at), 0))
            for at in _half_hours(_after(start), time(LAST_HOUR))
        ]
        question = t._(
            "{day}, de {start} : jusqu'à quelle heure ?",
            day=_weekday(t, tap.day - 1),
            start=_clock(start),
        )
        return Screen(question, (*_rows(ends, 4), (back,)))
    places = [
        Button(Label(where(t, p.mode, p.label)[:60]), AddWindow(tap.day, tap.start, tap.end, p.id))
        for p in mine.places
    ]
    question = t._(
        "{day}, {start}–{end} : où recevez-vous ?",
        day=_weekday(t, tap.day - 1),
        start=_clock(start),
        end=_clock(_time(tap.end)),
    )
    return Screen(question, column(*places, back))


def add_absence(t: Translator, tap: AddAbsence) -> Screen:
    """The first day off, then the last one (from the first)."""
    back = Button(t.label("⬅️ Retour"), ShowAvailability())
    if not tap.first:
        days = [
            Button(Label(t.day(tap.base + timedelta(days=i), DAY)), AddAbsence(tap.base, i + 1, 0))
            for i in range(ABSENCE_DAYS)
        ]
        return Screen(t._("Premier jour d'absence ?"), (*_rows(days, 4), (back,)))
    first = tap.base + timedelta(days=tap.first - 1)
    days = [
        Button(
            Label(t.day(tap.base + timedelta(days=i), DAY)), AddAbsence(tap.base, tap.first, i + 1)
        )
        for i in range(tap.first - 1, tap.first - 1 + ABSENCE_DAYS)
    ]
    question = t._("Absent·e à partir du {day}. Dernier jour ?", day=t.day(first, DAY))
    return Screen(question, (*_rows(days, 4), (back,)))


def confirm_removal(t: Translator, row: int, mine: MyAvailability) -> Screen:
    """Taken out only once confirmed: a stray tap must not close a day of meetings."""
    said = next(
        (
            f"{_weekday(t, w.weekday)} {_span(t, w.start, w.end)} · {w.place}"
            for w in mine.windows
            if w.id == row
        ),
        None,
    ) or next(
        (
            t._("absence : {first} → {last}", first=t.day(a.first, DAY), last=t.day(a.last, DAY))
            for a in mine.absences
            if a.id == row
        ),
        "",
    )
    return Screen(
        t._("Retirer « {what} » ?", what=said),
        column(
            Button(t.label("🗑 Oui, retirer"), RemoveAvailability(row, True)),
            Button(t.label("⬅️ Non"), ShowAvailability()),
        ),
    )


LEVELS = {
    NotifyLevel.ALL: N_("Tout ce qui arrive"),
    NotifyLevel.SOON: N_("Seulement pour aujourd'hui et demain"),
    NotifyLevel.NONE: N_("Rien (je regarde mon agenda)"),
}


def notify_level(t: Translator, level: NotifyLevel) -> Screen:
    """What they are told as it happens. A person's question always reaches them."""
    text = t._(
        "<b>🔔 Ce que je vous signale</b> sur vos rendez-vous (réservés, annulés, réponses "
        "aux rappels). Une personne qui attend votre réponse vous est toujours signalée."
    )
    options = [
        Button(
            Label(("✓ " if choice is level else "") + t.label(LEVELS[choice])),
            SetNotifyLevel(choice),
        )
        for choice in NotifyLevel
    ]
    return Screen(text, column(*options, back_to_staff(t)))


def refused(t: Translator, why: Refused, mine: MyAvailability) -> Screen:
    match why:
        case Refused.OVERLAP:
            note = t._("Ce créneau chevauche un autre créneau du même jour : rien n'a changé.")
        case Refused.INVALID:
            note = t._("Ce choix n'est pas possible : rien n'a changé.")
        case _:
            assert_never(why)
    screen = availability(t, mine)
    return Screen(f"{note}\n\n{screen.text}", screen.buttons)


def absence_day(base: date, offset: int) -> date:
    """The day an `AddAbsence` offset means (1 is `base`)."""
    return base + timedelta(days=offset - 1)


def _weekday(t: Translator, weekday: int) -> str:
    monday = date(2024, 1, 1)  # a Monday: the day's name in the reader's language
    return t.day(monday + timedelta(days=weekday), WEEKDAY)


def _span(t: Translator, start: time, end: time) -> str:
    """From one time to another, said by the language: a bare dash between two times
    reads backwards in a right-to-left line."""
    return t._("{start}–{end}", start=_clock(start), end=_clock(end))


def _half_hours(first: time, last: time) -> list[time]:
    times, minutes = [], _minutes(first)
    while minutes <= _minutes(last):
        times.append(_time(minutes))
        minutes += 30
    return times


def _after(start: time) -> time:
    return _time(_minutes(start) + 30)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _clock(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def _rows(buttons: list[Button], width: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
