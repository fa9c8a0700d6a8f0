"""Messages the bot sends on its own initiative (to staff or persons), after a use case."""

from __future__ import annotations

import logging

from telegram.error import Forbidden, TelegramError

from app.context import AllianceContext
from core.screens import Screen
from handlers import reply
from screens import privacy
from screens import staff as staff_screens
from services.staff import Notice

log = logging.getLogger(__name__)

_PERSON_NOTICES = {
    "retention_warning": privacy.retention_warning,
    "retention_erased": privacy.retention_erased,
    "sharing_ends": privacy.sharing_ends,
}


async def send_notices(context: AllianceContext, notices: list[Notice]) -> None:
    """Best effort: someone who blocked the bot must not break the action that caused it."""
    for notice in notices:
        t = context.services.translations.get(notice.language)
        screen: Screen
        build = _PERSON_NOTICES.get(notice.kind)
        screen = build(t) if build is not None else staff_screens.notice(t, notice)
        try:
            await reply.send(context, notice.telegram_user_id, t, screen)
        except Forbidden:
            log.info("notice %s not delivered: the bot is blocked", notice.kind)
        except TelegramError:
            log.warning("notice %s not delivered", notice.kind, exc_info=True)
