"""The person's data: seeing all of it (/mesdonnees, and its file on request) and erasing
it (/effacer)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.intents import Erase, EraseChoice
from core.screens import Screen, joined
from handlers import reply
from handlers.common import ready_person, visitor_of, way_on
from screens import home, privacy
from services import privacy as privacy_service
from services.onboarding import PersonView

EXPORT_FILE = "alliance-mes-donnees.json"


async def show_my_data(update: Update, context: AllianceContext) -> None:
    """The person sees, in plain words, what the bot keeps; the file is offered by a button."""
    if await ready_person(update, context) is None:
        return
    t = context.scope.t
    data = await privacy_service.export(context.services.db, visitor_of(context))
    if data is None:
        return
    await reply.answer(update, context, t, privacy.export_summary(t, data))


async def send_my_data_file(update: Update, context: AllianceContext) -> None:
    """Receive the file: everything held, with every detail, as a document. Sent only
    on request: a file in the chat is one more thing someone else may find on the phone."""
    if await ready_person(update, context) is None:
        return
    t = context.scope.t
    data = await privacy_service.export(context.services.db, visitor_of(context))
    if data is None or update.effective_chat is None:
        return
    if update.callback_query is not None:
        await reply.acknowledge(update.callback_query)
    caption = privacy.data_file(t)
    await context.bot.send_document(
        update.effective_chat.id,
        data.as_json().encode(),
        filename=EXPORT_FILE,
        caption=t.directional(caption.text),
        parse_mode=ParseMode.HTML,
        reply_markup=reply.keyboard(t, caption),
    )


async def erase_me(update: Update, context: AllianceContext, tap: Erase | None = None) -> None:
    """/effacer or "Erase everything": confirm first, then delete everything."""
    account, t = context.scope.account, context.scope.t
    if isinstance(account, PersonView):
        choice = tap.choice if tap else EraseChoice.ASK
        await reply.answer(update, context, t, await _erasure_step(update, context, choice))
    elif account is None:
        await reply.answer(update, context, t, privacy.nothing_held(t))
    else:
        await reply.answer(update, context, t, way_on(account, t))


async def ask_to_erase(update: Update, context: AllianceContext) -> None:
    """/effacer: the confirmation first."""
    await erase_me(update, context)


async def _erasure_step(update: Update, context: AllianceContext, choice: EraseChoice) -> Screen:
    t, query = context.scope.t, update.callback_query
    match choice:
        case EraseChoice.CONFIRM:
            s = context.services
            erased = await privacy_service.erase(s.db, visitor_of(context), s.clock.now())
            if query is not None:
                await reply.settle(query, t, t.label("🗑 Oui, tout effacer"))
            return privacy.erased(t, erased.referent) if erased else privacy.nothing_held(t)
        case EraseChoice.CANCEL:
            if query is not None:
                await reply.settle(query, t, t.label("↩️ Non, garder mes données"))
            return joined(privacy.kept(t), home.menu(t))
        case EraseChoice.ASK:
            referent = await privacy_service.referent_of(context.services.db, visitor_of(context))
            return privacy.confirm_erase(t, referent)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("effacer", ask_to_erase, filters=private),
        CommandHandler("mesdonnees", show_my_data, filters=private),
    ]
