"""Combining a trained NER with the rule components: the model's entities become candidates.

``add_rules(nlp, mode)`` appends the rule components to a pipeline that has an ``ner``. Its
entities then go through the same selection as the rules' (``sorot_consistency``), so a
document keeps one label per name and acronyms follow their long forms whoever found them.

Modes: ``joint`` (model and rule spans compete, longest first), ``rules-first`` (model spans
only fill gaps the rules leave), ``model-first`` (as joint, then model spans replace any rule
span they overlap).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict

from spacy.attrs import LOWER  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.language import Language
from spacy.tokens import Doc, Span

from tui.core.nlp import LABEL_ALIASES
from tui.core.nlp.candidates import CANDIDATES, NAME_LABELS, candidates, is_acronym, is_name_token, token_texts
from tui.core.nlp.gazetteer import NOT_PLACE_AFTER, Gazetteer, add_with_gazetteer, gazetteer_config
from tui.core.nlp.names import TITLE_FIRST_WORDS, UNIT_HEADS

# Rules that guess a name's extent from capitalised words around a head word or title. Where the
# model sees two entities inside such a span ("Partai Gerindra" + "Suhardi" in "Partai Gerindra
# Suhardi"), the model's segmentation is the better one. Gazetteer spans are never split this way.
SHAPE_RULES = frozenset(
    {"org_head", "loc_head", "person_title", "person_apposition", "initials", "reporting_subject", "attribution"}
)

ENSEMBLES = ("joint", "model-first", "rules-first")
MODEL_SPANS = "sorot_model_ents"


def span_label(span: Span) -> str:
    return LABEL_ALIASES.get(span.label_, span.label_)


@Language.factory("sorot_model_candidates", default_config={"mode": "joint", "gazetteer": gazetteer_config()})
def make_model_candidates(nlp: Language, name: str, mode: str, gazetteer: Gazetteer) -> ModelCandidates:
    if mode not in ENSEMBLES:
        raise ValueError(f"[{name}] mode must be one of {', '.join(ENSEMBLES)}, got {mode!r}")
    return ModelCandidates(mode, gazetteer)


class ModelCandidates:
    """Hands the statistical NER's entities to ``sorot_consistency`` as candidates.

    Runs after the other rule components, so it sees their candidates too: a one-word model
    entity that is part of a person's name in the same document ("Putin" after "Vladimir Putin")
    becomes a PERSON, unless the word is a known place. The model alone tags such bare surnames
    as LOC or ORG far too often, and a strong wrong label would block the rules' consistency.
    A rule span built from capitalised words that holds two or more model entities is dropped,
    unless it is a unit with its region ("Polda" + "Riau" are one "Polda Riau").
    """

    def __init__(self, mode: str, gazetteer: Gazetteer) -> None:
        self.rule = "model_weak" if mode == "rules-first" else "model"
        self.gaz = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        ents = [e for e in doc.ents if span_label(e) in NAME_LABELS]  # sorted, non-overlapping
        starts = [e.start for e in ents]
        kept = [
            c
            for c in candidates(doc)
            if not (c.id_ in SHAPE_RULES and c[0].lower_ not in UNIT_HEADS and self._splits(c, ents, starts))
        ]
        # Candidates by token, so that each model entity looks only at the ones it touches.
        by_token: dict[int, list[Span]] = defaultdict(list)
        for c in kept:
            for i in range(c.start, c.end):
                by_token[i].append(c)
        names = [s for s in [*ents, *kept] if span_label(s) == "PERSON" and len(s) >= 2]
        name_parts = {t.text for span in names for t in span if t.text[:1].isupper() and not is_acronym(t)}
        lowers = token_texts(doc, LOWER)
        spans = []
        for e in ents:
            touching = {id(c): c for i in range(e.start, e.end) for c in by_token.get(i, ())}.values()
            if any(self._extends(c, e) for c in touching):
                continue  # a rule found the same name with more of it ("Yang Moo Jin" for "Moo Jin")
            if lowers[e.start] in TITLE_FIRST_WORDS and touching:
                continue  # titles are not part of a name ("Kanselir Jerman"): the rules split them off
            if e.start > 0 and lowers[e.start - 1] in NOT_PLACE_AFTER:
                continue  # "bahasa Inggris" is a language; some corpora tag it as a place
            label = span_label(e)
            if len(e) == 1 and label != "PERSON" and e.text in name_parts and not self.gaz.is_place(e.text):
                label = "PERSON"
            spans.append(Span(doc, e.start, e.end, label=label, span_id=self.rule))
        doc.spans[MODEL_SPANS] = spans
        doc.spans[CANDIDATES] = kept + spans
        return doc

    @staticmethod
    def _extends(rule: Span, model: Span) -> bool:
        """True when ``rule`` is a PERSON that holds ``model`` (a PERSON too) and more name words."""
        return (
            span_label(rule) == span_label(model) == "PERSON"
            and rule.start <= model.start
            and model.end <= rule.end
            and len(rule) > len(model)
            and all(is_name_token(t) for t in rule)
        )

    @staticmethod
    def _splits(span: Span, ents: list[Span], starts: list[int]) -> bool:
        """True when two or more model entities lie inside ``span`` (``starts``: the sorted starts of ``ents``)."""
        i = bisect_left(starts, span.start)
        inside = 0
        while i < len(ents) and ents[i].start < span.end:
            inside += ents[i].end <= span.end
            i += 1
        return inside >= 2


@Language.component("sorot_model_first")
def model_first(doc: Doc) -> Doc:
    """The model's entities win over any rule entity they overlap; the rules keep the rest."""
    model = list(doc.spans.get(MODEL_SPANS, []))
    covered = {i for span in model for i in range(span.start, span.end)}
    kept = [e for e in doc.ents if not any(i in covered for i in range(e.start, e.end))]
    doc.ents = sorted(kept + model, key=lambda s: s.start)
    return doc


def add_rules(nlp: Language, mode: str = "joint") -> Language:
    """Append the rule components to a pipeline with an entity recogniser, combined as ``mode``."""
    from tui.core.nlp.rules import PIPE_NAMES

    if mode not in ENSEMBLES:
        raise ValueError(f"ensemble mode must be one of {', '.join(ENSEMBLES)}, got {mode!r}")
    *finders, last = PIPE_NAMES
    for name in finders:
        add_with_gazetteer(nlp, name)
    add_with_gazetteer(nlp, "sorot_model_candidates", {"mode": mode})
    add_with_gazetteer(nlp, last)  # sorot_consistency must see the model's candidates
    if mode == "model-first":
        nlp.add_pipe("sorot_model_first")
    return nlp
