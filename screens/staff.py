"""What staff members read: their menu, invitations, their team, the audit log."""

from __future__ import annotations

import html

from core.access import Role
from core.actions import Action, encode
from core.i18n import N_, Translator
from core.invites import InviteStatus
from core.screens import Button, Screen, column
from services.staff import AuditLine, MemberLine, Notice, PendingChange, RoleView, StaffView
from services.staff_views import PersonDetail, PersonLine

ROLE_NAMES = {
    Role.ADMIN: N_("administrateur·rice"),
    Role.REFERENT: N_("référent·e"),
    Role.MEDIATOR: N_("médiateur·rice numérique"),
    Role.PEER: N_("pair·e aidant·e"),
}
ACTION_NAMES = {
    "invite_staff": N_("invitation d'un·e collègue"),
    "invite_person": N_("invitation d'une personne"),
    "list_staff": N_("liste de l'équipe"),
    "deactivate_staff": N_("désactivation d'un·e collègue"),
    "read_audit_log": N_("lecture du journal"),
    "list_persons": N_("liste des personnes"),
    "view_person": N_("consultation d'une personne"),
    "handle_referent_change": N_("changement de référent·e"),
    "manage_flows": N_("gestion des parcours"),
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
        buttons.append(Button(t._("➕ Inviter"), encode(Action.STAFF, "invite")))
        buttons.append(Button(t._("🧑‍🤝‍🧑 Les personnes"), encode(Action.STAFF, "persons")))
    if staff.has(Role.ADMIN):
        buttons.append(Button(t._("👥 Équipe"), encode(Action.STAFF, "team")))
        buttons.append(Button(t._("🔁 Demandes de changement"), encode(Action.STAFF, "changes")))
        buttons.append(Button(t._("📜 Journal des accès"), encode(Action.STAFF, "journal")))
    if staff.has(Role.MEDIATOR) or staff.has(Role.ADMIN):
        buttons.append(Button(t._("🧭 Parcours"), encode(Action.PARCOURS)))
    buttons.append(Button(t._("🌐 Langue"), encode(Action.LANGUAGE_PICKER)))
    text = t._(
        "<b>Espace professionnel</b>\nBonjour {name}. Vos rôles : {roles}.",
        name=staff.name,
        roles=roles,
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


def staff_only_for_persons(t: Translator) -> Screen:
    return Screen(t._("Cette fonction est pour les personnes accompagnées. Voici votre espace."))


def former_staff(t: Translator) -> Screen:
    return Screen(
        t._("Votre accès professionnel est terminé. Pour toute question, voyez votre structure.")
    )


def choose_site(t: Translator, options: list[RoleView], purpose: str) -> Screen:
    return Screen(
        t._("Pour quelle structure ?"),
        column(
            *(Button(o.site_name, encode(Action.STAFF, f"{purpose}-{o.site_id}")) for o in options)
        ),
    )


def invite_what(t: Translator, staff: StaffView) -> Screen:
    buttons = []
    if staff.has(Role.REFERENT):
        buttons.append(
            Button(t._("Pour une personne que j'accompagne"), encode(Action.STAFF, "inv-person"))
        )
    if staff.has(Role.ADMIN):
        for role in Role:
            label = t._("Un·e collègue : {role}", role=role_name(t, role))
            buttons.append(Button(label, encode(Action.STAFF, f"inv-{role.value}")))
    return Screen(t._("Qui voulez-vous inviter ?"), column(*buttons))


def invite_link(t: Translator, link: str) -> Screen:
    text = t._("Voici le lien d'invitation (valable 7 jours, une seule fois) :\n{link}", link=link)
    return Screen(text, ((back(t),),))


def person_invite_link(t: Translator, link: str, invite_id: int) -> Screen:
    text = t._(
        "Voici le lien personnel à donner à la personne (valable 7 jours, une seule fois) :\n"
        "{link}\nEn l'ouvrant, elle sera reliée à vous et à votre structure.",
        link=link,
    )
    note = Button(
        t._("✏️ Ajouter une note pour la reconnaître"), encode(Action.STAFF, f"note-{invite_id}")
    )
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
            label = t._("Désactiver {name}", name=member.name)
            buttons.append(Button(label, encode(Action.STAFF, f"off-{site_id}-{member.staff_id}")))
    return Screen("\n".join(lines), column(*buttons, back(t)))


def confirm_deactivation(t: Translator, site_id: int, member_id: int) -> Screen:
    return Screen(
        t._(
            "Désactiver ce membre ? Les personnes qu'il ou elle accompagne seront confiées "
            "aux autres référent·es de la structure, qui seront prévenu·es."
        ),
        column(
            Button(t._("Oui, désactiver"), encode(Action.STAFF, f"offok-{site_id}-{member_id}")),
            back(t),
        ),
    )


def deactivated(t: Translator, handed_over: int) -> Screen:
    return Screen(
        t.ngettext(
            "C'est fait. {n} personne a été confiée à un·e autre référent·e.",
            "C'est fait. {n} personnes ont été confiées à d'autres référent·es.",
            handed_over,
        )
    )


def journal(t: Translator, lines: list[AuditLine]) -> Screen:
    rows = [t._("<b>Journal des accès</b> (les 30 derniers)")]
    for line in lines:
        who = (
            html.escape(line.staff_name, quote=False) if line.staff_name else t._("compte supprimé")
        )
        person = t._(" — personne n°{id}", id=line.person_id) if line.person_id else ""
        outcome = "" if line.outcome == "allowed" else t._(" (refusé)")
        what = t._(ACTION_NAMES.get(line.action, line.action))
        rows.append(f"• {t.moment(line.at, 'short')} — {who} — {what}{person}{outcome}")
    if len(rows) == 1:
        rows.append(t._("Aucun accès pour l'instant."))
    return Screen("\n".join(rows), ((back(t),),))


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
        label = t._("Traiter la demande n°{id}", id=change.request_id)
        buttons.append(Button(label, encode(Action.STAFF, f"chg-{change.request_id}")))
    return Screen("\n".join(lines), column(*buttons, back(t)))


def pick_referent(t: Translator, request_id: int, referents: list[MemberLine]) -> Screen:
    return Screen(
        t._("Qui accompagnera désormais cette personne ?"),
        column(
            *(
                Button(m.name, encode(Action.STAFF, f"to-{request_id}-{m.staff_id}"))
                for m in referents
            ),
            back(t),
        ),
    )


def reassigned(t: Translator) -> Screen:
    return Screen(
        t._("C'est fait : la personne et son nouveau ou sa nouvelle référent·e sont prévenu·es.")
    )


def not_allowed(t: Translator) -> Screen:
    return Screen(t._("Désolé, vous n'avez pas accès à cette fonction."))


def back(t: Translator) -> Button:
    return Button(t._("⬅️ Espace professionnel"), encode(Action.STAFF, "home"))


def notice(t: Translator, item: Notice) -> Screen:
    """Messages the bot sends on its own initiative after a staff action."""
    if item.kind == "persons_received":
        return Screen(
            t.ngettext(
                "Vous accompagnez désormais {n} personne de plus.",
                "Vous accompagnez désormais {n} personnes de plus.",
                item.count,
            )
        )
    if item.kind == "change_requested":
        return Screen(
            t._(
                "Une personne demande à changer de référent·e. "
                "Voir : Espace professionnel → Demandes."
            )
        )
    if item.kind == "referent_changed" and item.name:
        return Screen(t._("Votre référent·e est désormais {name}.", name=item.name))
    if item.kind == "referent_changed":
        return Screen(
            t._("Votre référent·e a changé. L'équipe de votre structure vous recontactera.")
        )
    raise ValueError(f"no screen for notice {item.kind}")


def persons(t: Translator, site_id: int, lines: list[PersonLine]) -> Screen:
    if not lines:
        return Screen(t._("Aucune personne pour l'instant."), ((back(t),),))
    buttons = [
        Button(
            t._("Personne n°{id}", id=line.person_id) + (f" — {line.note}" if line.note else ""),
            encode(Action.STAFF, f"pv-{line.person_id}"),
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
