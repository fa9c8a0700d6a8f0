"""Screens to Bot API calls: the only place that knows how a `Screen` looks on Telegram,
and the only place that encodes a button's intent into callback data."""

from __future__ import annotations

import html
import logging
import warnings

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.warnings import PTBUserWarning

from app.context import AllianceContext
from app.pacing import Traffic
from core.i18n import RIGHT_TO_LEFT_MARK, Translator
from core.intents import encode
from core.relay import MessageKind, RelayCopy
from core.screens import Button, Edited, MovedOn, Screen, Shown

log = logging.getLogger(__name__)


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
    thread: int | None = None,
) -> tuple[Message]:
    """Send one screen as one message, in the person's language and direction.

    One screen only: an answer said in several parts is joined first (`core.screens.joined`),
    because each message counts against Telegram's ~30 a second for the whole bot. A one-tuple,
    so that callers unpack the message they keep (`(message,) = await send(...)`). A
    screen's `lead` (notes too long to join, `core.screens.joined_within`) goes first."""
    if screen.lead:
        await context.bot.send_message(
            chat_id,
            t.directional(screen.lead),
            parse_mode=ParseMode.HTML,
            message_thread_id=thread,
            rate_limit_args=traffic,
        )
    if screen.document is not None and screen.document.photo:  # a chart: shown in the chat
        message = await context.bot.send_photo(
            chat_id,
            screen.document.data,
            caption=t.directional(screen.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(t, screen),
            message_thread_id=thread,
            rate_limit_args=traffic,
        )
        return (message,)
    if screen.document is not None:  # one message: the file, the text as its caption
        message = await context.bot.send_document(
            chat_id,
            screen.document.data,
            filename=screen.document.name,
            caption=t.directional(screen.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(t, screen),
            message_thread_id=thread,
            rate_limit_args=traffic,
        )
        return (message,)
    message = await context.bot.send_message(
        chat_id,
        t.directional(screen.text),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(t, screen),
        message_thread_id=thread,
        rate_limit_args=traffic,  # a reply is never paced behind bulk (app/pacing.py)
    )
    return (message,)


async def relay(
    context: AllianceContext,
    chat_id: int,
    t: Translator,
    copy: RelayCopy,
    text: str,
    thread: int | None = None,
) -> int:
    """Send (or edit) one relayed message on the other side: a text as a signed message,
    a photo or a document copied by Telegram with a signed caption (copied, never
    forwarded: neither side sees the other's account). The copy's message id."""
    bot, traffic = context.bot, Traffic.BULK
    if copy.edit_of is not None:
        try:
            if copy.kind is MessageKind.TEXT:
                await bot.edit_message_text(
                    text, chat_id, copy.edit_of, parse_mode=ParseMode.HTML, rate_limit_args=traffic
                )
            else:
                await bot.edit_message_caption(
                    chat_id,
                    copy.edit_of,
                    caption=text,
                    parse_mode=ParseMode.HTML,
                    rate_limit_args=traffic,
                )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        return copy.edit_of
    answering = (
        ReplyParameters(copy.reply_to_message_id, allow_sending_without_reply=True)
        if copy.reply_to_message_id
        else None
    )
    if copy.kind is MessageKind.TEXT:
        sent = await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_parameters=answering,
            message_thread_id=thread,
            rate_limit_args=traffic,
        )
        return sent.message_id
    copied = await bot.copy_message(
        chat_id,
        copy.from_chat_id,
        copy.message_id,
        caption=text,
        parse_mode=ParseMode.HTML,
        reply_parameters=answering,
        message_thread_id=thread,
        rate_limit_args=traffic,
    )
    return copied.message_id


async def answer(update: Update, context: AllianceContext, t: Translator, screen: Screen) -> None:
    """Reply with one message in the chat the update came from, acknowledging a tapped
    button first."""
    if update.callback_query is not None:
        await acknowledge(update.callback_query)
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, t, screen)


async def show(update: Update, context: AllianceContext, t: Translator, shown: Shown) -> None:
    """An answer as the screen layer chose it: a new message, the tapped message changed in
    place, or the tapped message settled and the next one sent. Without a tapped message
    (a typed answer), or when Telegram no longer lets it be edited (too old, deleted), the
    answer is sent as a new message: the person always gets it."""
    query = update.callback_query
    match shown:
        case Screen():
            await answer(update, context, t, shown)
        case Edited(screen=screen) if query is not None:
            await _in_place(update, context, t, query, screen)
        case MovedOn(screen=screen, chosen=chosen) if query is not None:
            await acknowledge(query)  # the spinner stops first, whatever follows
            label = chosen if chosen is not None else tapped_label(query)
            if label is not None:
                await settle(query, t, label)
            await _send_here(update, context, t, screen)
        case Edited(screen=screen) | MovedOn(screen=screen):  # typed: nothing to change
            await answer(update, context, t, screen)


async def _in_place(
    update: Update, context: AllianceContext, t: Translator, query: CallbackQuery, screen: Screen
) -> None:
    """The tapped message becomes `screen`; too long for one message, it becomes the
    notes (`lead`) and the screen follows."""
    await acknowledge(query)
    if screen.lead and await _edit(query, t, Screen(screen.lead)):
        await _send_here(update, context, t, screen.without_lead())
    elif not await _edit(query, t, screen):
        await _send_here(update, context, t, screen)


async def _send_here(
    update: Update, context: AllianceContext, t: Translator, screen: Screen
) -> None:
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, t, screen)


async def _edit(query: CallbackQuery, t: Translator, screen: Screen) -> bool:
    """The tapped message rewritten; False when it cannot be (then send instead)."""
    message = query.message
    if not isinstance(message, Message) or screen.document is not None:
        return False  # a file is sent, never edited in
    if message.text is None:  # a file's caption: the file stays, the answer comes below
        return False
    try:
        await message.edit_text(
            t.directional(screen.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(t, screen),
        )
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" in reason:
            return True  # tapped twice: it already shows this
        if _gone(reason):
            return False
        raise
    return True


def _gone(reason: str) -> bool:
    """Telegram's words for a message that can no longer be edited (old, or deleted)."""
    return "can't be edited" in reason or "not found" in reason


def tapped_label(query: CallbackQuery) -> str | None:
    """The label of the button that was tapped, read from the message it belongs to."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text.removeprefix(RIGHT_TO_LEFT_MARK)
    return None


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the button's spinner. It is a courtesy, not the answer: one that comes too
    late, or that Telegram keeps refusing (429s, the network), is not worth an error
    that would keep the real answer from being sent (the spinner stops by itself)."""
    try:
        await query.answer()
    except BadRequest as error:
        if "query is too old" not in str(error).lower():
            raise
    except (RetryAfter, NetworkError):
        log.info("a button's spinner could not be stopped; answering anyway")


async def settle(query: CallbackQuery, t: Translator, chosen: str) -> None:
    """Turn a question into a record of the answer: its buttons go, the choice shows.
    The caller acknowledges the button (before or after: `show` does it first)."""
    message = query.message
    if not isinstance(message, Message):
        return
    if message.text is None:  # a file (a calendar file): it stays, its buttons go
        await _without_buttons(message)
        return
    try:
        await message.edit_text(
            # The arrow turned for the reading direction; the label as the button showed it.
            f"{message.text_html}\n\n{t.directional('→')} {html.escape(chosen)}",
            parse_mode=ParseMode.HTML,
            reply_markup=None,
        )
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" not in reason and not _gone(reason):
            raise


async def _without_buttons(message: Message) -> None:
    """The keyboard removed. Called as a raw method: python-telegram-bot adds the default
    `parse_mode` to `editMessageReplyMarkup`, which has no such parameter."""
    try:
        with warnings.catch_warnings():  # it suggests the method we cannot use here
            warnings.simplefilter("ignore", PTBUserWarning)
            await message.get_bot().do_api_request(
                "editMessageReplyMarkup",
                api_kwargs={"chat_id": message.chat_id, "message_id": message.message_id},
            )
    except BadRequest as error:
        reason = str(error).lower()
        if "message is not modified" not in reason and not _gone(reason):
            raise
