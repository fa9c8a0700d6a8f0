"""The pacer: conversations never wait for bulk, bulk never provokes a 429.

Driven on a fake clock whose `sleep` moves time on, and checked against the Bot API
emulator's model of Telegram's limits (`emulator.limits.FloodControl`): whatever mix of
bulk messages goes through the pacer, Telegram's model refuses none of them.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from app.pacing import Limits, Pacer, Traffic
from emulator.limits import FloodControl, TelegramLimits


class Telegram:
    """Time that moves only when the pacer sleeps, and Telegram's flood model at it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.flood = FloodControl(TelegramLimits())
        self.refused = 0
        self.accepted: list[tuple[float, str, int]] = []
        self.answer_429: list[int] = []  # retry_after answers to give, whatever the model
        self.errors: list[Exception] = []  # raised by the next calls, in order

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds

    def pacer(self, limits: Limits | None = None) -> Pacer:
        return Pacer(limits, clock=self.clock, sleep=self.sleep)

    async def call(self, pacer: Pacer, endpoint: str, chat: int, traffic: Traffic | None) -> None:
        async def callback(*args: Any, **kwargs: Any) -> bool:
            if self.answer_429:
                raise RetryAfter(self.answer_429.pop(0))
            if self.errors:
                raise self.errors.pop(0)
            refusal = self.flood.check(endpoint, chat, self.now)
            if refusal is not None:
                self.refused += 1
                raise RetryAfter(refusal.retry_after)
            self.accepted.append((self.now, endpoint, chat))
            return True

        await pacer.process_request(callback, (), {}, endpoint, {"chat_id": chat}, traffic)


async def test_bulk_takes_what_the_second_allows_and_leaves_a_reserve() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    start = telegram.now
    for chat in range(1, 61):
        await telegram.call(pacer, "sendMessage", chat, Traffic.BULK)
    at_once = [t for t, _, _ in telegram.accepted if t == start]
    assert len(at_once) == 20, "30 a second, 10 kept for conversations"
    assert telegram.now - start == pytest.approx(40 / 30, abs=0.01)
    assert telegram.refused == 0


async def test_a_conversation_never_waits_and_bulk_gives_way_to_it() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    start = telegram.now
    for chat in range(1, 16):
        await telegram.call(pacer, "sendMessage", chat, None)
    assert telegram.now == start, "replies go at once"
    for chat in range(100, 110):
        await telegram.call(pacer, "sendMessage", chat, Traffic.BULK)
    bulk_times = [t for t, _, c in telegram.accepted if c >= 100]
    assert sum(1 for t in bulk_times if t == start) == 5, "30 - 15 replies - 10 in reserve"
    assert telegram.refused == 0


async def test_edits_do_not_use_the_overall_budget_but_use_the_chats() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    start = telegram.now
    for _ in range(40):
        await telegram.call(pacer, "editMessageText", 7, Traffic.BULK)
    # A burst of 3 in a chat, one kept for the person's answer: 2 at once, then 1 a second.
    assert telegram.now - start == pytest.approx(38.0, abs=0.01)
    assert telegram.refused == 0


async def test_a_chat_gets_one_bulk_message_a_second_after_its_burst() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    for _ in range(5):
        await telegram.call(pacer, "sendMessage", 42, Traffic.BULK)
    times = [t - 1000.0 for t, _, _ in telegram.accepted]
    assert times == pytest.approx([0.0, 0.0, 1.0, 2.0, 3.0], abs=0.01)


async def test_a_group_gets_twenty_a_minute() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    for _ in range(21):
        await telegram.call(pacer, "sendMessage", -500, Traffic.BULK)
    assert telegram.now - 1000.0 == pytest.approx(60.0, abs=0.01)
    assert telegram.refused == 0


async def test_a_retry_after_on_bulk_is_handed_back_and_pauses_all_bulk() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    telegram.answer_429 = [7]
    with pytest.raises(RetryAfter):
        await telegram.call(pacer, "sendMessage", 1, Traffic.BULK)
    await telegram.call(pacer, "sendMessage", 2, Traffic.BULK)
    assert telegram.accepted[0][0] - 1000.0 == pytest.approx(7.0)


async def test_a_retry_after_on_a_reply_is_waited_out_a_few_times() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    telegram.answer_429 = [2, 3]
    await telegram.call(pacer, "sendMessage", 1, Traffic.CONVERSATION)
    assert telegram.accepted == [(1005.0, "sendMessage", 1)]

    telegram.answer_429 = [1, 1, 1, 1]
    with pytest.raises(RetryAfter):
        await telegram.call(pacer, "sendMessage", 1, Traffic.CONVERSATION)


async def test_a_reply_lost_on_the_way_is_tried_again_after_a_pause() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    telegram.errors = [NetworkError("Bad Gateway"), TimedOut()]
    await telegram.call(pacer, "sendMessage", 1, None)
    assert telegram.accepted == [(1001.5, "sendMessage", 1)], "after 0.5 s, then 1 s"


async def test_an_edit_refused_as_not_modified_after_a_lost_answer_had_worked() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    telegram.errors = [NetworkError("Bad Gateway"), BadRequest("Message is not modified: …")]
    await telegram.call(pacer, "editMessageText", 1, None)  # no error: the first try worked

    telegram.errors = [BadRequest("Message is not modified: …")]
    with pytest.raises(BadRequest):  # without a lost answer before, it is the caller's
        await telegram.call(pacer, "editMessageText", 1, None)


async def test_bulk_and_polling_failures_are_not_retried_here() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    telegram.errors = [NetworkError("Bad Gateway")]
    with pytest.raises(NetworkError):  # the outbox records it and tries again later
        await telegram.call(pacer, "sendMessage", 1, Traffic.BULK)
    telegram.errors = [TimedOut()]
    with pytest.raises(TimedOut):  # the updater has its own retries
        await telegram.call(pacer, "getUpdates", 0, None)
    telegram.errors = [NetworkError("Bad Gateway")] * 4
    with pytest.raises(NetworkError):  # three tries again at most
        await telegram.call(pacer, "sendMessage", 1, None)


async def test_calls_that_name_no_chat_or_send_nothing_are_not_paced() -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    for _ in range(100):
        await telegram.call(pacer, "answerCallbackQuery", 1, Traffic.BULK)
    assert telegram.now == 1000.0


calls = st.lists(
    st.tuples(
        st.sampled_from(["sendMessage", "sendDocument", "editMessageText", "copyMessage"]),
        st.one_of(st.integers(1, 6), st.integers(-3, -1)),
        st.floats(0, 2.0),  # seconds since the previous call
    ),
    max_size=150,
)


@settings(max_examples=60, deadline=None)
@given(calls=calls)
async def test_no_mix_of_bulk_messages_provokes_a_429(
    calls: list[tuple[str, int, float]],
) -> None:
    telegram = Telegram()
    pacer = telegram.pacer()
    for endpoint, chat, pause in calls:
        telegram.now += pause
        await telegram.call(pacer, endpoint, chat, Traffic.BULK)
    assert telegram.refused == 0
    assert len(telegram.accepted) == len(calls)
