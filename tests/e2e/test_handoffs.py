"""Hand-offs over HTTP, as a person and staff would drive them, on a controllable clock:
each trigger opens a request with the right urgency and reaches the right human; a
referent claims it and the relay carries text, photos, replies and edits both ways; the
others alerted see who took it; an unclaimed request climbs the chain in time, across a
restart and across a night; the person ends the conversation and the bot answers again.

The clock starts on Wednesday 25 November 2026 at 10:00 in Rezé (09:00 UTC): the site's
default opening hours are weekdays 09:00–12:30 and 13:30–17:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.access import Role
from emulator import BotApiEmulator, BotMessage, FakeUser
from handlers.notify import escalate_handoffs
from services.sites import SiteChanges, edit_site
from storage import staff as staff_store
from storage.models import DistressHit, Handoff, RelayedMessage
from tests.e2e.steps import job_context, outbox_pass, sent
from tests.e2e.test_site_contact import SITE, followed_by_julien
from tests.harness import BotHarness, texts

JULIEN = 9101  # the referent (tests/e2e/test_site_contact.py)
SAM, ADA = 9201, 9202  # a peer mediator and the site's admin
TALK = "🙋 Parler à quelqu'un"
CLAIM = "✋ Je m'en occupe"


async def with_team(bot: BotHarness) -> None:
    """Sam, a peer, and Ada, the admin, join Julien's site."""
    now = bot.clock.now()
    async with bot.services.db.begin() as session:
        julien = await staff_store.find_staff(session, JULIEN)
        assert julien is not None
        ((site_id, _),) = await staff_store.roles_of(session, julien.id)
        sam = await staff_store.add_staff(session, SAM, "Sam Diallo", "fr", now)
        await staff_store.add_role(session, sam.id, site_id, Role.PEER.value)
        ada = await staff_store.add_staff(session, ADA, "Ada Martin", "fr", now)
        await staff_store.add_role(session, ada.id, site_id, Role.ADMIN.value)


async def asks_julien(bot: BotHarness, person: FakeUser) -> list[BotMessage]:
    """Menu → 🙋 Parler à quelqu'un → Julien: two taps from the menu to a human alerted."""
    await bot.say(person, "/menu")
    await bot.tap(person, TALK)
    return await bot.tap(person, "👤 Julien, qui vous accompagne")


async def escalation_pass(bot: BotHarness) -> None:
    await escalate_handoffs(job_context(bot))
    await outbox_pass(bot)


async def handoffs(bot: BotHarness) -> list[Handoff]:
    async with bot.services.db() as session:
        return list(await session.scalars(select(Handoff).order_by(Handoff.id)))


async def test_a_person_asks_julien_who_claims_and_they_talk_through_the_relay(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7501)
    asked = await asks_julien(bot, person)
    said = texts(asked)
    assert "J'ai prévenu Julien, la personne qui vous accompagne" in said
    assert "Réponse attendue ici avant 15:00" in said  # 4 working hours, lunch skipped
    assert "seulement la démarche" in said

    await outbox_pass(bot)
    card = julien.last_message
    assert "Demande d'aide" in card.text and "a demandé à parler à quelqu'un" in card.text
    claimed = await bot.tap(julien, CLAIM, message_id=card.message_id)
    assert "Vous vous en occupez" in texts(claimed)
    assert "📅 Proposer un rendez-vous" in julien.last_message.button_labels
    await outbox_pass(bot)
    assert "Julien</b>" not in person.last_message.text  # HTML rendered, not shown
    assert "Julien (qui vous accompagne) vous répond ici" in person.last_message.text

    # Julien writes: a signed copy (never a forward) reaches the person.
    update = await julien.send_text("Bonjour, je suis là. Que se passe-t-il ?")
    await bot.settle(update)
    await outbox_pass(bot)
    copy = person.last_message
    assert copy.text.startswith("💬 Julien · qui vous accompagne\nBonjour, je suis là.")
    original_id = max(julien.user_messages)

    # The person answers that message: Julien's copy answers his own message.
    update = await person.send_text("Mon dossier CAF est bloqué.", reply_to=copy.message_id)
    await bot.settle(update)
    await outbox_pass(bot)
    back = julien.last_message
    assert back.text.startswith("💬 n°") and "Mon dossier CAF est bloqué." in back.text
    assert back.reply_to_message is not None
    assert back.reply_to_message["message_id"] == original_id

    # A photo goes across as a copy, with its caption, signed.
    update = await person.send_photo(caption="le courrier")
    await bot.settle(update)
    await outbox_pass(bot)
    assert julien.last_message.photo is not None and "le courrier" in julien.last_message.text

    # Julien corrects his message: the person's copy changes in place.
    update = await julien.edit_text(original_id, "Bonjour, je suis là. Racontez-moi.")
    await bot.settle(update)
    await outbox_pass(bot)
    assert person.bot_message(copy.message_id).text.endswith("Racontez-moi.")  # type: ignore[union-attr]

    # The person ends it; Julien is told; the bot answers the person as usual again.
    await bot.say(person, "/menu")
    ended = await bot.tap(person, TALK)
    await bot.tap(person, "📨 Ma demande en cours", message_id=ended[-1].message_id)
    await bot.tap(person, "✅ Terminer la conversation")
    await outbox_pass(bot)
    assert "a terminé la conversation" in julien.last_message.text
    answer = await bot.say(person, "merci")
    assert "Je ne sais pas encore lire" in texts(answer)
    async with bot.services.db() as session:
        relayed = (await session.scalars(select(RelayedMessage))).all()
    assert len(relayed) == 3 and all(r.staff_message_id and r.person_message_id for r in relayed)


async def test_the_first_available_is_the_team_and_the_others_see_who_claimed(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien, sam = emulator.user(JULIEN, first_name="Julien"), emulator.user(SAM, first_name="Sam")
    person = await followed_by_julien(bot, emulator, 7502)
    await with_team(bot)
    await bot.say(person, "/menu")
    await bot.tap(person, TALK)
    await bot.tap(person, "⚡ La première personne disponible")
    await outbox_pass(bot)
    julien_card, sam_card = julien.last_message, sam.last_message
    assert "Demande d'aide" in julien_card.text and "Demande d'aide" in sam_card.text
    await bot.tap(sam, CLAIM, message_id=sam_card.message_id)
    assert "📅 Proposer un rendez-vous" not in sam.last_message.button_labels, "a peer books not"
    await outbox_pass(bot)
    assert "Sam s'occupe de la demande" in julien.last_message.text
    late = await bot.tap(julien, CLAIM, message_id=julien_card.message_id)
    assert "Sam s'en occupe déjà" in texts(late)
    assert "Sam (pair aidant) vous répond ici" in person.last_message.text


async def test_an_unclaimed_urgent_request_escalates_after_15_minutes_across_a_restart(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien, sam = emulator.user(JULIEN, first_name="Julien"), emulator.user(SAM, first_name="Sam")
    ada = emulator.user(ADA, first_name="Ada")
    person = await followed_by_julien(bot, emulator, 7503)
    await with_team(bot)
    answer = await bot.say(person, "je dors dehors ce soir")
    assert "115" in texts(answer)
    await bot.tap(person, "🙋 Oui, prévenir Julien")
    await outbox_pass(bot)
    assert "🚨" in julien.last_message.text and "Demande urgente" in julien.last_message.text
    assert not sam.messages, "only the chosen referent at first"

    bot.clock.advance(timedelta(minutes=14))
    await escalation_pass(bot)
    assert not sam.messages
    await bot.restart()  # nothing in memory: the request is a row
    bot.clock.advance(timedelta(minutes=2))
    await escalation_pass(bot)
    assert "Demande urgente" in sam.last_message.text
    assert "personne n'a répondu à temps" in sam.last_message.text
    assert "plus de temps que prévu" in person.last_message.text
    assert "115" in person.last_message.text, "urgent: the numbers again"
    assert not ada.messages

    bot.clock.advance(timedelta(minutes=16))
    await escalation_pass(bot)
    assert "Demande urgente" in ada.last_message.text
    (request,) = await handoffs(bot)
    assert request.reason == "distress" and request.urgency == "urgent"
    assert request.concern == "street"


async def test_a_normal_request_on_friday_evening_escalates_on_monday(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    emulator.user(JULIEN, first_name="Julien")
    sam = emulator.user(SAM, first_name="Sam")
    person = await followed_by_julien(bot, emulator, 7504)
    await with_team(bot)
    bot.clock.set(datetime(2026, 11, 27, 17, 30, tzinfo=UTC))  # Friday 18:30 in Rezé
    asked = await asks_julien(bot, person)
    said = texts(asked)
    assert "L'équipe ne travaille pas en ce moment. Elle revient lundi 30 novembre, 09:00" in said
    assert "avant lundi 30 novembre, 14:00" in said  # 09:00–12:30, then 13:30 + 30 min
    await outbox_pass(bot)

    bot.clock.set(datetime(2026, 11, 30, 12, 59, tzinfo=UTC))  # Monday 13:59: not late yet
    await escalation_pass(bot)
    assert not sam.messages
    bot.clock.set(datetime(2026, 11, 30, 13, 1, tzinfo=UTC))  # Monday 14:01
    await escalation_pass(bot)
    assert "Demande d'aide" in sam.last_message.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_distress_in_arabic_gives_the_numbers_first_and_a_human_on_yes(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7505)
    await bot.say(person, "/langue")
    await bot.tap(person, "العربية")
    answer = await bot.say(person, "زوجي يضربني كل يوم")
    text = texts(answer)
    assert "3919" in text and "17" in text
    yes = answer[-1].buttons[0][0].text
    await bot.tap(person, yes)
    await outbox_pass(bot)
    assert "Demande urgente" in julien.last_message.text
    (request,) = await handoffs(bot)
    assert request.concern == "violence"
    async with bot.services.db() as session:
        hits = (await session.scalars(select(DistressHit))).all()
    assert hits and all(h.hits >= 1 for h in hits)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_no_thanks_keeps_the_numbers_and_alerts_nobody(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7506)
    answer = await bot.say(person, "je veux mourir")
    offer = answer[-1]
    assert "3114" in offer.text
    await bot.tap(person, "Non merci", message_id=offer.message_id)
    assert "3114" in person.bot_message(offer.message_id).text  # type: ignore[union-attr]
    await outbox_pass(bot)
    assert not julien.messages and not await handoffs(bot)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_i_cannot_twice_and_did_it_work_no_reach_julien(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    from tests.e2e.steps import CAF, advance_until, open_flow

    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7507)
    await open_flow(bot, person, CAF, "Demander le RSA")
    await advance_until(bot, person, "😕 Je n'y arrive pas")
    first = await bot.tap(person, "😕 Je n'y arrive pas")
    assert TALK in first[-1].button_labels, "the first time, a human is offered"
    await outbox_pass(bot)
    assert not julien.messages
    listed = await bot.say(julien, "/menu")
    listed = await bot.tap(julien, "🧑‍🤝‍🧑 Les personnes", message_id=listed[-1].message_id)
    assert any(label.startswith("😕 ") for label in listed[-1].button_labels), "stuck, shown"
    await bot.tap(person, "📖 Revoir l'étape")
    second = await bot.tap(person, "😕 Je n'y arrive pas")
    assert "J'ai prévenu Julien" in texts(second)
    await outbox_pass(bot)
    card = julien.last_message.text
    assert "n'arrive pas à faire une étape" in card and "Demander le RSA" in card


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_two_messages_the_bot_cannot_use_offer_a_human(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7508)
    first = await bot.say(person, "bonjour ?")
    assert "Je ne sais pas encore lire" in texts(first)
    second = await bot.say(person, "allo il y a quelqu'un")
    assert "Voulez-vous qu'une personne vous réponde" in texts(second)
    await bot.tap(person, "🙋 Oui, parler à quelqu'un")
    await outbox_pass(bot)
    assert "le bot n'a pas compris ses messages" in julien.last_message.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_password_typed_in_the_chat_gets_a_warning(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = await followed_by_julien(bot, emulator, 7509)
    answer = await bot.say(person, "mon mot de passe caf c'est Soleil2024!")
    assert "mot de passe" in texts(answer) and "Effacez-le" in texts(answer)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_alert_to_a_referent_who_blocked_the_bot_goes_to_the_team(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien, sam = emulator.user(JULIEN, first_name="Julien"), emulator.user(SAM, first_name="Sam")
    person = await followed_by_julien(bot, emulator, 7510)
    await with_team(bot)
    julien.block()
    await asks_julien(bot, person)
    await outbox_pass(bot)
    await outbox_pass(bot)
    assert "Demande d'aide" in sam.last_message.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_alerts_list_the_sites_requests_urgent_first(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    emulator.user(JULIEN, first_name="Julien")
    ada = emulator.user(ADA, first_name="Ada")
    first = await followed_by_julien(bot, emulator, 7511)
    await with_team(bot)
    await asks_julien(bot, first)
    await outbox_pass(bot)
    listed = await bot.say(ada, "/alertes")
    assert "1 demande en cours" in texts(listed)
    opened = await bot.tap(ada, "🙋")
    assert "Motif : a demandé à parler à quelqu'un" in texts(opened)
    claimed = await bot.tap(ada, CLAIM)
    assert "Vous vous en occupez" in texts(claimed)
    await bot.tap(ada, "✔️ Clore")
    closed = await bot.tap(ada, "✅ Aidée")
    assert "close" in texts(closed)
    await outbox_pass(bot)
    assert "Ada a terminé la conversation" in first.last_message.text
    (request,) = await handoffs(bot)
    assert request.status == "closed" and request.outcome == "helped"


async def test_the_site_opening_hours_are_set_by_command(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = await followed_by_julien(bot, emulator, 7512)
    await edit_site(bot.services.db, SITE, SiteChanges(opening="lu-sa 08:00-20:00"))
    asked = await asks_julien(bot, person)
    assert "Réponse attendue ici avant 14:00" in texts(asked)  # 10:00 + 4 h, no lunch break
    assert sent(asked)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_permit_ending_within_30_days_with_the_renewal_not_done_alerts_julien(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    from handlers.notify import watch_deadlines
    from tests.e2e.steps import PREFECTURE, open_flow

    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7513)
    await open_flow(bot, person, PREFECTURE, "Renouveler mon titre de séjour (site AN")
    await bot.tap(person, "Continuer ➡️")
    await bot.tap(person, "⌨️ Écrire la date")
    await bot.say(person, "15/01/2027")  # 51 days left: at risk from 16 December
    await watch_deadlines(job_context(bot))
    await outbox_pass(bot)
    assert not julien.messages, "not yet 30 days before the end"

    bot.clock.set(datetime(2026, 12, 16, 9, 0, tzinfo=UTC))
    await watch_deadlines(job_context(bot))
    await outbox_pass(bot)
    card = julien.last_message.text
    assert "Demande urgente" in card and "une date limite approche" in card
    assert "15 janvier 2027" in card
    await watch_deadlines(job_context(bot))  # once per deadline
    await outbox_pass(bot)
    assert len(julien.messages) == 1
    (request,) = await handoffs(bot)
    assert request.reason == "deadline" and request.flow_id == "renouvellement-titre-sejour"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_mediators_see_each_rules_hits_and_check_their_rules_file(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    from tests.e2e.test_site_contact import shell, shell_refuses

    person = await followed_by_julien(bot, emulator, 7514)
    await bot.say(person, "je dors dehors ce soir")
    await bot.say(person, "je dors dans la rue ce soir")
    listed = [line.split("\t") for line in shell(bot, "distress", "hits").splitlines()]
    assert listed and all(int(count) >= 1 for _, count in listed)
    assert sum(int(count) for _, count in listed) >= 2
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules:\n  - id: x\n    concern: nope\n", encoding="utf-8")
    refused = shell_refuses(bot, "distress", "check", str(broken))
    assert f"{broken}:3:" in refused or f"{broken}:2:" in refused


async def test_relayed_text_is_in_the_data_file_then_deleted_30_days_after_the_close(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    import json

    from app.wiring import housekeeping
    from storage.models import HandoffAlert

    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7515)
    await asks_julien(bot, person)
    await outbox_pass(bot)
    await bot.tap(julien, CLAIM)
    await bot.settle(await person.send_text("J'ai reçu une lettre de la CAF."))
    await outbox_pass(bot)
    await bot.tap(julien, "✔️ Clore")
    await bot.tap(julien, "➡️ Orientée vers un autre service")
    await outbox_pass(bot)
    assert "Julien a terminé la conversation" in person.last_message.text

    await bot.say(person, "/mesdonnees")
    sent_file = await bot.tap(person, "📄 Recevoir le fichier")
    (document,) = [m for m in sent_file if m.document is not None]
    assert document.file_content is not None
    (request,) = json.loads(document.file_content.decode())["help_requests"]
    assert request["status"] == "closed" and "outcome" not in request, "the outcome is staff's"
    assert [m["text"] for m in request["messages"]] == ["J'ai reçu une lettre de la CAF."]

    bot.clock.advance(timedelta(days=31))
    await housekeeping(job_context(bot))
    async with bot.services.db() as session:
        texts_kept = (await session.scalars(select(RelayedMessage.text))).all()
    assert texts_kept == [None]

    await bot.say(person, "/effacer")
    await bot.tap(person, "🗑 Oui, tout effacer")
    async with bot.services.db() as session:
        for table in (Handoff, HandoffAlert, RelayedMessage):
            assert (await session.execute(select(table))).first() is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_message_after_julien_closed_reopens_the_conversation(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7516)
    await asks_julien(bot, person)
    await outbox_pass(bot)
    await bot.tap(julien, CLAIM)
    await bot.tap(julien, "✔️ Clore")
    await bot.tap(julien, "✅ Aidée")
    await outbox_pass(bot)
    bot.clock.advance(timedelta(days=2))
    answer = await bot.say(person, "Encore une question")
    assert "La conversation reprend" in texts(answer)
    await outbox_pass(bot)
    assert "Encore une question" in julien.last_message.text
    (request,) = await handoffs(bot)
    assert request.status == "held" and request.outcome is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_two_missed_meetings_in_a_row_flag_julien(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    from tests.e2e.test_meetings import book_first_meeting, julien_receives, labels

    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7517)
    await julien_receives(bot, tmp_path)
    for day, booked in ((26, "jeu. 26 nov. · 11:00"), (3, "jeu. 3 déc. · 09:00")):
        await book_first_meeting(bot, person, booked)
        month = 11 if day == 26 else 12
        bot.clock.set(datetime(2026, month, day, 10, 30 if day == 26 else 0, tzinfo=UTC))
        agenda = await bot.say(julien, "/agenda")
        line = next(label for label in labels(agenda[-1]) if label.startswith(booked))
        await bot.tap(julien, line)
        await bot.tap(julien, "🚫 Pas venu·e")
        await outbox_pass(bot)
        if day == 26:
            assert not await handoffs(bot), "one missed meeting is not a pattern"
    (request,) = await handoffs(bot)
    assert request.reason == "missed_twice"
    assert "deux rendez-vous manqués de suite" in julien.last_message.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_site_admins_get_the_monthly_figures_as_a_chart_and_a_csv(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    ada = emulator.user(ADA, first_name="Ada")
    person = await followed_by_julien(bot, emulator, 7518)
    await with_team(bot)
    await asks_julien(bot, person)
    await outbox_pass(bot)
    bot.clock.advance(timedelta(minutes=20))
    await bot.tap(julien, CLAIM)

    await bot.say(ada, "/menu")
    page = await bot.tap(ada, "📊 Chiffres des demandes")
    assert "2026-11 : 1 demande, prise en charge en 20 minutes" in texts(page)
    chart = await bot.tap(ada, "📈 Le graphique")
    (photo,) = [m for m in sent(chart) if m.photo is not None]
    assert photo.file_content is not None and photo.file_content.startswith(b"\x89PNG")
    csv_sent = await bot.tap(ada, "📄 Le fichier CSV", message_id=page[-1].message_id)
    (document,) = [m for m in sent(csv_sent) if m.document is not None]
    assert document.file_content is not None
    header, row = document.file_content.decode().splitlines()
    assert header.startswith("month,requests,reason_asked")
    assert row.startswith("2026-11,1,1,") and ",20," in row
    assert "Fatou" not in document.file_content.decode()

    menu = await bot.say(julien, "/menu")
    assert "📊 Chiffres des demandes" not in menu[-1].button_labels, "admins only"


async def test_the_team_group_gets_a_topic_per_request_and_relays_both_ways(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    ada = emulator.user(ADA, first_name="Ada")
    stranger = emulator.user(9301, first_name="Max")
    person = await followed_by_julien(bot, emulator, 7519)
    await with_team(bot)
    group = emulator.supergroup(-1_001_000_000_001, title="Équipe CCAS")
    await bot.settle(await group.send_text(stranger, "/lier"))
    assert not group.messages, "only a site admin links the group"
    await bot.settle(await group.send_text(ada, "/lier"))
    assert "Ce groupe est celui de l'équipe de CCAS de Rezé" in group.last_message.text

    await asks_julien(bot, person)
    await outbox_pass(bot)
    ((thread, topic),) = group.topics.items()
    (card,) = group.topic_messages(thread)
    assert "Demande d'aide" in card.text and "Répondez dans ce sujet" in card.text

    # Julien answers in the topic: that takes the request, and the person gets it, signed.
    await bot.settle(await group.send_text(julien, "Bonjour, ici Julien.", topic=thread))
    await outbox_pass(bot)
    assert person.last_message.text.startswith("💬 Julien · qui vous accompagne\nBonjour")
    (request,) = await handoffs(bot)
    assert request.status == "held" and request.topic_id == thread

    # The person's answer arrives in the topic; someone not of the team is not relayed.
    await bot.settle(await person.send_text("Merci, j'ai une question."))
    await outbox_pass(bot)
    assert group.topic_messages(thread)[-1].text.endswith("Merci, j'ai une question.")
    before = len(person.messages)
    await bot.settle(await group.send_text(stranger, "coucou", topic=thread))
    await outbox_pass(bot)
    assert len(person.messages) == before

    # The topic is deleted by mistake: the next message makes it again, none is lost.
    group.delete_topic(thread)
    await bot.settle(await person.send_text("Vous êtes là ?"))
    await outbox_pass(bot)
    (request,) = await handoffs(bot)
    assert request.topic_id not in (None, thread)
    assert group.topic_messages(request.topic_id)[-1].text.endswith("Vous êtes là ?")

    # The person blocks the bot: the topic is told.
    blocked = person.block()
    assert blocked is not None
    await bot.settle(blocked)
    await outbox_pass(bot)
    assert "a bloqué le bot" in group.topic_messages(request.topic_id)[-1].text
    assert topic.name.startswith("🙋")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_urgent_request_on_saturday_night_escalates_after_15_minutes_all_the_same(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    emulator.user(JULIEN, first_name="Julien")
    sam = emulator.user(SAM, first_name="Sam")
    person = await followed_by_julien(bot, emulator, 7520)
    await with_team(bot)
    bot.clock.set(datetime(2026, 11, 28, 22, 0, tzinfo=UTC))  # Saturday 23:00 in Rezé
    await bot.say(person, "il m'a mise à la porte ce soir")
    asked = await bot.tap(person, "🙋 Oui, prévenir Julien")
    assert "vite" in texts(asked) and "112" in texts(asked)
    await outbox_pass(bot)
    bot.clock.advance(timedelta(minutes=16))  # Saturday 23:16: the office is closed
    await escalation_pass(bot)
    assert "Demande urgente" in sam.last_message.text
