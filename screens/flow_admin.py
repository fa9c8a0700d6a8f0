"""The mediators' view of the flows: versions, where people stop, reloading."""

from __future__ import annotations

import html

from core.i18n import Translator
from core.intents import ReloadFlows, ShowFlowsAdmin
from core.screens import Button, Screen, column
from flows.model import FlowError
from screens.staff import back
from services.flow_admin import FlowFunnel

MAX_ERRORS_SHOWN = 8


def overview(t: Translator, funnels: list[FlowFunnel]) -> Screen:
    lines = [t._("<b>Parcours</b> (commencés → terminés, pas encore réglés ; où l'on bloque)")]
    for item in funnels:
        stuck = ", ".join(f"{step} ({n})" for step, n in item.stuck_at) or "—"
        lines.append(
            t._(
                "• {title} (v{version}) : {started} → {finished}, {not_yet} ; blocages : {stuck}",
                title=t._(item.flow.title),
                version=item.flow.version,
                started=item.started,
                finished=item.finished,
                not_yet=item.not_yet,
                stuck=stuck,
            )
        )
    return Screen(
        "\n".join(lines),
        column(Button(t.label("🔄 Recharger les parcours"), ReloadFlows()), back(t)),
    )


def reloaded(t: Translator, count: int) -> Screen:
    return Screen(
        t.ngettext("{n} parcours rechargé.", "{n} parcours rechargés.", count),
        column(Button(t.label("🧭 Parcours"), ShowFlowsAdmin()), back(t)),
    )


def reload_failed(t: Translator, errors: list[FlowError]) -> Screen:
    lines = [t._("Les parcours n'ont pas été rechargés : les anciens restent en service.")]
    lines += [
        html.escape(f"• {error.path.name}:{error.line} [{error.step_id or '-'}] {error.message}")
        for error in errors[:MAX_ERRORS_SHOWN]
    ]
    return Screen(
        "\n".join(lines), column(Button(t.label("🧭 Parcours"), ShowFlowsAdmin()), back(t))
    )
