"""The main menu and the help page."""

from __future__ import annotations

from core.i18n import Translator
from core.intents import ShowMenu
from core.menu import MENU
from core.screens import Button, Screen, column
from core.sites import Contact
from screens.contact import reach_lines

NOBODY = Contact()  # someone the bot does not know, or who has no site yet


def menu(t: Translator, continuing: tuple[Button, ...] = ()) -> Screen:
    """The menu; procedures in progress first ("Continue: …, step 3 of 7")."""
    entries = (Button(t.label(entry.label), entry.intent) for entry in MENU)
    return Screen(t._("Que voulez-vous faire ?"), column(*continuing, *entries))


def back_to_menu(t: Translator) -> Button:
    return Button(t.label("⬅️ Menu"), ShowMenu())


def help_page(t: Translator, contact: Contact = NOBODY) -> Screen:
    """What the bot does and how to reach a human (the person's own site and referent
    when they have one), with the emergency numbers of the domain brief."""
    about = t._(
        "<b>Alliance, c'est quoi ?</b>\n"
        "Un assistant pour vos démarches et vos rendez-vous avec la personne qui vous "
        "accompagne. Vous choisissez toujours : faire vous-même, avec quelqu'un, ou avec elle."
    )
    human = "\n".join([t._("<b>Parler à une personne</b>"), *reach_lines(t, contact)])
    urgent = t._(
        "<b>En cas d'urgence (appels gratuits)</b>\n"
        "• 115 : pas d'endroit où dormir ce soir\n"
        "• 15 : urgence médicale\n"
        "• 17 : violence, danger maintenant\n"
        "• 18 : incendie, accident\n"
        "• 112 : toute urgence\n"
        "• 114 : par SMS, si vous ne pouvez pas parler\n"
        "• 3114 : idées suicidaires, grande souffrance\n"
        "• 3919 : violences faites aux femmes\n"
        "• 119 : enfant en danger"
    )
    commands = t._("Commandes : /menu, /langue, /effacer")
    # Two messages, each read at once: the urgent numbers first, then whom to reach.
    return Screen("\n\n".join([about, human, commands]), ((back_to_menu(t),),), lead=urgent)


def stale_button(t: Translator) -> Screen:
    """Said before the menu (or the step) that leads on: never a dead end."""
    return Screen(t._("Ce bouton n'est plus actif. Voici le menu."))
