"""The typed context handlers receive: services instead of string-keyed dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot

from app.processor import ChatOrderedProcessor
from app.settings import Settings
from core.clock import Clock
from core.i18n import Translations
from services.procedures import FlowCatalog
from storage.db import SessionFactory

SERVICES_KEY = "services"


@dataclass
class Services:
    """Everything a handler may use, built once by `bot.build_application`."""

    settings: Settings
    engine: AsyncEngine
    db: SessionFactory
    translations: Translations
    clock: Clock
    processor: ChatOrderedProcessor
    flows: FlowCatalog


class AllianceContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        return cast(Services, self.bot_data[SERVICES_KEY])


AllianceApplication = Application[
    ExtBot[Any], AllianceContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
