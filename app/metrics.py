"""Prometheus metrics: what an operator watches (updates handled, errors, the inbox's and
the outbox's backlog, parked messages). Counts only: no ids, names or texts."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.health import Backlog


class Metrics:
    """One registry per application (several may run in one test process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "alliance_updates_handled", "Updates handled", registry=self.registry
        )
        self.errors = Counter(
            "alliance_update_errors", "Updates whose handling failed", registry=self.registry
        )
        self.backlog = Backlog(0, 0.0, 0, 0.0, 0)
        self.registry.register(_BacklogCollector(self))
        self.up = Gauge(
            "alliance_database_up", "1 when the database answers", registry=self.registry
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _BacklogCollector(Collector):
    """The last measured backlog, refreshed by each health check."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterable[GaugeMetricFamily]:
        b = self._metrics.backlog
        yield GaugeMetricFamily("alliance_inbox_waiting", "Updates not done", value=b.inbox_waiting)
        yield GaugeMetricFamily(
            "alliance_inbox_oldest_seconds", "Age of the oldest update not done", value=b.inbox_age
        )
        yield GaugeMetricFamily(
            "alliance_outbox_waiting", "Messages waiting to be sent", value=b.outbox_waiting
        )
        yield GaugeMetricFamily(
            "alliance_outbox_oldest_seconds",
            "How late the most overdue message is",
            value=b.outbox_age,
        )
        yield GaugeMetricFamily("alliance_outbox_parked", "Messages parked", value=b.parked)
