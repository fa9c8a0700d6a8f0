"""The mediators' view of the flows: versions, where people stop, reloading."""

from __future__ import annotations

import html

from core.i18n import Translator
from core.intents import ConfirmReloadFlows, ReloadFlows, ShowFlowsAdmin
from core.screens import Button, Screen, column
from flows.model import Flow, FlowError
from screens.procedures import step_summary
from screens.staff import back
from services.flow_admin import FlowFunnel

MAX_ERRORS_SHOWN = 8


def overview(t: Translator, funnels: list[FlowFunnel]) -> Screen:
    """Counts per flow, and the steps where people said they were stuck, named by their
    text (a mediator knows "Créer votre compte", not `account`)."""
    lines = [t._("<b>Parcours</b> (commencés → terminés, pas encore réglés)")]
    for item in funnels:
        lines.append(
            t._(
                "• {title} (v{version}) : {started} → {finished}, {not_yet}",
                title=t._(item.flow.title),
                version=item.flow.version,
                started=item.started,
                finished=item.finished,
                not_yet=item.not_yet,
            )
        )
        lines += [
            t._("   🆘 {n} × « {step} »", n=n, step=_step_name(t, item.flow, step_id))
            for step_id, n in item.stuck_at
        ]
    return Screen(
        "\n".join(lines),
        column(Button(t.label("🔄 Recharger les parcours"), ReloadFlows()), back(t)),
    )


def _step_name(t: Translator, flow: Flow, step_id: str) -> str:
    """The step's first sentence; a step no longer in the flow keeps its id, said so."""
    return step_summary(t, flow, step_id) or t._("étape retirée : {id}", id=step_id)


def confirm_reload(t: Translator) -> Screen:
    return Screen(
        t._(
            "Recharger les parcours depuis les fichiers ? Ils sont vérifiés d'abord : "
            "en cas d'erreur, les parcours actuels restent en service. Les personnes "
            "gardent leur place quand leur étape existe encore."
        ),
        column(
            Button(t.label("✅ Oui, recharger"), ConfirmReloadFlows()),
            Button(t.label("✖️ Non, annuler"), ShowFlowsAdmin()),
        ),
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
