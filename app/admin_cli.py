"""Shell commands for bootstrapping a site: `site add`, `site list` and `invite`.

They use the same DATABASE_URL as the bot and work while it runs.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from telegram import Bot
from telegram.error import TelegramError

from app.clock import SystemClock
from app.settings import ConfigError, Settings
from core.access import Role
from core.sites import HOLIDAY_REGIONS
from services import botinfo
from services.invites import create_invite
from services.sites import SiteError, create_site, find_site, site_summaries
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    site = commands.add_parser("site", help="manage sites").add_subparsers(
        dest="site_command", required=True
    )
    add = site.add_parser("add", help="create a site")
    add.add_argument("--name", required=True)
    add.add_argument("--timezone", required=True, help="e.g. Europe/Paris, Indian/Reunion")
    add.add_argument(
        "--holidays",
        required=True,
        choices=HOLIDAY_REGIONS,
        metavar="REGION",
        help="public holidays: " + ", ".join(HOLIDAY_REGIONS),
    )
    add.add_argument("--address")
    add.add_argument("--town")
    add.add_argument("--postcode")
    add.add_argument("--office-hours", help='free text, e.g. "lun-ven 9h-12h, 14h-17h"')
    site.add_parser("list", help="list the sites")
    invite = commands.add_parser("invite", help="print a staff invite link")
    invite.add_argument("role", choices=[role.value for role in Role])
    invite.add_argument("--site", required=True, help="the site's name or id")
    invite.add_argument("--name", help="the name colleagues and persons will see")


async def run(settings: Settings, arguments: argparse.Namespace, out: TextIO) -> int:
    engine = create_engine(settings.database_url)
    db = create_session_factory(engine)
    try:
        await upgrade_to_head(engine)
        if arguments.command == "invite":
            return await _invite(settings, db, arguments, out)
        if arguments.site_command == "add":
            return await _site_add(db, arguments, out)
        for summary in await site_summaries(db):
            out.write(
                f"{summary.id}\t{summary.name}\t{summary.town or ''}\t{summary.postcode or ''}\n"
            )
        return 0
    finally:
        await engine.dispose()


async def _site_add(db: SessionFactory, arguments: argparse.Namespace, out: TextIO) -> int:
    try:
        site = await create_site(
            db,
            name=arguments.name,
            timezone=arguments.timezone,
            holiday_region=arguments.holidays,
            now=SystemClock().now(),
            address=arguments.address,
            town=arguments.town,
            postcode=arguments.postcode,
            office_hours=arguments.office_hours,
        )
    except SiteError as error:
        raise ConfigError(str(error)) from None
    out.write(f"site {site.id} created: {site.name} ({site.timezone}, {site.holiday_region})\n")
    return 0


async def _invite(
    settings: Settings, db: SessionFactory, arguments: argparse.Namespace, out: TextIO
) -> int:
    site = await find_site(db, arguments.site)
    if site is None:
        raise ConfigError(
            f"--site {arguments.site!r}: no such site (see `python bot.py site list`)"
        )
    code = await create_invite(
        db,
        arguments.role,
        SystemClock().now(),
        site_id=site.id,
        name=arguments.name,
    )
    username = await _bot_username(settings, db)
    if username:
        out.write(f"https://t.me/{username}?start={code}\n")
    else:
        out.write("(start the bot once, or set TELEGRAM_BOT_TOKEN, to get the full link)\n")
    out.write(f"code: {code}\n")
    out.write(f"for: {arguments.role} at {site.name}, valid 7 days, single use\n")
    return 0


async def _bot_username(settings: Settings, db: SessionFactory) -> str | None:
    """The bot's username for the link: remembered by the running bot, else asked of
    Telegram; None when Telegram cannot say (the code printed still works)."""
    known = await botinfo.recall(db, botinfo.BOT_USERNAME)
    if known or not settings.telegram_token:
        return known
    try:
        async with Bot(settings.telegram_token, base_url=settings.telegram_api_url) as bot:
            return bot.username
    except TelegramError:
        return None
