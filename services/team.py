"""The site team's Telegram group with topics (optional): one topic per hand-off, where
the card is posted, the person's messages arrive, and the team answers. A site admin
links the group with /lier. Messages in the group from anyone but the site's staff are
ignored; the first staff message in a topic takes the request."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from core.access import Role
from core.handoffs import Status
from core.notices import PersonBlocked, Relayed, ToPerson, ToTeam
from core.relay import Incoming
from services import outbox
from services.booking import person_label
from services.handoff_staff import authorise_on, take
from services.relay import to_person
from storage import handoffs as handoff_store
from storage import persons as person_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory


class LinkRefused(StrEnum):
    NOT_ADMIN = "not_admin"  # only a site admin links their team's group
    NOT_FORUM = "not_forum"  # the group has no topics: one per request is the point


async def link(
    db: SessionFactory, telegram_user_id: int, chat_id: int, is_forum: bool
) -> str | LinkRefused:
    """/lier in the group: it becomes the team group of the admin's site (its name)."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None or member.deactivated_at is not None:
            return LinkRefused.NOT_ADMIN
        sites = [s for s, r in await staff_store.roles_of(session, member.id) if r == Role.ADMIN]
        if not sites:
            return LinkRefused.NOT_ADMIN
        if not is_forum:
            return LinkRefused.NOT_FORUM
        site = await site_store.get_site(session, sites[0])
        if site is None:
            return LinkRefused.NOT_ADMIN
        site.team_chat_id = chat_id
        return site.name


async def from_team(
    db: SessionFactory,
    telegram_user_id: int,
    chat_id: int,
    thread_id: int,
    message: Incoming,
    now: datetime,
) -> bool:
    """A staff member's message in a hand-off's topic goes to the person, signed (the
    first one takes an open request). False: not a team group's topic, not the site's
    staff, or the request is over (nothing is said in the group)."""
    async with db.begin() as session:
        site = await site_store.by_team_chat(session, chat_id)
        member = await staff_store.find_staff(session, telegram_user_id)
        if site is None or member is None or member.deactivated_at is not None:
            return False
        if site.id not in {s for s, _ in await staff_store.roles_of(session, member.id)}:
            return False
        handoff = await handoff_store.by_topic(session, site.id, thread_id)
        if handoff is None or handoff.status not in handoff_store.ACTIVE:
            return False
        await authorise_on(session, telegram_user_id, handoff, now)
        if handoff.status == Status.OPEN:
            await take(session, handoff, member, now)
        answered = None
        if message.reply_to is not None:
            answered = await handoff_store.relayed_in_team(session, handoff.id, message.reply_to)
        await to_person(session, handoff, member.id, message, answered, now, in_team=True)
        return True


async def team_edited(
    db: SessionFactory,
    telegram_user_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    now: datetime,
) -> bool:
    """A staff member edits their message in a topic: the person's copy follows."""
    async with db.begin() as session:
        site = await site_store.by_team_chat(session, chat_id)
        member = await staff_store.find_staff(session, telegram_user_id)
        if site is None or member is None:
            return False
        relayed = await handoff_store.relayed_by_team_message(session, site.id, message_id)
        if relayed is None or relayed.from_person or relayed.staff_id != member.id:
            return False
        relayed.text, relayed.edited_at = text, now
        handoff = await handoff_store.get(session, relayed.handoff_id)
        if handoff is None:
            return False
        notice = Relayed(ToPerson(handoff.person_id), relayed.id, edit=True)
        await outbox.queue(session, [notice], now, handoff_id=handoff.id)
        return True


async def person_blocked(db: SessionFactory, telegram_user_id: int, now: datetime) -> None:
    """The person blocked the bot (Telegram's `my_chat_member`): they are unreachable,
    and their request's topic in the team group says so."""
    async with db.begin() as session:
        person = await person_store.find_person(session, telegram_user_id)
        if person is None:
            return
        await outbox.mark_unreachable(session, person, now)
        handoff = await handoff_store.active_of_person(session, person.id)
        if handoff is None or handoff.topic_id is None:
            return
        told = PersonBlocked(ToTeam(handoff.id), person_label(person))
        await outbox.queue(session, [told], now)
