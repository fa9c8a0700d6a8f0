"""Invite codes: random, single-use, expiring, and only ever stored as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_VALIDITY = timedelta(days=7)
# Telegram deep-link payloads allow A-Z, a-z, 0-9, _ and -, up to 64 characters.
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InviteStatus(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class InviteState:
    expires_at: datetime
    used_at: datetime | None


def new_code() -> str:
    return secrets.token_urlsafe(15)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def is_well_formed(payload: str) -> bool:
    return bool(_PAYLOAD.match(payload))


def invite_status(invite: InviteState | None, now: datetime) -> InviteStatus:
    if invite is None:
        return InviteStatus.UNKNOWN
    if invite.used_at is not None:
        return InviteStatus.USED
    if invite.expires_at <= now:
        return InviteStatus.EXPIRED
    return InviteStatus.VALID
