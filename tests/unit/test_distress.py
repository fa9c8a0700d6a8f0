"""Distress rules: the file read with every mistake at its line, phrases matched however
they are typed (case, accents, vowel marks, typos) and cancelled by their negations, the
numbers in the protocol's order, and secrets typed into the chat."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.distress import (
    Concern,
    DistressRules,
    Hit,
    Number,
    Rule,
    RuleError,
    looks_like_secret,
    numbers_for,
    parse_rules,
)

RULES_FILE = Path(__file__).resolve().parents[2] / "flows" / "distress" / "rules.yaml"


SINGLE = (
    "can match a single word; a phrase needs two or more "
    "(a single word says too little: « mourir », « rue », « enfant »)"
)


def rules(text: str) -> DistressRules:
    parsed = parse_rules(textwrap.dedent(text))
    assert isinstance(parsed, DistressRules), parsed
    return parsed


def errors(text: str) -> list[RuleError]:
    parsed = parse_rules(textwrap.dedent(text))
    assert isinstance(parsed, list), "the file should have been refused"
    return parsed


def one_rule(*phrases: str, unless: tuple[str, ...] = ()) -> DistressRules:
    """A file of one French suicide rule with these phrases and guards."""
    lines = ["rules:", "  - id: test", "    concern: suicide", "    language: fr", "    phrases:"]
    lines += [f'      - "{phrase}"' for phrase in phrases]
    if unless:
        lines += ["    unless:", *(f'      - "{guard}"' for guard in unless)]
    return rules("\n".join(lines) + "\n")


def hit(found: DistressRules, text: str) -> bool:
    return bool(found.match(text))


@pytest.fixture(scope="module")
def real() -> DistressRules:
    parsed = parse_rules(RULES_FILE.read_text(encoding="utf-8"))
    assert isinstance(parsed, DistressRules), parsed
    return parsed


# Reading the file


def test_a_good_file_gives_its_rules_in_order() -> None:
    found = rules(
        """\
        rules:
          - id: fr-street
            concern: street
            language: fr
            phrases: ["je dors dehors"]
          - id: fr-die
            concern: suicide
            language: fr
            phrases: ["je veux mourir"]
            unless: ["pas"]
        """
    )
    assert [(rule.id, rule.concern, rule.language, rule.line) for rule in found.rules] == [
        ("fr-street", Concern.STREET, "fr", 2),
        ("fr-die", Concern.SUICIDE, "fr", 6),
    ]
    assert found.rules[1].unless == ("pas",), "a guard may be a single word"
    assert found.concerns == {Concern.STREET, Concern.SUICIDE}
    both = found.match("Je veux mourir. Je dors dehors.")
    assert both == (Hit("fr-street", Concern.STREET), Hit("fr-die", Concern.SUICIDE))


def test_every_mistake_is_reported_at_its_line_in_one_pass() -> None:
    found = errors(
        """\
        rules:
          - id: one
            concern: suicde
            language: fr
            phrases: ["je veux mourir"]
          - id: one
            concern: street
            language: de
            phrase: ["je dors dehors"]
          - id: Bad Id
            concern: hunger
            language: fr
            phrases:
              - "rien a manger"
              - "mourir"
              - "(je|) mourir"
              - ""
              - "(je|j mourir"
              - "* je dors"
              - "je * * dors"
              - "je|j dors"
              - "fr*pp moi"
              - "fr* moi"
              - "je ^ dors"
              - "rien a manger"
          - id: three
            concern: child
            language: en
            phrases: []
        """
    )
    assert [(error.line, error.message) for error in found] == [
        (3, "concern `suicde` is unknown: did you mean `suicide`?"),
        (6, "a rule has no `phrases`"),
        (6, "id `one` is used twice (first at line 2)"),
        (8, "language `de` is unknown: expected one of: ar, en, fr, uk"),
        (9, "unknown key `phrase` in a rule: did you mean `phrases`?"),
        (10, "id `Bad Id` is not valid: use lowercase letters, digits, '-' and '_', at most 80"),
        (15, f"phrases: `mourir` {SINGLE}"),
        (16, f"phrases: `(je|) mourir` {SINGLE}"),
        (17, "phrases: an empty pattern"),
        (
            18,
            "phrases: `(je|j mourir`: a `(` is not closed or opened: write alternatives as `(a|b)`",
        ),
        (19, "phrases: `* je dors`: a gap (`*`, `...`) goes between two words"),
        (20, "phrases: `je * * dors`: two gaps in a row: write one, `*5` for up to 5 words"),
        (21, "phrases: `je|j dors`: `je|j`: alternatives go in parentheses, `(a|b)`"),
        (
            22,
            "phrases: `fr*pp moi`: `fr*pp`: `*` goes only at the end of a word, `=` only before it",
        ),
        (23, "phrases: `fr* moi`: `fr*`: a stem before `*` needs 3 letters or more"),
        (24, "phrases: `je ^ dors`: `^` goes only at the start of a pattern, `$` only at its end"),
        (25, "phrases: `rien a manger` is written twice (line 14)"),
        (29, "`phrases` is empty: a rule needs at least one phrase"),
    ]


def test_a_file_that_is_not_yaml_or_not_rules_says_where() -> None:
    not_yaml = errors("rules:\n  - id: a: b\n")
    assert len(not_yaml) == 1 and not_yaml[0].line == 2
    assert not_yaml[0].message.startswith("not valid YAML: mapping values are not allowed")
    assert errors("")[0] == RuleError(1, "the file is empty: write `rules:` first")
    assert errors("rule: []\n")[0].message.startswith("unknown key `rule` in the file")
    assert errors("rules: nothing\n")[0].message.startswith("`rules` should be a list")
    assert errors("rules:\n  - just a text\n")[0] == RuleError(
        2, "a rule should be a mapping of `key: value`"
    )


def test_a_phrase_is_never_a_single_word() -> None:
    for phrase in ("mourir", "(mourir|crever)", "(je|) mourir", "^ mourir $", "mour*"):
        found = errors(
            f'rules:\n  - {{id: a, concern: suicide, language: fr, phrases: ["{phrase}"]}}\n'
        )
        assert found[0].line == 2 and "single word" in found[0].message, phrase
    for phrase in ("je mourir", "(je|j) mourir", "(je veux|jveux) mourir", "je * mourir"):
        assert one_rule(phrase).rules[0].phrases == (phrase,)


def test_a_rule_built_by_hand_with_a_bad_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="not closed"):
        DistressRules((Rule("a", Concern.SUICIDE, "fr", ("(je mourir",)),))


def test_the_real_file_reads() -> None:
    assert isinstance(parse_rules(RULES_FILE.read_text(encoding="utf-8")), DistressRules)


# Matching as people type


def test_case_accents_punctuation_and_repeated_letters_are_set_aside() -> None:
    found = one_rule("je veux mourir")
    for text in (
        "JE VEUX MOURIR",
        "jé vèux moùrir",
        "Je veux, mourir!!!",
        "je... veux… mourir",
        "je veux mouriiiiir",
        "  je   veux\tmourir ",
        "ok je veux mourir voila",
    ):
        assert hit(found, text), text
    assert not hit(found, "je veux courir")


def test_a_long_word_may_carry_a_typo_but_not_on_its_first_letter() -> None:
    found = one_rule("je veux mourir", "mon (mari|conjoint) me frappe")
    assert hit(found, "je veux mourrir")  # 6 letters: one typo
    assert hit(found, "je veux mourire")
    assert not hit(found, "je veux mouuriirre")  # three edits
    assert not hit(found, "je veux nourir mes enfants"), "the first letter must be right"
    assert hit(found, "mon conjiont me frappe")  # 8 letters: two typos
    assert not hit(found, "mon mary me frappe"), "a short word is exact"
    exact = one_rule("je suis =starving")
    assert not hit(exact, "je suis staying")


def test_stems_gaps_and_anchors() -> None:
    stems = one_rule("il me frapp*")
    assert hit(stems, "il me frappait") and hit(stems, "il me frappe")
    assert hit(stems, "il me frapait"), "a stem of 5 letters may carry a typo"
    assert not hit(stems, "il me fait")
    gap = one_rule("je *1 mourir")
    assert hit(gap, "je mourir") and hit(gap, "je veux mourir")
    assert not hit(gap, "je veux vraiment mourir")
    anchored = one_rule("^ je suis seul $")
    assert hit(anchored, "Je suis seul.") and hit(anchored, "Bonjour. Je suis seul")
    assert not hit(anchored, "je suis seul ce soir") and not hit(anchored, "moi je suis seul")


def test_a_phrase_stays_in_its_sentence() -> None:
    found = one_rule("je veux mourir")
    assert not hit(found, "je veux. Mourir")
    assert not hit(found, "je veux\nmourir")


def test_sms_spellings_are_alternatives_of_the_file() -> None:
    found = one_rule("(je veux|jveux|j veux) mourir")
    assert hit(found, "jveux mourir") and hit(found, "j'veux mourir") and hit(found, "Jveux mourir")


def test_arabic_marks_letter_variants_and_a_leading_and() -> None:
    found = one_rule("أريد أن أموت", "زوجي يضربني")
    for text in ("اريد ان اموت", "أُرِيدُ أَنْ أَمُوتَ", "اريــــد ان امــوت", "إريد إن اموت"):
        assert hit(found, text), text
    assert hit(found, "وزوجي يضربني"), "wa- glued to the word"
    taa = one_rule("الحياة صعبة")
    assert hit(taa, "الحياه صعبه") and hit(taa, "الحياة صعبة")
    assert hit(one_rule("ابغى اموت"), "ابغي اموت"), "alef maqsura and yaa are one"


def test_ukrainian_apostrophes_and_letters() -> None:
    found = one_rule("він мене б'є")
    for text in ("він мене б'є", "він мене бʼє", "він мене б’є", "він мене бє", "ВІН МЕНЕ Б'Є"):
        assert hit(found, text), text
    assert not hit(one_rule("мій син"), "мии син"), "й is not и in a short word"
    assert hit(one_rule("хочу померти"), "хочу помирти"), "a typo in a long word"


# Guards


def test_a_negation_cancels_the_phrase_it_touches() -> None:
    found = one_rule(
        "(je|j) (veux|ve) *1 mourir",
        unless=("(ne|n) (veux|ve) pas", "(veux|ve) pas mourir"),
    )
    assert hit(found, "je veux mourir")
    assert hit(found, "je veux vraiment mourir")
    assert not hit(found, "je ne veux pas mourir")
    assert not hit(found, "je veux pas mourir")
    assert hit(found, "je ne veux pas y aller demain a la caf, je veux mourir"), "too far"
    assert hit(found, "Je ne veux pas. Je veux mourir."), "another sentence"


def test_the_real_guards(real: DistressRules) -> None:
    for text in (
        "je ne veux pas mourir",
        "je veux en finir avec ce dossier",
        "je ne dors plus dehors",
        "il ne me frappe plus",
        "le rendez-vous est à la rue de la Paix",
        "je n'ai pas faim",
        "la démarche est gratuite, on ne paie pas un centime ?",
        "لا أريد أن أموت",
        "не хочу помирати",
        "the website kicked me out",
    ):
        assert real.match(text) == (), text


def test_the_examples_of_the_product_owner(real: DistressRules) -> None:
    examples = {
        "je dors dehors ce soir": Concern.STREET,
        "je veux mourir": Concern.SUICIDE,
        "mon mari me frappe": Concern.VIOLENCE,
        "زوجي يضربني": Concern.VIOLENCE,
        "أريد أن أموت": Concern.SUICIDE,
        "أنام في الشارع الليلة": Concern.STREET,
    }
    for text, concern in examples.items():
        assert [found.concern for found in real.match(text)] == [concern], text


# Numbers


def test_numbers_follow_the_protocol() -> None:
    assert numbers_for([Concern.SUICIDE]) == (
        Number.SUICIDE_3114,
        Number.SAMU_15,
        Number.EUROPE_112,
    )
    assert numbers_for([Concern.VIOLENCE]) == (
        Number.POLICE_17,
        Number.EUROPE_112,
        Number.SMS_114,
        Number.VIOLENCE_3919,
    )
    assert numbers_for([Concern.CHILD]) == (Number.CHILD_119, Number.POLICE_17, Number.EUROPE_112)
    for concern in (Concern.STREET, Concern.THROWN_OUT, Concern.HUNGER, Concern.NO_MONEY):
        assert numbers_for([concern]) == (Number.SHELTER_115,)
    assert numbers_for([]) == ()


def test_numbers_of_several_concerns_come_most_urgent_first_each_once() -> None:
    expected = (Number.SUICIDE_3114, Number.SAMU_15, Number.EUROPE_112, Number.SHELTER_115)
    assert numbers_for([Concern.STREET, Concern.SUICIDE, Concern.HUNGER]) == expected
    assert numbers_for([Concern.SUICIDE, Concern.STREET, Concern.STREET]) == expected
    assert numbers_for({Concern.CHILD, Concern.VIOLENCE}) == (
        Number.POLICE_17,
        Number.EUROPE_112,
        Number.SMS_114,
        Number.VIOLENCE_3919,
        Number.CHILD_119,
    )
    assert set(numbers_for(Concern)) == set(Number), "every number is given for something"


def test_stored_values_do_not_change() -> None:
    assert [concern.value for concern in Concern] == [
        "suicide",
        "violence",
        "thrown_out",
        "street",
        "hunger",
        "no_money",
        "child",
    ]
    assert [number.value for number in Number] == [
        "3114",
        "15",
        "112",
        "17",
        "114",
        "3919",
        "119",
        "115",
    ]


# Properties

LATIN_MESSAGES = (
    "je veux mourir",
    "mon mari me frappe tous les soirs",
    "je dors dehors ce soir",
    "j'ai plus un centime",
    "mes enfants ont faim",
    "on m'a mis dehors",
    "il frappe mon enfant",
    "je n'ai pas mangé depuis deux jours",
    "I want to die",
    "my husband beats me",
)
OTHER_MESSAGES = ("زوجي يضربني", "أنام في الشارع الليلة", "чоловік мене б'є", "хочу померти")
ACCENTS = "\u0300\u0301\u0302\u0308\u0327"  # grave, acute, circumflex, diaeresis, cedilla
ARABIC_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"  # tashkeel, tatweel


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@st.composite
def retyped(draw: st.DrawFn) -> tuple[str, str]:
    """A matching message, and the same retyped: each letter's case flipped at random,
    accents added to Latin letters or taken off, vowel marks and tatweel on Arabic."""
    message = draw(st.sampled_from(LATIN_MESSAGES + OTHER_MESSAGES))
    base = _plain(message) if draw(st.booleans()) else message
    out = []
    for char in base:
        out.append(char.upper() if draw(st.booleans()) else char.lower())
        if "a" <= char.lower() <= "z" and draw(st.booleans()):
            out.append(draw(st.sampled_from(ACCENTS)))
        elif "\u0621" <= char <= "\u064a" and draw(st.booleans()):
            out.append(draw(st.sampled_from(ARABIC_MARKS)))
    return message, "".join(out)


@settings(max_examples=300, deadline=None)
@given(retyped())
def test_matching_ignores_case_and_accents(pair: tuple[str, str]) -> None:
    message, typed = pair
    real = parse_real()
    assert real.match(message), message
    assert real.match(typed) == real.match(message), typed


_REAL: list[DistressRules] = []


def parse_real() -> DistressRules:
    """The real rules, read once for all Hypothesis examples."""
    if not _REAL:
        parsed = parse_rules(RULES_FILE.read_text(encoding="utf-8"))
        assert isinstance(parsed, DistressRules)
        _REAL.append(parsed)
    return _REAL[0]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_matched_without_error(text: str) -> None:
    assert isinstance(parse_real().match(text), tuple)
    assert isinstance(looks_like_secret(text), bool)


# Secrets


@pytest.mark.parametrize(
    "text",
    [
        "mon mot de passe c'est Xyz123!",
        "mdp: soleil",
        "MDP : Soleil2024",
        "mdp:Xyz123!",
        "mon mot-de-passe=azerty",
        "mon mot de passe pour la CAF est Caf2024!",
        "le code de confirmation : 4821",
        "j'ai reçu un code par SMS : 482193",
        "code secret 1234",
        "password is hunter2",
        "my password: Summer2024",
        "verification code 583920",
        "كلمة السر هي Abc12345",
        "كلمة المرور: salam2020",
        "رمز التحقق 583920",
        "мій пароль qwerty123",
        "пароль: котик2024",
        "код підтвердження 4821",
        "Tr0ub4dor&3",
        "P@ssw0rd!",
    ],
)
def test_a_secret_is_seen(text: str) -> None:
    assert looks_like_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai oublié mon mot de passe",
        "mon mot de passe ne marche pas",
        "mot de passe : oublié",
        "mon mot de passe est bloqué",
        "mon mot de passe a expiré le 12/03/2024",
        "j'ai changé mon mot de passe en 2024",
        "le rendez-vous est le 12/03/2026 à 14h30",
        "mon numéro allocataire est 1234567",
        "code postal 44000",
        "mon code postal : 44000, j'ai reçu un SMS",
        "mon numéro : 06 12 34 56 78",
        "+33612345678",
        "j'ai payé 225,50€",
        "mon email est jean.dupont92@gmail.com",
        "https://www.caf.fr/allocataires/mon-compte?id=12",
        "le dossier AB-2024-12345",
        "Bonjour, je voudrais un rendez-vous demain",
        "J'ai reçu le SMS avec le code mais il ne marche pas",
        "I forgot my password",
        "my password doesn't work",
        "نسيت كلمة السر",
        "الرمز البريدي 75001",
        "я забула пароль",
        "поштовий код 01001",
    ],
)
def test_an_ordinary_message_is_not_a_secret(text: str) -> None:
    assert not looks_like_secret(text)
