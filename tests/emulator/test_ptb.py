"""A real python-telegram-bot Application against the emulator: no spec violation, no surprise."""

from __future__ import annotations

import socket

import pytest
from telegram import (
    Bot,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from emulator import BotApiEmulator


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes 👍", callback_data="answer:yes"),
                InlineKeyboardButton("No", callback_data="answer:no"),
            ]
        ]
    )
    await update.effective_message.reply_text(
        "<b>Shall we?</b>", parse_mode="HTML", reply_markup=keyboard
    )


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.edit_message_text(f"You chose <i>{query.data.split(':')[1]}</i>", parse_mode="HTML")
    await query.answer("Noted")


@pytest.mark.asyncio
async def test_ptb_application_round_trip() -> None:
    emu = BotApiEmulator(token="42:PTB-round-trip")
    await emu.start()
    app = Application.builder().token(emu.token).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(answer, pattern="^answer:"))
    try:
        async with app:
            await app.bot.set_my_commands([("start", "Start")], language_code="en")
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0)
            await app.start()
            user = emu.user(7, first_name="Ann")

            update_id = await user.send_text("/start")
            question = await user.wait_for_message(
                lambda m: bool(m.buttons), after_update=update_id
            )
            assert question.text == "Shall we?" and question.button_labels == ["Yes 👍", "No"]

            tap_id = await user.tap("Yes")
            edited = await user.wait_for_message(lambda m: m.edited, after_update=tap_id)
            assert edited.message_id == question.message_id and edited.text == "You chose yes"
            assert edited.buttons == []
            await app.stop()
            await app.updater.stop()
        assert [a.text for a in user.callback_answers] == ["Noted"]
    finally:
        await emu.stop()
    assert emu.violations == []
    assert emu.unanswered_callback_queries() == []
    assert emu.commands == {("default", "en"): [{"command": "start", "description": "Start"}]}
    methods = {r.method for r in emu.requests}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage", "editMessageText"} <= methods


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.asyncio
async def test_ptb_webhook_mode() -> None:
    emu = BotApiEmulator(token="43:PTB-webhook")
    await emu.start()
    app = Application.builder().token(emu.token).base_url(emu.base_url).build()
    app.add_handler(CommandHandler("start", start))
    port = free_port()
    try:
        async with app:
            assert app.updater is not None
            await app.updater.start_webhook(
                listen="127.0.0.1",
                port=port,
                url_path="hook",
                webhook_url=f"http://127.0.0.1:{port}/hook",
                secret_token="s3cret-token",
            )
            await app.start()
            assert emu.webhook_url == f"http://127.0.0.1:{port}/hook"
            user = emu.user(8)
            update_id = await user.send_text("/start")
            message = await user.wait_for_message(after_update=update_id)
            assert message.button_labels == ["Yes 👍", "No"]
            await app.stop()
            await app.updater.stop()
    finally:
        await emu.stop()
    assert emu.webhook_deliveries == [(update_id, 200)]
    assert emu.violations == []


@pytest.mark.asyncio
async def test_ptb_bot_methods_parse_and_break_no_rule() -> None:
    emu = BotApiEmulator(token="44:PTB-methods")
    await emu.start()
    user = emu.user(9, first_name="Ann")
    bot = Bot(emu.token, base_url=emu.base_url)
    try:
        async with bot:
            assert bot.username == "alliance_test_bot"
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
            sent = await bot.send_message(
                9, "Hello", reply_markup=keyboard, disable_notification=True
            )
            assert sent.chat.id == 9 and sent.reply_markup == keyboard
            edited = await bot.edit_message_reply_markup(9, sent.message_id, reply_markup=None)
            assert isinstance(edited, Message) and edited.reply_markup is None
            assert await bot.send_chat_action(9, ChatAction.TYPING)
            document = await bot.send_document(9, b"a,b\n", filename="export.csv", caption="Export")
            assert document.document is not None and document.document.file_name == "export.csv"
            assert await bot.delete_message(9, sent.message_id)
            info = await bot.get_webhook_info()
            assert info.url == "" and info.pending_update_count == 0
            scope = BotCommandScopeChat(9)
            assert await bot.set_my_commands([("help", "Help")], scope=scope)
            assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["help"]
            with pytest.raises(BadRequest, match="Message text is empty"):
                await bot.send_message(9, "   ")
            with pytest.raises(Forbidden, match="blocked"):
                user.block()
                await bot.send_message(9, "hi")
    finally:
        await emu.stop()
    assert emu.violations == []
    assert user.last_message.document is not None and user.last_message.document["file_size"] == 4
    assert emu.commands == {("chat", ""): [{"command": "help", "description": "Help"}]}
