"""Every message the bot sends on its own initiative after a change, in one place.

`notice` matches every kind of `core.notices.Notice`: mypy reports a kind without words.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from core.access import Role
from core.distress import Concern
from core.handoffs import Who
from core.i18n import Translator
from core.meetings import ReminderAnswer, Reminding
from core.notices import (
    BookedForYou,
    BookingInvitation,
    ChangeRequested,
    EarlierTime,
    HandoffAlert,
    HandoffClaimed,
    HandoffEnded,
    HandoffLate,
    HandoffPassed,
    HandoffTaken,
    InvitationUnused,
    MeetingAnswered,
    MeetingBooked,
    MeetingCancelled,
    MeetingMissed,
    MeetingReminder,
    Notice,
    PersonBlocked,
    PersonsReceived,
    PersonUnreachable,
    ReferentChanged,
    Relayed,
    RetentionErased,
    RetentionWarning,
    SharingEnds,
    SlotShortage,
    TimeOffered,
    TimesDeclined,
    TimesProposed,
    ToPerson,
)
from core.screens import Screen
from screens import handoffs, meetings, privacy
from screens.staff import back


def notice(t: Translator, item: Notice, now: datetime) -> Screen:
    match item:
        case PersonsReceived(count=count):
            return Screen(
                t.ngettext(
                    "Vous accompagnez désormais {n} personne de plus.",
                    "Vous accompagnez désormais {n} personnes de plus.",
                    count,
                ),
                ((back(t),),),
            )
        case ChangeRequested():
            return Screen(
                t._(
                    "Une personne demande à changer de référent·e. "
                    "Voir : Espace professionnel → Demandes."
                ),
                ((back(t),),),
            )
        case ReferentChanged(name=str() as name):
            return Screen(t._("C'est maintenant {name} qui vous accompagne.", name=name))
        case ReferentChanged():
            return Screen(
                t._(
                    "La personne qui vous accompagne a changé. "
                    "L'équipe de votre structure vous recontactera."
                )
            )
        case RetentionWarning():
            return privacy.retention_warning(t)
        case RetentionErased():
            return privacy.retention_erased(t)
        case SharingEnds():
            return privacy.sharing_ends(t)
        case PersonUnreachable(person_id=person_id):
            return Screen(
                t._(
                    "Je ne peux plus écrire à la personne n°{id} : elle a peut-être bloqué "
                    "le bot. Vous pouvez la contacter autrement.",
                    id=person_id,
                ),
                ((back(t),),),
            )
        case MeetingBooked(meeting=facts, moved=moved):
            return meetings.to_staff_booked(t, facts, moved)
        case MeetingReminder(meeting=facts, which=which, discreet=discreet):
            return meetings.reminder(t, facts, Reminding(which), discreet)
        case MeetingCancelled(to=ToPerson(), meeting=facts, sequence=sequence, discreet=discreet):
            return meetings.cancelled_by_staff(t, facts, sequence, now, discreet)
        case MeetingCancelled(meeting=facts):
            return meetings.to_staff_cancelled(t, facts)
        case MeetingMissed(meeting=facts):
            return meetings.missed(t, facts)
        case MeetingAnswered(meeting=facts, answer=answer):
            return meetings.to_staff_answered(t, facts, ReminderAnswer(answer))
        case TimesProposed():
            return meetings.times_proposed(t, item)
        case BookedForYou():
            return meetings.booked_for_you(t, item, now)
        case TimeOffered(request_id=request_id, meeting=facts, discreet=discreet):
            return meetings.time_offered(t, request_id, facts, discreet)
        case TimesDeclined(with_name=name, discreet=discreet):
            return meetings.times_declined(t, None if discreet else name)
        case EarlierTime(entry_id=entry_id, meeting=facts, until=until, discreet=discreet):
            held = datetime.fromisoformat(until)
            return meetings.earlier_time(t, entry_id, facts, held, discreet)
        case BookingInvitation(with_name=name, follow_up=follow_up):
            return meetings.invitation(t, name, follow_up)
        case InvitationUnused(person_id=person_id, person_label=label, since=since):
            return meetings.invitation_unused(t, label, person_id, datetime.fromisoformat(since))
        case SlotShortage():
            return meetings.shortage(t, item)
        case HandoffAlert():
            return handoffs.alert(t, item, now, None)
        case HandoffTaken(person_label=label, by_name=by):
            return handoffs.taken_notice(t, label, by)
        case HandoffClaimed(by_name=name, role=role, handoff_id=handoff_id):
            return handoffs.claimed_notice(t, name, Role(role), handoff_id)
        case HandoffPassed(to_who=who):
            return handoffs.passed(t, Who(who))
        case HandoffEnded(to=ToPerson(), by_name=name):
            return handoffs.ended_for_person(t, name)
        case HandoffEnded(by_name=label):
            return handoffs.ended_for_staff(t, label)
        case HandoffLate(urgent=urgent, concern=concern):
            return handoffs.late(t, urgent, Concern(concern) if concern else None)
        case PersonBlocked(person_label=label):
            return handoffs.person_blocked(t, label)
        case Relayed():  # sent as a copy (`handlers/notify.py`), never rendered as a notice
            return Screen(t._("💬 Nouveau message."))
        case _:
            assert_never(item)
