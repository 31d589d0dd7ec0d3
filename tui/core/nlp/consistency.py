"""Last component: picks non-overlapping entities from the candidates and makes them consistent.

Within a document a name keeps its label: once "Joko Widodo" is a PERSON, a bare "Widodo"
anywhere (before or after) is one too, and a string labelled once is labelled the same at each
other capitalised occurrence. Acronyms take the label of the name they abbreviate, whether
spelled out in brackets ("Komisi Pemberantasan Korupsi (KPK)") or just present ("Amerika
Serikat" ... "AS").
"""

from __future__ import annotations

from spacy.lang.id.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from tui.core.nlp.candidates import (
    NAME_LABELS,
    STRONG,
    WEAK,
    candidates,
    is_acronym_text,
    is_name_text,
    rank,
    token_texts,
)
from tui.core.nlp.gazetteer import Gazetteer, gazetteer_config

# Gazetteer matches that a person's name in the same document outranks ("Bima" is a town, but
# after "Bima Arya" it is him); countries are never given up this way.
OVERRIDABLE = frozenset({"gazetteer_city", "gazetteer_city_common", "reporting_subject"})
_MAX_KEY = 6


@Language.factory(
    "sorot_consistency", default_config={"name_parts": True, "acronyms": True, "gazetteer": gazetteer_config()}
)
def make_consistency(nlp: Language, name: str, name_parts: bool, acronyms: bool, gazetteer: Gazetteer) -> Consistency:
    for key, value in (("name_parts", name_parts), ("acronyms", acronyms)):
        if not isinstance(value, bool):
            raise ValueError(f"[{name}] {key} must be true or false, got {value!r}")
    return Consistency(gazetteer, name_parts, acronyms)


class Consistency:
    def __init__(self, gazetteer: Gazetteer, name_parts: bool = True, acronyms: bool = True) -> None:
        self.gaz = gazetteer
        self.name_parts = name_parts
        self.acronyms = acronyms

    def __call__(self, doc: Doc) -> Doc:
        cands = candidates(doc)
        words = token_texts(doc)
        taken: dict[int, Span] = {}
        picked = self._select([s for s in cands if rank(s)[0] == STRONG], taken)
        if self.acronyms:
            picked += self._acronyms(doc, words, picked, taken)
        picked += self._propagate(doc, words, picked, taken, "consistency")
        weak = self._select([s for s in cands if rank(s)[0] == WEAK], taken)
        picked = [s for s in picked if taken.get(s.start) is s]  # drop spans a name took over
        picked += weak
        picked += self._propagate(doc, words, weak, taken, "weak_consistency")
        doc.ents = sorted(
            {(s.start, s.end): s for s in picked if taken.get(s.start) is s}.values(), key=lambda s: s.start
        )
        return doc

    @staticmethod
    def _select(spans: list[Span], taken: dict[int, Span]) -> list[Span]:
        """Longest first, then the rule's priority, then the earliest; never overlapping."""
        chosen = []
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), -rank(s)[1], s.start)):
            if any(i in taken for i in range(span.start, span.end)):
                continue
            for i in range(span.start, span.end):
                taken[i] = span
            chosen.append(span)
        return chosen

    @staticmethod
    def _claim(doc: Doc, start: int, end: int, label: str, rule: str, taken: dict[int, Span]) -> Span | None:
        """Label ``doc[start:end]`` unless a span that may not be overridden is in the way."""
        in_way = {id(taken[i]): taken[i] for i in range(start, end) if i in taken}
        for span in in_way.values():
            if span.id_ not in OVERRIDABLE or span.start < start or span.end > end:
                return None
        for span in in_way.values():
            for i in range(span.start, span.end):
                del taken[i]
        new = Span(doc, start, end, label=label, span_id=rule)
        for i in range(start, end):
            taken[i] = new
        return new

    def _acronyms(self, doc: Doc, words: list[str], picked: list[Span], taken: dict[int, Span]) -> list[Span]:
        added = []
        # "Komisi Pemberantasan Korupsi (KPK)": the bracketed short form of a name.
        for span in picked:
            end = span.end
            if end + 2 >= len(words) or words[end] != "(" or words[end + 2] != ")" or span.label_ not in NAME_LABELS:
                continue
            short = words[end + 1]
            if short[:1] == words[span.start][:1] and (is_acronym_text(short) or is_name_text(short)):
                if end + 1 not in taken:
                    new = self._claim(doc, end + 1, end + 2, span.label_, "initials", taken)
                    if new is not None:
                        added.append(new)
        # Initials of a multi-word place or organisation of this document: "AS" after
        # "Amerika Serikat". Initials shared by names of different labels are left alone.
        by_initials: dict[str, set[str]] = {}
        for span in picked:
            if span.label_ in {"LOC", "ORG"} and len(span) >= 2:
                letters = "".join(w[0] for w in words[span.start : span.end] if w[0].isupper())
                if len(letters) >= 2:
                    by_initials.setdefault(letters, set()).add(span.label_)
        if not by_initials:
            return added
        for i, word in enumerate(words):
            labels = by_initials.get(word)
            if labels and len(labels) == 1 and is_acronym_text(word) and i not in taken:
                new = self._claim(doc, i, i + 1, next(iter(labels)), "initials", taken)
                if new is not None:
                    added.append(new)
        return added

    def _keys(self, texts: list[str], spans: list[Span]) -> dict[tuple[str, ...], str]:
        """Word sequences of ``spans`` (token ``texts`` of the doc) and name parts -> their label."""
        full: dict[tuple[str, ...], set[str]] = {}
        parts: dict[tuple[str, ...], set[str]] = {}
        for span in spans:
            if span.label_ not in NAME_LABELS:
                continue
            words = tuple(texts[span.start : span.end])
            full.setdefault(words, set()).add(span.label_)
            if self.name_parts and span.label_ == "PERSON":
                # "Joko Widodo" -> "Widodo"; "Lee Jae Myung" -> "Jae Myung", "Myung".
                for k in range(1, len(words)):
                    tail = words[k:]
                    if all(w[:1].isupper() for w in tail) and tail[0].lower() not in STOP_WORDS:
                        parts.setdefault(tail, set()).add("PERSON")
                # Indonesian news also shortens to the first name ("Firli Bahuri" -> "Firli"),
                # unless that is a word ("Yang", "Budi") that may stand for itself.
                first = words[0]
                if len(words) > 1 and not self.gaz.is_word(first) and first.lower() not in STOP_WORDS:
                    parts.setdefault((first,), set()).add("PERSON")
        keys = {}
        for words, labels in parts.items():
            if len(labels) == 1:
                keys[words] = "PERSON"
        for words, labels in full.items():
            # A full name's own label beats a name part ("Jordan" the country vs "Michael
            # Jordan"), and a string with two labels in the same document is left alone.
            if len(labels) == 1:
                keys[words] = next(iter(labels))
            else:
                keys.pop(words, None)
        return keys

    def _propagate(
        self, doc: Doc, words: list[str], source: list[Span], taken: dict[int, Span], rule: str
    ) -> list[Span]:
        keys = self._keys(words, source)
        if not keys:
            return []
        longest = min(_MAX_KEY, max(len(k) for k in keys))
        first_words = {k[0] for k in keys}
        added = []
        i = 0
        while i < len(words):
            step = 1
            word = words[i]
            if word in first_words and (is_name_text(word) or is_acronym_text(word)):
                for n in range(min(longest, len(words) - i), 0, -1):
                    label = keys.get(tuple(words[i : i + n]))
                    if label is None:
                        continue
                    current = taken.get(i)
                    if current is not None and current.start == i and current.end == i + n and current.label_ == label:
                        step = n
                        break
                    new = self._claim(doc, i, i + n, label, rule, taken)
                    if new is not None:
                        added.append(new)
                        step = n
                    break
            i += step
        return added
