"""The professional space: invitations, the team, referent changes, the audit log.

Every button re-checks on the server: `services.staff` reloads the actor and asks
`core.access` before it reads or changes anything, and audits the decision.
"""

from __future__ import annotations

import logging
from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.access import Role
from core.intents import (
    AddInviteNote,
    AwaitNote,
    AwaitPersonNote,
    CancelTyping,
    ConfirmDeactivation,
    Deactivate,
    EditPersonNote,
    FiguresFile,
    HandleChange,
    InviteAt,
    InviteFor,
    InviteMenu,
    InviteWho,
    OpenSitePage,
    Reassign,
    SendFigures,
    ShowSitePage,
    SitePage,
    StaffHome,
    StaffIntent,
    ViewPerson,
)
from core.screens import Screen, joined
from handlers import reply
from handlers.common import visitor_of, way_on
from screens import figures as figure_screens
from screens import staff as screens
from services import handoff_figures, staff_views
from services import staff as staff_service
from services.authorisation import NotAllowed
from services.staff import RoleView, StaffView

log = logging.getLogger(__name__)


async def staff_command(update: Update, context: AllianceContext) -> None:
    """/inviter and /journal: the same as the buttons of the professional space."""
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    tap = InviteMenu() if command == "inviter" else OpenSitePage(SitePage.JOURNAL)
    await staff_button(update, context, tap)


async def staff_button(update: Update, context: AllianceContext, tap: StaffIntent) -> None:
    """A button of the professional space, for staff only, each action checked again."""
    account, t = context.scope.account, context.scope.t
    if not isinstance(account, StaffView):
        log.info("staff function refused to a non-staff account")
        refused = screens.not_allowed(t, to_staff_space=False)
        await reply.answer(update, context, t, joined(refused, way_on(account, t)))
        return
    try:
        screen = await _page(context, account, tap)
    except NotAllowed as refusal:
        log.info("staff action refused: %s", refusal)
        screen = screens.not_allowed(t)
    await reply.answer(update, context, t, screen)


async def _page(context: AllianceContext, me: StaffView, tap: StaffIntent) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    match tap:
        case StaffHome():
            return screens.home(t, me)
        case InviteMenu() | InviteWho() | InviteAt() | AddInviteNote():
            return await _invitations(context, me, tap)
        case OpenSitePage(page=page):
            sites = _sites_for(me, page)
            if len(sites) == 1:
                return await _site_page(context, ShowSitePage(page, sites[0].site_id))
            return screens.choose_site_for_page(t, sites, page) if sites else screens.not_allowed(t)
        case ShowSitePage():
            return await _site_page(context, tap)
        case SendFigures():
            return await _figures_file(context, tap)
        case ViewPerson(person=person_id):
            detail = await staff_views.person_detail(s.db, s.flows, user_id, person_id, now)
            return screens.person(t, detail, now)
        case EditPersonNote(person=person_id):
            current = await staff_views.ask_for_person_note(s.db, user_id, person_id, now)
            return screens.ask_person_note(t, current)
        case CancelTyping():
            await staff_service.stop_waiting(s.db, user_id)
            return screens.typing_cancelled(t)
        case ConfirmDeactivation(site=site_id, member=member_id):
            return screens.confirm_deactivation(t, site_id, member_id)
        case Deactivate(site=site_id, member=member_id):
            handed_over = await staff_service.deactivate(s.db, user_id, site_id, member_id, now)
            context.services.work.outbox_changed()
            return screens.deactivated(t, handed_over)
        case HandleChange(request=request_id):
            options = await staff_service.change_options(s.db, user_id, request_id, now)
            return screens.pick_referent(t, request_id, options)
        case Reassign(request=request_id, member=member_id):
            await staff_service.reassign(s.db, user_id, request_id, member_id, now)
            context.services.work.outbox_changed()
            return screens.reassigned(t)
        case _:
            assert_never(tap)


async def _invitations(
    context: AllianceContext, me: StaffView, tap: InviteMenu | InviteWho | InviteAt | AddInviteNote
) -> Screen:
    """Inviting a colleague or a person: who, at which site, and a note to recognise them."""
    t = context.scope.t
    match tap:
        case InviteMenu():
            return screens.invite_what(t, me)
        case InviteWho(who=who):
            sites = me.sites(Role.REFERENT if who is InviteFor.PERSON else Role.ADMIN)
            if len(sites) == 1:
                return await _invite(context, InviteAt(who, sites[0].site_id))
            return screens.choose_site_for_invite(t, sites, who)
        case InviteAt():
            return await _invite(context, tap)
        case AddInviteNote(invite=invite_id):
            user_id = visitor_of(context).telegram_user_id
            asked = await staff_service.ask_for_note(context.services.db, user_id, invite_id)
            return screens.ask_note(t) if asked else screens.not_allowed(t)
        case _:
            assert_never(tap)


def _sites_for(me: StaffView, page: SitePage) -> list[RoleView]:
    """The sites where the page makes sense: referents see their persons too."""
    if page is SitePage.PERSONS:
        roles = [r for r in me.roles if r.role in (Role.REFERENT, Role.ADMIN)]
        return list({r.site_id: r for r in roles}.values())
    return me.sites(Role.ADMIN)


async def _invite(context: AllianceContext, tap: InviteAt) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    if tap.who is InviteFor.PERSON:
        code, invite_id = await staff_service.invite_person(s.db, user_id, tap.site, now)
        return screens.person_invite_link(t, _link(context, code), invite_id)
    role = Role(tap.who.value)
    code = await staff_service.invite_staff(s.db, user_id, tap.site, role, now)
    return screens.invite_link(t, _link(context, code))


async def _site_page(context: AllianceContext, tap: ShowSitePage) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id, site_id = visitor_of(context).telegram_user_id, tap.site
    match tap.page:
        case SitePage.TEAM:
            return screens.team(t, site_id, await staff_service.team(s.db, user_id, site_id, now))
        case SitePage.JOURNAL:
            return screens.journal(t, await staff_service.audit_log(s.db, user_id, site_id, now))
        case SitePage.CHANGES:
            pending = await staff_service.pending_changes(s.db, user_id, site_id, now)
            return screens.changes(t, pending)
        case SitePage.PERSONS:
            persons = await staff_views.my_persons(s.db, user_id, site_id, now)
            return screens.persons(t, persons, now)
        case SitePage.UNDELIVERED:
            lines = await staff_service.undelivered(s.db, user_id, site_id, now)
            return screens.undelivered(t, lines)
        case SitePage.FIGURES:
            found = await handoff_figures.site_figures(s.db, user_id, site_id, now)
            return figure_screens.page(t, found, site_id)
        case _:
            assert_never(tap.page)


async def _figures_file(context: AllianceContext, tap: SendFigures) -> Screen:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    found = await handoff_figures.site_figures(s.db, user_id, tap.site, now)
    match tap.file:
        case FiguresFile.CHART:
            return figure_screens.chart(t, found)
        case FiguresFile.CSV:
            return figure_screens.csv_file(t, found)


def _link(context: AllianceContext, code: str) -> str:
    return f"https://t.me/{context.bot.username}?start={code}"


async def take_typed_note(
    update: Update, context: AllianceContext, asked: AwaitNote | AwaitPersonNote
) -> None:
    """The note a referent was asked to type, to recognise a person in their list."""
    message, t, s = update.effective_message, context.scope.t, context.services
    user_id = visitor_of(context).telegram_user_id
    text = message.text or "" if message else ""
    screen: Screen
    match asked:
        case AwaitNote():
            saved = await staff_service.take_note(s.db, user_id, asked, text)
            screen = screens.note_saved(t, saved) if saved else screens.not_allowed(t)
        case AwaitPersonNote(person=person_id):
            try:
                kept = await staff_views.take_person_note(s.db, user_id, asked, text, s.clock.now())
                screen = screens.note_saved(t, kept, person_id)
            except NotAllowed as refusal:
                log.info("staff action refused: %s", refusal)
                screen = screens.not_allowed(t)
        case _:
            assert_never(asked)
    await reply.answer(update, context, t, screen)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [CommandHandler(["inviter", "journal"], staff_command, filters=private)]
