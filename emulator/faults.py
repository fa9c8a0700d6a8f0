"""Random misbehaviour, as Telegram and the networks on the way show it, for fault runs.

`BotApiEmulator.misbehave(RandomFaults(...))` makes a share of the calls that act in a
chat go wrong, each in one of four ways:

- **flood**: 429 "retry after 1" before the call runs (no effect);
- **bad gateway**: 502 before the call runs (no effect);
- **slow**: the call runs after a pause, then answers normally;
- **lost answer**: the call runs (the message is sent or edited), then 502: the bot cannot
  know it took effect. This is the fault that makes a retry send a message twice.

Every fault is recorded (`Fault`: which call, which chat, which kind, and its place in
the request log), so that a test can explain each duplicate it finds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

# The calls that act in a chat (others, getUpdates above all, are left alone).
IN_CHAT = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "deleteMessage",
    }
)


class FaultKind(Enum):
    FLOOD = "flood"
    BAD_GATEWAY = "bad_gateway"
    SLOW = "slow"
    LOST_ANSWER = "lost_answer"


@dataclass(frozen=True)
class Fault:
    method: str
    chat_id: object
    kind: FaultKind
    request_index: int  # where the call sits in `BotApiEmulator.requests`


class RandomFaults:
    """A share `rate` of the calls in chats go wrong, the kind drawn at random (seeded);
    never more than `in_a_row` calls in a row in one chat (faults are transient: a chat
    that kept failing would be an outage, another test)."""

    def __init__(
        self, rate: float, *, seed: int = 0, slow_seconds: float = 1.5, in_a_row: int = 2
    ) -> None:
        self.rate = rate
        self.slow_seconds = slow_seconds
        self.in_a_row = in_a_row
        self._random = random.Random(seed)  # noqa: S311 - reproducible faults, not secrets
        self._streaks: dict[object, int] = {}
        self.injected: list[Fault] = []

    def draw(self, method: str, chat_id: object) -> FaultKind | None:
        if method not in IN_CHAT:
            return None
        streak = self._streaks.get(chat_id, 0)
        if streak >= self.in_a_row or self._random.random() >= self.rate:
            self._streaks[chat_id] = 0
            return None
        self._streaks[chat_id] = streak + 1
        return self._random.choice(list(FaultKind))

    def record(self, method: str, chat_id: object, kind: FaultKind, request_index: int) -> None:
        self.injected.append(Fault(method, chat_id, kind, request_index))
