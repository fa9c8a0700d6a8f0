"""Guided procedures as the person sees them: one step per message, their choice on each.

Buttons carry typed intents (`core.intents`) naming the flow and the step by short
references (`flows.catalog.flow_ref`, `step_ref`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import assert_never

from core.i18n import N_, Translator
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
    ShowJourney,
    StepOp,
    StepTap,
    TickItem,
)
from core.screens import Button, Label, Screen, column, joined
from flows import dates as date_rules
from flows.catalog import flow_ref, step_ref
from flows.engine import EngineError, Mode, Status
from flows.model import Ending, Flow, StepKind
from flows.registry import FlowRegistry
from screens.home import back_to_menu
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
    Mode.OWN: N_("Seul·e"),
    Mode.WITH_SOMEONE: N_("Avec quelqu'un"),
    Mode.WITH_REFERENT: N_("Avec mon référent·e"),
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
    lines = [t._("Choisissez une démarche :")]
    lines += [f"• <b>{t.plain(flow.title)}</b> — {t.plain(flow.summary)}" for flow in flows]
    buttons = [Button(t.label(flow.title), OpenFlow(flow_ref(flow))) for flow in flows]
    return Screen(
        "\n".join(lines),
        column(*buttons, Button(t.label("⬅️ Démarches"), ShowCatalog()), back_to_menu(t)),
    )


def continue_button(t: Translator, entry: InProgress) -> Button:
    label = t.label(
        "▶️ Continuer : {title}, étape {n} sur {total}",
        title=t.label(entry.flow.title),
        n=entry.number,
        total=entry.total,
    )
    return Button(label, OpenFlow(flow_ref(entry.flow)))


def step(t: Translator, view: StepView, note: str | None = None) -> Screen:
    """The step's text, its own buttons, then back, pause, stuck and the person's way."""
    flow, current, progress = view.flow, view.step, view.progress
    header = t._(
        "<b>{title}</b> — étape {n} sur {total}",
        title=t._(flow.title),
        n=view.number,
        total=view.total,
    )
    parts = [header, t._(current.text)]
    if current.kind is StepKind.CHECKLIST:
        parts += [
            f"• {t.plain(item.label)} — {t.plain(item.help)}"
            if item.help
            else f"• {t.plain(item.label)}"
            for item in current.items
        ]
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
                Button(t.label("🆘 Je bloque"), _tap(view, StepOp.STUCK)),
            )
        )
        rows.append(
            tuple(
                Button(
                    Label(("✓ " if progress.mode is mode else "") + t.label(MODE_NAMES[mode])),
                    ChooseWay(*_refs(view), mode),
                )
                for mode in Mode
            )
        )
    else:
        rows.append((Button(t.label("🌟 Mon parcours"), ShowJourney()),))
    rows.append((back_to_menu(t),))
    return Screen("\n\n".join(parts), tuple(rows))


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


def later(t: Translator, view: StepView) -> Screen:
    return Screen(
        t._("Quand voulez-vous que je vous le rappelle ?"),
        column(
            Button(t.label("Demain"), RemindLater(*_refs(view), 1)),
            Button(t.label("Dans 3 jours"), RemindLater(*_refs(view), 3)),
            Button(t.label("La semaine prochaine"), RemindLater(*_refs(view), 7)),
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
    return Screen(t._("Quel mois ?"), (*rows, (typing,)))


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
        (*rows, (Button(t.label("⬅️ Mois"), _tap(view, StepOp.MONTHS)),)),
    )


def type_date(t: Translator, flow: Flow, problem: str | None = None) -> Screen:
    """Asks for a typed date; the button goes back to the step (to pick it on buttons)."""
    return Screen(
        problem or t._("Écrivez la date comme ceci : 25/03/2027"),
        ((Button(t.label("⬅️ Retour"), OpenFlow(flow_ref(flow))),),),
    )


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


def help_offered(t: Translator, acted: Acted) -> Screen:
    """Until hand-offs are routed in the bot, say plainly who to contact."""
    lines = [t._("Vous n'êtes pas seul·e. Votre demande d'aide est notée.")]
    if acted.referent_name:
        lines.append(
            t._("Vous pouvez contacter votre référent·e, {name}.", name=acted.referent_name)
        )
    elif acted.site_name:
        lines.append(t._("Vous pouvez contacter l'équipe de {site}.", site=acted.site_name))
    else:
        lines.append(t._("Vous pouvez contacter votre CCAS, votre mairie ou votre référent·e."))
    lines.append(
        t._(
            "Une France Services près de chez vous aide aussi gratuitement pour les démarches en "
            "ligne : https://www.france-services.gouv.fr"
        )
    )
    return Screen("\n".join(lines))


def outcome(t: Translator, acted: Acted) -> Screen:
    """What the person reads after a tap or a typed answer, in one message: always a way on.

    What is said besides (a reminder set, help asked, a flow finished) goes above the next
    step. Those notes are short and a step's texts are capped by the flow validator, far
    under Telegram's 4096 characters; `tests/test_screens.py` checks every step of every
    flow with all the notes at once, in every language."""
    problem, view = acted.error, acted.view
    if problem is None and view is not None:
        if view.progress.status is Status.PAUSED:
            return joined(*after(t, acted), paused(t, acted.flow))
        return joined(*after(t, acted), step(t, view))
    if problem in {StepProblem.FLOW_CHANGED, EngineError.FLOW_CHANGED}:
        return restart_offer(t, acted.flow)
    if problem is StepProblem.NOT_STARTED:
        return not_started(t, acted.flow)
    if problem is StepProblem.INVALID_DATE or view is None:
        return type_date(t, acted.flow, problem_note(t, problem or StepProblem.INVALID_DATE))
    return step(t, view, note=problem_note(t, problem) if problem else None)


def problem_note(t: Translator, problem: Problem) -> str:
    """One line said above the step the person is on (which shows the way on)."""
    match problem:
        case StepProblem.OLD_BUTTON:
            return t._("Ce bouton est ancien. Voici où vous en êtes :")
        case StepProblem.INVALID_DATE:
            return t._("Je n'ai pas compris cette date. Écrivez-la comme ceci : 25/03/2027.")
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


def paused(t: Translator, flow: Flow) -> Screen:
    return Screen(
        t._(
            "⏸ C'est en pause. Vous reprendrez exactement ici, quand vous voudrez, depuis le menu."
        ),
        column(Button(t.label("▶️ Reprendre"), OpenFlow(flow_ref(flow))), back_to_menu(t)),
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
        lines.append(
            t._(
                "▶️ {title} — étape {n} sur {total}",
                title=t._(entry.flow.title),
                n=entry.number,
                total=entry.total,
            )
        )
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
    first = re.sub(r"<[^>]+>", "", t._(step.text)).strip().split("\n")[0]
    if (end := _SENTENCE_END.search(first + " ")) is not None:
        first = first[: end.start()].rstrip()  # French puts a space before ":" and "?"
    return first if len(first) <= STEP_SUMMARY else first[: STEP_SUMMARY - 1].rstrip() + "…"


def _refs(view: StepView) -> tuple[Ref, Ref]:
    return flow_ref(view.flow), step_ref(view.step.id)


def _tap(view: StepView, op: StepOp) -> StepTap:
    return StepTap(*_refs(view), op)
