"""The main menu: only what works today. Each feature adds its entry here."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import N_
from core.intents import (
    Intent,
    ShowCatalog,
    ShowHelp,
    ShowJourney,
    ShowLanguages,
    ShowMeetings,
    ShowMyData,
    ShowSharing,
    ShowSupport,
    TalkToSomeone,
)


@dataclass(frozen=True)
class MenuEntry:
    intent: Intent
    label: str  # French source text, translated when shown


MENU: tuple[MenuEntry, ...] = (
    MenuEntry(TalkToSomeone(), N_("🙋 Parler à quelqu'un")),
    MenuEntry(ShowCatalog(), N_("📋 Démarches")),
    MenuEntry(ShowMeetings(), N_("📅 Rendez-vous")),
    MenuEntry(ShowJourney(), N_("🌟 Mon parcours")),
    MenuEntry(ShowHelp(), N_("❓ Aide et contacts")),
    MenuEntry(ShowSupport(), N_("🤝 Mon accompagnement")),
    MenuEntry(ShowSharing(), N_("👁 Ce que je partage")),
    MenuEntry(ShowLanguages(), N_("🌐 Langue")),
    MenuEntry(ShowMyData(), N_("🔒 Mes données")),
)
