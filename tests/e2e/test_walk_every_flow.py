"""Every procedure walked in every language, as a person walks it (issue 9): each step
reached, each answer tried, each date path taken, with the person's own taps and typing.

On every screen of the walk: no message over 500 characters; nothing inside a step (a
tick, an item's help, the way, a picker left) sends a new message, and moving on sends
at most one; no congratulation on an ending that is not a procedure done; every screen
with buttons offers a way to a human. The walk finds its way by the buttons' intents, not
their words, so it is the same walk in French, English, Arabic and Ukrainian.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from core.intents import (
    AnswerConsent,
    ChooseLanguage,
    ChooseOption,
    ChooseWay,
    Consent,
    Intent,
    OpenFlow,
    RestartFlow,
    ShowCatalog,
    ShowCategory,
    ShowHelp,
    ShowItemHelp,
    ShowMenu,
    ShowSupport,
    StepOp,
    StepTap,
    TickItem,
    decode_tap,
)
from core.languages import SUPPORTED_LANGUAGES
from emulator import BotApiEmulator, BotMessage, FakeUser
from flows.catalog import flow_ref
from flows.engine import Mode, Progress
from flows.model import Ending, Flow, Past, Step, StepKind
from storage import persons as person_store
from storage import progress as progress_store
from tests.e2e.steps import sent
from tests.harness import BotHarness, texts
from tests.test_screens import CONGRATULATIONS

LIMIT = 500  # characters a person reads in one message (the house rule)
RIGHT_TO_LEFT_MARK = "\u200f"
# Offsets from today of the dates typed on date steps: before, inside and after each
# window the flows compute (the permit's: 4 months to 2 months ahead; expired 3 months).
DATE_OFFSETS = (150, 90, 61, 30, 5, -20, -243, -400)

Action = tuple[str, object]  # ("op", StepOp) | ("option", index) | ("date", typed text)
HUMAN_WAYS = (ShowHelp, ShowSupport)


def _intent(data: str | None) -> Intent | None:
    return decode_tap(data)


Wanted = Callable[[Intent | None], bool]


def _step_op(op: StepOp) -> Wanted:
    return lambda i: isinstance(i, StepTap) and i.op is op


def keyboard(user: FakeUser) -> BotMessage:
    """The last message with buttons: the one the person taps."""
    for message in reversed(user.messages):
        if message.buttons:
            return message
    raise AssertionError(f"no keyboard in chat {user.chat_id}")


async def tap_intent(bot: BotHarness, user: FakeUser, wanted: Wanted) -> list[BotMessage]:
    """Tap the button carrying the intent `wanted`, whatever its words in this language."""
    message = keyboard(user)
    for row in message.buttons:
        for button in row:
            if button.callback_data and wanted(_intent(button.callback_data)):
                # By its data: labels repeat ("ℹ️" beside each item of a checklist).
                update_id = await user.tap_data(button.callback_data, message_id=message.message_id)
                await bot.settle(update_id)
                return user.messages_since(update_id)
    raise AssertionError(f"no such button in {message.button_labels}")


def _is_stuck(intent: Intent | None) -> bool:
    return isinstance(intent, StepTap) and intent.op is StepOp.STUCK


@dataclass
class Walk:
    """One person walking one flow in one language, remembering where they have been."""

    bot: BotHarness
    user: FakeUser
    flow: Flow
    language: str
    today: date
    visited: set[str] = field(default_factory=set)
    expanded: set[tuple[str, object]] = field(default_factory=set)
    taps: int = 0
    too_long: list[tuple[str, int, str]] = field(default_factory=list)

    # What the person does

    async def tap(self, wanted: Wanted, inside: bool) -> None:
        """Tap the button of the last keyboard whose intent is `wanted`; check the answer."""
        answer = await tap_intent(self.bot, self.user, wanted)
        self.taps += 1
        await self.check(answer, inside=inside)

    async def say(self, text: str) -> None:
        answer = await self.bot.say(self.user, text)
        self.taps += 1
        await self.check(answer, inside=False)

    def offers(self, wanted: Wanted) -> bool:
        return any(
            wanted(_intent(button.callback_data))
            for row in keyboard(self.user).buttons
            for button in row
        )

    # What must hold on every screen

    async def check(self, answer: list[BotMessage], *, inside: bool) -> None:
        where = self._where()
        for message in answer:
            plain = message.text.replace(RIGHT_TO_LEFT_MARK, "")
            if self.language == "ar":  # a settled answer's arrow points the reading way
                assert "\n\n" + RIGHT_TO_LEFT_MARK + "→" not in message.text, (where, message.text)
            if not message.buttons:  # a settled step: read before, now with the answer's echo
                plain = re.sub(r"\n\n[→←] [^\n]*$", "", plain)
            if len(plain) > LIMIT:
                self.too_long.append((where, len(plain), plain[:80]))
            if message.buttons:
                intents = [_intent(b.callback_data) for row in message.buttons for b in row]
                human = [i for i in intents if _is_stuck(i) or isinstance(i, HUMAN_WAYS)]
                if not any(hasattr(i, "step") for i in intents):  # the menu's pages
                    human += [i for i in intents if isinstance(i, ShowMenu)]  # help is there
                assert human, (where, "no way to a human", message.button_labels)
        new = sent(answer)
        if inside:
            assert not new, (where, "a new message inside a step", [m.text[:60] for m in new])
        elif len(new) == 2:  # notes too long to join go first, in a message of their own
            lead, shown = new
            assert not lead.buttons, (where, "a step copy re-sent", lead.text[:60])
            together = len(lead.text) + 2 + len(shown.text.replace(RIGHT_TO_LEFT_MARK, ""))
            assert together > LIMIT, (where, "notes sent apart though they fit", lead.text)
        else:
            assert len(new) <= 1, (where, "a step copy re-sent", [m.text[:60] for m in new])
        progress = await self.progress()
        if progress is None:
            return
        step = self.flow.step(progress.current)
        assert step is not None
        if step.kind is StepKind.END and step.ending is Ending.NOT_YET:
            said = texts(answer)
            found = [word for word in CONGRATULATIONS[self.language] if word in said]
            assert not found, (where, "congratulated on an ending not settled", found)

    # Where the person is

    async def progress(self) -> Progress | None:
        async with self.bot.services.db() as session:
            person = await person_store.find_person(session, self.user.id)
            assert person is not None
            row = await progress_store.find(session, person.id, self.flow.id)
            return progress_store.read(row) if row is not None else None

    async def current(self) -> str:
        progress = await self.progress()
        assert progress is not None, self._where()
        return progress.current

    def _where(self) -> str:
        return f"{self.flow.id} in {self.language}"

    # The walk

    async def open(self) -> None:
        """Menu → procedures → the category → the flow (again after an end: a new start),
        then the way, asked once at the start: on my own."""
        await self.say("/menu")
        await self.tap(lambda i: isinstance(i, ShowCatalog), inside=False)
        await self.tap(
            lambda i: isinstance(i, ShowCategory) and i.category == self.flow.category,
            inside=False,
        )
        await self.tap(
            lambda i: isinstance(i, OpenFlow) and i.flow == flow_ref(self.flow), inside=False
        )
        if self.offers(lambda i: isinstance(i, RestartFlow)):
            await self.tap(lambda i: isinstance(i, RestartFlow), inside=False)
        if self.offers(lambda i: isinstance(i, ChooseWay)):
            await self.tap(lambda i: isinstance(i, ChooseWay) and i.mode is Mode.OWN, inside=True)

    async def perform(self, action: Action) -> None:
        kind, value = action
        if kind == "op":
            await self.tap(lambda i: isinstance(i, StepTap) and i.op is value, inside=False)
        elif kind == "option":
            await self.tap(lambda i: isinstance(i, ChooseOption) and i.option == value, False)
        else:
            await self.tap(lambda i: isinstance(i, StepTap) and i.op is StepOp.TYPE_DATE, True)
            assert isinstance(value, str)
            await self.say(value)

    async def explore(self, path: tuple[Action, ...]) -> None:
        """Everything reachable from the step `path` leads to, depth first; back to it
        after each branch (Back, or a new start and the same path from an end)."""
        progress = await self.progress()
        assert progress is not None
        here = progress.current
        self.visited.add(here)
        # The dates given lead the way on (a window open or not): a step is explored
        # again for other dates.
        key = (here, tuple(sorted(progress.answers.items())))
        if key in self.expanded:
            return
        self.expanded.add(key)
        step = self.flow.step(here)
        assert step is not None
        if not path:
            assert not self.offers(lambda i: isinstance(i, StepTap) and i.op is StepOp.BACK)
        await self.inside_the_step()
        for action in self.ways_on(step):
            await self.perform(action)
            if await self.current() != here:
                await self.explore((*path, action))
                await self.return_to(here, path)

    async def inside_the_step(self) -> None:
        """What a person does without leaving the step: edited in place, never re-sent."""
        if self.offers(lambda i: isinstance(i, ShowItemHelp)):
            await self.tap(lambda i: isinstance(i, ShowItemHelp), inside=True)
        while self.offers(lambda i: isinstance(i, TickItem) and not self._ticked(i)):
            await self.tap(lambda i: isinstance(i, TickItem) and not self._ticked(i), True)
        if self.offers(lambda i: isinstance(i, StepTap) and i.op is StepOp.WAY):
            await self.tap(lambda i: isinstance(i, StepTap) and i.op is StepOp.WAY, inside=True)
            await self.tap(lambda i: isinstance(i, ChooseWay) and i.mode is Mode.OWN, True)
        if self.language == "ar" and self.offers(
            lambda i: isinstance(i, StepTap) and i.op is StepOp.BACK
        ):
            (back,) = [
                b.text
                for row in keyboard(self.user).buttons
                for b in row
                if _step_op(StepOp.BACK)(_intent(b.callback_data))
            ]
            assert "➡️" in back and "⬅️" not in back, ("back points right in Arabic", back)

    def _ticked(self, intent: Intent | None) -> bool:
        """A ticked item's button starts with ✅ (its intent is the same either way)."""
        for row in keyboard(self.user).buttons:
            for button in row:
                if _intent(button.callback_data) == intent:
                    return "✅" in button.text
        return True

    def ways_on(self, step: Step) -> list[Action]:
        actions: list[Action] = []
        for op in (StepOp.CONTINUE, StepOp.DONE, StepOp.CANNOT):
            if self.offers(_step_op(op)):
                actions.append(("op", op))
        options = sorted(
            {
                i.option
                for row in keyboard(self.user).buttons
                for b in row
                if isinstance(i := _intent(b.callback_data), ChooseOption)
            }
        )
        actions.extend(("option", option) for option in options)
        if self.offers(lambda i: isinstance(i, StepTap) and i.op is StepOp.TYPE_DATE):
            actions.extend(("date", typed) for typed in self._dates(step))
        return actions

    def _dates(self, step: Step) -> list[str]:
        """Dates around every window, typed in numbers; one in words, in the person's
        language, as their phone's calendar would write it."""
        past = step.past
        days = [self.today + timedelta(days=offset) for offset in DATE_OFFSETS]
        if past is Past.ONLY:
            days = [day for day in days if day <= self.today]
        elif past is Past.FORBIDDEN:
            days = [day for day in days if day >= self.today]
        typed = [day.strftime("%d/%m/%Y") for day in days[1:]]
        return [format_date(days[0], "long", locale=self.language), *typed]

    async def return_to(self, step_id: str, path: tuple[Action, ...]) -> None:
        for _ in range(len(self.flow.steps) + 2):
            if await self.current() == step_id:
                return
            if self.offers(lambda i: isinstance(i, StepTap) and i.op is StepOp.BACK):
                await self.tap(lambda i: isinstance(i, StepTap) and i.op is StepOp.BACK, True)
            else:  # an end: start again and take the same path
                await self.open()
                for action in path:
                    await self.perform(action)
        raise AssertionError(f"{self._where()}: could not get back to {step_id}")


async def onboard_in(bot: BotHarness, user: FakeUser, code: str) -> None:
    await bot.say(user, "/start")
    await tap_intent(bot, user, lambda i: isinstance(i, ChooseLanguage) and i.code == code)
    await tap_intent(
        bot, user, lambda i: isinstance(i, AnswerConsent) and i.choice is Consent.AGREE
    )


@pytest.mark.timeout(900)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the screens, not storage
@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
async def test_every_flow_walked_in_every_language(
    bot: BotHarness, emulator: BotApiEmulator, code: str
) -> None:
    today = bot.clock.now().astimezone(bot.settings.zone).date()
    user = emulator.user(
        7000 + SUPPORTED_LANGUAGES.index(code), first_name="Awa", language_code=code
    )
    await onboard_in(bot, user, code)
    too_long: list[tuple[str, int, str]] = []
    for flow in bot.services.flows.registry.all():
        walk = Walk(bot, user, flow, code, today)
        await walk.open()
        await walk.explore(())
        too_long += walk.too_long
        unseen = {step.id for step in flow.steps} - walk.visited
        assert not unseen, (flow.id, code, "steps the walk never reached", unseen)
    assert not too_long, "\n".join(map(str, too_long))
