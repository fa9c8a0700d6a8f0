"""Sites: the regions whose public holidays apply, finding a site by town or postcode, and
the human a person can reach (their site's address, hours and phone, their referent)."""

from __future__ import annotations

import re
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
PHONE_LENGTH = 40
_PHONE_CHARACTERS = re.compile(r"[0-9 +().-]+")
_CIVILITIES = {"m", "m.", "mme", "mme.", "mlle", "mlle.", "dr", "dr.", "me", "me."}


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


@dataclass(frozen=True)
class Contact:
    """Whom a person can call or go and see: shown on every screen that points to a human
    (Mon accompagnement, the help page, "Je bloque"). Everything is optional: a person may
    have no site, and a site may not have given its phone or address yet."""

    referent: str | None = None  # the referent's first name, as persons see it
    site: str | None = None
    address: str | None = None  # street, postcode and town, on one line
    hours: str | None = None
    phone: str | None = None

    @property
    def reachable(self) -> bool:
        """A phone to call or an address to go to: something a person can act on."""
        return bool(self.phone or self.address)


def first_name(display_name: str) -> str:
    """The first word of the name staff chose ("Julien" from "Julien Martin"); the whole
    name when it starts with a civility ("Mme Durand"), which would say nothing alone."""
    words = display_name.split()
    if not words:
        return display_name
    if words[0].casefold() in _CIVILITIES and len(words) > 1:
        return " ".join(words)
    return words[0]


def postal_address(address: str | None, postcode: str | None, town: str | None) -> str | None:
    """ "12 rue de la Paix, 44400 Rezé" from the parts a site gave; None without a street
    line (a town alone tells nobody where to go)."""
    if not address:
        return None
    place = " ".join(part for part in (postcode, town) if part)
    if town and normalise(town) in normalise(address):
        place = ""  # the street line already names the town
    return ", ".join(part for part in (address, place) if part)


def normalise_phone(text: str) -> str | None:
    """The number with single spaces, or None when it is not a phone number (digits,
    spaces, "+", ".", "-" and brackets; 3 to 20 digits, so "115" and "+33 2 40 …" pass)."""
    phone = " ".join(text.split())
    digits = sum(c.isdigit() for c in phone)
    if not _PHONE_CHARACTERS.fullmatch(phone) or not 3 <= digits <= 20:
        return None
    return phone if len(phone) <= PHONE_LENGTH else None
