"""Arriving: welcome, language, consent."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, Consent, decode
from core.languages import language
from handlers import reply
from handlers.common import visitor_of
from handlers.fallback import answer_stale_button
from screens import home, onboarding
from services import onboarding as onboarding_service


async def start(update: Update, context: AllianceContext) -> None:
    """The person opens the bot, maybe from an invite link, and is welcomed."""
    s = context.services
    payload = context.args[0] if context.args else None
    arrival = await onboarding_service.arrive(
        s.db, visitor_of(update), payload, s.clock.now(), s.settings.default_language
    )
    person, t = arrival.person, s.translations.get(arrival.person.language)
    screens = [onboarding.invite_notice(t, arrival.invite)] if arrival.invite else []
    if person.ready:
        screens.append(home.menu(t))
    else:
        screens += [onboarding.welcome(t), onboarding.language_picker(t, person.language)]
    await reply.answer(update, context, t, *screens)


async def choose_language(update: Update, context: AllianceContext) -> None:
    """The person taps their language; onboarding moves on to consent."""
    s, query = context.services, update.callback_query
    assert query is not None
    pressed = decode(query.data)
    code = pressed.argument if pressed else None
    person = await onboarding_service.choose_language(
        s.db, visitor_of(update), code or "", s.clock.now(), s.settings.default_language
    )
    if person is None:
        await answer_stale_button(update, context)
        return
    t = s.translations.get(person.language)
    await reply.settle(query, t, language(person.language).native_name)
    if person.ready:
        await reply.answer(update, context, t, onboarding.language_chosen(t), home.menu(t))
    else:
        await reply.answer(update, context, t, onboarding.resume(t, person.stage, person.language))


async def decide_consent(update: Update, context: AllianceContext) -> None:
    """The person agrees, asks for more, or refuses; refusing keeps nothing."""
    query = update.callback_query
    assert query is not None
    pressed = decode(query.data)
    choice = pressed.argument if pressed else None
    if choice == Consent.AGREE:
        await _agree(update, context)
    elif choice == Consent.REFUSE:
        await _refuse(update, context)
    else:
        await _explain(update, context)


async def _agree(update: Update, context: AllianceContext) -> None:
    s = context.services
    person = await onboarding_service.agree(
        s.db, visitor_of(update), s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(person.language)
    if not person.ready:
        await reply.answer(update, context, t, onboarding.resume(t, person.stage, person.language))
        return
    assert update.callback_query is not None
    await reply.settle(update.callback_query, t, t._("✅ J'accepte"))
    await reply.answer(update, context, t, onboarding.agreed(t), home.menu(t))


async def _refuse(update: Update, context: AllianceContext) -> None:
    s = context.services
    refusal = await onboarding_service.refuse(
        s.db, visitor_of(update), s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(refusal.language)
    if not refusal.done:
        await reply.answer(update, context, t, home.stale_button(t), home.menu(t))
        return
    assert update.callback_query is not None
    await reply.settle(update.callback_query, t, t._("❌ Non merci"))
    await reply.answer(update, context, t, onboarding.refused(t))


async def _explain(update: Update, context: AllianceContext) -> None:
    s = context.services
    person = await onboarding_service.visit(
        s.db, visitor_of(update), s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(person.language)
    if person.ready:
        details = onboarding.consent_details(t).without_buttons()
        await reply.answer(update, context, t, details, home.menu(t))
    else:
        await reply.answer(update, context, t, onboarding.consent_details(t))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", start, filters=private),
        CallbackQueryHandler(choose_language, pattern=rf"^{Action.LANGUAGE}:"),
        CallbackQueryHandler(decide_consent, pattern=rf"^{Action.CONSENT}:"),
    ]
