"""What Alliance holds about the person, and erasing it."""

from __future__ import annotations

from datetime import datetime

from core.actions import Action, Erase, encode
from core.i18n import Translator
from core.languages import language
from core.screens import Button, Screen, column
from screens.home import back_to_menu


def my_data(t: Translator, language_code: str, agreed_at: datetime | None) -> Screen:
    lines = [
        t._("<b>Ce que je garde sur vous</b>"),
        t._("• Votre identifiant Telegram (pas votre numéro de téléphone)"),
        t._("• Votre langue : {language}", language=language(language_code).native_name),
    ]
    if agreed_at is not None:
        lines.append(
            t._("• Votre accord, donné le {date}", date=t.day(agreed_at.astimezone(t.zone)))
        )
    lines.append(t._("Personne d'autre ne voit ces informations sans votre accord."))
    return Screen(
        "\n".join(lines),
        column(
            Button(t._("🗑 Tout effacer"), encode(Action.ERASE, Erase.ASK)),
            back_to_menu(t),
        ),
    )


def confirm_erase(t: Translator) -> Screen:
    return Screen(
        t._(
            "Voulez-vous vraiment tout effacer ?\n"
            "Je supprimerai votre langue, votre accord et tout ce que vous avez fait ici. "
            "On ne pourra pas revenir en arrière."
        ),
        column(
            Button(t._("🗑 Oui, tout effacer"), encode(Action.ERASE, Erase.CONFIRM)),
            Button(t._("↩️ Non, garder mes données"), encode(Action.ERASE, Erase.CANCEL)),
        ),
    )


def erased(t: Translator) -> Screen:
    return Screen(t._("C'est fait : tout est effacé. Si vous voulez revenir, écrivez /start."))


def nothing_held(t: Translator) -> Screen:
    return Screen(t._("Je n'ai aucune donnée sur vous. Pour commencer, écrivez /start."))


def kept(t: Translator) -> Screen:
    return Screen(t._("Rien n'a été effacé."))
