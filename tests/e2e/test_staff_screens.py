"""Staff screens a referent and a mediator use every day: the persons' list (a name they
know, last activity, help waiting), a note they can change, questions with buttons, a
flow reload that asks first, and a welcome that reads right."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.intents import ConfirmReloadFlows, EditPersonNote, ReloadFlows, encode
from emulator import BotApiEmulator, FakeUser
from storage.models import AuditEntry, Person
from tests.e2e.steps import CAF, onboard, open_flow
from tests.e2e.test_people import a_mediator, code_in, shell, staff_invite
from tests.harness import BotHarness, texts

LONG_NOTE = (
    "Mme Awa Diallo, rencontrée à la permanence du mardi, dossier RSA et logement "
    "à reprendre avec sa fille"
)  # over 80 characters: kept in part, and the referent is told


async def _site(bot: BotHarness, emulator: BotApiEmulator, name: str, base: int) -> FakeUser:
    """A site and its admin, who is welcomed into the team."""
    shell(
        bot, "site", "add", "--name", name, "--timezone", "Europe/Paris", "--holidays", "metropole"
    )
    admin = emulator.user(base + 1, first_name=f"Admin{base}")
    welcome = await bot.say(
        admin, f"/start {code_in(shell(bot, 'invite', 'admin', '--site', name))}"
    )
    assert f"Vous rejoignez l'équipe « {name} »" in texts(welcome)
    assert "l'équipe de CCAS" not in texts(welcome) and "l'équipe du" not in texts(welcome)
    return admin


async def _referent(
    bot: BotHarness, emulator: BotApiEmulator, admin: FakeUser, uid: int
) -> FakeUser:
    referent = emulator.user(uid, first_name=f"Ref{uid}")
    await bot.say(
        referent, f"/start {await staff_invite(bot, admin, 'Un·e collègue : référent·e')}"
    )
    return referent


async def _person_with_note(
    bot: BotHarness, referent: FakeUser, person: FakeUser, note: str
) -> list[str]:
    """The referent invites the person with a note; the answers to the note."""
    code = await staff_invite(bot, referent, "Pour une personne que j'accompagne")
    asked = await bot.tap(referent, "✏️ Ajouter une note pour la reconnaître")
    assert "✖️ Annuler" in asked[-1].button_labels, "typing a note can be cancelled"
    saved = await bot.say(referent, note)
    await onboard(bot, person, code)
    return [texts(saved)]


async def _person_id(bot: BotHarness, user: FakeUser) -> int:
    async with bot.services.db() as session:
        return (
            await session.scalars(select(Person.id).where(Person.telegram_user_id == user.chat_id))
        ).one()


async def test_the_referents_list_names_people_and_shows_activity_and_help(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    admin = await _site(bot, emulator, "CCAS de Rezé", 3100)
    referent = await _referent(bot, emulator, admin, 3102)
    awa, binta = emulator.user(3108, first_name="Awa"), emulator.user(3109, first_name="Binta")

    (said,) = await _person_with_note(bot, referent, awa, LONG_NOTE)
    assert "trop longue (80 caractères au plus). J'ai gardé le début" in said, "never cut silently"
    await _person_with_note(bot, referent, binta, "Mme B.")
    await open_flow(bot, awa, CAF, "Demander le RSA")
    await bot.tap(awa, "🆘 Je bloque")

    bot.clock.advance(timedelta(days=3))
    await bot.say(binta, "/menu")
    await bot.say(referent, "/menu")
    listing = (await bot.tap(referent, "🧑‍🤝‍🧑 Les personnes"))[-1]
    first, second = listing.button_labels[:2]
    assert first.startswith("🆘 Mme Awa Diallo") and first.endswith("… · il y a 3 jours")
    assert second == "Mme B. · aujourd'hui"
    assert "🆘 : une demande d'aide attend une réponse" in listing.text
    assert all(len(label) <= 40 for label in listing.button_labels), "whole on a phone"

    page = texts(await bot.tap(referent, first))
    assert "Mme Awa Diallo, rencontrée à la permanence du mardi, dossier RSA et" in page
    assert "Dernière activité : il y a 3 jours" in page
    assert "🆘 Demande d'aide en attente depuis le" in page

    asked = await bot.tap(referent, "✏️ Modifier la note")
    assert "Note actuelle" in texts(asked) and asked[-1].button_labels == ["✖️ Annuler"]
    saved = await bot.say(referent, "  Awa D.   (RSA)  ")
    assert "Note enregistrée : Awa D. (RSA)" in texts(saved)
    page = texts(await bot.tap(referent, "👤 Voir la personne"))
    assert page.startswith("Awa D. (RSA) (personne n°")

    await bot.tap(referent, "✏️ Modifier la note")
    cancelled = await bot.tap(referent, "✖️ Annuler")
    assert "la note ne change pas" in texts(cancelled)
    await bot.say(referent, "Ceci n'est pas une note")
    await bot.say(referent, "/menu")
    listing = (await bot.tap(referent, "🧑‍🤝‍🧑 Les personnes"))[-1]
    assert listing.button_labels[0] == "🆘 Awa D. (RSA) · il y a 3 jours"


async def test_only_the_persons_referent_may_change_the_note(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    admin = await _site(bot, emulator, "Site A", 3200)
    referent = await _referent(bot, emulator, admin, 3202)
    colleague = await _referent(bot, emulator, admin, 3203)
    person = emulator.user(3209, first_name="Chloé")
    await _person_with_note(bot, referent, person, "C.")
    other_admin = await _site(bot, emulator, "Site B", 3300)
    stranger = await _referent(bot, emulator, other_admin, 3302)
    person_id = await _person_id(bot, person)

    for intruder in (person, colleague, admin, stranger, other_admin):
        update_id = await intruder.tap_data(encode(EditPersonNote(person_id)))
        await bot.settle(update_id)
        answer = intruder.messages_since(update_id)
        assert "pas accès" in texts(answer), intruder.first_name
        assert "C." not in texts(answer)
        await bot.say(intruder, "Note forcée")  # not taken as a note
    async with bot.services.db() as session:
        person_row = (await session.scalars(select(Person).where(Person.id == person_id))).one()
        assert person_row.referent_note == "C."
        refused = list(
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.outcome == "refused", AuditEntry.person_id == person_id
                )
            )
        )
    assert len(refused) >= 3, "refusals on the person's site are in its audit log"

    # The deactivation question has its own "no".
    await bot.say(admin, "/menu")
    await bot.tap(admin, "👥 Équipe")
    asked = await bot.tap(admin, f"Désactiver {colleague.first_name}")
    assert "Non, garder" in asked[-1].button_labels
    team = await bot.tap(admin, "Non, garder")
    assert "L'équipe" in texts(team)


async def test_reloading_the_flows_asks_first(bot: BotHarness, emulator: BotApiEmulator) -> None:
    mediator = await a_mediator(bot, emulator, 3401)
    before = bot.services.flows.registry
    await bot.say(mediator, "/parcours")
    asked = await bot.tap(mediator, "🔄 Recharger les parcours")
    assert "Recharger les parcours depuis les fichiers ?" in texts(asked)
    assert asked[-1].button_labels == ["✅ Oui, recharger", "✖️ Non, annuler"]
    assert bot.services.flows.registry is before, "nothing reloaded before the yes"
    back = await bot.tap(mediator, "✖️ Non, annuler")
    assert "<b>Parcours</b>" in back[-1].text or "Parcours" in texts(back)
    assert bot.services.flows.registry is before

    person = emulator.user(3409, first_name="Dina")
    await onboard(bot, person)
    for data in (encode(ReloadFlows()), encode(ConfirmReloadFlows())):
        update_id = await person.tap_data(data)
        await bot.settle(update_id)
        assert "pas accès" in texts(person.messages_since(update_id))
    assert bot.services.flows.registry is before

    await bot.tap(mediator, "🔄 Recharger les parcours")
    reloaded = await bot.tap(mediator, "✅ Oui, recharger")
    assert "parcours rechargés" in texts(reloaded)
    assert bot.services.flows.registry is not before
