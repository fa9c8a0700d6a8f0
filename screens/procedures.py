"""Guided procedures as the person sees them: one step per message, their choice on each.

Buttons carry typed intents (`core.intents`) naming the flow and the step by short
references (`flows.catalog.flow_ref`, `step_ref`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import assert_never

from core.i18n import N_, Safe, Translator
from core.intents import (
    AnswerCheck,
    ChooseOption,
    ChooseWay,
    Name,
    NextRound,
    OpenFlow,
    PickDay,
    Ref,
    RemindLater,
    RestartFlow,
    ShowCatalog,
    ShowCategory,
    ShowDays,
    ShowItemHelp,
    ShowJourney,
    ShowMeetings,
    ShowMyRequest,
    StepOp,
    StepTap,
    TalkToSomeone,
    TickItem,
)
from core.screens import Button, Label, Screen, column, joined_within
from flows import dates as date_rules
from flows.catalog import flow_ref, step_ref
from flows.engine import EngineError, Mode, Status
from flows.model import Ending, Flow, Past, StepKind
from flows.registry import FlowRegistry
from screens.asked import asked_lines
from screens.contact import contact_details, stuck_help
from screens.home import back_to_menu
from services.handoffs import Nobody, Waiting
from services.procedures import (
    Acted,
    Finished,
    InProgress,
    Journey,
    Problem,
    StepProblem,
    StepView,
)

CATEGORY_NAMES = {
    "caf": N_("CAF : RSA, prime d'activité, logement"),
    "prefecture": N_("Préfecture : titre de séjour, adresse"),
    "housing": N_("Logement"),
    "other": N_("Autres démarches"),
}
MODE_NAMES = {
    Mode.OWN: N_("Par moi-même"),
    Mode.WITH_SOMEONE: N_("Avec quelqu'un"),
    Mode.WITH_REFERENT: N_("Avec la personne qui m'accompagne"),
}
MONTHS_PER_ROW, DAYS_PER_ROW = 3, 7


def catalog(t: Translator, registry: FlowRegistry) -> Screen:
    buttons = [
        Button(
            t.label(CATEGORY_NAMES.get(category, CATEGORY_NAMES["other"])),
            ShowCategory(Name(category)),
        )
        for category in registry.by_category()
    ]
    return Screen(t._("Quelle démarche voulez-vous faire ?"), column(*buttons, back_to_menu(t)))


def category(t: Translator, flows: tuple[Flow, ...]) -> Screen:
    """The titles, as buttons; each summary is said when its procedure opens (all of
    them here made a message too long to read, over 600 characters)."""
    lines = [t._("Choisissez une démarche :")]
    buttons = [Button(t.label(flow.title), OpenFlow(flow_ref(flow))) for flow in flows]
    return Screen(
        "\n".join(lines),
        column(*buttons, Button(t.label("⬅️ Démarches"), ShowCatalog()), back_to_menu(t)),
    )


def continue_button(t: Translator, entry: InProgress) -> Button:
    label = t.label(
        "▶️ Continuer : {title}, étape {n}",
        title=t.label(entry.flow.title),
        n=entry.number,
    )
    return Button(label, OpenFlow(flow_ref(entry.flow)))


def step(
    t: Translator, view: StepView, note: str | None = None, item_help: int | None = None
) -> Screen:
    """The step's text, its own buttons, then back, pause, stuck and the person's way.
    A procedure begins by asking the way (once); `item_help` shows one checklist item's
    help in the message."""
    current, progress = view.step, view.progress
    if progress.mode is None and not progress.history and current.kind is not StepKind.END:
        return ways(t, view, note=note, first=True)
    parts = [header(t, view), step_text(t, view)]
    shown = None
    if item_help is not None and 0 <= item_help < len(current.items):
        shown = current.items[item_help]
    if shown is not None and shown.help:
        parts.append(f"ℹ️ <b>{t.plain(shown.label)}</b>\n{t.plain(shown.help)}")
    if note:
        parts.insert(0, note)
    rows = list(_own_buttons(t, view))
    if current.link:
        rows.append(
            (
                Button(
                    t.label(current.link_label)
                    if current.link_label
                    else t.label("🔗 Ouvrir le site"),
                    url=current.link,
                ),
            )
        )
    if current.kind is not StepKind.END:
        back = (Button(t.label("⬅️ Retour"), _tap(view, StepOp.BACK)),)
        rows.append(
            (
                *(back if progress.history else ()),  # nothing to go back to on the first
                Button(t.label("⏸ Pause"), _tap(view, StepOp.PAUSE)),
                _stuck(t, view),
            )
        )
        mode = progress.mode or Mode.OWN
        rows.append(
            (
                Button(
                    t.label("🧭 Ma façon : {way}", way=t.label(MODE_NAMES[mode])),
                    _tap(view, StepOp.WAY),
                ),
            )
        )
        if mode is Mode.WITH_REFERENT:  # doing it with them: meeting them is one tap away
            rows.append((Button(t.label("📅 Prendre rendez-vous"), ShowMeetings()),))
    else:
        rows.append((Button(t.label("🌟 Mon parcours"), ShowJourney()),))
        rows.append((Button(t.label("🙋 Parler à quelqu'un"), TalkToSomeone()),))
    rows.append((back_to_menu(t),))
    return Screen("\n\n".join(parts), tuple(rows))


def header(t: Translator, view: StepView) -> str:
    """The procedure and where the person is: the step's number on the path walked, and
    at most how many are left. A total would shrink when a shorter branch is taken."""
    title = t._(view.flow.title)
    left = view.total - view.number
    if view.step.kind is StepKind.END or left <= 0:
        return t._("<b>{title}</b>", title=title)
    return t.ngettext(
        "<b>{title}</b> — étape {number}, encore {n} étape au plus",
        "<b>{title}</b> — étape {number}, encore {n} étapes au plus",
        left,
        title=title,
        number=view.number,
    )


def ways(t: Translator, view: StepView, note: str | None = None, *, first: bool = False) -> Screen:
    """How the person wants to do the procedure: asked once at its start, changed from any
    step. "With my referent" only for a person someone follows. It records a choice; it
    asks nobody for help (the stuck button does)."""
    offered = [mode for mode in Mode if mode is not Mode.WITH_REFERENT or view.followed]
    buttons = [
        Button(
            Label(("✓ " if view.progress.mode is mode else "") + t.label(MODE_NAMES[mode])),
            ChooseWay(*_refs(view), mode),
        )
        for mode in offered
    ]
    question = t._("Comment voulez-vous faire cette démarche ?")
    opening = [t._("<b>{title}</b>", title=t._(view.flow.title)), t.plain(view.flow.summary)]
    lines = [*opening, question] if first else [question]
    lines.append(t._("Vous pourrez changer à tout moment."))
    if note:
        lines.insert(0, note)
    rows = [*column(*buttons)]
    if not first:
        rows.append((Button(t.label("⬅️ Retour"), OpenFlow(flow_ref(view.flow))),))
    rows.append((_stuck(t, view),))
    return Screen("\n\n".join(lines), tuple(rows))


def step_text(t: Translator, view: StepView) -> str:
    """The step's text in the person's language, its `{dates}` filled in (the flow
    validator makes sure a text names only dates its flow has)."""
    text = view.step.text
    if "{" not in text:
        return t._(text)
    named = {name: Safe(day_said(t, day, view.today)) for name, day in view.dates.items()}
    missing = {name: Safe("…") for name in view.flow.date_names() if name not in named}
    return t._(text, **named, **missing)


def day_said(t: Translator, day: date, today: date) -> str:
    """A date as a person reads it, with "today", "tomorrow" or "yesterday" when it is
    one of those: "2 décembre 2026 (demain)" leaves no doubt about the last day."""
    said = t.day(day)
    relative = {
        0: N_("aujourd'hui"),
        1: N_("demain"),
        -1: N_("hier"),
    }.get((day - today).days)
    return t._("{date} ({relative})", date=said, relative=t._(relative)) if relative else said


def _own_buttons(t: Translator, view: StepView) -> list[tuple[Button, ...]]:
    current, progress = view.step, view.progress
    if current.kind is StepKind.INFO:
        return [(Button(t.label("Continuer ➡️"), _tap(view, StepOp.CONTINUE)),)]
    if current.kind is StepKind.CHECKLIST:
        ticked = progress.ticked_in(current.id)
        items = [
            (
                Button(
                    Label(("✅ " if item.id in ticked else "⬜ ") + t.label(item.label)),
                    TickItem(*_refs(view), index),
                ),
                *((Button(Label("ℹ️"), ShowItemHelp(*_refs(view), index)),) if item.help else ()),
            )
            for index, item in enumerate(current.items)
        ]
        return [*items, (Button(t.label("Continuer ➡️"), _tap(view, StepOp.CONTINUE)),)]
    if current.kind is StepKind.CHOICE:
        return [
            (Button(t.label(option.label), ChooseOption(*_refs(view), index)),)
            for index, option in enumerate(current.options)
        ]
    if current.kind is StepKind.ACTION:
        return [
            (Button(t.label("✅ C'est fait"), _tap(view, StepOp.DONE)),),
            (Button(t.label("😕 Je n'y arrive pas"), _tap(view, StepOp.CANNOT)),),
            (Button(t.label("⏰ Plus tard"), _tap(view, StepOp.LATER)),),
        ]
    if current.kind is StepKind.DATE:
        return [
            (Button(t.label("📅 Choisir la date"), _tap(view, StepOp.MONTHS)),),
            (Button(t.label("⌨️ Écrire la date"), _tap(view, StepOp.TYPE_DATE)),),
        ]
    return []


def _stuck(t: Translator, view: StepView) -> Button:
    """The way to a human, on every step and every picker of a step."""
    return Button(t.label("🆘 Je bloque"), _tap(view, StepOp.STUCK))


def _back_to_step(t: Translator, view: StepView) -> Button:
    return Button(t.label("⬅️ Retour"), OpenFlow(flow_ref(view.flow)))


def later(t: Translator, view: StepView) -> Screen:
    return Screen(
        t._("Quand voulez-vous que je vous le rappelle ?"),
        (
            *column(
                Button(t.label("Demain"), RemindLater(*_refs(view), 1)),
                Button(t.label("Dans 3 jours"), RemindLater(*_refs(view), 3)),
                Button(t.label("La semaine prochaine"), RemindLater(*_refs(view), 7)),
            ),
            (_back_to_step(t, view), _stuck(t, view)),
        ),
    )


def months(t: Translator, view: StepView, today: date) -> Screen:
    offered = date_rules.months_around(today, view.step.past)
    buttons = [
        Button(
            Label(t.day(date(year, month, 1), "MMM y")),
            ShowDays(*_refs(view), date(year, month, 1)),
        )
        for year, month in offered
    ]
    rows = tuple(
        tuple(buttons[i : i + MONTHS_PER_ROW]) for i in range(0, len(buttons), MONTHS_PER_ROW)
    )
    typing = Button(t.label("⌨️ Écrire la date"), _tap(view, StepOp.TYPE_DATE))
    return Screen(t._("Quel mois ?"), (*rows, (typing,), (_back_to_step(t, view), _stuck(t, view))))


def days(t: Translator, view: StepView, month: date, today: date) -> Screen:
    year = month.year
    offered = date_rules.selectable_days(year, month.month, today, view.step.past)
    buttons = [
        Button(Label(str(day)), PickDay(*_refs(view), date(year, month.month, day)))
        for day in offered
    ]
    rows = tuple(tuple(buttons[i : i + DAYS_PER_ROW]) for i in range(0, len(buttons), DAYS_PER_ROW))
    title = t.day(month, "MMMM y")
    return Screen(
        t._("Quel jour, en {month} ?", month=title),
        (*rows, (Button(t.label("⬅️ Mois"), _tap(view, StepOp.MONTHS)), _stuck(t, view))),
    )


def type_date(t: Translator, view: StepView, problem: str | None = None) -> Screen:
    """Asks for a typed date, with an example that fits the question (a past date when
    only the past is asked); the buttons go back to the step, or to a human."""
    example = date_example(view.step.past, view.today)
    said = t._(
        "Écrivez la date, par exemple : {numbers} ou {words}",
        numbers=example.strftime("%d/%m/%Y"),
        words=t.day(example),
    )
    text = f"{problem}\n{said}" if problem else said
    return Screen(text, ((_back_to_step(t, view), _stuck(t, view)),))


def date_example(past: Past, today: date) -> date:
    """A plausible answer: the 25th of March of last year when only the past is asked,
    else of next year."""
    return date(today.year + (-1 if past is Past.ONLY else 1), 3, 25)


def after(t: Translator, acted: Acted) -> list[Screen]:
    """What to say besides the next step (a reminder set, help asked, a flow finished),
    joined above it by `outcome`: notes without buttons."""
    said: list[Screen] = []
    if acted.follow_up is not None:
        said.append(
            Screen(
                t._("C'est noté : je vous le rappellerai le {date}.", date=t.day(acted.follow_up))
            )
        )
    if acted.help_requested is not None:
        said.append(help_offered(t, acted))
    if acted.finished is not None:
        said.append(Screen(finished(t, acted.finished)))
    return said


def finished(t: Translator, ending: Ending) -> str:
    """Said when a flow ends: a "Bravo" only for a procedure done."""
    match ending:
        case Ending.DONE:
            return t._(
                "🌟 Bravo, vous avez terminé cette démarche ! Elle est dans « Mon parcours »."
            )
        case Ending.HELPED:
            return t._(
                "🌟 C'est fait, avec de l'aide : c'est une vraie réussite. "
                "Elle est dans « Mon parcours »."
            )
        case Ending.NOT_YET:
            return t._(
                "Cette démarche n'est pas encore réglée. Ce n'est pas un échec : "
                "une personne peut vous aider (/aide). Elle est dans « Mon parcours »."
            )


def helping(t: Translator, view: StepView, acted: Acted) -> Screen:
    """The answer to "Je bloque" (and to help asked without leaving the step): who was
    told and when to expect them, or a human offered, or whom to call; under the step's
    title, with the step's own buttons still there and one to read the step again."""
    shown = step(t, view)
    again = (Button(t.label("📖 Revoir l'étape"), OpenFlow(flow_ref(view.flow))),)
    human: tuple[Button, ...]
    match acted.handoff:
        case Waiting():
            human = (Button(t.label("📨 Ma demande"), ShowMyRequest()),)
        case None:
            human = (Button(t.label("🙋 Parler à quelqu'un"), TalkToSomeone()),)
        case Nobody():
            human = ()
    text = "\n\n".join([header(t, view), help_offered(t, acted).text])
    return Screen(text, (again, *((human,) if human else ()), *shown.buttons))


def help_offered(t: Translator, acted: Acted) -> Screen:
    """Who was told and when to expect an answer; else (nobody in the bot to tell, or
    a human only offered) whom to call or where to go, with the site's details: never
    "noted" when nobody is told."""
    if isinstance(acted.handoff, Waiting):
        lines = asked_lines(t, acted.handoff)
        if acted.contact.site and acted.contact.reachable:
            lines.append(t._("Vous pouvez aussi joindre {site} :", site=acted.contact.site))
            lines += contact_details(t, acted.contact)
        return Screen("\n".join(lines))
    return stuck_help(t, acted.contact)


def outcome(t: Translator, acted: Acted) -> Screen:
    """What the person reads after a tap or a typed answer, in one message: always a way on.

    What is said besides (a reminder set, help asked, a flow finished) goes above the next
    step, or in a message of its own before it when together they would be more than a
    person reads at once (500 characters). Help asked on the step the person stays on is
    said in place of the step's text, which they have just read."""
    problem, view = acted.error, acted.view
    if problem is None and view is not None:
        if view.progress.status is Status.PAUSED:
            return joined_within(*after(t, acted), paused(t, view))
        asked = acted.help_requested
        if asked is not None and asked.step_id == view.step.id and acted.finished is None:
            return helping(t, view, acted)
        return joined_within(*after(t, acted), step(t, view))
    if problem in {StepProblem.FLOW_CHANGED, EngineError.FLOW_CHANGED}:
        return restart_offer(t, acted.flow)
    if problem is StepProblem.NOT_STARTED or view is None:
        return not_started(t, acted.flow)
    if problem is StepProblem.INVALID_DATE:
        return type_date(t, view, problem_note(t, problem))
    return step(t, view, note=problem_note(t, problem) if problem else None)


def problem_note(t: Translator, problem: Problem) -> str:
    """One line said above the step the person is on (which shows the way on)."""
    match problem:
        case StepProblem.OLD_BUTTON:
            return t._("Ce bouton est ancien. Voici où vous en êtes :")
        case StepProblem.INVALID_DATE:
            return t._("Je n'ai pas compris cette date.")
        case StepProblem.NOT_STARTED:
            return t._("Vous n'avez pas encore commencé cette démarche.")
        case StepProblem.FLOW_CHANGED | EngineError.FLOW_CHANGED:
            return t._("Cette démarche a été mise à jour.")
        case EngineError.DATE_IN_PAST_FORBIDDEN:
            return t._("Cette date est déjà passée. Choisissez une date à venir.")
        case EngineError.DATE_IN_FUTURE_FORBIDDEN:
            return t._("Cette date est dans le futur. Choisissez une date passée.")
        case EngineError.DATE_OUT_OF_RANGE:
            return t._("Cette date semble fausse. Vérifiez-la.")
        case EngineError.NOTHING_TO_GO_BACK_TO:
            return t._("Vous êtes à la première étape.")
        case EngineError.PAUSED:
            return t._("Cette démarche était en pause. Vous pouvez reprendre ici.")
        case EngineError.FINISHED:
            return t._("Cette démarche est terminée. Elle est dans « Mon parcours ».")
        case EngineError.NO_CHECK_PENDING:
            return t._("C'est déjà noté, merci.")
        case (
            EngineError.WRONG_FLOW
            | EngineError.UNKNOWN_STEP
            | EngineError.NOT_ALLOWED_HERE
            | EngineError.OPTION_OUT_OF_RANGE
            | EngineError.UNKNOWN_ITEM
            | EngineError.INVALID_DELAY
            | EngineError.INVALID_MODE
            | EngineError.NOT_PAUSED
        ):
            return t._("Ce bouton ne correspond pas à cette étape. Voici où vous en êtes :")
        case _:
            assert_never(problem)


def not_started(t: Translator, flow: Flow) -> Screen:
    return Screen(
        t._(
            "Vous n'avez pas encore commencé « {title} ». Vous pouvez la commencer maintenant.",
            title=t._(flow.title),
        ),
        column(Button(t.label("▶️ Commencer"), OpenFlow(flow_ref(flow))), back_to_menu(t)),
    )


def done_before(t: Translator, last: Finished) -> Screen:
    """A flow opened again after it ended: do it again (a new declaration, a new lease),
    the earlier round staying in Mon parcours."""
    title, day = t._(last.flow.title), t.day(last.day)
    if last.ending is Ending.NOT_YET:
        said = t._("Vous avez fait le point sur « {title} » le {date}.", title=title, date=day)
    else:
        said = t._("Vous avez terminé « {title} » le {date}.", title=title, date=day)
    return Screen(
        said
        + "\n"
        + t._("Voulez-vous la refaire ? Ce que vous avez déjà fait reste dans « Mon parcours »."),
        column(
            Button(t.label("🔄 Refaire la démarche"), RestartFlow(flow_ref(last.flow))),
            Button(t.label("🌟 Mon parcours"), ShowJourney()),
            back_to_menu(t),
        ),
    )


def restart_offer(t: Translator, flow: Flow) -> Screen:
    return Screen(
        t._(
            "La démarche « {title} » a été mise à jour et l'étape où vous étiez n'existe plus. "
            "Voulez-vous la reprendre depuis le début ?",
            title=t._(flow.title),
        ),
        column(
            Button(t.label("🔄 Reprendre au début"), RestartFlow(flow_ref(flow))), back_to_menu(t)
        ),
    )


def paused(t: Translator, view: StepView) -> Screen:
    return Screen(
        t._(
            "⏸ C'est en pause. Vous reprendrez exactement ici, quand vous voudrez, depuis le menu."
        ),
        column(
            Button(t.label("▶️ Reprendre"), OpenFlow(flow_ref(view.flow))),
            _stuck(t, view),
            back_to_menu(t),
        ),
    )


def _finished_line(t: Translator, done: Finished) -> str:
    title, day = t._(done.flow.title), t.day(done.day)
    match done.ending:
        case Ending.DONE:
            return t._("✅ {title} — terminé le {date}. Vous l'avez fait !", title=title, date=day)
        case Ending.HELPED:
            return t._(
                "✅ {title} — terminé le {date}, avec de l'aide. Vous l'avez fait !",
                title=title,
                date=day,
            )
        case Ending.NOT_YET:
            return t._("⏳ {title} — pas encore réglé ({date}).", title=title, date=day)


def journey(t: Translator, data: Journey) -> Screen:
    lines = [t._("<b>🌟 Mon parcours</b>")]
    if not data.finished and not data.ongoing:
        lines.append(t._("Vous n'avez pas encore commencé de démarche. Quand vous voulez !"))
    for done in data.finished:
        lines.append(_finished_line(t, done))
    for entry in data.ongoing:
        lines.append(t._("▶️ {title} — étape {n}", title=t._(entry.flow.title), n=entry.number))
    if data.steps_done:
        lines.append(
            t.ngettext(
                "Vous avez franchi {n} étape. Bravo.",
                "Vous avez franchi {n} étapes. Bravo.",
                data.steps_done,
            )
        )
    for upcoming in data.upcoming:
        lines.append("⏰ " + t._(upcoming.text).replace("{date}", t.day(upcoming.day)))
    buttons = [continue_button(t, entry) for entry in data.ongoing]
    return Screen(
        "\n".join(lines),
        column(*buttons, Button(t.label("📋 Démarches"), ShowCatalog()), back_to_menu(t)),
    )


def deadline_reminder(t: Translator, flow: Flow, text: str, day: date) -> Screen:
    """A date the flow announced: its button starts the next round of a flow done before
    (the next quarterly declaration), or goes on with one in progress."""
    return Screen(
        "⏰ " + t._(text).replace("{date}", t.day(day)),
        ((Button(t.label(flow.title), NextRound(flow_ref(flow))),),),
    )


def later_reminder(t: Translator, flow: Flow, step_id: str | None) -> Screen:
    """Names the step, so that two reminders of one procedure are not mistaken."""
    title = t._(flow.title)
    step = step_summary(t, flow, step_id)
    text = (
        t._("⏰ Vous m'aviez demandé de vous le rappeler : « {title} ».", title=title)
        if step is None
        else t._(
            "⏰ Vous m'aviez demandé de vous le rappeler : « {title} », l'étape « {step} ».",
            title=title,
            step=step,
        )
    )
    return Screen(text, ((Button(t.label("▶️ Reprendre"), OpenFlow(flow_ref(flow))),),))


def check_question(t: Translator, flow: Flow, step_id: str) -> Screen:
    refs = flow_ref(flow), step_ref(step_id)
    step = step_summary(t, flow, step_id)
    return Screen(
        t._(
            "Il y a quelques jours, vous avez fait une étape de « {title} ». "
            "Est-ce que ça a marché ?",
            title=t._(flow.title),
        )
        if step is None
        else t._(
            "Il y a quelques jours, dans « {title} », vous avez fait : « {step} ». "
            "Est-ce que ça a marché ?",
            title=t._(flow.title),
            step=step,
        ),
        column(
            Button(t.label("👍 Oui"), AnswerCheck(*refs, True)),
            Button(t.label("👎 Non, j'ai besoin d'aide"), AnswerCheck(*refs, False)),
        ),
    )


STEP_SUMMARY = 70  # characters of a step's first sentence that name it in a reminder
_SENTENCE_END = re.compile(r"[.:?!]\s")


def step_summary(t: Translator, flow: Flow, step_id: str | None) -> str | None:
    """A step named by the first sentence of its text, in the person's language: steps
    have no titles, and "a step of « Demander le RSA »" does not say which."""
    step = flow.step(step_id) if step_id else None
    if step is None:
        return None
    text = re.sub(r"\{[^{}]*\}", "…", t._(step.text))  # a date it names: not known here
    first = re.sub(r"<[^>]+>", "", text).strip().split("\n")[0]
    if (end := _SENTENCE_END.search(first + " ")) is not None:
        first = first[: end.start()].rstrip()  # French puts a space before ":" and "?"
    return first if len(first) <= STEP_SUMMARY else first[: STEP_SUMMARY - 1].rstrip() + "…"


def _refs(view: StepView) -> tuple[Ref, Ref]:
    return flow_ref(view.flow), step_ref(view.step.id)


def _tap(view: StepView, op: StepOp) -> StepTap:
    return StepTap(*_refs(view), op)
