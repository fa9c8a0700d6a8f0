"""Screens to Bot API calls: the only place that knows how a `Screen` looks on Telegram,
and the only place that encodes a button's intent into callback data."""

from __future__ import annotations

import html

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from app.context import AllianceContext
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
    context: AllianceContext, chat_id: int, t: Translator, *screens: Screen
) -> list[Message]:
    """Send screens in order, one message each, in the person's language and direction."""
    return [
        await context.bot.send_message(
            chat_id,
            t.directional(screen.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(t, screen),
        )
        for screen in screens
    ]


async def answer(update: Update, context: AllianceContext, t: Translator, *screens: Screen) -> None:
    """Reply in the chat the update came from, acknowledging a tapped button first."""
    if update.callback_query is not None:
        await acknowledge(update.callback_query)
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, t, *screens)


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
