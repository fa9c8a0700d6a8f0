"""What staff members read: their menu, invitations, their team, the audit log."""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from babel.dates import format_timedelta

from core.access import AuditOutcome, Role, StaffAction
from core.delivery import Failure
from core.i18n import N_, Safe, Translator
from core.intents import (
    AddInviteNote,
    CancelTyping,
    ConfirmDeactivation,
    Deactivate,
    EditPersonNote,
    HandleChange,
    InviteAt,
    InviteFor,
    InviteMenu,
    InviteToBook,
    InviteWho,
    OpenSitePage,
    Reassign,
    ShowAgenda,
    ShowAlerts,
    ShowAvailability,
    ShowFlowsAdmin,
    ShowLanguages,
    ShowNotifyLevel,
    ShowSitePage,
    SitePage,
    StaffBookFor,
    StaffHome,
    ViewPerson,
)
from core.invites import InviteStatus
from core.screens import Button, Label, Screen, column
from screens.procedures import step_summary
from services.staff import (
    NOTE_LENGTH,
    AuditLine,
    MemberLine,
    NoteSaved,
    PendingChange,
    RoleView,
    StaffView,
    Undelivered,
)
from services.staff_views import HelpLine, PersonDetail, PersonLine

ROLE_NAMES = {
    Role.ADMIN: N_("administrateur·rice"),
    Role.REFERENT: N_("référent·e"),
    Role.MEDIATOR: N_("médiateur·rice numérique"),
    Role.PEER: N_("pair·e aidant·e"),
}
ACTION_NAMES = {
    StaffAction.INVITE_STAFF: N_("invitation d'un·e collègue"),
    StaffAction.INVITE_PERSON: N_("invitation d'une personne"),
    StaffAction.LIST_STAFF: N_("liste de l'équipe"),
    StaffAction.DEACTIVATE_STAFF: N_("désactivation d'un·e collègue"),
    StaffAction.READ_AUDIT_LOG: N_("lecture du journal"),
    StaffAction.LIST_PERSONS: N_("liste des personnes"),
    StaffAction.VIEW_PERSON: N_("consultation d'une personne"),
    StaffAction.HANDLE_REFERENT_CHANGE: N_("changement de référent·e"),
    StaffAction.MANAGE_FLOWS: N_("gestion des parcours"),
    StaffAction.READ_DELIVERIES: N_("lecture des messages non remis"),
    StaffAction.MANAGE_MEETING: N_("gestion d'un rendez-vous"),
    StaffAction.HANDLE_HANDOFF: N_("prise en charge d'une demande d'aide"),
    StaffAction.READ_FIGURES: N_("lecture des chiffres des demandes d'aide"),
}
# What an undelivered message was about (its text is never shown to staff).
MESSAGE_KINDS = {
    "reminder": N_("un rappel"),
    "PersonsReceived": N_("de nouvelles personnes suivies"),
    "ChangeRequested": N_("une demande de changement de référent·e"),
    "ReferentChanged": N_("un changement de référent·e"),
    "RetentionWarning": N_("un avertissement avant effacement"),
    "RetentionErased": N_("un effacement"),
    "SharingEnds": N_("la fin d'un partage"),
    "PersonUnreachable": N_("une personne injoignable"),
    "MeetingBooked": N_("un rendez-vous pris"),
    "MeetingReminder": N_("un rappel de rendez-vous"),
    "MeetingCancelled": N_("une annulation de rendez-vous"),
    "MeetingMissed": N_("un rendez-vous manqué"),
    "MeetingAnswered": N_("une réponse à un rappel"),
    "TimesProposed": N_("des jours proposés par une personne"),
    "BookedForYou": N_("un rendez-vous pris pour une personne"),
    "TimeOffered": N_("une autre heure proposée"),
    "TimesDeclined": N_("des jours refusés"),
    "EarlierTime": N_("une heure plus tôt proposée"),
    "BookingInvitation": N_("une invitation à prendre rendez-vous"),
    "InvitationUnused": N_("une invitation restée sans réponse"),
    "SlotShortage": N_("un manque d'heures libres"),
    "HandoffAlert": N_("une demande d'aide"),
    "HandoffTaken": N_("une demande d'aide prise en charge"),
    "HandoffClaimed": N_("une réponse à une demande d'aide"),
    "HandoffPassed": N_("une demande d'aide transmise"),
    "HandoffEnded": N_("une conversation terminée"),
    "HandoffLate": N_("une demande d'aide en retard"),
    "Relayed": N_("un message transmis"),
}


def role_name(t: Translator, role: Role) -> str:
    return t._(ROLE_NAMES[role])


def home(t: Translator, staff: StaffView) -> Screen:
    """Only what works today, by role."""
    roles = ", ".join(
        t._("{role} à {site}", role=role_name(t, r.role), site=r.site_name) for r in staff.roles
    )
    buttons: list[Button] = [
        Button(t.label("🔔 Demandes d'aide"), ShowAlerts()),
        Button(t.label("🗓 Agenda"), ShowAgenda(0)),
        Button(t.label("🕒 Mes disponibilités"), ShowAvailability()),
        Button(t.label("🔔 Ce que je vous signale"), ShowNotifyLevel()),
    ]
    if staff.has(Role.ADMIN) or staff.has(Role.REFERENT):
        buttons.append(Button(t.label("➕ Inviter"), InviteMenu()))
        buttons.append(Button(t.label("🧑‍🤝‍🧑 Les personnes"), OpenSitePage(SitePage.PERSONS)))
    if staff.has(Role.ADMIN):
        buttons.append(Button(t.label("👥 Équipe"), OpenSitePage(SitePage.TEAM)))
        buttons.append(Button(t.label("🔁 Demandes de changement"), OpenSitePage(SitePage.CHANGES)))
        buttons.append(Button(t.label("📜 Journal des accès"), OpenSitePage(SitePage.JOURNAL)))
        buttons.append(Button(t.label("📭 Messages non remis"), OpenSitePage(SitePage.UNDELIVERED)))
        buttons.append(Button(t.label("📊 Chiffres des demandes"), OpenSitePage(SitePage.FIGURES)))
    if staff.has(Role.MEDIATOR) or staff.has(Role.ADMIN):
        buttons.append(Button(t.label("🧭 Parcours"), ShowFlowsAdmin()))
    buttons.append(Button(t.label("🌐 Langue"), ShowLanguages()))
    text = t._(
        "<b>Espace professionnel</b>\nBonjour {name}. Vos rôles : {roles}.",
        name=staff.name,
        roles=Safe(roles),
    )
    return Screen(text, column(*buttons))


def joined(t: Translator, role: Role, site_name: str) -> Screen:
    return Screen(
        t._(
            "Bienvenue ! Vous rejoignez l'équipe « {site} » comme {role}.\n"
            "Ce compte Telegram sert à votre travail : il ne peut pas être aussi le compte "
            "d'une personne accompagnée.",
            site=site_name,
            role=role_name(t, role),
        )
    )


def staff_invite_problem(t: Translator, status: InviteStatus | None) -> Screen:
    if status is None:
        return Screen(
            t._(
                "Ce compte Telegram est celui d'une personne accompagnée : il ne peut pas "
                "devenir un compte professionnel. Utilisez un autre compte pour votre travail."
            )
        )
    if status is InviteStatus.EXPIRED:
        return Screen(t._("Ce lien d'invitation a expiré. Demandez-en un nouveau."))
    if status is InviteStatus.USED:
        return Screen(t._("Ce lien d'invitation a déjà servi. Demandez-en un nouveau."))
    return Screen(t._("Je ne reconnais pas ce lien d'invitation."))


def former_staff(t: Translator) -> Screen:
    return Screen(
        t._("Votre accès professionnel est terminé. Pour toute question, voyez votre structure.")
    )


def choose_site_for_page(t: Translator, options: list[RoleView], page: SitePage) -> Screen:
    return _choose_site(t, [(o, ShowSitePage(page, o.site_id)) for o in options])


def choose_site_for_invite(t: Translator, options: list[RoleView], who: InviteFor) -> Screen:
    return _choose_site(t, [(o, InviteAt(who, o.site_id)) for o in options])


def _choose_site(t: Translator, options: list[tuple[RoleView, ShowSitePage | InviteAt]]) -> Screen:
    buttons = [Button(Label(option.site_name), intent) for option, intent in options]
    return Screen(t._("Pour quelle structure ?"), column(*buttons, back(t)))


def invite_what(t: Translator, staff: StaffView) -> Screen:
    buttons = []
    if staff.has(Role.REFERENT):
        label = t.label("Pour une personne que j'accompagne")
        buttons.append(Button(label, InviteWho(InviteFor.PERSON)))
    if staff.has(Role.ADMIN):
        for role in Role:
            label = t.label("Un·e collègue : {role}", role=t.label(ROLE_NAMES[role]))
            buttons.append(Button(label, InviteWho(InviteFor(role.value))))
    return Screen(t._("Qui voulez-vous inviter ?"), column(*buttons, back(t)))


def invite_link(t: Translator, link: str) -> Screen:
    text = t._("Voici le lien d'invitation (valable 7 jours, une seule fois) :\n{link}", link=link)
    return Screen(text, ((back(t),),))


def person_invite_link(t: Translator, link: str, invite_id: int) -> Screen:
    text = t._(
        "Voici le lien personnel à donner à la personne (valable 7 jours, une seule fois) :\n"
        "{link}\nEn l'ouvrant, elle sera reliée à vous et à votre structure.",
        link=link,
    )
    note = Button(t.label("✏️ Ajouter une note pour la reconnaître"), AddInviteNote(invite_id))
    return Screen(text, column(note, back(t)))


def ask_note(t: Translator) -> Screen:
    return Screen(
        t._(
            "Écrivez une note courte pour reconnaître cette personne dans votre liste "
            "(par exemple ses initiales). Elle la verra dans ses données et elle sera effacée "
            "avec elles."
        ),
        ((cancel_typing(t),),),
    )


def ask_person_note(t: Translator, current: str | None) -> Screen:
    text = t._(
        "Écrivez la nouvelle note pour reconnaître cette personne dans votre liste "
        "({n} caractères au plus). Elle la verra dans ses données.",
        n=NOTE_LENGTH,
    )
    if current:
        text += "\n" + t._("Note actuelle : {note}", note=current)
    return Screen(text, ((cancel_typing(t),),))


def cancel_typing(t: Translator) -> Button:
    return Button(t.label("✖️ Annuler"), CancelTyping())


def typing_cancelled(t: Translator) -> Screen:
    return Screen(t._("D'accord, la note ne change pas."), ((back(t),),))


def note_saved(t: Translator, saved: NoteSaved, person_id: int | None = None) -> Screen:
    """The note as kept; said plainly when it had to be shortened."""
    if saved.note is None:
        text = t._("Note effacée.")
    elif saved.shortened:
        text = t._(
            "Votre note était trop longue ({n} caractères au plus). J'ai gardé le début : {note}",
            n=NOTE_LENGTH,
            note=saved.note,
        )
    else:
        text = t._("Note enregistrée : {note}", note=saved.note)
    buttons: list[Button] = []
    if person_id is not None:
        buttons.append(Button(t.label("👤 Voir la personne"), ViewPerson(person_id)))
    return Screen(text, column(*buttons, back(t)))


def team(t: Translator, site_id: int, members: list[MemberLine]) -> Screen:
    lines = [t._("<b>L'équipe</b>")]
    buttons = []
    for member in members:
        roles = ", ".join(role_name(t, r) for r in member.roles)
        lines.append(f"• {html.escape(member.name, quote=False)} — {roles}")
        if not member.is_me:
            label = t.label("Désactiver {name}", name=member.name)
            buttons.append(Button(label, ConfirmDeactivation(site_id, member.staff_id)))
    return Screen("\n".join(lines), column(*buttons, back(t)))


def confirm_deactivation(t: Translator, site_id: int, member_id: int) -> Screen:
    return Screen(
        t._(
            "Désactiver ce membre ? Les personnes qu'il ou elle accompagne seront confiées "
            "aux autres référent·es de la structure, qui seront prévenu·es."
        ),
        column(
            Button(t.label("Oui, désactiver"), Deactivate(site_id, member_id)),
            Button(t.label("Non, garder"), ShowSitePage(SitePage.TEAM, site_id)),
        ),
    )


def deactivated(t: Translator, handed_over: int) -> Screen:
    return Screen(
        t.ngettext(
            "C'est fait. {n} personne a été confiée à un·e autre référent·e.",
            "C'est fait. {n} personnes ont été confiées à d'autres référent·es.",
            handed_over,
        ),
        ((back(t),),),
    )


def journal(t: Translator, lines: list[AuditLine]) -> Screen:
    rows = [t._("<b>Journal des accès</b> (les 30 derniers)")]
    for line in lines:
        who = (
            html.escape(line.staff_name, quote=False) if line.staff_name else t._("compte supprimé")
        )
        person = t._(" — personne n°{id}", id=line.person_id) if line.person_id else ""
        outcome = "" if line.outcome is AuditOutcome.ALLOWED else t._(" (refusé)")
        what = t._(ACTION_NAMES[line.action]) if line.action else "?"
        rows.append(f"• {t.moment(line.at, 'short')} — {who} — {what}{person}{outcome}")
    if len(rows) == 1:
        rows.append(t._("Aucun accès pour l'instant."))
    return Screen("\n".join(rows), ((back(t),),))


def undelivered(t: Translator, lines: list[Undelivered]) -> Screen:
    """Messages that could not be delivered: when, to whom, about what, and why."""
    if not lines:
        return Screen(t._("Tous les messages ont été remis."), ((back(t),),))
    rows = [t._("<b>Messages non remis</b> (les 30 derniers)")]
    for line in lines:
        if line.person_id is not None:
            who = t._("personne n°{id}", id=line.person_id)
        else:
            who = html.escape(line.staff_name or "?", quote=False)
        what = t._(MESSAGE_KINDS[line.kind]) if line.kind in MESSAGE_KINDS else "?"
        rows.append(f"• {t.moment(line.at, 'short')} — {who} — {what} — {_why(t, line)}")
    return Screen("\n".join(rows), ((back(t),),))


def _why(t: Translator, line: Undelivered) -> str:
    if line.parked:
        return t.ngettext("{n} essai sans succès", "{n} essais sans succès", line.attempts)
    if line.reason is Failure.BLOCKED:
        return t._("la personne a bloqué le bot")
    return t._("refusé par Telegram")


def changes(t: Translator, pending: list[PendingChange]) -> Screen:
    if not pending:
        return Screen(t._("Aucune demande de changement en attente."), ((back(t),),))
    lines = [t._("<b>Demandes de changement de référent·e</b>")]
    buttons = []
    for change in pending:
        current = change.current_referent or t._("aucun·e")
        lines.append(
            t._(
                "• Personne n°{id}, le {date} (référent·e actuel·le : {current})",
                id=change.person_id,
                date=t.day(change.requested_at.astimezone(t.zone), "short"),
                current=current,
            )
        )
        label = t.label("Traiter la demande n°{id}", id=change.request_id)
        buttons.append(Button(label, HandleChange(change.request_id)))
    return Screen("\n".join(lines), column(*buttons, back(t)))


def pick_referent(t: Translator, request_id: int, referents: list[MemberLine]) -> Screen:
    return Screen(
        t._("Qui accompagnera désormais cette personne ?"),
        column(
            *(Button(Label(m.name), Reassign(request_id, m.staff_id)) for m in referents),
            back(t),
        ),
    )


def reassigned(t: Translator) -> Screen:
    return Screen(
        t._("C'est fait : la personne et son nouveau ou sa nouvelle référent·e sont prévenu·es."),
        ((back(t),),),
    )


def not_allowed(t: Translator, *, to_staff_space: bool = True) -> Screen:
    """A refusal; staff go back to their space, anyone else is shown their own way on."""
    buttons = ((back(t),),) if to_staff_space else ()
    return Screen(t._("Désolé, vous n'avez pas accès à cette fonction."), buttons)


def back(t: Translator) -> Button:
    return Button(t.label("⬅️ Espace professionnel"), StaffHome())


LIST_SIZE = 30  # buttons on the persons' list; those asking for help come first
LABEL_LENGTH = 40  # characters a button shows whole on a phone


def persons(t: Translator, lines: list[PersonLine], now: datetime) -> Screen:
    """Each person by the referent's note, last activity, and 🆘 when help is waiting."""
    if not lines:
        return Screen(t._("Aucune personne pour l'instant."), ((back(t),),))
    text = [t._("<b>Les personnes que vous accompagnez</b>")]
    if any(line.asks_help for line in lines):
        text.append(t._("🆘 : une demande d'aide attend une réponse."))
    if any(line.stuck and not line.asks_help for line in lines):
        text.append(t._("😕 : bloquée sur une étape (« Je n'y arrive pas »)."))
    if len(lines) > LIST_SIZE:
        text.append(
            t._(
                "Voici {shown} personnes sur {n} : d'abord celles qui demandent de l'aide, "
                "puis les plus récemment actives.",
                shown=LIST_SIZE,
                n=len(lines),
            )
        )
    buttons = [
        Button(_person_label(t, line, now), ViewPerson(line.person_id))
        for line in lines[:LIST_SIZE]
    ]
    return Screen("\n".join(text), column(*buttons, back(t)))


def _person_label(t: Translator, line: PersonLine, now: datetime) -> Label:
    """The note as much as fits beside the activity; the whole note is on the person's page."""
    sos = "🆘 " if line.asks_help else ("😕 " if line.stuck else "")
    when = f" · {seen(t, line.last_seen_at, now)}"
    room = LABEL_LENGTH - len(sos) - len(when)
    name = (
        shortened(line.note, room) if line.note else t.label("Personne n°{id}", id=line.person_id)
    )
    return Label(f"{sos}{name}{when}")


def shortened(note: str, room: int) -> str:
    """A note cut to `room` characters, visibly (…), never silently."""
    return note if len(note) <= room else note[: max(room - 1, 1)].rstrip() + "…"


def seen(t: Translator, at: datetime, now: datetime) -> str:
    """When, in words, in the staff member's language: "aujourd'hui", "il y a 3 jours"."""
    days = (now.astimezone(t.zone).date() - at.astimezone(t.zone).date()).days
    if days <= 0:
        return t.label("aujourd'hui")
    if days == 1:
        return t.label("hier")
    return format_timedelta(
        timedelta(days=-days), granularity="day", threshold=1, add_direction=True, locale=t.code
    )


def person(t: Translator, detail: PersonDetail, now: datetime) -> Screen:
    """Only what the person shares with their referent, never more."""
    if detail.note:
        lines = [t._("<b>{note}</b> (personne n°{id})", note=detail.note, id=detail.person_id)]
    else:
        lines = [t._("<b>Personne n°{id}</b>", id=detail.person_id)]
    lines.append(
        t._(
            "Dernière activité : {when} ({date})",
            when=seen(t, detail.last_seen_at, now),
            date=t.day(detail.last_seen_at.astimezone(t.zone)),
        )
    )
    lines += [_help_line(t, line) for line in detail.help]
    if not detail.shared:
        lines.append(
            t._("Cette personne ne partage pas ses démarches pour l'instant. C'est son choix.")
        )
    for line in detail.procedures:
        if line.finished:
            lines.append(t._("✅ {title} — terminée", title=t._(line.title)))
        else:
            lines.append(
                t._(
                    "▶️ {title} — étape {n} sur {total}",
                    title=t._(line.title),
                    n=line.number,
                    total=line.total,
                )
            )
    if detail.shared and not detail.procedures:
        lines.append(t._("Aucune démarche commencée dans ce qu'elle partage."))
    buttons: list[Button] = []
    if detail.follows:
        label = t.label("✏️ Modifier la note") if detail.note else t.label("✏️ Ajouter une note")
        buttons.append(Button(label, EditPersonNote(detail.person_id)))
    buttons.append(
        Button(
            t.label("📅 Prendre rendez-vous pour elle"), StaffBookFor(detail.person_id, 0, 0, 0, 0)
        )
    )
    if detail.follows:
        buttons.append(
            Button(t.label("📨 L'inviter à prendre rendez-vous"), InviteToBook(detail.person_id))
        )
    everyone = ShowSitePage(SitePage.PERSONS, detail.site_id)
    buttons.append(Button(t.label("🧑‍🤝‍🧑 Les personnes"), everyone))
    return Screen("\n".join(lines), column(*buttons, back(t)))


def _help_line(t: Translator, line: HelpLine) -> str:
    """A waiting help request; which procedure only when the person shares it."""
    when = t.day(line.asked_at.astimezone(t.zone), "short")
    step = step_summary(t, line.flow, line.step_id) if line.flow else None
    if line.flow is None:
        return t._("🆘 Demande d'aide en attente depuis le {date}.", date=when)
    if step is None:
        return t._(
            "🆘 Demande d'aide en attente depuis le {date} : « {title} ».",
            date=when,
            title=t._(line.flow.title),
        )
    return t._(
        "🆘 Demande d'aide en attente depuis le {date} : « {title} », étape « {step} ».",
        date=when,
        title=t._(line.flow.title),
        step=step,
    )
