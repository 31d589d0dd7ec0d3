"""Sorot's Indonesian rule components, and a pipeline of them alone (no trained model).

The shipped pipeline runs these after its trained NER (see ``tui.core.nlp.ensemble``);
``build_rule_pipeline()`` returns Sorot's Indonesian tokenizer with the four components, in order:
``sorot_gazetteer`` (known places and organisations), ``sorot_names`` (titles, apposition, head
words, acronyms, reporting verbs), ``sorot_numbers`` (dates, times, amounts) and
``sorot_consistency`` (picks non-overlapping ``doc.ents`` and keeps labels consistent).
"""

from __future__ import annotations

import spacy
from spacy.language import Language

# Importing the modules registers their factories with spaCy.
from tui.core.nlp import consistency as _consistency  # noqa: F401
from tui.core.nlp import gazetteer as _gazetteer
from tui.core.nlp import names as _names  # noqa: F401
from tui.core.nlp import numbers as _numbers  # noqa: F401
from tui.core.nlp.tokenizer import TOKENIZER_NAME

RULES_VERSION = "1.0.0"
"""Bump when the rules change what they find (cached results of the rule pipeline are keyed by it)."""

PIPE_NAMES = ("sorot_gazetteer", "sorot_names", "sorot_numbers", "sorot_consistency")


def build_rule_pipeline() -> Language:
    """A fresh Indonesian rule pipeline whose ``doc.ents`` carry PERSON, ORG, LOC and numeric labels.

    spaCy's Indonesian tokenizer already splits a hyphen between words ("AS-Korea Selatan" ->
    "AS", "-", "Korea", "Selatan"; "Israel-Hamas"), while its exceptions keep reduplicated words
    ("negara-negara") whole; Sorot's tokenizer gives the same tokens, faster (see tokenizer.py).
    """
    nlp = spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    for name in PIPE_NAMES:
        _gazetteer.add_with_gazetteer(nlp, name)
    nlp.meta["name"] = "sorot_id_rules"
    nlp.meta["version"] = RULES_VERSION
    nlp.meta["description"] = "Rule-based Indonesian entities, dates and numbers (Sorot)"
    nlp.meta["sources"] = [
        {"name": source, "license": licence} for source, licence in _gazetteer.load_gazetteer().sources.items()
    ]
    return nlp
