"""Indonesian dates, times, money, percentages, quantities, counts and ordinals (Matcher rules)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from spacy.attrs import ORTH  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.lang.id.lex_attrs import _num_words
from spacy.lang.id.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from tui.core.nlp.candidates import add_candidate, sentence_initial
from tui.core.nlp.gazetteer import Gazetteer, gazetteer_config

NUMERIC_LABELS = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")

TokenPattern = dict[str, Any]
"""One token of a spaCy ``Matcher`` pattern: ``{"LOWER": {"IN": [...]}, "OP": "?"}``."""

# Number words from spaCy's Indonesian lexical attributes, with the "se-" forms ("seratus",
# "sejuta") and the "-an" forms of round numbers ("ribuan" = thousands).
_NUM_WORDS = "|".join(sorted(_num_words, key=len, reverse=True))
NUM_RE = rf"^(\d+([.,]\d+)*|(se)?({_NUM_WORDS})(an)?|setengah|seperempat|sepertiga)$"
YEAR_RE = r"^(1[5-9]\d\d|20\d\d)$"
DAY_OF_MONTH_RE = r"^([1-9]|0[1-9]|[12]\d|3[01])$"
ORDINAL_RE = rf"^(pertama|ke({_NUM_WORDS}|sebelas|seratus|seribu))$"

# "lebih dari tiga tahun", "sekitar 10 persen": approximations belong to the expression.
APPROXIMATORS: list[list[TokenPattern]] = [
    [],
    [{"LOWER": {"IN": ["lebih", "kurang"]}}, {"LOWER": "dari"}],
    [{"LOWER": {"IN": ["sekitar", "hampir", "setidaknya", "sedikitnya", "kira-kira", "sekurangnya"]}}],
]
# What may close a duration: "tiga tahun lalu", "dua pekan terakhir".
DURATION_TAILS = ["lalu", "terakhir", "mendatang", "silam", "sebelumnya", "kemudian", "berikutnya", "belakangan"]
# Prepositions before a bare year or month that mark it as a date ("sejak 2021", "pada April");
# they are not part of the span.
DATE_PREPOSITIONS = [
    "sejak",
    "semenjak",
    "pada",
    "hingga",
    "sampai",
    "selama",
    "menjelang",
    "jelang",
    "sebelum",
    "setelah",
]
# Parts of a period that are part of the span ("akhir 2024", "awal tahun ini").
PERIOD_PARTS = ["awal", "akhir", "pertengahan", "penghujung", "medio"]
# A duration followed by one of these starts a relative date that runs to the end of the clause:
# "tiga hari setelah panggilan telepon ini".
RELATIVE_LINKS = ["setelah", "sebelum", "sesudah", "usai", "pasca", "sejak", "semenjak"]
TIME_ZONES = ["WIB", "WITA", "WIT", "GMT", "UTC"]
UNIT_TAILS = ["persegi", "kubik", "celsius", "celcius", "fahrenheit"]
# Classifiers counted along with their noun: "tiga kali", "dua orang polisi".
CLASSIFIERS = frozenset("kali orang buah ekor unit lembar biji batang butir helai potong pucuk pasang".split())
# What the counted ones are or did, not what they are: "dua orang tewas", "tiga lainnya".
NOT_COUNTED = frozenset("tewas hilang luka selamat lainnya sisanya sekaligus".split())
# Verbal prefixes: a word carrying one after a number is what the counted things do ("lima
# tewas" aside), not what they are ("lima demonstran").
_VERB_PREFIX = re.compile(r"^(me|ber|ter|di)[a-z]{3,}")


class SparseMatcher:
    """A spaCy ``Matcher`` that skips the parts of a doc where none of its patterns can match.

    spaCy's ``Matcher`` starts every pattern at every token; with this component's hundred-odd
    patterns that is most of its time, though few stretches of a text can hold a match. A match
    is a run of tokens that pattern tokens can match ("relevant" tokens), and holds a token for
    each of its pattern's required pattern tokens (those without ``?`` or ``*``). So the matcher
    runs over a shorter copy of the doc: the runs of relevant tokens that hold a token matching
    an "anchor" (one required pattern token per pattern, the rarest in the doc), each after a
    placeholder token that no pattern token matches, and one at the end if the doc goes on. At a
    placeholder the matcher does what it does at the first irrelevant token after a run (every
    pattern fails there), so it finds the same matches in the same order; their positions are
    mapped back.

    Which pattern tokens a lexeme matches is asked of spaCy (matchers of the pattern tokens on
    their own) and kept per lexeme. Patterns may only test a token's own text (``ORTH``,
    ``LOWER``, regexes, ``IS_DIGIT``...) and use the operators ``?``, ``+`` and ``*``: the copy
    has the doc's lexemes but no other annotation.
    """

    PLACEHOLDER = "\x00"
    LEXICAL = frozenset({"ORTH", "TEXT", "LOWER", "LENGTH", "SHAPE", "PREFIX", "SUFFIX", "IS_ALPHA", "IS_DIGIT"})

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.matcher = Matcher(vocab)
        self._token_specs: list[TokenPattern] = []  # the distinct pattern tokens, operators left out
        self._patterns: list[tuple[frozenset[int], frozenset[int]]] = []  # (required, all) pattern tokens
        self._tokens_of: dict[int, frozenset[int]] = {}  # lexeme -> the pattern tokens it matches
        self._probe = Matcher(vocab)  # each pattern token alone, under its number
        self._screen = Matcher(vocab)  # any pattern token, in fewer patterns

    def add(self, key: str, patterns: list[list[TokenPattern]], greedy: str | None = None) -> None:
        for pattern in patterns:
            required, every = set(), set()
            for spec in pattern:
                attrs = {k: v for k, v in spec.items() if k != "OP"}
                if spec.get("OP") not in {None, "?", "+", "*"} or not attrs or not set(attrs) <= self.LEXICAL:
                    raise ValueError(f"{key}: a pattern token the sparse matcher cannot skip over: {spec}")
                if attrs not in self._token_specs:
                    self._token_specs.append(attrs)
                    self._probe.add(str(len(self._token_specs) - 1), [[attrs]])
                every.add(self._token_specs.index(attrs))
                if spec.get("OP") in {None, "+"}:
                    required.add(self._token_specs.index(attrs))
            self._patterns.append((frozenset(required), frozenset(every)))
        self.matcher.add(key, patterns, greedy=greedy)
        self._screen = Matcher(self.vocab)
        self._screen.add("ANY", self._screen_patterns())
        self._tokens_of.clear()
        if self._learn([self.vocab.strings.add(self.PLACEHOLDER)]):
            raise ValueError(f"{key}: a pattern matches the placeholder token {self.PLACEHOLDER!r}")

    def _screen_patterns(self) -> list[list[TokenPattern]]:
        """One-token patterns that match what any pattern token matches: texts tested for equality
        or membership go in one ``IN`` per attribute (most of the hundred are such)."""
        texts: dict[str, set[str]] = {}
        patterns: list[list[TokenPattern]] = []
        for attrs in self._token_specs:
            (attr, value), *more = attrs.items()
            if not more and attr in {"ORTH", "TEXT", "LOWER"} and isinstance(value, str):
                texts.setdefault(attr, set()).add(value)
            elif not more and attr in {"ORTH", "TEXT", "LOWER"} and isinstance(value, dict) and list(value) == ["IN"]:
                texts.setdefault(attr, set()).update(value["IN"])
            else:
                patterns.append([attrs])
        return patterns + [[{attr: {"IN": sorted(values)}}] for attr, values in texts.items()]

    def _learn(self, orths: list[int]) -> bool:
        """Record which pattern tokens the lexemes ``orths`` match; True if any matches one."""
        strings = self.vocab.strings
        screened = sorted({i for _, i, _ in self._screen(Doc(self.vocab, words=[strings[o] for o in orths]))})
        found: dict[int, set[int]] = {}
        if screened:
            for key, i, _ in self._probe(Doc(self.vocab, words=[strings[orths[i]] for i in screened])):
                found.setdefault(screened[i], set()).add(int(strings[key]))
        for i, orth in enumerate(orths):
            self._tokens_of[orth] = frozenset(found.get(i, ()))
        return bool(found)

    def _anchors(self, counts: Counter[int]) -> set[int]:
        """Pattern tokens such that every match holds a token matching one of them.

        For each pattern, the required pattern token that the fewest tokens of this doc match
        (none: the pattern cannot match here); a pattern of optional tokens alone needs them all.
        """
        anchors: set[int] = set()
        for required, every in self._patterns:
            if required:
                anchors.add(min(required, key=lambda token_id: counts[token_id]))
            else:
                anchors |= every
        return anchors

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(match_id, start, end)`` as ``Matcher.__call__`` returns them."""
        orths = doc.to_array(ORTH).tolist()
        tokens_of = self._tokens_of
        frequency = Counter(orths)
        new = [orth for orth in frequency if orth not in tokens_of]
        if new:
            self._learn(new)
        counts: Counter[int] = Counter()
        for orth, n in frequency.items():
            for token_id in tokens_of[orth]:
                counts[token_id] += n
        anchors = self._anchors(counts)
        anchor_lexemes = {orth for orth in frequency if not anchors.isdisjoint(tokens_of[orth])}

        strings = self.vocab.strings
        words: list[str] = []
        where: list[int] = []  # position in ``doc`` of each word (-1: the placeholder)
        n = len(orths)
        end = 0
        for i in [i for i, orth in enumerate(orths) if orth in anchor_lexemes]:
            if i < end:
                continue  # in the run kept already
            start, end = i, i + 1
            while start > 0 and tokens_of[orths[start - 1]]:
                start -= 1
            while end < n and tokens_of[orths[end]]:
                end += 1
            words.append(self.PLACEHOLDER)
            where.append(-1)
            words.extend(strings[orth] for orth in orths[start:end])
            where.extend(range(start, end))
        if not words:
            return []
        if end < n:
            words.append(self.PLACEHOLDER)
            where.append(-1)
        short = Doc(self.vocab, words=words)
        return [(key, where[a], where[b - 1] + 1) for key, a, b in self.matcher(short)]


@Language.factory(
    "sorot_numbers",
    default_config={"labels": list(NUMERIC_LABELS), "max_clause_tokens": 8, "gazetteer": gazetteer_config()},
)
def make_numbers(
    nlp: Language, name: str, labels: list[str], max_clause_tokens: int, gazetteer: Gazetteer
) -> NumberRules:
    unknown = [label for label in labels if label not in NUMERIC_LABELS]
    if unknown:
        raise ValueError(f"[{name}] unknown labels {unknown}; choose from {list(NUMERIC_LABELS)}")
    if not isinstance(max_clause_tokens, int) or not 0 <= max_clause_tokens <= 30:
        raise ValueError(f"[{name}] max_clause_tokens must be an integer from 0 to 30, got {max_clause_tokens!r}")
    return NumberRules(nlp, gazetteer, frozenset(labels), max_clause_tokens)


class NumberRules:
    def __init__(self, nlp: Language, gaz: Gazetteer, labels: frozenset[str], max_clause_tokens: int) -> None:
        self.gaz = gaz
        self.labels = labels
        self.max_clause = max_clause_tokens
        self.matcher = SparseMatcher(nlp.vocab)
        for key, patterns in self._patterns(gaz).items():
            if key.split("_")[0] in labels:
                self.matcher.add(key, patterns, greedy="LONGEST")
        self.not_counted = (
            gaz.date_units
            | gaz.time_units
            | gaz.quantity_units
            | gaz.currency_words
            | {"persen", "%"}
            | set(DURATION_TAILS)
            | set(STOP_WORDS)
            | NOT_COUNTED
        )
        self.money_signs = gaz.currency_symbols | gaz.currency_codes

    @staticmethod
    def _patterns(gaz: Gazetteer) -> dict[str, list[list[TokenPattern]]]:
        nums: TokenPattern = {"LOWER": {"REGEX": NUM_RE}, "OP": "+"}
        year: TokenPattern = {"TEXT": {"REGEX": YEAR_RE}}
        dom: TokenPattern = {"TEXT": {"REGEX": DAY_OF_MONTH_RE}}
        month: TokenPattern = {"ORTH": {"IN": sorted(gaz.months)}}
        month_any: TokenPattern = {"ORTH": {"IN": sorted(gaz.months | gaz.month_abbr)}}
        day: TokenPattern = {"ORTH": {"IN": sorted(gaz.days)}}
        date_unit: TokenPattern = {"LOWER": {"IN": sorted(gaz.date_units)}}
        period: TokenPattern = {"LOWER": {"IN": sorted(p for p in gaz.day_periods if " " not in p)}}
        slash_date: list[TokenPattern] = [dom, {"ORTH": "/"}, {"IS_DIGIT": True}]
        slash_date_year: list[TokenPattern] = [*slash_date, {"ORTH": "/"}, {"IS_DIGIT": True}]

        def approx(core: list[TokenPattern]) -> list[list[TokenPattern]]:
            return [prefix + core for prefix in APPROXIMATORS]

        relative: list[list[TokenPattern]] = [
            [{"LOWER": w} for w in phrase.split()] for phrase in sorted(gaz.relative_dates)
        ]
        relative += [
            [{"LOWER": "pekan"}, {"LOWER": {"IN": ["lalu", "ini", "depan"]}}],
            [{"LOWER": "akhir"}, {"LOWER": "pekan"}],
        ]
        units_ci = sorted(u for u in gaz.quantity_units if u.islower())
        return {
            "DATE": [
                *approx([nums, date_unit]),
                *approx([nums, date_unit, {"LOWER": {"IN": DURATION_TAILS}}]),
                [nums, date_unit, {"LOWER": "yang"}, {"LOWER": "lalu"}],
                [{"LOWER": "beberapa"}, date_unit, {"LOWER": {"IN": DURATION_TAILS}, "OP": "?"}],
                *relative,
                [
                    {"LOWER": {"IN": PERIOD_PARTS}},
                    {"LOWER": {"IN": ["tahun", "bulan", "pekan", "minggu", "abad", "dekade"]}},
                    {"LOWER": {"IN": ["ini", "lalu", "depan"]}},
                ],
                [{"LOWER": {"IN": PERIOD_PARTS}}, {"LOWER": {"IN": ["tahun", "bulan"]}, "OP": "?"}, year],
                [{"LOWER": {"IN": PERIOD_PARTS}}, {"LOWER": "bulan", "OP": "?"}, month, year],
                [{"LOWER": {"IN": PERIOD_PARTS}}, {"LOWER": "bulan", "OP": "?"}, month],
                [{"LOWER": "bulan"}, month],
                [{"LOWER": "bulan"}, month, year],
                [month, year],
                [dom, month_any],
                [dom, month_any, year],
                [day, {"ORTH": ",", "OP": "?"}, dom, month_any, year],
                [day, {"ORTH": ",", "OP": "?"}, dom, month_any],
                [{"LOWER": "tahun"}, year],
                [{"LOWER": "tahun"}, year, {"ORTH": "-"}, {"LOWER": "an"}],
                [year, {"ORTH": "-"}, {"LOWER": "an"}],
                [day],
                [day, {"LOWER": {"IN": ["lalu", "ini", "depan", "kemarin"]}}],
                [day, {"ORTH": "("}, *slash_date, {"ORTH": ")"}],
                [day, {"ORTH": "("}, *slash_date_year, {"ORTH": ")"}],
                slash_date_year,
                [dom, {"ORTH": "-"}, {"IS_DIGIT": True}, {"ORTH": "-"}, year],
                [{"LOWER": "abad"}, {"LOWER": "ke"}, {"ORTH": "-"}, {"IS_DIGIT": True}],
                [{"LOWER": "abad"}, {"TEXT": {"REGEX": r"^[IVXL]+$"}}],
            ],
            # The first token only says that a date follows: "sejak 2021" -> "2021".
            "DATE_AFTERPREP": [
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, year],
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, month],
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, month, year],
            ],
            "DATE_CLAUSE": [[nums, date_unit, {"LOWER": {"IN": RELATIVE_LINKS}}]],
            "TIME": [
                *[
                    [{"LOWER": {"IN": ["pukul", "jam"]}}, {"TEXT": {"REGEX": r"^\d{1,2}([.:]\d{2})?$"}}, *tail]
                    for tail in (
                        [],
                        [{"ORTH": {"IN": TIME_ZONES}}],
                        [period],
                        [{"LOWER": "waktu"}, {"LOWER": "setempat"}],
                    )
                ],
                [day, period],
                [day, {"ORTH": "("}, *slash_date, {"ORTH": ")"}, period],
                [day, {"ORTH": "("}, *slash_date_year, {"ORTH": ")"}, period],
                [{"LOWER": {"IN": ["tadi", "kemarin"]}}, period],
                [period, {"LOWER": "ini"}],
                [{"LOWER": "dini"}, {"LOWER": "hari"}],
                [{"LOWER": "tengah"}, {"LOWER": {"IN": ["malam", "hari"]}}],
                *approx([nums, {"LOWER": {"IN": sorted(gaz.time_units)}}]),
            ],
            "MONEY": [
                *approx([{"ORTH": {"IN": sorted(gaz.currency_symbols)}}, {"ORTH": ".", "OP": "?"}, nums]),
                *approx([{"ORTH": {"IN": sorted(gaz.currency_codes)}}, nums]),
                *approx([nums, {"ORTH": {"IN": sorted(gaz.currency_codes)}}]),
                *approx([nums, {"LOWER": {"IN": sorted(gaz.currency_words)}}]),
            ],
            "PERCENT": approx([nums, {"LOWER": {"IN": ["persen", "%", "prosen"]}}]),
            "QUANTITY": [
                *approx([nums, {"ORTH": {"IN": sorted(gaz.quantity_units)}}, {"LOWER": {"IN": UNIT_TAILS}, "OP": "?"}]),
                *approx([nums, {"LOWER": {"IN": units_ci}}, {"LOWER": {"IN": UNIT_TAILS}, "OP": "?"}]),
            ],
            "CARDINAL": approx([nums]),
            "ORDINAL": [[{"LOWER": {"REGEX": ORDINAL_RE}}], [{"LOWER": "ke"}, {"ORTH": "-"}, {"IS_DIGIT": True}]],
        }

    def __call__(self, doc: Doc) -> Doc:
        for match_id, start, end in self.matcher(doc):
            key = self.matcher.vocab.strings[match_id]
            label = key.split("_")[0]
            if key == "DATE_AFTERPREP":
                start += 1
            elif key == "DATE_CLAUSE":
                clause_end = self._clause_end(doc, end)
                if clause_end is None:
                    continue
                end = clause_end
            elif label == "CARDINAL":
                span = self._cardinal(doc, start, end)
                if span is None:
                    continue
                start, end = span
            elif label == "ORDINAL" and not self._ordinal(doc, start):
                continue
            elif key == "DATE" and end - start == 1 and not self._weekday(doc[start]):
                continue
            elif label == "DATE" and start > 0 and doc[start - 1].text.rstrip(".") in self.money_signs:
                continue  # "US$ 2 miliar tahun lalu": the number is the amount
            add_candidate(doc, start, end, label, label.lower())
        return doc

    def _clause_end(self, doc: Doc, end: int) -> int | None:
        """End of "tiga hari setelah <clause>": the next punctuation within ``max_clause`` words."""
        for k in range(end, min(len(doc), end + self.max_clause + 1)):
            if doc[k].is_punct or doc[k].is_space:
                return k if k > end else None
        return None

    @staticmethod
    def _weekday(tok: Token) -> bool:
        # "Minggu" is also "week": capitalised at the start of a sentence it is ambiguous.
        return not (tok.text == "Minggu" and sentence_initial(tok))

    def _cardinal(self, doc: Doc, start: int, end: int) -> tuple[int, int] | None:
        first = doc[start]
        if start > 0 and doc[start - 1].lower_ == "salah" and first.lower_ == "satu":
            return None  # "salah satu" = "one of"
        if end - start == 1 and re.match(YEAR_RE, first.text):
            # A bare year-like number outside a date context is more often a year than a count.
            nxt = doc[end] if end < len(doc) else None
            if nxt is None or not self._counted(nxt):
                return None
        # The counted noun belongs to the count: "lebih dari 10.000 tentara", "tiga kali".
        if end < len(doc) and doc[end].lower_ in CLASSIFIERS:
            end += 1
        if end < len(doc) and self._counted(doc[end]):
            end += 1
        return start, end

    def _counted(self, tok: Token) -> bool:
        low = tok.lower_
        return (
            tok.is_alpha
            and tok.is_lower
            and len(low) >= 3
            and low not in self.not_counted
            and not _VERB_PREFIX.match(low)
            and not re.match(NUM_RE, low)
        )

    def _ordinal(self, doc: Doc, start: int) -> bool:
        tok = doc[start]
        if tok.lower_ == "pertama" or tok.text == "ke":
            return True
        # "kedua pemimpin" / "ketiga negara" = "both leaders" / "the three countries": a ke-
        # number before a noun counts a group; after the noun ("KTT kedua") it is an ordinal.
        nxt = doc[start + 1] if start + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ in {"kali", "kalinya"}:
            return True
        return not (nxt is not None and nxt.is_alpha and nxt.is_lower and nxt.lower_ not in STOP_WORDS)
