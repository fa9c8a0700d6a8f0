"""Whom a person can reach: said on every screen that points to a human (Mon
accompagnement, the help page, "Je bloque"), the same way each time."""

from __future__ import annotations

from core.i18n import Translator
from core.screens import Screen
from core.sites import Contact

FRANCE_SERVICES = "https://www.france-services.gouv.fr"


def contact_details(t: Translator, contact: Contact) -> list[str]:
    """The site's phone, address and hours, one line each, as the person acts on them;
    when the site gave neither phone nor address, where to find them instead."""
    lines = []
    if contact.phone:
        lines.append(t._("📞 Appelez : {phone}", phone=contact.phone))
    if contact.address:
        lines.append(t._("📍 Allez sur place : {address}", address=contact.address))
    if contact.hours:
        lines.append(t._("🕘 Horaires : {hours}", hours=contact.hours))
    if contact.site and not contact.reachable:
        lines.append(
            t._(
                "Je n'ai pas encore leur téléphone ni leur adresse : "
                "votre mairie peut vous les donner."
            )
        )
    return lines


def contact_lines(t: Translator, contact: Contact) -> list[str]:
    """Whom to call or where to go, said plainly: the referent's first name and site with
    the site's phone, address and hours; without a site, the public places that help."""
    if contact.referent and contact.site:
        who = t._(
            "Contactez <b>{name}</b> ({site}), la personne qui vous accompagne :",
            name=contact.referent,
            site=contact.site,
        )
    elif contact.referent:
        who = t._(
            "Contactez <b>{name}</b>, la personne qui vous accompagne.", name=contact.referent
        )
    elif contact.site:
        who = t._("Contactez votre structure, <b>{site}</b> :", site=contact.site)
    else:
        return [
            t._(
                "Appelez ou allez voir votre mairie ou son CCAS (le service social de la "
                "mairie). Une France Services près de chez vous aide aussi, gratuitement : "
                "{link}",
                link=FRANCE_SERVICES,
            )
        ]
    return [who, *contact_details(t, contact)]


def reach_lines(t: Translator, contact: Contact) -> list[str]:
    """`contact_lines`, then France Services when a site was named (without one, the
    lines already point there): a second place when the first is closed."""
    lines = contact_lines(t, contact)
    if contact.site or contact.referent:
        lines.append(
            t._(
                "Une France Services près de chez vous aide aussi, gratuitement : {link}",
                link=FRANCE_SERVICES,
            )
        )
    return lines


def stuck_help(t: Translator, contact: Contact) -> Screen:
    """The "Je bloque" answer. Nobody is told by the bot yet, so it never says the request
    is "noted": it says whom to call or where to go, with the site's details."""
    intro = t._("Une personne peut vous aider. N'attendez pas qu'on vous appelle.")
    return Screen("\n".join([intro, *reach_lines(t, contact)]))
