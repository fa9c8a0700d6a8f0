"""Guided procedures: the catalogue, one generic step handler for every flow, typed dates,
and "Mon parcours". Flows are data: no handler knows any particular flow."""

from __future__ import annotations

import re
from datetime import date

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from app.context import AllianceContext
from core.actions import Action, decode
from core.i18n import Translator
from core.screens import Screen
from flows import engine
from flows.dates import parse_typed_date
from flows.engine import Mode
from flows.model import Flow
from handlers import reply
from handlers.common import ready_person, visitor_of
from screens import procedures as screens
from services import procedures as procedures_service
from services.procedures import Acted, RestartOffer, StepView, step_by_ref

_BUTTON = re.compile(
    r"(?P<flow>[0-9a-f]{6})-(?:(?P<whole>open|restart)|(?P<step>[0-9a-f]{4})-(?P<op>[a-z0-9]{1,12}))"
)
_DAY = re.compile(r"dd(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"dm(\d{4})(\d{2})")
_EVENTS: dict[str, engine.Event] = {
    "c": engine.Continue(),
    "d": engine.Done(),
    "x": engine.CannotDoIt(),
    "b": engine.Back(),
    "p": engine.Pause(),
    "s": engine.Stuck(),
    "mo": engine.ChooseMode(Mode.OWN),
    "ms": engine.ChooseMode(Mode.WITH_SOMEONE),
    "mr": engine.ChooseMode(Mode.WITH_REFERENT),
    "l1": engine.Later(1),
    "l3": engine.Later(3),
    "l7": engine.Later(7),
}


async def show_catalog(update: Update, context: AllianceContext) -> None:
    """ "Démarches": categories, then the flows of one category."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    registry = context.services.flows.registry
    pressed = decode(update.callback_query.data) if update.callback_query else None
    category = (pressed.argument or "").removeprefix("cat-") if pressed else ""
    flows = registry.by_category().get(category)
    screen = screens.category(t, flows) if flows else screens.catalog(t, registry)
    await reply.answer(update, context, t, screen)


async def show_journey(update: Update, context: AllianceContext) -> None:
    """ "Mon parcours": what the person achieved, said with recognition, and what is next."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    s = context.services
    data = await procedures_service.journey(s.db, s.flows, visitor_of(update), s.clock.now())
    await reply.answer(update, context, t, screens.journey(t, data))


async def flow_button(update: Update, context: AllianceContext) -> None:
    """Any button of any flow step: parsed strictly, applied to the person's own progress."""
    found = await ready_person(update, context)
    if found is None:
        return
    _, t = found
    pressed = decode(update.callback_query.data if update.callback_query else None)
    match = _BUTTON.fullmatch(pressed.argument or "") if pressed else None
    flow = context.services.flows.by_ref(match["flow"]) if match else None
    if match is None or flow is None:
        await reply.answer(update, context, t, screens.catalog(t, context.services.flows.registry))
    elif match["whole"] is not None:
        await reply.answer(
            update, context, t, await _open(context, update, flow, match["whole"], t)
        )
    else:
        screens_ = await _on_step(context, update, flow, match["step"], match["op"], t)
        await reply.answer(update, context, t, *screens_)


async def answer_typed_date(update: Update, context: AllianceContext, flow_ref: str) -> None:
    """The person typed a date the step asked for (dd/mm/yyyy)."""
    found = await ready_person(update, context)
    message = update.effective_message
    flow = context.services.flows.by_ref(flow_ref)
    if found is None or message is None or flow is None:
        return
    t, s, visitor = found[1], context.services, visitor_of(update)
    parsed = parse_typed_date(message.text or "")
    if not isinstance(parsed, date):
        await procedures_service.await_typed_date(s.db, visitor, flow)
        await reply.answer(
            update, context, t, screens.type_date(t, screens.error(t, "invalid_date"))
        )
        return
    event = engine.AnswerDate(parsed)
    acted = await procedures_service.act(
        s.db, visitor, flow, None, event, s.clock.now(), s.settings.zone
    )
    await reply.answer(update, context, t, *_outcome(t, acted))


async def _open(
    context: AllianceContext, update: Update, flow: Flow, how: str, t: Translator
) -> Screen:
    s, visitor = context.services, visitor_of(update)
    start = procedures_service.restart if how == "restart" else procedures_service.open_flow
    result = await start(s.db, s.flows, visitor, flow, s.clock.now(), s.settings.zone)
    if isinstance(result, RestartOffer):
        return screens.restart_offer(t, result.flow)
    if result is None:
        return screens.catalog(t, s.flows.registry)
    return screens.step(t, result)


async def _on_step(
    context: AllianceContext, update: Update, flow: Flow, step_ref: str, op: str, t: Translator
) -> list[Screen]:
    """Pickers (later, month, day, typing) show more buttons; everything else is an event."""
    s, visitor, now = context.services, visitor_of(update), context.services.clock.now()
    event = _event(flow, step_ref, op)
    if event is not None:
        acted = await procedures_service.act(
            s.db, visitor, flow, step_ref, event, now, s.settings.zone
        )
        return _outcome(t, acted)
    current = await procedures_service.current_view(
        s.db, visitor, flow, step_ref, now, s.settings.zone
    )
    if current is None:
        return [
            Screen(screens.error(t, "old_button")),
            await _open(context, update, flow, "open", t),
        ]
    if op == "dt":
        await procedures_service.await_typed_date(s.db, visitor, flow)
    return [_picker(t, *current, op)]


def _picker(t: Translator, view: StepView, today: date, op: str) -> Screen:
    if op == "l":
        return screens.later(t, view)
    if op == "dt":
        return screens.type_date(t)
    month = _MONTH.fullmatch(op)
    if month is not None and 1 <= int(month[2]) <= 12:
        return screens.days(t, view, int(month[1]), int(month[2]), today)
    return screens.months(t, view, today)


def _event(flow: Flow, step_ref: str, op: str) -> engine.Event | None:
    if op in _EVENTS:
        return _EVENTS[op]
    step = step_by_ref(flow, step_ref)
    if op in {"y", "n"}:
        return engine.CheckResult(op == "y", step.id if step else None)
    if op[0] == "o" and op[1:].isdigit():
        return engine.Choose(int(op[1:]))
    if op[0] == "t" and op[1:].isdigit() and step is not None and int(op[1:]) < len(step.items):
        return engine.Tick(step.items[int(op[1:])].id)
    day = _DAY.fullmatch(op)
    if day is not None:
        try:
            return engine.AnswerDate(date(int(day[1]), int(day[2]), int(day[3])))
        except ValueError:
            return None
    return None


def _outcome(t: Translator, acted: Acted) -> list[Screen]:
    if acted.view is None:
        return [Screen(screens.error(t, acted.error or ""))]
    if acted.error is not None:
        return [screens.step(t, acted.view, note=screens.error(t, acted.error))]
    if acted.view.progress.status is engine.Status.PAUSED:
        return [*screens.after(t, acted), screens.paused(t)]
    return [*screens.after(t, acted), screens.step(t, acted.view)]


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("demarches", show_catalog, filters=private),
        CallbackQueryHandler(show_catalog, pattern=rf"^{Action.FLOWS}(:|$)"),
        CallbackQueryHandler(show_journey, pattern=rf"^{Action.JOURNEY}$"),
        CallbackQueryHandler(flow_button, pattern=rf"^{Action.FLOW}:"),
    ]
