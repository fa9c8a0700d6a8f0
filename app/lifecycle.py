"""Starting and stopping the application by hand: the webhook mode, the worker, the demo,
the tests.

PTB's `run_polling` owns the event loop and calls the post-init and post-shutdown hooks;
the webhook mode runs our own server (`app.webhook`) and a worker receives nothing (it
takes jobs from PostgreSQL), so they start here, as the demo and the tests do.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram.error import InvalidToken, NetworkError

from app.context import AllianceApplication
from app.webhook import server


@dataclass(frozen=True)
class Webhook:
    url: str
    listen: str
    port: int
    path: str
    secret: str


@asynccontextmanager
async def running(
    application: AllianceApplication,
    allowed_updates: list[str] | None = None,
    webhook: Webhook | None = None,
    poll: bool = True,
) -> AsyncIterator[AllianceApplication]:
    """Long polling (or a webhook, or neither: a worker) until the block exits, with
    `run_polling`'s hooks."""
    await _initialize(application)
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        if webhook is None and poll:
            await updater.start_polling(
                allowed_updates=allowed_updates, timeout=10, poll_interval=0
            )
        http = None
        if webhook is not None:
            http = server(application, webhook.path, webhook.secret)
            http.listen(webhook.port, webhook.listen)
            await application.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=allowed_updates
            )
        await application.start()
        try:
            yield application
        finally:
            if http is not None:
                http.stop()  # no new update; those received are in the inbox
                await http.close_all_connections()
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
                if application.post_stop is not None:
                    await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def serve(
    application: AllianceApplication, allowed_updates: list[str], webhook: Webhook | None
) -> None:
    """Webhook mode, or a worker (`webhook` None: it receives nothing), until SIGINT or
    SIGTERM (or `application.stop_running()`): the loop is run as python-telegram-bot runs
    its own, so that a job may stop the bot; in-flight updates finish, and those not done
    are in the inbox (or the job queue) for the next start."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    context = running(application, allowed_updates, webhook, poll=False)
    try:
        loop.run_until_complete(context.__aenter__())
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, loop.stop)
        try:
            loop.run_forever()
        finally:
            for stop in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(stop)  # a second signal must not cut the stop
            loop.run_until_complete(context.__aexit__(None, None, None))
    finally:
        loop.close()


START_RETRY = (1.0, 2.0, 4.0, 8.0, 16.0)  # seconds: Telegram unreachable at start (a blip)


async def _initialize(application: AllianceApplication) -> None:
    """Reach Telegram (its answer names the bot), retrying a network failure a few times;
    a rejected token is final at once."""
    for pause in (*START_RETRY, None):
        try:
            await application.initialize()
            return
        except InvalidToken:
            raise
        except NetworkError:
            if pause is None:
                raise
            await asyncio.sleep(pause)
