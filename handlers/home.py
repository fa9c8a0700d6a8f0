"""The menu, help and language pages."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action
from handlers import reply
from handlers.common import account_of, main_menu, ready_person, translator_of
from screens import home, onboarding


async def show_menu(update: Update, context: AllianceContext) -> None:
    """The person asks for the menu (/menu or a "Menu" button); staff get their space."""
    found = await ready_person(update, context)
    if found is not None:
        _, t = found
        await reply.answer(update, context, t, await main_menu(update, context, t))


async def show_help(update: Update, context: AllianceContext) -> None:
    """The person asks what the bot does and how to reach a human; works before consent."""
    t = await translator_of(update, context)
    await reply.answer(update, context, t, home.help_page(t))


async def pick_language(update: Update, context: AllianceContext) -> None:
    """Anyone wants another language (/langue or the menu)."""
    account, t = await account_of(update, context)
    await reply.answer(update, context, t, onboarding.language_picker(t, account.language))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("menu", show_menu, filters=private),
        CommandHandler(["aide", "help"], show_help, filters=private),
        CommandHandler("langue", pick_language, filters=private),
        CallbackQueryHandler(show_menu, pattern=rf"^{Action.MENU}$"),
        CallbackQueryHandler(show_help, pattern=rf"^{Action.HELP}$"),
        CallbackQueryHandler(pick_language, pattern=rf"^{Action.LANGUAGE_PICKER}$"),
    ]
