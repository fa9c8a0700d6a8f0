"""Privacy screens for people who read little, and keeping no more than needed (issue 9).

/mesdonnees speaks plain words and offers the file; /effacer says what it ends and what it
cannot reach; a visitor who never agrees leaves nothing behind; after erasure neither the
invite link nor the audit log tells who the person was or when they were looked at.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from app.wiring import housekeeping
from core import invites as invite_rules
from core.intents import ViewPerson, encode
from emulator import BotApiEmulator, FakeUser
from storage.models import (
    AnonymousCount,
    AuditEntry,
    Base,
    Invite,
    Person,
    Reminder,
    Site,
    StaffMember,
    StaffRole,
)
from tests.e2e.steps import CAF, job_context, onboard, open_flow
from tests.harness import BotHarness, texts


async def _referent_link(bot: BotHarness, referent_telegram_id: int) -> tuple[str, int]:
    """A site, a referent called Julien and a person invite from him: the link's code and
    the site's id, written as the shell and /inviter would."""
    code, now = invite_rules.new_code(), bot.clock.now()
    async with bot.services.db.begin() as session:
        site = Site(
            name="CCAS de Rezé",
            timezone="Europe/Paris",
            holiday_region="metropole",
            created_at=now,
        )
        julien = StaffMember(
            telegram_user_id=referent_telegram_id,
            display_name="Julien",
            language="fr",
            created_at=now,
            last_seen_at=now,
        )
        session.add_all([site, julien])
        await session.flush()
        session.add(StaffRole(staff_id=julien.id, site_id=site.id, role="referent"))
        session.add(
            Invite(
                code_hash=invite_rules.hash_code(code),
                purpose="person",
                site_id=site.id,
                created_by_id=julien.id,
                name="Mme K.",
                created_at=now,
                expires_at=now + invite_rules.DEFAULT_VALIDITY,
            )
        )
        return code, site.id


async def _person_id(bot: BotHarness, user: FakeUser) -> int:
    async with bot.services.db() as session:
        found = await session.scalar(select(Person.id).where(Person.telegram_user_id == user.id))
    assert found is not None
    return found


async def _rows(bot: BotHarness, table: type[Base]) -> int:
    async with bot.services.db() as session:
        return await session.scalar(select(func.count()).select_from(table)) or 0


async def test_my_data_is_said_in_plain_words_and_the_file_is_offered(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code, _ = await _referent_link(bot, 9_101)
    kenza = emulator.user(505_606_707, first_name="Kenza")
    await onboard(bot, kenza, code)
    await open_flow(bot, kenza, CAF, "Demander le RSA")
    await bot.tap(kenza, "🆘 Je bloque")

    summary = await bot.say(kenza, "/mesdonnees")
    said = texts(summary)
    assert len(summary) == 1 and summary[0].document is None, "the file is not pushed"
    assert "Julien vous accompagne, à CCAS de Rezé" in said
    assert "Vous avez dit oui le 25 novembre 2026" in said
    assert "Demandes d'aide : 1." in said
    for jargon in ("505606707", "identifiant", "JSON", "caf", "référent·e"):
        assert jargon not in said, jargon
    assert len(summary[0].text) <= 500
    assert summary[0].button_labels == ["📄 Recevoir le fichier", "🗑 Tout effacer", "⬅️ Menu"]

    sent = await bot.tap(kenza, "📄 Recevoir le fichier")
    (document,) = [message for message in sent if message.document is not None]
    assert document.document is not None and document.file_content is not None
    assert document.document["file_name"] == "alliance-mes-donnees.json"
    assert "Voici le fichier" in document.text and "JSON" not in document.text
    assert document.button_labels == ["⬅️ Menu"], "a way on from the file"
    data = json.loads(document.file_content.decode())
    assert data["telegram_user_id"] == 505_606_707, "the file holds everything"
    assert data["help_requests"][0]["status"] == "open"
    assert "reminders_sent" in data


async def test_the_file_has_sent_reminders_and_the_sharing_dates(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code, _ = await _referent_link(bot, 9_102)
    lina = emulator.user(505_606_708, first_name="Lina")
    await onboard(bot, lina, code)
    await bot.say(lina, "/partage")
    await bot.tap(lina, "Choisir quoi partager")
    await bot.tap(lina, "⬜ CAF (RSA, prime d'activité, aides)")
    await bot.tap(lina, "Continuer")
    await bot.tap(lina, "Un mois")
    bot.clock.advance(timedelta(days=28))
    await housekeeping(job_context(bot))  # the "sharing ends soon" reminder
    async with bot.services.db.begin() as session:
        person = await session.get(Person, await _person_id(bot, lina))
        assert person is not None
        session.add(  # a reminder already sent, as the sender leaves it
            Reminder(
                person_id=person.id,
                key="later:demande-rsa:simulate:2026-12-20",
                kind="later",
                flow_id="demande-rsa",
                step_id="simulate",
                due_at=bot.clock.now() - timedelta(days=1),
                sent_at=bot.clock.now() - timedelta(days=1),
            )
        )

    summary = await bot.say(lina, "/mesdonnees")
    assert "Vous partagez : CAF, jusqu'au 25 décembre 2026." in texts(summary)
    assert "Rappels envoyés : 1. À venir : 0." in texts(summary)
    sent = await bot.tap(lina, "📄 Recevoir le fichier")
    (document,) = [message for message in sent if message.document is not None]
    assert document.file_content is not None
    data = json.loads(document.file_content.decode())
    assert data["sharing"]["granted_at"].startswith("2026-11-25")
    assert data["sharing"]["expires_at"].startswith("2026-12-25")
    assert data["sharing"]["end_reminder_sent_at"].startswith("2026-12-23")
    assert [r["step"] for r in data["reminders_sent"]] == ["simulate"]


async def test_erasing_says_what_ends_and_how_to_delete_the_chat(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code, _ = await _referent_link(bot, 9_103)
    maya = emulator.user(505_606_709, first_name="Maya")
    await onboard(bot, maya, code)

    question = texts(await bot.say(maya, "/effacer"))
    assert "Le lien avec Julien s'arrêtera" in question
    assert "resteront sur votre téléphone" in question
    done = texts(await bot.tap(maya, "🗑 Oui, tout effacer"))
    assert "j'ai tout effacé" in done and "Le lien avec Julien est terminé" in done
    assert "appuyez longtemps sur « Alliance »" in done and "Supprimer" in done

    alone = emulator.user(505_606_710, first_name="Sam")
    await onboard(bot, alone)
    question = texts(await bot.say(alone, "/effacer"))
    assert "Le lien avec" not in question, "no referent: no link to end"
    assert "resteront sur votre téléphone" in question


async def test_after_erasure_neither_the_invite_nor_the_audit_names_the_person(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code, site_id = await _referent_link(bot, 9_104)
    julien = emulator.user(9_104, first_name="Julien")
    nour = emulator.user(505_606_711, first_name="Nour")
    await onboard(bot, nour, code)
    person_id = await _person_id(bot, nour)
    await bot.say(julien, "/menu")
    await bot.settle(await julien.tap_data(encode(ViewPerson(person_id))))
    await bot.settle(await julien.tap_data(encode(ViewPerson(person_id))))
    async with bot.services.db() as session:
        accesses = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.person_id == person_id))
        )
    assert len(accesses) == 2, "while the person exists, each access is audited"
    assert {entry.action for entry in accesses} == {"view_person"}

    await bot.say(nour, "/effacer")
    await bot.tap(nour, "🗑 Oui, tout effacer")

    assert await _rows(bot, Invite) == 0, "the link held the referent and the arrival time"
    async with bot.services.db() as session:
        left = list(await session.scalars(select(AuditEntry)))
        counts = {
            (row.key, row.site_id, row.period): row.count
            for row in await session.scalars(select(AnonymousCount))
        }
    assert all(entry.person_id is None for entry in left)
    assert not [entry for entry in left if entry.action == "view_person"], "no trace of whom"
    assert counts[("access:view_person:allowed", site_id, "2026-11")] == 2
    assert counts[("erased_on_request", site_id, "2026-11")] == 1

    again = await bot.say(nour, f"/start {code}")
    assert "Julien" not in texts(again), "the used link links no one again"
    assert await _rows(bot, Person) == 0


async def test_a_visitor_who_only_says_hello_is_not_stored(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    curious = emulator.user(505_606_712, first_name="Curious", language_code="en")
    for text in ("hello", "/start", "/mesdonnees"):
        answer = await bot.say(curious, text)
        assert "✓ English" in answer[-1].button_labels, "asked their language, in English"
        assert await _rows(bot, Person) == 0, f"nothing kept after {text!r}"
    assert "/start" in texts(await bot.say(curious, "/effacer"))
    assert await _rows(bot, Person) == 0

    await bot.tap(curious, "✓ English")
    assert await _rows(bot, Person) == 1, "the language chosen is kept for the consent question"
    await bot.tap(curious, "ℹ️ Learn more")
    assert await _rows(bot, Person) == 1


async def test_a_visitor_who_never_agrees_is_forgotten_after_a_week(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code, site_id = await _referent_link(bot, 9_105)
    undecided = emulator.user(505_606_713, first_name="Undecided")
    await bot.say(undecided, f"/start {code}")
    await bot.tap(undecided, "✓ Français")
    agreed = emulator.user(505_606_714, first_name="Agreed")
    await onboard(bot, agreed)
    assert await _rows(bot, Person) == 2

    bot.clock.advance(timedelta(days=6))
    await housekeeping(job_context(bot))
    assert await _rows(bot, Person) == 2, "a few days to think it over"

    bot.clock.advance(timedelta(days=2))
    await housekeeping(job_context(bot))
    async with bot.services.db() as session:
        left = list(await session.scalars(select(Person.telegram_user_id)))
        counted = await session.scalar(
            select(AnonymousCount.count).where(AnonymousCount.key == "left_before_consent")
        )
    assert left == [505_606_714], "the one who agreed stays"
    assert counted == 1
    assert await _rows(bot, Invite) == 0, "the link they opened goes with them"
    for table in Base.metadata.sorted_tables:
        async with bot.services.db() as session:
            for row in (await session.execute(select(table))).all():
                assert all("505606713" not in str(value) for value in row), table.name
    assert site_id
