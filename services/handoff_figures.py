"""A site's hand-off figures for its admins: per month, requests by reason, time to claim
and to close, requests past the time promised; as a chart and as a CSV file. Counts and
times only: no person, nothing anyone wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.access import StaffAction, Target
from core.handoff_figures import Month, Record, monthly
from core.handoffs import Reason
from services.authorisation import authorise, staff_transaction
from storage import handoffs as handoff_store
from storage import sites as site_store
from storage.db import SessionFactory

SPAN = timedelta(days=366)  # a year of months


@dataclass(frozen=True)
class SiteFigures:
    site: str
    zone: ZoneInfo
    months: list[Month]


async def site_figures(
    db: SessionFactory, telegram_user_id: int, site_id: int, now: datetime
) -> SiteFigures:
    async with staff_transaction(db) as session:
        await authorise(session, telegram_user_id, StaffAction.READ_FIGURES, Target(site_id), now)
        site = await site_store.get_site(session, site_id)
        zone = ZoneInfo(site.timezone) if site else ZoneInfo("Europe/Paris")
        rows = await handoff_store.of_site_since(session, site_id, now - SPAN)
        records = [
            Record(
                row.created_at,
                Reason(row.reason),
                row.claimed_at,
                row.closed_at,
                row.late_told_at is not None,
            )
            for row in rows
            if row.outcome != "unrouted"
        ]
        return SiteFigures(site.name if site else "?", zone, monthly(records, zone))
