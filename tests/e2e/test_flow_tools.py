"""Mediators' tools: `flows check` with file and line, `flows graph`, `/parcours`, reload."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

from emulator import BotApiEmulator
from flows.registry import load
from tests.e2e.steps import CAF, onboard, open_flow, walk
from tests.e2e.test_people import a_mediator
from tests.harness import BotHarness, texts
from tests.processes import ROOT, bot_py

FIXTURES = ROOT / "tests" / "flows" / "fixtures"


def test_flows_check_names_file_line_and_fix_of_an_invalid_flow(tmp_path: Path) -> None:
    broken = tmp_path / "caf"
    broken.mkdir()
    (broken / "broken.yaml").write_text(
        "format: 1\nid: broken\nversion: 1\ncategory: caf\ntitle: T\nsummary: S\n"
        "sources:\n  - url: https://www.caf.fr\n    title: caf.fr\n    checked: 2025-01-01\n"
        "start: a\nsteps:\n  a:\n    kind: info\n    text: Bonjour\n    next: nowhere\n"
        "  b:\n    kind: end\n    text: Fin\n    colour: blue\n    outcome: done\n",
        encoding="utf-8",
    )
    done = bot_py("flows", "check", "--dir", str(tmp_path), "--no-translations")
    assert done.returncode == 1
    assert "broken.yaml:20: [b] unknown key `colour`" in done.stdout
    assert "—" in done.stdout, "each error says how to fix it"

    fixed = (broken / "broken.yaml").read_text(encoding="utf-8").replace("    colour: blue\n", "")
    (broken / "broken.yaml").write_text(fixed, encoding="utf-8")
    done = bot_py("flows", "check", "--dir", str(tmp_path), "--no-translations")
    assert done.returncode == 1
    assert "broken.yaml:16: [a]" in done.stdout and "nowhere" in done.stdout


def test_the_real_flows_pass_the_check() -> None:
    done = bot_py("flows", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 flows checked: no errors" in done.stdout


def test_a_flow_graph_is_drawn(tmp_path: Path) -> None:
    done = bot_py("flows", "graph", "renouvellement-titre-sejour", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    mermaid = (tmp_path / "renouvellement-titre-sejour.mmd").read_text(encoding="utf-8")
    assert mermaid.startswith("flowchart") and "expiry" in mermaid
    svg = ElementTree.parse(tmp_path / "renouvellement-titre-sejour.svg").getroot()  # noqa: S314 - our own output
    assert svg.tag.endswith("svg")


async def test_mediators_see_the_funnel_and_a_bad_reload_keeps_the_flows(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path, monkeypatch: object
) -> None:
    mediator = await a_mediator(bot, emulator, 1301)
    person = emulator.user(1302, first_name="Ana")
    await onboard(bot, person)
    await open_flow(bot, person, CAF, "Demander le RSA")
    await bot.tap(person, "🆘 Je bloque")

    other = emulator.user(1303, first_name="Bo")
    await onboard(bot, other)
    await open_flow(bot, other, CAF, "Déclarer mes ressources tous les 3 mois")
    await walk(bot, other, {"paiement": "Non, le paiement s'est arrêté"}, {"": "01/11/2026"})

    overview = await bot.say(mediator, "/parcours")
    assert "Demander le RSA (v2) : 1 → 0, 0\n   🆘 1 × « Le RSA (revenu" in texts(overview)
    assert "intro" not in texts(overview), "steps are named by their text, not their id"
    quarterly = "Déclarer mes ressources tous les 3 mois (v3) : 1 → 0, 1\n"
    assert quarterly in texts(overview), "an ending not settled is not counted as finished"

    # A person typing /parcours means their own journey: they get it, not a refusal.
    own = await bot.say(person, "/parcours")
    assert "Mon parcours" in texts(own) and "pas accès" not in texts(own)

    before = bot.services.flows.registry
    broken_dir = tmp_path / "definitions"
    shutil.copytree(ROOT / "flows" / "definitions", broken_dir)
    (broken_dir / "caf" / "demande-rsa.yaml").write_text(
        "format: 1\nid: demande-rsa\n", encoding="utf-8"
    )
    import flows.registry as registry_module

    registry_module.DEFINITIONS_DIR = broken_dir  # what a mediator's bad edit looks like
    try:
        await bot.tap(mediator, "🔄 Recharger les parcours")
        failed = await bot.tap(mediator, "✅ Oui, recharger")
    finally:
        registry_module.DEFINITIONS_DIR = ROOT / "flows" / "definitions"
    assert "n'ont pas été rechargés" in texts(failed) and "demande-rsa.yaml" in texts(failed)
    assert bot.services.flows.registry is before
    await bot.tap(mediator, "🔄 Recharger les parcours", message_id=overview[-1].message_id)
    reloaded = await bot.tap(mediator, "✅ Oui, recharger")
    assert "7 parcours rechargés" in texts(reloaded)
    assert load(None, bot.clock.now().date())[0] is not None
