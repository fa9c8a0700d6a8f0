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


def one_moment(t: Translator) -> Screen:
    """Said when the bot cannot even take a message in yet (its database is held up):
    silence would read as a dead end."""
    return Screen(
        t._(
            "⏳ Un instant, s'il vous plaît. Je suis un peu lent en ce moment.\n"
            "J'ai bien reçu votre message : je vous réponds dès que possible."
        )
    )
