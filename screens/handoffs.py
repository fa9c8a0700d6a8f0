"""Hand-off screens: the person asks for a human and follows their request; staff see the
alert card, claim, pass and close; the relay's copies are signed here.

Plain words for the person: whom was told, what they see, when an answer comes. Never a
diagnosis or a lecture after distress: the numbers that fit, then a human offered.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, datetime

from core.access import Role
from core.distress import Concern, Number, numbers_for
from core.handoffs import Outcome, Reason, Share, Status, Urgency, Who
from core.i18n import N_, Safe, Translator
from core.intents import (
    AskHuman,
    AskHumanNow,
    ClaimHandoff,
    CloseHandoff,
    CloseWith,
    DeclineHuman,
    OpenHandoff,
    PassHandoff,
    PickHandoff,
    ShareMessages,
    ShowAlerts,
    ShowMenu,
    ShowMyRequest,
    StaffBookFor,
    StaffHome,
    TalkToSomeone,
    WithdrawRequest,
)
from core.notices import HandoffAlert
from core.relay import MessageKind, RelayCopy
from core.screens import Button, Screen, column
from flows.model import Flow
from screens.asked import asked_lines
from screens.contact import stuck_help
from screens.emergency import emergency_lines
from screens.home import back_to_menu
from screens.procedures import step_summary
from services.handoff_staff import Card, Gone, Taken
from services.handoffs import Choice, Nobody, Waiting

REASONS = {
    Reason.ASKED: N_("a demandé à parler à quelqu'un"),
    Reason.CANNOT: N_("n'arrive pas à faire une étape (2 fois)"),
    Reason.CHECK_FAILED: N_("une étape n'a pas marché"),
    Reason.DEADLINE: N_("une date limite approche et l'étape n'est pas faite"),
    Reason.MISSED_TWICE: N_("deux rendez-vous manqués de suite"),
    Reason.DISTRESS: N_("a écrit un message inquiétant"),
    Reason.NOT_UNDERSTOOD: N_("le bot n'a pas compris ses messages"),
}
OUTCOMES = {
    Outcome.HELPED: N_("✅ Aidée"),
    Outcome.REFERRED: N_("➡️ Orientée vers un autre service"),
    Outcome.MEETING: N_("📅 Rendez-vous pris"),
    Outcome.NO_ANSWER: N_("🔇 Pas de réponse"),
    Outcome.OTHER: N_("Autre"),
    Outcome.UNROUTED: N_("Demande d'avant les alertes"),
}
CHOOSABLE = (Outcome.HELPED, Outcome.REFERRED, Outcome.MEETING, Outcome.NO_ANSWER, Outcome.OTHER)


# -- the person ----------------------------------------------------------------------------


def choose_who(t: Translator, choice: Choice, reason: Reason = Reason.ASKED) -> Screen:
    """🙋 Whom to ask for: one tap alerts them (at most two from any screen)."""
    lines = [t._("🙋 <b>Qui voulez-vous joindre ?</b>")]
    if choice.active is not None:
        lines.append(
            t._("Vous avez déjà une demande en cours. Choisir ici la confie à une autre personne.")
        )
    lines.append(t._("Cette personne verra seulement la démarche où vous en êtes."))
    rows = [
        (Button(t.label(label), AskHuman(who, reason)),)
        for who, label in _who_labels(t, choice.referent, choice.has_peers)
    ]
    if choice.active is not None:
        rows.append((Button(t.label("📨 Ma demande en cours"), ShowMyRequest()),))
    rows.append((back_to_menu(t),))
    return Screen("\n".join(lines), tuple(rows))


def _who_labels(t: Translator, referent: str | None, has_peers: bool) -> list[tuple[Who, str]]:
    labels = []
    if referent:
        labels.append((Who.REFERENT, t._("👤 {name}, qui vous accompagne", name=referent)))
    if has_peers:
        labels.append((Who.PEER, t._("🤝 Un pair aidant (il est passé par là)")))
    labels.append((Who.FIRST, t._("⚡ La première personne disponible")))
    return labels


def nobody(t: Translator, found: Nobody) -> Screen:
    """Nobody in the bot to alert: whom to call or where to go, plainly."""
    return Screen(stuck_help(t, found.contact).text, ((back_to_menu(t),),))


def waiting(t: Translator, request: Waiting) -> Screen:
    """The person's request: whom it went to, what they see, when to expect an answer."""
    if request.status is Status.HELD and request.holder is not None:
        return held(t, request.holder.first_name, request.holder.role, request.handoff_id)
    lines = []
    if request.urgency is Urgency.URGENT:  # the numbers that fit were said just before
        lines.append(t._("En danger maintenant ? Appelez le 112 (gratuit, jour et nuit)."))
    lines += asked_lines(t, request)
    rows: list[tuple[Button, ...]] = []
    if request.share is Share.STEP:
        rows.append(
            (Button(t.label("✍️ Lui écrire un message"), ShareMessages(request.handoff_id, True)),)
        )
    else:
        rows.append(
            (
                Button(
                    t.label("🙈 Ne plus transmettre mes messages"),
                    ShareMessages(request.handoff_id, False),
                ),
            )
        )
    rows.append((Button(t.label("👤 Choisir une autre personne"), TalkToSomeone()),))
    rows.append((Button(t.label("❌ Annuler ma demande"), WithdrawRequest(request.handoff_id)),))
    rows.append((back_to_menu(t),))
    return Screen("\n".join(lines), tuple(rows))


def held(t: Translator, name: str, role: Role, handoff_id: int) -> Screen:
    """A human holds the conversation: the person writes to them here."""
    text = t._(
        "💬 <b>{name}</b> ({role}) vous répond ici.\n"
        "Écrivez-lui directement : vos messages, photos et documents lui sont transmis.",
        name=name,
        role=as_persons_see(t, role),
    )
    done = Button(t.label("✅ Terminer la conversation"), WithdrawRequest(handoff_id))
    return Screen(text, ((done,), (back_to_menu(t),)))


def withdrawn(t: Translator) -> Screen:
    return Screen(
        t._("C'est fait. Vous pouvez demander quelqu'un à tout moment : 🙋 dans le menu."),
        ((back_to_menu(t),),),
    )


def nothing_open(t: Translator) -> Screen:
    return Screen(
        t._("Vous n'avez pas de demande en cours."),
        ((Button(t.label("🙋 Parler à quelqu'un"), TalkToSomeone()),), (back_to_menu(t),)),
    )


def held_back(t: Translator, handoff_id: int) -> Screen:
    """The person wrote while their request is open but shares only the step."""
    text = t._(
        "Personne n'a encore répondu. Votre message n'est pas transmis : "
        "vous partagez seulement la démarche."
    )
    share = Button(t.label("✍️ Transmettre ce que j'écris"), ShareMessages(handoff_id, True))
    return Screen(text, ((share,), (Button(t.label("📨 Ma demande"), ShowMyRequest()),)))


def write_now(t: Translator) -> Screen:
    return Screen(t._("D'accord. Écrivez votre message ici : je le transmets."))


def reopened(t: Translator) -> Screen:
    return Screen(t._("La conversation reprend : votre message est transmis."))


def distress(t: Translator, worst: Concern, who: Who, referent: str | None) -> Screen:
    """Said at once, before anything else: the numbers that fit, then a human offered.
    No diagnosis, no lecture; a "no" keeps the numbers on screen."""
    lines = [t._("Merci de me l'avoir écrit."), *_numbers(t, worst)]
    lines.append(t._("Voulez-vous qu'une personne de l'équipe vous réponde vite, ici ?"))
    if who is Who.REFERENT and referent:
        yes = t.label("🙋 Oui, prévenir {name}", name=referent)
    else:
        yes = t.label("🙋 Oui, prévenir l'équipe")
    rows = (
        (Button(yes, AskHumanNow(who, worst)),),
        (Button(t.label("Non merci"), DeclineHuman()),),
    )
    return Screen("\n".join(lines), rows)


def _numbers(t: Translator, concern: Concern | None) -> list[str]:
    numbers: Sequence[Number] = numbers_for([concern]) if concern else numbers_for([])
    if not numbers:
        numbers = (Number.SAMU_15, Number.EUROPE_112)
    return [t._("<b>Si vous êtes en danger, appelez (gratuit) :</b>"), *emergency_lines(t, numbers)]


def declined(t: Translator) -> Screen:
    return Screen(
        t._(
            "D'accord. Les numéros restent ci-dessus. "
            "Vous pouvez demander quelqu'un à tout moment : 🙋 dans le menu."
        ),
        ((back_to_menu(t),),),
    )


def not_understood_twice(t: Translator, who: Who) -> Screen:
    """Two typed messages in a row the bot could not use: a human, offered."""
    text = t._(
        "Je ne sais pas encore lire les messages écrits. Voulez-vous qu'une personne vous réponde ?"
    )
    yes = Button(t.label("🙋 Oui, parler à quelqu'un"), AskHuman(who, Reason.NOT_UNDERSTOOD))
    return Screen(text, ((yes,), (back_to_menu(t),)))


def secret_warning(t: Translator) -> Screen:
    """A password or a code typed in the chat: delete it, change it."""
    return Screen(
        t._(
            "⚠️ Ce message ressemble à un mot de passe ou à un code.\n"
            "Effacez-le de la conversation (appui long, puis Supprimer) et changez-le. "
            "Ne le donnez à personne, même pas à moi."
        )
    )


# -- staff ---------------------------------------------------------------------------------


def alert(
    t: Translator, item: HandoffAlert, now: datetime, flow: Flow | None, team: bool = False
) -> Screen:
    """The alert card sent to a staff member (claim, pass, close from it); in the team
    group's topic, the card says that answering there takes it (no buttons: what one
    member taps would change everyone's card)."""
    since = datetime.fromisoformat(item.since)
    lines = [_title(t, Urgency(item.urgency), item.person_label)]
    lines.append(t._("Motif : {reason}", reason=t._(REASONS[Reason(item.reason)])))
    deadline = date.fromisoformat(item.deadline_on) if item.deadline_on else None
    lines += _step_lines(t, flow, item.step_id, deadline)
    lines.append(_share_line(t, Share(item.share)))
    lines.append(t._("Attend depuis {span}.", span=t.span(now - since)))
    if item.escalated:
        lines.append(t._("Transmis à vous car personne n'a répondu à temps."))
    if team:
        lines.append(
            t._(
                "Répondez dans ce sujet : le premier message de l'équipe prend la demande, "
                "et tout ce qui s'écrit ici lui est transmis, signé."
            )
        )
        return Screen("\n".join(lines))
    rows = (
        (Button(t.label("✋ Je m'en occupe"), ClaimHandoff(item.handoff_id)),),
        (Button(t.label("🔎 Voir la demande"), OpenHandoff(item.handoff_id)),),
    )
    return Screen("\n".join(lines), rows)


def card(t: Translator, view: Card, now: datetime, flow: Flow | None) -> Screen:
    """A hand-off seen from /alertes or after a tap: what to do depends on who holds it."""
    lines = [_title(t, view.urgency, view.person_label)]
    lines.append(t._("Motif : {reason}", reason=t._(REASONS[view.reason])))
    lines += _step_lines(t, flow, view.step_id, view.deadline_on)
    lines.append(_share_line(t, view.share))
    match view.status:
        case Status.OPEN:
            lines.append(t._("Attend depuis {span}.", span=t.span(now - view.since)))
        case Status.HELD if view.mine:
            lines.append(
                t._(
                    "✋ Vous vous en occupez. "
                    "Ce que vous écrivez ici lui est transmis, signé de votre prénom."
                )
            )
        case Status.HELD:
            lines.append(t._("✋ {name} s'en occupe.", name=view.holder or "?"))
        case Status.CLOSED | Status.CANCELLED:
            lines.append(t._("Cette demande est close."))
    return Screen("\n".join(lines), _card_buttons(t, view))


def _card_buttons(t: Translator, view: Card) -> tuple[tuple[Button, ...], ...]:
    rows: list[Button] = []
    if view.status is Status.OPEN:
        rows.append(Button(t.label("✋ Je m'en occupe"), ClaimHandoff(view.handoff_id)))
    if view.status is Status.HELD and view.mine:
        rows.append(Button(t.label("✍️ Lui répondre"), PickHandoff(view.handoff_id)))
    if view.status is Status.HELD and view.may_book:
        rows.append(
            Button(t.label("📅 Proposer un rendez-vous"), StaffBookFor(view.person_id, 0, 0, 0, 0))
        )
    if view.status in (Status.OPEN, Status.HELD):
        rows.append(Button(t.label("🤝 Passer à un pair"), PassHandoff(view.handoff_id, Who.PEER)))
        if view.has_referent and not view.referent_is_me:
            rows.append(
                Button(t.label("👤 Passer au référent"), PassHandoff(view.handoff_id, Who.REFERENT))
            )
        rows.append(Button(t.label("✔️ Clore"), CloseHandoff(view.handoff_id)))
    rows.append(Button(t.label("🔔 Toutes les alertes"), ShowAlerts()))
    return column(*rows)


def _title(t: Translator, urgency: Urgency, label: str) -> str:
    match urgency:
        case Urgency.URGENT:
            return t._("🚨 <b>Demande urgente</b> : {who}", who=label)
        case Urgency.NORMAL:
            return t._("🙋 <b>Demande d'aide</b> : {who}", who=label)


def _step_lines(
    t: Translator, flow: Flow | None, step_id: str | None, deadline: date | None
) -> list[str]:
    """The procedure and the step (named by its first sentence), and its next deadline."""
    lines = []
    if flow is not None:
        step = step_summary(t, flow, step_id)
        if step:
            lines.append(
                t._("Démarche : {flow}, étape « {step} »", flow=t._(flow.title), step=Safe(step))
            )
        else:
            lines.append(t._("Démarche : {flow}", flow=t._(flow.title)))
    if deadline is not None:
        lines.append(t._("Date limite : {day}", day=t.day(deadline)))
    return lines


def _share_line(t: Translator, share: Share) -> str:
    match share:
        case Share.STEP:
            return t._("Partagé : la démarche et l'étape seulement.")
        case Share.MESSAGES:
            return t._("Partagé : la démarche et ses messages.")


def taken(t: Translator, by: Taken) -> Screen:
    return Screen(
        t._("✋ {name} s'en occupe déjà.", name=by.by_name),
        ((Button(t.label("🔔 Toutes les alertes"), ShowAlerts()),),),
    )


def gone(t: Translator, why: Gone) -> Screen:
    match why:
        case Gone.CLOSED:
            text = t._("Cette demande est close ou a été annulée.")
        case Gone.TAKEN | Gone.NOT_FOUND:
            text = t._("Cette demande n'est plus en cours.")
    return Screen(text, ((Button(t.label("🔔 Toutes les alertes"), ShowAlerts()),),))


def ask_outcome(t: Translator, handoff_id: int) -> Screen:
    """Closing asks how it ended: private, for the site's figures."""
    text = t._("Comment s'est terminée cette demande ? (Visible seulement par l'équipe.)")
    buttons = [Button(t.label(OUTCOMES[o]), CloseWith(handoff_id, o)) for o in CHOOSABLE]
    return Screen(text, column(*buttons, Button(t.label("⬅️ Retour"), OpenHandoff(handoff_id))))


def alerts_list(t: Translator, cards: Sequence[Card], now: datetime) -> Screen:
    """/alertes: the open and held requests of my sites, urgent first, then the oldest."""
    if not cards:
        return Screen(
            t._("🔔 Aucune demande en cours."), ((Button(t.label("⬅️ Mon espace"), StaffHome()),),)
        )
    lines = [
        t.ngettext("🔔 <b>{n} demande en cours</b>", "🔔 <b>{n} demandes en cours</b>", len(cards))
    ]
    buttons = []
    for view in cards[:20]:
        mark = (
            "🚨"
            if view.urgency is Urgency.URGENT
            else ("✋" if view.status is Status.HELD else "🙋")
        )
        state = (
            t._("{name} s'en occupe", name=view.holder or "?")
            if view.status is Status.HELD
            else t._("attend depuis {span}", span=t.span(now - view.since))
        )
        buttons.append(
            Button(
                t.label("{mark} {who} : {state}", mark=mark, who=view.person_label, state=state),
                OpenHandoff(view.handoff_id),
            )
        )
    buttons.append(Button(t.label("⬅️ Mon espace"), StaffHome()))
    return Screen("\n".join(lines), column(*buttons))


def relayed_to(t: Translator, label: str) -> Screen:
    """To a staff member holding several conversations: where their message went."""
    return Screen(t._("→ Envoyé à {who}.", who=label))


# -- the relay's copies --------------------------------------------------------------------


def as_persons_see(t: Translator, role: Role) -> str:
    """A staff member's role in words a person reads at once (no "référent·e")."""
    match role:
        case Role.REFERENT:
            return t._("qui vous accompagne")
        case Role.PEER:
            return t._("pair aidant")
        case Role.MEDIATOR:
            return t._("médiation numérique")
        case Role.ADMIN:
            return t._("équipe de la structure")


def relay_text(t: Translator, copy: RelayCopy) -> str:
    """The copy's text (or caption), signed: "Julien · référent·e" to the person, the
    person's label to staff; 🚨 when the person's message set off the distress rules."""
    if copy.sender.role is not None:
        signature = t._(
            "💬 <b>{name}</b> · {role}",
            name=copy.sender.name,
            role=as_persons_see(t, Role(copy.sender.role)),
        )
    else:
        signature = t._("💬 <b>{name}</b>", name=copy.sender.name)
    if copy.urgent:
        signature = "🚨 " + signature
    body = html.escape(copy.text, quote=False) if copy.text else ""
    if copy.kind is not MessageKind.TEXT and not body:
        return signature
    return f"{signature}\n{body}"


def ended_for_person(t: Translator, name: str) -> Screen:
    text = t._(
        "{name} a terminé la conversation. Si vous écrivez ici dans les 7 jours, "
        "elle reprend avec {name}.",
        name=name,
    )
    return Screen(text, ((Button(t.label("⬅️ Menu"), ShowMenu()),),))


def ended_for_staff(t: Translator, label: str) -> Screen:
    return Screen(t._("{who} a terminé la conversation.", who=label))


def passed(t: Translator, to: Who) -> Screen:
    match to:
        case Who.PEER:
            whom = t._("un pair aidant")
        case Who.REFERENT:
            whom = t._("la personne qui vous accompagne")
        case Who.FIRST:
            whom = t._("l'équipe")
    return Screen(t._("Votre demande passe à {whom}. On vous répond ici.", whom=whom))


def late(t: Translator, urgent: bool, concern: Concern | None) -> Screen:
    lines = []
    if urgent:
        lines += _numbers(t, concern)
    lines.append(
        t._(
            "Votre demande prend plus de temps que prévu. "
            "J'ai prévenu d'autres personnes de l'équipe."
        )
    )
    return Screen("\n".join(lines), ((Button(t.label("📨 Ma demande"), ShowMyRequest()),),))


def claimed_notice(t: Translator, name: str, role: Role, handoff_id: int) -> Screen:
    return held(t, name, role, handoff_id)


def taken_notice(t: Translator, label: str, by: str) -> Screen:
    return Screen(t._("✋ {name} s'occupe de la demande de {who}.", name=by, who=label))


def person_blocked(t: Translator, label: str) -> Screen:
    return Screen(
        t._(
            "⛔ {who} a bloqué le bot : ce qui s'écrit ici ne lui parvient plus. "
            "Essayez un autre moyen de la joindre.",
            who=label,
        )
    )


def team_linked(t: Translator, site: str) -> Screen:
    return Screen(
        t._(
            "✅ Ce groupe est celui de l'équipe de {site}. Chaque demande d'aide aura son "
            "sujet ici : répondez dans le sujet, la personne reçoit votre message signé.",
            site=site,
        )
    )


def team_not_forum(t: Translator) -> Screen:
    return Screen(
        t._(
            "Ce groupe n'a pas de sujets. Activez les sujets (Topics) dans les réglages du "
            "groupe, puis écrivez /lier à nouveau."
        )
    )
