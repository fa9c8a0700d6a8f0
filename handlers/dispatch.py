"""One callback handler for every button, and one text handler for every typed answer.

A button's data is decoded once (`core.intents.decode_tap`) and routed by its type; a
typed message goes where the account's stored `Awaited` says. Both `match` statements
end in `assert_never`, so an intent with no handler is a mypy error, not a silent button.
Data this version did not write (an old message, forged or cut data) gets a kind answer
and the way on.
"""

from __future__ import annotations

from typing import assert_never

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from app.context import AllianceContext
from core.intents import (
    AcceptCalls,
    AcceptRequest,
    AddAbsence,
    AddInviteNote,
    AddWindow,
    AnswerCheck,
    AnswerConsent,
    AnswerMeetingReminder,
    AnswerRequest,
    AskAnotherReferent,
    AskHuman,
    AskHumanNow,
    AskOtherTimes,
    AwaitDate,
    AwaitNote,
    AwaitPersonNote,
    AwaitSiteSearch,
    BookSlot,
    CancelMeeting,
    CancelTyping,
    ChooseLanguage,
    ChooseOption,
    ChooseWay,
    ClaimHandoff,
    CloseHandoff,
    CloseWith,
    ConfirmDeactivation,
    ConfirmReloadFlows,
    CounterRequest,
    Deactivate,
    DeclineHuman,
    DeclineRequest,
    EditPersonNote,
    Erase,
    HandleChange,
    Intent,
    InviteAt,
    InviteMenu,
    InviteToBook,
    InviteWho,
    JoinWaiting,
    JoinWorkshop,
    ListSites,
    MarkMeeting,
    NextRound,
    OfferTime,
    OpenFlow,
    OpenHandoff,
    OpenMeeting,
    OpenSitePage,
    OpenWorkshop,
    PassHandoff,
    PickAreas,
    PickDay,
    PickDuration,
    PickHandoff,
    PickMeetingKind,
    PickSite,
    PickSlot,
    Reassign,
    ReloadFlows,
    RemindLater,
    RemoveAvailability,
    RestartFlow,
    SearchSites,
    SendFigures,
    SendMeetingFile,
    SendMyDataFile,
    SendTimes,
    SetDiscreet,
    SetNotifyLevel,
    SetSharing,
    ShareMessages,
    ShowAgenda,
    ShowAlerts,
    ShowAvailability,
    ShowCatalog,
    ShowCategory,
    ShowDays,
    ShowFlowsAdmin,
    ShowHelp,
    ShowItemHelp,
    ShowJourney,
    ShowLanguages,
    ShowMeetings,
    ShowMenu,
    ShowMyData,
    ShowMyRequest,
    ShowNotifyLevel,
    ShowSharing,
    ShowSitePage,
    ShowSlots,
    ShowSupport,
    ShowWorkshops,
    SkipEarlier,
    StaffBookAt,
    StaffBookFor,
    StaffCancelMeeting,
    StaffHome,
    StaffOpenMeeting,
    StepTap,
    TakeEarlier,
    TakeOffer,
    TalkToSomeone,
    TickItem,
    ViewPerson,
    WithdrawRequest,
    decode_tap,
)
from handlers import (
    fallback,
    flow_admin,
    handoffs,
    home,
    meetings,
    onboarding,
    privacy,
    procedures,
    staff,
    support,
)
from services.onboarding import PersonView
from services.staff import StaffView


async def on_button(update: Update, context: AllianceContext) -> None:
    """Any button: decoded once, then handed to the journey that owns it."""
    query = update.callback_query
    intent = decode_tap(query.data if query else None)
    if intent is None:
        await fallback.answer_stale_button(update, context)
        return
    await route(update, context, intent)


async def route(update: Update, context: AllianceContext, intent: Intent) -> None:
    match intent:
        case ShowMenu():
            await home.show_menu(update, context)
        case ShowHelp():
            await home.show_help(update, context)
        case ShowLanguages():
            await home.pick_language(update, context)
        case ChooseLanguage():
            await onboarding.choose_language(update, context, intent)
        case AnswerConsent():
            await onboarding.decide_consent(update, context, intent)
        case ShowMyData():
            await privacy.show_my_data(update, context)
        case SendMyDataFile():
            await privacy.send_my_data_file(update, context)
        case Erase():
            await privacy.erase_me(update, context, intent)
        case ShowSupport():
            await support.show_accompaniment(update, context)
        case AskAnotherReferent():
            await support.ask_for_another_referent(update, context)
        case ListSites() | PickSite() | SearchSites():
            await support.choose_site(update, context, intent)
        case ShowSharing() | PickAreas() | PickDuration() | SetSharing():
            await support.share(update, context, intent)
        case ShowCatalog() | ShowCategory():
            await procedures.show_catalog(
                update, context, intent if isinstance(intent, ShowCategory) else None
            )
        case ShowJourney():
            await procedures.show_journey(update, context)
        case (
            OpenFlow()
            | RestartFlow()
            | NextRound()
            | StepTap()
            | ChooseWay()
            | RemindLater()
            | ChooseOption()
            | TickItem()
            | ShowItemHelp()
            | ShowDays()
            | PickDay()
            | AnswerCheck()
        ):
            await procedures.flow_button(update, context, intent)
        case (
            StaffHome()
            | InviteMenu()
            | InviteWho()
            | InviteAt()
            | AddInviteNote()
            | OpenSitePage()
            | ShowSitePage()
            | SendFigures()
            | ViewPerson()
            | ConfirmDeactivation()
            | Deactivate()
            | HandleChange()
            | Reassign()
            | EditPersonNote()
            | CancelTyping()
        ):
            await staff.staff_button(update, context, intent)
        case (
            ShowMeetings()
            | PickMeetingKind()
            | ShowSlots()
            | AcceptCalls()
            | PickSlot()
            | BookSlot()
            | OpenMeeting()
            | CancelMeeting()
            | SendMeetingFile()
            | AnswerMeetingReminder()
            | SetDiscreet()
            | AskOtherTimes()
            | SendTimes()
            | TakeOffer()
            | JoinWaiting()
            | TakeEarlier()
            | SkipEarlier()
            | ShowWorkshops()
            | OpenWorkshop()
            | JoinWorkshop()
        ):
            await meetings.meeting_tap(update, context, intent)
        case (
            ShowAgenda()
            | StaffOpenMeeting()
            | MarkMeeting()
            | StaffCancelMeeting()
            | AnswerRequest()
            | AcceptRequest()
            | CounterRequest()
            | OfferTime()
            | DeclineRequest()
            | StaffBookFor()
            | StaffBookAt()
            | InviteToBook()
        ):
            await meetings.agenda_tap(update, context, intent)
        case (
            ShowAvailability()
            | AddWindow()
            | AddAbsence()
            | RemoveAvailability()
            | ShowNotifyLevel()
            | SetNotifyLevel()
        ):
            await meetings.availability_tap(update, context, intent)
        case (
            TalkToSomeone()
            | AskHuman()
            | AskHumanNow()
            | ShowMyRequest()
            | ShareMessages()
            | WithdrawRequest()
            | DeclineHuman()
        ):
            await handoffs.handoff_tap(update, context, intent)
        case (
            ShowAlerts()
            | OpenHandoff()
            | ClaimHandoff()
            | PickHandoff()
            | PassHandoff()
            | CloseHandoff()
            | CloseWith()
        ):
            await handoffs.staff_tap(update, context, intent)
        case ShowFlowsAdmin():
            await flow_admin.show_flows(update, context)
        case ReloadFlows():
            await flow_admin.ask_reload(update, context)
        case ConfirmReloadFlows():
            await flow_admin.reload_flows(update, context)
        case _:
            assert_never(intent)


async def on_text(update: Update, context: AllianceContext) -> None:
    """Typed text: the answer the bot asked for, else a kind word and the way on."""
    account = context.scope.account
    awaited = account.awaiting if isinstance(account, PersonView | StaffView) else None
    if isinstance(account, PersonView) and await handoffs.person_wrote(
        update, context, relaying=awaited is None
    ):
        return  # distress, a secret, or a message relayed to the human who holds it
    match awaited:
        case None:
            if isinstance(account, StaffView) and await handoffs.staff_wrote(update, context):
                return
            await fallback.answer_unusable(update, context)
        case AwaitDate():
            await procedures.answer_typed_date(update, context, awaited)
        case AwaitNote() | AwaitPersonNote():
            await staff.take_typed_note(update, context, awaited)
        case AwaitSiteSearch():
            await support.search_sites(update, context)
        case _:
            assert_never(awaited)


def handlers() -> list[BaseHandler[Update, AllianceContext, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CallbackQueryHandler(on_button),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text),
    ]
