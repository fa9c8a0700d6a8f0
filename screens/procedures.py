"""Guided procedures as the person sees them: one step per message, their choice on each.

Button data is `flow:<flow ref>-<step ref>-<op>` (see `handlers/procedures.py`); refs are
short hashes because flow and step ids can be long and button data is 64 bytes at most.
"""

from __future__ import annotations

from datetime import date

from core.actions import Action, encode
from core.i18n import N_, Translator
from core.screens import Button, Screen, column
from flows import dates as date_rules
from flows.engine import Mode
from flows.model import Flow, StepKind
from flows.registry import FlowRegistry
from screens.home import back_to_menu
from services.procedures import Acted, InProgress, Journey, StepView, short_ref

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
MODE_CODES = {Mode.OWN: "mo", Mode.WITH_SOMEONE: "ms", Mode.WITH_REFERENT: "mr"}
ERRORS = {
    "old_button": N_("Ce bouton est ancien. Voici où vous en êtes :"),
    "date_in_past_forbidden": N_("Cette date est déjà passée. Choisissez une date à venir."),
    "date_in_future_forbidden": N_("Cette date est dans le futur. Choisissez une date passée."),
    "date_out_of_range": N_("Cette date semble fausse. Vérifiez-la."),
    "invalid_date": N_("Je n'ai pas compris cette date. Écrivez-la comme ceci : 25/03/2027."),
}
MONTHS_PER_ROW, DAYS_PER_ROW = 3, 7


def catalog(t: Translator, registry: FlowRegistry) -> Screen:
    buttons = [
        Button(
            t._(CATEGORY_NAMES.get(category, CATEGORY_NAMES["other"])),
            encode(Action.FLOWS, f"cat-{category}"),
        )
        for category in registry.by_category()
    ]
    return Screen(t._("Quelle démarche voulez-vous faire ?"), column(*buttons, back_to_menu(t)))


def category(t: Translator, flows: tuple[Flow, ...]) -> Screen:
    lines = [t._("Choisissez une démarche :")]
    lines += [f"• <b>{t._(flow.title)}</b> — {t._(flow.summary)}" for flow in flows]
    buttons = [Button(t._(flow.title), _flow(flow, "open")) for flow in flows]
    return Screen(
        "\n".join(lines),
        column(*buttons, Button(t._("⬅️ Démarches"), encode(Action.FLOWS)), back_to_menu(t)),
    )


def continue_button(t: Translator, entry: InProgress) -> Button:
    label = t._(
        "▶️ Continuer : {title}, étape {n} sur {total}",
        title=t._(entry.flow.title),
        n=entry.number,
        total=entry.total,
    )
    return Button(label, _flow(entry.flow, "open"))


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
            f"• {t._(item.label)} — {t._(item.help)}" if item.help else f"• {t._(item.label)}"
            for item in current.items
        ]
    if note:
        parts.insert(0, note)
    rows = list(_own_buttons(t, view))
    if current.link:
        rows.append(
            (
                Button(
                    t._(current.link_label) if current.link_label else t._("🔗 Ouvrir le site"),
                    url=current.link,
                ),
            )
        )
    if current.kind is not StepKind.END:
        rows.append(
            (
                Button(t._("⬅️ Retour"), _op(view, "b")),
                Button(t._("⏸ Pause"), _op(view, "p")),
                Button(t._("🆘 Je bloque"), _op(view, "s")),
            )
        )
        rows.append(
            tuple(
                Button(
                    ("✓ " if progress.mode is mode else "") + t._(MODE_NAMES[mode]), _op(view, code)
                )
                for mode, code in MODE_CODES.items()
            )
        )
    else:
        rows.append((Button(t._("🌟 Mon parcours"), encode(Action.JOURNEY)),))
    rows.append((back_to_menu(t),))
    return Screen("\n\n".join(parts), tuple(rows))


def _own_buttons(t: Translator, view: StepView) -> list[tuple[Button, ...]]:
    current, progress = view.step, view.progress
    if current.kind is StepKind.INFO:
        return [(Button(t._("Continuer ➡️"), _op(view, "c")),)]
    if current.kind is StepKind.CHECKLIST:
        ticked = progress.ticked_in(current.id)
        items = [
            (
                Button(
                    ("✅ " if item.id in ticked else "⬜ ") + t._(item.label),
                    _op(view, f"t{index}"),
                ),
            )
            for index, item in enumerate(current.items)
        ]
        return [*items, (Button(t._("Continuer ➡️"), _op(view, "c")),)]
    if current.kind is StepKind.CHOICE:
        return [
            (Button(t._(option.label), _op(view, f"o{index}")),)
            for index, option in enumerate(current.options)
        ]
    if current.kind is StepKind.ACTION:
        return [
            (Button(t._("✅ C'est fait"), _op(view, "d")),),
            (Button(t._("😕 Je n'y arrive pas"), _op(view, "x")),),
            (Button(t._("⏰ Plus tard"), _op(view, "l")),),
        ]
    if current.kind is StepKind.DATE:
        return [
            (Button(t._("📅 Choisir la date"), _op(view, "dm")),),
            (Button(t._("⌨️ Écrire la date"), _op(view, "dt")),),
        ]
    return []


def later(t: Translator, view: StepView) -> Screen:
    return Screen(
        t._("Quand voulez-vous que je vous le rappelle ?"),
        column(
            Button(t._("Demain"), _op(view, "l1")),
            Button(t._("Dans 3 jours"), _op(view, "l3")),
            Button(t._("La semaine prochaine"), _op(view, "l7")),
        ),
    )


def months(t: Translator, view: StepView, today: date) -> Screen:
    offered = date_rules.months_around(today, view.step.past)
    buttons = [
        Button(t.day(date(year, month, 1), "MMM y"), _op(view, f"dm{year:04d}{month:02d}"))
        for year, month in offered
    ]
    rows = tuple(
        tuple(buttons[i : i + MONTHS_PER_ROW]) for i in range(0, len(buttons), MONTHS_PER_ROW)
    )
    return Screen(t._("Quel mois ?"), (*rows, (Button(t._("⌨️ Écrire la date"), _op(view, "dt")),)))


def days(t: Translator, view: StepView, year: int, month: int, today: date) -> Screen:
    offered = date_rules.selectable_days(year, month, today, view.step.past)
    buttons = [Button(str(day), _op(view, f"dd{year:04d}{month:02d}{day:02d}")) for day in offered]
    rows = tuple(tuple(buttons[i : i + DAYS_PER_ROW]) for i in range(0, len(buttons), DAYS_PER_ROW))
    title = t.day(date(year, month, 1), "MMMM y")
    return Screen(
        t._("Quel jour, en {month} ?", month=title),
        (*rows, (Button(t._("⬅️ Mois"), _op(view, "dm")),)),
    )


def type_date(t: Translator, problem: str | None = None) -> Screen:
    ask = t._("Écrivez la date comme ceci : 25/03/2027")
    return Screen(f"{problem}\n{ask}" if problem else ask)


def after(t: Translator, acted: Acted) -> list[Screen]:
    """What to say besides the next step: a reminder set, help asked, a flow finished."""
    said: list[Screen] = []
    if acted.follow_up is not None:
        said.append(
            Screen(
                t._("C'est noté : je vous le rappellerai le {date}.", date=t.day(acted.follow_up))
            )
        )
    if acted.help_requested is not None:
        said.append(help_offered(t, acted))
    if acted.finished:
        said.append(
            Screen(
                t._("🌟 Bravo, vous avez terminé cette démarche ! Elle est dans « Mon parcours ».")
            )
        )
    return said


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


def error(t: Translator, code: str) -> str:
    return t._(
        ERRORS.get(code, N_("Ce bouton ne correspond pas à cette étape. Voici où vous en êtes :"))
    )


def restart_offer(t: Translator, flow: Flow) -> Screen:
    return Screen(
        t._(
            "La démarche « {title} » a été mise à jour et l'étape où vous étiez n'existe plus. "
            "Voulez-vous la reprendre depuis le début ?",
            title=t._(flow.title),
        ),
        column(Button(t._("🔄 Reprendre au début"), _flow(flow, "restart")), back_to_menu(t)),
    )


def paused(t: Translator) -> Screen:
    return Screen(
        t._("⏸ C'est en pause. Vous reprendrez exactement ici, quand vous voudrez, depuis le menu.")
    )


def journey(t: Translator, data: Journey) -> Screen:
    lines = [t._("<b>🌟 Mon parcours</b>")]
    if not data.finished and not data.ongoing:
        lines.append(t._("Vous n'avez pas encore commencé de démarche. Quand vous voulez !"))
    for flow, day in data.finished:
        lines.append(
            t._(
                "✅ {title} — terminé le {date}. Vous l'avez fait !",
                title=t._(flow.title),
                date=t.day(day),
            )
        )
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
    for _flow_of_deadline, text, day in data.upcoming:
        lines.append("⏰ " + t._(text).replace("{date}", t.day(day)))
    buttons = [continue_button(t, entry) for entry in data.ongoing]
    return Screen(
        "\n".join(lines),
        column(*buttons, Button(t._("📋 Démarches"), encode(Action.FLOWS)), back_to_menu(t)),
    )


def deadline_reminder(t: Translator, flow: Flow, text: str, day: date) -> Screen:
    return Screen(
        "⏰ " + t._(text).replace("{date}", t.day(day)),
        ((Button(t._(flow.title), _flow(flow, "open")),),),
    )


def later_reminder(t: Translator, flow: Flow) -> Screen:
    return Screen(
        t._("⏰ Vous m'aviez demandé de vous le rappeler : « {title} ».", title=t._(flow.title)),
        ((Button(t._("▶️ Reprendre"), _flow(flow, "open")),),),
    )


def check_question(t: Translator, flow: Flow, step_id: str) -> Screen:
    ref = f"{short_ref(flow.id)}-{short_ref(step_id, 4)}"
    return Screen(
        t._(
            "Il y a quelques jours, vous avez fait une étape de « {title} ». "
            "Est-ce que ça a marché ?",
            title=t._(flow.title),
        ),
        column(
            Button(t._("👍 Oui"), encode(Action.FLOW, f"{ref}-y")),
            Button(t._("👎 Non, j'ai besoin d'aide"), encode(Action.FLOW, f"{ref}-n")),
        ),
    )


def _flow(flow: Flow, op: str) -> str:
    return encode(Action.FLOW, f"{short_ref(flow.id)}-{op}")


def _op(view: StepView, op: str) -> str:
    return encode(Action.FLOW, f"{short_ref(view.flow.id)}-{short_ref(view.step.id, 4)}-{op}")
