"""What Alliance holds about the person, and erasing it."""

from __future__ import annotations

from datetime import datetime

from core.i18n import Translator
from core.intents import Erase, EraseChoice
from core.languages import language
from core.screens import Button, Screen, column
from screens.home import back_to_menu
from screens.support import AREA_NAMES
from services.privacy import PersonExport


def confirm_erase(t: Translator) -> Screen:
    return Screen(
        t._(
            "Voulez-vous vraiment tout effacer ?\n"
            "Je supprimerai votre langue, votre accord et tout ce que vous avez fait ici. "
            "On ne pourra pas revenir en arrière."
        ),
        column(
            Button(t.label("🗑 Oui, tout effacer"), Erase(EraseChoice.CONFIRM)),
            Button(t.label("↩️ Non, garder mes données"), Erase(EraseChoice.CANCEL)),
        ),
    )


def erased(t: Translator) -> Screen:
    return Screen(t._("C'est fait : tout est effacé. Si vous voulez revenir, écrivez /start."))


def nothing_held(t: Translator) -> Screen:
    return Screen(t._("Je n'ai aucune donnée sur vous. Pour commencer, écrivez /start."))


def kept(t: Translator) -> Screen:
    return Screen(t._("Rien n'a été effacé."))


def export_summary(t: Translator, data: PersonExport) -> Screen:
    """Everything held, in plain words; the JSON file follows as a document."""
    lines = [
        t._("<b>Tout ce que je garde sur vous</b>"),
        t._("• Votre identifiant Telegram : {id}", id=str(data.telegram_user_id)),
        t._("• Votre langue : {language}", language=language(data.language).native_name),
        t._("• Première visite : {date}", date=_day(t, data.created_at)),
        t._("• Dernière visite : {date}", date=_day(t, data.last_seen_at)),
    ]
    lines += [
        t._("• Votre accord, donné le {date}", date=_day(t, consent.agreed_at))
        for consent in data.consents
    ]
    if data.site:
        lines.append(t._("• Votre structure : {site}", site=data.site))
    if data.referent:
        lines.append(t._("• Votre référent·e : {name}", name=data.referent))
    if data.referent_note:
        lines.append(
            t._(
                "• La note de votre référent·e pour vous reconnaître : {note}",
                note=data.referent_note,
            )
        )
    if data.sharing and data.sharing.areas:
        areas = ", ".join(t._(AREA_NAMES[area]) for area in data.sharing.areas)
        lines.append(t._("• Ce que vous partagez avec votre référent·e : {areas}", areas=areas))
    if data.procedures:
        lines.append(
            t.ngettext(
                "• Vos démarches en cours ou terminées : {n}",
                "• Vos démarches en cours ou terminées : {n}",
                len(data.procedures),
            )
        )
    if data.reminders_to_come:
        lines.append(
            t.ngettext(
                "• Rappels prévus : {n}", "• Rappels prévus : {n}", len(data.reminders_to_come)
            )
        )
    if data.help_requests:
        lines.append(
            t.ngettext(
                "• Demandes d'aide : {n}", "• Demandes d'aide : {n}", len(data.help_requests)
            )
        )
    lines.append(
        t.ngettext(
            "• Consultations de vos données par l'équipe : {n}",
            "• Consultations de vos données par l'équipe : {n}",
            len(data.staff_accesses),
        )
    )
    lines.append(t._("Le fichier ci-dessous contient les mêmes informations (format JSON)."))
    return Screen(
        "\n".join(lines),
        column(Button(t.label("🗑 Tout effacer"), Erase(EraseChoice.ASK)), back_to_menu(t)),
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
            "Le partage de vos démarches avec votre référent·e se termine bientôt. "
            "Pour le prolonger ou le changer : /partage"
        )
    )
