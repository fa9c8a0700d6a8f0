"""What Alliance keeps about the person, and erasing it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, Erase, decode
from handlers import reply
from handlers.common import ready_person, translator_of, visitor_of
from screens import home, privacy
from services import onboarding as onboarding_service


async def show_my_data(update: Update, context: AllianceContext) -> None:
    """The person looks at what the bot keeps about them."""
    found = await ready_person(update, context)
    if found is not None:
        person, t = found
        await reply.answer(
            update, context, t, privacy.my_data(t, person.language, person.agreed_at)
        )


async def erase_me(update: Update, context: AllianceContext) -> None:
    """/effacer or "Erase everything": confirm first, then delete everything."""
    query = update.callback_query
    pressed = decode(query.data) if query else None
    choice = pressed.argument if pressed else Erase.ASK
    t = await translator_of(update, context)
    if choice == Erase.CONFIRM:
        erased = await onboarding_service.erase(context.services.db, visitor_of(update))
        if query is not None:
            await reply.settle(query, t, t._("🗑 Oui, tout effacer"))
        await reply.answer(
            update, context, t, privacy.erased(t) if erased else privacy.nothing_held(t)
        )
    elif choice == Erase.CANCEL:
        if query is not None:
            await reply.settle(query, t, t._("↩️ Non, garder mes données"))
        await reply.answer(update, context, t, privacy.kept(t), home.menu(t))
    elif await onboarding_service.is_known(context.services.db, visitor_of(update)):
        await reply.answer(update, context, t, privacy.confirm_erase(t))
    else:
        await reply.answer(update, context, t, privacy.nothing_held(t))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [
        CommandHandler("effacer", erase_me, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(show_my_data, pattern=rf"^{Action.PRIVACY}$"),
        CallbackQueryHandler(erase_me, pattern=rf"^{Action.ERASE}:"),
    ]
