"""Meetings as the person and the staff member see them: choosing, confirming, the
calendar file, reminders and their answers, the agenda.

Times are said in the meeting's own zone (an overseas site shows its own time), with the
day in words: "mardi 8 décembre à 10:00".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from core.calendar_file import CalendarEntry, calendar_file, file_name
from core.delivery import Failure
from core.i18n import N_, Translator
from core.intents import (
    AcceptCalls,
    AcceptRequest,
    AnswerMeetingReminder,
    AnswerRequest,
    AskOtherTimes,
    BookSlot,
    CancelMeeting,
    CounterRequest,
    DeclineRequest,
    JoinWaiting,
    JoinWorkshop,
    MarkMeeting,
    OfferTime,
    OpenMeeting,
    OpenWorkshop,
    PickMeetingKind,
    PickSlot,
    SendMeetingFile,
    SendTimes,
    SetDiscreet,
    ShowAgenda,
    ShowAvailability,
    ShowMeetings,
    ShowSlots,
    ShowSupport,
    ShowWorkshops,
    SkipEarlier,
    StaffBookAt,
    StaffBookFor,
    StaffCancelMeeting,
    StaffOpenMeeting,
    TakeEarlier,
    TakeOffer,
    ViewPerson,
)
from core.meetings import (
    MeetingStatus,
    Mode,
    PartOfDay,
    ReminderAnswer,
    Reminding,
    RequestStatus,
)
from core.notices import BookedForYou, MeetingFacts, SlotShortage, TimesProposed
from core.screens import Button, Document, Label, Screen, column
from core.sites import Contact
from screens.contact import reach_lines
from screens.home import back_to_menu
from screens.staff import MESSAGE_KINDS
from screens.staff import back as back_to_staff
from services.agenda import AgendaLine, StaffBooking, StaffMeeting
from services.booking import KindChoice, MeetingView, NoBooking, PlaceChoice, Proposal
from services.meeting_requests import RequestCard, TimesSent
from services.meetings import Booking
from services.workshops import WorkshopLine
from storage.outbox import Status

DAY = "EEEE d MMMM"  # "mardi 8 décembre": the day in words, in the person's language
SHORT_DAY = "EEE d MMM"  # on a button: "mar. 8 déc."
UID_DOMAIN = "alliance"


def when(t: Translator, start: datetime) -> str:
    """ "mardi 8 décembre à 10:00", in the zone `start` carries (the meeting's)."""
    local = t.in_zone(_zone_of(start))
    return t._(
        "{day} à {time}",
        day=local.day(start.astimezone(local.zone).date(), DAY),
        time=local.clock_time(start),
    )


def _zone_of(start: datetime) -> ZoneInfo:
    zone = start.tzinfo
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


def mode_label(t: Translator, mode: Mode) -> str:
    match mode:
        case Mode.OFFICE:
            return t._("🏢 Au bureau")
        case Mode.PHONE:
            return t._("📞 Par téléphone")
        case Mode.VIDEO:
            return t._("💻 En visio")
        case Mode.HOME:
            return t._("🏠 Chez vous")
        case Mode.OUTSIDE:
            return t._("🌳 Dans un lieu choisi ensemble")
        case _:
            assert_never(mode)


def where(t: Translator, mode: Mode, place: str) -> str:
    """How or where, in one line: the address for the office, the mode otherwise."""
    if mode is Mode.OFFICE and place:
        return t._("🏢 {place}", place=place)
    return mode_label(t, mode)


# The person's side.


def meetings_page(t: Translator, booking: Booking) -> Screen:
    lines = [t._("<b>📅 Vos rendez-vous</b>")]
    buttons: list[Button] = [
        Button(
            Label(_short(t, m.start) + ("" if m.discreet else " · " + m.kind_name)),
            OpenMeeting(m.id),
        )
        for m in booking.upcoming
    ]
    if not booking.upcoming:
        lines.append(t._("Vous n'avez pas de rendez-vous prévu."))
    if booking.kinds:
        lines.append(t._("Pour prendre rendez-vous, choisissez la raison :"))
        buttons += [Button(Label(k.name), PickMeetingKind(k.id, 0)) for k in booking.kinds]
    if booking.workshops:
        buttons.append(Button(t.label("👥 Ateliers collectifs"), ShowWorkshops()))
    if booking.discreet:
        lines.append(
            t._("🤫 Mode discret : mes rappels ne disent ni le lieu ni la raison du rendez-vous.")
        )
        discreet = Button(t.label("🤫 Arrêter le mode discret"), SetDiscreet(False))
    else:
        discreet = Button(t.label("🤫 Mode discret"), SetDiscreet(True))
    return Screen("\n".join(lines), column(*buttons, discreet, back_to_menu(t)))


def no_booking(t: Translator, reason: NoBooking, contact: Contact) -> Screen:
    match reason:
        case NoBooking.NO_SITE:
            text = t._(
                "Pour prendre rendez-vous, choisissez d'abord la structure qui vous accompagne."
            )
            return Screen(
                text,
                column(Button(t.label("🤝 Mon accompagnement"), ShowSupport()), back_to_menu(t)),
            )
        case NoBooking.NOTHING_OFFERED:
            text = t._("On ne peut pas encore prendre rendez-vous ici. Appelez ou passez :")
            return Screen("\n".join([text, *reach_lines(t, contact)]), ((back_to_menu(t),),))
        case NoBooking.GONE:
            return Screen(
                t._("Ce choix n'est plus possible. Voici vos rendez-vous."),
                column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)),
            )
        case _:
            assert_never(reason)


def places(
    t: Translator, kind: KindChoice, options: tuple[PlaceChoice, ...], moving: int
) -> Screen:
    lines = [f"<b>{t.plain(kind.name)}</b>"]
    if kind.before_text:
        lines.append(t.plain(kind.before_text))
    lines.append(t._("Comment voulez-vous vous voir ?"))
    buttons = [
        Button(Label(where(t, p.mode, p.label)), ShowSlots(kind.id, p.id, 0, moving))
        for p in options
    ]
    return Screen("\n".join(lines), column(*buttons, _back_to_meetings(t)))


def slots(t: Translator, proposal: Proposal, contact: Contact, today: date) -> Screen:
    """The soonest free times as buttons, other days, and a way out when none fits."""
    kind, place = proposal.kind, proposal.place
    head = f"<b>{t.plain(kind.name)}</b>\n{where(t, place.mode, place.label)}"
    if not proposal.slots:
        text = t._("Pas d'heure libre pour le moment. Proposez vos jours, ou appelez :")
        ask = AskOtherTimes(kind.id, place.id, today, 0, proposal.moving)
        return Screen(
            "\n".join([head, text, *reach_lines(t, contact)]),
            column(Button(t.label("🗓 Proposer mes jours"), ask), _back_to_meetings(t)),
        )
    buttons = [
        Button(
            Label(_short(t, s.start)),
            PickSlot(kind.id, place.id, s.staff_id, _epoch(s.start), proposal.moving),
        )
        for s in proposal.slots
    ]
    later = _end_of_day(proposal.slots[-1].start)
    buttons.append(
        Button(t.label("Autres jours ➡️"), ShowSlots(kind.id, place.id, later, proposal.moving))
    )
    buttons.append(
        Button(
            t.label("🗓 Aucune ne me va"),
            AskOtherTimes(kind.id, place.id, today, 0, proposal.moving),
        )
    )
    buttons.append(_back_to_meetings(t))
    text = t._("Choisissez une heure :")
    return Screen(f"{head}\n\n{text}", column(*buttons))


def ask_calls(t: Translator, proposal: Proposal, contact: Contact) -> Screen:
    """A phone meeting is a Telegram call: no phone number is asked, the person agrees."""
    name = contact.referent
    text = (
        t._("{name} vous appellera sur Telegram, à l'heure du rendez-vous. D'accord ?", name=name)
        if name
        else t._("On vous appellera sur Telegram, à l'heure du rendez-vous. D'accord ?")
    )
    kind, place = proposal.kind, proposal.place
    return Screen(
        text,
        column(
            Button(
                t.label("✅ Oui, appelez-moi sur Telegram"),
                AcceptCalls(kind.id, place.id, proposal.moving),
            ),
            _back_to_meetings(t),
        ),
    )


def taken(t: Translator, proposal: Proposal, contact: Contact, today: date) -> Screen:
    screen = slots(t, proposal, contact, today)
    note = t._("Désolé, cette heure vient d'être prise.")
    return Screen(f"{note}\n\n{screen.text}", screen.buttons)


def confirm(
    t: Translator, kind: KindChoice, place: PlaceChoice, tap: PickSlot, start: datetime
) -> Screen:
    title = (
        t._("<b>Je déplace le rendez-vous à cette heure ?</b>")
        if tap.moving
        else t._("<b>Je réserve ce rendez-vous ?</b>")
    )
    text = "\n".join(
        [
            title,
            t.plain(kind.name),
            t._("🗓 {when}", when=when(t, start)),
            where(t, place.mode, place.label),
        ]
    )
    book = BookSlot(tap.kind, tap.place, tap.staff, tap.start, tap.moving)
    other = ShowSlots(tap.kind, tap.place, 0, tap.moving)
    return Screen(
        text,
        column(
            Button(t.label("✅ Je confirme"), book),
            Button(t.label("⬅️ Une autre heure"), other),
        ),
    )


def booked(t: Translator, meeting: MeetingView, now: datetime, moved: bool) -> Screen:
    """The confirmation, with the calendar file (an update of it when moved). Discreet: the
    day and time only, and the file on request."""
    if meeting.discreet:
        text = (
            t._("✅ Rendez-vous déplacé : {when}.", when=when(t, meeting.start))
            if moved
            else t._("✅ C'est noté : rendez-vous {when}.", when=when(t, meeting.start))
        )
        return Screen(text, _meeting_buttons(t, meeting))
    title = t._("<b>✅ Rendez-vous déplacé</b>") if moved else t._("<b>✅ C'est noté !</b>")
    lines = [title, *_details(t, meeting)]
    if meeting.after_text:
        lines.append(t.plain(meeting.after_text))
    lines.append(t._("Je vous le rappellerai la veille et 2 heures avant."))
    return Screen(
        "\n".join(lines),
        _meeting_buttons(t, meeting),
        document=meeting_file(t, meeting, now),
    )


def meeting_card(t: Translator, meeting: MeetingView) -> Screen:
    lines = [t._("<b>📅 Votre rendez-vous</b>"), *_details(t, meeting)]
    if meeting.after_text and not meeting.discreet:
        lines.append(t.plain(meeting.after_text))
    buttons = _meeting_buttons(t, meeting)
    if meeting.may_arrive:
        here = AnswerMeetingReminder(meeting.id, ReminderAnswer.ARRIVED)
        buttons = ((Button(t.label("📍 Je suis arrivé·e"), here),), *buttons)
    if meeting.waiting:
        lines.append(
            t._(
                "⏩ Vous êtes sur la liste d'attente : "
                "je vous écris si une heure plus tôt se libère."
            )
        )
        leave = Button(t.label("Quitter la liste d'attente"), JoinWaiting(meeting.id, False))
        buttons = ((leave,), *buttons)
    elif meeting.may_wait:
        join = Button(t.label("⏩ Plus tôt si possible"), JoinWaiting(meeting.id, True))
        buttons = ((join,), *buttons)
    return Screen("\n".join(lines), buttons)


def earlier_gone(t: Translator) -> Screen:
    return Screen(
        t._("Cette heure n'est plus gardée pour vous. Votre rendez-vous ne change pas."),
        column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)),
    )


def earlier_time(
    t: Translator, entry_id: int, facts: MeetingFacts, until: datetime, discreet: bool
) -> Screen:
    """An earlier time, kept for this person for a while (then offered to the next)."""
    start = _start(facts)
    local_until = t.in_zone(_zone_of(start)).clock_time(until)
    lines = [
        t._(
            "⏩ Une heure plus tôt s'est libérée : {when}. Je la garde pour vous jusqu'à {until}.",
            when=when(t, start),
            until=local_until,
        )
    ]
    if not discreet:
        lines.append(where(t, Mode(facts.mode), facts.place))
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("✅ Je prends cette heure"), TakeEarlier(entry_id)),
            Button(t.label("Non, je garde mon heure"), SkipEarlier(entry_id)),
        ),
    )


def with_file(t: Translator, meeting: MeetingView, now: datetime) -> Screen:
    """The meeting with its calendar file, on request."""
    card = meeting_card(t, meeting)
    return Screen(card.text, card.buttons, document=meeting_file(t, meeting, now))


def confirm_cancel(t: Translator, meeting: MeetingView) -> Screen:
    return Screen(
        t._("Annuler le rendez-vous du {when} ?", when=when(t, meeting.start)),
        column(
            Button(t.label("❌ Oui, annuler"), CancelMeeting(meeting.id, True)),
            Button(t.label("⬅️ Non, le garder"), OpenMeeting(meeting.id)),
        ),
    )


def cancelled(t: Translator, meeting: MeetingView, now: datetime) -> Screen:
    """Every cancellation offers to book again; the cancelled calendar file removes the
    event from the phone's calendar."""
    text = t._("Le rendez-vous du {when} est annulé.", when=when(t, meeting.start))
    return Screen(
        text,
        column(Button(t.label("📅 Prendre un autre rendez-vous"), ShowMeetings()), back_to_menu(t)),
        document=meeting_file(t, meeting, now, cancelled=True),
    )


def too_late(t: Translator, meeting: MeetingView, contact: Contact) -> Screen:
    """Too close to cancel by a tap: the staff member is told; the person is never stuck."""
    name = meeting.with_name
    told = (
        t._("C'est bientôt : j'ai prévenu {name} que vous ne pouvez pas venir.", name=name)
        if name
        else t._("C'est bientôt : j'ai prévenu l'équipe que vous ne pouvez pas venir.")
    )
    return Screen(
        "\n".join([told, *reach_lines(t, contact)]),
        column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)),
    )


def move_too_late(t: Translator, meeting: MeetingView, contact: Contact) -> Screen:
    """Too close to move by a tap: the staff member will propose another time."""
    name = meeting.with_name
    told = (
        t._("C'est bientôt : j'ai prévenu {name}, qui vous proposera une autre heure.", name=name)
        if name
        else t._("C'est bientôt : j'ai prévenu l'équipe, qui vous proposera une autre heure.")
    )
    return Screen(
        "\n".join([told, *reach_lines(t, contact)]),
        column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)),
    )


def reminder_answered(t: Translator, meeting: MeetingView, answer: ReminderAnswer) -> Screen:
    name = meeting.with_name
    if answer is ReminderAnswer.ARRIVED:
        told = (
            t._("Merci ! J'ai prévenu {name} que vous êtes là.", name=name)
            if name
            else t._("Merci ! J'ai prévenu l'équipe que vous êtes là.")
        )
    else:
        told = (
            t._("Merci, j'ai prévenu {name}.", name=name)
            if name
            else t._("Merci, j'ai prévenu l'équipe.")
        )
    if answer is ReminderAnswer.CHANGE:
        card = meeting_card(t, meeting)
        return Screen(f"{told}\n\n{card.text}", card.buttons)
    return Screen(told, column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)))


def meeting_file(
    t: Translator, meeting: MeetingView, now: datetime, *, cancelled: bool = False
) -> Document:
    """The calendar file: the same event (uid) at each version, so a phone's calendar
    replaces it when the meeting moves and removes it when it is cancelled."""
    summary = _summary(t, meeting.with_name)
    entry = CalendarEntry(
        uid=f"meeting-{meeting.id}@{UID_DOMAIN}",
        sequence=meeting.sequence,
        cancelled=cancelled,
        start=meeting.start,
        end=meeting.end,
        stamp=now,
        summary=summary,
        location=where(t, meeting.mode, meeting.place) if meeting.place else None,
        description=meeting.kind_name,
    )
    return Document(file_name(entry), calendar_file(entry))


def _details(t: Translator, meeting: MeetingView) -> list[str]:
    """What, when, where, with whom; discreet: when only (the chat may be read by others,
    the calendar file asked for holds the rest)."""
    if meeting.discreet:
        return [t._("🗓 {when}", when=when(t, meeting.start))]
    lines = [t.plain(meeting.kind_name), t._("🗓 {when}", when=when(t, meeting.start))]
    lines.append(where(t, meeting.mode, meeting.place))
    if meeting.with_name:
        lines.append(t._("Avec {name}", name=meeting.with_name))
    return lines


def _meeting_buttons(t: Translator, meeting: MeetingView) -> tuple[tuple[Button, ...], ...]:
    buttons = []
    if meeting.status is MeetingStatus.BOOKED and meeting.workshop:
        buttons.append(Button(t.label("❌ Me désinscrire"), CancelMeeting(meeting.id, False)))
        buttons.append(Button(t.label("📎 Fichier pour mon agenda"), SendMeetingFile(meeting.id)))
    elif meeting.status is MeetingStatus.BOOKED:
        buttons.append(Button(t.label("🔁 Changer l'heure"), _moving(meeting)))
        buttons.append(Button(t.label("❌ Annuler"), CancelMeeting(meeting.id, False)))
        buttons.append(Button(t.label("📎 Fichier pour mon agenda"), SendMeetingFile(meeting.id)))
    buttons.append(Button(t.label("📅 Rendez-vous"), ShowMeetings()))
    return column(*buttons)


def _moving(meeting: MeetingView) -> PickMeetingKind | OpenMeeting:
    return (
        PickMeetingKind(meeting.kind_id, meeting.id) if meeting.kind_id else OpenMeeting(meeting.id)
    )


def _back_to_meetings(t: Translator) -> Button:
    return Button(t.label("⬅️ Retour"), ShowMeetings())


def _short(t: Translator, start: datetime) -> str:
    local = t.in_zone(_zone_of(start))
    return (
        f"{local.day(start.astimezone(local.zone).date(), SHORT_DAY)} · {local.clock_time(start)}"
    )


def _epoch(start: datetime) -> int:
    return int(start.timestamp())


def _end_of_day(start: datetime) -> int:
    """ "Other days": the times after the last day shown."""
    day_end = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), start.tzinfo)
    return _epoch(day_end)


# Messages the bot sends on its own (`screens/notices.py` calls these).


def reminder(t: Translator, facts: MeetingFacts, which: Reminding, discreet: bool) -> Screen:
    start = _start(facts)
    match which:
        case Reminding.DAY_BEFORE:
            head = t._("⏰ Rappel : rendez-vous demain à {time}.", time=_time(t, start))
        case Reminding.HOURS_BEFORE:
            head = t._("⏰ Rappel : rendez-vous aujourd'hui à {time}.", time=_time(t, start))
        case _:
            assert_never(which)
    lines = [head]
    if not discreet:  # a relative reading the phone learns nothing but the hour
        lines += [t.plain(facts.kind_name), where(t, Mode(facts.mode), facts.place)]
        if facts.with_name:
            lines.append(t._("Avec {name}", name=facts.with_name))
    meeting = facts.meeting_id
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("👍 J'y serai"), AnswerMeetingReminder(meeting, ReminderAnswer.COMING)),
            Button(
                t.label("⏱ Je serai en retard"),
                AnswerMeetingReminder(meeting, ReminderAnswer.LATE),
            ),
            Button(
                t.label("🔁 Je dois changer"),
                AnswerMeetingReminder(meeting, ReminderAnswer.CHANGE),
            ),
        ),
    )


def missed(t: Translator, facts: MeetingFacts) -> Screen:
    """Kind, never a warning."""
    text = t._(
        "Nous ne vous avons pas vu au rendez-vous du {when}. Ce n'est pas grave. "
        "Voulez-vous choisir une nouvelle heure ?",
        when=when(t, _start(facts)),
    )
    return Screen(
        text, column(Button(t.label("📅 Prendre rendez-vous"), ShowMeetings()), back_to_menu(t))
    )


def cancelled_by_staff(
    t: Translator, facts: MeetingFacts, sequence: int, now: datetime, discreet: bool
) -> Screen:
    name = None if discreet else facts.with_name
    text = (
        t._(
            "Désolé : {name} ne peut pas vous recevoir le {when}. Le rendez-vous est annulé. "
            "Voulez-vous choisir une autre heure ?",
            name=name,
            when=when(t, _start(facts)),
        )
        if name
        else t._(
            "Désolé : le rendez-vous du {when} est annulé. Voulez-vous choisir une autre heure ?",
            when=when(t, _start(facts)),
        )
    )
    return Screen(
        text,
        column(Button(t.label("📅 Prendre rendez-vous"), ShowMeetings()), back_to_menu(t)),
        document=None if discreet else _facts_file(t, facts, sequence, now, cancelled=True),
    )


def to_staff_booked(t: Translator, facts: MeetingFacts, moved: bool) -> Screen:
    text = (
        t._(
            "🔁 Rendez-vous déplacé : {person}, {when}.",
            person=facts.person_label,
            when=when(t, _start(facts)),
        )
        if moved
        else t._(
            "📅 Nouveau rendez-vous : {person}, {when}.",
            person=facts.person_label,
            when=when(t, _start(facts)),
        )
    )
    lines = [text, t.plain(facts.kind_name), where(t, Mode(facts.mode), facts.place)]
    return Screen("\n".join(lines), _staff_meeting_buttons(t, facts.meeting_id))


def to_staff_cancelled(t: Translator, facts: MeetingFacts) -> Screen:
    text = t._(
        "❌ {person} a annulé le rendez-vous du {when}.",
        person=facts.person_label,
        when=when(t, _start(facts)),
    )
    return Screen(text, column(Button(t.label("🗓 Agenda"), ShowAgenda(0))))


def to_staff_answered(t: Translator, facts: MeetingFacts, answer: ReminderAnswer) -> Screen:
    person, at = facts.person_label, when(t, _start(facts))
    match answer:
        case ReminderAnswer.COMING:
            text = t._("👍 {person} sera là au rendez-vous du {when}.", person=person, when=at)
        case ReminderAnswer.LATE:
            text = t._(
                "⏱ {person} sera en retard au rendez-vous du {when}.", person=person, when=at
            )
        case ReminderAnswer.CHANGE:
            text = t._(
                "🔁 {person} doit changer le rendez-vous du {when}. Proposez une autre heure.",
                person=person,
                when=at,
            )
        case ReminderAnswer.CANCEL_LATE:
            text = t._(
                "❌ {person} ne peut pas venir au rendez-vous du {when}.", person=person, when=at
            )
        case ReminderAnswer.ARRIVED:
            text = t._(
                "📍 {person} est arrivé·e pour le rendez-vous de {time}.",
                person=person,
                time=_time(t, _start(facts)),
            )
        case _:
            assert_never(answer)
    return Screen(text, _staff_meeting_buttons(t, facts.meeting_id))


def _staff_meeting_buttons(t: Translator, meeting_id: int) -> tuple[tuple[Button, ...], ...]:
    return column(Button(t.label("📅 Voir le rendez-vous"), StaffOpenMeeting(meeting_id)))


def _start(facts: MeetingFacts) -> datetime:
    return datetime.fromisoformat(facts.starts_at).astimezone(ZoneInfo(facts.zone))


def _time(t: Translator, start: datetime) -> str:
    return t.in_zone(_zone_of(start)).clock_time(start)


# The staff member's agenda.


def agenda(t: Translator, lines: tuple[AgendaLine, ...], week: int, first_day: datetime) -> Screen:
    head = t._("<b>🗓 Votre agenda</b> (semaine du {day})", day=t.day(first_day.date(), DAY))
    if not lines:
        body = t._("Aucun rendez-vous cette semaine.")
    else:
        body = t._("Touchez un rendez-vous pour le voir.")
    buttons = [
        Button(
            Label(
                f"{_short(t, line.start)} · {line.person_label}"
                + (f" ({line.colleague})" if line.colleague else "")
                + f" · {_status_mark(line.status)}"
            ),
            StaffOpenMeeting(line.id),
        )
        for line in lines
    ]
    paging = []
    if week > 0:
        paging.append(Button(t.label("⬅️ Semaine d'avant"), ShowAgenda(week - 1)))
    paging.append(Button(t.label("Semaine d'après ➡️"), ShowAgenda(week + 1)))
    hours = Button(t.label("🕒 Mes disponibilités"), ShowAvailability())
    return Screen(
        f"{head}\n{body}", (*column(*buttons), tuple(paging), (hours,), (back_to_staff(t),))
    )


def staff_meeting(t: Translator, meeting: StaffMeeting, now: datetime) -> Screen:
    line = meeting.line
    lines = [
        f"<b>{t.plain(line.person_label)}</b> · {t.plain(line.kind_name)}",
        t._("🗓 {when}", when=when(t, line.start)),
        where(t, line.mode, meeting.place),
        t._("État : {status}", status=status_name(t, line.status)),
    ]
    if meeting.messages:
        lines.append(t._("<b>Messages</b>"))
        lines += [
            f"• {t.moment(m.at, 'short')} · {_message_name(t, m.kind)} → "
            f"{_delivery(t, Status(m.status), m.error)}"
            for m in meeting.messages
        ]
    buttons: list[Button] = []
    if line.status is MeetingStatus.BOOKED and line.start <= now:
        buttons.append(Button(t.label("✅ A eu lieu"), MarkMeeting(line.id, MeetingStatus.HELD)))
        buttons.append(Button(t.label("🚫 Pas venu·e"), MarkMeeting(line.id, MeetingStatus.MISSED)))
    if line.status is MeetingStatus.BOOKED and line.start > now and meeting.kind_id:
        move = StaffBookFor(meeting.person_id, meeting.kind_id, 0, 0, line.id)
        buttons.append(Button(t.label("🔁 Déplacer ce rendez-vous"), move))
    if line.status is MeetingStatus.BOOKED and line.start > now:
        buttons.append(
            Button(t.label("❌ Annuler ce rendez-vous"), StaffCancelMeeting(line.id, False))
        )
    buttons.append(Button(t.label("🗓 Agenda"), ShowAgenda(0)))
    return Screen("\n".join(lines), column(*buttons))


def _message_name(t: Translator, kind: str) -> str:
    return t._(MESSAGE_KINDS[kind]) if kind in MESSAGE_KINDS else "?"


def _delivery(t: Translator, status: Status, error: str | None) -> str:
    """What became of a message: the staff member sees whether the person got it."""
    match status:
        case Status.PENDING | Status.SENDING:
            return t._("à envoyer")
        case Status.SENT:
            return t._("reçu")
        case Status.FAILED | Status.PARKED:
            if error == Failure.BLOCKED.value:
                return t._("non remis : la personne a bloqué le bot")
            return t._("non remis")
        case Status.DROPPED:
            return t._("pas envoyé (plus utile)")
        case _:
            assert_never(status)


def gone_for_staff(t: Translator) -> Screen:
    return Screen(
        t._("Ce rendez-vous n'existe plus ou ne peut plus changer."),
        column(Button(t.label("🗓 Agenda"), ShowAgenda(0))),
    )


def confirm_staff_cancel(t: Translator, meeting_id: int) -> Screen:
    return Screen(
        t._("Annuler ce rendez-vous ? La personne sera prévenue, avec des excuses."),
        column(
            Button(t.label("❌ Oui, annuler"), StaffCancelMeeting(meeting_id, True)),
            Button(t.label("⬅️ Non"), StaffOpenMeeting(meeting_id)),
        ),
    )


def status_name(t: Translator, status: MeetingStatus) -> str:
    match status:
        case MeetingStatus.BOOKED:
            return t._("prévu")
        case MeetingStatus.CANCELLED:
            return t._("annulé")
        case MeetingStatus.HELD:
            return t._("a eu lieu")
        case MeetingStatus.MISSED:
            return t._("pas venu·e")
        case MeetingStatus.HOLD:
            return t._("gardé pour la liste d'attente")
        case _:
            assert_never(status)


def _status_mark(status: MeetingStatus) -> str:
    match status:
        case MeetingStatus.BOOKED:
            return "🕒"
        case MeetingStatus.CANCELLED:
            return "❌"
        case MeetingStatus.HELD:
            return "✅"
        case MeetingStatus.MISSED:
            return "🚫"
        case MeetingStatus.HOLD:
            return "⏩"
        case _:
            assert_never(status)


# None of the times fit: the person's own days; the staff member's answer.

PART_LABELS = {
    PartOfDay.MORNING: N_("🌅 Le matin"),
    PartOfDay.AFTERNOON: N_("☀️ L'après-midi"),
    PartOfDay.EVENING: N_("🌆 En fin de journée"),
    PartOfDay.ANY: N_("🕒 N'importe quand"),
}
PART_WORDS = {
    PartOfDay.MORNING: N_("le matin"),
    PartOfDay.AFTERNOON: N_("l'après-midi"),
    PartOfDay.EVENING: N_("en fin de journée"),
    PartOfDay.ANY: N_("à n'importe quelle heure"),
}


def propose_days(
    t: Translator, tap: AskOtherTimes | SendTimes, days: list[date], *, none_ticked: bool = False
) -> Screen:
    """Tick the days you can come, then say when in the day: sent to the staff member."""
    lines = [t._("<b>Quels jours pouvez-vous venir ?</b> Cochez-les, puis choisissez le moment.")]
    if none_ticked:
        lines.append(t._("Cochez au moins un jour."))
    ticks = [
        Button(
            Label(("✅ " if tap.days >> i & 1 else "") + t.day(day, SHORT_DAY)),
            AskOtherTimes(tap.kind, tap.place, tap.base, tap.days ^ (1 << i), tap.moving),
        )
        for i, day in enumerate(days)
    ]
    rows = [tuple(ticks[i : i + 3]) for i in range(0, len(ticks), 3)]
    parts = [
        Button(
            t.label(PART_LABELS[part]),
            SendTimes(tap.kind, tap.place, tap.base, tap.days, part, tap.moving),
        )
        for part in PartOfDay
    ]
    return Screen(
        "\n".join(lines),
        (*rows, tuple(parts[:2]), tuple(parts[2:]), (_back_to_meetings(t),)),
    )


def times_sent(t: Translator, sent: TimesSent) -> Screen:
    text = (
        t._("C'est envoyé. {name} vous répondra ici.", name=sent.with_name)
        if sent.with_name
        else t._("C'est envoyé. L'équipe vous répondra ici.")
    )
    return Screen(text, column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)))


def times_proposed(t: Translator, notice: TimesProposed) -> Screen:
    """To the staff member: the person's days, and a button to answer."""
    days = ", ".join(t.day(date.fromisoformat(d), SHORT_DAY) for d in notice.days.split(","))
    text = t._(
        "🗓 {person} ne trouve pas d'heure pour « {kind} ». Ses jours : {days}, {part}.",
        person=notice.person_label,
        kind=notice.kind_name,
        days=days,
        part=t._(PART_WORDS[PartOfDay(notice.part)]),
    )
    return Screen(text, column(Button(t.label("📅 Répondre"), AnswerRequest(notice.request_id))))


def request_card(t: Translator, card: RequestCard) -> Screen:
    days = ", ".join(t.day(day, SHORT_DAY) for day in card.days)
    lines = [
        f"<b>{t.plain(card.person_label)}</b> · {t.plain(card.kind_name)}",
        t._("Ses jours : {days}, {part}.", days=days, part=t._(PART_WORDS[card.part])),
    ]
    if card.status is not RequestStatus.PENDING:
        lines.append(request_status(t, card.status))
        return Screen("\n".join(lines), column(Button(t.label("🗓 Agenda"), ShowAgenda(0))))
    buttons = [
        Button(Label("✅ " + _short(t, slot.start)), AcceptRequest(card.id, _epoch(slot.start)))
        for slot in card.fitting
    ]
    lines.append(
        t._("Choisissez une heure : la personne sera prévenue.")
        if card.fitting
        else t._("Vous n'avez pas d'heure libre ces jours-là.")
    )
    buttons.append(Button(t.label("🔁 Proposer une autre heure"), CounterRequest(card.id, 0)))
    buttons.append(Button(t.label("❌ Aucun de ces jours"), DeclineRequest(card.id)))
    return Screen("\n".join(lines), column(*buttons))


def counter_card(t: Translator, card: RequestCard) -> Screen:
    buttons = [
        Button(Label(_short(t, slot.start)), OfferTime(card.id, _epoch(slot.start)))
        for slot in card.others
    ]
    if card.others:
        later = _end_of_day(card.others[-1].start)
        buttons.append(Button(t.label("Autres jours ➡️"), CounterRequest(card.id, later)))
    buttons.append(Button(t.label("⬅️ Retour"), AnswerRequest(card.id)))
    text = t._("Quelle heure proposer à {person} ?", person=card.person_label)
    return Screen(text, column(*buttons))


def request_status(t: Translator, status: RequestStatus) -> str:
    match status:
        case RequestStatus.PENDING:
            return t._("En attente de votre réponse.")
        case RequestStatus.BOOKED:
            return t._("✅ Rendez-vous pris : la personne est prévenue.")
        case RequestStatus.OFFERED:
            return t._("🔁 Autre heure proposée : la personne décide.")
        case RequestStatus.DECLINED:
            return t._("❌ Refusé : la personne peut choisir une heure libre.")
        case RequestStatus.TAKEN:
            return t._("✅ La personne a pris l'heure proposée.")
        case _:
            assert_never(status)


def booked_for_you(t: Translator, notice: BookedForYou, now: datetime) -> Screen:
    """Booked by the staff member: among the person's days, or for them."""
    facts, sequence, discreet = notice.meeting, notice.sequence, notice.discreet
    start = _start(facts)
    head = (
        t._(
            "✅ {name} a choisi une heure parmi vos jours : {when}.",
            name=facts.with_name,
            when=when(t, start),
        )
        if facts.with_name and notice.among_their_days and not discreet
        else t._("✅ C'est noté : rendez-vous {when}.", when=when(t, start))
    )
    if notice.moved:
        head = t._(
            "🔁 Désolé, votre rendez-vous change : {when}. Si ça ne vous va pas, "
            "choisissez une autre heure.",
            when=when(t, start),
        )
    lines = [head]
    if not discreet:
        lines += [t.plain(facts.kind_name), where(t, Mode(facts.mode), facts.place)]
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("📅 Voir le rendez-vous"), OpenMeeting(facts.meeting_id)),
            back_to_menu(t),
        ),
        document=None if discreet else _facts_file(t, facts, sequence, now, cancelled=False),
    )


def _facts_file(
    t: Translator, facts: MeetingFacts, sequence: int, now: datetime, *, cancelled: bool
) -> Document:
    """The calendar file of a meeting told by a message (its facts as queued): the same
    event as `meeting_file`'s, at this version."""
    start = _start(facts)
    entry = CalendarEntry(
        uid=f"meeting-{facts.meeting_id}@{UID_DOMAIN}",
        sequence=sequence,
        cancelled=cancelled,
        start=start,
        end=datetime.fromisoformat(facts.ends_at).astimezone(start.tzinfo),
        stamp=now,
        summary=_summary(t, None if cancelled else facts.with_name),
        location=None if cancelled else where(t, Mode(facts.mode), facts.place),
        description=None if cancelled else facts.kind_name,
    )
    return Document(file_name(entry), calendar_file(entry))


def _summary(t: Translator, with_name: str | None) -> str:
    return t._("Rendez-vous avec {name}", name=with_name) if with_name else t._("Rendez-vous")


def time_offered(t: Translator, request_id: int, facts: MeetingFacts, discreet: bool) -> Screen:
    start = _start(facts)
    lines = [
        t._("{name} vous propose : {when}.", name=facts.with_name, when=when(t, start))
        if facts.with_name
        else t._("On vous propose : {when}.", when=when(t, start))
    ]
    if not discreet:
        lines.append(where(t, Mode(facts.mode), facts.place))
    lines.append(t._("Ça vous va ?"))
    return Screen(
        "\n".join(lines),
        column(
            Button(t.label("✅ Ça me va"), TakeOffer(request_id)),
            Button(t.label("📅 Voir d'autres heures"), ShowMeetings()),
        ),
    )


def times_declined(t: Translator, with_name: str | None) -> Screen:
    text = (
        t._(
            "{name} ne peut pas ces jours-là. Choisissez une heure libre, ou d'autres jours.",
            name=with_name,
        )
        if with_name
        else t._(
            "Ces jours-là ne sont pas possibles. Choisissez une heure libre, ou d'autres jours."
        )
    )
    return Screen(text, column(Button(t.label("📅 Rendez-vous"), ShowMeetings()), back_to_menu(t)))


# A staff member for a person: booking for them, inviting them to book.


def staff_booking(t: Translator, booking: StaffBooking) -> Screen:
    """The type, then the place, then one of the staff member's own free times."""
    who = booking.person_label
    back = Button(t.label("⬅️ Retour"), ViewPerson(booking.person_id))
    if booking.kind is None:
        kinds = [
            Button(Label(k.name), StaffBookFor(booking.person_id, k.id, 0, 0, booking.moving))
            for k in booking.kinds
        ]
        text = t._("Rendez-vous pour {person} : quelle raison ?", person=who)
        return Screen(text, column(*kinds, back))
    if booking.place is None:
        places = [
            Button(
                Label(where(t, p.mode, p.label)),
                StaffBookFor(booking.person_id, booking.kind.id, p.id, 0, booking.moving),
            )
            for p in booking.places
        ]
        if not places:
            text = t._("Vous n'avez pas de créneau pour ce rendez-vous : voir /dispos.")
            return Screen(text, column(back))
        return Screen(t._("Où, ou comment ?"), column(*places, back))
    kind, place = booking.kind.id, booking.place.id
    times = [
        Button(
            Label(_short(t, s.start)),
            StaffBookAt(booking.person_id, kind, place, _epoch(s.start), booking.moving),
        )
        for s in booking.slots
    ]
    if booking.slots:
        later = _end_of_day(booking.slots[-1].start)
        times.append(
            Button(
                t.label("Autres jours ➡️"),
                StaffBookFor(booking.person_id, kind, place, later, booking.moving),
            )
        )
    text = t._("Rendez-vous pour {person} : quelle heure ? La personne sera prévenue.", person=who)
    return Screen(text, column(*times, back))


def invited(t: Translator, person_label: str, person_id: int) -> Screen:
    text = t._(
        "📨 Invitation envoyée à {person}. Un rappel lui sera envoyé dans 3 jours "
        "si besoin, et je vous préviens dans 10 jours si elle n'a pas choisi.",
        person=person_label,
    )
    return Screen(text, column(Button(t.label("⬅️ Retour"), ViewPerson(person_id))))


def invitation(t: Translator, with_name: str | None, follow_up: bool) -> Screen:
    """Never a summons: the person chooses the day and the time."""
    if follow_up:
        text = (
            t._("Petit rappel : {name} vous propose de choisir un rendez-vous.", name=with_name)
            if with_name
            else t._("Petit rappel : vous pouvez choisir un rendez-vous.")
        )
    else:
        text = (
            t._(
                "{name} vous propose un rendez-vous. C'est vous qui choisissez le jour et l'heure.",
                name=with_name,
            )
            if with_name
            else t._("Vous pouvez choisir un rendez-vous : le jour et l'heure, c'est vous.")
        )
    return Screen(
        text, column(Button(t.label("📅 Choisir un rendez-vous"), ShowMeetings()), back_to_menu(t))
    )


def invitation_unused(t: Translator, person_label: str, person_id: int, since: datetime) -> Screen:
    text = t._(
        "{person} n'a pas encore choisi de rendez-vous (invitation du {day}). "
        "Vous pouvez l'appeler, ou le prendre pour elle.",
        person=person_label,
        day=t.day(since.date(), DAY),
    )
    return Screen(
        text,
        column(
            Button(
                t.label("📅 Prendre rendez-vous pour elle"), StaffBookFor(person_id, 0, 0, 0, 0)
            ),
            Button(t.label("👤 Voir la personne"), ViewPerson(person_id)),
        ),
    )


def shortage(t: Translator, notice: SlotShortage) -> Screen:
    """More people wait than free times are left: one tap to open more."""
    if notice.own:
        text = t.ngettext(
            "⚠️ {n} personne attend un rendez-vous avec vous. Rendez-vous encore possibles : "
            "{free}. Ouvrir des heures ?",
            "⚠️ {n} personnes attendent un rendez-vous avec vous. Rendez-vous encore possibles : "
            "{free}. Ouvrir des heures ?",
            notice.waiting,
            free=notice.free,
        )
        return Screen(text, column(Button(t.label("🕒 Ouvrir des heures"), ShowAvailability())))
    text = t.ngettext(
        "⚠️ {n} personne attend un rendez-vous avec {name}. Rendez-vous encore possibles : {free}.",
        "⚠️ {n} personnes attendent un rendez-vous avec {name}. Rendez-vous encore possibles : "
        "{free}.",
        notice.waiting,
        name=notice.staff_name,
        free=notice.free,
    )
    return Screen(text, column(Button(t.label("🗓 Agenda"), ShowAgenda(0))))


# Collective workshops.


def workshops(t: Translator, lines: list[WorkshopLine]) -> Screen:
    if not lines:
        text = t._("Pas d'atelier prévu pour le moment.")
        return Screen(text, column(_back_to_meetings(t)))
    buttons = [
        Button(
            Label(("✅ " if line.seat_meeting else "") + f"{_short(t, line.start)} · {line.name}"),
            OpenWorkshop(line.id),
        )
        for line in lines
    ]
    text = t._("<b>👥 Ateliers collectifs</b>\nEn petit groupe, avec un·e professionnel·le.")
    return Screen(text, column(*buttons, _back_to_meetings(t)))


def workshop(t: Translator, line: WorkshopLine, *, full: bool = False) -> Screen:
    """Never who else comes: only the seats left."""
    lines = [
        f"<b>{t.plain(line.name)}</b>",
        t._("🗓 {when}", when=when(t, line.start)),
        where(t, line.mode, line.place),
    ]
    buttons: list[Button] = []
    if line.seat_meeting is not None:
        lines.append(t._("✅ Vous êtes inscrit·e."))
        buttons.append(Button(t.label("📅 Voir mon inscription"), OpenMeeting(line.seat_meeting)))
    elif line.seats_left:
        lines.append(t.ngettext("Il reste {n} place.", "Il reste {n} places.", line.seats_left))
        buttons.append(Button(t.label("✅ Je m'inscris"), JoinWorkshop(line.id)))
    else:
        note = t._("Désolé, c'est complet.") if full else t._("C'est complet.")
        lines.append(note)
    buttons.append(Button(t.label("⬅️ Retour"), ShowWorkshops()))
    return Screen("\n".join(lines), column(*buttons))
