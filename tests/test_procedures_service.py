"""Progress across flow versions, on both databases: same step kept, or a restart offered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.catalog import FlowCatalog
from flows.registry import FlowRegistry
from flows.registry import load as load_flows
from services import onboarding
from services import procedures as procedures_service
from services.onboarding import Visitor
from services.procedures import RestartOffer, StepView
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
ANA = Visitor(77, "fr")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    factory = create_session_factory(engine)
    await onboarding.choose_language(factory, ANA, "fr", NOW, "fr")
    try:
        yield factory
    finally:
        await engine.dispose()


def registry() -> FlowRegistry:
    found, errors = load_flows(None, NOW.date())
    assert found is not None, errors
    return found


async def test_progress_survives_a_new_version_when_its_step_still_exists(
    db: SessionFactory,
) -> None:
    catalog = FlowCatalog(registry())
    flow = catalog.registry.get("demande-rsa")
    assert flow is not None
    view = await procedures_service.open_flow(db, ANA, flow, NOW, PARIS)
    assert isinstance(view, StepView)
    from flows import engine

    acted = await procedures_service.act(db, ANA, flow, view.step.id, engine.Continue(), NOW, PARIS)
    assert acted.view is not None
    kept_step = acted.view.step.id

    newer = replace(flow, version=2)
    catalog.replace(FlowRegistry([newer, *(f for f in catalog.registry.all() if f.id != flow.id)]))
    resumed = await procedures_service.open_flow(db, ANA, newer, NOW, PARIS)
    assert isinstance(resumed, StepView) and resumed.step.id == kept_step
    assert resumed.progress.flow_version == 2

    without_step = replace(
        newer, version=3, steps=tuple(s for s in newer.steps if s.id != kept_step)
    )
    offer = await procedures_service.open_flow(db, ANA, without_step, NOW, PARIS)
    assert isinstance(offer, RestartOffer)
    fresh = await procedures_service.restart(db, ANA, without_step, NOW, PARIS)
    assert fresh is not None and fresh.step.id == without_step.start
