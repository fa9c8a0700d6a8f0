"""Friendly answers to what the bot cannot use: never silence, never a dead end."""

from __future__ import annotations

from enum import StrEnum

from core.i18n import Translator
from core.screens import Button, Screen


class Unusable(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    STICKER = "sticker"
    MEDIA = "media"  # photos, documents, videos
    AUDIO = "audio"  # voice notes, audio, video notes
    PLACE = "place"  # locations, venues, contacts
    EDIT = "edit"
    OTHER = "other"


def unusable(t: Translator, kind: Unusable) -> Screen:
    texts = {
        Unusable.TEXT: t._(
            "Je ne sais pas encore lire les messages écrits. Choisissez avec les boutons 👇"
        ),
        Unusable.COMMAND: t._("Je ne connais pas cette commande. Voici le menu 👇"),
        Unusable.STICKER: t._("😊 Merci ! Voici le menu 👇"),
        Unusable.MEDIA: t._(
            "Je ne regarde pas les photos ni les fichiers, et je ne les garde pas. "
            "Pour vos documents, la personne qui vous accompagne peut vous aider."
        ),
        Unusable.AUDIO: t._(
            "Je ne peux pas écouter les messages vocaux. "
            "Utilisez les boutons 👇, ou /aide pour parler à une personne."
        ),
        Unusable.PLACE: t._("Je n'utilise pas cette information et je ne la garde pas."),
        Unusable.EDIT: t._(
            "Vous avez modifié un message. Je lis seulement les nouveaux messages : "
            "renvoyez-le si besoin."
        ),
        Unusable.OTHER: t._("Je ne peux pas utiliser ce message. Voici le menu 👇"),
    }
    return Screen(texts[kind])


def private_only(t: Translator, bot_username: str) -> Screen:
    """In a group, say where to talk, and nothing about anyone."""
    return Screen(
        t._(
            "Je réponds seulement en conversation privée, pour protéger vos informations. "
            "Écrivez-moi directement."
        ),
        ((Button(t.label("Écrire à Alliance"), url=f"https://t.me/{bot_username}"),),),
    )


def onboarding_first(t: Translator) -> Screen:
    return Screen(t._("Pour continuer, choisissez avec les boutons ci-dessous 👇"))
