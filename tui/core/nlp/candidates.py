"""Candidate spans shared by the rule components, and token tests they all use.

Each rule component adds labelled spans to ``doc.spans[CANDIDATES]``; only the last component
(``sorot_consistency``) decides which ones become ``doc.ents``. A span's ``id_`` names the rule
that made it, and the rule's tier and priority settle overlaps.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.attrs import ORTH  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.tokens import Doc, Span, Token

CANDIDATES = "sorot_candidates"

STRONG, WEAK = 0, 1
"""Weak candidates are guesses: they only fill gaps left by strong ones and never displace them."""

RULES: dict[str, tuple[int, int]] = {
    # rule name: (tier, priority among spans of equal length; higher wins)
    "dateline": (STRONG, 95),
    "person_title": (STRONG, 90),
    "person_apposition": (STRONG, 88),
    "person_initials": (STRONG, 87),
    "org_head": (STRONG, 80),
    "org_acronym": (STRONG, 75),
    "loc_head": (STRONG, 70),
    "gazetteer_org": (STRONG, 66),
    "gazetteer_region": (STRONG, 65),
    "gazetteer_city": (STRONG, 60),
    "gazetteer_city_common": (STRONG, 55),
    "gazetteer_acronym": (STRONG, 54),
    "initials": (STRONG, 52),
    "consistency": (STRONG, 50),
    # A trained NER's entities (tui.core.nlp.ensemble): below the rules that know a name's shape
    # or a gazetteer entry, above the numeric rules; "model_weak" only fills gaps.
    "model": (STRONG, 58),
    # Holidays ("Idul Adha", "Lebaran", "HUT RI ke-80") are dates, whatever a model or a
    # gazetteer of places makes of their capitalised words.
    "holiday": (STRONG, 67),
    "date": (STRONG, 45),
    "time": (STRONG, 44),
    "money": (STRONG, 43),
    "percent": (STRONG, 42),
    "quantity": (STRONG, 41),
    "cardinal": (STRONG, 40),
    "ordinal": (STRONG, 39),
    "reporting_subject": (WEAK, 20),
    "attribution": (WEAK, 21),
    "model_weak": (WEAK, 15),
    "weak_consistency": (WEAK, 10),
}

NAME_LABELS = frozenset({"PERSON", "ORG", "LOC"})

_SENTENCE_END = frozenset({".", "!", "?", "…", ":", ";"})
_OPENERS = frozenset({'"', "“", "'", "‘", "(", "[", "-", "—", "–"})


def add_candidate(doc: Doc, start: int, end: int, label: str, rule: str) -> Span | None:
    """Record a candidate entity ``doc[start:end]``; empty or out-of-range spans are ignored."""
    if rule not in RULES:
        raise KeyError(f"unknown rule name {rule!r}; add it to RULES")
    if not 0 <= start < end <= len(doc):
        return None
    span = Span(doc, start, end, label=label, span_id=rule)
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    doc.spans[CANDIDATES].append(span)
    return span


def token_texts(doc: Doc, attr: int = ORTH) -> list[str]:
    """Every token's text, or another string attribute such as ``LOWER``, without a ``Token`` each."""
    strings = doc.vocab.strings
    return [strings[key] for key in doc.to_array(attr).tolist()]


def candidates(doc: Doc) -> list[Span]:
    return list(doc.spans[CANDIDATES]) if CANDIDATES in doc.spans else []


def rank(span: Span) -> tuple[int, int]:
    return RULES.get(span.id_, (WEAK, 0))


def is_name_token(tok: Token) -> bool:
    """Capitalised word with lower-case letters: ``Widodo``, ``O'Brien``, ``McDonald`` (not ``KPK``)."""
    return is_name_text(tok.text)


@lru_cache(maxsize=100_000)
def is_name_text(text: str) -> bool:
    """``is_name_token`` of a token's text."""
    return (
        len(text) >= 2
        and text[0].isupper()
        and any(c.islower() for c in text[1:])
        and all(c.isalpha() or c in "'’." for c in text)
        and not text.endswith(".")
    )


def is_acronym(tok: Token) -> bool:
    """All-caps word of 2 to 6 letters: ``KPK``, ``AS``, ``BMKG``."""
    return is_acronym_text(tok.text)


def is_acronym_text(text: str) -> bool:
    """``is_acronym`` of a token's text."""
    return 2 <= len(text) <= 6 and text.isalpha() and text.isupper()


def sentence_initial(tok: Token) -> bool:
    """True for the first word of a sentence, looking back over quotes and brackets."""
    i = tok.i - 1
    doc = tok.doc
    while i >= 0 and doc[i].text in _OPENERS:
        i -= 1
    return i < 0 or doc[i].text in _SENTENCE_END or (doc[i].is_space and "\n" in doc[i].text)


def sentence_initial_word(words: list[str], i: int) -> bool:
    """``sentence_initial`` of the ``i``-th of a doc's token texts (``token_texts``), for rules that read strings."""
    i -= 1
    while i >= 0 and words[i] in _OPENERS:
        i -= 1
    return i < 0 or words[i] in _SENTENCE_END or (not words[i].strip() and "\n" in words[i])
