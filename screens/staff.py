"""What staff members read: their menu, invitations, their team, the audit log."""

from __future__ import annotations

import html

from core.access import AuditOutcome, Role, StaffAction
from core.delivery import Failure
from core.i18n import N_, Safe, Translator
from core.intents import (
    AddInviteNote,
    ConfirmDeactivation,
    Deactivate,
    HandleChange,
    InviteAt,
    InviteFor,
    InviteMenu,
    InviteWho,
    OpenSitePage,
    Reassign,
    ShowFlowsAdmin,
    ShowLanguages,
    ShowSitePage,
    SitePage,
    StaffHome,
    ViewPerson,
)
from core.invites import InviteStatus
from core.screens import Button, Label, Screen, column
from services.staff import (
    AuditLine,
    MemberLine,
    PendingChange,
    RoleView,
    StaffView,
    Undelivered,
)
from services.staff_views import PersonDetail, PersonLine

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
}


def role_name(t: Translator, role: Role) -> str:
    return t._(ROLE_NAMES[role])


def home(t: Translator, staff: StaffView) -> Screen:
    """Only what works today, by role."""
    roles = ", ".join(
        t._("{role} à {site}", role=role_name(t, r.role), site=r.site_name) for r in staff.roles
    )
    buttons: list[Button] = []
    if staff.has(Role.ADMIN) or staff.has(Role.REFERENT):
        buttons.append(Button(t.label("➕ Inviter"), InviteMenu()))
        buttons.append(Button(t.label("🧑‍🤝‍🧑 Les personnes"), OpenSitePage(SitePage.PERSONS)))
    if staff.has(Role.ADMIN):
        buttons.append(Button(t.label("👥 Équipe"), OpenSitePage(SitePage.TEAM)))
        buttons.append(Button(t.label("🔁 Demandes de changement"), OpenSitePage(SitePage.CHANGES)))
        buttons.append(Button(t.label("📜 Journal des accès"), OpenSitePage(SitePage.JOURNAL)))
        buttons.append(Button(t.label("📭 Messages non remis"), OpenSitePage(SitePage.UNDELIVERED)))
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
            "Bienvenue dans l'équipe de {site}, comme {role}.\n"
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
        )
    )


def note_saved(t: Translator) -> Screen:
    return Screen(t._("Note enregistrée."), ((back(t),),))


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
            back(t),
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


def persons(t: Translator, site_id: int, lines: list[PersonLine]) -> Screen:
    if not lines:
        return Screen(t._("Aucune personne pour l'instant."), ((back(t),),))
    buttons = [
        Button(
            Label(
                t.label("Personne n°{id}", id=line.person_id)
                + (f" — {line.note}" if line.note else "")
            ),
            ViewPerson(line.person_id),
        )
        for line in lines[:30]
    ]
    return Screen(t._("<b>Les personnes que vous accompagnez</b>"), column(*buttons, back(t)))


def person(t: Translator, detail: PersonDetail) -> Screen:
    """Only what the person shares with their referent, never more."""
    lines = [t._("<b>Personne n°{id}</b>", id=detail.person_id)]
    if detail.note:
        lines[0] += f" — {html.escape(detail.note)}"
    lines.append(
        t._("Dernière visite : {date}", date=t.day(detail.last_seen_at.astimezone(t.zone)))
    )
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
    return Screen("\n".join(lines), ((back(t),),))
