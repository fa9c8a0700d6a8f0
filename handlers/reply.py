"""Screens to Bot API calls: the only place that knows how a `Screen` looks on Telegram,
and the only place that encodes a button's intent into callback data."""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from app.context import AllianceContext
from app.pacing import Traffic
from core.i18n import Translator
from core.intents import encode
from core.screens import Button, Screen


def keyboard(t: Translator, screen: Screen) -> InlineKeyboardMarkup | None:
    if not screen.buttons:
        return None
    return InlineKeyboardMarkup([[_button(t, b) for b in row] for row in screen.buttons])


def _button(t: Translator, button: Button) -> InlineKeyboardButton:
    data = encode(button.intent) if button.intent is not None else None
    return InlineKeyboardButton(t.directional(button.label), callback_data=data, url=button.url)


async def send(
    context: AllianceContext,
    chat_id: int,
    t: Translator,
    screen: Screen,
    traffic: Traffic = Traffic.CONVERSATION,
) -> tuple[Message]:
    """Send one screen as one message, in the person's language and direction.

    One screen only: an answer said in several parts is joined first (`core.screens.joined`),
    because each message counts against Telegram's ~30 a second for the whole bot. A one-tuple,
    so that callers unpack the message they keep (`(message,) = await send(...)`)."""
    message = await context.bot.send_message(
        chat_id,
        t.directional(screen.text),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(t, screen),
        rate_limit_args=traffic,  # a reply is never paced behind bulk (app/pacing.py)
    )
    return (message,)


async def answer(update: Update, context: AllianceContext, t: Translator, screen: Screen) -> None:
    """Reply with one message in the chat the update came from, acknowledging a tapped
    button first."""
    if update.callback_query is not None:
        await acknowledge(update.callback_query)
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, t, screen)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner. An answer that comes too late is not worth an error."""
    try:
        await query.answer()
    except BadRequest as error:
        if "query is too old" not in str(error).lower():
            raise


async def settle(query: CallbackQuery, t: Translator, chosen: str) -> None:
    """Turn a question into a record of the answer: its buttons go, the choice shows.
    The caller then answers with `answer`, which acknowledges the button."""
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return
    try:
        await message.edit_text(
            f"{message.text_html}\n\n{t.directional('→ ' + html.escape(chosen))}",
            parse_mode=ParseMode.HTML,
            reply_markup=None,
        )
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():
            raise
