"""The site team's group with topics: /lier links it (a site admin), staff answer in a
request's topic, and the bot relays; what anyone else writes there is ignored. A person
who blocks the bot (`my_chat_member`) is said so in their request's topic."""

from __future__ import annotations

from telegram import ChatMemberUpdated, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from app.context import AllianceContext
from handlers import reply
from handlers.common import visitor_of
from handlers.handoffs import incoming_of
from screens import handoffs as screens
from services import team
from services.team import LinkRefused


async def link_command(update: Update, context: AllianceContext) -> None:
    """/lier in a supergroup with topics, by a site admin."""
    chat, t = update.effective_chat, context.scope.t
    if chat is None:
        return
    user_id = visitor_of(context).telegram_user_id
    linked = await team.link(context.services.db, user_id, chat.id, bool(chat.is_forum))
    match linked:
        case LinkRefused.NOT_ADMIN:
            return  # nothing said in a group to someone who is not the site's admin
        case LinkRefused.NOT_FORUM:
            await reply.answer(update, context, t, screens.team_not_forum(t))
        case str() as site:
            await reply.answer(update, context, t, screens.team_linked(t, site))


async def team_message(update: Update, context: AllianceContext) -> None:
    """A message in a topic of the team group: relayed when a staff member wrote it."""
    message = update.effective_message
    if not isinstance(message, Message) or message.message_thread_id is None:
        return
    if not message.is_topic_message:
        return
    incoming = incoming_of(message)
    if incoming is None:
        return
    s = context.services
    user_id = visitor_of(context).telegram_user_id
    chat_id, thread = message.chat_id, message.message_thread_id
    if await team.from_team(s.db, user_id, chat_id, thread, incoming, s.clock.now()):
        s.work.outbox_changed()


async def team_edit(update: Update, context: AllianceContext) -> None:
    message = update.edited_message
    text = (message.text or message.caption) if message else None
    if message is None or text is None:
        return
    s = context.services
    user_id = visitor_of(context).telegram_user_id
    if await team.team_edited(
        s.db, user_id, message.chat_id, message.message_id, text, s.clock.now()
    ):
        s.work.outbox_changed()


async def member_changed(update: Update, context: AllianceContext) -> None:
    """The person blocked the bot: their request's topic is told."""
    changed: ChatMemberUpdated | None = update.my_chat_member
    if changed is None or changed.new_chat_member.status != ChatMemberStatus.BANNED:
        return
    s = context.services
    await team.person_blocked(s.db, changed.from_user.id, s.clock.now())
    s.work.outbox_changed()


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    supergroup = filters.ChatType.SUPERGROUP
    files = filters.TEXT | filters.PHOTO | filters.Document.ALL
    return [
        CommandHandler(["lier", "link"], link_command, filters=supergroup),
        MessageHandler(
            supergroup & filters.UpdateType.MESSAGE & files & ~filters.COMMAND, team_message
        ),
        MessageHandler(supergroup & filters.UpdateType.EDITED_MESSAGE, team_edit),
        ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER, chat_id=None),
    ]
