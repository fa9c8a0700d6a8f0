"""/parcours: mediators and admins see the flows and where people stop, and reload them
(after a confirmation: a reload changes what every person sees)."""

from __future__ import annotations

import logging
from enum import Enum, auto
from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.screens import Screen, joined
from handlers import reply
from handlers.common import visitor_of, way_on
from handlers.procedures import show_journey
from screens import flow_admin as screens
from screens import staff as staff_screens
from services import flow_admin as flow_admin_service
from services.authorisation import NotAllowed
from services.staff import StaffView

log = logging.getLogger(__name__)


class FlowPage(Enum):
    """What a mediator asked for: the overview, the reload question, or the reload."""

    OVERVIEW = auto()
    CONFIRM_RELOAD = auto()
    RELOAD = auto()


async def show_flows(update: Update, context: AllianceContext) -> None:
    """A mediator or admin looks at the flows: versions, starts, ends, where people stop.
    A person typing /parcours means their own journey ("Mon parcours"): they get it,
    not a refusal."""
    if not isinstance(context.scope.account, StaffView):
        await show_journey(update, context)
        return
    await _answer(update, context, FlowPage.OVERVIEW)


async def ask_reload(update: Update, context: AllianceContext) -> None:
    """Reloading changes what every person sees: it is confirmed first."""
    await _answer(update, context, FlowPage.CONFIRM_RELOAD)


async def reload_flows(update: Update, context: AllianceContext) -> None:
    """After an edit of the YAML files: validated first, the old flows kept on error."""
    await _answer(update, context, FlowPage.RELOAD)


async def _answer(update: Update, context: AllianceContext, page: FlowPage) -> None:
    account, t = context.scope.account, context.scope.t
    try:
        screen = await _page(context, page)
    except NotAllowed:
        log.info("flow management refused")
        staff = isinstance(account, StaffView)
        refused = staff_screens.not_allowed(t, to_staff_space=staff)
        screen = refused if staff else joined(refused, way_on(account, t))
    await reply.answer(update, context, t, screen)


async def _page(context: AllianceContext, page: FlowPage) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    match page:
        case FlowPage.OVERVIEW:
            funnels = await flow_admin_service.funnels(s.db, s.flows, user_id, now)
            return screens.overview(t, funnels)
        case FlowPage.CONFIRM_RELOAD:
            await flow_admin_service.may_reload(s.db, user_id, now)
            return screens.confirm_reload(t)
        case FlowPage.RELOAD:
            errors = await flow_admin_service.reload(s.db, s.flows, user_id, now)
            if errors:
                return screens.reload_failed(t, errors)
            return screens.reloaded(t, len(s.flows.registry))
        case _:
            assert_never(page)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [CommandHandler("parcours", show_flows, filters=filters.ChatType.PRIVATE)]
