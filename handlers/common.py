"""Small helpers every journey uses: the person writing, the menu, the staff space."""

from __future__ import annotations

from telegram import Update

from app.context import AllianceContext
from core.i18n import Translator
from core.onboarding import Stage
from core.screens import Screen, joined
from flows.model import Flow
from handlers import reply
from screens import fallback, home, onboarding
from screens import procedures as procedure_screens
from screens import staff as staff_screens
from services import procedures as procedures_service
from services.accounts import Account, FormerStaff
from services.onboarding import PersonView, Visitor
from services.staff import StaffView


def visitor_of(context: AllianceContext) -> Visitor:
    visitor = context.scope.visitor
    if visitor is None:  # filters only route updates that have a user here
        raise ValueError("update without a user")
    return visitor


def staff_home(t: Translator, account: StaffView | FormerStaff) -> Screen:
    if isinstance(account, FormerStaff):
        return staff_screens.former_staff(t)
    return staff_screens.home(t, account)


async def ready_person(update: Update, context: AllianceContext) -> PersonView | None:
    """The person, if onboarding is done; otherwise show where onboarding stands.
    Staff accounts are never persons: they are shown their own space instead."""
    account, t = context.scope.account, context.scope.t
    if isinstance(account, PersonView) and account.ready:
        return account
    if isinstance(account, StaffView | FormerStaff):
        await reply.answer(update, context, t, staff_home(t, account))
        return None
    # Someone the bot keeps nothing about is asked their language, and nothing is stored
    # until they choose it (their Telegram language is already `t`'s).
    if account is None:
        resume = onboarding.resume(t, Stage.LANGUAGE, t.code)
    else:
        resume = onboarding.resume(t, account.stage, account.language)
    await reply.answer(update, context, t, joined(fallback.onboarding_first(t), resume))
    return None


async def main_menu(context: AllianceContext, t: Translator) -> Screen:
    """The menu with the person's procedures in progress on top."""
    s = context.services
    going = await procedures_service.ongoing(s.db, s.flows, visitor_of(context))
    return home.menu(t, tuple(procedure_screens.continue_button(t, entry) for entry in going))


def way_on(account: Account | None, t: Translator) -> Screen:
    """Where anyone can go from here: the staff space, onboarding, or the menu."""
    if isinstance(account, StaffView | FormerStaff):
        return staff_home(t, account)
    if isinstance(account, PersonView) and not account.ready:
        return onboarding.resume(t, account.stage, account.language)
    return home.menu(t)


def flow_of(context: AllianceContext, flow_id: str | None) -> Flow | None:
    """A flow by id (None: none, or taken out of service): to name it and its step."""
    return context.services.flows.registry.get(flow_id) if flow_id else None
