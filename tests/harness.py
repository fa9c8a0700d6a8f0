"""Driving the real bot like a person does: over HTTP, through the Bot API emulator."""

from __future__ import annotations

from app.context import SERVICES_KEY, AllianceApplication, Services
from app.lifecycle import Webhook, running
from app.pacing import Limits
from app.settings import Settings
from app.wiring import ALLOWED_UPDATES, build_application
from emulator import BotApiEmulator, BotMessage, FakeUser
from tests.clock import FakeClock

# Telegram's pace in one chat (a second a message) would make the suite wait in real
# time; the pacing itself is tested in tests/unit/test_pacing.py and measured in bench/.
UNPACED_CHATS = Limits(per_chat_per_second=1000.0, per_chat_burst=1000)


class BotHarness:
    """The bot running against the emulator, restartable, with a clock the test controls."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        settings: Settings,
        clock: FakeClock,
        webhook: Webhook | None = None,
    ) -> None:
        self.emulator = emulator
        self.webhook = webhook
        self.settings = settings
        self.clock = clock
        self.application: AllianceApplication | None = None
        self._running: object | None = None

    @property
    def services(self) -> Services:
        assert self.application is not None
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    async def start(self) -> None:
        self.application = build_application(
            self.settings,
            token=self.emulator.token,
            base_url=self.emulator.base_url,
            clock=self.clock,
            limits=UNPACED_CHATS,
        )
        context = running(self.application, ALLOWED_UPDATES, self.webhook)
        await context.__aenter__()
        self._running = context

    async def stop(self) -> None:
        if self._running is not None:
            context, self._running = self._running, None
            await context.__aexit__(None, None, None)  # type: ignore[attr-defined]

    async def restart(self) -> None:
        """A new process in all but name: nothing survives except the database."""
        await self.stop()
        await self.start()

    async def settle(self, update_id: int) -> None:
        """The update handled, and what it queued for others (a referent told) sent."""
        await self.services.work.handled.wait_done(update_id)
        await self.services.work.quiet()

    async def say(self, user: FakeUser, text: str) -> list[BotMessage]:
        """Send a message and return everything the bot sent or edited in answer."""
        update_id = await user.send_text(text)
        await self.settle(update_id)
        return user.messages_since(update_id)

    async def tap(
        self, user: FakeUser, label: str, message_id: int | None = None
    ) -> list[BotMessage]:
        update_id = await user.tap(label, message_id=message_id)
        await self.settle(update_id)
        return user.messages_since(update_id)


def texts(messages: list[BotMessage]) -> str:
    return "\n---\n".join(message.text for message in messages)
