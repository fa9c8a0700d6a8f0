"""Arriving: welcome, language, consent."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.i18n import Translator
from core.intents import AnswerConsent, ChooseLanguage, Consent
from core.languages import language, match_language
from core.screens import Screen, joined
from handlers import reply
from handlers.commands import register_staff_commands
from handlers.common import staff_home, visitor_of
from handlers.fallback import answer_stale_button
from screens import home, onboarding
from screens import staff as staff_screens
from services import accounts
from services import onboarding as onboarding_service
from services import staff as staff_service
from services.accounts import Account, FormerStaff
from services.invites import PERSON, InviteInfo, read_invite
from services.onboarding import Arrival, PersonView
from services.staff import Joined, StaffView


async def start(update: Update, context: AllianceContext) -> None:
    """The person opens the bot, maybe from an invite link, and is welcomed."""
    s, scope = context.services, context.scope
    payload = context.args[0] if context.args else None
    invite = await read_invite(s.db, payload, s.clock.now()) if payload else None
    if invite is not None and invite.purpose != PERSON:
        await join_staff(update, context, invite)
        return
    if isinstance(scope.account, StaffView | FormerStaff):
        await reply.answer(update, context, scope.t, staff_home(scope.t, scope.account))
        return
    arrival = await onboarding_service.arrive(
        s.db, visitor_of(context), payload, s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(arrival.language).in_zone(scope.t.zone)
    await reply.answer(update, context, t, _arrival(t, arrival))


def _arrival(t: Translator, arrival: Arrival) -> Screen:
    """One message: the invite's notice if any, then the menu or the welcome and languages."""
    notice = (
        [onboarding.invite_notice(t, arrival.invite, arrival.accompanied_by)]
        if arrival.invite
        else []
    )
    if arrival.ready:
        return joined(*notice, home.menu(t))
    return joined(*notice, onboarding.welcome(t), onboarding.language_picker(t, arrival.language))


async def join_staff(update: Update, context: AllianceContext, invite: InviteInfo) -> None:
    """A professional opens their staff invite and lands in their space."""
    s, user = context.services, update.effective_user
    assert user is not None
    language = match_language(user.language_code, s.settings.default_language)
    result = await staff_service.join(
        s.db, user.id, user.first_name, language, invite, s.clock.now()
    )
    if isinstance(result, Joined):
        t = s.translations.get(result.staff.language)
        await register_staff_commands(context.bot, user.id, t)
        welcome = staff_screens.joined(t, result.role, result.site_name)
        await reply.answer(update, context, t, joined(welcome, staff_screens.home(t, result.staff)))
    else:
        t = s.translations.get(language)
        await reply.answer(update, context, t, staff_screens.staff_invite_problem(t, result))


async def choose_language(update: Update, context: AllianceContext, tap: ChooseLanguage) -> None:
    """The person taps their language; onboarding moves on to consent."""
    s, query = context.services, update.callback_query
    assert query is not None
    account = await accounts.set_language(
        s.db, visitor_of(context), tap.code, s.clock.now(), s.settings.default_language
    )
    if account is None:
        await answer_stale_button(update, context)
        return
    t = s.translations.get(account.language).in_zone(context.scope.t.zone)
    await reply.settle(query, t, language(account.language).native_name)
    await reply.answer(update, context, t, _after_language(t, account))


def _after_language(t: Translator, account: Account) -> Screen:
    """Staff go back to their space; a person goes on with onboarding or to the menu."""
    if not isinstance(account, PersonView):
        chosen = [onboarding.language_chosen(t)] if isinstance(account, StaffView) else []
        return joined(*chosen, staff_home(t, account))
    if account.ready:
        return joined(onboarding.language_chosen(t), home.menu(t))
    return onboarding.resume(t, account.stage, account.language)


async def decide_consent(update: Update, context: AllianceContext, tap: AnswerConsent) -> None:
    """The person agrees, asks for more, or refuses; refusing keeps nothing."""
    match tap.choice:
        case Consent.AGREE:
            await _agree(update, context)
        case Consent.REFUSE:
            await _refuse(update, context)
        case Consent.MORE:
            await _explain(update, context)


async def _agree(update: Update, context: AllianceContext) -> None:
    s = context.services
    person = await onboarding_service.agree(
        s.db, visitor_of(context), s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(person.language).in_zone(context.scope.t.zone)
    if not person.ready:
        await reply.answer(update, context, t, onboarding.resume(t, person.stage, person.language))
        return
    assert update.callback_query is not None
    await reply.settle(update.callback_query, t, t.label("✅ J'accepte"))
    await reply.answer(update, context, t, joined(onboarding.agreed(t), home.menu(t)))


async def _refuse(update: Update, context: AllianceContext) -> None:
    s = context.services
    refusal = await onboarding_service.refuse(
        s.db, visitor_of(context), s.clock.now(), s.settings.default_language
    )
    t = s.translations.get(refusal.language)
    if not refusal.done:
        await reply.answer(update, context, t, joined(home.stale_button(t), home.menu(t)))
        return
    assert update.callback_query is not None
    await reply.settle(update.callback_query, t, t.label("❌ Non merci"))
    await reply.answer(update, context, t, onboarding.refused(t))


async def _explain(update: Update, context: AllianceContext) -> None:
    """The consent explained; reading it stores nothing (the account was found already)."""
    account, t = context.scope.account, context.scope.t
    if isinstance(account, PersonView) and account.ready:
        details = onboarding.consent_details(t).without_buttons()
        await reply.answer(update, context, t, joined(details, home.menu(t)))
    else:
        await reply.answer(update, context, t, onboarding.consent_details(t))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
