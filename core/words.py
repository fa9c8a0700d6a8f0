"""Words compared as people type them: case, accents and punctuation set aside."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Case, accents and punctuation set aside, words separated by single spaces: how a
    month name is compared ("Février" and "fevrier", "janv." and "janv" are the same)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", "".join(kept), flags=re.UNICODE)
    return " ".join(words.split())
