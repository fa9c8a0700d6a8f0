"""People, sites and roles, end to end: shell bootstrap, invites, access, privacy rights."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from app.wiring import housekeeping
from core.intents import (
    Deactivate,
    HandleChange,
    InviteAt,
    InviteFor,
    Reassign,
    ShowSitePage,
    SitePage,
    ViewPerson,
    encode,
)
from emulator import BotApiEmulator, FakeUser
from storage.models import AuditEntry, Base, Person, StaffMember
from tests.e2e.steps import CAF, ON_MY_OWN, job_context, onboard, outbox_pass
from tests.harness import BotHarness, texts
from tests.processes import bot_py

CODE = re.compile(r"start=([A-Za-z0-9_-]+)")


def shell(bot: BotHarness, *arguments: str) -> str:
    """`python bot.py …` in a real process, on the running bot's database."""
    done = bot_py(*arguments, DATABASE_URL=bot.settings.database_url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def code_in(text: str) -> str:
    match = CODE.search(text)
    assert match, text
    return match[1]


async def a_mediator(bot: BotHarness, emulator: BotApiEmulator, user_id: int) -> FakeUser:
    """A digital-inclusion mediator of a new site ("Médiathèque"), arrived by their link."""
    shell(bot, "site", "add", "--name", "Médiathèque", "--timezone", "Europe/Paris",
          "--holidays", "metropole")  # fmt: skip
    mediator = emulator.user(user_id, first_name="Léo")
    invite = shell(bot, "invite", "mediator", "--site", "Médiathèque")
    await bot.say(mediator, f"/start {code_in(invite)}")
    return mediator


async def staff_invite(bot: BotHarness, inviter: FakeUser, label: str) -> str:
    await bot.say(inviter, "/inviter")
    answer = await bot.tap(inviter, label)
    return code_in(texts(answer))


async def test_from_shell_bootstrap_to_erasure(bot: BotHarness, emulator: BotApiEmulator) -> None:
    out = shell(
        bot,
        "site",
        "add",
        "--name",
        "CCAS de Rezé",
        "--timezone",
        "Europe/Paris",
        "--holidays",
        "metropole",
        "--town",
        "Rezé",
        "--postcode",
        "44400",
    )
    assert "CCAS de Rezé" in out
    out = shell(bot, "invite", "admin", "--site", "CCAS de Rezé", "--name", "Nadia")
    assert "https://t.me/alliance_test_bot?start=" in out

    admin = emulator.user(9001, first_name="Nadia")
    welcome = await bot.say(admin, f"/start {code_in(out)}")
    assert "Vous rejoignez l'équipe « CCAS de Rezé »" in texts(welcome)
    assert "Espace professionnel" in texts(welcome)
    staff_menu = {c["command"] for c in emulator.commands[("chat", "")]}
    assert {"inviter", "journal", "parcours"} <= staff_menu and "partage" not in staff_menu

    referent = emulator.user(9002, first_name="Marie")
    code = await staff_invite(bot, admin, "Un·e collègue : référent·e")
    assert "référent·e à CCAS de Rezé" in texts(await bot.say(referent, f"/start {code}"))
    peer = emulator.user(9003, first_name="Karim")
    code = await staff_invite(bot, admin, "Un·e collègue : pair·e aidant·e")
    assert "pair·e aidant·e" in texts(await bot.say(peer, f"/start {code}"))

    await bot.say(admin, "/menu")
    team = await bot.tap(admin, "👥 Équipe")
    assert all(name in texts(team) for name in ("Nadia", "Marie", "Karim"))

    person = emulator.user(444_555_666, first_name="Fatou")
    code = await staff_invite(bot, referent, "Pour une personne que j'accompagne")
    await bot.tap(referent, "✏️ Ajouter une note pour la reconnaître")
    saved = await bot.say(referent, "Mme F.D. (rue des Lilas)")
    assert "Note enregistrée" in texts(saved)
    await onboard(bot, person, code)
    await bot.say(referent, "/menu")
    listing = await bot.tap(referent, "🧑‍🤝‍🧑 Les personnes")
    assert "Mme F.D. (rue des Lilas)" in listing[-1].button_labels[0]
    support = await bot.tap(person, "🤝 Mon accompagnement")
    assert "CCAS de Rezé" in texts(support) and "Marie" in texts(support)

    await bot.tap(person, "⬅️ Menu")
    await bot.tap(person, "📋 Démarches")
    await bot.tap(person, CAF)
    await bot.tap(person, "Demander le RSA")
    await bot.tap(person, "🆘 Je bloque")
    exported = await bot.say(person, "/mesdonnees")
    assert "Ce que je garde sur vous" in texts(exported)
    document = (await bot.tap(person, "📄 Recevoir le fichier"))[-1]
    assert document.document is not None
    assert document.document["file_name"] == "alliance-mes-donnees.json"
    assert document.file_content is not None
    data = json.loads(document.file_content.decode())
    assert data["referent"] == "Marie" and data["telegram_user_id"] == 444_555_666
    assert data["procedures"][0]["flow"] == "demande-rsa" and data["help_requests"]
    assert data["referent_note"] == "Mme F.D. (rue des Lilas)"

    await bot.say(person, "/effacer")
    done = await bot.tap(person, "🗑 Oui, tout effacer")
    assert "j'ai tout effacé" in texts(done)
    async with bot.services.db() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    for needle in ("444555666", "Fatou", "F.D."):
                        assert needle not in str(value), table.name


async def _site_with(
    bot: BotHarness, emulator: BotApiEmulator, name: str, base: int
) -> dict[str, FakeUser]:
    """A site with an admin, two referents and a person followed by the first referent."""
    shell(
        bot, "site", "add", "--name", name, "--timezone", "Europe/Paris", "--holidays", "metropole"
    )
    admin = emulator.user(base + 1, first_name=f"Admin{base}")
    await bot.say(admin, f"/start {code_in(shell(bot, 'invite', 'admin', '--site', name))}")
    people = {"admin": admin}
    for role, offset in (("referent", 2), ("other_referent", 3)):
        user = emulator.user(base + offset, first_name=f"{role.title()}{base}")
        await bot.say(
            user, f"/start {await staff_invite(bot, admin, 'Un·e collègue : référent·e')}"
        )
        people[role] = user
    person = emulator.user(base + 9, first_name=f"Person{base}")
    await onboard(
        bot,
        person,
        await staff_invite(bot, people["referent"], "Pour une personne que j'accompagne"),
    )
    people["person"] = person
    return people


async def test_a_person_and_another_site_cannot_reach_staff_functions(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    a = await _site_with(bot, emulator, "Site A", 100)
    b = await _site_with(bot, emulator, "Site B", 200)
    async with bot.services.db() as session:
        site_a = (
            await session.scalars(select(Person.site_id).where(Person.telegram_user_id == 109))
        ).one()
        referent_a = (
            await session.scalars(select(StaffMember.id).where(StaffMember.telegram_user_id == 102))
        ).one()
    assert site_a is not None

    forged = [
        encode(ShowSitePage(SitePage.TEAM, site_a)),
        encode(ShowSitePage(SitePage.JOURNAL, site_a)),
        encode(ShowSitePage(SitePage.CHANGES, site_a)),
        encode(ShowSitePage(SitePage.UNDELIVERED, site_a)),
        encode(InviteAt(InviteFor.PERSON, site_a)),
        encode(InviteAt(InviteFor.ADMIN, site_a)),
        encode(Deactivate(site_a, referent_a)),
        encode(Reassign(1, 1)),
        encode(HandleChange(1)),
    ]
    for data in forged:
        for intruder in (a["person"], b["admin"], b["referent"]):
            update_id = await intruder.tap_data(data)
            await bot.settle(update_id)
            answer = texts(intruder.messages_since(update_id))
            assert "pas accès" in answer, (data, intruder.first_name, answer)
            assert "Referent100" not in answer and "Person100" not in answer

    async with bot.services.db() as session:
        refused = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.outcome == "refused"))
        )
        staff = (
            await session.scalars(select(StaffMember.id).where(StaffMember.telegram_user_id == 201))
        ).one()
        assert any(entry.staff_id == staff and entry.site_id == site_a for entry in refused)
        assert (
            await session.scalar(
                select(StaffMember.deactivated_at).where(StaffMember.id == referent_a)
            )
            is None
        )

    journal = await bot.say(a["admin"], "/journal")
    assert "Admin200" in texts(journal) and "(refusé)" in texts(journal)


async def test_deactivation_hands_persons_over_and_tells_everyone(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    a = await _site_with(bot, emulator, "Site A", 300)
    await bot.say(a["admin"], "/menu")
    team = await bot.tap(a["admin"], "👥 Équipe")
    await bot.tap(a["admin"], "Désactiver Referent300", message_id=team[-1].message_id)
    done = await bot.tap(a["admin"], "Oui, désactiver")
    assert "1 personne a été confiée" in texts(done)
    received = a["other_referent"].messages[-1].text
    assert "1 personne de plus" in received
    assert "Other_Referent300" in a["person"].messages[-1].text

    gone = await bot.say(a["referent"], "/menu")
    assert "accès professionnel est terminé" in texts(gone)


async def test_asking_for_another_referent_goes_to_the_admins(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    a = await _site_with(bot, emulator, "Site A", 400)
    await bot.tap(a["person"], "🤝 Mon accompagnement")
    answer = await bot.tap(a["person"], "🔁 Demander une autre personne")
    assert "transmise à l'équipe" in texts(answer) and "non" not in texts(answer).lower().split()
    assert "demande à changer" in a["admin"].messages[-1].text

    await bot.say(a["admin"], "/menu")
    pending = await bot.tap(a["admin"], "🔁 Demandes de changement")
    await bot.tap(a["admin"], pending[-1].button_labels[0])
    await bot.tap(a["admin"], "Other_Referent400")
    assert "Other_Referent400" in a["person"].messages[-1].text


async def test_a_person_without_a_link_picks_a_site(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    shell(
        bot,
        "site",
        "add",
        "--name",
        "France Services Saint-Étienne",
        "--timezone",
        "Europe/Paris",
        "--holidays",
        "metropole",
        "--town",
        "Saint-Étienne",
        "--postcode",
        "42000",
    )
    shell(
        bot,
        "site",
        "add",
        "--name",
        "CCAS de Cayenne",
        "--timezone",
        "America/Cayenne",
        "--holidays",
        "guyane",
        "--town",
        "Cayenne",
        "--postcode",
        "97300",
    )
    person = emulator.user(501, first_name="Lina")
    await onboard(bot, person)
    await bot.tap(person, "🤝 Mon accompagnement")
    listing = await bot.tap(person, "🏢 Choisir ma structure")
    assert "CCAS de Cayenne (97300)" in listing[-1].button_labels
    await bot.tap(person, "🔎 Chercher par ville ou code postal")
    found = await bot.say(person, "saint etienne")
    assert found[-1].button_labels[0] == "France Services Saint-Étienne (42000)"
    chosen = await bot.tap(person, "France Services Saint-Étienne (42000)")
    assert "votre structure est France Services Saint-Étienne" in texts(chosen)
    again = await bot.say(person, "saint etienne")
    assert "messages écrits" in texts(again), "a search answer is taken once"


async def test_sharing_is_chosen_limited_in_time_and_reminded(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    alone = emulator.user(602, first_name="Solène")
    await onboard(bot, alone)
    nobody = await bot.say(alone, "/partage")
    assert "Personne ne vous accompagne encore" in texts(nobody), "no referent: said so"
    assert "la personne qui vous accompagne voit" not in texts(nobody)
    assert nobody[-1].button_labels == ["⬅️ Menu"]

    person = (await _site_with(bot, emulator, "CCAS de Rezé", 610))["person"]
    await bot.say(person, "/partage")
    await bot.tap(person, "Choisir quoi partager")
    await bot.tap(person, "⬜ CAF (RSA, prime d'activité, aides)")
    await bot.tap(person, "Continuer")
    saved = await bot.tap(person, "Un mois")
    assert "voit vos démarches : CAF (RSA, prime d'activité, aides)" in texts(saved)
    assert "25 décembre 2026" in texts(saved) and "&" not in texts(saved), "escaped once only"

    bot.clock.advance(timedelta(days=28))
    await housekeeping(job_context(bot))
    await outbox_pass(bot)
    assert "se termine bientôt" in person.messages[-1].text
    count = len(person.messages)
    await housekeeping(job_context(bot))
    await outbox_pass(bot)
    assert len(person.messages) == count, "reminded once"
    bot.clock.advance(timedelta(days=3))
    status = await bot.say(person, "/partage")
    assert "ne voit pas vos démarches" in texts(status)


async def test_inactive_persons_are_warned_then_erased(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(701, first_name="Ana")
    await onboard(bot, person)
    bot.clock.advance(timedelta(days=702))
    await housekeeping(job_context(bot))
    await outbox_pass(bot)
    assert "dans 30 jours" in person.messages[-1].text
    bot.clock.advance(timedelta(days=31))
    await housekeeping(job_context(bot))
    await outbox_pass(bot)
    assert "ont été effacées" in person.messages[-1].text
    async with bot.services.db() as session:
        assert await session.scalar(select(Person).where(Person.telegram_user_id == 701)) is None


async def test_a_staff_account_is_never_a_person_and_vice_versa(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    a = await _site_with(bot, emulator, "Site A", 800)
    staff_as_person = await bot.say(a["referent"], "/start")
    assert "Espace professionnel" in texts(staff_as_person)
    code = code_in(shell(bot, "invite", "mediator", "--site", "Site A"))
    refused = await bot.say(a["person"], f"/start {code}")
    assert "ne peut pas devenir un compte professionnel" in texts(refused)
    async with bot.services.db() as session:
        assert (
            await session.scalar(select(StaffMember).where(StaffMember.telegram_user_id == 809))
            is None
        )


async def test_the_referent_sees_only_what_the_person_shares(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    a = await _site_with(bot, emulator, "Site A", 900)
    person, referent, other = a["person"], a["referent"], a["other_referent"]
    await bot.tap(person, "📋 Démarches")
    await bot.tap(person, CAF)
    await bot.tap(person, "Demander le RSA")
    await bot.tap(person, ON_MY_OWN)
    await bot.tap(person, "Continuer ➡️")

    await bot.say(referent, "/menu")
    listing = await bot.tap(referent, "🧑‍🤝‍🧑 Les personnes")
    detail = await bot.tap(referent, listing[-1].button_labels[0])
    assert "ne partage pas ses démarches" in texts(detail) and "RSA" not in texts(detail)

    await bot.say(person, "/partage")
    await bot.tap(person, "Tout partager")
    await bot.tap(person, "Un jour")
    detail = await bot.tap(
        referent, listing[-1].button_labels[0], message_id=listing[-1].message_id
    )
    assert "Demander le RSA — étape 2" in texts(detail)

    bot.clock.advance(timedelta(days=1, minutes=1))
    detail = await bot.tap(
        referent, listing[-1].button_labels[0], message_id=listing[-1].message_id
    )
    assert "ne partage pas" in texts(detail), "sharing ended: nothing shown"

    async with bot.services.db() as session:
        person_id = (
            await session.scalars(select(Person.id).where(Person.telegram_user_id == 909))
        ).one()
    forged = await other.tap_data(encode(ViewPerson(person_id)))
    await bot.settle(forged)
    assert "pas accès" in texts(other.messages_since(forged)), "another referent cannot look"
    journal = await bot.say(a["admin"], "/journal")
    assert f"personne n°{person_id}" in texts(journal) and "(refusé)" in texts(journal)
