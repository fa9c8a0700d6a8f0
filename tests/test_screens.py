"""Every screen, in every language, fits Telegram's limits and parses as Telegram HTML."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.i18n import Translator, load_translations
from core.intents import ShowMenu, decode_tap, encode
from core.invites import InviteStatus
from core.languages import SUPPORTED_LANGUAGES
from core.onboarding import Stage
from core.screens import READABLE, Button, Label, Screen, joined, readable_length
from core.sites import Contact
from emulator.html import parse_html, utf16_len
from flows.model import Ending, StepKind
from screens import errors, fallback, home, onboarding, privacy, support
from screens.fallback import Unusable
from services.privacy import ConsentGiven, PersonExport

AGREED = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)

SCREENS: list[Callable[[Translator], Screen]] = [
    onboarding.welcome,
    lambda t: onboarding.language_picker(t, t.code),
    onboarding.language_chosen,
    onboarding.consent,
    onboarding.consent_details,
    onboarding.agreed,
    onboarding.refused,
    lambda t: onboarding.resume(t, Stage.LANGUAGE, t.code),
    *[lambda t, s=status: onboarding.invite_notice(t, s) for status in InviteStatus],
    home.menu,
    home.help_page,
    home.stale_button,
    lambda t: privacy.export_summary(t, _export(t.code)),
    privacy.confirm_erase,
    lambda t: privacy.confirm_erase(t, "Julien"),
    privacy.erased,
    lambda t: privacy.erased(t, "Julien"),
    privacy.data_file,
    privacy.nothing_held,
    privacy.kept,
    *[lambda t, k=kind: fallback.unusable(t, k) for kind in Unusable],
    lambda t: fallback.private_only(t, "alliance_bot"),
    fallback.onboarding_first,
    errors.something_went_wrong,
    errors.one_moment,
    support.no_one_to_share_with,
    # The answers said in one message (`core.screens.joined`), as the handlers join them.
    *[lambda t, k=kind: joined(fallback.unusable(t, k), home.menu(t)) for kind in Unusable],
    *[
        lambda t, s=stage: joined(fallback.onboarding_first(t), onboarding.resume(t, s, t.code))
        for stage in (Stage.LANGUAGE, Stage.CONSENT)
    ],
    *[
        lambda t, s=status: joined(
            onboarding.invite_notice(t, s),
            onboarding.welcome(t),
            onboarding.language_picker(t, t.code),
        )
        for status in InviteStatus
    ],
    lambda t: joined(onboarding.language_chosen(t), home.menu(t)),
    lambda t: joined(onboarding.agreed(t), home.menu(t)),
    lambda t: joined(onboarding.consent_details(t).without_buttons(), home.menu(t)),
    lambda t: joined(home.stale_button(t), home.menu(t)),
    lambda t: joined(privacy.kept(t), home.menu(t)),
]


@pytest.fixture(scope="module")
def translators() -> dict[str, Translator]:
    translations = load_translations("fr", ZoneInfo("Europe/Paris"))
    return {code: translations.get(code) for code in SUPPORTED_LANGUAGES}


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("build", SCREENS)
def test_screen_fits_telegram(
    build: Callable[[Translator], Screen], code: str, translators: dict[str, Translator]
) -> None:
    t = translators[code]
    screen = build(t)
    plain, _ = parse_html(t.directional(screen.text))
    assert 0 < utf16_len(plain) <= 4096
    for said in (screen.text, screen.lead or ""):  # each message read at once
        assert readable_length(said) <= READABLE, (code, readable_length(said), said[:60])
    for row in screen.buttons:
        assert len(row) <= 8
        for button in row:
            assert 0 < len(button.label) <= 40, button.label
    if code != "fr":
        assert screen.text != build(translators["fr"]).text, "shown untranslated"


def test_joined_screens_read_in_order_under_the_one_keyboard() -> None:
    menu = Screen("Menu", ((Button(Label("Go"), ShowMenu()),),))
    note, other = Screen("Note"), Screen("Other")
    assert joined(note, other, menu) == Screen("Note\n\nOther\n\nMenu", menu.buttons)
    assert joined(menu, note) == Screen("Menu\n\nNote", menu.buttons)
    assert joined(menu) == menu
    with pytest.raises(ValueError, match="only one"):
        joined(menu, menu)
    with pytest.raises(ValueError, match="nothing"):
        joined()


def test_dates_are_in_the_persons_language_and_the_sites_zone(
    translators: dict[str, Translator],
) -> None:
    """23:30 UTC on the 25th is already the 26th in Paris."""
    for code, expected in (("fr", "26 novembre 2026"), ("en", "November 26, 2026")):
        assert expected in privacy.export_summary(translators[code], _export(code)).text
    assert "листопада" in privacy.export_summary(translators["uk"], _export("uk")).text


def _export(language: str) -> PersonExport:
    return PersonExport(
        telegram_user_id=1,
        language=language,
        onboarding_stage="ready",
        created_at=AGREED,
        last_seen_at=AGREED,
        site=None,
        referent=None,
        referent_note=None,
        consents=(ConsentGiven("v1", AGREED),),
        sharing=None,
        referent_change_requests=(),
        procedures=(),
        reminders_to_come=(),
        help_requests=(),
        staff_accesses=(),
    )


def test_every_step_of_every_flow_fits_in_every_language(
    translators: dict[str, Translator],
) -> None:
    """Each step rendered as the person sees it: text, buttons and data within limits;
    and with every note an answer can say above it (in the same message) at once."""
    from datetime import date

    from flows import engine
    from flows.registry import load
    from screens import procedures
    from services.procedures import Acted, StepView

    registry, errors = load(None, date(2026, 11, 25))
    assert registry is not None, errors
    from flows.deadlines import named_dates

    today = date(2026, 11, 25)
    for flow in registry.all():
        progress = engine.start(flow, today)
        # Every date the texts can name, as long as a date gets ("…, 2027 (tomorrow)").
        answers = dict.fromkeys(flow.date_answers(), date(2027, 9, 30))
        dates = named_dates(flow, answers, today)
        for flow_step in flow.steps:
            view = StepView(flow, flow_step, progress, 3, 9, today, dates)
            help_asked = engine.HelpRequested(
                flow.id, flow_step.id, flow_step.kind, engine.Who.ANY, engine.Reason.STUCK
            )
            said_all = Acted(
                flow,
                view,
                help_requested=help_asked,
                follow_up=date(2026, 11, 28),
                finished=Ending.NOT_YET,  # the longest of the three
                contact=Contact(  # the longest each field can be
                    referent="N" * 80,
                    site="S" * 80,
                    address="A" * 200,
                    hours="H" * 200,
                    phone="+33 1 23 45 67 89",
                ),
            )
            for t in translators.values():
                screen = procedures.step(t, view)
                plain, _ = parse_html(t.directional(screen.text))
                assert 0 < utf16_len(plain) <= 4096, (flow.id, flow_step.id, t.code)
                answer = procedures.outcome(t, said_all)
                assert answer.buttons == screen.buttons
                plain, _ = parse_html(t.directional(answer.text))
                assert utf16_len(plain) <= 4096, (flow.id, flow_step.id, t.code, "with notes")
                for row in screen.buttons:
                    assert len(row) <= 8
                    for button in row:
                        assert button.label and len(button.label) <= 64, (flow.id, button.label)
                        if button.intent is not None:
                            assert decode_tap(encode(button.intent)) == button.intent
                if t.code != "fr":
                    french = procedures.step(translators["fr"], view).text
                    assert screen.text != french, (
                        f"{flow.id}/{flow_step.id} untranslated in {t.code}"
                    )


# How each language congratulates (the flows' and the bot's own words).
CONGRATULATIONS = {
    "fr": ("Bravo", "Félicitations", "Vous l'avez fait"),
    "en": ("Well done", "Congratulations", "You did it"),
    "ar": ("أحسنت", "مبروك", "لقد فعلتها"),
    "uk": ("Молодець", "Вітаю", "Чудово", "Ви це зробили"),
}


def test_an_ending_without_the_procedure_done_congratulates_nobody(
    translators: dict[str, Translator],
) -> None:
    """Every end step of every flow that is not a procedure done, in every language, and
    the note said with it: no "Bravo" for a payment stopped or a night outside."""
    from datetime import date

    from flows.registry import load
    from screens import procedures

    registry, errors = load(None, date(2026, 11, 25))
    assert registry is not None, errors
    endings = [
        (flow.id, step)
        for flow in registry.all()
        for step in flow.steps
        if step.kind is StepKind.END and step.ending is not Ending.DONE
    ]
    assert len(endings) >= 4, "the help endings of the shipped flows"
    for code, t in translators.items():
        for flow_id, step in endings:
            assert step.ending is not None
            said = t._(step.text) + procedures.finished(t, step.ending)
            found = [word for word in CONGRATULATIONS[code] if word in said]
            assert not found, (flow_id, step.id, code, found)
        assert any(word in procedures.finished(t, Ending.DONE) for word in CONGRATULATIONS[code])


@pytest.mark.parametrize("ending", list(Ending))
def test_a_procedure_done_before_is_offered_again_in_every_language(
    translators: dict[str, Translator], ending: Ending
) -> None:
    from datetime import date

    from flows.registry import load
    from screens import procedures
    from services.procedures import Finished

    registry, errors = load(None, date(2026, 11, 25))
    assert registry is not None, errors
    flow = registry.get("declaration-trimestrielle")
    assert flow is not None
    for t in translators.values():
        screen = procedures.done_before(t, Finished(flow, date(2026, 11, 20), ending))
        plain, _ = parse_html(t.directional(screen.text))
        assert "{" not in plain and t._(flow.title) in plain, (t.code, plain)
        assert len(plain) <= 500
        assert len(screen.buttons) == 3, "again, Mon parcours, the menu"


def test_my_data_stays_short_when_everything_is_held(
    translators: dict[str, Translator],
) -> None:
    """Plain words first, under 500 characters even with a referent, a long note, every
    area shared, procedures, reminders, help and accesses (the details are in the file)."""
    from dataclasses import replace

    from core.sharing import Area
    from services.privacy import HelpAsked, ReminderSent, ReminderToCome, Sharing, StaffAccess

    full = replace(
        _export("fr"),
        site="France Services de Saint-Sébastien-sur-Loire",
        referent="Marie-Christine",
        referent_note="N" * 80,
        sharing=Sharing((Area.CAF, Area.PREFECTURE), AGREED, AGREED, None),
        reminders_to_come=(ReminderToCome("demande-rsa", "later", AGREED),),
        reminders_sent=(ReminderSent("demande-rsa", "check", "apply", AGREED),),
        help_requests=(HelpAsked("demande-rsa", "apply", "stuck", AGREED, "pending"),),
        staff_accesses=(StaffAccess(AGREED, "Marie", "view_person", "allowed"),),
    )
    screen = privacy.export_summary(translators["fr"], full)
    plain, _ = parse_html(screen.text)
    assert utf16_len(plain) <= 500, plain
    for jargon in ("identifiant", "JSON", "caf,", "référent·e"):
        assert jargon not in plain
