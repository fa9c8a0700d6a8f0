"""The emergency numbers shown when a message holds a distress signal (`core.distress`),
before anything else the bot says.

One short line per number: what it is for, in plain words, so a person who reads little
knows which one to call. The facts are those of `shared/domain/procedures.md` ("Emergency
numbers"); a fact the file does not mark as sure is not said here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_never

from core.distress import Number
from core.i18n import Translator


def emergency_lines(t: Translator, numbers: Sequence[Number]) -> list[str]:
    """One line per number, in the order given (`core.distress.numbers_for` puts the most
    urgent first). The number is a parameter, so no translation can change its digits."""
    return [_line(t, number) for number in numbers]


def _line(t: Translator, number: Number) -> str:
    # Every number has its case: mypy --strict fails on a forgotten one (assert_never).
    match number:
        case Number.SUICIDE_3114:
            return t._(
                "📞 {number} : si vous pensez au suicide, ou pour un proche. "
                "Gratuit, jour et nuit.",
                number=number.value,
            )
        case Number.SAMU_15:
            return t._(
                "📞 {number} : le SAMU, pour une urgence médicale. Gratuit, jour et nuit.",
                number=number.value,
            )
        case Number.EUROPE_112:
            return t._(
                "📞 {number} : toute urgence, on vous passe le bon service. Gratuit, jour et nuit.",
                number=number.value,
            )
        case Number.POLICE_17:
            return t._(
                "📞 {number} : police ou gendarmerie, si vous êtes en danger maintenant. "
                "Gratuit, jour et nuit.",
                number=number.value,
            )
        case Number.SMS_114:
            return t._(
                "💬 {number} : par SMS, si vous ne pouvez pas parler "
                "(par exemple si l'agresseur est à côté). Gratuit, jour et nuit.",
                number=number.value,
            )
        case Number.VIOLENCE_3919:
            return t._(
                "📞 {number} : violences faites aux femmes, pour vous ou pour une proche. "
                "Gratuit, anonyme, jour et nuit. Ne s'affiche pas sur la facture.",
                number=number.value,
            )
        case Number.CHILD_119:
            return t._(
                "📞 {number} : un enfant en danger, ou si vous êtes inquiet pour un enfant. "
                "Gratuit, jour et nuit. Ne s'affiche pas sur la facture.",
                number=number.value,
            )
        case Number.SHELTER_115:
            return t._(
                "📞 {number} : un abri pour cette nuit, aussi pour fuir des violences. "
                "Gratuit, même sans crédit, avec un interprète si besoin. "
                "Souvent occupé : rappelez.",
                number=number.value,
            )
        case _:
            assert_never(number)
