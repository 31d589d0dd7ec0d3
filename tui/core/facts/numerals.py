"""Indonesian numerals: "10.000", "2,9", "3,7 triliun", "dua ratus lima puluh", "ribuan", and qualifiers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

UNITS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
# "se-" is "one": sepuluh = 10, seratus = 100, seribu = 1000.
SE_WORDS = {"sepuluh": 10, "sebelas": 11, "seratus": 100}
SE_SCALES = {"seribu": 10**3, "sejuta": 10**6, "semiliar": 10**9, "semilyar": 10**9, "setriliun": 10**12}
MULTIPLIERS = {"puluh": 10, "ratus": 100}
SCALES = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9, "milyar": 10**9, "triliun": 10**12}
FRACTIONS = {
    "setengah": Decimal("0.5"),
    "separuh": Decimal("0.5"),
    "seperempat": Decimal("0.25"),
    "sepertiga": Decimal(1) / Decimal(3),
}
# Abbreviated scales after digits ("Rp5 jt", "10 rb"); "M" and "T" only after a currency.
SHORT_SCALES = {"rb": 10**3, "jt": 10**6, "million": 10**6, "billion": 10**9, "trillion": 10**12}
MONEY_SCALES = {"M": 10**9, "T": 10**12, "K": 10**3}
# Vague numbers: "puluhan" = tens of, "ribuan" = thousands of. Read as "at least" the base.
VAGUE = {
    "belasan": 10,
    "puluhan": 10,
    "ratusan": 100,
    "ribuan": 10**3,
    "puluhan ribu": 10**4,
    "ratusan ribu": 10**5,
    "jutaan": 10**6,
    "puluhan juta": 10**7,
    "ratusan juta": 10**8,
    "miliaran": 10**9,
    "milyaran": 10**9,
    "puluhan miliar": 10**10,
    "ratusan miliar": 10**11,
    "triliunan": 10**12,
}

_WORDS = sorted([*UNITS, *SE_WORDS, *SE_SCALES, *MULTIPLIERS, *SCALES, *FRACTIONS, "belas"], key=len, reverse=True)
NUMBER_WORD = "(?:" + "|".join(_WORDS) + ")"
WORD_NUMBER = rf"{NUMBER_WORD}(?:\s+{NUMBER_WORD})*"
VAGUE_NUMBER = "(?:" + "|".join(sorted(VAGUE, key=len, reverse=True)) + ")"
SCALE_WORD = "(?:" + "|".join(sorted([*SCALES, *SHORT_SCALES], key=len, reverse=True)) + ")"
# Indonesian writes thousands with dots and decimals with a comma: 10.000 and 2,9. A dot followed by
# one or two digits is an English-style decimal ("2.5 persen").
DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:,\d{3}){2,}|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+"
# A digit number, or number words with an optional scale after digits ("3,7 triliun").
NUMBER = rf"(?:(?:{DIGITS})(?:\s*{SCALE_WORD}\b)?|{WORD_NUMBER})"

# Words before a number that qualify it, normalised to a comparison.
QUALIFIERS = {
    "lebih dari": ">",
    "lebih daripada": ">",
    "di atas": ">",
    "melebihi": ">",
    "kurang dari": "<",
    "di bawah": "<",
    "hampir": "<",
    "nyaris": "<",
    "sekitar": "~",
    "kira-kira": "~",
    "sekira": "~",
    "kurang lebih": "~",
    "lebih kurang": "~",
    "mendekati": "~",
    "setidaknya": ">=",
    "sedikitnya": ">=",
    "minimal": ">=",
    "minimum": ">=",
    "paling sedikit": ">=",
    "sekurang-kurangnya": ">=",
    "sekurangnya": ">=",
    "tidak kurang dari": ">=",
    "tak kurang dari": ">=",
    "maksimal": "<=",
    "maksimum": "<=",
    "paling banyak": "<=",
    "sebanyak-banyaknya": "<=",
    "tidak lebih dari": "<=",
    "tak lebih dari": "<=",
}
QUALIFIER = (
    "(?:" + "|".join(sorted((re.escape(q).replace(r"\ ", r"\s+") for q in QUALIFIERS), key=len, reverse=True)) + ")"
)


def qualifier_symbol(words: str | None) -> str | None:
    """ ">" for "lebih dari", "~" for "sekitar", ... (None for None)."""
    if not words:
        return None
    return QUALIFIERS.get(" ".join(words.lower().split()))


def parse_digits(text: str) -> Decimal | None:
    """The value of a digit string in Indonesian notation: "10.000" -> 10000, "2,9" -> 2.9."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_words(text: str) -> Decimal | None:
    """The value of Indonesian number words: "dua ratus lima puluh ribu" -> 250000; None if malformed."""
    total = Decimal(0)
    small = Decimal(0)  # the part below the last scale word
    last: Decimal | None = None  # the last unit, which "puluh"/"ratus"/"belas" multiply
    seen = False
    for word in text.lower().split():
        seen = True
        if word in UNITS:
            if last is not None:
                return None  # "dua tiga": two numbers, not one
            last = Decimal(UNITS[word])
            small += last
        elif word == "belas":
            if last is None:
                return None
            small += 10
            last = None
        elif word in MULTIPLIERS:
            if last is None:
                return None
            small += last * (MULTIPLIERS[word] - 1)
            last = None
        elif word in SE_WORDS:
            small += SE_WORDS[word]
            last = None
        elif word in FRACTIONS:
            small += FRACTIONS[word]
            last = None
        elif word in SE_SCALES:
            total += SE_SCALES[word]
            small, last = Decimal(0), None
        elif word in SCALES:
            total += (small or 1) * SCALES[word]
            small, last = Decimal(0), None
        else:
            return None
    return total + small if seen else None


def parse_number(text: str) -> Decimal | None:
    """The value of a number as written: digits with an optional scale word, or number words."""
    text = " ".join(text.split())
    m = re.fullmatch(rf"({DIGITS})(?:\s*({SCALE_WORD}))?", text, flags=re.IGNORECASE)
    if m:
        value = parse_digits(m.group(1))
        if value is None or not m.group(2):
            return value
        scale = m.group(2).lower()
        return value * (SCALES.get(scale) or SHORT_SCALES[scale])
    vague = VAGUE.get(text.lower())
    if vague is not None:
        return Decimal(vague)
    return parse_words(text)


def as_number(value: Decimal | None) -> int | float | None:
    """A JSON-friendly number: an int when whole, else a float."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 6))
