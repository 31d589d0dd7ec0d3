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

from tui.core.currencies import CURRENCY_SIGNS, CURRENCY_WORDS
from tui.core.nlp.candidates import add_candidate, candidates, is_acronym_text, is_name_text, sentence_initial
from tui.core.nlp.gazetteer import Gazetteer, gazetteer_config
from tui.core.nlp.names import INITIALS_BEFORE as NAME_INITIALS_BEFORE

NUMERIC_LABELS = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")

TokenPattern = dict[str, Any]
"""One token of a spaCy ``Matcher`` pattern: ``{"LOWER": {"IN": [...]}, "OP": "?"}``."""

# Number words from spaCy's Indonesian lexical attributes, with the "se-" forms ("seratus",
# "sejuta") and the "-an" forms of round numbers ("ribuan" = thousands).
_NUM_WORDS = "|".join(sorted(_num_words, key=len, reverse=True))
NUM_RE = rf"^(\d+([.,]\d+)*|(se)?({_NUM_WORDS})(an)?|setengah|seperempat|sepertiga)$"
YEAR_RE = r"^(1[5-9]\d\d|20\d\d)$"
DAY_OF_MONTH_RE = r"^([1-9]|0[1-9]|[12]\d|3[01])$"
RANK_NUM_RE = rf"^(\d{{1,3}}|{_NUM_WORDS})$"
ORDINAL_RE = rf"^(pertama|ke({_NUM_WORDS}|sebelas|seratus|seribu))$"

# "lebih dari tiga tahun", "sekitar 10 persen": approximations belong to the expression.
APPROXIMATORS: list[list[TokenPattern]] = [
    [],
    [{"LOWER": {"IN": ["lebih", "kurang"]}}, {"LOWER": "dari"}],
    [{"LOWER": {"IN": ["di"]}}, {"LOWER": {"IN": ["atas", "bawah"]}}],
    [
        {
            "LOWER": {
                "IN": [
                    "sekitar",
                    "hampir",
                    "nyaris",
                    "setidaknya",
                    "sedikitnya",
                    "kira-kira",
                    "sekurangnya",
                    "minimal",
                    "maksimal",
                ]
            }
        }
    ],
]
# What may close a duration: "tiga tahun lalu", "dua pekan terakhir".
DURATION_TAILS = [
    "lalu",
    "terakhir",
    "mendatang",
    "silam",
    "sebelumnya",
    "kemudian",
    "berikutnya",
    "belakangan",
    "berselang",
]
# "Up to" before a duration is part of it ("dipenjara sampai 10 tahun", "hingga beberapa tahun");
# before a point in time it is not ("hingga 2021" -> "2021", see DATE_PREPOSITIONS).
UP_TO = ["hingga", "sampai", "hampir"]
# Periods a year is cut into: "kuartal I 2017", "semester kedua tahun ini", "triwulan III".
YEAR_PARTS = ["kuartal", "triwulan", "caturwulan", "semester", "paruh"]
SEASONS = ["panas", "dingin", "semi", "gugur", "hujan", "kemarau"]
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
# "tengah" is a part only before a period word: "tengah pekan ini", "tengah tahun lalu".
PERIOD_PARTS_WIDE = [*PERIOD_PARTS, "tengah"]
RELATIVE_TAILS = ["ini", "lalu", "depan", "kemarin"]
NEXT_OR_PREVIOUS = ["selanjutnya", "berikutnya", "sebelumnya"]
# A duration followed by one of these starts a relative date that runs to the end of the clause:
# "tiga hari setelah panggilan telepon ini".
RELATIVE_LINKS = ["setelah", "sebelum", "sesudah", "usai", "pasca", "sejak", "semenjak"]
TIME_ZONES = ["WIB", "WITA", "WIT", "GMT", "UTC"]
UNIT_TAILS = ["persegi", "kubik", "celsius", "celcius", "fahrenheit"]
# Classifiers counted along with their noun: "tiga kali", "dua orang polisi".
CLASSIFIERS = frozenset("kali orang buah ekor unit lembar biji batang butir helai potong pucuk pasang".split())
# What the counted ones are or did, not what they are: "dua orang tewas", "tiga lainnya".
NOT_COUNTED = frozenset("tewas hilang luka selamat lainnya sisanya sekaligus".split())
# Units that are measures, beside the gazetteer's: "6,2 magnitudo", "6,6 SR".
EXTRA_UNITS = ["magnitudo", "SR", "Mw"]
# Earthquake intensity scales after a Roman numeral: "II SIG-BMKG", "V MMI", "I-II MMI".
INTENSITY_SCALES = ["MMI", "SIG"]
ROMAN_RE = r"^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)$"
# Coordinates: "1,33 LS", "99,65 Bujur Timur", "7,5° LU".
COORDINATE_SIGNS = ["LS", "LU", "BT", "BB"]
COORDINATE_WORDS = ["lintang", "bujur"]
# Nouns that spaCy's Indonesian stop words list although they are counted ("tiga kasus"), and
# ter- nouns the verb-prefix check would take for verbs ("dua tersangka").
COUNTED_NOUNS = frozenset({"kasus", "tersangka", "terdakwa", "terpidana", "tertuduh"})
# The parties a ke- number groups in a report ("kedua tersangka", "ketiga korban", "kedua tim"):
# a count with its noun. Before other nouns ("kedua negara", "kedua pemimpin") it is left alone,
# as the gold of the sample article and of training/realnews has it.
GROUPED_NOUNS = frozenset(
    """tersangka terdakwa terpidana pelaku korban saksi tim klub kubu pihak kaki tangan pasangan
    kandidat calon""".split()
)
# Money: the first word of each currency name ("dolar" of "dolar AS") and what may follow it
# in the same name ("AS", "Amerika Serikat", "Singapura").
CURRENCY_HEADS = sorted({w.split()[0] for w in CURRENCY_WORDS})
CURRENCY_TAILS = sorted({tuple(w.split()[1:]) for w in CURRENCY_WORDS if " " in w}, key=len, reverse=True)
# Holidays and religious dates (lower-cased words, one pattern each); "Natal" and "Tahun Baru"
# only capitalised ("natal" is also "native", "tahun baru" "a new year").
HOLIDAYS = [
    "idul adha",
    "iduladha",
    "idul fitri",
    "idulfitri",
    "iedul fitri",
    "idul kurban",
    "lebaran",
    "imlek",
    "nyepi",
    "waisak",
    "ramadan",
    "ramadhan",
    "maulid nabi",
    "maulid nabi muhammad",
    "isra miraj",
    "isra mi'raj",
    "isra' mi'raj",
    "paskah",
    "jumat agung",
    "kenaikan isa almasih",
    "cap go meh",
    "galungan",
    "hari kemerdekaan",
    "hari bhayangkara",
    "hari pahlawan",
    "hari kartini",
    "hari buruh",
    "hari sumpah pemuda",
]
HOLIDAYS_CAPITALISED = [
    "Natal",
    "Tahun Baru",
    "Tahun Baru Imlek",
    "Tahun Baru Islam",
    "Tahun Baru Hijriah",
    "Hari Raya",
]
# What may follow a holiday as part of it: "Hari Kemerdekaan RI", "Idulfitri 1446 H".
HOLIDAY_TAILS = ["RI", "Indonesia", "SAW", "Muhammad"]
SE_DATE_UNITS = ["sehari", "sepekan", "seminggu", "sebulan", "setahun", "sedekade", "seabad", "semalam"]
# Whose anniversary may follow its number: "HUT ke-79 Bhayangkara".
ANNIVERSARY_OF = ["RI", "Bhayangkara", "TNI", "Polri", "Kemerdekaan", "Indonesia", "DKI", "Jakarta"]
# The words before an age: "berusia 43 tahun", "usianya baru 16 tahun".
AGE_WORDS = ["usia", "berusia", "usianya", "umur", "berumur", "umurnya"]
AGE_ADVERBS = ["baru", "sudah", "masih", "kini", "telah", "saat", "itu", "yang"]
# A number after these is a place in an order: "peringkat 6", "posisi tiga klasemen".
RANK_WORDS = ["peringkat", "posisi", "urutan", "ranking", "rangking", "gelombang", "tingkat", "nomor urut"]
# A number after these is an identifier, not a count or a date: "UU Nomor 29 Tahun 2023",
# "Pasal 21 ayat 3", "UU 12/2011".
ID_NUMBER_WORDS = ["npwp", "nik", "nip", "nrp", "nisn", "nuptk", "ktp"]
LAW_NUMBER_WORDS = ["nomor", "no", "no.", "nomer", "pasal", "ayat"]
LAW_WORDS = ["uu", "undang-undang", "perpu", "perppu", "pp", "perda", "perpres", "permen", "keppres", "inpres", "pojk"]
# Idioms with a number word that count nothing: "satu perahu" (in the same boat), "roda empat"
# (a car), "satu di antara" (one of).
IDIOMS: list[list[TokenPattern]] = [
    [{"LOWER": "satu"}, {"LOWER": {"IN": ["perahu", "padu", "kesatuan", "suara", "persatu", "visi"]}}],
    [{"LOWER": "satu"}, {"LOWER": {"IN": ["sama", "per", "di"]}}, {"LOWER": {"IN": ["lain", "satu", "antara"]}}],
    [{"LOWER": "roda"}, {"LOWER": {"IN": ["dua", "tiga", "empat", "enam", "2", "3", "4", "6"]}}],
    [{"LOWER": "yang"}, {"LOWER": "satu"}, {"LOWER": {"IN": ["lagi", "yang", "itu", "ini"]}}],
    # Numbers inside names: "Liga 1", "Ligue 1", "Serie A" aside.
    [{"LOWER": {"IN": ["liga", "ligue", "komisi", "divisi"]}}, {"TEXT": {"REGEX": r"^\d$"}}],
]
AGE_WORDS_SET = frozenset(AGE_WORDS)
AGE_ADVERBS_SET = frozenset(AGE_ADVERBS)
DURATION_TAILS_SET = frozenset([*DURATION_TAILS, "yang", "setelah", "sebelum", "sejak", "lamanya", "terakhir"])
LAW_WORDS_SET = frozenset(LAW_WORDS)
NOT_YEAR_BEFORE = LAW_WORDS_SET | {"nomor", "no", "no.", "pasal", "ayat", "liga", "kode", "nomer", "angka"}
PERSON_LABELS = frozenset({"PERSON", "PER", "PERS"})
# Words before a person's initials: "berinisial AS (27)", "tersangka SD, 27 tahun".
INITIALS_BEFORE = NAME_INITIALS_BEFORE | {"sdr.", "tersangka", "pelaku", "korban"}
# An age after a person's name: "Ani (43)", "Cecep Rahmat, 24 tahun".
AGE_AFTER_NAME = frozenset({"QUANTITY_AGEPAREN", "QUANTITY_AGENAME"})
# Spans of these keys are settled first; no other number may overlap them.
OVERRIDING = frozenset(
    {
        "QUANTITY_AGE",
        "QUANTITY_AGEPAREN",
        "QUANTITY_AGENAME",
        "QUANTITY_SCALE",
        "ORDINAL_RANK",
        "NONE_LAW",
        "NONE_IDIOM",
        "NONE_ID",
    }
)
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
            if key.split("_")[0] in labels | {"NONE"}:
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
        self.acronym_units = (
            self.money_signs
            | set(TIME_ZONES)
            | set(EXTRA_UNITS)
            | set(INTENSITY_SCALES)
            | set(COORDINATE_SIGNS)
            | gaz.quantity_units
        )
        # What a range of numbers measures ("5-10 tahun", "2-3 persen"): then it is no score.
        self.range_units = (
            gaz.date_units
            | gaz.time_units
            | {u.lower() for u in gaz.quantity_units | set(EXTRA_UNITS)}
            | gaz.currency_words
            | set(CURRENCY_HEADS)
            | {"persen", "%", "juta", "ribu", "miliar", "triliun"}
        )

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

        period_word: TokenPattern = {"LOWER": {"IN": ["pekan", "minggu", "bulan", "tahun", "abad", "dekade"]}}
        weekday_any_case: TokenPattern = {"LOWER": {"IN": sorted(d.lower() for d in gaz.days)}}
        relative_tail: TokenPattern = {"LOWER": {"IN": RELATIVE_TAILS}}
        this_time: list[TokenPattern] = [{"LOWER": "kali"}, {"LOWER": "ini"}]
        this_or_next: TokenPattern = {"LOWER": {"IN": ["ini", "lalu", "depan", "berikutnya"]}, "OP": "?"}
        until: TokenPattern = {"LOWER": {"IN": ["hingga", "sampai", "s.d.", "s/d"]}}
        part_number: TokenPattern = {"TEXT": {"REGEX": r"^([IV]{1,3}|[1-4]|pertama|kedua|ketiga|keempat)$"}}
        same_year: list[TokenPattern] = [
            {"LOWER": "tahun", "OP": "?"},
            {"LOWER": {"IN": ["lalu", "sebelumnya"]}, "OP": "?"},
        ]

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
        units_ci = sorted({*units_ci, *(u.lower() for u in EXTRA_UNITS)})
        year_20c: TokenPattern = {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}
        small: TokenPattern = {"TEXT": {"REGEX": r"^\d{1,2}$"}}
        dash: TokenPattern = {"ORTH": {"IN": ["-", "–", "—"]}}
        roman: TokenPattern = {"TEXT": {"REGEX": ROMAN_RE}}
        # "(24/8)." is "(", "24", "/", "8)" to spaCy ("8)" is an emoticon): both closings.
        slash_closed: list[list[TokenPattern]] = [
            [{"ORTH": "("}, *slash_date, {"ORTH": ")"}],
            [{"ORTH": "("}, *slash_date_year, {"ORTH": ")"}],
            [{"ORTH": "("}, dom, {"ORTH": "/"}, {"TEXT": {"REGEX": r"^\d{1,2}\)$"}}],
        ]
        currency_heads: TokenPattern = {"LOWER": {"IN": CURRENCY_HEADS}}
        signs = sorted(gaz.currency_symbols | set(CURRENCY_SIGNS))
        # "500 juta dolar AS", "20 dolar Singapura", "1,2 miliar euro".
        tail_words = sorted({w for tail in CURRENCY_TAILS for w in tail})
        money_words: list[TokenPattern] = [
            currency_heads,
            *[{"LOWER": {"IN": tail_words}, "OP": "?"}] * max(len(t) for t in CURRENCY_TAILS),
        ]

        def words(phrase: str, lower: bool = True) -> list[TokenPattern]:
            return [{"LOWER": w} if lower else {"ORTH": w} for w in phrase.split()]

        # One pattern per holiday, the words around it optional: "hari kedua Idul Fitri",
        # "Idulfitri 1446 H", "Hari Kemerdekaan RI"; "H-7 Lebaran" in a pattern of its own.
        single = sorted({w for h in HOLIDAYS if " " not in h for w in (h, h.capitalize())})
        cores = [[{"ORTH": {"IN": single}}]] + [words(h) for h in sorted(set(HOLIDAYS)) if " " in h]
        cores += [words(h, False) for h in HOLIDAYS_CAPITALISED]
        holiday_head: list[TokenPattern] = [{"LOWER": "hari", "OP": "?"}, {"LOWER": {"REGEX": ORDINAL_RE}, "OP": "?"}]
        holiday_tail: list[TokenPattern] = [
            {"ORTH": {"IN": HOLIDAY_TAILS}, "OP": "?"},
            {"TEXT": {"REGEX": r"^(1[34]\d\d|20\d\d)$"}, "OP": "?"},
            {"ORTH": {"IN": ["H", "H.", "Hijriah", "M"]}, "OP": "?"},
        ]
        days_before: list[TokenPattern] = [{"ORTH": "H"}, {"ORTH": {"IN": ["-", "+"]}}, {"IS_DIGIT": True}]
        anniversary_of: TokenPattern = {"TEXT": {"REGEX": r"^[A-Z][A-Za-z]*$"}, "OP": "?"}
        anniversary_after: TokenPattern = {"ORTH": {"IN": ANNIVERSARY_OF}, "OP": "?"}
        nth: list[TokenPattern] = [{"LOWER": "ke"}, {"ORTH": "-", "OP": "?"}, {"IS_DIGIT": True}]
        return {
            # "Idul Adha", "hari kedua Idul Fitri", "HUT RI ke-80", "HUT ke-79 Bhayangkara".
            "DATE_HOLIDAY": [
                *[[*holiday_head, *core, *holiday_tail] for core in cores],
                *[[*days_before, *core] for core in cores[:1]],
                [{"ORTH": "HUT"}, anniversary_of, anniversary_of, *nth, anniversary_after],
                [{"ORTH": "HUT"}, {"ORTH": "Kemerdekaan", "OP": "?"}, {"ORTH": {"IN": ["RI", "Indonesia"]}}],
            ],
            "QUANTITY_AGE": [
                [{"LOWER": {"IN": AGE_WORDS}}, {"LOWER": {"IN": AGE_ADVERBS}, "OP": "*"}, *core]
                for core in approx([nums, {"LOWER": "tahun", "OP": "?"}])
            ],
            # "Ani (43)": kept only after a person's name (see ``_age_in_brackets``).
            "QUANTITY_AGEPAREN": [[{"ORTH": "("}, {"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"ORTH": ")"}]],
            "QUANTITY_AGENAME": [[{"ORTH": ",", "OP": "?"}, small, {"LOWER": "tahun"}]],
            "ORDINAL_RANK": [[*words(w), {"LOWER": {"REGEX": RANK_NUM_RE}}] for w in RANK_WORDS]
            + [[*words(w), *nth] for w in RANK_WORDS],
            "NONE_LAW": [
                [{"LOWER": {"IN": LAW_NUMBER_WORDS}}, {"TEXT": {"REGEX": r"^\d+[A-Za-z]?$"}}],
                [{"LOWER": {"IN": LAW_NUMBER_WORDS}}, {"TEXT": {"REGEX": r"^\d+$"}}, {"LOWER": "tahun"}, year],
                [{"LOWER": {"IN": LAW_WORDS}}, {"TEXT": {"REGEX": r"^\d+$"}}, {"ORTH": "/"}, year],
                [{"LOWER": {"IN": LAW_WORDS}}, {"TEXT": {"REGEX": r"^\d+$"}}, {"LOWER": "tahun"}, year],
            ],
            # Identity and tax numbers are no amounts: "NPWP 09.468.771.2-009.000", "NIK: 3201...".
            "NONE_ID": [
                [
                    {"LOWER": {"IN": ID_NUMBER_WORDS}},
                    {"ORTH": ":", "OP": "?"},
                    {"TEXT": {"REGEX": r"^\d[\d.]*$"}},
                    {"ORTH": "-", "OP": "?"},
                    {"TEXT": {"REGEX": r"^\d[\d.]*$"}, "OP": "?"},
                ]
            ],
            "NONE_IDIOM": IDIOMS,
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
                *[[day, *closed] for closed in slash_closed],
                [day, {"ORTH": ","}, *slash_date],
                [{"LOWER": "tanggal"}, dom, month_any],
                [{"LOWER": "tanggal"}, dom, month_any, year],
                [dom, month_any, {"LOWER": {"IN": DURATION_TAILS}}],
                [month, {"LOWER": {"IN": ["lalu", "mendatang", "depan", "silam"]}}],
                [
                    {"LOWER": {"IN": PERIOD_PARTS}},
                    {"LOWER": "bulan", "OP": "?"},
                    month,
                    {"LOWER": {"IN": DURATION_TAILS}},
                ],
                # Ranges are one date: "18-19 Oktober 2017", "Januari-April 2017", "2016-2017".
                [dom, dash, dom, month_any],
                [dom, dash, dom, month_any, year],
                [month, dash, month],
                [month, dash, month, year],
                [year_20c, dash, year_20c],
                [year_20c, {"ORTH": "/"}, {"TEXT": {"REGEX": r"^(\d\d|(19|20)\d\d)$"}}],
                [{"LOWER": "musim"}, {"LOWER": {"IN": ["ini", "lalu", "depan"]}}],
                [{"LOWER": "musim"}, year],
                # "musim kemarau", "awal musim hujan", "musim panas kali ini", "musim dingin 2017".
                *[
                    [*part, {"LOWER": "musim"}, {"LOWER": {"IN": SEASONS}}, *tail]
                    for part in ([], [{"LOWER": {"IN": PERIOD_PARTS}}])
                    for tail in ([], [{"LOWER": {"IN": ["ini", "lalu", "depan"]}}], [year], this_time)
                ],
                [{"LOWER": {"IN": PERIOD_PARTS}}, {"LOWER": "musim"}, {"LOWER": {"IN": ["ini", "lalu", "depan"]}}],
                # "tengah pekan kemarin", "awal bulan depan", "akhir masa sidang ini".
                [{"LOWER": {"IN": PERIOD_PARTS_WIDE}}, period_word, {"LOWER": {"IN": RELATIVE_TAILS}}],
                [{"LOWER": {"IN": PERIOD_PARTS}}, {"LOWER": "masa"}, {"LOWER": "sidang"}, this_or_next],
                # Durations of seasons: "satu musim", "dua musim terakhir".
                [{"LOWER": {"IN": ["beberapa", *_num_words]}}, {"LOWER": "musim"}],
                [nums, {"LOWER": "musim"}, {"LOWER": {"IN": DURATION_TAILS}}],
                # "kuartal I 2017", "sepanjang semester pertama tahun ini", "triwulan III/2017".
                *[
                    [*lead, {"LOWER": {"IN": YEAR_PARTS}}, part_number, *tail]
                    for lead in ([], [{"LOWER": {"IN": ["sepanjang", "selama"]}}])
                    for tail in (
                        [],
                        [year],
                        [year, {"LOWER": "ini"}],
                        [{"ORTH": "/"}, year],
                        [{"LOWER": "tahun"}, {"LOWER": {"IN": ["ini", "lalu", "depan"]}}],
                        [{"LOWER": "tahun"}, year],
                    )
                ],
                # "tiga bulan pertama tahun ini", "enam bulan terakhir tahun lalu".
                [
                    nums,
                    date_unit,
                    {"LOWER": {"IN": ["pertama", "terakhir"]}},
                    {"LOWER": "tahun"},
                    {"LOWER": {"IN": ["ini", "lalu"]}},
                ],
                # A month in a year said relatively: "September tahun lalu", "Januari-September tahun ini".
                [{"LOWER": "bulan", "OP": "?"}, month, {"LOWER": "tahun"}, {"LOWER": {"IN": ["ini", "lalu", "depan"]}}],
                [month, dash, month, {"LOWER": "tahun"}, {"LOWER": {"IN": ["ini", "lalu", "depan"]}}],
                # "pada hari Rabu", "hari rabu" (a weekday written in lower case too).
                *[[{"LOWER": "hari"}, weekday_any_case, *tail] for tail in ([], [relative_tail])],
                # Ranges said in words: "bulan Januari hingga September", "1 hingga 5 Maret 2017".
                [{"LOWER": "bulan", "OP": "?"}, month, until, month],
                [{"LOWER": "bulan", "OP": "?"}, month, until, month, year],
                [{"LOWER": "bulan", "OP": "?"}, month, year, until, month, year],
                [dom, until, dom, month_any],
                [dom, until, dom, month_any, year],
                [year_20c, until, year_20c],
                # A past year: "2009 silam", "30 September pada 2009 silam", "Mei 2016 lalu".
                [year_20c, {"LOWER": {"IN": ["silam", "lalu"]}}],
                [month, year_20c, {"LOWER": {"IN": ["silam", "lalu"]}}],
                [dom, month_any, year_20c, {"LOWER": {"IN": ["silam", "lalu"]}}],
                [dom, month_any, {"LOWER": "pada"}, year_20c, {"LOWER": {"IN": ["silam", "lalu"]}, "OP": "?"}],
                # A relative day with its calendar date: "hari ini (01/10/2016)", "kemarin (Rabu, 18/10)".
                *[
                    [*rel, {"ORTH": "("}, *inside, {"ORTH": ")"}]
                    for rel in (
                        [{"LOWER": "hari"}, {"LOWER": {"IN": ["ini", "itu", *NEXT_OR_PREVIOUS]}}],
                        [{"LOWER": {"IN": ["kemarin", "besok", "lusa"]}}],
                    )
                    for inside in (
                        slash_date,
                        slash_date_year,
                        [day, {"ORTH": ","}, *slash_date],
                        [day, {"ORTH": ","}, *slash_date_year],
                        [day],
                        [dom, month_any, year],
                    )
                ],
                # The same period again: "periode yang sama tahun sebelumnya", "hari yang sama".
                [
                    {"LOWER": {"IN": ["periode", "hari", "bulan", "tahun", "waktu", "pekan", "minggu"]}},
                    {"LOWER": "yang"},
                    {"LOWER": "sama"},
                    *same_year,
                ],
                [{"LOWER": "periode"}, year_20c],
                [{"LOWER": "periode"}, year_20c, {"ORTH": {"IN": ["/", "-"]}}, {"IS_DIGIT": True}],
                [{"LOWER": "tahun"}, {"LOWER": "berjalan"}],
                # "hingga beberapa tahun", "sampai 10 tahun", "hampir setiap tahun".
                [{"LOWER": {"IN": UP_TO}}, {"LOWER": {"IN": ["beberapa", *_num_words]}}, date_unit],
                [{"LOWER": {"IN": UP_TO}}, {"TEXT": {"REGEX": r"^\d+([.,]\d+)?$"}}, date_unit],
                [{"LOWER": {"IN": UP_TO}}, {"LOWER": {"IN": ["setiap", "tiap"]}}, date_unit],
                [{"LOWER": {"IN": ["setiap", "tiap"]}}, date_unit],
                [{"LOWER": {"IN": ["selama", "sepanjang"]}}, nums, date_unit],
                [{"LOWER": "sepanjang"}, {"LOWER": "tahun"}, {"LOWER": {"IN": ["ini", "lalu"]}}],
                [{"LOWER": "sepanjang"}, {"LOWER": "tahun"}, year],
                [{"LOWER": "beberapa"}, {"LOWER": "waktu"}, {"LOWER": {"IN": ["lalu", "terakhir"]}}],
                # "setahun ini", "sepekan terakhir", "tahun 80an".
                [{"LOWER": {"IN": SE_DATE_UNITS}}, {"LOWER": {"IN": [*DURATION_TAILS, "ini"]}, "OP": "?"}],
                [{"LOWER": "tahun"}, {"LOWER": {"REGEX": r"^\d0-?an$"}}],
            ],
            # A year alone: "Pilkada 2018", "inflasi 2017" (not a law's, see ``__call__``).
            "DATE_YEAR": [[year_20c]],
            # The first token only says that a date follows: "sejak 2021" -> "2021".
            "DATE_AFTERPREP": [
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, year],
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, month],
                [{"LOWER": {"IN": DATE_PREPOSITIONS}}, month, year],
            ],
            "DATE_CLAUSE": [[nums, date_unit, {"LOWER": {"IN": RELATIVE_LINKS}}]],
            "TIME": [
                *[
                    [*before, {"LOWER": {"IN": ["pukul", "jam"]}}, {"TEXT": {"REGEX": r"^\d{1,2}([.:]\d{2})?$"}}, *tail]
                    for tail in (
                        [],
                        [{"ORTH": {"IN": TIME_ZONES}}],
                        [period],
                        [{"LOWER": "waktu"}, {"LOWER": "setempat"}],
                    )
                    for before in ([], [{"LOWER": "sekitar"}], [day], [day, {"ORTH": ","}])
                ],
                *[[day, period, *closed] for closed in slash_closed],
                *[[day, *closed, period] for closed in slash_closed[2:]],
                [period, {"LOWER": "hari"}],
                # Match minutes: "menit ke-12", "menit 90 + 5".
                [{"LOWER": "menit"}, *nth],
                [{"LOWER": "menit"}, small],
                [{"LOWER": "menit"}, {"IS_DIGIT": True}, {"ORTH": "+"}, {"IS_DIGIT": True}],
                [day, period],
                [{"LOWER": "hari"}, day, period],
                [day, {"ORTH": "("}, *slash_date, {"ORTH": ")"}, period],
                [day, {"ORTH": "("}, *slash_date_year, {"ORTH": ")"}, period],
                [{"LOWER": {"IN": ["tadi", "kemarin"]}}, period],
                [period, {"LOWER": "ini"}],
                [{"LOWER": "pagi", "OP": "?"}, {"LOWER": "dini"}, {"LOWER": "hari"}, {"LOWER": "tadi", "OP": "?"}],
                # "lima menit terakhir", "dua jam kemudian".
                *approx([nums, {"LOWER": {"IN": sorted(gaz.time_units)}}, {"LOWER": {"IN": DURATION_TAILS}}]),
                [{"LOWER": "tengah"}, {"LOWER": {"IN": ["malam", "hari"]}}],
                *approx([nums, {"LOWER": {"IN": sorted(gaz.time_units)}}]),
            ],
            "MONEY": [
                *approx([{"ORTH": {"IN": signs}}, {"ORTH": ".", "OP": "?"}, nums]),
                *approx([{"ORTH": {"IN": sorted(gaz.currency_codes)}}, nums]),
                *approx([nums, {"ORTH": {"IN": sorted(gaz.currency_codes)}}]),
                *approx([nums, {"LOWER": {"IN": sorted(gaz.currency_words)}}]),
                *approx([nums, *money_words]),
            ],
            "PERCENT": approx(
                [nums, {"TEXT": {"REGEX": r"^\s+$"}, "OP": "?"}, {"LOWER": {"IN": ["persen", "%", "prosen"]}}]
            ),
            "QUANTITY": [
                *approx([nums, {"ORTH": {"IN": sorted(gaz.quantity_units)}}, {"LOWER": {"IN": UNIT_TAILS}, "OP": "?"}]),
                *approx([nums, {"LOWER": {"IN": units_ci}}, {"LOWER": {"IN": UNIT_TAILS}, "OP": "?"}]),
            ],
            # "II SIG-BMKG", "V MMI", "I-II MMI"; "1,33 LS", "99,65 Bujur Timur", "7,5° LU".
            "QUANTITY_SCALE": [
                [roman, {"ORTH": "SIG"}],
                [roman, {"ORTH": "SIG"}, {"ORTH": "-"}, {"ORTH": "BMKG"}],
                [roman, {"ORTH": "MMI"}],
                [roman, dash, roman, {"ORTH": "MMI"}],
                [nums, {"ORTH": "°", "OP": "?"}, {"ORTH": {"IN": COORDINATE_SIGNS}}],
                [
                    nums,
                    {"ORTH": "°", "OP": "?"},
                    {"LOWER": {"IN": COORDINATE_WORDS}},
                    {"TEXT": {"REGEX": r"^[A-Z][a-z]+$"}},
                ],
            ],
            "CARDINAL": approx([nums]),
            # A score: "menang 2-0", "skor 1-1" (not a range of days, see ``__call__``).
            "CARDINAL_SCORE": [[small, dash, small]],
            "ORDINAL": [[{"LOWER": {"REGEX": ORDINAL_RE}}], [{"LOWER": "ke"}, {"ORTH": "-"}, {"IS_DIGIT": True}]],
        }

    def __call__(self, doc: Doc) -> Doc:
        strings = self.matcher.vocab.strings
        matches = [(strings[match_id], start, end) for match_id, start, end in self.matcher(doc)]
        # Ages, ranks, law numbers and idioms first: no other number may overlap them ("berusia
        # 43 tahun" is no duration, "Nomor 29 Tahun 2023" no date, "posisi tiga klasemen" no count).
        settled: set[int] = set()
        # Where the doc's persons end, read once ("Persib (14), Persija (12), ..." asks at each bracket).
        person_ends = (
            {span.end for span in (*doc.ents, *candidates(doc)) if span.label_ in PERSON_LABELS}
            if any(key in AGE_AFTER_NAME for key, _, _ in matches)
            else set()
        )
        for key, start, end in matches:
            if key not in OVERRIDING:
                continue
            found = self._settled(doc, key, start, end, person_ends)
            if found is None:
                continue
            start, end = found
            settled.update(range(start, end))
            if key.startswith("NONE"):
                continue  # a law's number or an idiom: no number at all
            label = key.split("_")[0]
            add_candidate(doc, start, end, label, label.lower())
        for key, start, end in matches:
            if key in OVERRIDING or any(i in settled for i in range(start, end)):
                continue
            label = key.split("_")[0]
            rule = label.lower()
            if key == "DATE_AFTERPREP":
                start += 1
            elif key == "DATE_HOLIDAY":
                rule = "holiday"
            elif key == "DATE_YEAR":
                if not self._year(doc, start):
                    continue
            elif key == "DATE_CLAUSE":
                clause_end = self._clause_end(doc, end)
                if clause_end is None:
                    continue
                end = clause_end
            elif key == "CARDINAL_SCORE":
                if end < len(doc) and (doc[end].lower_ in self.range_units or doc[end].text in self.gaz.months):
                    continue  # "5-10 tahun", "21-22 Maret": a range, not a score
            elif label == "CARDINAL":
                span = self._cardinal(doc, start, end)
                if span is None:
                    continue
                start, end = span
            elif label == "ORDINAL":
                if self._group(doc, start, end):
                    # "kedua tersangka", "ke-20 klub": the group counted, with its noun.
                    add_candidate(doc, start, end + 1, "CARDINAL", "cardinal")
                    continue
                if not self._ordinal(doc, start):
                    continue
            elif key == "DATE" and end - start == 1 and not self._weekday(doc[start]):
                continue
            if label == "DATE" and start > 0 and doc[start - 1].text.rstrip(".") in self.money_signs:
                continue  # "US$ 2 miliar tahun lalu": the number is the amount
            add_candidate(doc, start, end, label, rule)
        return doc

    def _settled(self, doc: Doc, key: str, start: int, end: int, person_ends: set[int]) -> tuple[int, int] | None:
        """The span an overriding match stands for, or None when the match is no such thing."""
        if key == "QUANTITY_AGE":
            # "berusia sekitar 43 tahun" -> "sekitar 43 tahun": the age word and adverbs stay out.
            while start < end and doc[start].lower_ in AGE_WORDS_SET:
                start += 1
            while start < end and doc[start].lower_ in AGE_ADVERBS_SET:
                start += 1
            if end < len(doc) and doc[end].lower_ in self.range_units:
                return None  # "laga baru berusia lima menit": a duration
            return (start, end) if start < end else None
        if key == "QUANTITY_AGENAME":
            # "Cecep Rahmat, 24 tahun": an age after a person's name, not "24 tahun lalu".
            if end < len(doc) and doc[end].lower_ in DURATION_TAILS_SET:
                return None
            first = start + (doc[start].text == ",")
            return (first, end) if self._after_person(doc, start, person_ends) else None
        if key == "QUANTITY_AGEPAREN":
            return (start + 1, end - 1) if self._after_person(doc, start, person_ends) else None
        if key == "ORDINAL_RANK":
            nxt = doc[end] if end < len(doc) else None
            if nxt is not None and nxt.lower_ in self.not_counted - set(STOP_WORDS):
                return None  # "tingkat 5 persen", "peringkat 10 besar" stays what it is
            first = end - 1
            while first > start and doc[first - 1].lower_ in {"ke", "-"}:
                first -= 1
            return first, end
        return start, end

    @staticmethod
    def _after_person(doc: Doc, paren: int, person_ends: set[int]) -> bool:
        """True when the token before ``paren`` ends a person's name or initials ("Ani (43)", "AMR (16)")."""
        if paren == 0:
            return False
        before = doc[paren - 1]
        if is_acronym_text(before.text) and paren > 1 and doc[paren - 2].lower_ in INITIALS_BEFORE:
            return True
        if not (is_name_text(before.text) or is_acronym_text(before.text)):
            return False
        return paren in person_ends

    def _year(self, doc: Doc, start: int) -> bool:
        """A bare year is a date unless it is a number ("2000 orang") or after an amount's sign."""
        nxt = doc[start + 1] if start + 1 < len(doc) else None
        if nxt is not None and (self._counted(nxt) or nxt.lower_ in CLASSIFIERS):
            return False
        # "UU 2024", "Nomor antrean 2024", "kode pos 2024": an identifier.
        before = {doc[i].lower_ for i in range(max(0, start - 2), start)}
        return before.isdisjoint(NOT_YEAR_BEFORE)

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
            if doc[end - 1].lower_ == "kali":
                return start, end  # "200 kali gempa": the times, not the quakes
        if end < len(doc) and (self._counted(doc[end]) or self._counted_acronym(doc[end])):
            end += 1
        return start, end

    def _counted_acronym(self, tok: Token) -> bool:
        """An acronym counted like a noun: "328 KK", "32 BUMN", "dua WNA" (not "5 WIB", "10 USD")."""
        return is_acronym_text(tok.text) and tok.text not in self.acronym_units

    def _counted(self, tok: Token) -> bool:
        low = tok.lower_
        if low in COUNTED_NOUNS:
            return tok.is_lower
        return (
            tok.is_alpha
            and tok.is_lower
            and len(low) >= 3
            and low not in self.not_counted
            and not _VERB_PREFIX.match(low)
            and not re.match(NUM_RE, low)
        )

    def _group(self, doc: Doc, start: int, end: int) -> bool:
        """A ke- number before the noun it counts: "kedua tersangka" (both suspects), "ketiga klub",
        "ke-20 klub Liga Primer"; not after a noun ("motif kedua") or "yang" ("yang ketiga")."""
        if doc[start].lower_ == "pertama" or end >= len(doc) or not self._counted(doc[end]):
            return False
        if doc[start].text != "ke" and doc[end].lower_ not in GROUPED_NOUNS:
            return False  # "kedua negara": left as it was
        if start == 0:
            return True
        before = doc[start - 1]
        if not before.is_alpha or before.lower_ in STOP_WORDS - {"yang"} or _VERB_PREFIX.match(before.lower_):
            return before.lower_ != "yang"
        return False

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
