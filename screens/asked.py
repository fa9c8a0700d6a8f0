"""What the person is told of their request for a human: whom it went to, when to expect
an answer (and when the team is back), what they see. Said on the request's own screen
and under a step where "Je bloque" was tapped."""

from __future__ import annotations

from datetime import datetime

from core.handoffs import Share, Urgency, Who
from core.i18n import Translator
from services.handoffs import Waiting


def asked_lines(t: Translator, request: Waiting) -> list[str]:
    """Whom the request went to, when to expect an answer, what they see."""
    return [
        t._("✅ J'ai prévenu {whom}.", whom=_whom(t, request)),
        _when(t, request),
        _shared(t, request.share),
    ]


def _whom(t: Translator, request: Waiting) -> str:
    match request.who:
        case Who.REFERENT if request.referent:
            return t._("{name}, la personne qui vous accompagne", name=request.referent)
        case Who.PEER:
            return t._("un pair aidant de votre structure")
        case _:
            return t._("l'équipe de votre structure")


def _when(t: Translator, request: Waiting) -> str:
    """When to expect an answer: the time promised, and when the team is back if it is
    not at work now (said once, here, not on every message)."""
    if request.urgency is Urgency.URGENT:
        return t._("Une personne va vous répondre ici, vite.")
    now = request.at
    by = _at(t, request.answer_by, now) if request.answer_by else None
    if not request.open_now and request.back_at is not None:
        back = _at(t, request.back_at, now)
        if by:
            return t._(
                "L'équipe ne travaille pas en ce moment. Elle revient {back}. "
                "Réponse attendue ici avant {by}.",
                back=back,
                by=by,
            )
        return t._("L'équipe ne travaille pas en ce moment. Elle revient {back}.", back=back)
    if by:
        return t._("Réponse attendue ici avant {by}.", by=by)
    return t._("Une personne va vous répondre ici.")


def _at(t: Translator, moment: datetime, now: datetime) -> str:
    """ "15:30" today, else the day and time ("lundi 7 décembre, 09:00")."""
    if moment.astimezone(t.zone).date() == now.astimezone(t.zone).date():
        return t.clock_time(moment)
    return t.moment(moment, "EEEE d MMMM, HH:mm")


def _shared(t: Translator, share: Share) -> str:
    match share:
        case Share.STEP:
            return t._("Elle voit seulement la démarche et l'étape où vous en êtes.")
        case Share.MESSAGES:
            return t._("Elle voit aussi ce que vous écrivez ici.")
