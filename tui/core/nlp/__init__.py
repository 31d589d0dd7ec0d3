"""Entities from a spaCy pipeline, behind one pair of functions.

``load_pipeline`` gives the default Indonesian pipeline or any installed spaCy pipeline;
``find_entities`` runs it over an article of any length and returns plain ``Entity`` records.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.entities import Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "sorot-id"
"""Name of the pipeline used when no ``--model`` is given: the trained NER plus rules, shipped in
``tui/models/sorot_id``."""

RULES_MODEL = "sorot-id-rules"
"""The rule components alone (no trained model), loadable with ``--model sorot-id-rules``."""

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "sorot_id"

CHUNK_CHARS = 50_000
"""Texts are fed to spaCy in pieces of about this size, cut at paragraph ends, one piece at a time
(the memory the pipeline needs is that of one piece, whatever the article's length)."""

# Other pipelines name the same things differently; Sorot speaks spaCy's usual label names.
LABEL_ALIASES = {
    "PER": "PERSON",
    "PERS": "PERSON",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOCATION": "LOC",
    "PLACE": "LOC",
}


class PipelineError(Exception):
    """A pipeline could not be loaded; the message is one line meant for the user."""


def error_line(exc: BaseException, *meant_for_the_user: type[BaseException]) -> str:
    """``exc`` as one line: the message of a :class:`PipelineError` (or of one of
    ``meant_for_the_user``) as it is, any other's first line after its type's name."""
    if isinstance(exc, (PipelineError, *meant_for_the_user)):
        return str(exc)
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def register_components() -> None:
    """Make Sorot's tokenizer and components known to spaCy (an installed Sorot also does this
    through entry points, so ``spacy.load`` works on its pipelines without importing Sorot first)."""
    from tui.core.nlp import ensemble, rules, tokenizer  # noqa: F401


def load_pipeline(model: str | None = None) -> Language:
    """Load ``model`` (an installed package name or a path), or the default Indonesian pipeline."""
    register_components()
    if model == RULES_MODEL:
        from tui.core.nlp.rules import build_rule_pipeline

        return build_rule_pipeline()
    import spacy

    if model is None or model == DEFAULT_MODEL:
        if not (MODEL_DIR / "meta.json").is_file():
            raise PipelineError(f"the bundled pipeline is missing from {MODEL_DIR}; reinstall Sorot")
        model = str(MODEL_DIR)
    try:
        nlp = spacy.load(Path(model) if Path(model).exists() else model)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PipelineError(f"cannot load spaCy pipeline {model!r}: {first_line}") from None
    if not nlp.has_pipe("ner") and not any(name.endswith("ruler") for name in nlp.pipe_names):
        # A pipeline without an entity recogniser would silently find nothing.
        raise PipelineError(f"spaCy pipeline {model!r} has no entity recogniser")
    return nlp


def split_for_nlp(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` pieces of ``text`` of about ``size`` chars, ending at a newline or space."""
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut == -1:
                cut = text.rfind(" ", start + size // 2, end)
            if cut != -1:
                end = cut + 1
        yield start, end
        start = end


def doc_entities(doc: Doc, offset: int = 0) -> list[Entity]:
    """The entities of a spaCy ``Doc`` made from ``text[offset:...]``, as plain records."""
    return [
        Entity(offset + ent.start_char, offset + ent.end_char, LABEL_ALIASES.get(ent.label_, ent.label_), ent.text)
        for ent in doc.ents
    ]


_SURROGATES = re.compile("[\ud800-\udfff]")


def find_entities(
    nlp: Language,
    text: str,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> list[Entity]:
    """All entities of ``text`` in document order; ``progress(done, total)`` is called per piece.

    Stops early, with what was found so far, once ``cancelled()`` is true.

    Each piece goes through the pipeline alone and its ``Doc`` is dropped before the next one is
    made: ``nlp.pipe`` would keep a batch of up to a thousand pieces (and the network's activations
    for all of them) alive at once, about 2.4 GB per megabyte of text.
    """
    entities: list[Entity] = []
    # A lone surrogate (a string from a careless decoder) cannot be hashed into spaCy's strings:
    # read it as U+FFFD, one code point for one, so the offsets stay those of ``text``.
    read = _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text
    for start, end in split_for_nlp(read):
        found = doc_entities(nlp(read[start:end]), start)
        entities.extend(e if read is text else replace(e, text=text[e.start : e.end]) for e in found)
        if progress is not None:
            progress(end, len(text))
        if cancelled():
            break
    return entities
