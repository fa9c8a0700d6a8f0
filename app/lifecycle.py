"""Starting and stopping the application by hand, as the demo and the tests do.

PTB's `run_polling`/`run_webhook` own the event loop and call the post-init and
post-shutdown hooks; code that already runs in a loop uses this instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.context import AllianceApplication


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
) -> AsyncIterator[AllianceApplication]:
    """Long polling (or a webhook) until the block exits, with `run_polling`'s hooks."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        if webhook is None:
            await updater.start_polling(
                allowed_updates=allowed_updates, timeout=10, poll_interval=0
            )
        else:
            await updater.start_webhook(
                listen=webhook.listen,
                port=webhook.port,
                url_path=webhook.path,
                webhook_url=webhook.url,
                secret_token=webhook.secret,
                allowed_updates=allowed_updates,
            )
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
