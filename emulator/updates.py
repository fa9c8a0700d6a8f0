"""Pending updates and their two ways out: long-polled ``getUpdates`` or webhook POSTs.

Behaviour follows the real server: confirmed-by-offset queue, one poller at a time (the older
one gets 409), update lifetimes (callback queries 150 s, others 24 h), and webhook delivery
that keeps each chat in order while chats go in parallel, retrying with back-off.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from emulator.models import ApiError

logger = logging.getLogger("emulator")

CALLBACK_QUERY_LIFETIME = 150.0
UPDATE_LIFETIME = 86400.0
MAX_RETRY_DELAY = 60.0
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

POLL_TERMINATED = (
    "Conflict: terminated by other getUpdates request;"
    " make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_id: int
    created: float

    def as_update(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    semaphore: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.max_connections)


class UpdateQueue:
    """Owns pending updates, the current poller and the webhook delivery tasks."""

    def __init__(self, clock: Callable[[], float], retry_base: float) -> None:
        self._clock = clock
        self._retry_base = retry_base
        self.pending: list[PendingUpdate] = []
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.deliveries: list[tuple[int, int | None]] = []
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._cond = asyncio.Condition()
        self._poll_generation = 0
        self._stopped = False
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._wakers: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def reset_stop(self) -> None:
        """Prepare for a (re)start, binding the condition to the running loop."""
        self._stopped = False
        self._cond = asyncio.Condition()
        if self.webhook is not None:  # a fresh semaphore, too, for the loop now running
            hook = self.webhook
            self.webhook = Webhook(hook.url, hook.secret_token, hook.max_connections)

    async def push(self, update: PendingUpdate) -> None:
        self.pending.append(update)
        async with self._cond:
            self._cond.notify_all()
        if self.webhook is not None:
            self._start_worker(update.chat_id)

    def push_nowait(self, update: PendingUpdate) -> None:
        """`push` from synchronous code: the update is queued at once, a waiting poller and the
        webhook delivery are started soon after (at the next poll, or at start, with no loop)."""
        self.pending.append(update)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        waker = loop.create_task(self._wake(), name="emulator-wake-pollers")
        self._wakers.add(waker)
        waker.add_done_callback(self._wakers.discard)
        if self.webhook is not None:
            self._start_worker(update.chat_id)

    async def _wake(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    # -- getUpdates -------------------------------------------------------------------------

    def _expired(self, update: PendingUpdate) -> bool:
        lifetime = CALLBACK_QUERY_LIFETIME if update.kind == "callback_query" else UPDATE_LIFETIME
        return self._clock() - update.created > lifetime

    def _allowed(self, update: PendingUpdate) -> bool:
        if not self.allowed_updates:
            return update.kind not in DEFAULT_EXCLUDED
        return update.kind in self.allowed_updates

    def _prune(self) -> None:
        """Drop expired updates and those of a kind the bot did not ask for, like the server."""
        self.pending = [u for u in self.pending if not self._expired(u) and self._allowed(u)]

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self.pending = [u for u in self.pending if u.update_id >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    async def get_updates(
        self, offset: int, limit: int, poll_seconds: int, allowed_updates: list[str] | None
    ) -> list[dict[str, Any]]:
        """Answer one ``getUpdates`` call, long-polling up to ``poll_seconds``."""
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation

        def ready() -> bool:
            self._prune()
            superseded = generation != self._poll_generation
            return bool(self.pending) or superseded or self._stopped or self.webhook is not None

        async with self._cond:
            self._cond.notify_all()  # an older poller, if any, must answer 409 now
            if poll_seconds > 0 and not ready():
                try:
                    async with asyncio.timeout(poll_seconds):
                        await self._cond.wait_for(ready)
                except TimeoutError:
                    pass
        if generation != self._poll_generation:
            raise ApiError(409, POLL_TERMINATED)
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        self._prune()
        return [u.as_update() for u in self.pending[:limit]]

    # -- webhook ----------------------------------------------------------------------------

    async def set_webhook(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        allowed_updates: list[str] | None,
        drop: bool,
    ) -> None:
        await self._stop_workers()
        if drop:
            self.pending.clear()
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        if not url:
            self.webhook = None
            return
        self.webhook = Webhook(url, secret_token, max_connections)
        async with self._cond:
            self._cond.notify_all()  # a pending poller must learn that a webhook is active
        self.resume()

    def resume(self) -> None:
        """Start delivering what is pending (after setWebhook or a restart)."""
        if self.webhook is not None:
            for chat_id in dict.fromkeys(u.chat_id for u in self.pending):
                self._start_worker(chat_id)

    async def delete_webhook(self, drop: bool) -> None:
        await self._stop_workers()
        self.webhook = None
        if drop:
            self.pending.clear()

    def info(self) -> dict[str, Any]:
        self._prune()
        result: dict[str, Any] = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook is not None:
            result["max_connections"] = self.webhook.max_connections
            if self.allowed_updates:
                result["allowed_updates"] = list(self.allowed_updates)
        if self.last_error_date is not None:
            result["last_error_date"] = self.last_error_date
            result["last_error_message"] = self.last_error_message
        return result

    def _start_worker(self, chat_id: int) -> None:
        if chat_id not in self._workers and not self._stopped:
            task = asyncio.get_running_loop().create_task(
                self._deliver_chat(chat_id), name=f"emulator-webhook-{chat_id}"
            )
            self._workers[chat_id] = task

    async def _deliver_chat(self, chat_id: int) -> None:
        """Deliver this chat's updates one at a time, in order, until none is left."""
        try:
            while True:
                self._prune()
                update = next((u for u in self.pending if u.chat_id == chat_id), None)
                webhook = self.webhook
                if update is None or webhook is None:
                    return
                await self._deliver(webhook, update)
                if update in self.pending:
                    self.pending.remove(update)
        finally:
            if self._workers.get(chat_id) is asyncio.current_task():
                del self._workers[chat_id]

    async def _deliver(self, webhook: Webhook, update: PendingUpdate) -> None:
        """POST one update until a 2xx answer; first retry at once, then exponential back-off."""
        attempt = 0
        body = json.dumps(update.as_update())
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        while not self._expired(update):
            status: int | None = None
            error: str
            async with webhook.semaphore:
                if self._client is None:
                    self._client = httpx.AsyncClient(timeout=httpx.Timeout(30.0), trust_env=False)
                try:
                    response = await self._client.post(webhook.url, content=body, headers=headers)
                    status = response.status_code
                    error = f"Wrong response from the webhook: {status} {response.reason_phrase}"
                except httpx.HTTPError as exc:
                    error = f"Connection error: {type(exc).__name__}"
            self.deliveries.append((update.update_id, status))
            if status is not None and 200 <= status < 300:
                return
            self.last_error_date = int(self._clock())
            self.last_error_message = error
            logger.warning("webhook delivery of update %d failed: %s", update.update_id, error)
            attempt += 1
            if attempt > 1:
                await asyncio.sleep(min(self._retry_base * 2 ** (attempt - 2), MAX_RETRY_DELAY))

    async def _stop_workers(self) -> None:
        workers = list(self._workers.values())
        self._workers.clear()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def stop(self) -> None:
        """Answer pending polls, cancel deliveries and close the HTTP client."""
        self._stopped = True
        async with self._cond:
            self._cond.notify_all()
        await self._stop_workers()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
