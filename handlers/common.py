"""Small helpers every journey uses: who is writing, in which language, are they set up."""

from __future__ import annotations

from telegram import Update

from app.context import AllianceContext
from core.i18n import Translator
from core.screens import Screen
from handlers import reply
from screens import fallback, home, onboarding
from screens import procedures as procedure_screens
from screens import staff as staff_screens
from services import accounts
from services import onboarding as onboarding_service
from services import procedures as procedures_service
from services.accounts import Account, FormerStaff
from services.onboarding import PersonView, Visitor
from services.staff import StaffView


def visitor_of(update: Update) -> Visitor:
    user = update.effective_user
    if user is None:  # filters only route updates that have a user here
        raise ValueError("update without a user")
    return Visitor(user.id, user.language_code)


async def account_of(update: Update, context: AllianceContext) -> tuple[Account, Translator]:
    s = context.services
    account = await accounts.identify(
        s.db, visitor_of(update), s.clock.now(), s.settings.default_language
    )
    return account, s.translations.get(account.language)


def staff_home(t: Translator, account: StaffView | FormerStaff) -> Screen:
    if isinstance(account, FormerStaff):
        return staff_screens.former_staff(t)
    return staff_screens.home(t, account)


async def show_staff_home(
    update: Update, context: AllianceContext, account: StaffView | FormerStaff, t: Translator
) -> None:
    await reply.answer(update, context, t, staff_home(t, account))


async def translator_of(update: Update, context: AllianceContext) -> Translator:
    """The person's language without creating anything (help must not need a record)."""
    services = context.services
    code = await onboarding_service.language_of(
        services.db, visitor_of(update), services.settings.default_language
    )
    return services.translations.get(code)


async def ready_person(
    update: Update, context: AllianceContext
) -> tuple[PersonView, Translator] | None:
    """The person, if onboarding is done; otherwise show where onboarding stands.
    Staff accounts are never persons: they are shown their own space instead."""
    account, t = await account_of(update, context)
    if not isinstance(account, PersonView):
        await show_staff_home(update, context, account, t)
        return None
    if account.ready:
        return account, t
    await reply.answer(
        update,
        context,
        t,
        fallback.onboarding_first(t),
        onboarding.resume(t, account.stage, account.language),
    )
    return None


async def main_menu(update: Update, context: AllianceContext, t: Translator) -> Screen:
    """The menu with the person's procedures in progress on top."""
    s = context.services
    going = await procedures_service.ongoing(s.db, s.flows, visitor_of(update))
    return home.menu(t, tuple(procedure_screens.continue_button(t, entry) for entry in going))
