"""Sharing grants, site search and quiet hours: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.quiet_hours import is_quiet
from core.sharing import (
    ALL_AREAS,
    Area,
    Duration,
    Grant,
    decode_areas,
    encode_areas,
    expiry,
    needs_reminder,
)
from core.sites import SiteSummary, normalise, search

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_a_grant_shows_nothing_once_ended() -> None:
    grant = Grant(frozenset({Area.CAF}), NOW + timedelta(days=1))
    assert grant.visible(NOW) == {Area.CAF}
    assert grant.visible(NOW + timedelta(days=1)) == frozenset()
    assert Grant(ALL_AREAS, None).visible(NOW + timedelta(days=9999)) == ALL_AREAS


def test_durations_and_encoding() -> None:
    assert expiry(Duration.DAY, NOW) == NOW + timedelta(days=1)
    assert expiry(Duration.UNTIL_CHANGED, NOW) is None
    for areas in (frozenset(), ALL_AREAS, frozenset({Area.HOUSING, Area.CAF})):
        assert decode_areas(encode_areas(areas)) == areas
    assert decode_areas("caf,bogus") == {Area.CAF}


def test_a_reminder_comes_once_shortly_before_the_end() -> None:
    ends = NOW + timedelta(days=2)
    grant = Grant(frozenset({Area.CAF}), ends)
    assert needs_reminder(grant, reminded=False, now=NOW)
    assert not needs_reminder(grant, reminded=True, now=NOW)
    assert not needs_reminder(grant, reminded=False, now=NOW - timedelta(days=5))
    assert not needs_reminder(Grant(frozenset(), ends), reminded=False, now=NOW)


def test_sites_are_found_by_town_words_or_postcode_prefix() -> None:
    sites = [
        SiteSummary(1, "CCAS", "Saint-Étienne", "42000"),
        SiteSummary(2, "France Services", "Saint-Denis", "97400"),
    ]
    assert normalise("  Sainte-Élise ") == "sainte elise"
    assert [s.id for s in search(sites, "saint etienne")] == [1]
    assert [s.id for s in search(sites, "974")] == [2]
    assert [s.id for s in search(sites, "SAINT")] == [1, 2]
    assert search(sites, "   ") == []


def test_quiet_hours_follow_the_sites_zone() -> None:
    paris, reunion = ZoneInfo("Europe/Paris"), ZoneInfo("Indian/Reunion")
    evening_utc = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 18:30 Paris, 21:30 Réunion
    assert not is_quiet(evening_utc, paris)
    assert is_quiet(evening_utc, reunion)
    assert is_quiet(datetime(2026, 11, 25, 6, 59, tzinfo=UTC), paris)  # 07:59 Paris
    assert not is_quiet(datetime(2026, 11, 25, 7, 0, tzinfo=UTC), paris)
