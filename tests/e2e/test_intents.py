"""What typed intents promise a person, over HTTP: an old button always leads on, names
and titles show as typed, and an update costs the transactions it needs and no more."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event

from app.settings import Queue, Settings
from emulator import BotApiEmulator, BotMessage
from tests.clock import FakeClock
from tests.e2e.steps import CAF, advance_until, onboard, open_flow
from tests.e2e.test_people import code_in, shell
from tests.harness import BotHarness, texts
from tests.processes import ROOT

QUARTERLY = "Déclarer mes ressources tous les 3 mois"
QUARTERLY_FILE = Path("caf") / "declaration-trimestrielle.yaml"


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    """A copy of the shipped flows that the test edits, as a mediator would."""
    copy = tmp_path / "definitions"
    shutil.copytree(ROOT / "flows" / "definitions", copy)
    return copy


@pytest.fixture
async def editable_bot(
    emulator: BotApiEmulator, settings: Settings, clock: FakeClock, flows_dir: Path
) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, replace(settings, flows_dir=flows_dir), clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def edit_flow(flows_dir: Path, *changes: tuple[str, str]) -> None:
    path = flows_dir / QUARTERLY_FILE
    text = path.read_text(encoding="utf-8")
    for pattern, replacement in changes:
        text, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        assert count, pattern
    path.write_text(text, encoding="utf-8")


async def a_mediator(bot: BotHarness, emulator: BotApiEmulator) -> object:
    shell(bot, "site", "add", "--name", "Espace numérique", "--timezone", "Europe/Paris",
          "--holidays", "metropole")  # fmt: skip
    mediator = emulator.user(1401, first_name="Léo")
    code = code_in(shell(bot, "invite", "mediator", "--site", "Espace numérique"))
    await bot.say(mediator, f"/start {code}")
    return mediator


def leads_on(messages: list[BotMessage]) -> None:
    """Never a dead end: the last message has a button, and no message ends in a colon."""
    assert messages, "never silence"
    assert messages[-1].button_labels, f"no way on after: {messages[-1].text!r}"
    for message in messages:
        assert not message.text.rstrip().endswith(":"), message.text


async def test_an_old_button_after_a_flow_reload_leads_on(
    editable_bot: BotHarness, emulator: BotApiEmulator, flows_dir: Path
) -> None:
    bot = editable_bot
    mediator = await a_mediator(bot, emulator)
    person = emulator.user(1402, first_name="Awa")
    await onboard(bot, person)
    await open_flow(bot, person, CAF, QUARTERLY)
    on_date_step = await bot.tap(person, "Continuer ➡️")
    assert "📅 Choisir la date" in on_date_step[-1].button_labels

    # The mediator renames the step the person is on, and reloads the flows.
    edit_flow(
        flows_dir,
        (r"^version: \d+.*$", "version: 99"),  # a new version, whatever it was
        (r"^  last:$", "  last-declaration-date:"),
        (r"^    next: last$", "    next: last-declaration-date"),
    )
    await bot.say(mediator, "/parcours")  # type: ignore[arg-type]
    await bot.tap(mediator, "🔄 Recharger les parcours")  # type: ignore[arg-type]
    reloaded = await bot.tap(mediator, "✅ Oui, recharger")  # type: ignore[arg-type]
    assert "7 parcours rechargés" in texts(reloaded)

    answer = await bot.tap(person, "📅 Choisir la date", message_id=on_date_step[-1].message_id)
    leads_on(answer)
    assert "mise à jour" in texts(answer)
    restarted = await bot.tap(person, "🔄 Reprendre au début")
    assert "étape 1," in restarted[-1].text
    leads_on(restarted)


async def test_a_button_of_a_step_left_behind_shows_where_the_person_is(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1403, first_name="Binta")
    await onboard(bot, person)
    first = await open_flow(bot, person, CAF, QUARTERLY)
    # Moving on settles the step (its buttons go); a button of it can still arrive, from
    # a message Telegram would not let the bot settle, or tapped on two phones at once.
    (old,) = [b.callback_data for row in first[-1].buttons for b in row if b.text == "Continuer ➡️"]
    await bot.tap(person, "Continuer ➡️")
    assert old is not None and not person.bot_message(first[-1].message_id).buttons  # type: ignore[union-attr]
    update_id = await person.tap_data(old, message_id=first[-1].message_id)
    await bot.settle(update_id)
    again = person.messages_since(update_id)
    leads_on(again)
    assert len(again) == 1, "the note and the step are one message"
    assert (
        "Ce bouton est ancien" in again[0].text and "📅 Choisir la date" in again[0].button_labels
    )


async def test_names_and_titles_with_markup_characters_show_as_typed(
    editable_bot: BotHarness, emulator: BotApiEmulator, flows_dir: Path
) -> None:
    """`<`, `>` and `&` in a staff name and a flow title: escaped in HTML texts, plain in
    button labels; the emulator checks every call against the Bot API spec."""
    bot = editable_bot
    name = "Anne <Dupont> & Co"
    shell(bot, "site", "add", "--name", "CCAS & <Co>", "--timezone", "Europe/Paris",
          "--holidays", "metropole")  # fmt: skip
    admin = emulator.user(1404, first_name="Nadia")
    await bot.say(
        admin, f"/start {code_in(shell(bot, 'invite', 'admin', '--site', 'CCAS & <Co>'))}"
    )
    colleague = emulator.user(1405, first_name="Anne")
    code = code_in(shell(bot, "invite", "referent", "--site", "CCAS & <Co>", "--name", name))
    await bot.say(colleague, f"/start {code}")

    team = await bot.tap(admin, "👥 Équipe")
    assert f"• {name} — référent·e" in team[-1].text
    assert f"Désactiver {name}" in team[-1].button_labels

    title = "Ressources & revenus < 3 mois > 0"
    edit_flow(flows_dir, (r"^title: .*$", f'title: "{title}"'))
    await bot.restart()
    person = emulator.user(1406, first_name="Omar")
    await onboard(bot, person)
    await bot.say(person, "/demarches")
    listing = await bot.tap(person, CAF)
    assert title in listing[-1].button_labels
    opening = await bot.tap(person, title)  # the title, then the way asked once
    assert opening[-1].text.startswith(f"{title}\n")
    step = await bot.tap(person, "Par moi-même")
    assert step[-1].text.startswith(f"{title} — étape 1,")
    await bot.tap(person, "⏸ Pause")
    menu = await bot.say(person, "/menu")
    assert any(label.startswith(f"▶️ Continuer : {title}") for label in menu[-1].button_labels)


@pytest.fixture
def transactions(bot: BotHarness) -> Iterator[list[str]]:
    """Every transaction the bot opens for an update, counted at the engine. Scheduled
    work (reminders, the outbox's periodic wake, housekeeping) runs on the wall clock
    meanwhile: its transactions are told apart by the task's name and not counted."""
    begun: list[str] = []
    sync_engine = bot.services.engine.sync_engine

    def count(_connection: object) -> None:
        task = asyncio.current_task()
        if task is not None and " update " in task.get_name():
            begun.append(task.get_name())

    event.listen(sync_engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(sync_engine, "begin", count)


async def test_an_update_costs_the_transactions_it_needs(
    bot: BotHarness, emulator: BotApiEmulator, transactions: list[str]
) -> None:
    """Who is writing is found once. A tap costs four transactions: stored in the inbox
    before Telegram is told, who is writing, the use case, done in the inbox; a typed date
    likewise. A message the bot cannot use costs one more: whether a human holds the
    conversation, counted as not understood in the same transaction (a second offers a
    human). On the job queue, one more each: the job reads the update back."""
    cost = 5 if bot.settings.queue is Queue.PROCRASTINATE else 4
    person = emulator.user(1407, first_name="Dara")
    await onboard(bot, person)
    first = await open_flow(bot, person, CAF, QUARTERLY)

    transactions.clear()
    await bot.say(person, "bonjour")
    assert len(transactions) == cost + 1, "the relay's look and the count, in one"

    transactions.clear()
    await bot.tap(person, "Continuer ➡️", message_id=first[-1].message_id)
    assert len(transactions) == cost

    await advance_until(bot, person, "⌨️ Écrire la date")
    await bot.tap(person, "⌨️ Écrire la date")
    transactions.clear()
    await bot.say(person, "01/11/2026")
    assert len(transactions) == cost, "stored, who is writing, the date answered, done"


async def test_a_typed_answer_is_awaited_only_until_the_person_taps_something_else(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1408, first_name="Eli")
    await onboard(bot, person)
    await open_flow(bot, person, CAF, QUARTERLY)
    await bot.tap(person, "Continuer ➡️")
    await bot.tap(person, "⌨️ Écrire la date")
    back = await bot.tap(person, "⬅️ Retour")
    assert "📅 Choisir la date" in back[-1].button_labels
    later = await bot.say(person, "merci")
    assert "Je n'ai pas compris cette date" not in texts(later)
    assert "Je ne sais pas encore lire les messages écrits" in texts(later)
    leads_on(later)


async def test_a_person_asking_for_a_staff_function_is_refused_without_a_staff_button(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1409, first_name="Fatou")
    await onboard(bot, person)
    refused = await bot.say(person, "/journal")
    assert len(refused) == 1, "the refusal and the person's menu, in one message"
    assert "pas accès" in refused[0].text and "Que voulez-vous faire ?" in refused[0].text
    assert "⬅️ Espace professionnel" not in refused[0].button_labels
    assert "📋 Démarches" in refused[0].button_labels
