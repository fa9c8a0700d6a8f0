"""A human's address on every screen: the site's phone, address and hours, set from the
shell (`site add --phone`, `site edit`), shown in Mon accompagnement, the help page and
"Je bloque", and who follows a person told on arrival through a referent's link."""

from __future__ import annotations

from core.access import Role
from emulator import BotApiEmulator, FakeUser
from services.invites import PERSON, create_invite
from services.sites import create_site
from storage import staff as staff_store
from tests.e2e.steps import CAF, onboard, open_flow
from tests.harness import BotHarness, texts
from tests.processes import bot_py

SITE = "CCAS de Rezé"
PHONE = "02 61 91 00 00"  # a range kept for fiction: it rings nobody
URGENT = ("115", "15 :", "17 :", "18 :", "112", "114", "3114", "3919", "119 : enfant en danger")


def shell(bot: BotHarness, *arguments: str) -> str:
    """`python bot.py …` in a real process, on the running bot's database."""
    done = bot_py(*arguments, DATABASE_URL=bot.settings.database_url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def shell_refuses(bot: BotHarness, *arguments: str) -> str:
    """The command fails as a configuration error (exit code 2); its message."""
    done = bot_py(*arguments, DATABASE_URL=bot.settings.database_url)
    assert done.returncode == 2, (done.stdout, done.stderr)
    return done.stderr


async def julien_invites(bot: BotHarness, **details: str) -> str:
    """A site (with `details`: address, hours, phone…), its referent "Julien Martin", and
    the code of his link for a person."""
    now = bot.clock.now()
    site = await create_site(
        bot.services.db,
        name=SITE,
        timezone="Europe/Paris",
        holiday_region="metropole",
        now=now,
        **details,
    )
    async with bot.services.db.begin() as session:
        julien = await staff_store.add_staff(session, 9101, "Julien Martin", "fr", now)
        await staff_store.add_role(session, julien.id, site.id, Role.REFERENT.value)
        julien_id = julien.id
    return await create_invite(
        bot.services.db, PERSON, now, site_id=site.id, created_by_id=julien_id
    )


async def followed_by_julien(bot: BotHarness, emulator: BotApiEmulator, user_id: int) -> FakeUser:
    """A site with its details, its referent, and a person he invited, who opens his
    link, chooses French and agrees."""
    code = await julien_invites(
        bot,
        address="12 rue de la Paix",
        town="Rezé",
        postcode="44400",
        office_hours="lun-ven 9h-12h",
        phone=PHONE,
    )
    person = emulator.user(user_id, first_name="Fatou")
    await onboard(bot, person, code)
    return person


async def test_the_shell_sets_and_edits_a_sites_phone_address_and_hours(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    shell(
        bot,
        *("site", "add", "--name", SITE, "--timezone", "Europe/Paris"),
        *("--holidays", "metropole", "--town", "Rezé", "--postcode", "44400"),
        *("--phone", "02 40  00 00 00"),
    )
    assert "02 40 00 00 00" in shell(bot, "site", "list"), "spaces tidied, phone listed"

    assert "not a phone number" in shell_refuses(bot, "site", "edit", SITE, "--phone", "call me")
    assert "no site" in shell_refuses(bot, "site", "edit", "Nowhere", "--phone", PHONE)
    assert "nothing to change" in shell_refuses(bot, "site", "edit", SITE)
    assert "not a time zone" in shell_refuses(bot, "site", "edit", SITE, "--timezone", "Mars")

    out = shell(
        bot,
        *("site", "edit", SITE, "--name", "CCAS de Rezé (centre)", "--phone", PHONE),
        *("--address", "12 rue de la Paix", "--office-hours", "lun-ven 9h-12h"),
        *("--timezone", "Europe/Paris", "--opening", "Lundi-Vendredi 9h-12h"),
    )
    assert "updated" in out
    listed = shell(bot, "site", "list").splitlines()
    assert listed == [
        "1\tCCAS de Rezé (centre)\tRezé\t44400\t12 rue de la Paix\t"
        f"{PHONE}\tlun-ven 9h-12h\tEurope/Paris\tlu-ve 09:00-12:00"
    ]
    refused = shell_refuses(bot, "site", "edit", "CCAS de Rezé (centre)", "--opening", "lu 9h")
    assert "--opening" in refused

    person = emulator.user(881, first_name="Ana")
    await onboard(bot, person)
    await bot.tap(person, "🤝 Mon accompagnement")
    await bot.tap(person, "🏢 Choisir ma structure")
    chosen = texts(await bot.tap(person, "CCAS de Rezé (centre) (44400)"))
    assert PHONE in chosen and "12 rue de la Paix, 44400 Rezé" in chosen
    assert "lun-ven 9h-12h" in chosen

    shell(bot, "site", "edit", "1", "--phone", "", "--address", "")
    await bot.say(person, "/menu")
    support = texts(await bot.tap(person, "🤝 Mon accompagnement"))
    assert PHONE not in support and "12 rue de la Paix" not in support, 'cleared by ""'
    assert "votre mairie peut vous les donner" in support, "where to find them instead"


async def test_a_referents_link_says_who_follows_and_what_they_see(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code = await julien_invites(bot)
    arrival = texts(await bot.say(emulator.user(882, first_name="Fatou"), f"/start {code}"))
    assert "Julien, CCAS de Rezé, vous accompagne" in arrival
    assert "Julien et les responsables de la structure voient" in arrival
    assert "seulement celles que vous choisissez de partager (/partage)" in arrival
    assert "Martin" not in arrival, "the first name only"


async def test_mon_accompagnement_and_help_give_the_sites_details(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = await followed_by_julien(bot, emulator, 883)
    support = texts(await bot.tap(person, "🤝 Mon accompagnement"))
    assert f"📞 Appelez : {PHONE}" in support
    assert "📍 Allez sur place : 12 rue de la Paix, 44400 Rezé" in support
    assert "🕘 Horaires : lun-ven 9h-12h" in support

    help_page = texts(await bot.say(person, "/aide"))
    assert "Contactez Julien (CCAS de Rezé), la personne qui vous accompagne" in help_page
    assert PHONE in help_page and "12 rue de la Paix, 44400 Rezé" in help_page
    assert all(number in help_page for number in URGENT)
    assert "Martin" not in help_page


async def test_help_without_a_site_points_to_public_places_and_urgent_numbers(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    stranger = emulator.user(884, first_name="Bob")
    before_consent = texts(await bot.say(stranger, "/aide"))
    assert "CCAS (le service social de la mairie)" in before_consent
    assert "france-services.gouv.fr" in before_consent
    assert all(number in before_consent for number in URGENT)


async def test_je_bloque_says_whom_to_call_and_never_that_the_request_is_noted(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = await followed_by_julien(bot, emulator, 885)
    await open_flow(bot, person, CAF, "Demander le RSA")
    stuck = texts(await bot.tap(person, "🆘 Je bloque"))
    assert "notée" not in stuck
    assert "J'ai prévenu Julien" in stuck, "Julien is alerted (issue 11): said so"
    assert "Vous pouvez aussi joindre CCAS de Rezé" in stuck
    assert PHONE in stuck and "12 rue de la Paix, 44400 Rezé" in stuck
    assert "lun-ven 9h-12h" in stuck
