"""What people do again and again in these tests, said once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.context import AllianceContext
from emulator import BotMessage, FakeUser
from handlers.notify import send_due_reminders
from storage.models import Reminder
from tests.harness import BotHarness

CAF = "CAF : RSA, prime d'activité, logement"
PREFECTURE = "Préfecture : titre de séjour, adresse"


async def onboard(bot: BotHarness, user: FakeUser, payload: str = "") -> None:
    """/start (maybe with an invite code), French, agree."""
    await bot.say(user, f"/start {payload}".strip())
    await bot.tap(user, "✓ Français")
    await bot.tap(user, "✅ J'accepte")


def sent(answer: list[BotMessage]) -> list[BotMessage]:
    """The messages created in answer, leaving out those edited (a tapped question that
    now shows the choice): what counts against Telegram's ~30 messages a second."""
    return [message for message in answer if not message.edited]


WAY_QUESTION = "Comment voulez-vous faire cette démarche ?"
ON_MY_OWN = "Par moi-même"


async def open_flow(
    bot: BotHarness, user: FakeUser, category: str, title: str, *, way: str | None = ON_MY_OWN
) -> list[BotMessage]:
    """Menu → Démarches → a category → a flow; a procedure begins by asking the way, which
    is answered with `way` (None: left for the test)."""
    await bot.say(user, "/menu")
    await bot.tap(user, "📋 Démarches")
    await bot.tap(user, category)
    answer = await bot.tap(user, title)
    if way is not None and WAY_QUESTION in user.last_message.text:
        answer = await bot.tap(user, way)
    return answer


async def advance_until(bot: BotHarness, user: FakeUser, label: str, limit: int = 30) -> None:
    """Continue (or take the first answer) until a step offers the button `label`."""
    for _ in range(limit):
        labels = user.last_message.button_labels
        if label in labels:
            return
        await bot.tap(user, "Continuer ➡️" if "Continuer ➡️" in labels else labels[0])
    raise AssertionError(f"no step offered {label!r}")


async def reminders_due(bot: BotHarness) -> None:
    """The reminder job's pass at the test's time, then the sender's: what was due has
    been tried when this returns."""
    await send_due_reminders(job_context(bot))
    await bot.services.work.flush_outbox()


async def outbox_pass(bot: BotHarness) -> None:
    """The sender's pass (retries due at the test's time): tried when this returns."""
    await bot.services.work.flush_outbox()


def job_context(bot: BotHarness) -> AllianceContext:
    """The context PTB hands a scheduled job, to run a job at a time the test chose."""
    assert bot.application is not None
    return AllianceContext(bot.application)


async def reach_rsa_request(bot: BotHarness, user: FakeUser) -> None:
    """Open "Demander le RSA" and go on to the step where the request is made on caf.fr
    (an action step with a "did it work?" some days later)."""
    await open_flow(bot, user, CAF, "Demander le RSA")
    for _ in range(30):
        step = user.last_message
        if (
            "✅ C'est fait" in step.button_labels
            and "caf.fr" in step.text
            and "demande" in step.text
        ):
            return
        labels = step.button_labels
        chosen = "Oui" if "Avez-vous déjà un compte" in step.text else None
        await bot.tap(user, chosen or ("Continuer ➡️" if "Continuer ➡️" in labels else labels[0]))
    raise AssertionError("the RSA request step was not reached")


async def a_check_reminder_due(bot: BotHarness, user: FakeUser) -> None:
    """The person says the RSA request is made; its "did it work?" falls due (the clock
    is moved to just after it)."""
    await reach_rsa_request(bot, user)
    await bot.tap(user, "✅ C'est fait")
    async with bot.services.db() as session:
        check = await session.scalar(select(Reminder).where(Reminder.kind == "check"))
    assert check is not None
    bot.clock.set(check.due_at + timedelta(minutes=1))


async def walk(
    bot: BotHarness, user: FakeUser, answers: dict[str, str], typed: dict[str, str]
) -> list[str]:
    """Go through a flow as a person would: continue, pick the answers given (first
    option otherwise), "done" on actions, type dates; stop at the end. Returns step headers."""
    seen = []
    for _ in range(40):
        step = user.last_message
        seen.append(step.text.split("\n")[0])
        labels = step.button_labels
        if "🌟 Mon parcours" in labels:
            return seen
        chosen = next(
            (label for key, label in answers.items() if key in step.text and label in labels), None
        )
        if "⌨️ Écrire la date" in labels and chosen is None:
            await bot.tap(user, "⌨️ Écrire la date")
            date_text = next(value for key, value in typed.items() if key in step.text)
            await bot.say(user, date_text)
        elif chosen is not None:
            await bot.tap(user, chosen)
        elif "Continuer ➡️" in labels:
            await bot.tap(user, "Continuer ➡️")
        elif "✅ C'est fait" in labels:
            await bot.tap(user, "✅ C'est fait")
        else:
            await bot.tap(user, labels[0])
    raise AssertionError(f"no end reached: {seen}")


async def later_on_the_first_action(
    bot: BotHarness, user: FakeUser
) -> tuple[BotMessage, list[BotMessage]]:
    """An onboarded person opens "Demander le RSA", goes on to its first action step and
    asks to be reminded tomorrow there; returns that step, and what the bot answered."""
    await open_flow(bot, user, CAF, "Demander le RSA")
    await advance_until(bot, user, "⏰ Plus tard")
    step = user.last_message
    await bot.tap(user, "⏰ Plus tard")
    return step, await bot.tap(user, "Demain")
