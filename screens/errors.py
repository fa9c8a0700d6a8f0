"""When something breaks on our side."""

from __future__ import annotations

from core.i18n import Translator
from core.screens import Screen


def something_went_wrong(t: Translator) -> Screen:
    return Screen(
        t._(
            "Désolé, un problème est survenu de mon côté. Ce n'est pas de votre faute.\n"
            "Réessayez dans un moment, ou écrivez /aide pour joindre une personne."
        )
    )
