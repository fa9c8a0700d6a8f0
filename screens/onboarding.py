"""Welcome, language choice and consent."""

from __future__ import annotations

from core.i18n import Translator
from core.intents import AnswerConsent, ChooseLanguage, Consent, Name
from core.invites import InviteStatus
from core.languages import LANGUAGES
from core.onboarding import Stage
from core.screens import Button, Label, Screen, column
from core.sites import Contact


def welcome(t: Translator) -> Screen:
    return Screen(
        t._(
            "👋 Bonjour, je suis <b>Alliance</b>.\n"
            "Je vous aide pas à pas dans vos démarches (CAF, préfecture) "
            "et pour vos rendez-vous avec la personne qui vous accompagne.\n"
            "Vous décidez à chaque étape. Une personne peut toujours vous aider."
        )
    )


def language_picker(t: Translator, current: str) -> Screen:
    """Native names, so a person finds their language without reading the others."""
    buttons = column(
        *(
            Button(
                Label(("✓ " if language.code == current else "") + language.native_name),
                ChooseLanguage(Name(language.code)),
            )
            for language in LANGUAGES
        )
    )
    return Screen(t._("Dans quelle langue voulez-vous continuer ?"), buttons)


def language_chosen(t: Translator) -> Screen:
    return Screen(t._("C'est noté : je vous parle maintenant en français."))


def consent(t: Translator) -> Screen:
    return Screen(
        t._(
            "<b>Avant de commencer</b>\n"
            "• Ce que je garde : votre identifiant Telegram (pas votre numéro de téléphone), "
            "votre langue et vos choix dans ce bot.\n"
            "• Qui peut le voir : vous. La personne qui vous accompagne voit seulement "
            "ce que vous choisissez de partager.\n"
            "• Pour tout effacer : écrivez /effacer, à tout moment.\n"
            "Êtes-vous d'accord ?"
        ),
        _consent_buttons(t),
    )


def consent_details(t: Translator) -> Screen:
    return Screen(
        t._(
            "<b>Vos données, en détail</b>\n"
            "• Je garde votre identifiant Telegram, votre langue, la date de votre accord "
            "et vos étapes de démarches.\n"
            "• Je ne garde pas vos messages, vos photos ni vos documents. "
            "Ne m'envoyez jamais de mot de passe ni de code.\n"
            "• Les personnes qui vous accompagnent voient seulement ce que vous partagez.\n"
            "• Je ne transmets rien à la CAF ni à la préfecture.\n"
            "• /effacer supprime tout, à tout moment.\n"
            "• Si vous refusez, je ne garde rien sur vous."
        ),
        _consent_buttons(t),
    )


def agreed(t: Translator) -> Screen:
    return Screen(t._("Merci pour votre confiance. Voici ce que je peux faire pour vous."))


def refused(t: Translator) -> Screen:
    return Screen(
        t._(
            "D'accord. Je n'ai rien gardé sur vous.\n"
            "Si vous changez d'avis, écrivez /start.\n"
            "Pour avoir de l'aide sans ce bot : votre CCAS, votre mairie ou une "
            "France Services près de chez vous."
        )
    )


def invite_notice(t: Translator, status: InviteStatus, by: Contact | None = None) -> Screen:
    """Never a dead end: a bad link is explained, and onboarding goes on. A referent's
    valid link says who follows the person and what that person can see."""
    if status is InviteStatus.VALID and by is not None:
        return Screen(_accompanied(t, by))
    texts = {
        InviteStatus.VALID: t._("Votre lien d'invitation est bien reçu."),
        InviteStatus.UNKNOWN: t._(
            "Je ne reconnais pas ce lien d'invitation. Ce n'est pas grave : "
            "on continue, et la personne qui vous accompagne pourra vous relier plus tard."
        ),
        InviteStatus.EXPIRED: t._(
            "Ce lien d'invitation a expiré. Ce n'est pas grave : on continue. "
            "Vous pourrez demander un nouveau lien à la personne qui vous accompagne."
        ),
        InviteStatus.USED: t._(
            "Ce lien d'invitation a déjà servi. Ce n'est pas grave : on continue. "
            "Vous pourrez demander un nouveau lien à la personne qui vous accompagne."
        ),
    }
    return Screen(texts[status])


def _accompanied(t: Translator, by: Contact) -> str:
    """ "Julien, CCAS de Rezé, vous accompagne", and what they see (as /partage says)."""
    if by.referent and by.site:
        who = t._(
            "Votre lien est bien reçu : <b>{name}</b>, {site}, vous accompagne.",
            name=by.referent,
            site=by.site,
        )
    elif by.site:
        return t._("Votre lien est bien reçu : l'équipe de {site} vous accompagne.", site=by.site)
    elif by.referent:
        who = t._("Votre lien est bien reçu : <b>{name}</b> vous accompagne.", name=by.referent)
    else:
        return t._("Votre lien d'invitation est bien reçu.")
    sees = t._(
        "{name} et les responsables de la structure voient la date de votre dernier "
        "passage ici et vos demandes d'aide. "
        "Vos démarches : seulement celles que vous choisissez de partager (/partage).",
        name=by.referent,
    )
    return f"{who}\n{sees}"


def resume(t: Translator, stage: Stage, language: str) -> Screen:
    """Where onboarding stands, asked again after a pause, a restart or a stray message."""
    if stage is Stage.LANGUAGE:
        return language_picker(t, language)
    return consent(t)


def _consent_buttons(t: Translator) -> tuple[tuple[Button, ...], ...]:
    return column(
        Button(t.label("✅ J'accepte"), AnswerConsent(Consent.AGREE)),
        Button(t.label("ℹ️ En savoir plus"), AnswerConsent(Consent.MORE)),
        Button(t.label("❌ Non merci"), AnswerConsent(Consent.REFUSE)),
    )
