"""Sites: the regions whose public holidays apply, and finding a site by town or postcode."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Public-holiday calendars differ: Alsace-Moselle and each overseas département have their own.
HOLIDAY_REGIONS = (
    "metropole",
    "alsace-moselle",
    "guadeloupe",
    "martinique",
    "guyane",
    "reunion",
    "mayotte",
    "saint-barthelemy",
    "saint-martin",
    "saint-pierre-et-miquelon",
    "wallis-et-futuna",
    "polynesie-francaise",
    "nouvelle-caledonie",
)
MEETING_KINDS = ("office", "phone", "video", "outside")


@dataclass(frozen=True)
class SiteSummary:
    id: int
    name: str
    town: str | None
    postcode: str | None


def normalise(text: str) -> str:
    """Lower case without accents, so "Sainte-Étienne" is found by "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").replace("'", " ").split())


def search(sites: list[SiteSummary], query: str) -> list[SiteSummary]:
    """Sites whose postcode starts with the digits typed, or whose town or name holds the words."""
    wanted = normalise(query)
    if not wanted:
        return []
    if wanted.isdigit():
        return [s for s in sites if s.postcode and s.postcode.startswith(wanted)]
    return [
        s
        for s in sites
        if all(word in normalise(f"{s.town or ''} {s.name}") for word in wanted.split())
    ]
