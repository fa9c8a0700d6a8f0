"""/parcours: mediators and admins see the flows and where people stop, and reload them."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, decode
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
    s, user_id = context.services, visitor_of(update).telegram_user_id
    pressed = decode(update.callback_query.data) if update.callback_query else None
    try:
        if pressed is not None and pressed.argument == "reload":
            today = s.clock.now().date()
            errors = await flow_admin_service.reload(
                s.db, s.flows, user_id, s.clock.now(), lambda: load_flows(None, today)
            )
            screen = (
                screens.reload_failed(t, errors)
                if errors
                else screens.reloaded(t, len(s.flows.registry))
            )
        else:
            funnels = await flow_admin_service.funnels(s.db, s.flows, user_id, s.clock.now())
            screen = screens.overview(t, funnels)
    except NotAllowed:
        log.info("flow management refused")
        screen = staff_screens.not_allowed(t)
    await reply.answer(update, context, t, screen)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [
        CommandHandler("parcours", manage_flows, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(manage_flows, pattern=rf"^{Action.PARCOURS}(:|$)"),
    ]
