"""The typed context handlers receive: services and the update's scope, not string keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, CallbackContext, ExtBot

from app.health import HealthWatch
from app.metrics import Metrics
from app.settings import Settings
from app.work import Work
from core.clock import Clock
from core.distress import DistressRules
from core.i18n import Translations, Translator
from flows.catalog import FlowCatalog
from services.accounts import Account
from services.onboarding import Visitor
from storage.db import SessionFactory

SERVICES_KEY = "services"


@dataclass
class Services:
    """Everything a handler may use, built once by `app.wiring.build_application`."""

    settings: Settings
    engine: AsyncEngine
    db: SessionFactory
    translations: Translations
    clock: Clock
    flows: FlowCatalog
    distress: DistressRules  # phrase rules read on what people type (flows/distress)
    metrics: Metrics
    health: HealthWatch
    work: Work  # updates, outbox and scheduled work: in-process, or on the job queue
    exit_code: int = 0  # set when the bot stops itself (the database gone for too long)


@dataclass(frozen=True)
class Scope:
    """Who sent this update, resolved once before any handler runs (`handlers.system`):
    their account (None: the bot keeps nothing about them yet) and a translator in their
    language and their site's time zone."""

    visitor: Visitor | None
    account: Account | None
    t: Translator


class AllianceContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    _scope: Scope | None = None

    @property
    def services(self) -> Services:
        return cast(Services, self.bot_data[SERVICES_KEY])

    @property
    def scope(self) -> Scope:
        if self._scope is None:
            raise RuntimeError("no scope: handlers.system.prepare runs before every handler")
        return self._scope

    @scope.setter
    def scope(self, scope: Scope) -> None:
        self._scope = scope


AllianceApplication = Application[
    ExtBot[Any], AllianceContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
