"""``BotApiEmulator``: an in-process Bot API server on 127.0.0.1 and the state behind it."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from emulator.faults import FaultKind, RandomFaults
from emulator.limits import FloodControl, FloodRefusal, TelegramLimits
from emulator.methods import Methods, check_content
from emulator.models import ApiError, BotMessage, RecordedRequest
from emulator.spec import SpecViolation, UploadedFile, load_spec
from emulator.updates import PendingUpdate, UpdateQueue
from emulator.users import FakeChat, FakeGroup, FakeSupergroup, FakeUser

logger = logging.getLogger("emulator")

_MAX_BODY = 60 * 1024 * 1024  # uploads up to 50 MB are allowed by Telegram


@dataclass
class _CallbackQuery:
    user: FakeUser
    created: float
    answered: bool = False


class Hold:
    """Calls of one method held back by the test (see `BotApiEmulator.hold`)."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()
        self.dropped = False

    def release(self, *, drop: bool = False) -> None:
        self.dropped = drop
        self.released.set()


class BotApiEmulator:
    """A fake Telegram Bot API server that checks every request against the official spec."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-token",  # noqa: S107 - a fake token for a fake server
        bot_username: str = "alliance_test_bot",
        bot_first_name: str = "Alliance",
        strict: bool = True,
        clock: Callable[[], float] = time.time,
        webhook_retry_base: float = 2.0,
        limits: TelegramLimits | None = None,
    ) -> None:
        """``limits`` turns on flood control (see `emulator.limits`): calls over Telegram's
        rates are answered 429 and recorded in `flood_refusals`; None (the default) never
        refuses, as tests of behaviour must not depend on timing."""
        self.token = token
        self.bot_user_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict = strict
        self.clock = clock
        self.spec = load_spec()
        self.violations: list[SpecViolation] = []
        self.requests: list[RecordedRequest] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_queries: dict[str, _CallbackQuery] = {}
        self.queue = UpdateQueue(clock, webhook_retry_base)
        self.messages_changed = asyncio.Condition()
        self._chats: dict[int, FakeChat] = {}
        self._methods = Methods(self)
        self._next_update_id = 1
        self._sequence = 0
        self._update_marks: dict[int, int] = {}
        self.update_chats: dict[int, int] = {}  # update id -> the chat it came from
        self._file_counter = 0
        self._query_counter = 0
        self._runner: web.AppRunner | None = None
        self._socket: socket.socket | None = None
        self._port = 0
        self._host = "127.0.0.1"
        self._faults: dict[str, list[ApiError]] = {}
        self._holds: dict[str, Hold] = {}
        self.flood = FloodControl(limits) if limits is not None else None
        self.flood_refusals: list[FloodRefusal] = []
        self.faults: RandomFaults | None = None

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self, method: str, code: int, description: str, *, times: int = 1, retry_after: int = 0
    ) -> None:
        """The next `times` calls of `method` get Telegram's error answer instead of running:
        a 429 with `retry_after`, a 502, a 403 … as the real server sends them."""
        parameters = {"retry_after": retry_after} if retry_after else None
        self._faults.setdefault(method, []).extend(
            ApiError(code, description, parameters) for _ in range(times)
        )

    def misbehave(self, faults: RandomFaults | None) -> None:
        """From now on a share of the calls in chats go wrong at random (see
        `emulator.faults`); None: behave again."""
        self.faults = faults

    def hold(self, method: str) -> Hold:
        """The next calls of `method` wait until released: the bot is caught mid-handling,
        to be killed there (`release(drop=True)` then answers them 502, with no effect)."""
        hold = self._holds[method] = Hold()
        return hold

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (port 0 picks a free one)."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        self.queue.reset_stop()
        self.messages_changed = asyncio.Condition()  # bound to the loop that runs the server
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            # a fixed port can be reused at once after stop()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner, self._socket = runner, sock
        self._host, self._port = host, sock.getsockname()[1]
        self.queue.resume()
        logger.info("Bot API emulator listening on %s:%d", host, self._port)

    async def stop(self) -> None:
        """Close the server; pending long polls return, webhook deliveries are cancelled."""
        await self.queue.stop()
        runner, sock = self._runner, self._socket
        self._runner = self._socket = None
        if runner is not None:
            await runner.cleanup()
        if sock is not None:
            sock.close()

    @property
    def base_url(self) -> str:
        """The URL to give PTB as ``base_url`` (it appends the token and the method)."""
        if self._runner is None:
            raise RuntimeError("emulator not started")
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}/bot"

    @property
    def port(self) -> int:
        return self._port

    # -- simulated users --------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str = "Test",
        language_code: str | None = "fr",
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """The user ``user_id`` (created on first call; later calls return the same object)."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        existing = self._chats.get(user_id)
        if isinstance(existing, FakeUser):
            return existing
        user = FakeUser(
            self,
            user_id,
            first_name=first_name,
            language_code=language_code,
            last_name=last_name,
            username=username,
        )
        self._chats[user_id] = user
        return user

    def group(self, chat_id: int, *, title: str = "Group") -> FakeGroup:
        """The basic group ``chat_id`` (negative), created on first call."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        existing = self._chats.get(chat_id)
        if isinstance(existing, FakeGroup):
            return existing
        group = FakeGroup(self, chat_id, title=title)
        self._chats[chat_id] = group
        return group

    def supergroup(
        self, chat_id: int, *, title: str = "Équipe", is_forum: bool = True
    ) -> FakeSupergroup:
        """The supergroup ``chat_id`` (negative), created on first call; a forum (with
        topics) unless ``is_forum`` is False. Later calls return the same object."""
        if chat_id >= 0:
            raise ValueError("supergroup chat ids are negative")
        existing = self._chats.get(chat_id)
        if isinstance(existing, FakeSupergroup):
            return existing
        if existing is not None:
            raise ValueError(f"chat {chat_id} is already a basic group")
        group = FakeSupergroup(self, chat_id, title=title, is_forum=is_forum)
        self._chats[chat_id] = group
        return group

    def chat(self, chat_id: int) -> FakeChat | None:
        return self._chats.get(chat_id)

    # -- inspection -------------------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        return self.queue.webhook.url if self.queue.webhook is not None else None

    @property
    def webhook_deliveries(self) -> list[tuple[int, int | None]]:
        """Every webhook POST attempt: (update_id, HTTP status or None on connection error)."""
        return self.queue.deliveries

    def unanswered_callback_queries(self) -> list[str]:
        return [query_id for query_id, query in self.callback_queries.items() if not query.answered]

    def expire_callback_queries(self) -> list[str]:
        """Telegram stops a button's spinner by itself after a while: the queries still
        unanswered are forgotten (and returned), as if that time had passed."""
        expired = self.unanswered_callback_queries()
        for query_id in expired:
            del self.callback_queries[query_id]
        return expired

    def clear_violations(self) -> None:
        self.violations.clear()

    # -- state used by users and methods ----------------------------------------------------

    def now(self) -> int:
        return max(1, int(self.clock()))  # date 0 would make PTB see an inaccessible message

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_user_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def update_mark(self, update_id: int) -> int:
        """The message sequence number current when update ``update_id`` was enqueued."""
        try:
            return self._update_marks[update_id]
        except KeyError:
            raise LookupError(f"unknown update id {update_id}") from None

    def _new_update(self, kind: str, payload: dict[str, Any], chat_id: int) -> PendingUpdate:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._update_marks[update_id] = self._sequence
        self.update_chats[update_id] = chat_id
        return PendingUpdate(update_id, kind, payload, chat_id, self.clock())

    async def enqueue(self, kind: str, payload: dict[str, Any], chat_id: int) -> int:
        update = self._new_update(kind, payload, chat_id)
        await self.queue.push(update)
        return update.update_id

    def enqueue_nowait(self, kind: str, payload: dict[str, Any], chat_id: int) -> int:
        """`enqueue` from synchronous code (``FakeUser.block``)."""
        update = self._new_update(kind, payload, chat_id)
        self.queue.push_nowait(update)
        return update.update_id

    def new_file(self, prefix: str) -> dict[str, Any]:
        self._file_counter += 1
        return {
            "file_id": f"{prefix}{self._file_counter:012d}",
            "file_unique_id": f"AgAD{self._file_counter:08d}",
        }

    def new_callback_query(self, user: FakeUser) -> str:
        self._query_counter += 1
        query_id = str(4_000_000_000_000_000_000 + self.bot_user_id * 1000 + self._query_counter)
        self.callback_queries[query_id] = _CallbackQuery(user, self.clock())
        return query_id

    def message_dict(self, message: BotMessage) -> dict[str, Any]:
        return message.to_api(self._chats[message.chat_id].chat_dict(), self.bot_user())

    async def add_bot_message(
        self,
        chat: FakeChat,
        *,
        text: str,
        raw_text: str,
        parse_mode: object,
        reply_markup: dict[str, Any] | None,
        entities: list[dict[str, Any]],
        reply_to: dict[str, Any] | None,
        document: dict[str, Any] | None = None,
        file_content: bytes | None = None,
        photo: list[dict[str, Any]] | None = None,
        message_thread_id: int | None = None,
    ) -> BotMessage:
        self._sequence += 1
        message = BotMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.chat_id,
            text=text,
            raw_text=raw_text,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            reply_markup=reply_markup,
            edited=False,
            date=self.now(),
            sequence=self._sequence,
            document=document,
            file_content=file_content,
            entities=entities,
            reply_to_message=reply_to,
            photo=photo,
            message_thread_id=message_thread_id,
        )
        chat.messages.append(message)
        await self._notify_messages()
        return message

    async def mark_edited(self, message: BotMessage) -> None:
        self._sequence += 1
        message.sequence = self._sequence
        message.edited = True
        message.edit_date = self.now()
        await self._notify_messages()

    async def _notify_messages(self) -> None:
        async with self.messages_changed:
            self.messages_changed.notify_all()

    # -- HTTP -------------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        method = self.spec.canonical(name)
        params: dict[str, Any] = {}
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if method is None:
                raise ApiError(404, "Not Found: method not found")
            params, violations = self.spec.validate(method, await self._read_params(request))
            self._record_violations(violations)
            if violations and self.strict:
                check_content(method, params)  # a real error is what Telegram would answer first
                details = "; ".join(
                    f"{v.path}: {v.message}" if v.path else v.message for v in violations
                )
                raise ApiError(400, f"Bad Request: spec violation: {details}")
            if self._faults.get(method):
                raise self._faults[method].pop(0)
            hold = self._holds.get(method)
            if hold is not None:
                hold.reached.set()
                await hold.released.wait()
                if self._holds.get(method) is hold:
                    del self._holds[method]  # released: later calls go through
                if hold.dropped:
                    raise ApiError(502, "Bad Gateway")
            self._check_flood(method, params)
            fault = self._fault_before(method, params)
            if fault is FaultKind.SLOW and self.faults is not None:
                await asyncio.sleep(self.faults.slow_seconds)
            handler = self._methods.handlers.get(method)
            result = await handler(params) if handler is not None else True
            if fault is FaultKind.LOST_ANSWER:
                raise ApiError(502, "Bad Gateway")
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.body()
        except Exception as exc:  # a bug here must not look like a network error without a trace
            logger.exception("emulator failed handling %s", method or name)
            status, body = (
                500,
                {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc}"},
            )
        self.requests.append(RecordedRequest(method or name, params, status, body))
        logger.debug("%s -> %d", method or name, status)
        return web.json_response(body, status=status, dumps=json.dumps)

    def _fault_before(self, method: str, params: dict[str, Any]) -> FaultKind | None:
        """A random fault (`misbehave`): those that act before the call raise here; a
        lost answer is returned, to be raised once the call has taken effect."""
        chat_id = params.get("chat_id")
        if self.faults is None or (kind := self.faults.draw(method, chat_id)) is None:
            return None
        self.faults.record(method, chat_id, kind, len(self.requests))
        match kind:
            case FaultKind.FLOOD:
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            case FaultKind.BAD_GATEWAY:
                raise ApiError(502, "Bad Gateway")
            case FaultKind.SLOW | FaultKind.LOST_ANSWER:
                return kind

    def _check_flood(self, method: str, params: dict[str, Any]) -> None:
        """Refuse the call as Telegram does when it comes too fast; it then has no effect."""
        if self.flood is None:
            return
        refusal = self.flood.check(method, params.get("chat_id"), self.clock())
        if refusal is None:
            return
        self.flood_refusals.append(refusal)
        logger.info("flood control (%s) refused %s: %s", refusal.scope, method, refusal)
        seconds = refusal.retry_after
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    def _record_violations(self, violations: list[SpecViolation]) -> None:
        for violation in violations:
            logger.warning("spec violation: %s", violation)
        self.violations.extend(violations)

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, object]:
        """Query string plus body: form, multipart (files as UploadedFile) or JSON."""
        params: dict[str, object] = dict(request.query)
        if not request.body_exists:
            return params
        if request.content_type == "application/json":
            try:
                data = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON object") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            params.update(data)
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                params[key] = str(value)
        return params
