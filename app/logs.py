"""Logging that keeps secrets and personal data out.

Handlers never log message text; this module makes sure the token never appears either
(httpx logs request URLs, the Bot API puts the token in the URL, and tracebacks may too).
"""

from __future__ import annotations

import logging

REDACTED = "<token>"


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, traceback included."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [secret for secret in secrets if secret]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: int = logging.INFO, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets or [])
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request URLs carry the token, and a poll every few seconds (or a line for each job
    # of the job queue) is noise.
    for noisy in ("httpx", "httpcore", "procrastinate", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
