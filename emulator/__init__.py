"""In-process fake of the Telegram Bot API server for end-to-end tests and the offline demo.

Point python-telegram-bot at :attr:`BotApiEmulator.base_url`, drive :class:`FakeUser` objects,
and read what the bot sent. Every request is checked against the official Bot API spec.
"""

from emulator.faults import Fault, FaultKind, RandomFaults
from emulator.html import EntityParseError, format_text, parse_html
from emulator.limits import FloodControl, FloodRefusal, TelegramLimits
from emulator.models import (
    ApiError,
    BotMessage,
    CallbackAnswer,
    InlineButton,
    RecordedRequest,
    Topic,
)
from emulator.server import BotApiEmulator
from emulator.spec import ApiSpec, SpecViolation, UploadedFile, load_spec
from emulator.users import FakeChat, FakeGroup, FakeSupergroup, FakeUser

__all__ = [
    "ApiError",
    "ApiSpec",
    "BotApiEmulator",
    "BotMessage",
    "CallbackAnswer",
    "EntityParseError",
    "FakeChat",
    "FakeGroup",
    "FakeSupergroup",
    "FakeUser",
    "Fault",
    "FaultKind",
    "FloodControl",
    "FloodRefusal",
    "InlineButton",
    "RandomFaults",
    "RecordedRequest",
    "SpecViolation",
    "TelegramLimits",
    "Topic",
    "UploadedFile",
    "format_text",
    "load_spec",
    "parse_html",
]
