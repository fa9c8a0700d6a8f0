"""What Alliance holds about the person, and erasing it."""

from __future__ import annotations

from datetime import datetime

from core.i18n import N_, Translator
from core.intents import Erase, EraseChoice, SendMyDataFile
from core.languages import language
from core.screens import Button, Screen, column
from core.sharing import ALL_AREAS, Area
from screens.home import back_to_menu
from services.privacy import PersonExport, Sharing

# Short on purpose: the summary stays one short message; /partage says what each covers.
SHORT_AREA_NAMES = {
    Area.CAF: N_("CAF"),
    Area.PREFECTURE: N_("préfecture"),
    Area.HOUSING: N_("logement"),
}


def confirm_erase(t: Translator, referent: str | None = None) -> Screen:
    """Says what erasing ends (the link with the person who accompanies them) and what it
    cannot reach (the messages on the phone), before anything is done."""
    lines = [
        t._(
            "Voulez-vous vraiment tout effacer ?\n"
            "Je supprimerai votre langue, votre accord et tout ce que vous avez fait ici. "
            "On ne pourra pas revenir en arrière."
        )
    ]
    if referent:
        lines.append(
            t._(
                "Le lien avec {name} s'arrêtera : {name} ne verra plus rien de vous ici.",
                name=referent,
            )
        )
    lines.append(
        t._(
            "Les messages de cette conversation resteront sur votre téléphone. "
            "Je vous dirai comment les supprimer."
        )
    )
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("🗑 Oui, tout effacer"), Erase(EraseChoice.CONFIRM)),
            Button(t.label("↩️ Non, garder mes données"), Erase(EraseChoice.CANCEL)),
        ),
    )


def erased(t: Translator, referent: str | None = None) -> Screen:
    """Done; and how to delete the chat itself, which the bot cannot reach: it matters
    when someone else reads the phone."""
    lines = [t._("C'est fait : j'ai tout effacé.")]
    if referent:
        lines.append(t._("Le lien avec {name} est terminé.", name=referent))
    lines.append(
        t._(
            "Les messages restent dans cette conversation, sur votre téléphone. "
            "Si quelqu'un d'autre peut lire votre téléphone, supprimez-la : dans la liste "
            "des discussions de Telegram, appuyez longtemps sur « Alliance », "
            "puis sur 🗑 « Supprimer »."
        )
    )
    lines.append(t._("Pour revenir un jour, écrivez /start."))
    return Screen("\n\n".join(lines))


def nothing_held(t: Translator) -> Screen:
    return Screen(t._("Je n'ai aucune donnée sur vous. Pour commencer, écrivez /start."))


def kept(t: Translator) -> Screen:
    return Screen(t._("Rien n'a été effacé."))


def export_summary(t: Translator, data: PersonExport) -> Screen:
    """What is held, in plain words and short lines (one message under 500 characters);
    every detail is in a file, offered with a button and sent only when asked for."""
    lines = [t._("<b>Ce que je garde sur vous</b>")]
    name = language(data.language).native_name
    if data.consents:
        agreed = _day(t, data.consents[-1].agreed_at)
        lines.append(
            t._(
                "• Votre langue : {language}. Vous avez dit oui le {date}.",
                language=name,
                date=agreed,
            )
        )
    else:
        lines.append(t._("• Votre langue : {language}.", language=name))
    lines += _accompaniment(t, data)
    lines += _activity(t, data)
    lines.append(t._("Tous les détails sont dans le fichier."))
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("📄 Recevoir le fichier"), SendMyDataFile()),
            Button(t.label("🗑 Tout effacer"), Erase(EraseChoice.ASK)),
            back_to_menu(t),
        ),
    )


def _accompaniment(t: Translator, data: PersonExport) -> list[str]:
    lines = []
    if data.referent and data.site:
        lines.append(t._("• {name} vous accompagne, à {site}.", name=data.referent, site=data.site))
    elif data.site:
        lines.append(t._("• Votre lieu d'accompagnement : {site}.", site=data.site))
    if data.referent_note:
        lines.append(t._("• Sa note sur vous : « {note} ».", note=data.referent_note))
    if data.sharing is not None:
        lines.append(_shared(t, data.sharing))
    return lines


def _shared(t: Translator, sharing: Sharing) -> str:
    if not sharing.areas:
        return t._("• Vous ne partagez aucune démarche.")
    if set(sharing.areas) == ALL_AREAS:
        areas = t._("toutes vos démarches")
    else:
        areas = ", ".join(t._(SHORT_AREA_NAMES[area]) for area in sharing.areas)
    if sharing.expires_at is None:
        return t._("• Vous partagez : {areas}.", areas=areas)
    return t._(
        "• Vous partagez : {areas}, jusqu'au {date}.",
        areas=areas,
        date=_day(t, sharing.expires_at),
    )


def _activity(t: Translator, data: PersonExport) -> list[str]:
    lines = []
    if data.procedures:
        lines.append(t._("• Démarches ouvertes : {n}.", n=str(len(data.procedures))))
    if data.reminders_sent or data.reminders_to_come:
        lines.append(
            t._(
                "• Rappels envoyés : {sent}. À venir : {later}.",
                sent=str(len(data.reminders_sent)),
                later=str(len(data.reminders_to_come)),
            )
        )
    if data.help_requests:
        lines.append(t._("• Demandes d'aide : {n}.", n=str(len(data.help_requests))))
    looked = sum(1 for access in data.staff_accesses if access.outcome == "allowed")
    lines.append(
        t.ngettext(
            "• L'équipe a regardé vos informations {n} fois.",
            "• L'équipe a regardé vos informations {n} fois.",
            looked,
        )
    )
    return lines


def data_file(t: Translator) -> Screen:
    """The caption of the file, when the person asked for it."""
    return Screen(
        t._(
            "Voici le fichier avec tout ce que je garde sur vous. "
            "Il est fait pour être lu par un ordinateur : "
            "une personne qui s'y connaît peut vous aider à le lire."
        ),
        ((back_to_menu(t),),),
    )


def _day(t: Translator, at: datetime) -> str:
    return t.day(at.astimezone(t.zone))


def retention_warning(t: Translator) -> Screen:
    return Screen(
        t._(
            "Bonjour ! Vous n'avez pas utilisé Alliance depuis longtemps. Sans nouvelle de votre "
            "part dans 30 jours, j'effacerai vos données, comme promis. Pour les garder, "
            "écrivez-moi simplement un message."
        )
    )


def retention_erased(t: Translator) -> Screen:
    return Screen(t._("Comme annoncé, vos données ont été effacées. Pour revenir, écrivez /start."))


def sharing_ends(t: Translator) -> Screen:
    return Screen(
        t._(
            "Le partage de vos démarches avec la personne qui vous accompagne se termine "
            "bientôt. "
            "Pour le prolonger ou le changer : /partage"
        )
    )
