"""/parcours: mediators and admins see the flows and where people stop, and reload them."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, Pressed, decode
from core.i18n import Translator
from core.screens import Screen
from flows.registry import load as load_flows
from handlers import reply
from handlers.common import account_of, visitor_of
from screens import flow_admin as screens
from screens import staff as staff_screens
from services import flow_admin as flow_admin_service
from services.staff import NotAllowed

log = logging.getLogger(__name__)


async def manage_flows(update: Update, context: AllianceContext) -> None:
    """A mediator or admin looks at the flows, or reloads them after an edit."""
    _, t = await account_of(update, context)
    pressed = decode(update.callback_query.data) if update.callback_query else None
    try:
        screen = await _flows_page(context, visitor_of(update).telegram_user_id, t, pressed)
    except NotAllowed:
        log.info("flow management refused")
        screen = staff_screens.not_allowed(t)
    await reply.answer(update, context, t, screen)


async def _flows_page(
    context: AllianceContext, user_id: int, t: Translator, pressed: Pressed | None
) -> Screen:
    s, now = context.services, context.services.clock.now()
    if pressed is None or pressed.argument != "reload":
        return screens.overview(t, await flow_admin_service.funnels(s.db, s.flows, user_id, now))
    errors = await flow_admin_service.reload(
        s.db, s.flows, user_id, now, lambda: load_flows(None, now.date())
    )
    return (
        screens.reload_failed(t, errors) if errors else screens.reloaded(t, len(s.flows.registry))
    )


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [
        CommandHandler("parcours", manage_flows, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(manage_flows, pattern=rf"^{Action.PARCOURS}(:|$)"),
    ]
