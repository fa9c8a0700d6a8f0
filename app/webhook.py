"""The webhook server: Telegram's updates in, and the operator's `/healthz` and `/metrics`.

Our own small tornado application rather than python-telegram-bot's, because the order of
checks matters: the secret header is checked before a byte of the body is read, the body
is capped, malformed JSON is a 400 (not a 500), and the update is stored (the inbox) before
Telegram gets its 200.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, HTTPError, RequestHandler, stream_request_body

from app.context import SERVICES_KEY, AllianceApplication, Services
from app.inbox import InboxQueue

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # an update is a few kilobytes; Telegram's largest are far below this
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name


@stream_request_body
class UpdateHandler(RequestHandler):
    def initialize(self, bot_application: AllianceApplication, secret: str) -> None:
        self.application_ = bot_application
        self.secret = secret
        self.body_ = bytearray()

    def prepare(self) -> None:
        """Before the body: who is calling, and how much they want to send."""
        if self.request.method != "POST":
            raise HTTPError(405)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise HTTPError(403)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise HTTPError(413)
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self.body_ += chunk
        if len(self.body_) > MAX_BODY:
            raise HTTPError(413)

    async def post(self) -> None:
        try:
            data = json.loads(bytes(self.body_))
            valid = isinstance(data, dict) and isinstance(data.get("update_id"), int)
            update = Update.de_json(data, self.application_.bot) if valid else None
        except Exception:  # whatever the shape: not an update this bot can take
            update = None
        if update is None:
            raise HTTPError(400)
        queue = self.application_.update_queue
        assert isinstance(queue, InboxQueue)
        await queue.store(update)  # stored before the 200
        self.set_status(200)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # no body, no trace: the caller learns nothing but the status


class HealthHandler(RequestHandler):
    def initialize(self, services: Services) -> None:
        self.services = services

    async def get(self) -> None:
        s = self.services
        try:
            backlog = await s.health.check()
        except Exception:
            log.warning("health check: the database does not answer")
            self.set_status(503)
            self.finish({"database": "unreachable"})
            return
        self.set_status(200 if backlog.healthy() else 503)
        self.finish(
            {
                "database": "ok",
                "inbox_waiting": backlog.inbox_waiting,
                "inbox_oldest_seconds": round(backlog.inbox_age, 1),
                "outbox_waiting": backlog.outbox_waiting,
                "outbox_oldest_seconds": round(backlog.outbox_age, 1),
                "outbox_parked": backlog.parked,
            }
        )


class MetricsHandler(RequestHandler):
    def initialize(self, services: Services) -> None:
        self.services = services

    async def get(self) -> None:
        try:
            await self.services.health.check()
        except Exception:
            log.warning("metrics: the database does not answer")
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(self.services.metrics.render())


def server(application: AllianceApplication, path: str, secret: str) -> HTTPServer:
    services: Services = application.bot_data[SERVICES_KEY]
    routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = [
        (f"/{path.strip('/')}", UpdateHandler, {"bot_application": application, "secret": secret}),
        (r"/healthz", HealthHandler, {"services": services}),
        (r"/metrics", MetricsHandler, {"services": services}),
    ]
    return HTTPServer(Application(routes), max_body_size=MAX_BODY)
