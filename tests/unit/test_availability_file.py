"""A site's availability file: read into plain values, or every mistake at its line."""

from __future__ import annotations

import textwrap
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core.availability_file
from core.availability_file import (
    AbsenceSpec,
    AvailabilityError,
    AvailabilityFile,
    KindSpec,
    OpeningSpec,
    PlaceSpec,
    WindowSpec,
    parse_availability,
)
from core.meetings import Mode

DISPOS = Path(__file__).resolve().parents[1] / "data" / "dispos"

# Five lines every inline example starts with; what follows is on line 6.
HEAD = """\
places:
  - {key: bureau, mode: office, label: "CCAS de Rezé", timezone: Europe/Paris}
  - {key: telephone, mode: phone, label: "Par téléphone", timezone: Europe/Paris}
meeting_types:
  - {key: premier, name: "Premier rendez-vous", minutes: 60, modes: [office, phone]}
"""


def read(text: str) -> AvailabilityFile:
    return parse_availability(text, "dispos.yaml")


def errors(text: str) -> list[str]:
    with pytest.raises(AvailabilityError) as raised:
        read(text)
    return raised.value.messages


def julien(*lines: str) -> str:
    """HEAD, then one staff member on lines 6 and 7, then `lines` from line 8."""
    return HEAD + 'staff:\n  - who: "Julien Martin"\n' + "".join(f"{line}\n" for line in lines)


# The example file


def example() -> AvailabilityFile:
    text = (DISPOS / "ccas-reze.yaml").read_text(encoding="utf-8")
    return parse_availability(text, "ccas-reze.yaml")


def test_the_example_reads_its_places() -> None:
    places = example().places
    assert [place.key for place in places] == [
        "bureau",
        "antenne-chateau",
        "telephone",
        "visio",
        "domicile",
    ]
    assert places[0] == PlaceSpec(
        "bureau", Mode.OFFICE, "CCAS de Rezé, 12 rue de la République, 44400 Rezé", "Europe/Paris"
    )
    assert [place.mode for place in places[2:]] == [Mode.PHONE, Mode.VIDEO, Mode.HOME]
    assert places[0].zone == ZoneInfo("Europe/Paris")


def test_the_example_reads_its_meeting_types_with_defaults() -> None:
    premier, demarche, visite = example().meeting_types
    assert premier == KindSpec(
        key="premier",
        name="Premier rendez-vous",
        minutes=60,
        modes=frozenset({Mode.OFFICE, Mode.PHONE}),
        notice=timedelta(hours=24),
        horizon=timedelta(weeks=6),
        buffer=timedelta(minutes=15),
        cancel_until=timedelta(hours=4),
        move_until=timedelta(hours=48),
        referent_only=True,
        before_text=(
            "Apportez une pièce d'identité et, si vous l'avez, votre dernier avis d'imposition."
        ),
        after_text="Sonnez à l'interphone « CCAS » : l'accueil est au rez-de-chaussée.",
    )
    assert demarche.modes == {Mode.OFFICE, Mode.PHONE, Mode.VIDEO}
    assert (demarche.notice, demarche.horizon) == (timedelta(hours=4), timedelta(weeks=4))
    assert (demarche.cancel_until, demarche.move_until) == (timedelta(hours=2), timedelta(days=1))
    assert demarche.referent_only is False
    assert demarche.after_text is None
    assert (visite.minutes, visite.buffer) == (90, timedelta(minutes=30))


def test_the_example_reads_its_staff() -> None:
    julien_martin, amina = example().staff
    assert julien_martin.who == "Julien Martin"
    assert julien_martin.line == 55
    assert julien_martin.weekly[0] == WindowSpec("bureau", 0, time(9), time(12))
    assert [window.weekday for window in julien_martin.weekly] == [0, 0, 1, 3, 4]
    assert julien_martin.openings == (OpeningSpec("bureau", date(2026, 12, 12), time(9), time(12)),)
    assert julien_martin.absences == (
        AbsenceSpec(date(2026, 12, 21), date(2027, 1, 3), "leave"),
        AbsenceSpec(date(2026, 11, 19), date(2026, 11, 19), "training"),
    )
    assert (amina.who, amina.line) == ("Amina Benali", 68)
    assert amina.weekly[0] == WindowSpec("bureau", 1, time(13, 30), time(17, 30))


def test_the_example_in_the_documentation_is_a_valid_file() -> None:
    doc = core.availability_file.__doc__ or ""
    block = doc.split("`tests/data/dispos/ccas-reze.yaml`):\n\n", 1)[1].split("\n\n", 1)[0]
    availability = read(textwrap.dedent(block))
    assert [kind.key for kind in availability.meeting_types] == ["premier"]
    assert availability.staff[0].weekly[1] == WindowSpec("telephone", 3, time(14), time(17))


def test_every_mistake_of_a_file_is_reported_at_once_at_its_line() -> None:
    text = (DISPOS / "broken.yaml").read_text(encoding="utf-8")
    with pytest.raises(AvailabilityError) as raised:
        parse_availability(text, "dispos/broken.yaml")
    assert raised.value.messages == [
        "dispos/broken.yaml:4: `mode` `offce` is unknown: did you mean `office`?",
        "dispos/broken.yaml:6: `timezone` `Europe/Pariss` is not a known IANA time zone: "
        "did you mean `Europe/Paris`?",
        "dispos/broken.yaml:11: unknown key `colour` in a place: "
        "expected one of: key, label, mode, timezone",
        "dispos/broken.yaml:12: two places have the key `telephone`",
        "dispos/broken.yaml:19: `minutes` is 50: a meeting lasts a multiple of 15",
        "dispos/broken.yaml:23: `minutes` is 600; it must be between 1 and 480",
        "dispos/broken.yaml:25: `with` `everybody` is unknown: expected one of: anyone, referent",
        "dispos/broken.yaml:26: a meeting type has no `key`",
        "dispos/broken.yaml:33: monday 11:00–13:00 overlaps 09:00–12:00 at line 32",
        "dispos/broken.yaml:34: `day` `funday` is unknown: did you mean `sunday`?",
        "dispos/broken.yaml:35: `from` 09:10 is not on the quarter hour (:00, :15, :30, :45)",
        "dispos/broken.yaml:36: `from` 14:00 is not before `to` 12:00",
        "dispos/broken.yaml:37: `place` `bureaux` is not a place of this file: "
        "did you mean `bureau`?",
        "dispos/broken.yaml:39: `on` should be a date written YYYY-MM-DD that exists, "
        "not `2026-02-30`",
        "dispos/broken.yaml:41: the absence ends (2026-12-20) before it starts (2026-12-21)",
        "dispos/broken.yaml:42: `why` `holiday` is unknown: "
        "expected one of: leave, other, sickness, training",
        "dispos/broken.yaml:43: `julien martin` is already listed at line 30: "
        "write all their times in one entry",
    ]
    assert str(raised.value) == "\n".join(raised.value.messages)


# What the format accepts


def test_a_file_without_staff_is_complete() -> None:
    availability = read(HEAD)
    assert [place.key for place in availability.places] == ["bureau", "telephone"]
    assert [kind.key for kind in availability.meeting_types] == ["premier"]
    assert availability.staff == ()


def test_times_and_dates_need_no_quotes() -> None:
    """YAML 1.1 would read 09:00 as 540 and `on` as true: the file means what it says."""
    availability = read(
        julien(
            "    weekly:",
            "      - {day: monday, from: 09:00, to: 12:00, place: bureau}",
            "    openings:",
            "      - {on: 2026-12-12, from: 9:00, to: 11:45, place: bureau}",
        )
    )
    (member,) = availability.staff
    assert member.weekly == (WindowSpec("bureau", 0, time(9), time(12)),)
    assert member.openings == (OpeningSpec("bureau", date(2026, 12, 12), time(9), time(11, 45)),)


@pytest.mark.parametrize(
    ("day", "weekday"),
    [("monday", 0), ("lundi", 0), ("Mardi", 1), ("WEDNESDAY", 2), ("dimanche", 6)],
)
def test_days_are_english_or_french(day: str, weekday: int) -> None:
    window = f"      - {{day: {day}, from: '14:00', to: '17:00', place: telephone}}"
    (member,) = read(julien("    weekly:", window)).staff
    assert member.weekly[0].weekday == weekday


def test_an_absence_of_one_day_needs_no_end_nor_reason() -> None:
    (member,) = read(julien("    absences:", "      - {from: 2026-12-24}")).staff
    assert member.absences == (AbsenceSpec(date(2026, 12, 24), date(2026, 12, 24), "other"),)


def test_windows_that_touch_do_not_overlap() -> None:
    (member,) = read(
        julien(
            "    weekly:",
            "      - {day: monday, from: '09:00', to: '12:00', place: bureau}",
            "      - {day: monday, from: '12:00', to: '13:00', place: telephone}",
            "      - {day: tuesday, from: '09:00', to: '12:00', place: bureau}",
        )
    ).staff
    assert len(member.weekly) == 3


def test_two_staff_members_may_receive_at_the_same_time() -> None:
    text = HEAD + (
        "staff:\n"
        "  - who: Julien Martin\n"
        "    weekly: [{day: monday, from: '09:00', to: '12:00', place: bureau}]\n"
        "  - who: Amina Benali\n"
        "    weekly: [{day: monday, from: '09:00', to: '12:00', place: bureau}]\n"
    )
    assert [member.who for member in read(text).staff] == ["Julien Martin", "Amina Benali"]


def test_a_meeting_lasts_up_to_eight_hours() -> None:
    text = HEAD.replace("minutes: 60", "minutes: 480")
    assert read(text).meeting_types[0].minutes == 480


# Mistakes, each at its line


def test_not_yaml_is_reported_at_the_line_it_breaks() -> None:
    (message,) = errors("places:\n  - key: bureau\n    mode: [office\nmeeting_types: []\n")
    assert message.startswith("dispos.yaml:4: not valid YAML: ")


def test_a_tab_is_not_yaml() -> None:
    (message,) = errors("places:\n\t- key: bureau\n")
    assert message.startswith("dispos.yaml:2: not valid YAML: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "dispos.yaml:1: the file is empty: write `places:` first"),
        ("# only a comment\n", "dispos.yaml:1: the file is empty: write `places:` first"),
        (
            "Bonjour, voici nos horaires.\n",
            "dispos.yaml:1: the file should be a mapping with `places`, `meeting_types` and "
            "`staff`, not `Bonjour, voici nos horaires.`",
        ),
    ],
)
def test_a_file_that_holds_no_availability(text: str, message: str) -> None:
    assert errors(text) == [message]


def test_missing_sections_and_unknown_keys_are_named() -> None:
    assert errors("place:\n  - key: bureau\n") == [
        "dispos.yaml:1: unknown key `place` in the file: did you mean `places`?",
        "dispos.yaml:1: the file has no `places`",
        "dispos.yaml:1: the file has no `meeting_types`",
    ]


def test_empty_lists_are_refused_where_something_is_needed() -> None:
    assert errors("places: []\nmeeting_types:\n") == [
        "dispos.yaml:1: `places` is empty: add at least one place",
        "dispos.yaml:2: `meeting_types` is empty: add at least one type of meeting",
    ]


def test_missing_fields_are_reported_at_their_entry() -> None:
    text = HEAD + "  - key: suivi\n    name: Suivi\n    minutes: 30\n"
    assert errors(text) == ["dispos.yaml:6: a meeting type has no `modes`"]


def test_a_key_written_twice_in_one_entry() -> None:
    text = HEAD + "  - key: suivi\n    name: Suivi\n    minutes: 30\n    minutes: 45\n"
    assert "dispos.yaml:9: `minutes` appears twice in a meeting type" in errors(text)


def test_duplicate_keys_point_to_the_second() -> None:
    text = HEAD + "  - {key: premier, name: Autre, minutes: 30, modes: [phone]}\n"
    assert errors(text) == ["dispos.yaml:6: two meeting types have the key `premier`"]


def test_an_unknown_time_zone() -> None:
    text = HEAD.replace("timezone: Europe/Paris}", "timezone: Paris}", 1)
    assert errors(text) == [
        "dispos.yaml:2: `timezone` `Paris` is not a known IANA time zone: "
        "e.g. Europe/Paris or Indian/Reunion",
    ]


def test_a_time_zone_is_spelled_exactly() -> None:
    text = HEAD.replace("timezone: Europe/Paris}", "timezone: europe/paris}", 1)
    assert errors(text) == [
        "dispos.yaml:2: `timezone` `europe/paris` is not a known IANA time zone: "
        "did you mean `Europe/Paris`?",
    ]


def test_a_mode_no_place_offers() -> None:
    text = HEAD + "  - {key: visite, name: Visite, minutes: 90, modes: [phone, home]}\n"
    assert errors(text) == [
        "dispos.yaml:6: no place offers the mode `home`: add a place with `mode: home`, "
        "or remove it here",
    ]


def test_a_place_with_an_unreadable_mode_blames_no_meeting_type() -> None:
    """`ofice` was surely the office: saying no place offers it would send the reader to
    the wrong line."""
    text = HEAD.replace("mode: office", "mode: ofice")
    assert errors(text) == ["dispos.yaml:2: `mode` `ofice` is unknown: did you mean `office`?"]


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "`minutes` is 0; it must be between 1 and 480"),
        ("495", "`minutes` is 495; it must be between 1 and 480"),
        ("50", "`minutes` is 50: a meeting lasts a multiple of 15"),
        ("-15", "`minutes` should be a whole number, not `-15`"),
        ("1h", "`minutes` should be a whole number, not `1h`"),
    ],
)
def test_minutes_are_whole_quarters_up_to_eight_hours(minutes: str, message: str) -> None:
    text = HEAD.replace("minutes: 60", f"minutes: {minutes}")
    assert errors(text) == [f"dispos.yaml:5: {message}"]


def test_a_notice_that_reaches_the_horizon_leaves_no_slot() -> None:
    text = HEAD + (
        "  - key: suivi\n"
        "    name: Suivi\n"
        "    minutes: 30\n"
        "    modes: [phone]\n"
        "    horizon_weeks: 1\n"
        "    notice_hours: 168\n"
    )
    assert errors(text) == [
        "dispos.yaml:11: `notice_hours` (168) is not shorter than `horizon_weeks` "
        "(1 weeks, 168 hours): no slot could ever be booked",
    ]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("09:05", "12:00", "dispos.yaml:9: `from` 09:05 is not on the quarter hour"),
        ("09:00", "12:10", "dispos.yaml:9: `to` 12:10 is not on the quarter hour"),
        ("12:00", "12:00", "dispos.yaml:9: `from` 12:00 is not before `to` 12:00"),
        ("9h00", "12:00", "dispos.yaml:9: `from` should be a time written HH:MM, not `9h00`"),
        ("09:00", "24:00", "dispos.yaml:9: `to` should be a time written HH:MM, not `24:00`"),
    ],
)
def test_times_are_on_the_grid_and_in_order(start: str, end: str, message: str) -> None:
    window = f"      - {{day: monday, from: '{start}', to: '{end}', place: bureau}}"
    (found,) = errors(julien("    weekly:", window))
    assert found.startswith(message)


def test_overlapping_windows_of_one_person_even_at_two_places() -> None:
    text = julien(
        "    weekly:",
        "      - {day: monday, from: '09:00', to: '12:00', place: bureau}",
        "      - {day: tuesday, from: '09:00', to: '12:00', place: bureau}",
        "      - {day: lundi, from: '11:45', to: '13:00', place: telephone}",
    )
    assert errors(text) == ["dispos.yaml:11: monday 11:45–13:00 overlaps 09:00–12:00 at line 9"]


def test_overlapping_openings_on_one_day() -> None:
    text = julien(
        "    openings:",
        "      - {on: 2026-12-12, from: '09:00', to: '12:00', place: bureau}",
        "      - {on: 2026-12-12, from: '10:00', to: '11:00', place: telephone}",
        "      - {on: 2026-12-13, from: '10:00', to: '11:00', place: telephone}",
    )
    assert errors(text) == [
        "dispos.yaml:10: 2026-12-12 10:00–11:00 overlaps 09:00–12:00 at line 9",
    ]


def test_a_place_without_key_hides_unknown_place_errors() -> None:
    """The window may name the place whose key is misspelt: the key's error is enough."""
    text = julien(
        "    weekly:",
        "      - {day: monday, from: '09:00', to: '12:00', place: accueil}",
    ).replace("key: bureau", "key: Accueil")
    assert errors(text) == [
        "dispos.yaml:2: `key` `Accueil` is not a valid key: "
        "use lowercase letters, digits, '-' and '_', at most 40",
    ]


def test_a_window_at_an_unknown_place() -> None:
    text = julien(
        "    weekly:",
        "      - {day: monday, from: '09:00', to: '12:00', place: accueil}",
    )
    assert errors(text) == [
        "dispos.yaml:9: `place` `accueil` is not a place of this file: "
        "expected one of: bureau, telephone",
    ]


def test_an_absence_that_ends_before_it_starts() -> None:
    text = julien(
        "    absences:",
        "      - from: 2027-01-03",
        "        to: 2026-12-21",
        "        why: leave",
    )
    assert errors(text) == [
        "dispos.yaml:10: the absence ends (2026-12-21) before it starts (2027-01-03)",
    ]


def test_a_staff_member_without_a_name() -> None:
    text = HEAD + "staff:\n  - weekly: []\n  - who: ''\n"
    assert errors(text) == [
        "dispos.yaml:7: a staff member has no `who`",
        "dispos.yaml:8: `who` is empty",
    ]


def test_a_list_written_as_a_single_value() -> None:
    text = HEAD.replace("modes: [office, phone]", "modes: office")
    assert errors(text) == [
        "dispos.yaml:5: `modes` should be a list (each entry starting with '- '), not `office`",
    ]
