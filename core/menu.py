"""The main menu: only what works today. Each feature adds its entry here."""

from __future__ import annotations

from dataclasses import dataclass

from core.actions import Action
from core.i18n import N_


@dataclass(frozen=True)
class MenuEntry:
    action: Action
    label: str  # French source text, translated when shown


MENU: tuple[MenuEntry, ...] = (
    MenuEntry(Action.FLOWS, N_("📋 Démarches")),
    MenuEntry(Action.JOURNEY, N_("🌟 Mon parcours")),
    MenuEntry(Action.HELP, N_("❓ Aide et contacts")),
    MenuEntry(Action.SUPPORT, N_("🤝 Mon accompagnement")),
    MenuEntry(Action.SHARE, N_("👁 Ce que je partage")),
    MenuEntry(Action.LANGUAGE_PICKER, N_("🌐 Langue")),
    MenuEntry(Action.PRIVACY, N_("🔒 Mes données")),
)
