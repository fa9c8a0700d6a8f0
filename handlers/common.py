"""Small helpers every journey uses: who is writing, in which language, are they set up."""

from __future__ import annotations

from telegram import Update

from app.context import AllianceContext
from core.i18n import Translator
from handlers import reply
from screens import fallback, onboarding
from services import onboarding as onboarding_service
from services.onboarding import PersonView, Visitor


def visitor_of(update: Update) -> Visitor:
    user = update.effective_user
    if user is None:  # filters only route updates that have a user here
        raise ValueError("update without a user")
    return Visitor(user.id, user.language_code)


async def person_of(update: Update, context: AllianceContext) -> tuple[PersonView, Translator]:
    services = context.services
    person = await onboarding_service.visit(
        services.db, visitor_of(update), services.clock.now(), services.settings.default_language
    )
    return person, services.translations.get(person.language)


async def translator_of(update: Update, context: AllianceContext) -> Translator:
    """The person's language without creating anything (help must not need a record)."""
    services = context.services
    code = await onboarding_service.language_of(
        services.db, visitor_of(update), services.settings.default_language
    )
    return services.translations.get(code)


async def ready_person(
    update: Update, context: AllianceContext
) -> tuple[PersonView, Translator] | None:
    """The person, if onboarding is done; otherwise show where onboarding stands."""
    person, t = await person_of(update, context)
    if person.ready:
        return person, t
    await reply.answer(
        update,
        context,
        t,
        fallback.onboarding_first(t),
        onboarding.resume(t, person.stage, person.language),
    )
    return None
