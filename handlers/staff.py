"""The professional space: invitations, the team, referent changes, the audit log.

Every button re-checks on the server: `services.staff` reloads the actor and asks
`core.access` before it reads or changes anything, and audits the decision.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.access import Role
from core.actions import Action, decode
from core.i18n import Translator
from core.screens import Screen
from handlers import reply
from handlers.common import account_of, visitor_of
from handlers.notify import send_notices
from screens import home
from screens import staff as screens
from services import staff as staff_service
from services import staff_views
from services.onboarding import PersonView
from services.staff import NotAllowed, StaffView

log = logging.getLogger(__name__)

Step = Callable[[Update, AllianceContext, StaffView, Translator, re.Match[str]], Awaitable[Screen]]


async def staff_command(update: Update, context: AllianceContext) -> None:
    """/inviter and /journal: the same as the buttons of the professional space."""
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    await _run(update, context, "invite" if command == "inviter" else "journal")


async def staff_button(update: Update, context: AllianceContext) -> None:
    """A button of the professional space."""
    pressed = decode(update.callback_query.data if update.callback_query else None)
    await _run(update, context, pressed.argument or "home" if pressed else "home")


async def _run(update: Update, context: AllianceContext, argument: str) -> None:
    account, t = await account_of(update, context)
    if not isinstance(account, StaffView):
        log.info("staff function refused to a non-staff account")
        screens_ = [screens.not_allowed(t)]
        if isinstance(account, PersonView) and account.ready:
            screens_.append(home.menu(t))
        await reply.answer(update, context, t, *screens_)
        return
    for pattern, step in _STEPS:
        match = pattern.fullmatch(argument)
        if match is not None:
            try:
                screen = await step(update, context, account, t, match)
            except NotAllowed as refusal:
                log.info("staff action refused: %s", refusal)
                screen = screens.not_allowed(t)
            await reply.answer(update, context, t, screen)
            return
    await reply.answer(update, context, t, screens.home(t, account))


async def _home(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    return screens.home(t, me)


async def _invite_menu(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    return screens.invite_what(t, me)


async def _invite_for(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    """Choose the site first when the staff member works on several."""
    kind = m["kind"]
    role = Role.REFERENT if kind == "person" else Role.ADMIN
    sites = me.sites(role)
    purpose = "ip" if kind == "person" else f"is-{kind}"
    if len(sites) == 1:
        return await _invite(u, c, me, t, _PURPOSE.fullmatch(f"{purpose}-{sites[0].site_id}"))
    return screens.choose_site(t, sites, purpose)


async def _invite(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str] | None
) -> Screen:
    assert m is not None
    s, site_id, now = c.services, int(m["site"]), c.services.clock.now()
    user_id = visitor_of(u).telegram_user_id
    if m["role"] is None:
        code, invite_id = await staff_service.invite_person(s.db, user_id, site_id, now)
        return screens.person_invite_link(t, _link(c, code), invite_id)
    code = await staff_service.invite_staff(s.db, user_id, site_id, Role(m["role"]), now)
    return screens.invite_link(t, _link(c, code))


def _link(c: AllianceContext, code: str) -> str:
    return f"https://t.me/{c.bot.username}?start={code}"


async def _ask_note(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    asked = await staff_service.ask_for_note(
        c.services.db, visitor_of(u).telegram_user_id, int(m["invite"])
    )
    return screens.ask_note(t) if asked else screens.not_allowed(t)


async def take_typed_note(update: Update, context: AllianceContext) -> bool:
    """A note the referent was asked to type; False when no note was asked for."""
    message = update.effective_message
    user_id = visitor_of(update).telegram_user_id
    stored = await staff_service.take_note(
        context.services.db, user_id, message.text or "" if message else ""
    )
    if stored is None:
        return False
    _, t = await account_of(update, context)
    await reply.answer(
        update, context, t, screens.note_saved(t) if stored else screens.not_allowed(t)
    )
    return True


def _on_site(
    kind: str, show: Callable[[AllianceContext, int, int, Translator], Awaitable[Screen]]
) -> Step:
    """A site-scoped page: pick the site when there are several, then show it."""

    async def step(
        u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
    ) -> Screen:
        site = m["site"]
        if site is None:
            sites = me.sites(Role.ADMIN)
            if len(sites) != 1:
                return screens.choose_site(t, sites, kind) if sites else screens.not_allowed(t)
            site = str(sites[0].site_id)
        return await show(c, visitor_of(u).telegram_user_id, int(site), t)

    return step


async def _team(c: AllianceContext, user_id: int, site_id: int, t: Translator) -> Screen:
    members = await staff_service.team(c.services.db, user_id, site_id, c.services.clock.now())
    return screens.team(t, site_id, members)


async def _journal(c: AllianceContext, user_id: int, site_id: int, t: Translator) -> Screen:
    lines = await staff_service.audit_log(c.services.db, user_id, site_id, c.services.clock.now())
    return screens.journal(t, lines)


async def _changes(c: AllianceContext, user_id: int, site_id: int, t: Translator) -> Screen:
    pending = await staff_service.pending_changes(
        c.services.db, user_id, site_id, c.services.clock.now()
    )
    return screens.changes(t, pending)


async def _persons(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    """The persons a referent follows (all of the site's for an admin)."""
    sites = list({r.site_id: r for r in me.roles if r.role in (Role.REFERENT, Role.ADMIN)}.values())
    if m["site"] is None and len(sites) != 1:
        return screens.choose_site(t, sites, "ps") if sites else screens.not_allowed(t)
    site_id = int(m["site"]) if m["site"] is not None else sites[0].site_id
    s = c.services
    user_id = visitor_of(u).telegram_user_id
    return screens.persons(
        t, site_id, await staff_views.my_persons(s.db, user_id, site_id, s.clock.now())
    )


async def _person(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    s = c.services
    detail = await staff_views.person_detail(
        s.db, s.flows, visitor_of(u).telegram_user_id, int(m["person"]), s.clock.now()
    )
    return screens.person(t, detail)


async def _confirm_off(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    return screens.confirm_deactivation(t, int(m["site"]), int(m["member"]))


async def _deactivate(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    s = c.services
    notices = await staff_service.deactivate(
        s.db, visitor_of(u).telegram_user_id, int(m["site"]), int(m["member"]), s.clock.now()
    )
    await send_notices(c, notices)
    return screens.deactivated(t, sum(1 for n in notices if n.kind == "referent_changed"))


async def _pick_referent(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    s = c.services
    options = await staff_service.change_options(
        s.db, visitor_of(u).telegram_user_id, int(m["request"]), s.clock.now()
    )
    return screens.pick_referent(t, int(m["request"]), options)


async def _reassign(
    u: Update, c: AllianceContext, me: StaffView, t: Translator, m: re.Match[str]
) -> Screen:
    s = c.services
    notices = await staff_service.reassign(
        s.db, visitor_of(u).telegram_user_id, int(m["request"]), int(m["member"]), s.clock.now()
    )
    await send_notices(c, notices)
    return screens.reassigned(t)


_PURPOSE = re.compile(r"(?:ip|is-(?P<role>admin|referent|mediator|peer))-(?P<site>\d{1,9})")
_STEPS: list[tuple[re.Pattern[str], Step]] = [
    (re.compile(r"home"), _home),
    (re.compile(r"invite"), _invite_menu),
    (re.compile(r"inv-(?P<kind>person|admin|referent|mediator|peer)"), _invite_for),
    (_PURPOSE, _invite),
    (re.compile(r"(?:team|tm-(?P<site>\d{1,9}))"), _on_site("tm", _team)),
    (re.compile(r"(?:journal|jn-(?P<site>\d{1,9}))"), _on_site("jn", _journal)),
    (re.compile(r"(?:changes|ch-(?P<site>\d{1,9}))"), _on_site("ch", _changes)),
    (re.compile(r"note-(?P<invite>\d{1,9})"), _ask_note),
    (re.compile(r"(?:persons|ps-(?P<site>\d{1,9}))"), _persons),
    (re.compile(r"pv-(?P<person>\d{1,9})"), _person),
    (re.compile(r"off-(?P<site>\d{1,9})-(?P<member>\d{1,9})"), _confirm_off),
    (re.compile(r"offok-(?P<site>\d{1,9})-(?P<member>\d{1,9})"), _deactivate),
    (re.compile(r"chg-(?P<request>\d{1,9})"), _pick_referent),
    (re.compile(r"to-(?P<request>\d{1,9})-(?P<member>\d{1,9})"), _reassign),
]


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(["inviter", "journal"], staff_command, filters=private),
        CallbackQueryHandler(staff_button, pattern=rf"^{Action.STAFF}(:|$)"),
    ]
