"""The person's accompaniment: their site, their referent, and what they share."""

from __future__ import annotations

from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.intents import (
    ListSites,
    PickAreas,
    PickDuration,
    PickSite,
    SearchSites,
    SetSharing,
    SharingIntent,
    ShowSharing,
    SiteIntent,
)
from core.screens import Screen, joined
from handlers import reply
from handlers.common import ready_person, visitor_of
from screens import support as screens
from services import sharing as sharing_service
from services import support as support_service


async def show_accompaniment(update: Update, context: AllianceContext) -> None:
    """The person sees their site and referent, and can change either."""
    if await ready_person(update, context) is None:
        return
    t = context.scope.t
    support = await support_service.my_support(context.services.db, visitor_of(context))
    if support is not None:
        await reply.answer(update, context, t, screens.accompaniment(t, support))


async def choose_site(update: Update, context: AllianceContext, tap: SiteIntent) -> None:
    """The person browses, searches or picks the site that accompanies them."""
    if await ready_person(update, context) is None:
        return
    t, db, visitor = context.scope.t, context.services.db, visitor_of(context)
    match tap:
        case SearchSites():
            await support_service.await_site_search(db, visitor)
            await reply.answer(update, context, t, screens.ask_town(t))
        case ListSites(page=page):
            sites = await support_service.find_sites(db)
            await reply.answer(update, context, t, screens.site_list(t, sites, page))
        case PickSite(site=site_id):
            support = await support_service.choose_site(db, visitor, site_id)
            if support is None or support.site_name is None:  # a site removed meanwhile
                sites = await support_service.find_sites(db)
                await reply.answer(update, context, t, screens.site_list(t, sites, 0))
                return
            chosen = screens.site_chosen(t, support.site_name)
            await reply.answer(
                update, context, t, joined(chosen, screens.accompaniment(t, support))
            )
        case _:
            assert_never(tap)


async def search_sites(update: Update, context: AllianceContext) -> None:
    """The town or postcode the person was asked to type."""
    message = update.effective_message
    if await ready_person(update, context) is None or message is None:
        return
    t = context.scope.t
    sites = await support_service.search_typed(
        context.services.db, visitor_of(context), message.text or ""
    )
    await reply.answer(update, context, t, screens.site_list(t, sites, 0))


async def ask_for_another_referent(update: Update, context: AllianceContext) -> None:
    """The request goes to the site's admins; the bot never answers no by itself."""
    if await ready_person(update, context) is None:
        return
    s, t = context.services, context.scope.t
    await support_service.ask_for_another_referent(s.db, visitor_of(context), s.clock.now())
    await reply.answer(update, context, t, screens.change_requested(t))
    context.services.work.outbox_changed()


async def share(update: Update, context: AllianceContext, tap: SharingIntent) -> None:
    """/partage and its buttons: what the referent sees, and for how long."""
    if await ready_person(update, context) is not None:
        await reply.answer(update, context, context.scope.t, await _sharing_step(context, tap))


async def share_command(update: Update, context: AllianceContext) -> None:
    """/partage"""
    await share(update, context, ShowSharing())


async def _sharing_step(context: AllianceContext, tap: SharingIntent) -> Screen:
    """Areas to tick, then a duration, then saved; anything else shows where sharing stands."""
    s, t, visitor, now = (
        context.services,
        context.scope.t,
        visitor_of(context),
        context.services.clock.now(),
    )
    match tap:
        case PickAreas(areas=areas):
            return screens.pick_areas(t, areas)
        case PickDuration(areas=areas):
            return screens.pick_duration(t, areas)
        case SetSharing(areas=areas, duration=duration):
            grant = await sharing_service.set_grant(s.db, visitor, areas, duration, now)
            if grant is not None:
                return joined(screens.sharing_saved(t), screens.sharing(t, grant, now))
        case ShowSharing():
            pass
        case _:
            assert_never(tap)
    grant = await sharing_service.current_grant(s.db, visitor, now)
    return screens.sharing(t, grant, now) if grant is not None else screens.no_one_to_share_with(t)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [CommandHandler("partage", share_command, filters=filters.ChatType.PRIVATE)]
