"""The person's accompaniment: their site, their referent, and what they share."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from app.context import AllianceContext
from core.actions import Action, decode
from core.i18n import Translator
from core.screens import Screen
from core.sharing import Duration
from handlers import reply
from handlers.common import ready_person, visitor_of
from handlers.fallback import answer_unusable
from handlers.notify import send_notices
from handlers.procedures import answer_typed_date
from handlers.staff import take_typed_note
from screens import support as screens
from services import sharing as sharing_service
from services import support as support_service

_SITE = re.compile(r"^(list|pick)-(\d{1,9})$|^search$")
_SHARE = re.compile(r"^(pick|when)-([0-7])$|^set-([0-7])-([a-z]+)$")


async def show_accompaniment(update: Update, context: AllianceContext) -> None:
    """The person sees their site and referent, and can change either."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    support = await support_service.my_support(context.services.db, visitor_of(update))
    if support is not None:
        await reply.answer(update, context, t, screens.accompaniment(t, support))


async def choose_site(update: Update, context: AllianceContext) -> None:
    """The person browses, searches or picks the site that accompanies them."""
    found = await ready_person(update, context)
    query = update.callback_query
    if found is None or query is None:
        return
    _, t = found
    db, visitor = context.services.db, visitor_of(update)
    pressed = decode(query.data)
    match = _SITE.match(pressed.argument or "") if pressed else None
    if match is None or match[0] == "search":
        await support_service.await_site_search(db, visitor)
        await reply.answer(update, context, t, screens.ask_town(t))
    elif match[1] == "list":
        sites = await support_service.find_sites(db, "")
        await reply.answer(update, context, t, screens.site_list(t, sites, int(match[2])))
    else:
        name = await support_service.choose_site(db, visitor, int(match[2]))
        await _site_chosen(update, context, name)


async def _site_chosen(update: Update, context: AllianceContext, name: str | None) -> None:
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    if name is None:
        sites = await support_service.find_sites(context.services.db, "")
        await reply.answer(update, context, t, screens.site_list(t, sites, 0))
        return
    support = await support_service.my_support(context.services.db, visitor_of(update))
    assert support is not None
    await reply.answer(
        update, context, t, screens.site_chosen(t, name), screens.accompaniment(t, support)
    )


async def ask_for_another_referent(update: Update, context: AllianceContext) -> None:
    """The request goes to the site's admins; the bot never answers no by itself."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    s = context.services
    notices = await support_service.ask_for_another_referent(
        s.db, visitor_of(update), s.clock.now()
    )
    await reply.answer(update, context, t, screens.change_requested(t))
    await send_notices(context, notices)


async def answer_typed_text(update: Update, context: AllianceContext) -> None:
    """Text the bot asked for (a town to search, a date); anything else is kindly declined."""
    s = context.services
    if await take_typed_note(update, context):
        return
    awaiting = await support_service.take_awaited_text(s.db, visitor_of(update))
    message = update.effective_message
    if awaiting is not None and awaiting.startswith("date:"):
        await answer_typed_date(update, context, awaiting.removeprefix("date:"))
        return
    if awaiting != "site_search" or message is None or message.text is None:
        await answer_unusable(update, context)
        return
    found = await ready_person(update, context)
    if found is not None:
        _, t = found
        sites = await support_service.find_sites(s.db, message.text[:80])
        await reply.answer(update, context, t, screens.site_list(t, sites, 0))


async def share(update: Update, context: AllianceContext) -> None:
    """/partage and its buttons: what the referent sees, and for how long."""
    found = await ready_person(update, context)
    if found is not None:
        pressed = decode(update.callback_query.data) if update.callback_query else None
        match = _SHARE.match(pressed.argument or "") if pressed else None
        await reply.answer(
            update, context, found[1], *await _sharing_step(context, update, found[1], match)
        )


async def _sharing_step(
    context: AllianceContext, update: Update, t: Translator, match: re.Match[str] | None
) -> list[Screen]:
    """Areas to tick, then a duration, then saved; anything else shows where sharing stands."""
    s, visitor, now = context.services, visitor_of(update), context.services.clock.now()
    if match is not None and match[1] == "pick":
        return [screens.pick_areas(t, int(match[2]))]
    if match is not None and match[1] == "when":
        return [screens.pick_duration(t, int(match[2]))]
    saved = []
    if match is not None and match[4] in Duration._value2member_map_:
        await sharing_service.set_grant(
            s.db, visitor, screens.areas_of(int(match[3])), Duration(match[4]), now
        )
        saved = [screens.sharing_saved(t)]
    grant = await sharing_service.current_grant(s.db, visitor, now)
    return [*saved, screens.sharing(t, grant, now)]


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("partage", share, filters=private),
        CallbackQueryHandler(show_accompaniment, pattern=rf"^{Action.SUPPORT}$"),
        CallbackQueryHandler(ask_for_another_referent, pattern=rf"^{Action.SUPPORT}:change$"),
        CallbackQueryHandler(choose_site, pattern=rf"^{Action.SITE}:"),
        CallbackQueryHandler(share, pattern=rf"^{Action.SHARE}(:|$)"),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, answer_typed_text),
    ]
