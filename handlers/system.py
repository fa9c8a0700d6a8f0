"""Before and after every handler: who is writing (once per update), and errors."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Bot, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from app.context import AllianceContext, Scope
from core.i18n import Translations, Translator
from core.languages import match_language
from handlers import reply
from screens import errors
from services import accounts
from services.accounts import Caller
from services.onboarding import Visitor
from storage.inbox import MAX_ATTEMPTS, Turn

log = logging.getLogger(__name__)


async def prepare(update: Update, context: AllianceContext) -> None:
    """One transaction before any handler: a redelivered update (webhook retry, crash
    between receipt and answer) stops here; otherwise the account and its translator
    (language, site's time zone) are resolved once for every handler."""
    s = context.services
    user = update.effective_user
    visitor = Visitor(user.id, user.language_code) if user is not None else None
    tapped = update.callback_query is not None
    caller = await accounts.begin_update(
        s.db, update.update_id, visitor, s.clock.now(), tapped=tapped
    )
    if caller is Turn.ALREADY_DONE:
        log.info("update %s already handled; skipped", update.update_id)
        raise ApplicationHandlerStop
    if caller is Turn.GIVEN_UP:
        log.error("update %s cut short %d times; given up", update.update_id, MAX_ATTEMPTS)
        raise ApplicationHandlerStop
    assert not isinstance(caller, Turn)
    context.scope = Scope(visitor, caller.account, _translator(context, visitor, caller))


def _translator(context: AllianceContext, visitor: Visitor | None, caller: Caller) -> Translator:
    """The account's language (else Telegram's), in its site's time zone (else the bot's)."""
    s = context.services
    if caller.account is not None:
        language = caller.account.language
    else:
        code = visitor.telegram_language if visitor else None
        language = match_language(code, s.settings.default_language)
    zone = ZoneInfo(caller.timezone) if caller.timezone else s.settings.zone
    return s.translations.get(language).in_zone(zone)


async def report_error(update: object, context: AllianceContext) -> None:
    """Log what is needed to fix it (never message text) and tell the person kindly, once.

    Then no other handler runs for this update: a failure before the handlers (the
    database, say) must not lead to a second failure and a second apology. A failure to
    reach Telegram is not apologised for: the person's action was saved, the apology
    would most likely not get through either, and the button's spinner is stopped."""
    kind = _update_kind(update)
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s (%s)", update_id, kind, exc_info=context.error)
    context.services.metrics.errors.inc()
    if isinstance(update, Update) and _is_private(update):
        if _unreachable_telegram(context.error):
            await _stop_spinner(update)
        else:
            await _apologise(update, context)
    raise ApplicationHandlerStop


def _is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == "private"


def _unreachable_telegram(error: Exception | None) -> bool:
    """The network, a 5xx, or 429s past our retries: Telegram, not the bot, failed."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def _stop_spinner(update: Update) -> None:
    if update.callback_query is None:
        return
    try:
        await reply.acknowledge(update.callback_query)
    except TelegramError:
        log.info("could not stop the spinner of update %s", update.update_id)


async def _apologise(update: Update, context: AllianceContext) -> None:
    t = _in_their_language(update, context.services.translations)
    try:
        await reply.answer(update, context, t, errors.something_went_wrong(t))
    except Exception:  # the error may be Telegram itself being unreachable
        log.warning("could not tell the person about the error", exc_info=True)


async def tell_to_wait(update: Update, bot: Bot, translations: Translations) -> None:
    """The update cannot be stored yet (the database is held up): say so at once rather
    than leave the person in silence. Once stored, it is handled as usual."""
    if not _is_private(update) or update.effective_chat is None:
        return
    t = _in_their_language(update, translations)
    screen = errors.one_moment(t)
    try:
        await bot.send_message(update.effective_chat.id, t.directional(screen.text))
    except TelegramError:
        log.info("could not ask update %s to wait", update.update_id)


def _in_their_language(update: Update, translations: Translations) -> Translator:
    """Telegram's language of the sender: what is said before (or without) their account."""
    code = update.effective_user.language_code if update.effective_user else None
    return translations.get(match_language(code, translations.default))


def _update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        if getattr(update, kind) is not None:
            return kind
    return "other"


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [TypeHandler(Update, prepare)]
