"""Every message the bot sends on its own initiative after a change, in one place.

`notice` matches every kind of `core.notices.Notice`: mypy reports a kind without words.
"""

from __future__ import annotations

from typing import assert_never

from core.i18n import Translator
from core.notices import (
    ChangeRequested,
    Notice,
    PersonsReceived,
    PersonUnreachable,
    ReferentChanged,
    RetentionErased,
    RetentionWarning,
    SharingEnds,
)
from core.screens import Screen
from screens import privacy
from screens.staff import back


def notice(t: Translator, item: Notice) -> Screen:
    match item:
        case PersonsReceived(count=count):
            return Screen(
                t.ngettext(
                    "Vous accompagnez désormais {n} personne de plus.",
                    "Vous accompagnez désormais {n} personnes de plus.",
                    count,
                ),
                ((back(t),),),
            )
        case ChangeRequested():
            return Screen(
                t._(
                    "Une personne demande à changer de référent·e. "
                    "Voir : Espace professionnel → Demandes."
                ),
                ((back(t),),),
            )
        case ReferentChanged(name=str() as name):
            return Screen(t._("Votre référent·e est désormais {name}.", name=name))
        case ReferentChanged():
            return Screen(
                t._("Votre référent·e a changé. L'équipe de votre structure vous recontactera.")
            )
        case RetentionWarning():
            return privacy.retention_warning(t)
        case RetentionErased():
            return privacy.retention_erased(t)
        case SharingEnds():
            return privacy.sharing_ends(t)
        case PersonUnreachable(person_id=person_id):
            return Screen(
                t._(
                    "Je ne peux plus écrire à la personne n°{id} : elle a peut-être bloqué "
                    "le bot. Vous pouvez la contacter autrement.",
                    id=person_id,
                ),
                ((back(t),),),
            )
        case _:
            assert_never(item)
