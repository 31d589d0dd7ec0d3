"""Place and organisation names from ``data/gazetteer.json`` (see ``training/build_gazetteer.py``).

The ``sorot_gazetteer`` component looks names up token by token in a dict keyed by their first
word: building a spaCy ``PhraseMatcher`` for ten thousand names means creating a ``Doc`` (and its
lexemes) for each, which alone costs about 0.3 s at start-up; a dict costs a few milliseconds.

Five components read the gazetteer. A pipeline's config names it once, as a registered function,
and each component refers to that section::

    [sorot.gazetteer]
    @misc = "sorot.gazetteer.v1"
    path = null

    [components.sorot_names]
    gazetteer = ${sorot.gazetteer}

``add_with_gazetteer`` adds a component that way; ``path = null`` is the data shipped with Sorot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.lang.id.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Config

from tui.core.nlp.candidates import add_candidate, is_name_token, sentence_initial, token_texts

DATA_PATH = Path(__file__).with_name("data") / "gazetteer.json"

# Words after which a country or city name denotes a language or a cuisine, not a place:
# "bahasa Inggris", "berbahasa Arab".
NOT_PLACE_AFTER = frozenset({"bahasa", "berbahasa"})
_VERB_PREFIX = re.compile(r"^(me|ber|di|ter)[a-z]{3,}")
# A place followed by a capitalised point of the compass is a part of it with a name of its own:
# "Jakarta Pusat", "Jawa Timur", "Israel Selatan".
COMPASS = frozenset("Utara Selatan Barat Timur Tengah Tenggara Daya Laut Pusat".split())


@dataclass(frozen=True)
class Gazetteer:
    """Everything the rules take from data; built by ``load_gazetteer``."""

    names: dict[str, list[tuple[tuple[str, ...], str, str]]]
    """First word -> [(all words, label, rule)], longest first."""
    acronyms: dict[str, str]
    months: frozenset[str]
    month_abbr: frozenset[str]
    days: frozenset[str]
    day_periods: frozenset[str]
    relative_dates: frozenset[str]
    date_units: frozenset[str]
    time_units: frozenset[str]
    quantity_units: frozenset[str]
    currency_symbols: frozenset[str]
    currency_codes: frozenset[str]
    currency_words: frozenset[str]
    lexicon: frozenset[str]
    """Lower-case ordinary Indonesian words (lemma table and stop words)."""
    given_names: frozenset[str]
    """Given names ("Stefano", "Irfan") that are neither ordinary words nor places."""
    given_words: frozenset[str]
    """Indonesian given names that are ordinary words too ("Budi", "Dewi")."""
    sources: dict[str, str]

    def is_word(self, text: str) -> bool:
        """True when ``text`` read in lower case is an ordinary Indonesian word."""
        return text.lower() in self.lexicon

    def is_place(self, text: str) -> bool:
        """True when ``text`` alone is a known place name (common-word cities included)."""
        return any(len(words) == 1 and label == "LOC" for words, label, _ in self.names.get(text, ()))


@lru_cache(maxsize=4)
def load_gazetteer(path: str | None = None) -> Gazetteer:
    """Read the committed data file once per process."""
    file = Path(path) if path else DATA_PATH
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"gazetteer data {file} is missing; run: python -m tui.core.nlp.training.build_gazetteer"
        ) from None
    names: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}

    def add(entries: Iterable[str], label: str, rule: str) -> None:
        for entry in entries:
            words = tuple(entry.split(" "))
            names.setdefault(words[0], []).append((words, label, rule))

    add(data["loc"], "LOC", "gazetteer_region")
    add(data["cities"], "LOC", "gazetteer_city")
    add(data["cities_common"], "LOC", "gazetteer_city_common")
    add(data["org"], "ORG", "gazetteer_org")
    for entries in names.values():
        entries.sort(key=lambda e: -len(e[0]))
    return Gazetteer(
        names=names,
        acronyms=dict(data["acronyms"]),
        months=frozenset(data["months"]),
        month_abbr=frozenset(data["month_abbr"]),
        days=frozenset(data["days"]),
        day_periods=frozenset(data["day_periods"]),
        relative_dates=frozenset(data["relative_dates"]),
        date_units=frozenset(data["date_units"]),
        time_units=frozenset(data["time_units"]),
        quantity_units=frozenset(data["quantity_units"]),
        currency_symbols=frozenset(data["currency_symbols"]),
        currency_codes=frozenset(data["currency_codes"]),
        currency_words=frozenset(data["currency_words"]),
        lexicon=frozenset(data["lexicon"]),
        given_names=frozenset(data.get("given_names", ())),
        given_words=frozenset(data.get("given_words", ())),
        sources=dict(data["meta"]["sources"]),
    )


GAZETTEER = "sorot.gazetteer.v1"
GAZETTEER_SECTION = "sorot"
"""The top-level config section that holds ``[sorot.gazetteer]``."""
GAZETTEER_REFERENCE = "${sorot.gazetteer}"


MAX_GAZETTEER_BYTES = 64 * 1024 * 1024
"""The largest gazetteer file a config may name (the shipped one is well under a megabyte)."""


@registry.misc(GAZETTEER)  # type: ignore[untyped-decorator]  # catalogue has no types
def configured_gazetteer(path: str | None = None) -> Gazetteer:
    """The gazetteer a pipeline's config names: the data file at ``path``, else the one shipped with
    Sorot. A file that is not a gazetteer is a ``ValueError`` naming it, in one line."""
    if path is None:
        return load_gazetteer(None)
    if not Path(path).is_file():
        raise ValueError(f"gazetteer path {path!r} is not a file")
    if Path(path).stat().st_size > MAX_GAZETTEER_BYTES:
        raise ValueError(f"gazetteer {path!r} is over {MAX_GAZETTEER_BYTES // 2**20} MiB: not a Sorot gazetteer")
    try:
        return load_gazetteer(path)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())[:120]
        raise ValueError(
            f"gazetteer {path!r} is not a Sorot gazetteer ({type(exc).__name__}: {detail}); "
            "python -m tui.core.nlp.training.build_gazetteer writes one"
        ) from None


def gazetteer_config(path: str | None = None) -> dict[str, Any]:
    """The config block that resolves to ``configured_gazetteer(path)``; each component's default."""
    return {"@misc": GAZETTEER, "path": path}


def add_with_gazetteer(nlp: Language, factory: str, config: dict[str, Any] | None = None) -> None:
    """Add component ``factory``, given the gazetteer ``nlp``'s config names in ``[sorot.gazetteer]``.

    The section is added to the config if it is not there (the shipped data). The component's own
    config refers to it, so a saved pipeline names the gazetteer once.
    """
    block = nlp.config.setdefault(GAZETTEER_SECTION, {}).setdefault("gazetteer", gazetteer_config())
    nlp.add_pipe(
        factory,
        config={**(config or {}), "gazetteer": dict(block)},
        # What the saved config says; spaCy keeps it instead of the block resolved above.
        raw_config=Config({"gazetteer": GAZETTEER_REFERENCE}),
    )


@Language.factory(
    "sorot_gazetteer",
    default_config={"gazetteer": gazetteer_config(), "common_word_cities": True},
)
def make_gazetteer(nlp: Language, name: str, gazetteer: Gazetteer, common_word_cities: bool) -> GazetteerMatcher:
    if not isinstance(common_word_cities, bool):
        raise ValueError(f"[{name}] common_word_cities must be true or false, got {common_word_cities!r}")
    return GazetteerMatcher(gazetteer, common_word_cities)


class GazetteerMatcher:
    """Marks known places, organisations and acronyms as candidates (longest name at a position)."""

    def __init__(self, gazetteer: Gazetteer, common_word_cities: bool = True) -> None:
        self.gazetteer = gazetteer
        self.common_word_cities = common_word_cities

    def __call__(self, doc: Doc) -> Doc:
        names = self.gazetteer.names
        words = token_texts(doc)
        n = len(words)
        i = 0
        while i < n:
            entries = names.get(words[i])
            matched = 0
            if entries and not (i > 0 and doc[i - 1].lower_ in NOT_PLACE_AFTER):
                for key, label, rule in entries:
                    end = i + len(key)
                    if end <= n and tuple(words[i:end]) == key and self._accept(doc, i, end, rule):
                        while label == "LOC" and end < n and words[end] in COMPASS and end - i < len(key) + 2:
                            end += 1
                        add_candidate(doc, i, end, label, rule)
                        matched = end - i
                        break
            acr_label = self.gazetteer.acronyms.get(words[i])
            if not matched and acr_label:
                add_candidate(doc, i, i + 1, acr_label, "gazetteer_acronym")
            i += matched or 1
        return doc

    def _accept(self, doc: Doc, start: int, end: int, rule: str) -> bool:
        if rule == "gazetteer_city" and end - start == 1 and sentence_initial(doc[start]):
            # At the start of a sentence a capital letter proves nothing: "Medan perang"
            # (battlefield) is a noun phrase, "Medan merupakan ..." the city. A city is the
            # subject there, so a verb (me-/ber-/di-/ter-), a function word, a name or
            # punctuation follows; a plain lower-case noun means an ordinary word.
            nxt = doc[end] if end < len(doc) else None
            return (
                nxt is None
                or not nxt.is_alpha
                or not nxt.is_lower
                or nxt.lower_ in STOP_WORDS
                or _VERB_PREFIX.match(nxt.lower_) is not None
            )
        if rule != "gazetteer_city_common":
            return True
        if not self.common_word_cities:
            return False
        # "Batu", "Malang", "Padang" are also words ("stone", "unlucky", "field"). Capitalised in
        # the middle of a sentence and standing alone, they are the city; at the start of a
        # sentence or inside a longer capitalised name ("Batu Bara", "Padang Pariaman") they
        # may be anything.
        if sentence_initial(doc[start]):
            return False
        before = doc[start - 1] if start > 0 else None
        after = doc[end] if end < len(doc) else None
        return not any(t is not None and is_name_token(t) for t in (before, after))
