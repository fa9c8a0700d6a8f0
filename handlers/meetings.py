"""Meetings: the person books, moves and cancels (📅 Rendez-vous, /rdv); the staff member
sees their agenda and marks or cancels a meeting (/agenda). Thin: one use case a tap."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from app.context import AllianceContext
from core.i18n import Translator
from core.intents import (
    AcceptCalls,
    AcceptRequest,
    AddAbsence,
    AddWindow,
    AgendaIntent,
    AnswerMeetingReminder,
    AnswerRequest,
    AskOtherTimes,
    AvailabilityIntent,
    BookSlot,
    CancelMeeting,
    CounterRequest,
    DeclineRequest,
    InviteToBook,
    JoinWaiting,
    JoinWorkshop,
    MarkMeeting,
    MeetingIntent,
    OfferTime,
    OpenMeeting,
    OpenWorkshop,
    PickMeetingKind,
    PickSlot,
    RemoveAvailability,
    SendMeetingFile,
    SendTimes,
    SetDiscreet,
    SetNotifyLevel,
    ShowAgenda,
    ShowAvailability,
    ShowMeetings,
    ShowNotifyLevel,
    ShowSlots,
    ShowWorkshops,
    SkipEarlier,
    StaffBookAt,
    StaffBookFor,
    StaffCancelMeeting,
    StaffOpenMeeting,
    TakeEarlier,
    TakeOffer,
)
from core.meetings import Mode
from core.screens import Edited, MovedOn, Shown, joined
from handlers import reply
from handlers.common import ready_person, visitor_of, way_on
from screens import availability as availability_screens
from screens import meetings as screens
from screens import staff as staff_screens
from services import agenda as agenda_service
from services import availability as availability_service
from services import meeting_requests as request_service
from services import meetings as meeting_service
from services import support as support_service
from services import waiting_list, workshops
from services.agenda import StaffBooking
from services.authorisation import NotAllowed
from services.availability import Refused
from services.booking import Booked, Cancelled, NoBooking, Taken, TooLate
from services.meeting_requests import RequestCard
from services.staff import StaffView

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)


async def meetings_command(update: Update, context: AllianceContext) -> None:
    """/rdv"""
    await meeting_tap(update, context, ShowMeetings())


async def agenda_command(update: Update, context: AllianceContext) -> None:
    """/agenda"""
    await agenda_tap(update, context, ShowAgenda(0))


async def meeting_tap(update: Update, context: AllianceContext, tap: MeetingIntent) -> None:
    if await ready_person(update, context) is None:
        return
    shown = await _person_step(context, tap)
    await reply.show(update, context, context.scope.t, shown)
    context.services.work.outbox_changed()  # the staff member's message, the reminders


async def _person_step(context: AllianceContext, tap: MeetingIntent) -> Shown:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    visitor = visitor_of(context)
    contact = await support_service.my_contact(s.db, visitor)
    match tap:
        case ShowMeetings():
            page = await meeting_service.booking(s.db, visitor, now)
            if isinstance(page, NoBooking):
                return Edited(screens.no_booking(t, page, contact))
            return Edited(screens.meetings_page(t, page))
        case PickMeetingKind(kind=kind_id, moving=moving):
            if moving:
                asked = await meeting_service.ask_to_move(s.db, visitor, moving, now)
                if isinstance(asked, NoBooking):
                    return Edited(screens.no_booking(t, asked, contact))
                if isinstance(asked, TooLate):
                    return MovedOn(screens.move_too_late(t, asked.meeting, contact))
            found = await meeting_service.places_for(s.db, visitor, kind_id)
            if isinstance(found, NoBooking):
                return Edited(screens.no_booking(t, found, contact))
            kind, places = found
            if not places:  # nobody receives for it yet: whom to call, never a dead end
                return Edited(screens.no_booking(t, NoBooking.NOTHING_OFFERED, contact))
            if len(places) == 1:  # one way to meet: straight to the times
                return await _slots(context, kind_id, places[0].id, 0, moving)
            return Edited(screens.places(t, kind, places, moving))
        case ShowSlots(kind=kind_id, place=place_id, after=after, moving=moving):
            return await _slots(context, kind_id, place_id, after, moving)
        case AcceptCalls(kind=kind_id, place=place_id, moving=moving):
            await meeting_service.may_call(s.db, visitor, accept=True)
            return await _slots(context, kind_id, place_id, 0, moving)
        case PickSlot():
            proposal = await meeting_service.propose(s.db, visitor, tap.kind, tap.place, now)
            if isinstance(proposal, NoBooking):
                return Edited(screens.no_booking(t, proposal, contact))
            start = datetime.fromtimestamp(tap.start, UTC).astimezone(proposal.place.zone)
            return Edited(screens.confirm(t, proposal.kind, proposal.place, tap, start))
        case BookSlot():
            start = datetime.fromtimestamp(tap.start, UTC)
            outcome = await meeting_service.book(
                s.db, visitor, tap.kind, tap.place, tap.staff, start, now, tap.moving
            )
            match outcome:
                case Booked(meeting=meeting, moved=moved):
                    return MovedOn(screens.booked(t, meeting, now, moved))
                case Taken(proposal=proposal):
                    today = await meeting_service.today_at(s.db, visitor, now)
                    return Edited(screens.taken(t, proposal, contact, today))
                case NoBooking():
                    return Edited(screens.no_booking(t, outcome, contact))
                case _:
                    assert_never(outcome)
        case OpenMeeting(meeting=meeting_id):
            view = await meeting_service.my_meeting(s.db, visitor, meeting_id, now)
            if isinstance(view, NoBooking):
                return Edited(screens.no_booking(t, view, contact))
            return Edited(screens.meeting_card(t, view))
        case CancelMeeting(meeting=meeting_id, confirmed=False):
            view = await meeting_service.my_meeting(s.db, visitor, meeting_id, now)
            if isinstance(view, NoBooking):
                return Edited(screens.no_booking(t, view, contact))
            return Edited(screens.confirm_cancel(t, view))
        case CancelMeeting(meeting=meeting_id):  # confirmed
            cancelled = await meeting_service.cancel(s.db, visitor, meeting_id, now)
            match cancelled:
                case Cancelled(meeting=view):
                    return MovedOn(screens.cancelled(t, view, now))
                case TooLate(meeting=view):
                    return MovedOn(screens.too_late(t, view, contact))
                case NoBooking():
                    return Edited(screens.no_booking(t, cancelled, contact))
                case _:
                    assert_never(cancelled)
        case SendMeetingFile(meeting=meeting_id):
            view = await meeting_service.my_meeting(s.db, visitor, meeting_id, now)
            if isinstance(view, NoBooking):
                return Edited(screens.no_booking(t, view, contact))
            return screens.with_file(t, view, now)
        case SetDiscreet(on=on):
            page = await meeting_service.set_discreet(s.db, visitor, on, now)
            if isinstance(page, NoBooking):
                return Edited(screens.no_booking(t, page, contact))
            return Edited(screens.meetings_page(t, page))
        case AskOtherTimes() | SendTimes():
            days = await request_service.days_to_propose(s.db, visitor, tap.kind, tap.base)
            if isinstance(days, NoBooking):
                return Edited(screens.no_booking(t, days, contact))
            ticked = [day for i, day in enumerate(days) if tap.days >> i & 1]
            if isinstance(tap, AskOtherTimes) or not ticked:
                return Edited(screens.propose_days(t, tap, days, none_ticked=not ticked))
            sent = await request_service.send_times(
                s.db, visitor, tap.kind, tap.place, ticked, tap.part, tap.moving, now
            )
            if isinstance(sent, NoBooking):
                return Edited(screens.no_booking(t, sent, contact))
            return MovedOn(screens.times_sent(t, sent))
        case TakeOffer(request=request_id):
            taken = await request_service.take_offer(s.db, visitor, request_id, now)
            today = await meeting_service.today_at(s.db, visitor, now)
            match taken:
                case Booked(meeting=meeting, moved=moved):
                    return MovedOn(screens.booked(t, meeting, now, moved))
                case Taken(proposal=proposal):
                    return Edited(screens.taken(t, proposal, contact, today))
                case NoBooking():
                    return Edited(screens.no_booking(t, taken, contact))
                case _:
                    assert_never(taken)
        case JoinWaiting(meeting=meeting_id, on=on):
            view = await waiting_list.join(s.db, visitor, meeting_id, on, now)
            if isinstance(view, NoBooking):
                return Edited(screens.no_booking(t, view, contact))
            return Edited(screens.meeting_card(t, view))
        case TakeEarlier(entry=entry_id):
            earlier = await waiting_list.take_earlier(s.db, visitor, entry_id, now)
            if isinstance(earlier, NoBooking):
                return Edited(screens.earlier_gone(t))
            return MovedOn(screens.booked(t, earlier.meeting, now, moved=True))
        case SkipEarlier(entry=entry_id):
            kept = await waiting_list.skip_earlier(s.db, visitor, entry_id, now)
            if isinstance(kept, NoBooking):
                return Edited(screens.no_booking(t, kept, contact))
            return MovedOn(screens.meeting_card(t, kept))
        case ShowWorkshops():
            lines = await workshops.workshops_for(s.db, visitor, now)
            if isinstance(lines, NoBooking):
                return Edited(screens.no_booking(t, lines, contact))
            return Edited(screens.workshops(t, lines))
        case OpenWorkshop(workshop=workshop_id):
            line = await workshops.workshop(s.db, visitor, workshop_id, now)
            if isinstance(line, NoBooking):
                return Edited(screens.no_booking(t, line, contact))
            return Edited(screens.workshop(t, line))
        case JoinWorkshop(workshop=workshop_id):
            joined_ = await workshops.join(s.db, visitor, workshop_id, now)
            if isinstance(joined_, NoBooking):
                return Edited(screens.no_booking(t, joined_, contact))
            if isinstance(joined_, Booked):
                return MovedOn(screens.booked(t, joined_.meeting, now, moved=False))
            return Edited(screens.workshop(t, joined_, full=True))
        case AnswerMeetingReminder(meeting=meeting_id, answer=answer):
            view = await meeting_service.answer_reminder(s.db, visitor, meeting_id, answer, now)
            if isinstance(view, NoBooking):
                return Edited(screens.no_booking(t, view, contact))
            return MovedOn(screens.reminder_answered(t, view, answer))
        case _:
            assert_never(tap)


async def _slots(
    context: AllianceContext, kind_id: int, place_id: int, after: int, moving: int
) -> Shown:
    """The free times; for a phone meeting, once the person agreed to a Telegram call."""
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    visitor = visitor_of(context)
    contact = await support_service.my_contact(s.db, visitor)
    start_after = datetime.fromtimestamp(after, UTC) if after else None
    proposal = await meeting_service.propose(
        s.db, visitor, kind_id, place_id, now, start_after, moving
    )
    if isinstance(proposal, NoBooking):
        return Edited(screens.no_booking(t, proposal, contact))
    if proposal.place.mode is Mode.PHONE and not await meeting_service.may_call(s.db, visitor):
        return Edited(screens.ask_calls(t, proposal, contact))
    today = await meeting_service.today_at(s.db, visitor, now)
    return Edited(screens.slots(t, proposal, contact, today))


async def agenda_tap(update: Update, context: AllianceContext, tap: AgendaIntent) -> None:
    """The staff member's agenda and meetings, each action checked again."""
    account, t = context.scope.account, context.scope.t
    if not isinstance(account, StaffView):
        refused = staff_screens.not_allowed(t, to_staff_space=False)
        await reply.answer(update, context, t, joined(refused, way_on(account, t)))
        return
    try:
        shown = await _staff_step(context, tap)
    except NotAllowed as refusal:
        log.info("meeting action refused: %s", refusal)
        shown = staff_screens.not_allowed(t)
    await reply.show(update, context, t, shown)
    context.services.work.outbox_changed()


async def _staff_step(context: AllianceContext, tap: AgendaIntent) -> Shown:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    match tap:
        case ShowAgenda(week=week):
            local_today = now.astimezone(s.settings.zone).date()
            first = datetime.combine(local_today, datetime.min.time(), s.settings.zone)
            first += week * WEEK
            lines = await agenda_service.agenda(s.db, user_id, first, days=7)
            if lines is None:
                return staff_screens.not_allowed(t)
            return Edited(screens.agenda(t, lines, week, first))
        case StaffOpenMeeting(meeting=meeting_id):
            found = await agenda_service.staff_meeting(s.db, user_id, meeting_id, now)
        case MarkMeeting(meeting=meeting_id, status=status):
            found = await agenda_service.mark(s.db, user_id, meeting_id, status, now)
        case AnswerRequest(request=request_id):
            return _request(t, await request_service.request_card(s.db, user_id, request_id, now))
        case AcceptRequest(request=request_id, start=start):
            at = datetime.fromtimestamp(start, UTC)
            card = await request_service.accept_request(s.db, user_id, request_id, at, now)
            return _request(t, card)
        case CounterRequest(request=request_id, after=after):
            since = datetime.fromtimestamp(after, UTC) if after else None
            card = await request_service.request_card(s.db, user_id, request_id, now, since)
            if isinstance(card, NoBooking):
                return Edited(screens.gone_for_staff(t))
            return Edited(screens.counter_card(t, card))
        case OfferTime(request=request_id, start=start):
            at = datetime.fromtimestamp(start, UTC)
            return _request(t, await request_service.offer_time(s.db, user_id, request_id, at, now))
        case DeclineRequest(request=request_id):
            return _request(
                t, await request_service.decline_request(s.db, user_id, request_id, now)
            )
        case StaffBookFor(person=person_id, kind=kind_id, place=place_id, after=after):
            since = datetime.fromtimestamp(after, UTC) if after else None
            booking = await agenda_service.staff_booking(
                s.db, user_id, person_id, kind_id, place_id, since, now, tap.moving
            )
            if isinstance(booking, NoBooking):
                return Edited(screens.gone_for_staff(t))
            return Edited(screens.staff_booking(t, booking))
        case StaffBookAt(person=person_id, kind=kind_id, place=place_id, start=start):
            at = datetime.fromtimestamp(start, UTC)
            done = await agenda_service.staff_book(
                s.db, user_id, person_id, kind_id, place_id, at, now, tap.moving
            )
            if isinstance(done, NoBooking):
                return Edited(screens.gone_for_staff(t))
            if isinstance(done, StaffBooking):
                return Edited(screens.staff_booking(t, done))
            return Edited(screens.staff_meeting(t, done, now))
        case InviteToBook(person=person_id):
            label = await agenda_service.invite_to_book(s.db, user_id, person_id, now)
            if isinstance(label, NoBooking):
                return Edited(screens.gone_for_staff(t))
            return Edited(screens.invited(t, label, person_id))
        case StaffCancelMeeting(meeting=meeting_id, confirmed=False):
            return Edited(screens.confirm_staff_cancel(t, meeting_id))
        case StaffCancelMeeting(meeting=meeting_id):  # confirmed
            found = await agenda_service.staff_cancel(s.db, user_id, meeting_id, now)
        case _:
            assert_never(tap)
    if isinstance(found, NoBooking):
        return Edited(screens.gone_for_staff(t))
    return Edited(screens.staff_meeting(t, found, now))


async def availability_command(update: Update, context: AllianceContext) -> None:
    """/dispos"""
    await availability_tap(update, context, ShowAvailability())


async def availability_tap(
    update: Update, context: AllianceContext, tap: AvailabilityIntent
) -> None:
    """A staff member's own receiving times, by buttons."""
    account, t = context.scope.account, context.scope.t
    if not isinstance(account, StaffView):
        refused = staff_screens.not_allowed(t, to_staff_space=False)
        await reply.answer(update, context, t, joined(refused, way_on(account, t)))
        return
    await reply.show(update, context, t, await _availability_step(context, tap))


async def _availability_step(context: AllianceContext, tap: AvailabilityIntent) -> Shown:
    s, t, now = context.services, context.scope.t, context.services.clock.now()
    user_id = visitor_of(context).telegram_user_id
    mine = await availability_service.my_availability(s.db, user_id, now)
    if mine is None:
        return staff_screens.not_allowed(t)
    match tap:
        case ShowAvailability():
            return Edited(availability_screens.availability(t, mine))
        case AddWindow(day=day, start=start, end=end, place=place) if place:
            added = await availability_service.add_window(
                s.db, user_id, day - 1, _clock(start), _clock(end), place, now
            )
        case AddWindow():
            return Edited(availability_screens.add_window(t, tap, mine))
        case AddAbsence(base=base, first=first, last=last) if first and last:
            added = await availability_service.add_absence(
                s.db,
                user_id,
                availability_screens.absence_day(base, first),
                availability_screens.absence_day(base, last),
                now,
            )
        case AddAbsence():
            return Edited(availability_screens.add_absence(t, tap))
        case ShowNotifyLevel() | SetNotifyLevel():
            chosen = tap.level if isinstance(tap, SetNotifyLevel) else None
            level = await availability_service.notify_level(s.db, user_id, chosen)
            if level is None:
                return staff_screens.not_allowed(t)
            return Edited(availability_screens.notify_level(t, level))
        case RemoveAvailability(row=row, confirmed=False):
            return Edited(availability_screens.confirm_removal(t, row, mine))
        case RemoveAvailability(row=row):
            added = await availability_service.remove(s.db, user_id, row, now)
        case _:
            assert_never(tap)
    if added is None:
        return staff_screens.not_allowed(t)
    if isinstance(added, Refused):
        return Edited(availability_screens.refused(t, added, mine))
    return Edited(availability_screens.availability(t, added))


def _clock(minutes: int) -> time:
    return time(minutes // 60 % 24, minutes % 60)


def _request(t: Translator, card: RequestCard | NoBooking) -> Shown:
    if isinstance(card, NoBooking):
        return Edited(screens.gone_for_staff(t))
    return Edited(screens.request_card(t, card))


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("rdv", meetings_command, filters=private),
        CommandHandler("agenda", agenda_command, filters=private),
        CommandHandler("dispos", availability_command, filters=private),
    ]
