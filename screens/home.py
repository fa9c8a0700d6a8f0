"""The main menu and the help page."""

from __future__ import annotations

from core.i18n import Translator
from core.intents import ShowMenu
from core.menu import MENU
from core.screens import Button, Screen, column


def menu(t: Translator, continuing: tuple[Button, ...] = ()) -> Screen:
    """The menu; procedures in progress first ("Continue: …, step 3 of 7")."""
    entries = (Button(t.label(entry.label), entry.intent) for entry in MENU)
    return Screen(t._("Que voulez-vous faire ?"), column(*continuing, *entries))


def back_to_menu(t: Translator) -> Button:
    return Button(t.label("⬅️ Menu"), ShowMenu())


def help_page(t: Translator) -> Screen:
    """What the bot does and how to reach a human, including emergency numbers."""
    return Screen(
        t._(
            "<b>Alliance, c'est quoi ?</b>\n"
            "Un assistant pour vos démarches et vos rendez-vous avec votre référent·e. "
            "Vous choisissez toujours : faire seul·e, avec quelqu'un, ou avec votre "
            "référent·e.\n\n"
            "<b>Parler à une personne</b>\n"
            "• Votre référent·e, votre CCAS ou votre mairie.\n"
            "• Une France Services près de chez vous : aide gratuite pour les démarches "
            "en ligne.\n\n"
            "<b>En cas d'urgence (appels gratuits)</b>\n"
            "• 115 : pas d'endroit où dormir ce soir\n"
            "• 15 : urgence médicale\n"
            "• 17 : violence, danger maintenant\n"
            "• 112 : toute urgence\n"
            "• 114 : par SMS, si vous ne pouvez pas parler\n"
            "• 3114 : idées suicidaires, grande souffrance\n"
            "• 3919 : violences faites aux femmes\n\n"
            "Commandes : /menu, /langue, /effacer"
        ),
        ((back_to_menu(t),),),
    )


def stale_button(t: Translator) -> Screen:
    """Said before the menu (or the step) that leads on: never a dead end."""
    return Screen(t._("Ce bouton n'est plus actif. Voici le menu."))
