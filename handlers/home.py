"""The menu, help and language pages."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from handlers import reply
from handlers.common import main_menu, ready_person
from screens import home, onboarding
from services import support


async def show_menu(update: Update, context: AllianceContext) -> None:
    """The person asks for the menu (/menu or a "Menu" button); staff get their space."""
    if await ready_person(update, context) is not None:
        t = context.scope.t
        await reply.answer(update, context, t, await main_menu(context, t))


async def show_help(update: Update, context: AllianceContext) -> None:
    """The person asks what the bot does and how to reach a human (their own site's
    details when they have one); works before consent."""
    t, visitor = context.scope.t, context.scope.visitor
    contact = await support.my_contact(context.services.db, visitor) if visitor else home.NOBODY
    await reply.answer(update, context, t, home.help_page(t, contact))


async def pick_language(update: Update, context: AllianceContext) -> None:
    """Anyone wants another language (/langue or the menu)."""
    scope = context.scope
    current = scope.account.language if scope.account else scope.t.code
    await reply.answer(update, context, scope.t, onboarding.language_picker(scope.t, current))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("menu", show_menu, filters=private),
        CommandHandler(["aide", "help"], show_help, filters=private),
        CommandHandler("langue", pick_language, filters=private),
    ]
