"""The person's accompaniment (site, referent) and what they share with their referent."""

from __future__ import annotations

from datetime import datetime

from core.i18n import N_, Safe, Translator
from core.intents import (
    AskAnotherReferent,
    ListSites,
    PickAreas,
    PickDuration,
    PickSite,
    SearchSites,
    SetSharing,
)
from core.screens import Button, Label, Screen, column
from core.sharing import ALL_AREAS, Area, Duration, Grant
from core.sites import SiteSummary
from screens.contact import contact_details
from screens.home import back_to_menu
from services.support import Support

AREA_NAMES = {
    Area.CAF: N_("CAF (RSA, prime d'activité, aides)"),
    Area.PREFECTURE: N_("préfecture (titre de séjour)"),
    Area.HOUSING: N_("logement"),
}
DURATION_NAMES = {
    Duration.DAY: N_("Un jour"),
    Duration.MONTH: N_("Un mois"),
    Duration.HALF_YEAR: N_("Six mois"),
    Duration.YEAR: N_("Un an"),
    Duration.UNTIL_CHANGED: N_("Jusqu'à ce que je change d'avis"),
}
SITES_PER_PAGE = 6


def accompaniment(t: Translator, support: Support) -> Screen:
    if support.site_name is None:
        return Screen(
            t._(
                "Pour l'instant, vous n'avez pas de structure. Ce n'est pas obligatoire : "
                "les démarches marchent sans. Pour un rendez-vous ou l'aide d'une personne, "
                "choisissez la structure qui vous accompagne."
            ),
            column(
                Button(t.label("🏢 Choisir ma structure"), ListSites(0)),
                back_to_menu(t),
            ),
        )
    lines = [t._("Votre structure : <b>{site}</b>", site=support.site_name)]
    if support.referent_name:
        lines.append(
            t._("La personne qui vous accompagne : <b>{name}</b>", name=support.referent_name)
        )
    else:
        lines.append(
            t._(
                "Personne ne vous accompagne encore. "
                "L'équipe de votre structure peut vous proposer quelqu'un."
            )
        )
    buttons = [Button(t.label("🏢 Changer de structure"), ListSites(0))]
    lines.extend(contact_details(t, support.contact))
    if support.change_pending:
        lines.append(
            t._("Vous avez demandé qu'une autre personne vous accompagne. C'est en cours.")
        )
    elif support.referent_name:
        buttons.append(Button(t.label("🔁 Demander une autre personne"), AskAnotherReferent()))
    return Screen("\n".join(lines), column(*buttons, back_to_menu(t)))


def site_list(t: Translator, sites: list[SiteSummary], page: int) -> Screen:
    shown = sites[page * SITES_PER_PAGE : (page + 1) * SITES_PER_PAGE]
    buttons = [
        Button(Label(f"{s.name} ({s.postcode})" if s.postcode else s.name), PickSite(s.id))
        for s in shown
    ]
    if (page + 1) * SITES_PER_PAGE < len(sites):
        buttons.append(Button(t.label("➡️ Plus de structures"), ListSites(page + 1)))
    buttons.append(Button(t.label("🔎 Chercher par ville ou code postal"), SearchSites()))
    buttons.append(back_to_menu(t))
    text = t._("Quelle structure vous accompagne ?") if sites else t._("Aucune structure trouvée.")
    return Screen(text, column(*buttons))


def ask_town(t: Translator) -> Screen:
    return Screen(t._("Écrivez le nom de votre ville ou votre code postal."))


def site_chosen(t: Translator, name: str) -> Screen:
    """Said before the accompaniment page, which shows what to do next."""
    return Screen(t._("C'est noté : votre structure est {site}.", site=name))


def change_requested(t: Translator) -> Screen:
    return Screen(
        t._(
            "Votre demande est transmise à l'équipe de votre structure. "
            "Quelqu'un reviendra vers vous. Vous n'avez rien d'autre à faire."
        ),
        ((back_to_menu(t),),),
    )


def sharing(t: Translator, grant: Grant, now: datetime) -> Screen:
    visible = grant.visible(now)
    if not visible:
        status = t._("Aujourd'hui, la personne qui vous accompagne ne voit pas vos démarches.")
    else:
        names = ", ".join(t._(AREA_NAMES[a]) for a in sorted(visible))
        status = t._(
            "Aujourd'hui, la personne qui vous accompagne voit vos démarches : {areas}.",
            areas=names,
        )
        if grant.expires_at is not None:
            status += "\n" + t._(
                "Jusqu'au {date}.", date=t.day(grant.expires_at.astimezone(t.zone))
            )
    text = t._(
        "<b>Ce que je partage</b>\n{status}\n"
        "Vous décidez, et vous pouvez changer d'avis à tout moment.",
        status=Safe(status),
    )
    return Screen(
        text,
        column(
            Button(t.label("Tout partager"), PickDuration(ALL_AREAS)),
            Button(t.label("Choisir quoi partager"), PickAreas(visible)),
            Button(t.label("Ne rien partager"), SetSharing(frozenset(), Duration.UNTIL_CHANGED)),
            back_to_menu(t),
        ),
    )


def no_one_to_share_with(t: Translator) -> Screen:
    return Screen(
        t._(
            "<b>Ce que je partage</b>\n"
            "Personne ne vous accompagne encore dans Alliance : personne ne voit vos démarches.\n"
            "Si une personne vous accompagne un jour, vous choisirez ici ce qu'elle peut voir."
        ),
        ((back_to_menu(t),),),
    )


def pick_areas(t: Translator, chosen: frozenset[Area]) -> Screen:
    """Each area toggles when tapped; "Continue" asks for how long."""
    buttons = [
        Button(
            Label(("✅ " if area in chosen else "⬜ ") + t.label(AREA_NAMES[area])),
            PickAreas(chosen ^ {area}),
        )
        for area in Area
    ]
    buttons.append(Button(t.label("Continuer"), PickDuration(chosen)))
    return Screen(
        t._("Cochez ce que la personne qui vous accompagne peut voir :"), column(*buttons)
    )


def pick_duration(t: Translator, areas: frozenset[Area]) -> Screen:
    return Screen(
        t._("Pour combien de temps ?"),
        column(*(Button(t.label(DURATION_NAMES[d]), SetSharing(areas, d)) for d in Duration)),
    )


def sharing_saved(t: Translator) -> Screen:
    return Screen(t._("C'est enregistré. Vous pouvez changer d'avis quand vous voulez : /partage"))
