"""The command list Telegram shows next to the text field, in each language."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from core.i18n import Translations, Translator


def commands(t: Translator) -> list[BotCommand]:
    help_command = "aide" if t.code == "fr" else "help"
    return [
        BotCommand("menu", t._("Afficher le menu")),
        BotCommand("parler", t._("Parler à quelqu'un de l'équipe")),
        BotCommand("demarches", t._("Mes démarches pas à pas")),
        BotCommand("rdv", t._("Mes rendez-vous")),
        BotCommand("partage", t._("Ce que je partage avec la personne qui m'accompagne")),
        BotCommand("mesdonnees", t._("Voir tout ce que le bot garde sur moi")),
        BotCommand(help_command, t._("Aide et contacts d'urgence")),
        BotCommand("langue", t._("Changer de langue")),
        BotCommand("effacer", t._("Effacer toutes mes données")),
        BotCommand("start", t._("Recommencer depuis le début")),
    ]


async def register_commands(bot: Bot, translations: Translations) -> None:
    """One list per language, and the default language's list for everyone else."""
    await bot.set_my_commands(commands(translations.get(translations.default)))
    for t in translations.all():
        await bot.set_my_commands(commands(t), language_code=t.code)


def staff_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("menu", t._("Mon espace professionnel")),
        BotCommand("alertes", t._("Les demandes d'aide en cours")),
        BotCommand("agenda", t._("Mes rendez-vous de la semaine")),
        BotCommand("dispos", t._("Mes disponibilités pour les rendez-vous")),
        BotCommand("inviter", t._("Inviter un·e collègue ou une personne")),
        BotCommand("journal", t._("Journal des accès (administrateurs)")),
        BotCommand("parcours", t._("Les parcours (médiateurs)")),
        BotCommand("langue", t._("Changer de langue")),
    ]


async def register_staff_commands(bot: Bot, chat_id: int, t: Translator) -> None:
    """A staff member's chat lists the professional commands, not the persons' ones."""
    await bot.set_my_commands(staff_commands(t), scope=BotCommandScopeChat(chat_id))
