"""Meetings, driven as a person and a referent would over HTTP, on a controllable clock:
booking among proposed times, the confirmation and its calendar file, the reminders at
their local times, moving, cancelling, the referent's agenda."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

from emulator import BotApiEmulator, BotMessage, FakeUser
from handlers.notify import alert_slot_shortages, release_waiting_holds
from services.invites import PERSON, create_invite
from services.sites import create_site
from storage import staff as staff_store
from tests.e2e.steps import job_context, onboard, outbox_pass, sent
from tests.e2e.test_people import shell
from tests.e2e.test_site_contact import PHONE, SITE, followed_by_julien
from tests.harness import BotHarness, texts

JULIEN = 9101  # the referent's Telegram id (tests/e2e/test_site_contact.py)

# Julien receives on Thursday mornings at the office, and by phone on Friday afternoons.
AVAILABILITY = """
places:
  - {key: bureau, mode: office, label: "CCAS de Rezé, 12 rue de la Paix", timezone: Europe/Paris}
  - {key: telephone, mode: phone, label: "Julien vous appelle", timezone: Europe/Paris}
meeting_types:
  - key: premier
    name: "Premier rendez-vous"
    minutes: 60
    modes: [office]
    after: "Sonnez à l'interphone."
staff:
  - who: "Julien Martin"
    weekly:
      - {day: thursday, from: "09:00", to: "12:00", place: bureau}
"""


async def julien_receives(
    bot: BotHarness, tmp_path: Path, availability: str = AVAILABILITY
) -> None:
    """The site's operator imports the availability file, as in production."""
    path = tmp_path / "dispos.yaml"
    path.write_text(availability, encoding="utf-8")
    assert "stored" in shell(bot, "dispos", "import", str(path), "--site", SITE)


async def book_first_meeting(bot: BotHarness, person: FakeUser, slot: str) -> BotMessage:
    """Menu → 📅 Rendez-vous → the reason → a time → confirm: four taps, one place."""
    await bot.say(person, "/menu")
    await bot.tap(person, "📅 Rendez-vous")
    await bot.tap(person, "Premier rendez-vous")
    await bot.tap(person, slot)
    confirmed = await bot.tap(person, "✅ Je confirme")
    (confirmation,) = [m for m in sent(confirmed) if m.document is not None]
    return confirmation


def labels(message: BotMessage) -> list[str]:
    return [b.text for row in message.buttons for b in row]


def event_of(message: BotMessage) -> tuple[str, dict[str, object]]:
    """The calendar file's method and its event's fields."""
    assert message.file_content is not None
    calendar = Calendar.from_ical(message.file_content)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), {
        "uid": str(event["UID"]),
        "sequence": event.decoded("SEQUENCE"),
        "start": event.decoded("DTSTART"),
        "status": str(event.get("STATUS")),
    }


async def test_a_person_books_a_proposed_time_and_gets_the_confirmation_and_calendar_file(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7301)
    await julien_receives(bot, tmp_path)
    # Wednesday 25 November, 10:00 in Rezé: with 24 hours' notice, Thursday from 10:00.
    await bot.say(person, "/menu")
    await bot.tap(person, "📅 Rendez-vous")
    shown = await bot.tap(person, "Premier rendez-vous")
    times = labels(shown[-1])
    assert times[:5] == [
        f"jeu. 26 nov. · {h}" for h in ("10:00", "10:15", "10:30", "10:45", "11:00")
    ]
    assert "Autres jours ➡️" in times

    await bot.tap(person, "jeu. 26 nov. · 11:00")
    confirmed = await bot.tap(person, "✅ Je confirme")
    (confirmation,) = [m for m in sent(confirmed) if m.document is not None]
    assert "C'est noté" in confirmation.text
    assert "jeudi 26 novembre à 11:00" in confirmation.text
    assert (
        "12 rue de la Paix" in confirmation.text and "Sonnez à l'interphone." in confirmation.text
    )
    method, event = event_of(confirmation)
    assert method == "PUBLISH" and event["sequence"] == 0
    assert event["start"] == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

    await outbox_pass(bot)
    told = julien.last_message
    assert "Nouveau rendez-vous" in told.text and "jeudi 26 novembre à 11:00" in told.text


async def test_the_reminders_come_the_day_before_and_two_hours_before_then_reach_the_referent(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7302)
    await julien_receives(bot, tmp_path)
    await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    await outbox_pass(bot)
    before = len(person.messages)

    bot.clock.set(datetime(2026, 11, 25, 9, 59, tzinfo=UTC))  # 10:59 in Rezé
    await outbox_pass(bot)
    assert len(person.messages) == before, "not before its time"

    bot.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # 11:00 the day before
    await outbox_pass(bot)
    day_before = person.last_message
    assert "Rappel : rendez-vous demain à 11:00" in day_before.text

    bot.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 9:00 on the day
    await outbox_pass(bot)
    hours_before = person.last_message
    assert "Rappel : rendez-vous aujourd'hui à 11:00" in hours_before.text

    answered = await bot.tap(person, "👍 J'y serai", message_id=hours_before.message_id)
    assert "j'ai prévenu Julien" in texts(answered)
    await outbox_pass(bot)
    assert "sera là au rendez-vous du jeudi 26 novembre à 11:00" in julien.last_message.text

    reminders = [m for m in person.messages if "Rappel" in m.text]
    assert len(reminders) == 2, "each once"


async def test_two_persons_tapping_the_same_time_at_once_one_wins_the_other_gets_other_times(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """The database refuses the second booking (quarter-hour cells), on both engines."""
    first = await followed_by_julien(bot, emulator, 7303)
    await julien_receives(bot, tmp_path)
    second = emulator.user(7304, first_name="Ana")
    await onboard(bot, second, await another_invite(bot))
    pickers = []
    for person in (first, second):
        await bot.say(person, "/rdv")
        await bot.tap(person, "Premier rendez-vous")
        shown = await bot.tap(person, "jeu. 26 nov. · 10:00")
        pickers.append(shown[-1])

    # Both confirm at the same moment.
    taps = await asyncio.gather(
        first.tap("✅ Je confirme", message_id=pickers[0].message_id),
        second.tap("✅ Je confirme", message_id=pickers[1].message_id),
    )
    for update_id in taps:
        await bot.settle(update_id)
    answers = [p.messages_since(u)[-1] for p, u in zip((first, second), taps, strict=True)]
    assert sum("C'est noté" in a.text for a in answers) == 1, texts(answers)
    lost = next(a for a in answers if "C'est noté" not in a.text)
    assert "vient d'être prise" in lost.text
    assert labels(lost)[0] == "jeu. 26 nov. · 11:00", "10:00 to 11:00 is taken"


async def another_invite(bot: BotHarness) -> str:
    """Julien's link for one more person."""
    async with bot.services.db.begin() as session:
        julien = await staff_store.find_staff(session, JULIEN)
        assert julien is not None
        julien_id = julien.id
        site_id = (await staff_store.roles_of(session, julien_id))[0][0]
    return await create_invite(
        bot.services.db, PERSON, bot.clock.now(), site_id=site_id, created_by_id=julien_id
    )


async def test_moving_sends_the_updated_calendar_file_and_the_old_reminders_never_come(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7305)
    await julien_receives(bot, tmp_path)
    bot.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday: moving is open until Tuesday
    first = await book_first_meeting(bot, person, "jeu. 26 nov. · 10:00")
    _, booked = event_of(first)

    await bot.say(person, "/rdv")
    await bot.tap(person, "jeu. 26 nov. · 10:00 · Premier rendez-vous")
    offered = await bot.tap(person, "🔁 Changer l'heure")
    assert labels(offered[-1])[:3] == [
        "jeu. 26 nov. · 09:00",
        "jeu. 26 nov. · 11:00",
        "jeu. 3 déc. · 09:00",
    ]
    await bot.tap(person, "jeu. 3 déc. · 09:30")
    moved = await bot.tap(person, "✅ Je confirme")
    (update,) = [m for m in sent(moved) if m.document is not None]
    assert "Rendez-vous déplacé" in update.text and "jeudi 3 décembre à 09:30" in update.text
    method, event = event_of(update)
    assert method == "PUBLISH" and event["uid"] == booked["uid"] and event["sequence"] == 1
    await outbox_pass(bot)
    assert "Rendez-vous déplacé" in julien.last_message.text

    bot.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # the old day-before time
    await outbox_pass(bot)
    bot.clock.set(datetime(2026, 12, 2, 8, 30, tzinfo=UTC))  # the new one: 9:30 in Rezé
    await outbox_pass(bot)
    reminders = [m.text for m in person.messages if "Rappel" in m.text]
    assert reminders == ["⏰ Rappel : rendez-vous demain à 09:30.\nPremier rendez-vous\n"
                         "🏢 CCAS de Rezé, 12 rue de la Paix\nAvec Julien"]  # fmt: skip


async def test_cancelling_sends_the_cancelled_calendar_file_tells_the_referent_and_offers_again(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7306)
    await julien_receives(bot, tmp_path)
    first = await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    card = await bot.tap(person, "❌ Annuler", message_id=first.message_id)
    assert "Annuler le rendez-vous du jeudi 26 novembre à 11:00 ?" in texts(card)
    done = await bot.tap(person, "❌ Oui, annuler")
    (cancelled,) = [m for m in sent(done) if m.document is not None]
    assert "est annulé" in cancelled.text
    assert "📅 Prendre un autre rendez-vous" in labels(cancelled)
    method, event = event_of(cancelled)
    assert method == "CANCEL" and event["status"] == "CANCELLED" and event["sequence"] == 1
    await outbox_pass(bot)
    assert "a annulé le rendez-vous du jeudi 26 novembre à 11:00" in julien.last_message.text

    bot.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    await outbox_pass(bot)
    assert not [m for m in person.messages if "Rappel" in m.text], "its reminders went with it"
    again = await bot.tap(person, "📅 Prendre un autre rendez-vous")
    assert "Pour prendre rendez-vous, choisissez la raison" in texts(again)


async def test_too_close_to_cancel_by_a_tap_the_referent_is_told_and_the_person_not_stuck(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7307)
    await julien_receives(bot, tmp_path)
    first = await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    bot.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 9:00, two hours before
    asked = await bot.tap(person, "❌ Annuler", message_id=first.message_id)
    confirm = next(m for m in asked if "❌ Oui, annuler" in labels(m))
    done = await bot.tap(person, "❌ Oui, annuler", message_id=confirm.message_id)
    assert "j'ai prévenu Julien que vous ne pouvez pas venir" in texts(done)
    assert "02 61 91 00 00" in texts(done), "and whom to call"
    await outbox_pass(bot)
    assert "ne peut pas venir au rendez-vous du jeudi 26 novembre à 11:00" in (
        julien.last_message.text
    )


async def test_a_missed_meeting_marked_by_the_referent_brings_a_kind_message(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7308)
    await julien_receives(bot, tmp_path)
    await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    bot.clock.set(datetime(2026, 11, 26, 10, 30, tzinfo=UTC))
    agenda = await bot.say(julien, "/agenda")
    line = next(label for label in labels(agenda[-1]) if label.startswith("jeu. 26 nov. · 11:00"))
    card = await bot.tap(julien, line)
    assert "Messages" in texts(card) and "reçu" in texts(card), "its messages and their results"
    marked = await bot.tap(julien, "🚫 Pas venu·e")
    assert "État : pas venu·e" in texts(marked)
    await outbox_pass(bot)
    assert "Nous ne vous avons pas vu au rendez-vous du jeudi 26 novembre à 11:00" in (
        person.last_message.text
    )
    assert "📅 Prendre rendez-vous" in labels(person.last_message)


async def test_a_colleague_cannot_open_or_cancel_someone_elses_meeting(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    person = await followed_by_julien(bot, emulator, 7309)
    await julien_receives(bot, tmp_path)
    await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    async with bot.services.db.begin() as session:
        julien = await staff_store.find_staff(session, JULIEN)
        assert julien is not None
        site_id = (await staff_store.roles_of(session, julien.id))[0][0]
        other = await staff_store.add_staff(session, 9109, "Paul", "fr", bot.clock.now())
        await staff_store.add_role(session, other.id, site_id, "referent")
    paul = emulator.user(9109, first_name="Paul")
    await bot.say(paul, "/agenda")
    refused = await paul_taps(bot, paul, "am:1")
    assert "pas accès" in refused or "n'avez pas" in refused
    refused = await paul_taps(bot, paul, "ac:1:1")
    assert "pas accès" in refused or "n'avez pas" in refused
    await bot.say(person, "/rdv")
    assert "jeu. 26 nov. · 11:00 · Premier rendez-vous" in labels(person.last_message)


async def paul_taps(bot: BotHarness, paul: FakeUser, data: str) -> str:
    """A forged button: the data of a meeting that is not Paul's."""
    update_id = await paul.tap_data(data, message_id=paul.last_message.message_id)
    await bot.settle(update_id)
    return texts(paul.messages_since(update_id))


REUNION_AVAILABILITY = """
places:
  - {key: bureau, mode: office, label: "CCAS de Saint-Denis", timezone: Indian/Reunion}
meeting_types:
  - {key: premier, name: "Premier rendez-vous", minutes: 60, modes: [office]}
staff:
  - who: "Julien Martin"
    weekly:
      - {day: thursday, from: "09:00", to: "12:00", place: bureau}
"""


async def test_an_overseas_site_shows_its_own_time_and_reminds_at_its_own_hours(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Réunion is UTC+4 all year: 09:00 there is 05:00 UTC. The two-hours reminder (7:00)
    falls in quiet hours: it comes at 8:00, still before the meeting."""
    await _site_in(bot, "Indian/Reunion", "reunion")
    person = emulator.user(7310, first_name="Fatou")
    await onboard(bot, person, await another_invite(bot))
    await julien_receives(bot, tmp_path, REUNION_AVAILABILITY)
    # Wednesday 25 November, 13:00 in Réunion: Thursday's morning is inside the notice.
    await bot.say(person, "/rdv")
    shown = await bot.tap(person, "Premier rendez-vous")
    assert labels(shown[-1])[0] == "jeu. 3 déc. · 09:00"
    await bot.tap(person, "jeu. 3 déc. · 09:00")
    confirmed = await bot.tap(person, "✅ Je confirme")
    (confirmation,) = [m for m in sent(confirmed) if m.document is not None]
    assert "jeudi 3 décembre à 09:00" in confirmation.text
    _, event = event_of(confirmation)
    assert event["start"] == datetime(2026, 12, 3, 5, 0, tzinfo=UTC)

    bot.clock.set(datetime(2026, 12, 2, 5, 0, tzinfo=UTC))  # 9:00 the day before, there
    await outbox_pass(bot)
    assert "Rappel : rendez-vous demain à 09:00" in person.last_message.text
    bot.clock.set(datetime(2026, 12, 3, 3, 59, tzinfo=UTC))  # 7:59 there: still quiet
    await outbox_pass(bot)
    assert "demain" in person.last_message.text
    bot.clock.set(datetime(2026, 12, 3, 4, 0, tzinfo=UTC))  # 8:00 there
    await outbox_pass(bot)
    assert "Rappel : rendez-vous aujourd'hui à 09:00" in person.last_message.text


async def test_a_meeting_across_the_october_time_change_stays_at_its_local_hour(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Booked on 28 October 2027 (UTC+2) for 4 November (UTC+1, after the 31st): 10:00
    in Rezé is 09:00 UTC, and the reminders follow local time."""
    bot.clock.set(datetime(2027, 10, 28, 8, 0, tzinfo=UTC))
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7311)
    await julien_receives(bot, tmp_path)
    await bot.say(person, "/rdv")
    shown = await bot.tap(person, "Premier rendez-vous")
    assert labels(shown[-1])[:2] == ["jeu. 4 nov. · 09:00", "jeu. 4 nov. · 09:15"]
    await bot.tap(person, "jeu. 4 nov. · 10:00")
    confirmed = await bot.tap(person, "✅ Je confirme")
    (confirmation,) = [m for m in sent(confirmed) if m.document is not None]
    assert "jeudi 4 novembre à 10:00" in confirmation.text
    _, event = event_of(confirmation)
    assert event["start"] == datetime(2027, 11, 4, 9, 0, tzinfo=UTC)
    await outbox_pass(bot)
    assert "jeudi 4 novembre à 10:00" in julien.last_message.text

    bot.clock.set(datetime(2027, 11, 3, 9, 0, tzinfo=UTC))  # 10:00 the day before, UTC+1
    await outbox_pass(bot)
    assert "Rappel : rendez-vous demain à 10:00" in person.last_message.text


async def test_a_meeting_booked_three_hours_ahead_still_gets_its_two_hours_reminder(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    bot.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # Thursday, 8:00 in Rezé
    person = await followed_by_julien(bot, emulator, 7312)
    await julien_receives(
        bot, tmp_path, AVAILABILITY.replace("minutes: 60", "minutes: 60\n    notice_hours: 2")
    )
    await bot.say(person, "/rdv")
    shown = await bot.tap(person, "Premier rendez-vous")
    assert labels(shown[-1])[0] == "jeu. 26 nov. · 10:00", "two hours' notice"
    await bot.tap(person, "jeu. 26 nov. · 11:00")
    await bot.tap(person, "✅ Je confirme")
    bot.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 9:00: two hours before
    await outbox_pass(bot)
    assert "Rappel : rendez-vous aujourd'hui à 11:00" in person.last_message.text
    assert len([m for m in person.messages if "Rappel" in m.text]) == 1, "no day-before one"


async def test_a_restart_between_booking_and_the_reminder_loses_nothing_and_sends_it_once(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    person = await followed_by_julien(bot, emulator, 7313)
    await julien_receives(bot, tmp_path)
    await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    await bot.restart()
    bot.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    await outbox_pass(bot)
    await bot.restart()
    await outbox_pass(bot)
    assert len([m for m in person.messages if "demain à 11:00" in m.text]) == 1


async def _site_in(bot: BotHarness, zone: str, region: str) -> None:
    """A site in `zone` with Julien as its referent (his link: `another_invite`)."""
    now = bot.clock.now()
    site = await create_site(
        bot.services.db, name=SITE, timezone=zone, holiday_region=region, now=now, phone=PHONE
    )
    async with bot.services.db.begin() as session:
        julien = await staff_store.add_staff(session, JULIEN, "Julien Martin", "fr", now)
        await staff_store.add_role(session, julien.id, site.id, "referent")


async def test_discreet_mode_says_neither_place_nor_reason_and_sends_no_file_unless_asked(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """For a person whose phone a relative may read: the hour, nothing else."""
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7314)
    await julien_receives(bot, tmp_path)
    await bot.say(person, "/rdv")
    page = await bot.tap(person, "🤫 Mode discret")
    assert "ne disent ni le lieu ni la raison" in texts(page)
    await bot.tap(person, "Premier rendez-vous")
    await bot.tap(person, "jeu. 26 nov. · 11:00")
    confirmed = await bot.tap(person, "✅ Je confirme")
    assert not [m for m in confirmed if m.document is not None], "no file unless asked"
    confirmation = sent(confirmed)[-1]
    assert confirmation.text == "✅ C'est noté : rendez-vous jeudi 26 novembre à 11:00."
    asked = await bot.tap(person, "📎 Fichier pour mon agenda", message_id=confirmation.message_id)
    assert [m for m in asked if m.document is not None], "the file, on request"

    bot.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    await outbox_pass(bot)
    assert person.last_message.text == "⏰ Rappel : rendez-vous demain à 11:00."

    agenda = await bot.say(julien, "/agenda")
    await bot.tap(julien, labels(agenda[-1])[0])
    await bot.tap(julien, "❌ Annuler ce rendez-vous")
    await bot.tap(julien, "❌ Oui, annuler")
    await outbox_pass(bot)
    told = person.last_message
    assert told.document is None and "Julien" not in told.text and "CCAS" not in told.text
    assert "le rendez-vous du jeudi 26 novembre à 11:00 est annulé" in told.text
    leaked = [m.text for m in person.messages if m.message_id > confirmation.message_id]
    assert not [text for text in leaked if "Premier rendez-vous" in text or "Paix" in text]


async def propose_thursday_and_saturday_mornings(bot: BotHarness, person: FakeUser) -> None:
    """None of the times fit: the person ticks two days and the morning."""
    await bot.say(person, "/rdv")
    await bot.tap(person, "Premier rendez-vous")
    asked = await bot.tap(person, "🗓 Aucune ne me va")
    assert "Quels jours pouvez-vous venir ?" in texts(asked)
    assert "dim. 29 nov." not in labels(asked[-1]), "no Sunday"
    await bot.tap(person, "jeu. 26 nov.")
    ticked = await bot.tap(person, "sam. 28 nov.")
    assert {"✅ jeu. 26 nov.", "✅ sam. 28 nov."} <= set(labels(ticked[-1]))
    sent_ = await bot.tap(person, "🌅 Le matin")
    assert "C'est envoyé. Julien vous répondra ici." in texts(sent_)


async def test_none_fits_the_person_proposes_days_and_the_referent_books_one(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7315)
    await julien_receives(bot, tmp_path)
    await propose_thursday_and_saturday_mornings(bot, person)
    await outbox_pass(bot)
    asked = julien.last_message
    assert "ne trouve pas d'heure pour « Premier rendez-vous »" in asked.text
    assert "jeu. 26 nov., sam. 28 nov., le matin" in asked.text
    card = await bot.tap(julien, "📅 Répondre", message_id=asked.message_id)
    assert labels(card[-1])[0] == "✅ jeu. 26 nov. · 09:00", "his free times in her days"
    done = await bot.tap(julien, "✅ jeu. 26 nov. · 09:00")
    assert "Rendez-vous pris : la personne est prévenue." in texts(done)
    await outbox_pass(bot)
    told = person.last_message
    assert "Julien a choisi une heure parmi vos jours : jeudi 26 novembre à 09:00" in told.text
    method, event = event_of(told)
    assert method == "PUBLISH" and event["start"] == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    bot.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # 8:00 on the day: quiet until 8
    await outbox_pass(bot)
    assert "Rappel : rendez-vous aujourd'hui à 09:00" in person.last_message.text


async def test_the_referent_offers_another_time_and_the_person_takes_it(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7316)
    await julien_receives(bot, tmp_path)
    await propose_thursday_and_saturday_mornings(bot, person)
    await outbox_pass(bot)
    await bot.tap(julien, "📅 Répondre", message_id=julien.last_message.message_id)
    await bot.tap(julien, "🔁 Proposer une autre heure")
    await bot.tap(julien, "Autres jours ➡️")
    offered = await bot.tap(julien, "jeu. 3 déc. · 10:00")
    assert "Autre heure proposée" in texts(offered)
    await outbox_pass(bot)
    offer = person.last_message
    assert "Julien vous propose : jeudi 3 décembre à 10:00." in offer.text
    data = offer.buttons[0][0].callback_data
    taken = await bot.tap(person, "✅ Ça me va", message_id=offer.message_id)
    (confirmation,) = [m for m in sent(taken) if m.document is not None]
    assert "jeudi 3 décembre à 10:00" in confirmation.text
    assert data is not None
    again = await person.tap_data(data, message_id=offer.message_id)  # an old copy of it
    await bot.settle(again)
    assert "n'est plus possible" in texts(person.messages_since(again)), "taken once"


async def test_a_referent_sets_availability_by_buttons_and_a_person_books_it(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """The site's types come from its file; Julien's own hours, by buttons."""
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7317)
    types_only = AVAILABILITY[: AVAILABILITY.index("staff:")]
    await julien_receives(bot, tmp_path, types_only)
    await bot.say(person, "/rdv")
    none_yet = await bot.tap(person, "Premier rendez-vous")
    assert "On ne peut pas encore prendre rendez-vous ici. Appelez ou passez" in texts(none_yet)

    shown = await bot.say(julien, "/dispos")
    assert "Aucun créneau" in texts(shown)
    await bot.tap(julien, "➕ Ajouter un créneau")
    await bot.tap(julien, "vendredi")
    await bot.tap(julien, "14:00")
    await bot.tap(julien, "16:00")
    saved = await bot.tap(julien, "🏢 CCAS de Rezé, 12 rue de la Paix")
    assert "🗑 vendredi 14:00–16:00 · CCAS de Rezé, 12 rue de la Paix" in labels(saved[-1])
    await bot.tap(julien, "➕ Ajouter un créneau")
    await bot.tap(julien, "vendredi")
    await bot.tap(julien, "15:00")
    await bot.tap(julien, "17:00")
    overlap = await bot.tap(julien, "🏢 CCAS de Rezé, 12 rue de la Paix")
    assert "chevauche" in texts(overlap)
    await bot.tap(julien, "🌴 Ajouter une absence")
    await bot.tap(julien, "ven. 27 nov.")
    away = await bot.tap(julien, "ven. 27 nov.")
    assert "🗑 Absence : ven. 27 nov. → ven. 27 nov." in labels(away[-1])

    await bot.say(person, "/rdv")
    offered = await bot.tap(person, "Premier rendez-vous")
    assert labels(offered[-1])[0] == "ven. 4 déc. · 14:00", "not on his day off"
    await bot.tap(person, "ven. 4 déc. · 15:00")
    confirmed = await bot.tap(person, "✅ Je confirme")
    assert "vendredi 4 décembre à 15:00" in texts(confirmed)

    await bot.tap(julien, "🗑 Absence : ven. 27 nov. → ven. 27 nov.", message_id=away[-1].message_id)
    removed = await bot.tap(julien, "🗑 Oui, retirer", message_id=away[-1].message_id)
    assert not [x for x in labels(removed[-1]) if "Absence" in x]


async def book_via_rdv(bot: BotHarness, person: FakeUser, slot: str, pages: int = 0) -> None:
    """Booked from /rdv, `pages` taps on "other days" before the time."""
    await bot.say(person, "/rdv")
    await bot.tap(person, "Premier rendez-vous")
    for _ in range(pages):
        await bot.tap(person, "Autres jours ➡️")
    await bot.tap(person, slot)
    await bot.tap(person, "✅ Je confirme")


async def join_waiting_list(bot: BotHarness, person: FakeUser, meeting: str) -> None:
    await bot.say(person, "/rdv")
    await bot.tap(person, meeting)
    joined = await bot.tap(person, "⏩ Plus tôt si possible")
    assert "Vous êtes sur la liste d'attente" in texts(joined)


async def test_a_freed_time_is_held_for_the_first_waiting_then_offered_to_the_next(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """Fair: one person at a time, in the order they joined, two hours each."""
    emulator.user(JULIEN, first_name="Julien")
    soon = await followed_by_julien(bot, emulator, 7318)
    await julien_receives(bot, tmp_path)
    first, second = emulator.user(7319, first_name="Ana"), emulator.user(7320, first_name="Bo")
    for person in (first, second):
        await onboard(bot, person, await another_invite(bot))
    await book_via_rdv(bot, soon, "jeu. 3 déc. · 10:00", pages=1)
    await book_via_rdv(bot, first, "jeu. 10 déc. · 09:00", pages=1)
    await book_via_rdv(bot, second, "jeu. 10 déc. · 10:00", pages=1)
    await join_waiting_list(bot, first, "jeu. 10 déc. · 09:00 · Premier rendez-vous")
    await join_waiting_list(bot, second, "jeu. 10 déc. · 10:00 · Premier rendez-vous")

    await bot.say(soon, "/rdv")
    await bot.tap(soon, "jeu. 3 déc. · 10:00 · Premier rendez-vous")
    await bot.tap(soon, "❌ Annuler")
    await bot.tap(soon, "❌ Oui, annuler")
    await outbox_pass(bot)
    offer = first.last_message
    assert (
        "Une heure plus tôt s'est libérée : jeudi 3 décembre à 10:00. "
        "Je la garde pour vous jusqu'à 12:00." in offer.text
    )
    assert not [m for m in second.messages if "plus tôt s'est libérée" in m.text], "one at a time"

    await bot.say(soon, "/rdv")
    await bot.tap(soon, "Premier rendez-vous")
    taken = await bot.tap(soon, "Autres jours ➡️")
    assert "jeu. 3 déc. · 10:00" not in labels(taken[-1]), "held: nobody else books it"

    bot.clock.set(datetime(2026, 11, 25, 11, 1, tzinfo=UTC))  # 12:01 in Rezé: the hold ends
    await release_waiting_holds(job_context(bot))
    await outbox_pass(bot)
    assert "jeudi 3 décembre à 10:00" in second.last_message.text, "then the next one"
    late = await bot.tap(first, "✅ Je prends cette heure", message_id=offer.message_id)
    assert "n'est plus gardée pour vous" in texts(late)

    moved = await bot.tap(second, "✅ Je prends cette heure")
    (update,) = [m for m in sent(moved) if m.document is not None]
    assert "Rendez-vous déplacé" in update.text and "jeudi 3 décembre à 10:00" in update.text
    _, event = event_of(update)
    assert event["sequence"] == 1
    await outbox_pass(bot)
    assert not [m for m in first.messages if "10 décembre à 10:00" in m.text], (
        "the time the second leaves is not offered to the first again today"
    )


async def test_on_the_day_the_person_says_they_have_arrived_and_the_referent_is_told(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7321)
    await julien_receives(bot, tmp_path)
    await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    await bot.say(person, "/rdv")
    early = await bot.tap(person, "jeu. 26 nov. · 11:00 · Premier rendez-vous")
    assert "📍 Je suis arrivé·e" not in labels(early[-1]), "not the day before"
    bot.clock.set(datetime(2026, 11, 26, 9, 50, tzinfo=UTC))  # 10:50 in Rezé
    page = await bot.say(person, "/rdv")
    line = "jeu. 26 nov. · 11:00 · Premier rendez-vous"
    menu = next(m for m in page if line in labels(m))  # the reminder may arrive meanwhile
    await bot.tap(person, line, message_id=menu.message_id)
    here = await bot.tap(person, "📍 Je suis arrivé·e", message_id=menu.message_id)
    assert "J'ai prévenu Julien que vous êtes là." in texts(here)
    await outbox_pass(bot)
    assert "est arrivé·e pour le rendez-vous de 11:00" in julien.last_message.text


async def open_the_person(bot: BotHarness, julien: FakeUser) -> None:
    """Espace professionnel → Les personnes → the one person Julien follows."""
    await bot.say(julien, "/menu")
    listing = (await bot.tap(julien, "🧑‍🤝‍🧑 Les personnes"))[-1]
    await bot.tap(julien, listing.button_labels[0], message_id=listing.message_id)


async def test_a_referent_books_for_a_person_who_cannot_and_the_person_gets_it_all(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7322)
    await julien_receives(bot, tmp_path)
    await open_the_person(bot, julien)
    await bot.tap(julien, "📅 Prendre rendez-vous pour elle")
    await bot.tap(julien, "Premier rendez-vous")
    times = await bot.tap(julien, "🏢 CCAS de Rezé, 12 rue de la Paix")
    assert labels(times[-1])[0] == "jeu. 26 nov. · 09:00", "his own times, sooner than 24 h"
    card = await bot.tap(julien, "jeu. 26 nov. · 09:00")
    assert "jeudi 26 novembre à 09:00" in texts(card) and "prévu" in texts(card)
    await outbox_pass(bot)
    told = person.last_message
    assert "Julien a choisi une heure parmi vos jours" not in told.text
    assert "C'est noté : rendez-vous jeudi 26 novembre à 09:00." in told.text
    assert told.document is not None, "with the calendar file"


async def test_an_invitation_to_book_is_followed_up_once_unless_the_person_books(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7323)
    await julien_receives(bot, tmp_path)
    await open_the_person(bot, julien)
    sent_ = await bot.tap(julien, "📨 L'inviter à prendre rendez-vous")
    assert "Invitation envoyée" in texts(sent_)
    await outbox_pass(bot)
    invitation = person.last_message
    assert "Julien vous propose un rendez-vous. C'est vous qui choisissez" in invitation.text
    bot.clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
    await outbox_pass(bot)
    assert "Petit rappel" in person.last_message.text, "three days later"
    bot.clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    await book_via_rdv(bot, person, "jeu. 3 déc. · 09:00")
    bot.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    await outbox_pass(bot)
    assert not [m for m in julien.messages if "n'a pas encore choisi" in m.text], (
        "booked since: the referent is not told"
    )


async def test_ten_days_after_an_unused_invitation_the_referent_is_told(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7324)
    await julien_receives(bot, tmp_path)
    await open_the_person(bot, julien)
    await bot.tap(julien, "📨 L'inviter à prendre rendez-vous")
    bot.clock.set(datetime(2026, 12, 5, 8, 59, tzinfo=UTC))
    await outbox_pass(bot)
    assert not [m for m in julien.messages if "n'a pas encore choisi" in m.text]
    bot.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    await outbox_pass(bot)
    assert "n'a pas encore choisi de rendez-vous (invitation du mercredi 25 novembre)" in (
        julien.last_message.text
    )
    assert len([m for m in person.messages if "Petit rappel" in m.text]) == 1


async def test_a_referent_told_only_about_today_and_tomorrow_still_gets_questions(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7325)
    await julien_receives(bot, tmp_path)
    await bot.say(julien, "/menu")
    await bot.tap(julien, "🔔 Ce que je vous signale")
    chosen = await bot.tap(julien, "Seulement pour aujourd'hui et demain")
    assert "✓ Seulement pour aujourd'hui et demain" in labels(chosen[-1])

    await book_via_rdv(bot, person, "jeu. 3 déc. · 09:00", pages=1)
    await outbox_pass(bot)
    assert not [m for m in julien.messages if "Nouveau rendez-vous" in m.text], "next week"
    await book_via_rdv(bot, person, "jeu. 26 nov. · 10:00")
    await outbox_pass(bot)
    assert "Nouveau rendez-vous : n°1, jeudi 26 novembre à 10:00." in julien.last_message.text

    await bot.say(julien, "/menu")
    await bot.tap(julien, "🔔 Ce que je vous signale")
    await bot.tap(julien, "Rien (je regarde mon agenda)")
    await propose_thursday_and_saturday_mornings(bot, person)
    await outbox_pass(bot)
    assert "ne trouve pas d'heure" in julien.last_message.text, "a question always goes"


SCARCE = """
places:
  - {key: bureau, mode: office, label: "CCAS de Rezé, 12 rue de la Paix", timezone: Europe/Paris}
meeting_types:
  - {key: premier, name: "Premier rendez-vous", minutes: 60, modes: [office], horizon_weeks: 1}
staff:
  - who: "Julien Martin"
    weekly:
      - {day: thursday, from: "09:00", to: "11:00", place: bureau}
"""


async def test_more_people_waiting_than_free_times_alerts_the_referent_and_admins_once_a_day(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    first = await followed_by_julien(bot, emulator, 7326)
    await julien_receives(bot, tmp_path, SCARCE)
    second = emulator.user(7327, first_name="Ana")
    await onboard(bot, second, await another_invite(bot))
    admin = emulator.user(9150, first_name="Claire")
    async with bot.services.db.begin() as session:
        claire = await staff_store.add_staff(session, 9150, "Claire Admin", "fr", bot.clock.now())
        await staff_store.add_role(session, claire.id, 1, "admin")  # the one site
    await propose_thursday_and_saturday_mornings(bot, first)
    await alert_slot_shortages(job_context(bot))
    await outbox_pass(bot)
    assert not [m for m in julien.messages if "⚠️" in m.text], "one waits, one free time"

    await propose_thursday_and_saturday_mornings(bot, second)
    await alert_slot_shortages(job_context(bot))
    await outbox_pass(bot)
    alert = julien.last_message
    assert (
        "⚠️ 2 personnes attendent un rendez-vous avec vous. Rendez-vous encore possibles : 1."
        in (alert.text)
    )
    assert labels(alert) == ["🕒 Ouvrir des heures"]
    assert "2 personnes attendent un rendez-vous avec Julien" in admin.last_message.text
    await alert_slot_shortages(job_context(bot))
    await outbox_pass(bot)
    assert len([m for m in julien.messages if "⚠️" in m.text]) == 1, "once a day"


async def test_a_phone_meeting_is_a_telegram_call_the_person_agreed_to(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """No phone number is asked: the person agrees, once, to be called on Telegram."""
    person = await followed_by_julien(bot, emulator, 7328)
    friday = '\n      - {day: friday, from: "14:00", to: "17:00", place: telephone}'
    by_phone = AVAILABILITY.replace("modes: [office]", "modes: [office, phone]").replace(
        "place: bureau}", "place: bureau}" + friday
    )
    await julien_receives(bot, tmp_path, by_phone)
    await bot.say(person, "/rdv")
    await bot.tap(person, "Premier rendez-vous")
    asked = await bot.tap(person, "📞 Par téléphone")
    assert "Julien vous appellera sur Telegram" in texts(asked)
    times = await bot.tap(person, "✅ Oui, appelez-moi sur Telegram")
    assert labels(times[-1])[0] == "ven. 27 nov. · 14:00"
    await bot.say(person, "/rdv")
    await bot.tap(person, "Premier rendez-vous")
    again = await bot.tap(person, "📞 Par téléphone")
    assert labels(again[-1])[0] == "ven. 27 nov. · 14:00", "asked once"


WORKSHOP = (
    AVAILABILITY
    + """
workshops:
  - {key: caf-en-ligne, name: "Mon compte CAF en ligne", on: 2026-12-04, from: "14:00",
     to: "16:00", place: bureau, capacity: 1}
"""
)


async def test_a_workshop_seat_is_taken_once_and_freed_when_its_holder_leaves(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    """One seat left, two persons tapping at once: one gets it; leaving gives it back.
    Nobody sees who else comes."""
    first = await followed_by_julien(bot, emulator, 7329)
    await julien_receives(bot, tmp_path, WORKSHOP)
    second = emulator.user(7330, first_name="Ana")
    await onboard(bot, second, await another_invite(bot))
    cards = []
    for person in (first, second):
        await bot.say(person, "/rdv")
        listed = await bot.tap(person, "👥 Ateliers collectifs")
        assert "ven. 4 déc. · 14:00 · Mon compte CAF en ligne" in labels(listed[-1])
        card = await bot.tap(person, "ven. 4 déc. · 14:00 · Mon compte CAF en ligne")
        assert "Il reste 1 place." in texts(card)
        cards.append(card[-1])
    taps = await asyncio.gather(
        first.tap("✅ Je m'inscris", message_id=cards[0].message_id),
        second.tap("✅ Je m'inscris", message_id=cards[1].message_id),
    )
    for update_id in taps:
        await bot.settle(update_id)
    answers = [p.messages_since(u) for p, u in zip((first, second), taps, strict=True)]
    seated = [a for a in answers if any(m.document is not None for m in a)]
    assert len(seated) == 1, [texts(a) for a in answers]
    (confirmation,) = [m for m in seated[0] if m.document is not None]
    assert "vendredi 4 décembre à 14:00" in confirmation.text
    winner, loser = (first, second) if seated[0] is answers[0] else (second, first)
    assert "complet" in texts(next(a for a in answers if a is not seated[0]))

    await bot.tap(winner, "❌ Me désinscrire", message_id=confirmation.message_id)
    await bot.tap(winner, "❌ Oui, annuler")
    await bot.say(loser, "/rdv")
    await bot.tap(loser, "👥 Ateliers collectifs")
    card = await bot.tap(loser, "ven. 4 déc. · 14:00 · Mon compte CAF en ligne")
    assert "Il reste 1 place." in texts(card)
    joined = await bot.tap(loser, "✅ Je m'inscris")
    assert [m for m in joined if m.document is not None]
    everything = texts(first.messages) + texts(second.messages)
    assert "Fatou" not in everything and "Ana" not in everything, "nobody sees who else comes"


async def test_a_referent_moves_a_meeting_and_the_person_gets_an_apology_and_the_new_file(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    julien = emulator.user(JULIEN, first_name="Julien")
    person = await followed_by_julien(bot, emulator, 7331)
    await julien_receives(bot, tmp_path)
    first = await book_first_meeting(bot, person, "jeu. 26 nov. · 11:00")
    _, booked = event_of(first)
    agenda = await bot.say(julien, "/agenda")
    await bot.tap(julien, labels(agenda[-1])[0])
    await bot.tap(julien, "🔁 Déplacer ce rendez-vous")
    times = await bot.tap(julien, "🏢 CCAS de Rezé, 12 rue de la Paix")
    assert "jeu. 26 nov. · 10:15" in labels(times[-1]), "its own time no longer blocks it"
    card = await bot.tap(julien, "jeu. 26 nov. · 10:15")
    assert "jeudi 26 novembre à 10:15" in texts(card)
    await outbox_pass(bot)
    told = person.last_message
    assert "Désolé, votre rendez-vous change : jeudi 26 novembre à 10:15." in told.text
    method, event = event_of(told)
    assert event["uid"] == booked["uid"] and event["sequence"] == 1 and method == "PUBLISH"
    bot.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # the old day-before time
    await outbox_pass(bot)
    assert not [m for m in person.messages if "demain à 11:00" in m.text], "old reminder gone"
