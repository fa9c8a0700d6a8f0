"""Flood control: the model of Telegram's rates, and the 429 answers it gives over HTTP."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from telegram import Bot
from telegram.error import RetryAfter

from emulator import BotApiEmulator, FloodControl, FloodRefusal, TelegramLimits
from emulator.limits import EDIT_METHODS, MESSAGE_METHODS, chat_key
from tests.emulator.conftest import TOKEN, Api, FakeClock

T0 = 1_700_000_000.0


def accepted(flood: FloodControl, method: str, chat_id: object, now: float) -> bool:
    return flood.check(method, chat_id, now) is None


def refusal(flood: FloodControl, method: str, chat_id: object, now: float) -> FloodRefusal:
    refused = flood.check(method, chat_id, now)
    assert refused is not None, f"{method} on {chat_id!r} at {now - T0} s was accepted"
    return refused


# -- the model --------------------------------------------------------------------------------


def test_defaults_are_telegrams_figures_and_nonsense_is_rejected() -> None:
    assert TelegramLimits() == TelegramLimits(
        messages_per_second=30, per_chat_per_second=1, per_chat_burst=3, per_group_per_minute=20
    )
    assert FloodControl().limits == TelegramLimits()
    with pytest.raises(ValueError, match="positive"):
        TelegramLimits(messages_per_second=0)
    with pytest.raises(ValueError, match="at least 1"):
        TelegramLimits(per_chat_burst=0)
    assert "sendMessage" in MESSAGE_METHODS and "editMessageText" in EDIT_METHODS
    assert not MESSAGE_METHODS & EDIT_METHODS


def test_overall_burst_is_refused_with_the_wait_rounded_up() -> None:
    flood = FloodControl(TelegramLimits())
    assert all(accepted(flood, "sendMessage", chat, T0) for chat in range(1, 31))
    assert refusal(flood, "sendMessage", 31, T0) == FloodRefusal("sendMessage", 31, "overall", 1)
    assert refusal(flood, "copyMessage", 31, T0).scope == "overall"
    assert flood.accepted_messages == 30

    slow = FloodControl(TelegramLimits(messages_per_second=0.4))  # one call every 2.5 s
    assert accepted(slow, "sendDocument", 1, T0)
    assert refusal(slow, "sendDocument", 2, T0).retry_after == 3  # 2.5 s, rounded up
    assert refusal(slow, "sendDocument", 2, T0 + 2.4).retry_after == 1  # never 0
    assert accepted(slow, "sendDocument", 2, T0 + 2.5)


def test_overall_bucket_refills_with_time_up_to_its_capacity() -> None:
    flood = FloodControl(TelegramLimits())
    chats = iter(range(1, 1000))  # one message per chat: only the overall scope matters
    assert all(accepted(flood, "sendMessage", next(chats), T0) for _ in range(30))
    assert not accepted(flood, "sendMessage", next(chats), T0)
    assert all(accepted(flood, "sendMessage", next(chats), T0 + 0.1) for _ in range(3))
    assert not accepted(flood, "sendMessage", next(chats), T0 + 0.1)
    # a long pause refills to the capacity, not beyond
    assert all(accepted(flood, "sendMessage", next(chats), T0 + 100) for _ in range(30))
    assert refusal(flood, "sendMessage", next(chats), T0 + 100).scope == "overall"


def test_edits_count_per_chat_but_not_overall() -> None:
    flood = FloodControl(TelegramLimits(messages_per_second=1))
    assert accepted(flood, "sendMessage", 1, T0)
    assert refusal(flood, "sendMessage", 2, T0).scope == "overall"  # the overall bucket is empty
    # ... yet edits go through, up to the chat's own burst
    assert all(accepted(flood, "editMessageText", 2, T0) for _ in range(3))
    assert refusal(flood, "editMessageReplyMarkup", 2, T0) == FloodRefusal(
        "editMessageReplyMarkup", 2, "chat", 1
    )
    # in chat 1 the message already took one of the three tokens
    assert accepted(flood, "editMessageCaption", 1, T0)
    assert accepted(flood, "editMessageMedia", 1, T0)
    assert refusal(flood, "editMessageText", 1, T0).scope == "chat"
    assert flood.accepted_messages == 1  # edits create no message


def test_per_chat_burst_then_one_per_second() -> None:
    flood = FloodControl(TelegramLimits())
    assert all(accepted(flood, "sendMessage", 7, T0) for _ in range(3))
    assert refusal(flood, "sendMessage", 7, T0) == FloodRefusal("sendMessage", 7, "chat", 1)
    assert refusal(flood, "sendMessage", 7, T0 + 0.5).retry_after == 1
    assert accepted(flood, "sendMessage", 8, T0)  # other chats are not affected
    assert accepted(flood, "sendMessage", 7, T0 + 1)
    assert not accepted(flood, "sendMessage", 7, T0 + 1.5)
    assert accepted(flood, "sendMessage", 7, T0 + 2)
    # a quiet chat gets its burst back, but only its burst
    assert all(accepted(flood, "sendMessage", 7, T0 + 60) for _ in range(3))
    assert not accepted(flood, "sendMessage", 7, T0 + 60)

    slow = FloodControl(TelegramLimits(per_chat_per_second=0.25, per_chat_burst=1))
    assert accepted(slow, "sendMessage", 7, T0)
    assert refusal(slow, "sendMessage", 7, T0 + 1).retry_after == 3


def test_group_sliding_window_of_sixty_seconds() -> None:
    flood = FloodControl(TelegramLimits())
    group = -100
    for i in range(20):  # one every 2 s: T0 .. T0 + 38
        assert accepted(flood, "sendMessage", group, T0 + 2 * i)
    assert refusal(flood, "sendMessage", group, T0 + 40) == FloodRefusal(
        "sendMessage", group, "group", 20
    )
    assert refusal(flood, "sendMessage", group, T0 + 59.5).retry_after == 1
    assert accepted(flood, "sendMessage", -200, T0 + 40)  # another group has its own window
    assert accepted(flood, "sendMessage", group, T0 + 60)  # the call at T0 left the window
    assert refusal(flood, "sendMessage", group, T0 + 60).retry_after == 2  # the one at T0 + 2
    # groups have no per-second bucket, and edits there are not limited
    burst = FloodControl(TelegramLimits())
    assert all(accepted(burst, "sendMessage", group, T0) for _ in range(20))
    assert all(accepted(burst, "editMessageText", group, T0) for _ in range(50))
    assert refusal(burst, "sendMessage", group, T0).retry_after == 60


def test_refused_calls_consume_nothing() -> None:
    flood = FloodControl(TelegramLimits(messages_per_second=2, per_chat_burst=1))
    assert accepted(flood, "sendMessage", 1, T0)
    for _ in range(10):  # refused in the chat: must not take the last overall token
        assert refusal(flood, "sendMessage", 1, T0).scope == "chat"
    assert accepted(flood, "sendMessage", 2, T0)
    for _ in range(10):  # refused overall: must not take chat 3's token
        assert refusal(flood, "sendMessage", 3, T0).scope == "overall"
    assert accepted(flood, "sendMessage", 3, T0 + 0.5)
    assert flood.accepted_messages == 3

    chat = FloodControl(TelegramLimits())
    assert all(accepted(chat, "sendMessage", 7, T0) for _ in range(3))
    for step in range(10):  # hammering while waiting does not push the refill back
        assert not accepted(chat, "sendMessage", 7, T0 + step / 10)
    assert accepted(chat, "sendMessage", 7, T0 + 1)

    group = FloodControl(TelegramLimits(per_group_per_minute=1))
    assert accepted(group, "sendMessage", -5, T0)
    for step in range(60):
        assert not accepted(group, "sendMessage", -5, T0 + step)
    assert accepted(group, "sendMessage", -5, T0 + 60)


def test_the_longest_wait_is_reported() -> None:
    flood = FloodControl(TelegramLimits(messages_per_second=1, per_chat_per_second=0.2))
    assert accepted(flood, "sendMessage", 7, T0)
    # the overall bucket refills in 1 s, chat 7's still has 2 tokens: overall is the limit
    assert refusal(flood, "sendMessage", 7, T0) == FloodRefusal("sendMessage", 7, "overall", 1)
    assert all(accepted(flood, "sendMessage", 7, T0 + i) for i in (1, 2))
    # chat 7 is down to 0.4 token: it needs 3 s, overall only 1 s
    assert refusal(flood, "sendMessage", 7, T0 + 2) == FloodRefusal("sendMessage", 7, "chat", 3)


def test_unlimited_methods_and_chat_id_forms() -> None:
    flood = FloodControl(TelegramLimits(messages_per_second=1, per_chat_burst=1))
    for method in ("answerCallbackQuery", "getUpdates", "getMe", "setMyCommands"):
        assert all(accepted(flood, method, None, T0) for _ in range(100))
    for method in ("deleteMessage", "sendChatAction"):
        assert all(accepted(flood, method, 7, T0) for _ in range(100))
    assert accepted(flood, "sendMessage", "7", T0)  # digits are chat 7 ...
    assert refusal(flood, "editMessageText", 7, T0) == FloodRefusal("editMessageText", 7, "chat", 1)
    assert refusal(flood, "sendMessage", "-100", T0).chat_id == -100
    # ... a username is limited only overall, and an edit of an inline message not at all
    assert refusal(flood, "sendMessage", "@channel", T0) == FloodRefusal(
        "sendMessage", "@channel", "overall", 1
    )
    assert all(accepted(flood, "editMessageText", None, T0) for _ in range(10))
    assert all(accepted(flood, "editMessageText", "@channel", T0) for _ in range(10))
    assert [chat_key(v) for v in (7, "7", "-100", -3, "@x", "", "-", "1.5", True, None)] == [
        7,
        7,
        -100,
        -3,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


# -- over HTTP --------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def limited(fake_clock: FakeClock) -> AsyncIterator[BotApiEmulator]:
    fake = BotApiEmulator(token=TOKEN, clock=fake_clock, limits=TelegramLimits())
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest_asyncio.fixture
async def limited_api(limited: BotApiEmulator) -> AsyncIterator[Api]:
    base_url = f"{limited.base_url}{limited.token}/"
    async with httpx.AsyncClient(base_url=base_url, trust_env=False) as client:
        yield Api(client)


def retry_seconds(error: RetryAfter) -> float:
    """``retry_after`` whether PTB gives it as an int (deprecated) or as a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@pytest.mark.asyncio
async def test_http_429_has_telegrams_shape_and_no_effect(
    limited: BotApiEmulator, limited_api: Api, fake_clock: FakeClock
) -> None:
    user = limited.user(7)
    for i in range(3):
        await limited_api.call("sendMessage", chat_id=7, text=f"m{i}")
    response = await limited_api.raw("sendMessage", chat_id=7, text="too fast")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert [m.text for m in user.messages] == ["m0", "m1", "m2"]
    # an edit in the same chat is refused too, and leaves the message as it was
    status, _ = await limited_api.error(
        "editMessageText", chat_id=7, message_id=user.messages[0].message_id, text="changed"
    )
    assert status == 429 and user.messages[0].text == "m0" and not user.messages[0].edited
    await limited_api.call("sendChatAction", chat_id=7, action="typing")  # never limited
    assert limited.flood_refusals == [
        FloodRefusal("sendMessage", 7, "chat", 1),
        FloodRefusal("editMessageText", 7, "chat", 1),
    ]
    assert [r.status for r in limited.requests if r.method == "sendMessage"] == [200] * 3 + [429]

    fake_clock.now += 1
    await limited_api.call("sendMessage", chat_id=7, text="later")
    assert user.last_message.text == "later"
    assert limited.flood is not None and limited.flood.accepted_messages == 4


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:.*retry_after:telegram.warnings.PTBDeprecationWarning")
async def test_ptb_raises_retry_after(limited: BotApiEmulator, fake_clock: FakeClock) -> None:
    group = limited.group(-100)
    bot = Bot(limited.token, base_url=limited.base_url)
    async with bot:
        for i in range(20):
            await bot.send_message(-100, f"n{i}")
            fake_clock.now += 1
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(-100, "one too many")
        assert retry_seconds(caught.value) == 40  # the first one leaves the window at T0 + 60
        assert len(group.messages) == 20
        assert limited.flood_refusals == [FloodRefusal("sendMessage", -100, "group", 40)]
        fake_clock.now += 40
        await bot.send_message(-100, "on time")
    assert group.messages[-1].text == "on time"


@pytest.mark.asyncio
async def test_without_limits_nothing_is_refused(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(7)
    group = emu.group(-100)
    for i in range(40):  # all at the same instant of the fake clock
        await api.call("sendMessage", chat_id=7, text=f"p{i}")
        await api.call("sendMessage", chat_id=-100, text=f"g{i}")
    assert len(user.messages) == len(group.messages) == 40
    assert emu.flood is None and emu.flood_refusals == []
