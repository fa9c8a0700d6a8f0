"""/parcours: mediators and admins see the flows and where people stop, and reload them."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.screens import Screen, joined
from handlers import reply
from handlers.common import visitor_of, way_on
from screens import flow_admin as screens
from screens import staff as staff_screens
from services import flow_admin as flow_admin_service
from services.authorisation import NotAllowed
from services.staff import StaffView

log = logging.getLogger(__name__)


async def show_flows(update: Update, context: AllianceContext) -> None:
    """A mediator or admin looks at the flows: versions, starts, ends, where people stop."""
    await _answer(update, context, reload=False)


async def reload_flows(update: Update, context: AllianceContext) -> None:
    """After an edit of the YAML files: validated first, the old flows kept on error."""
    await _answer(update, context, reload=True)


async def _answer(update: Update, context: AllianceContext, *, reload: bool) -> None:
    account, t = context.scope.account, context.scope.t
    try:
        screen = await _page(context, reload=reload)
    except NotAllowed:
        log.info("flow management refused")
        staff = isinstance(account, StaffView)
        refused = staff_screens.not_allowed(t, to_staff_space=staff)
        screen = refused if staff else joined(refused, way_on(account, t))
    await reply.answer(update, context, t, screen)


async def _page(context: AllianceContext, *, reload: bool) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    if not reload:
        return screens.overview(t, await flow_admin_service.funnels(s.db, s.flows, user_id, now))
    errors = await flow_admin_service.reload(s.db, s.flows, user_id, now)
    return (
        screens.reload_failed(t, errors) if errors else screens.reloaded(t, len(s.flows.registry))
    )


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [CommandHandler("parcours", show_flows, filters=filters.ChatType.PRIVATE)]
