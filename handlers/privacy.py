"""The person's data: seeing all of it (/mesdonnees) and erasing it (/effacer)."""

from __future__ import annotations

import json

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, Erase, decode
from core.i18n import Translator
from core.screens import Screen
from handlers import reply
from handlers.common import ready_person, show_staff_home, translator_of, visitor_of
from screens import home, privacy
from services import accounts
from services import privacy as privacy_service
from services.onboarding import PersonView


async def show_my_data(update: Update, context: AllianceContext) -> None:
    """The person sees everything the bot keeps about them, in words and as a JSON file."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    data = await privacy_service.export(context.services.db, visitor_of(update))
    if data is None or update.effective_chat is None:
        return
    await reply.answer(update, context, t, privacy.export_summary(t, data))
    document = json.dumps(data, ensure_ascii=False, indent=2).encode()
    await context.bot.send_document(
        update.effective_chat.id, document, filename="alliance-mes-donnees.json"
    )


async def erase_me(update: Update, context: AllianceContext) -> None:
    """/effacer or "Erase everything": confirm first, then delete everything."""
    s = context.services
    account = await accounts.peek(s.db, visitor_of(update), s.clock.now())
    t = await translator_of(update, context)
    if isinstance(account, PersonView):
        await reply.answer(update, context, t, *await _erasure_step(update, context, t))
    elif account is None:
        await reply.answer(update, context, t, privacy.nothing_held(t))
    else:
        await show_staff_home(update, context, account, t)


async def _erasure_step(update: Update, context: AllianceContext, t: Translator) -> list[Screen]:
    query = update.callback_query
    pressed = decode(query.data) if query else None
    choice = pressed.argument if pressed else Erase.ASK
    if choice == Erase.CONFIRM:
        s = context.services
        erased = await privacy_service.erase(s.db, visitor_of(update), s.clock.now())
        if query is not None:
            await reply.settle(query, t, t._("🗑 Oui, tout effacer"))
        return [privacy.erased(t) if erased else privacy.nothing_held(t)]
    if choice == Erase.CANCEL:
        if query is not None:
            await reply.settle(query, t, t._("↩️ Non, garder mes données"))
        return [privacy.kept(t), home.menu(t)]
    return [privacy.confirm_erase(t)]


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("effacer", erase_me, filters=private),
        CommandHandler("mesdonnees", show_my_data, filters=private),
        CallbackQueryHandler(show_my_data, pattern=rf"^{Action.PRIVACY}$"),
        CallbackQueryHandler(erase_me, pattern=rf"^{Action.ERASE}:"),
    ]
