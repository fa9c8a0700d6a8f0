"""Guided procedures: the catalogue, one generic step handler for every flow, typed dates,
and "Mon parcours". Flows are data: no handler knows any particular flow."""

from __future__ import annotations

from datetime import date
from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.i18n import Translator
from core.intents import (
    AnswerCheck,
    AwaitDate,
    ChooseOption,
    ChooseWay,
    FlowIntent,
    NextRound,
    OpenFlow,
    PickDay,
    RemindLater,
    RestartFlow,
    ShowCategory,
    ShowDays,
    ShowItemHelp,
    StepOp,
    StepTap,
    TickItem,
)
from core.screens import Edited, Label, MovedOn, Screen, Shown
from flows import engine
from flows.catalog import step_by_ref
from flows.model import Flow, Step
from handlers import reply
from handlers.common import ready_person, visitor_of
from screens import procedures as screens
from services import procedures as procedures_service
from services.procedures import DoneBefore, RestartOffer, StepProblem, StepView

# The step buttons that are engine events as they are.
_EVENTS: dict[StepOp, engine.Event] = {
    StepOp.CONTINUE: engine.Continue(),
    StepOp.DONE: engine.Done(),
    StepOp.CANNOT: engine.CannotDoIt(),
    StepOp.BACK: engine.Back(),
    StepOp.PAUSE: engine.Pause(),
    StepOp.STUCK: engine.Stuck(),
}


async def show_catalog(
    update: Update, context: AllianceContext, tap: ShowCategory | None = None
) -> None:
    """ "Démarches": categories, then the flows of one category."""
    if await ready_person(update, context) is None:
        return
    t, registry = context.scope.t, context.services.flows.registry
    flows = registry.by_category().get(tap.category) if tap else None
    screen = screens.category(t, flows) if flows else screens.catalog(t, registry)
    await reply.answer(update, context, t, screen)


async def show_catalog_command(update: Update, context: AllianceContext) -> None:
    """/demarches"""
    await show_catalog(update, context)


async def show_journey(update: Update, context: AllianceContext) -> None:
    """ "Mon parcours": what the person achieved, said with recognition, and what is next."""
    if await ready_person(update, context) is None:
        return
    s, t = context.services, context.scope.t
    data = await procedures_service.journey(s.db, s.flows, visitor_of(context), s.clock.now())
    await reply.answer(update, context, t, screens.journey(t, data))


async def flow_button(update: Update, context: AllianceContext, tap: FlowIntent) -> None:
    """Any button of any flow step, applied to the person's own progress."""
    if await ready_person(update, context) is None:
        return
    t, flow = context.scope.t, context.services.flows.by_ref(tap.flow)
    if flow is None:  # a flow taken out of service since the button was sent
        await reply.answer(update, context, t, screens.catalog(t, context.services.flows.registry))
        return
    await reply.show(update, context, t, await _on_flow(context, flow, tap))


async def _on_flow(context: AllianceContext, flow: Flow, tap: FlowIntent) -> Shown:
    """A flow opened from a menu or a picker takes the place of the tapped message; one
    opened from a deadline reminder keeps the reminder (its date) and comes below it."""
    match tap:
        case OpenFlow():
            return Edited(await _open(context, flow))
        case RestartFlow():
            return Edited(await _open(context, flow, restart=True))
        case NextRound():
            return MovedOn(await _open(context, flow, next_round=True))
        case _:  # a button of one step
            return await _on_step(context, flow, tap)


async def answer_typed_date(update: Update, context: AllianceContext, asked: AwaitDate) -> None:
    """The person typed a date the step asked for (dd/mm/yyyy, or in words)."""
    s, t = context.services, context.scope.t
    flow = s.flows.registry.get(asked.flow)
    message = update.effective_message
    if await ready_person(update, context) is None or message is None:
        return
    if flow is None:  # the flow was taken out of service meanwhile: nothing to answer
        await procedures_service.await_nothing(s.db, visitor_of(context))
        await reply.answer(update, context, t, screens.catalog(t, s.flows.registry))
        return
    acted = await procedures_service.answer_typed_date(
        s.db,
        visitor_of(context),
        asked,
        flow,
        message.text or "",
        t.month_numbers(),
        s.clock.now(),
        s.settings.zone,
    )
    await reply.answer(update, context, t, screens.outcome(t, acted))


async def _open(
    context: AllianceContext,
    flow: Flow,
    *,
    restart: bool = False,
    next_round: bool = False,
    note: str | None = None,
) -> Screen:
    """The step the person is on (a new start, a restart, a new round), with a note above."""
    s, t, visitor = context.services, context.scope.t, visitor_of(context)
    now, zone = s.clock.now(), s.settings.zone
    result = (
        await procedures_service.restart(s.db, visitor, flow, now, zone)
        if restart
        else await procedures_service.open_flow(
            s.db, visitor, flow, now, zone, next_round=next_round
        )
    )
    if isinstance(result, RestartOffer):
        return screens.restart_offer(t, result.flow)
    if isinstance(result, DoneBefore):
        return screens.done_before(t, result.last)
    if result is None:
        return screens.catalog(t, s.flows.registry)
    return screens.step(t, result, note=note)


StepIntent = (
    StepTap | ChooseWay | RemindLater | ChooseOption | TickItem | ShowItemHelp | ShowDays | PickDay
)


async def _on_step(context: AllianceContext, flow: Flow, tap: StepIntent | AnswerCheck) -> Shown:
    """Pickers (later, month, day, typing, the way, an item's help) show more in the same
    message; everything else is an event. Inside a step the message is edited; moving on
    settles it and sends the next step; an old button's message shows where things stand."""
    s, t, visitor = context.services, context.scope.t, visitor_of(context)
    now, zone = s.clock.now(), s.settings.zone
    step = step_by_ref(flow, tap.step)
    if isinstance(tap, AnswerCheck):  # about an earlier step, whichever step is current
        check = engine.CheckResult(tap.worked, step.id if step else None)
        acted = await procedures_service.act(s.db, visitor, flow, None, check, now, zone)
        return MovedOn(screens.outcome(t, acted))
    old_button = screens.problem_note(t, StepProblem.OLD_BUTTON)
    if step is None:  # a step that no longer exists in this version of the flow
        return Edited(await _open(context, flow, note=old_button))
    event = _event(step, tap)
    if event is not None:
        acted = await procedures_service.act(s.db, visitor, flow, step.id, event, now, zone)
        moved = acted.error is None and (acted.view is None or acted.view.step.id != step.id)
        if moved and not isinstance(event, engine.Back):
            return MovedOn(screens.outcome(t, acted), _chosen(t, tap))
        return Edited(screens.outcome(t, acted))
    current = await procedures_service.current_view(s.db, visitor, flow, step.id, now, zone)
    if current is None:
        return Edited(await _open(context, flow, note=old_button))
    return Edited(await _picker(context, flow, tap, *current))


def _chosen(t: Translator, tap: StepIntent) -> Label | None:
    """What the settled step records; the tapped button's label, except for a day picked
    on the calendar, which reads better as the date than as its number."""
    if isinstance(tap, PickDay):
        return Label(t.day(tap.day))
    return None


async def _picker(
    context: AllianceContext, flow: Flow, tap: StepIntent, view: StepView, today: date
) -> Screen:
    t = context.scope.t
    if isinstance(tap, ShowDays):
        return screens.days(t, view, tap.month, today)
    if isinstance(tap, ShowItemHelp):
        return screens.step(t, view, item_help=tap.item)
    if isinstance(tap, StepTap) and tap.op is StepOp.LATER:
        return screens.later(t, view)
    if isinstance(tap, StepTap) and tap.op is StepOp.WAY:
        return screens.ways(t, view)
    if isinstance(tap, StepTap) and tap.op is StepOp.TYPE_DATE:
        s = context.services
        await procedures_service.await_typed_date(s.db, visitor_of(context), flow)
        return screens.type_date(t, view)
    return screens.months(t, view, today)


def _event(step: Step, tap: StepIntent) -> engine.Event | None:
    """The engine event a button means; None for the pickers, which only show more buttons."""
    match tap:
        case StepTap(op=op):
            return _EVENTS.get(op)
        case ChooseWay(mode=mode):
            return engine.ChooseMode(mode)
        case RemindLater(days=days):
            return engine.Later(days)
        case ChooseOption(option=option):
            return engine.Choose(option)
        case TickItem(item=item):
            return engine.Tick(step.items[item].id if item < len(step.items) else "")
        case PickDay(day=day):
            return engine.AnswerDate(day)
        case ShowDays() | ShowItemHelp():
            return None
        case _:
            assert_never(tap)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    return [CommandHandler("demarches", show_catalog_command, filters=filters.ChatType.PRIVATE)]
