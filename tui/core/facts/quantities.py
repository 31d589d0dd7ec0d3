"""Counts, money, percentages and measured quantities, with value, unit and qualifier.

"lebih dari 10.000 tentara" -> value 10000, unit "tentara", qualifier ">"; "Rp3,7 triliun" -> 3.7e12
IDR; "sekitar 90 persen" -> 90 "%" "~"; "tiga kali" -> 3 "kali". Numbers are found by rules over the
text and merged with the pipeline's CARDINAL, MONEY, PERCENT and QUANTITY spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tui.core.currencies import CURRENCY_SIGNS, CURRENCY_WORDS
from tui.core.facts.model import NumberFact, Span
from tui.core.facts.numerals import (
    DIGITS,
    QUALIFIER,
    SCALE_WORD,
    SCALES,
    SHORT_SCALES,
    VAGUE,
    VAGUE_NUMBER,
    WORD_NUMBER,
    as_number,
    parse_number,
    qualifier_symbol,
)
from tui.core.facts.sentences import SentenceIndex
from tui.core.facts.spans import SpanSet, merge_entity_spans

CURRENCY_CODES = frozenset(c for c in CURRENCY_SIGNS.values())
# Units of measure as written -> as shown. Matched case-sensitively ("m" is a metre, "M" is not).
MEASURES = {
    "kilometer persegi": "km²",
    "meter persegi": "m²",
    "meter kubik": "m³",
    "km per jam": "km/jam",
    "km/jam": "km/jam",
    "km2": "km²",
    "km²": "km²",
    "m2": "m²",
    "m²": "m²",
    "m3": "m³",
    "m³": "m³",
    "kilometer": "km",
    "km": "km",
    "meter": "m",
    "m": "m",
    "sentimeter": "cm",
    "cm": "cm",
    "milimeter": "mm",
    "mm": "mm",
    "kilogram": "kg",
    "kg": "kg",
    "gram": "g",
    "gr": "g",
    "g": "g",
    "miligram": "mg",
    "mg": "mg",
    "ton": "ton",
    "kuintal": "kuintal",
    "ons": "ons",
    "liter": "l",
    "mililiter": "ml",
    "ml": "ml",
    "hektare": "ha",
    "hektar": "ha",
    "ha": "ha",
    "mil": "mil",
    "knot": "knot",
    "derajat celsius": "°C",
    "derajat Celsius": "°C",
    "derajat celcius": "°C",
    "derajat Celcius": "°C",
    "derajat fahrenheit": "°F",
    "derajat Fahrenheit": "°F",
    "derajat": "°",
    "°C": "°C",
    "°F": "°F",
    "mph": "mph",
    "megawatt": "MW",
    "MW": "MW",
    "kilowatt": "kW",
    "kW": "kW",
    "kWh": "kWh",
    "watt": "W",
    "volt": "V",
    "barel": "barel",
    "barrel": "barel",
    "GB": "GB",
    "MB": "MB",
    "TB": "TB",
    "inci": "inci",
    "kaki": "kaki",
    "SR": "SR",
    "magnitudo": "magnitudo",
    "Hz": "Hz",
    "kHz": "kHz",
    "MHz": "MHz",
    "GHz": "GHz",
    "kalori": "kal",
    "kkal": "kkal",
}
# Counting words that go with their number: "tiga kali", "dua orang", "lima unit".
CLASSIFIERS = (
    "kali lipat|kali|orang|buah|ekor|unit|lembar|biji|batang|butir|helai|potong|pucuk|pasang|kotak|karung|"
    "botol|bungkus|paket|keping|bidang|petak|kepala keluarga"
)
# Words after a number that are not what it counts ("dua di antaranya", "tiga tewas").
NOT_COUNTED = frozenset(
    """yang di ke dari dan atau untuk dengan pada dalam ini itu tersebut adalah akan telah sudah juga
    tidak tak belum bukan oleh bagi antara hingga sampai sejak karena sebagai seperti serta namun
    tetapi maupun atas terhadap tentang kepada para per lebih kurang sekitar hampir lainnya lain
    diantaranya sisanya sekaligus masing-masing sebanyak sebesar mencapai sama saja pun lagi hanya
    tewas hilang luka selamat meninggal terluka sekitarnya""".split()
)
# Nouns that look like verbs by their prefix (me-, di-, ter-): "tiga menteri", "dua tersangka".
PREFIXED_NOUNS = frozenset("menteri meter dinas direktur diplomat terdakwa tersangka terpidana dirjen".split())
_VERB_LIKE = re.compile(r"^(?:me(?:m|n|ng|ny|l|r)?|ber|ter|di)[a-z]{3,}$")
# A number after these is a reference, not an amount ("Pasal 3", "No. 12", "Jl. Merdeka 5").
REFERENCE_WORDS = frozenset(
    """pasal ayat nomor no nomer jalan jl jln rt rw blok lantai halaman hal kode tipe seri versi edisi
    kamar gate pintu ke tahun pukul jam uu pp perpres perda kelas tingkat gelombang babak""".split()
)

_I = re.IGNORECASE
_CORE = re.compile(
    rf"(?<![\w.,/-])(?P<vague>{VAGUE_NUMBER})\b|(?<![\d.,/-])(?P<digits>{DIGITS})(?!\d)|(?<![\w.,/-])(?P<words>{WORD_NUMBER})\b",
    _I,
)
_SCALE_AFTER = re.compile(rf"\s*(?P<scale>{SCALE_WORD})\b", _I)
_MONEY_SCALE_AFTER = re.compile(r"\s*(?P<scale>[MTK])\b")
_RANGE = re.compile(r"\s*(?:-|–|—|s\.d\.?|s/d|hingga|sampai(?:\s+dengan)?|atau)\s*", _I)
_AND = re.compile(r"\s+dan\s+", _I)
_SECOND = re.compile(rf"(?P<digits>{DIGITS})(?!\d)|(?P<words>{WORD_NUMBER})\b", _I)
_MORE_AFTER = re.compile(r"\s+lebih\b(?!\s+(?:dari|daripada|banyak|besar|kecil|tinggi|rendah|cepat|lama|baik))", _I)
_PERCENT = re.compile(r"\s*(?:%|persen\b|prosen\b)(?:\s+poin\b)?", _I)
_CURRENCY_WORD = re.compile(
    r"\s*(?P<cur>" + "|".join(sorted((w.replace(" ", r"\s+") for w in CURRENCY_WORDS), key=len, reverse=True)) + r")\b",
    _I,
)
_CURRENCY_CODE = re.compile(r"\s*(?P<cur>" + "|".join(sorted(CURRENCY_CODES, key=len, reverse=True)) + r")\b")
_MEASURE = re.compile(
    r"\s*(?P<unit>"
    + "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in sorted(MEASURES, key=len, reverse=True))
    + r")(?![\w/²³])"
)
_CLASSIFIER = re.compile(r"\s+(?P<unit>" + CLASSIFIERS.replace(" ", r"\s+") + r")\b", _I)
_NOUN = re.compile(r"\s+(?P<unit>[a-z]{3,}(?:-[a-z]+)?)\b")
_SIGN_BEFORE = re.compile(
    r"(?P<cur>" + "|".join(re.escape(s) for s in sorted(CURRENCY_SIGNS, key=len, reverse=True)) + r")\s*$"
)
_QUALIFIER_BEFORE = re.compile(rf"(?<![\w-])(?P<q>{QUALIFIER})\s+$", _I)
_BETWEEN_BEFORE = re.compile(r"(?<![\w-])antara\s+$", _I)
_MAGNITUDE_BEFORE = re.compile(r"(?<![\w-])(?:magnitudo|bermagnitudo|berkekuatan|kekuatan)\s+(?:M\s*)?$", _I)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?\s*$")


@dataclass
class Quantity:
    """A number as read, before it becomes a fact."""

    value: Decimal | None
    unit: str | None = None
    qualifier: str | None = None
    type: str = "count"
    value_max: Decimal | None = None


def _read(text: str, m: re.Match[str], limit: int) -> tuple[int, int, Quantity] | None:
    """The number expression around the numeral ``m``: qualifier, currency, range, scale and unit."""
    start, end = m.span()
    raw = " ".join(m.group().lower().split())
    if m.group("digits"):
        if start > 0 and (text[start - 1].isalpha() or text[start - 1] == "$"):
            if _SIGN_BEFORE.search(text, max(0, start - 6), start) is None:
                return None  # "G20", "B29": part of a name
        if (
            end < len(text)
            and text[end].isalpha()
            and not (_MEASURE.match(text, end) or _CURRENCY_CODE.match(text, end))
        ):
            return None  # "5G", "4x4": a model or a code, not an amount
        if len(m.group()) >= 10 and m.group().isdigit():
            return None  # a telephone or identity number
    elif raw == "satu" and re.search(r"\bsalah\s+$", text[max(0, start - 8) : start], _I):
        return None  # "salah satu" = one of
    if re.match(r"-[^\W\d_]", text[end : end + 2]):
        return None  # "satu-satunya", "Covid-19"-like words
    value = parse_number(m.group())
    if value is None:
        return None
    quantity = Quantity(value)
    if m.group("vague") or raw in VAGUE:
        quantity.qualifier = ">="
    pos = end
    if m.group("digits"):
        scaled = _SCALE_AFTER.match(text, pos, limit)
        if scaled:
            scale = scaled.group("scale").lower()
            quantity.value = value * (SCALES.get(scale) or SHORT_SCALES[scale])
            pos = scaled.end()
    # A range: "10-20 persen", "dua atau tiga orang", "antara 5 dan 7".
    between = _BETWEEN_BEFORE.search(text, max(0, start - 10), start)
    joint = (between and _AND.match(text, pos, limit)) or _RANGE.match(text, pos, limit)
    if joint:
        second = _SECOND.match(text, joint.end(), limit)
        high = parse_number(second.group()) if second else None
        if second and high is not None:
            high_end = second.end()
            scaled = _SCALE_AFTER.match(text, high_end, limit) if second.group("digits") else None
            if scaled:
                factor = SCALES.get(scaled.group("scale").lower()) or SHORT_SCALES[scaled.group("scale").lower()]
                high, high_end = high * factor, scaled.end()
                if quantity.value == value:
                    quantity.value = value * factor  # "2-3 juta": the scale is shared
            if high > (quantity.value or 0):
                quantity.value_max, pos = high, high_end
                if between:
                    start = between.start()
            elif joint.group().strip() in "-–":
                return None  # "menang 2-1": a score
    # What comes before: a currency sign, then a qualifier.
    left = start
    sign = _SIGN_BEFORE.search(text, max(0, left - 6), left)
    if sign:
        quantity.type, quantity.unit = "money", CURRENCY_SIGNS[sign.group("cur")]
        left = sign.start()
        scaled = _MONEY_SCALE_AFTER.match(text, pos, limit)
        if scaled and quantity.value_max is None:
            quantity.value = (quantity.value or Decimal(0)) * {"M": 10**9, "T": 10**12, "K": 10**3}[
                scaled.group("scale")
            ]
            pos = scaled.end()
    qualifier = _QUALIFIER_BEFORE.search(text, max(0, left - 24), left)
    if qualifier:
        quantity.qualifier = qualifier_symbol(qualifier.group("q"))
        left = qualifier.start()
    more = _MORE_AFTER.match(text, pos, limit)
    if more and quantity.qualifier is None:
        quantity.qualifier, pos = ">", more.end()
    # What comes after: the unit.
    if quantity.type != "money":
        magnitude = _MAGNITUDE_BEFORE.search(text, max(0, left - 16), left) is not None
        pos = _unit_after(text, pos, limit, quantity, magnitude)
        if quantity.type == "count" and not qualifier and not between:
            before = _WORD_BEFORE.search(text, max(0, start - 16), start)
            if before and before.group(1).lower() in REFERENCE_WORDS:
                return None  # "Pasal 3", "No. 12"; but "turun ke 8 persen" is an amount
    return left, pos, quantity


def _unit_after(text: str, pos: int, limit: int, quantity: Quantity, magnitude: bool) -> int:
    if (m := _PERCENT.match(text, pos, limit)) is not None:
        quantity.type, quantity.unit = "percent", "%"
        return m.end()
    if (m := _CURRENCY_WORD.match(text, pos, limit)) is not None:
        quantity.type, quantity.unit = "money", CURRENCY_WORDS[" ".join(m.group("cur").lower().split())]
        return m.end()
    if (m := _CURRENCY_CODE.match(text, pos, limit)) is not None:
        quantity.type, quantity.unit = "money", m.group("cur")
        return m.end()
    if (m := _MEASURE.match(text, pos, limit)) is not None:
        quantity.type, quantity.unit = "quantity", MEASURES[" ".join(m.group("unit").split())]
        return m.end()
    if magnitude:
        quantity.type, quantity.unit = "quantity", "magnitudo"
        return pos
    if (m := _CLASSIFIER.match(text, pos, limit)) is not None:
        quantity.unit = " ".join(m.group("unit").lower().split())
        return m.end()
    if (m := _NOUN.match(text, pos, limit)) is not None:
        word = m.group("unit")
        if word not in NOT_COUNTED and (word in PREFIXED_NOUNS or not _VERB_LIKE.match(word)):
            quantity.unit = word
            return m.end()
    return pos


def _scan(text: str, start: int, end: int, taken: SpanSet, sentences: SentenceIndex) -> list[tuple[int, int, Quantity]]:
    found: list[tuple[int, int, Quantity]] = []
    last_end = start
    for m in _CORE.finditer(text, start, end):
        if m.start() < last_end or taken.overlaps(m.start(), m.end()):
            continue
        limit = min(end, sentences.around(m.start(), m.end())[1])
        read = _read(text, m, limit)
        if read is None:
            continue
        s, e, quantity = read
        if taken.overlaps(s, e):
            # The qualifier or unit runs into a date or a name: keep the bare number.
            s, e = m.span()
        if s < last_end:
            continue
        found.append((s, e, quantity))
        last_end = e
    return found


NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})


def find_numbers(
    text: str, sentences: SentenceIndex, taken: SpanSet, pipeline_spans: Iterable[Span]
) -> list[NumberFact]:
    """Every number expression of ``text`` outside ``taken`` (dates and names), as facts without ids."""
    found = _scan(text, 0, len(text), taken, sentences)

    def parse(start: int, end: int) -> Quantity | None:
        if taken.overlaps(start, end):
            return None
        inner = _scan(text, start, end, SpanSet(), sentences)
        return max(inner, key=lambda k: k[1] - k[0])[2] if inner else Quantity(None)

    facts = []
    for start, end, q in merge_entity_spans(found, pipeline_spans, parse):
        facts.append(
            NumberFact(
                text=text[start:end],
                start=start,
                end=end,
                sentence=sentences.around(start, end),
                value=as_number(q.value),
                unit=q.unit,
                qualifier=q.qualifier,
                type=q.type,
                value_max=as_number(q.value_max),
            )
        )
    return facts
