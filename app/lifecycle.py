"""Starting and stopping the application by hand, as the demo and the tests do.

PTB's `run_polling`/`run_webhook` own the event loop and call the post-init and
post-shutdown hooks; code that already runs in a loop uses this instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.context import AllianceApplication


@asynccontextmanager
async def running(
    application: AllianceApplication, allowed_updates: list[str] | None = None
) -> AsyncIterator[AllianceApplication]:
    """Long polling until the block exits, with the same hooks as `run_polling`."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=allowed_updates, timeout=10, poll_interval=0
        )
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
