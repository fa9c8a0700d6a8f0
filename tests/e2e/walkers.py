"""A person walking a procedure, for runs where many do at once under faults: onboarding,
then "Demander le RSA" step by step, waiting for each answer as a person does (however
long a restart takes), pausing between taps as a person reading does."""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable

from emulator import BotMessage, FakeUser

STEPS = 3  # flow steps each person walks (to the list of papers)
CAF = "CAF : RSA, prime d'activité, logement"
RSA = "Demander le RSA"
STEP = re.compile(r"étape (\d+)")
NOT_THIS_STEP = "Ce bouton ne correspond pas à cette étape"


class Walker:
    """One person: onboarding, then a procedure, step by step, pausing as people do."""

    def __init__(
        self,
        user: FakeUser,
        rng: random.Random,
        *,
        answer_within: float,
        pause: tuple[float, float] = (0.5, 3.0),
    ) -> None:
        self.user = user
        self.rng = rng
        self.answer_within = answer_within
        self.pause = pause
        self.actions = 0
        self.last_step: BotMessage | None = None

    async def walk(self) -> None:
        await self._say("/start", "Dans quelle langue")
        await self._tap("✓ Français", "Avant de commencer")
        await self._tap("✅ J'accepte", "Que voulez-vous faire")
        await self._say("/menu", "Que voulez-vous faire")
        await self._tap("📋 Démarches", CAF)
        await self._tap(CAF, RSA)
        way = await self._tap(RSA, "Comment voulez-vous faire")  # the way, asked once
        self.last_step = await self._tap("Par moi-même", "étape 1,", on=way)
        for _ in range(STEPS):
            self.last_step = await self.onward()

    async def onward(self, *, settled: bool = False) -> BotMessage:
        """Tap on from the last step seen; the answer is a later step of the flow. Once
        the bot is `settled` (no kill since long), nothing else may come first: not "this
        button is not for this step" (the bot would be behind what the person saw)."""
        step = self.last_step
        assert step is not None
        number = _step_number(step)
        labels = [b.text for row in step.buttons for b in row if b.callback_data is not None]
        label = next((k for k in ("Continuer ➡️", "✅ C'est fait") if k in labels), labels[0])
        update_id = await self.user.tap(label, message_id=step.message_id)
        answer = await self._answered(update_id, lambda m: _step_number(m) > number)
        if settled:
            since = self.user.messages_since(update_id)
            assert not [m for m in since if NOT_THIS_STEP in m.text], "a step was lost"
            assert _step_number(answer) == number + 1, answer.text
        return answer

    async def _say(self, text: str, expected: str) -> BotMessage:
        update_id = await self.user.send_text(text)
        return await self._answered(update_id, _showing(expected))

    async def _tap(self, label: str, expected: str, on: BotMessage | None = None) -> BotMessage:
        message_id = on.message_id if on is not None else None
        tapped = await self.user.tap(label, message_id=message_id)
        return await self._answered(tapped, _showing(expected))

    async def _answered(self, update_id: int, answer: Callable[[BotMessage], bool]) -> BotMessage:
        found = await self.user.wait_for_message(
            answer, after_update=update_id, timeout=self.answer_within
        )
        self.actions += 1
        await asyncio.sleep(self.rng.uniform(*self.pause))  # reading, as people do
        return found


def _showing(expected: str) -> Callable[[BotMessage], bool]:
    return lambda message: expected in message.text or expected in message.button_labels


def _step_number(message: BotMessage) -> int:
    found = STEP.findall(message.text)
    return int(found[0]) if found else 0
