"""Shell commands for bootstrapping a site: `site add`, `site edit`, `site list`, `invite`
and `dispos import` (its meeting availability).

They use the same DATABASE_URL as the bot and work while it runs.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from telegram import Bot
from telegram.error import TelegramError

from app.clock import SystemClock
from app.distress_file import DISTRESS_RULES, read_rules
from app.settings import ConfigError, Settings
from core.access import Role
from core.availability_file import AvailabilityError, parse_availability
from core.sites import HOLIDAY_REGIONS
from services import botinfo
from services.availability import UnknownSite, import_availability
from services.invites import create_invite
from services.sites import (
    SiteChanges,
    SiteError,
    SiteView,
    all_sites,
    create_site,
    edit_site,
    find_site,
)
from services.typed import distress_hits
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
    _contact_arguments(add)
    edit = site.add_parser(
        "edit", help='change a site (options not given stay as they are; "" clears one)'
    )
    edit.add_argument("site", help="the site's name or id")
    edit.add_argument("--name")
    edit.add_argument("--timezone", help="e.g. Europe/Paris, Indian/Reunion")
    edit.add_argument("--holidays", choices=HOLIDAY_REGIONS, metavar="REGION")
    edit.add_argument(
        "--opening",
        help='hours in which help requests are counted, e.g. "lu-ve 09:00-12:30 13:30-17:00"',
    )
    _contact_arguments(edit)
    site.add_parser("list", help="list the sites")
    dispos = commands.add_parser("dispos", help="meeting availability").add_subparsers(
        dest="dispos_command", required=True
    )
    load = dispos.add_parser(
        "import", help="store a site's places, meeting types and staff availability"
    )
    load.add_argument("file", help="a YAML file (format: core/availability_file.py)")
    load.add_argument("--site", required=True, help="the site's name or id")
    distress = commands.add_parser(
        "distress", help="the distress phrase rules (flows/distress/rules.yaml)"
    ).add_subparsers(dest="distress_command", required=True)
    check = distress.add_parser("check", help="validate a rules file (file:line errors)")
    check.add_argument("file", nargs="?", type=Path, default=DISTRESS_RULES)
    hits = distress.add_parser("hits", help="how often each rule fired (to prune false alarms)")
    hits.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    invite = commands.add_parser("invite", help="print a staff invite link")
    invite.add_argument("role", choices=[role.value for role in Role])
    invite.add_argument("--site", required=True, help="the site's name or id")
    invite.add_argument("--name", help="the name colleagues and persons will see")


def _contact_arguments(parser: argparse.ArgumentParser) -> None:
    """What persons are shown to reach a human: address, opening hours, phone."""
    parser.add_argument("--address", help='street line, e.g. "12 rue de la Paix"')
    parser.add_argument("--town")
    parser.add_argument("--postcode")
    parser.add_argument("--office-hours", help='free text, e.g. "lun-ven 9h-12h, 14h-17h"')
    parser.add_argument("--phone", help='the number persons can call, e.g. "02 40 00 00 00"')


async def run(settings: Settings, arguments: argparse.Namespace, out: TextIO) -> int:
    engine = create_engine(settings.database_url)
    db = create_session_factory(engine)
    try:
        await upgrade_to_head(engine)
        if arguments.command == "invite":
            return await _invite(settings, db, arguments, out)
        if arguments.command == "dispos":
            return await _dispos_import(db, arguments.file, arguments.site, out)
        if arguments.command == "distress":
            return await _distress(db, arguments, out)
        if arguments.site_command == "add":
            return await _site_add(db, arguments, out)
        if arguments.site_command == "edit":
            return await _site_edit(db, arguments, out)
        for site in await all_sites(db):
            out.write(_site_line(site))
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
            phone=arguments.phone,
        )
    except SiteError as error:
        raise ConfigError(str(error)) from None
    out.write(f"site {site.id} created: {site.name} ({site.timezone}, {site.holiday_region})\n")
    return 0


async def _site_edit(db: SessionFactory, arguments: argparse.Namespace, out: TextIO) -> int:
    changes = SiteChanges(
        name=arguments.name,
        timezone=arguments.timezone,
        holiday_region=arguments.holidays,
        address=arguments.address,
        town=arguments.town,
        postcode=arguments.postcode,
        office_hours=arguments.office_hours,
        phone=arguments.phone,
        opening=arguments.opening,
    )
    if changes == SiteChanges():
        raise ConfigError("nothing to change: give at least one option (see `site edit --help`)")
    try:
        site = await edit_site(db, arguments.site, changes)
    except SiteError as error:
        raise ConfigError(str(error)) from None
    out.write(f"site {site.id} updated:\n{_site_line(site)}")
    return 0


async def _dispos_import(db: SessionFactory, path: str, site: str, out: TextIO) -> int:
    """Every problem of the file at its line, or everything stored (all or nothing)."""
    try:
        text = await asyncio.to_thread(Path(path).read_text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None
    try:
        spec = parse_availability(text, path)
        done = await import_availability(db, site, spec, path)
    except AvailabilityError as error:
        raise ConfigError("the availability file has problems:\n" + str(error)) from None
    except UnknownSite:
        raise ConfigError(f"no site {site!r} (see `site list`)") from None
    out.write(
        f"{done.site}: {done.places} places, {done.meeting_types} meeting types, "
        f"availability of {done.staff} staff members stored\n"
    )
    return 0


async def _distress(db: SessionFactory, arguments: argparse.Namespace, out: TextIO) -> int:
    """`distress check`: every problem at its line. `distress hits`: per rule, the hits
    of the last days, the most frequent first (a rule firing on ordinary talk shows)."""
    if arguments.distress_command == "check":
        rules = read_rules(arguments.file)
        if isinstance(rules, list):
            raise ConfigError("the rules file has problems:\n" + "\n".join(rules))
        out.write(f"{len(rules.rules)} rules, no problem\n")
        return 0
    since = SystemClock().now().date() - timedelta(days=arguments.days)
    for rule_id, count in await distress_hits(db, since):
        out.write(f"{rule_id}\t{count}\n")
    return 0


def _site_line(site: SiteView) -> str:
    """One tab-separated line: id, name, town, postcode, then address, phone, opening
    hours and time zone (what persons are shown, so an admin can check it)."""
    fields = (
        str(site.id),
        site.name,
        site.town,
        site.postcode,
        site.address,
        site.phone,
        site.office_hours,
        site.timezone,
        site.opening,
    )
    return "\t".join(field or "" for field in fields) + "\n"


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
