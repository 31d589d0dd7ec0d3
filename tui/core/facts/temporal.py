"""Dates, times, durations and recurrences in Indonesian text, normalised to ISO 8601 / TIMEX3 values.

Expressions are found by rules over the text (so a pipeline that misses one does not hide it) and
merged with the pipeline's DATE and TIME spans. Relative expressions ("tahun lalu", "kemarin",
"Senin", "bulan April") are resolved against the article's date when it is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tui.core.facts.model import DateFact, Span
from tui.core.facts.numerals import NUMBER, QUALIFIER, VAGUE, VAGUE_NUMBER, parse_number, qualifier_symbol
from tui.core.facts.sentences import SentenceIndex
from tui.core.facts.spans import SpanSet, merge_entity_spans, select_longest

MONTHS = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
}
# Abbreviations and English names, trusted only beside a day or a year ("12 Jan 2024", "May 2024").
MONTHS_EXTRA = {
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "nop": 11,
    "des": 12,
    "dec": 12,
}
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6, "ahad": 6}
# Units of time: (how many, ISO designator). "MIN" is minutes, kept apart from "M" months.
UNITS = {
    "detik": (1, "S"),
    "menit": (1, "MIN"),
    "jam": (1, "H"),
    "hari": (1, "D"),
    "pekan": (1, "W"),
    "minggu": (1, "W"),
    "bulan": (1, "M"),
    "tahun": (1, "Y"),
    "dekade": (10, "Y"),
    "dasawarsa": (10, "Y"),
    "windu": (8, "Y"),
    "abad": (100, "Y"),
    "semester": (6, "M"),
    "kuartal": (3, "M"),
    "triwulan": (3, "M"),
    "caturwulan": (4, "M"),
}
PARTS = {
    "awal": "START",
    "permulaan": "START",
    "akhir": "END",
    "penghujung": "END",
    "pertengahan": "MID",
    "medio": "MID",
}
DAY_PARTS = {"pagi": "MO", "subuh": "MO", "siang": "AF", "sore": "AF", "petang": "EV", "malam": "NI", "dini hari": "NI"}
TIME_ZONES = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00", "GMT": "Z", "UTC": "Z"}
ORDINAL_WORDS = {"pertama": 1, "kedua": 2, "ketiga": 3, "keempat": 4, "satu": 1, "dua": 2, "tiga": 3, "empat": 4}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

# Words after a bare four-digit number that make it a count, not a year ("2000 orang").
COUNTED_AFTER = frozenset(
    """orang jiwa warga unit buah ekor kali kasus rumah ton kg km meter hektare hektar persen
    rupiah dolar lembar butir batang personel tentara pasukan peserta siswa pekerja korban suara
    kursi""".split()
)
# Words before a bare four-digit number that make it an amount or a reference ("sebanyak 2000", "No 2021").
NUMBERISH_BEFORE = frozenset(
    """sebanyak sejumlah berjumlah jumlah total senilai seharga sebesar mencapai nomor no pasal ayat
    kode rp hingga""".split()
)
# Tense cues of a sentence, for a month or weekday without a year ("depan" is left out: "garis depan").
_FUTURE = re.compile(r"\b(?:akan|mendatang|nanti|dijadwalkan|direncanakan|rencananya|bakal|hendak)\b", re.I)
_PAST = re.compile(r"\b(?:lalu|silam|telah|sudah|sempat|kemarin|sebelumnya|pernah)\b", re.I)

_DOW = r"(?:senin|selasa|rabu|kamis|jum['’]?at|sabtu|minggu|ahad)"
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_MONTH_ANY = "(?:" + "|".join(sorted([*MONTHS, *MONTHS_EXTRA], key=len, reverse=True)) + r")\.?"
_PART = "(?:" + "|".join(PARTS) + ")"
_DAY_PART = r"(?:pagi|subuh|siang|sore|petang|malam|dini\s+hari)"
_TZ = r"(?:WIB|WITA|WIT|GMT|UTC)"
_UNIT = "(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"
_HOUR = r"(?:[01]?\d|2[0-4])"
_TIME_TAIL = rf"(?:\s*,?\s*(?:pukul|pkl\.?|jam)?\s*(?P<hh>{_HOUR})[.:](?P<mm>[0-5]\d)(?!\d)(?:\s*(?P<tz>{_TZ})\b)?)?"
# What follows a duration to make it a point in time: "tiga tahun lalu", "dua hari setelah ...".
_REL_TAIL = (
    r"(?:\s+(?P<rel>yang\s+lalu|lalu|silam|terakhir|belakangan|mendatang|ke\s+depan|lagi|kemudian|"
    r"sebelumnya|berikutnya|setelahnya|sesudahnya|setelah|sebelum|sesudah|usai|pasca|menjelang|sejak)\b)?"
)
# A duration followed by one of these is measured from an event the rest of the clause names.
EVENT_LINKS = frozenset("setelah sebelum sesudah usai pasca menjelang sejak".split())
_CLAUSE_END = re.compile(r"[,.;:!?()\"“”\n]")

_I = re.IGNORECASE
# Words before an expression that belong to it, matched backwards from where it starts.
_BEFORE_DAY = re.compile(
    rf"(?<![\w-])(?:(?P<dow>{_DOW})\s*,?\s*)?(?P<paren>\(\s*)?(?P<tgl>(?:tanggal|tgl\.?)\s+)?$", _I
)
_BEFORE_MONTH = re.compile(rf"(?<![\w-])(?:(?P<part>{_PART})\s+)?(?:bulan\s+)?$", _I)
_BEFORE_YEAR = re.compile(rf"(?<![\w-])(?:(?P<part>{_PART})\s+)?(?:(?:tahun|thn\.?|th\.|era|periode|dekade)\s+)?$", _I)
_BEFORE_HARI = re.compile(r"(?<![\w-])hari\s+$", _I)
_BEFORE_PART = re.compile(rf"(?<![\w-])(?P<part>{_PART})\s+$", _I)
_BEFORE_QUALIFIER = re.compile(rf"(?<![\w-])(?P<q>{QUALIFIER})\s+$", _I)


@dataclass
class When:
    """What a temporal expression says, before it is resolved against a reference date."""

    type: str = "date"
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    tz: str | None = None
    part: str | None = None  # MO AF EV NI
    quarter: str | None = None  # Q1..Q4, H1, H2
    week: bool = False
    weekend: bool = False
    named_day: bool = False
    offset: tuple[int, Decimal | None, str] | None = None  # sign, amount, unit designator
    anchor: str | None = None
    duration: tuple[Decimal | None, str] | None = None
    value: str | None = None  # fixed value (ranges, decades, centuries)
    qualifier: str | None = None
    mod: str | None = None
    tense: int = 0  # -1 past, +1 future, 0 unknown
    day_of_week: int | None = None  # the weekday written with a date ("Senin (11/3)"), 0 = Monday
    begin: int | None = None  # where the expression starts when words before the match belong to it
    finish: int | None = None  # where it ends when that is not the end of the match

    @property
    def relative(self) -> bool:
        return self.anchor is not None


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """The article's own date, found in its first lines, with where it was found."""

    value: date
    start: int
    end: int


# -- the rules ----------------------------------------------------------------------------------


def _before(pattern: re.Pattern[str], text: str, start: int) -> re.Match[str] | None:
    """Words right before ``start`` that belong to the expression (``pattern`` ends with ``$``)."""
    m = pattern.search(text, max(0, start - 40), start)
    return m if m is not None and m.start() < start else None


def _with_day_name(when: When | None, m: re.Match[str], text: str) -> When | None:
    """A calendar date with the day name and bracket before it: "Selasa (2/12/2014)", "Senin, 3 Mei"."""
    if when is None:
        return None
    before = _before(_BEFORE_DAY, text, m.start())
    named = bool(before and before.group("dow"))
    opened = bool(before and before.group("paren"))
    closed = bool(m.groupdict().get("close"))
    if closed and not (named and opened):
        when.finish = m.start("close")  # "(lahir 2/12/1990)": the bracket is not the date's
        when.hour = when.minute = when.tz = None
        when.type = "date"
    if before is not None and named and opened == closed:  # named: there is a "before"
        when.begin, when.named_day = before.start(), True
        when.day_of_week = WEEKDAYS.get(re.sub("[’']", "", before.group("dow").lower()))
    elif before is not None and before.group("tgl"):
        when.begin = before.start("tgl")
    return when


def _full_date(m: re.Match[str], text: str) -> When | None:
    when = _calendar(int(m.group("y")), _month(m.group("mon")), int(m.group("d")), m, first_day=m.group("d0"))
    return _with_day_name(when, m, text)


def _numeric_date(m: re.Match[str], text: str) -> When | None:
    year = m.groupdict().get("y")
    y = None if year is None else (int(year) + 2000 if len(year) == 2 else int(year))
    when = _with_day_name(_calendar(y, int(m.group("m")), int(m.group("d")), m), m, text)
    if when is not None and year is None and not when.named_day:
        return None  # "1/2" alone is a fraction or a score; "Selasa (2/12)" is a date
    return when


def _day_month(m: re.Match[str], text: str) -> When | None:
    when = _calendar(None, MONTHS[m.group("mon").lower()], int(m.group("d")), m, first_day=m.group("d0"))
    when = _with_day_name(when, m, text)
    if when is not None:
        when.tense = _tense_word(m.group("rel"))
    return when


def _short_day_month(m: re.Match[str], text: str) -> When | None:
    """ "Rabu (10-Jan)": trusted only after a day name."""
    when = _with_day_name(_calendar(None, _month(m.group("mon")), int(m.group("d")), m), m, text)
    return when if when is not None and when.named_day else None


def _period(when: When, pattern: re.Pattern[str], m: re.Match[str], text: str) -> re.Match[str] | None:
    """Extend ``when`` back over "awal", "akhir", "bulan", "tahun" ... and return what was found."""
    before = _before(pattern, text, m.start())
    if before is not None:
        when.begin = before.start()
        when.mod = _mod(before.group("part"))
    return before


def _month_year(m: re.Match[str], text: str) -> When | None:
    when = When(year=int(m.group("y")), month=_month(m.group("mon")))
    _period(when, _BEFORE_MONTH, m, text)
    return when


def _month_only(m: re.Match[str], text: str) -> When | None:
    mon, rel = m.group("mon"), m.group("rel")
    when = When(month=MONTHS[mon.lower()])
    if _period(when, _BEFORE_MONTH, m, text) is None:
        # A bare month name is a date only when written as one: capitalised, not the start of a name.
        if not mon[0].isupper() or (not rel and re.match(r"\s+[A-Z]", text[m.end() : m.end() + 2])):
            return None
    if rel and rel.lower().startswith("tahun"):
        sign = {"lalu": -1, "ini": 0, "depan": 1}[rel.split()[-1].lower()]
        when.offset, when.anchor = (sign, Decimal(1) if sign else Decimal(0), "Y"), "article"
    else:
        when.tense = _tense_word(rel)
    return when


def _year(m: re.Match[str], text: str) -> When | None:
    y, y2, decade = int(m.group("y")), m.group("y2"), m.group("decade")
    when = When(year=y)
    if _period(when, _BEFORE_YEAR, m, text) is None and not decade and _counted_number(text, m):
        return None
    era = (m.group("era") or "").upper()
    if era == "SM":
        when.value = f"BC{y:04d}"
    elif decade:
        when.value = f"{str(y)[:3]}X"
    elif y2:
        if int(y2) <= y:
            return None
        when.value = f"{y:04d}/{int(y2):04d}"
    when.tense = _tense_word(m.group("rel"))
    return when


def _early_year(m: re.Match[str], text: str) -> When | None:
    return When(year=int(m.group("y")))


def _short_decade(m: re.Match[str], text: str) -> When | None:
    yy = int(m.group("yy"))
    century = "19" if yy >= 30 else "20"
    return When(value=f"{century}{yy // 10}X")


def _relative_unit(m: re.Match[str], text: str) -> When | None:
    unit, rel = m.group("unit").lower(), " ".join(m.group("rel").lower().split())
    if rel == "terakhir":  # "tahun terakhir": the year up to now
        return When(type="duration", duration=(Decimal(UNITS[unit][0]), UNITS[unit][1]), anchor="article")
    amount, designator = UNITS[unit]
    sign = {"ini": 0, "depan": 1, "mendatang": 1, "berikutnya": 1}.get(rel, -1)
    anchor = "event" if rel in ("sebelumnya", "berikutnya") else "article"
    when = When(offset=(sign, Decimal(amount if sign else 0), designator), anchor=anchor)
    _period(when, _BEFORE_PART, m, text)
    return when


def _weekend(m: re.Match[str], text: str) -> When | None:
    rel = (m.group("rel") or "ini").lower()
    sign = {"ini": 0, "lalu": -1, "kemarin": -1}.get(rel, 1)
    return When(offset=(sign, Decimal(abs(sign)), "W"), anchor="article", weekend=True)


DEICTIC = {
    "hari ini": (0, 0, None),
    "kemarin": (-1, 1, None),
    "kemarin lusa": (-1, 2, None),
    "kemarin dulu": (-1, 2, None),
    "besok": (1, 1, None),
    "lusa": (1, 2, None),
    "besok lusa": (1, 2, None),
    "semalam": (-1, 1, "NI"),
    "nanti malam": (0, 0, "NI"),
    "saat ini": (0, 0, None),
    "sekarang": (0, 0, None),
    "kini": (0, 0, None),
    "dewasa ini": (0, 0, None),
    "selama ini": (0, 0, None),
}
RECENTLY = frozenset({"baru-baru ini", "belakangan ini", "akhir-akhir ini", "beberapa waktu lalu", "belum lama ini"})
THEN = frozenset({"saat itu", "waktu itu", "ketika itu", "kala itu", "beberapa waktu terakhir"})
# Holidays: (month, day) when fixed in the Gregorian calendar, else None (they move every year).
HOLIDAYS = {
    "natal": (12, 25),
    "malam natal": (12, 24),
    "tahun baru": (1, 1),
    "malam tahun baru": (12, 31),
    "hari kemerdekaan": (8, 17),
    "hari pahlawan": (11, 10),
    "hari kartini": (4, 21),
    "lebaran": None,
    "idul fitri": None,
    "idulfitri": None,
    "idul adha": None,
    "iduladha": None,
    "imlek": None,
    "tahun baru imlek": None,
    "nyepi": None,
    "waisak": None,
    "ramadan": None,
    "ramadhan": None,
}


def _deictic(m: re.Match[str], text: str) -> When | None:
    words = " ".join(m.group().lower().split())
    if words in DEICTIC:
        sign, days, part = DEICTIC[words]
        return When(offset=(sign, Decimal(days), "D"), anchor="article", part=part)
    if words in RECENTLY:
        return When(offset=(-1, None, "D"), anchor="article")  # recently: some days before
    if words in THEN:
        return When(anchor="event")  # "saat itu": the time of an event the text told of
    parts = words.split()
    # "tadi pagi" (earlier this morning), "pagi ini", "dini hari nanti"
    part = " ".join(parts[1:]) if parts[0] == "tadi" else " ".join(parts[:-1])
    return When(offset=(0, Decimal(0), "D"), anchor="article", part=DAY_PARTS[part])


def _duration(m: re.Match[str], text: str) -> When | None:
    number = " ".join(m.group("n").lower().split())
    amount = None if number == "beberapa" else parse_number(number)
    if amount is None and number != "beberapa":
        return None
    when = _duration_when(m, amount, m.group("unit"), text)
    if number in VAGUE and when.qualifier is None:
        when.qualifier = ">="  # "puluhan tahun": tens of years
    return when


def _se_duration(m: re.Match[str], text: str) -> When | None:
    return _duration_when(m, Decimal(1), m.group("unit"), text)


def _duration_when(m: re.Match[str], amount: Decimal | None, unit_word: str, text: str) -> When:
    when = _duration_kind(m, amount, unit_word)
    before = _before(_BEFORE_QUALIFIER, text, m.start())
    if before is not None:  # "lebih dari tiga tahun"
        when.begin, when.qualifier = before.start(), qualifier_symbol(before.group("q"))
    return when


def _duration_kind(m: re.Match[str], amount: Decimal | None, unit_word: str) -> When:
    per, designator = UNITS[unit_word.lower()]
    total = None if amount is None else amount * per
    rel = " ".join((m.group("rel") or "").lower().split())
    if rel in ("lalu", "yang lalu", "silam"):
        return When(offset=(-1, total, designator), anchor="article")
    if rel in ("lagi", "mendatang"):
        return When(offset=(1, total, designator), anchor="article")
    if rel in ("kemudian", "berikutnya", "setelahnya", "sesudahnya"):
        return When(offset=(1, total, designator), anchor="event")
    if rel == "sebelumnya":
        return When(offset=(-1, total, designator), anchor="event")
    if rel in EVENT_LINKS:
        sign = -1 if rel in ("sebelum", "menjelang") else 1
        return When(offset=(sign, total, designator), anchor="event")
    when = When(type="duration", duration=(total, designator))
    if rel in ("terakhir", "belakangan", "ke depan"):
        when.anchor = "article"  # a period that ends (or starts) now
    return when


def _reduplicated(m: re.Match[str], text: str) -> When | None:
    _, designator = UNITS[m.group("u").lower()]
    return When(type="duration", duration=(None, designator))  # "bertahun-tahun": for years


def _time(m: re.Match[str], text: str) -> When | None:
    hour = int(m.group("hh"))
    minute = int(m.group("mm") or 0)
    part = m.groupdict().get("part")
    if part:
        part = DAY_PARTS[" ".join(part.lower().split())]
        if part in ("AF", "EV", "NI") and hour < 12 and not (part == "NI" and hour < 5):
            hour += 12  # "pukul 8 malam" is 20:00
    if hour > 24:
        return None
    tz = m.groupdict().get("tz")
    return When(type="time", hour=hour % 24, minute=minute, tz=TIME_ZONES.get((tz or "").upper()))


def _weekday(m: re.Match[str], text: str) -> When | None:
    name = m.group("dow").lower().replace("'", "").replace("’", "")
    rel = (m.group("rel") or "").lower()
    if name == "minggu" and rel in ("lalu", "ini", "depan", "mendatang", "kemarin"):
        sign = {"ini": 0, "depan": 1, "mendatang": 1}.get(rel, -1)
        return When(offset=(sign, Decimal(abs(sign)), "W"), anchor="article")  # "Minggu lalu": last week
    if m.group("d"):
        y = m.group("y")
        when = _calendar(
            None if y is None else int(y) + (2000 if len(y) == 2 else 0), int(m.group("m")), int(m.group("d")), m
        )
        if when is None:
            return None
        when.day_of_week = WEEKDAYS[name]
    else:
        when = When(weekday=WEEKDAYS[name])
        when.tense = _tense_word(rel)
    part = m.group("part")
    if part:
        when.part = DAY_PARTS[" ".join(part.lower().split())]
    before = _before(_BEFORE_HARI, text, m.start())  # "hari Senin"
    if before is not None:
        when.begin = before.start()
    return when


def _holiday(m: re.Match[str], text: str) -> When | None:
    name = " ".join(m.group("h").lower().split())
    if not m.group("h")[0].isupper():
        return None  # "natal" in lower case is birth ("hari natal-nya"), not Christmas
    key = " ".join(w for w in name.split() if w not in ("hari", "raya")) if name not in HOLIDAYS else name
    fixed = HOLIDAYS.get(key) or HOLIDAYS.get(name)
    year = int(m.group("y")) if m.group("y") else None
    if fixed is None:
        return When(value=None if year is None else f"{year:04d}")
    return When(year=year, month=fixed[0], day=fixed[1])


def _day_of_month(m: re.Match[str], text: str) -> When | None:
    day = int(m.group("d"))
    return When(value=f"XXXX-XX-{day:02d}") if 1 <= day <= 31 else None


def _part_of_day(m: re.Match[str], text: str) -> When | None:
    words = m.group("x").lower().split()
    key = "dini hari" if words[0] == "dini" else words[0]
    if key not in DAY_PARTS:
        return {
            "tengah malam": When(type="time", hour=0, minute=0),
            "tengah hari": When(type="time", hour=12, minute=0),
        }.get(" ".join(words[:2]))
    prep = (m.groupdict().get("prep") or "").lower()
    when = When(type="set" if prep in ("setiap", "tiap") else "time", part=DAY_PARTS[key])
    if words[-1] in ("itu", "harinya"):
        when.anchor = "event"
    return when


def _century(m: re.Match[str], text: str) -> When | None:
    raw = m.group("c")
    number = int(raw) if raw.isdigit() else _roman(raw.upper())
    if not number or number > 30:
        return None
    return When(value=f"{number - 1:02d}XX")


def _quarter(m: re.Match[str], text: str) -> When | None:
    unit, k = m.group("unit").lower(), m.group("k")
    n = int(k) if k.isdigit() else ORDINAL_WORDS.get(k.lower()) or _roman(k.upper())
    limit, prefix = {"semester": (2, "H"), "caturwulan": (3, "T")}.get(unit, (4, "Q"))
    if not n or n > limit:
        return None
    return When(year=int(m.group("y")) if m.group("y") else None, quarter=f"{prefix}{n}")


def _recurrence(m: re.Match[str], text: str) -> When | None:
    unit = m.group("u").lower()
    if unit in UNITS:
        per, designator = UNITS[unit]
        return When(type="set", duration=(Decimal(per), designator))
    if unit in DAY_PARTS:
        return When(type="set", part=DAY_PARTS[unit])
    return When(type="set", value=f"XXXX-WXX-{WEEKDAYS[unit.replace(chr(39), '').replace('’', '')] + 1}")


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str], When | None]]

RULES: list[Rule] = [
    (
        re.compile(
            rf"(?<![\w.,/])(?:(?P<d0>[0-3]?\d)\s*[-–]\s*)?(?P<d>[0-3]?\d)\s+(?P<mon>{_MONTH_ANY})\s+(?P<y>\d{{4}})\b"
            rf"(?P<close>\s*\))?{_TIME_TAIL}",
            _I,
        ),
        _full_date,
    ),
    (
        re.compile(
            r"(?<![\d-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
            r"(?:[T ](?P<hh>[0-2]\d):(?P<mm>[0-5]\d)(?::\d\d)?)?(?![\d])"
        ),
        _numeric_date,
    ),
    (
        re.compile(
            rf"(?<![\w/.,])(?P<d>[0-3]?\d)/(?P<m>[01]?\d)(?:/(?P<y>\d{{4}}|\d{{2}}))?(?![\d/])"
            rf"(?P<close>\s*\))?{_TIME_TAIL}",
            _I,
        ),
        _numeric_date,
    ),
    (re.compile(r"(?<![\d-])(?P<d>[0-3]?\d)-(?P<m>[01]?\d)-(?P<y>\d{4})(?![\d-])"), _numeric_date),
    (
        re.compile(
            rf"(?<![\w.,/])(?:(?P<d0>[0-3]?\d)\s*[-–]\s*)?(?P<d>[0-3]?\d)\s+(?P<mon>{_MONTH})\b"
            rf"(?:\s+(?P<rel>lalu|mendatang|depan|ini|nanti)\b)?",
            _I,
        ),
        _day_month,
    ),
    (re.compile(rf"\b(?P<mon>{_MONTH_ANY})\s+(?:tahun\s+)?(?P<y>\d{{4}})\b", _I), _month_year),
    (re.compile(rf"(?<![\w.,/])(?P<d>[0-3]?\d)-(?P<mon>{_MONTH_ANY})(?![\w-])(?P<close>\s*\))?", _I), _short_day_month),
    (
        re.compile(
            rf"\b(?P<mon>{_MONTH})\b(?:\s+(?P<rel>lalu|kemarin|silam|mendatang|depan|ini|nanti|tahun\s+(?:lalu|ini|depan))\b)?",
            _I,
        ),
        _month_only,
    ),
    (
        re.compile(
            r"(?<![\w.,/-])(?P<y>(?:1[5-9]|20)\d\d)(?!\d)(?P<decade>\s*-\s*an\b|an\b)?"
            r"(?:\s*[-–/]\s*(?P<y2>(?:1[5-9]|20)\d\d)(?!\d))?(?![.,]\d)"
            r"(?:\s+(?P<rel>lalu|silam|mendatang|yang\s+lalu)\b)?(?:\s+(?P<era>Masehi|SM)\b)?",
            _I,
        ),
        _year,
    ),
    (re.compile(r"\b(?:tahun|era|dekade)\s+(?P<yy>[1-9]0)\s*-?\s*an\b", _I), _short_decade),
    # Early years are years only when called so: "pada tahun 901".
    (re.compile(r"\btahun\s+(?P<y>[1-9]\d{2})\b(?![.,]\d|\s*-?an\b)", _I), _early_year),
    (re.compile(r"\bakhir\s+pekan(?:\s+(?P<rel>ini|lalu|depan|mendatang|kemarin)\b)?", _I), _weekend),
    (
        re.compile(
            r"\b(?P<unit>hari|pekan|minggu|bulan|tahun|abad|dekade|semester|kuartal|triwulan)"
            r"\s+(?P<rel>ini|lalu|yang\s+lalu|kemarin|depan|mendatang|silam|sebelumnya|berikutnya|terakhir)\b",
            _I,
        ),
        _relative_unit,
    ),
    (
        re.compile(
            r"\b(?:hari\s+ini|kemarin\s+lusa|kemarin\s+dulu|kemarin|besok\s+lusa|besok|lusa|"
            rf"tadi\s+{_DAY_PART}|semalam|{_DAY_PART}\s+(?:ini|tadi|nanti)|nanti\s+malam|saat\s+ini|sekarang|"
            r"dewasa\s+ini|baru-baru\s+ini|belakangan\s+ini|akhir-akhir\s+ini|kini|beberapa\s+waktu\s+(?:lalu|terakhir)|"
            r"belum\s+lama\s+ini|(?:saat|waktu|ketika|kala)\s+itu|selama\s+ini)\b",
            _I,
        ),
        _deictic,
    ),
    (
        re.compile(
            rf"(?<![\w.,])(?P<n>{NUMBER}|beberapa|{VAGUE_NUMBER})\s+(?P<unit>{_UNIT})\b(?!-)" + _REL_TAIL,
            _I,
        ),
        _duration,
    ),
    (
        re.compile(
            r"\bse(?P<unit>tahun|bulan|hari|pekan|minggu|jam|menit|detik|dekade|abad|windu)\b(?!-)" + _REL_TAIL,
            _I,
        ),
        _se_duration,
    ),
    (re.compile(r"\b(?:ber)?(?P<u>tahun|bulan|hari|minggu|pekan|jam|abad|dekade)-(?P=u)\b", _I), _reduplicated),
    (
        re.compile(
            rf"\b(?:pukul|pkl\.?|jam)\s+(?P<hh>{_HOUR})(?:[.:](?P<mm>[0-5]\d))?(?![\d.,:])"
            rf"(?:\s*(?:[-–]|hingga|sampai)\s*{_HOUR}[.:][0-5]\d(?!\d))?"
            rf"(?:\s*(?P<tz>{_TZ})\b|\s+waktu\s+setempat\b)?(?:\s+(?P<part>{_DAY_PART})\b)?",
            _I,
        ),
        _time,
    ),
    (re.compile(rf"(?<![\d.,:])(?P<hh>[01]?\d|2[0-3])[.:](?P<mm>[0-5]\d)(?!\d)\s*(?P<tz>{_TZ})\b"), _time),
    (
        # Day names are capitalised: "minggu" in lower case is a week.
        re.compile(
            r"\b(?P<dow>Senin|Selasa|Rabu|Kamis|Jum['’]?at|Sabtu|Minggu|Ahad)\b"
            r"(?:\s+(?P<part>pagi|subuh|siang|sore|petang|malam|dini\s+hari)\b)?"
            r"(?:\s+(?P<rel>lalu|kemarin|depan|mendatang|ini|nanti)\b)?"
            r"(?:\s*\((?P<d>[0-3]?\d)/(?P<m>[01]?\d)(?:/(?P<y>\d{4}|\d{2}))?\))?"
        ),
        _weekday,
    ),
    (
        re.compile(
            r"\b(?P<prep>pada|sejak|hingga|sampai|menjelang|jelang|setiap|tiap)\s+"
            r"(?P<x>(?:pagi|subuh|siang|sore|petang|malam|dini)(?:\s+hari)?(?:\s+(?:ini|itu|tadi|nanti|harinya))?)\b",
            _I,
        ),
        _part_of_day,
    ),
    (
        re.compile(
            r"\b(?P<x>(?:pagi|siang|sore|petang|malam)\s+(?:hari\s+)?(?:itu|harinya)|dini\s+hari|tengah\s+(?:malam|hari))\b",
            _I,
        ),
        _part_of_day,
    ),
    (
        re.compile(
            r"\b(?P<h>(?:malam\s+)?(?:hari\s+raya\s+)?(?:natal|tahun\s+baru(?:\s+imlek)?|idul\s*fitri|idul\s*adha|"
            r"lebaran|imlek|nyepi|waisak|ramadh?an|hari\s+kemerdekaan|hari\s+pahlawan|hari\s+kartini))\b"
            r"(?:\s+(?:tahun\s+)?(?P<y>(?:19|20)\d\d)\b)?",
            _I,
        ),
        _holiday,
    ),
    (re.compile(r"\btanggal\s+(?P<d>[0-3]?\d)\b(?!\s*[/.-]?\s*\d)", _I), _day_of_month),
    (re.compile(r"\babad\s+(?:ke\s*-?\s*)?(?P<c>\d{1,2}|[IVXL]{1,5})\b", _I), _century),
    (
        re.compile(
            r"\b(?P<unit>kuartal|triwulan|semester|caturwulan)\s+(?:ke\s*-?\s*)?"
            r"(?P<k>IV|I{1,3}|[1-4]|pertama|kedua|ketiga|keempat)\b(?:\s*(?:tahun\s+|/\s*)?(?P<y>\d{4})\b)?",
            _I,
        ),
        _quarter,
    ),
    (
        re.compile(
            r"\b(?:setiap|tiap|saban)\s+(?P<u>detik|menit|jam|hari|pekan|minggu|bulan|tahun|pagi|siang|sore|malam|"
            r"Senin|Selasa|Rabu|Kamis|Jum['’]?at|Sabtu|Minggu|Ahad)\b",
            _I,
        ),
        _recurrence,
    ),
]
# Rules that may run past the matched text: a duration linked to an event takes its clause.
_EVENT_RULES = frozenset({_duration, _se_duration})

# Words one of which every match of a rule contains: digits, or a word (matched in lower case).
_DIGITS = re.compile(r"\d+")
_FAMILY_WORDS = (
    r"\b(?:(?P<unit>(?:se|ber)?(?:tahun|bulan|hari|pekan|minggu|jam|menit|detik|dekade|dasawarsa|windu|abad|semester|"
    r"kuartal|triwulan|caturwulan))"
    r"|(?P<month>januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|nopember|november|"
    r"desember)"
    r"|(?P<day>senin|selasa|rabu|kamis|jum|sabtu|ahad)"
    r"|(?P<part>pagi|siang|sore|petang|malam|dini|subuh|tengah)"
    r"|(?P<holiday>natal|baru|idul|lebaran|imlek|nyepi|waisak|ramad|kemerdekaan|pahlawan|kartini)"
    r"|(?P<every>setiap|tiap|saban)"
    r"|(?P<deixis>ini|itu|kemarin|besok|lusa|tadi|semalam|nanti|sekarang|kini|baru-baru|belakangan|akhir-akhir|waktu|"
    r"lama))"
)
_FAMILIES = re.compile(_FAMILY_WORDS)
_FAMILIES_ANY_CASE = re.compile(_FAMILY_WORDS, _I)
RULE_FAMILIES: dict[Callable[[re.Match[str], str], When | None], tuple[str, ...]] = {
    _full_date: ("digit",),
    _numeric_date: ("digit",),
    _day_month: ("digit",),
    _short_day_month: ("digit",),
    _month_year: ("digit",),
    _month_only: ("month",),
    _year: ("digit",),
    _short_decade: ("digit",),
    _early_year: ("digit",),
    _weekend: ("unit",),
    _relative_unit: ("unit",),
    _deictic: ("deixis", "part"),
    _duration: ("unit",),
    _se_duration: ("unit",),
    _reduplicated: ("unit",),
    _time: ("digit",),
    _weekday: ("day", "unit"),
    _part_of_day: ("part",),
    _holiday: ("holiday", "unit", "month", "part"),
    _day_of_month: ("digit",),
    _century: ("unit",),
    _quarter: ("unit",),
    _recurrence: ("every",),
}


# -- helpers for the rules ----------------------------------------------------------------------


def _month(word: str) -> int:
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or MONTHS_EXTRA[word]


def _mod(part: str | None) -> str | None:
    return PARTS.get(part.lower()) if part else None


def _roman(raw: str) -> int:
    total = 0
    for i, ch in enumerate(raw):
        value = ROMAN.get(ch, 0)
        total += -value if i + 1 < len(raw) and ROMAN.get(raw[i + 1], 0) > value else value
    return total


def _tense_word(word: str | None) -> int:
    if not word:
        return 0
    word = word.lower()
    if word in ("lalu", "kemarin", "silam", "yang lalu"):
        return -1
    if word in ("depan", "mendatang", "nanti"):
        return 1
    return 0


def _calendar(year: int | None, month: int, day: int, m: re.Match[str], first_day: str | None = None) -> When | None:
    """A calendar date from its parts, with the time of day when the match has one."""
    if not 1 <= month <= 12 or not 1 <= day <= 31 or (year is not None and not 1000 <= year <= 2200):
        return None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 Februari stays valid
    except ValueError:
        return None
    when = When(year=year, month=month, day=day)
    if first_day and year is not None and 1 <= int(first_day) < day:
        when.value = f"{year:04d}-{month:02d}-{int(first_day):02d}/{year:04d}-{month:02d}-{day:02d}"
    groups = m.groupdict()
    if groups.get("hh") is not None and int(groups["hh"]) <= 24:
        when.type = "time"
        when.hour, when.minute = int(groups["hh"]) % 24, int(groups["mm"])
        when.tz = TIME_ZONES.get((groups.get("tz") or "").upper())
    return when


def _counted_number(text: str, m: re.Match[str]) -> bool:
    """True when a bare four-digit number reads as an amount ("2000 orang", "sebanyak 2000")."""
    after = re.match(r"\s*(%|[^\W\d_]+)", text[m.end("y") : m.end("y") + 20])
    if after and (after.group(1) == "%" or after.group(1).lower() in COUNTED_AFTER):
        return True
    before = re.search(r"([^\W\d_]+)\.?\s*$", text[max(0, m.start("y") - 20) : m.start("y")])
    return before is not None and before.group(1).lower() in NUMBERISH_BEFORE


def _extend_to_clause(text: str, end: int, limit: int) -> int:
    """The end of the clause that starts at ``end`` (at most 8 words, never past ``limit``)."""
    stop = _CLAUSE_END.search(text, end, limit)
    clause_end = stop.start() if stop else limit
    words = list(re.finditer(r"\S+", text[end:clause_end]))[:8]
    return end + words[-1].end() if words else end


# -- resolution ---------------------------------------------------------------------------------


def iso_duration(amount: Decimal | None, designator: str) -> str:
    """ISO 8601 duration: (3, "Y") -> "P3Y", (2, "H") -> "PT2H", (None, "Y") -> "PXY"."""
    number = "X" if amount is None else _plain(amount)
    if designator in ("H", "MIN", "S"):
        return f"PT{number}{'M' if designator == 'MIN' else designator}"
    return f"P{number}{designator}"


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return text


def _offset_text(offset: tuple[int, Decimal | None, str]) -> str:
    sign, amount, designator = offset
    duration = iso_duration(amount, designator)
    return duration if sign == 0 or amount == 0 else ("-" if sign < 0 else "+") + duration


def _closest(ref: date, month: int, day: int | None, tense: int, day_of_week: int | None = None) -> int:
    """The year that puts a month (and day) without a year nearest the reference date, tense first;
    a weekday written with the date ("Senin (11/3)") picks the year in which that day is one."""
    if day is not None and day_of_week is not None:
        fitting = []
        for year in (ref.year - 1, ref.year, ref.year + 1):
            try:
                when = date(year, month, day)
            except ValueError:
                continue
            if when.weekday() == day_of_week:
                fitting.append((abs((when - ref).days), year))
        if fitting:
            return min(fitting)[1]
    options = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            when = date(year, month, day or 15)
        except ValueError:  # 29 Februari
            continue
        same_period = (year, month) == (ref.year, ref.month) if day is None else when == ref
        if tense < 0 and when > ref and not same_period:
            continue
        if tense > 0 and when < ref and not same_period:
            continue
        options.append((0 if same_period else abs((when - ref).days), year > ref.year, year))
    return min(options)[2] if options else ref.year


def _shift(ref: date, sign: int, amount: int, designator: str) -> tuple[date, int, int]:
    """The reference date moved by a whole offset, with its year and month."""
    if designator == "Y":
        return ref, ref.year + sign * amount, ref.month
    if designator == "M":
        year, month0 = divmod(ref.year * 12 + ref.month - 1 + sign * amount, 12)
        return ref, year, month0 + 1
    days = {"W": 7, "D": 1}.get(designator, 0) * amount
    moved = ref + timedelta(days=sign * days)
    return moved, moved.year, moved.month


def resolve(when: When, ref: date | None) -> str | None:
    """The ISO/TIMEX value of ``when`` against the reference date ``ref`` (None if it cannot be had)."""
    if when.value is not None:
        return when.value
    if when.duration is not None:
        return iso_duration(*when.duration)
    suffix = _time_suffix(when)
    if when.offset is not None:
        sign, amount, designator = when.offset
        if when.anchor == "event" or ref is None or amount is None or amount != amount.to_integral_value():
            return None
        moved, moved_year, moved_month = _shift(ref, sign, int(amount), designator)
        if designator == "Y":
            base = f"{moved_year:04d}"
            if when.month is not None:  # "Agustus tahun lalu": that month of the year moved to
                base += f"-{when.month:02d}"
        elif designator == "M":
            base = f"{moved_year:04d}-{moved_month:02d}"
        elif designator == "W":
            iso = moved.isocalendar()
            base = f"{iso[0]:04d}-W{iso[1]:02d}" + ("-WE" if when.weekend else "")
        else:
            return moved.isoformat() + suffix
        return base
    if when.weekday is not None:
        if ref is None:
            return f"XXXX-WXX-{when.weekday + 1}{suffix}"
        back = (ref.weekday() - when.weekday) % 7
        ahead = (when.weekday - ref.weekday()) % 7
        if when.tense > 0:
            day = ref + timedelta(days=ahead or 7)
        elif when.tense < 0:
            day = ref - timedelta(days=back or 7)
        else:
            day = ref - timedelta(days=back)
        return day.isoformat() + suffix
    year = when.year
    if year is None and when.month is not None and ref is not None:
        year = _closest(ref, when.month, when.day, when.tense, when.day_of_week)
    if year is None and when.quarter is not None and ref is not None:
        year = ref.year
    y = "XXXX" if year is None else f"{year:04d}"
    if when.quarter is not None:
        return f"{y}-{when.quarter}"
    if when.month is None:
        if when.year is None:
            return (
                (f"T{when.hour:02d}:{when.minute:02d}" + (when.tz or ""))
                if when.hour is not None
                else (f"T{when.part}" if when.part else None)
            )
        return y
    if when.day is None:
        return f"{y}-{when.month:02d}"
    return f"{y}-{when.month:02d}-{when.day:02d}{suffix}"


def _time_suffix(when: When) -> str:
    if when.hour is not None:
        return f"T{when.hour:02d}:{when.minute or 0:02d}" + (when.tz or "")
    return f"T{when.part}" if when.part else ""


# -- finding ------------------------------------------------------------------------------------


def _family_runs(text: str, sentences: SentenceIndex) -> dict[str, list[Span]]:
    """For each family of trigger words, the runs of consecutive sentences that contain one."""
    hits: dict[str, list[int]] = {name: [] for name in [*_FAMILIES.groupindex, "digit"]}
    spans = sentences.spans
    # Lower case first: a case-sensitive scan is several times faster (when lowering keeps offsets).
    lowered = text.lower()
    families = _FAMILIES.finditer(lowered) if len(lowered) == len(text) else _FAMILIES_ANY_CASE.finditer(text)
    for matches, family in ((_DIGITS.finditer(text), "digit"), (families, None)):
        i = 0
        for m in matches:
            while i + 1 < len(spans) and spans[i + 1][0] <= m.start():
                i += 1
            found = hits[family or m.lastgroup or ""]
            if not found or found[-1] != i:
                found.append(i)
    runs: dict[str, list[Span]] = {}
    for name, indices in hits.items():
        merged: list[list[int]] = []
        for index in indices:
            if merged and merged[-1][1] == index - 1:
                merged[-1][1] = index
            else:
                merged.append([index, index])
        runs[name] = [(spans[a][0], spans[b][1]) for a, b in merged]
    return runs


def _windows(runs: dict[str, list[Span]], families: tuple[str, ...]) -> list[Span]:
    """The stretches of text one rule needs to read: the runs of its families, merged."""
    spans = sorted(span for family in families for span in runs[family])
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _candidates(
    text: str, sentences: SentenceIndex, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int, int, When]]:
    end = len(text) if end is None else end
    # Over a whole article each rule reads only the sentences holding one of its trigger words:
    # 27 patterns over a megabyte of text take a second, over those sentences a quarter of it.
    runs = _family_runs(text, sentences) if (start, end) == (0, len(text)) and sentences.spans else None
    for priority, (pattern, rule) in enumerate(RULES):
        windows = [(start, end)] if runs is None else _windows(runs, RULE_FAMILIES[rule])
        for m in (m for a, b in windows for m in pattern.finditer(text, a, b)):
            when = rule(m, text)
            if when is None:
                continue
            begin, stop = m.span("x") if "x" in pattern.groupindex else m.span()
            begin = begin if when.begin is None else when.begin
            stop = stop if when.finish is None else when.finish
            if rule in _EVENT_RULES and (m.group("rel") or "").lower() in EVENT_LINKS:
                stop = _extend_to_clause(text, m.end(), min(end, sentences.around(m.start(), m.end())[1]))
            yield begin, stop, priority, when


def _tense_from_sentence(text: str, span: Span) -> int:
    sentence = text[span[0] : span[1]]
    future, past = _FUTURE.search(sentence) is not None, _PAST.search(sentence) is not None
    return 0 if future == past else (1 if future else -1)


def find_dates(
    text: str,
    sentences: SentenceIndex,
    names: SpanSet,
    pipeline_spans: Iterable[Span],
    reference: date | None,
) -> list[DateFact]:
    """Every temporal expression of ``text`` as a date fact (without ids), in document order.

    ``names`` are the spans of named entities (a date inside "Gerakan 30 September" is part of a
    name); ``pipeline_spans`` the pipeline's DATE/TIME spans, merged by ``merge_entity_spans``.
    """
    found = select_longest(c for c in _candidates(text, sentences) if not names.overlaps(c[0], c[1]))

    def parse(start: int, end: int) -> When | None:
        inner = select_longest(_candidates(text, sentences, start, end))
        if not inner:
            return When(value=None)
        return max(inner, key=lambda k: k[1] - k[0])[2]

    facts = []
    tenses: dict[Span, int] = {}  # one reading per sentence, however many dates it holds
    for start, end, when in merge_entity_spans(found, pipeline_spans, parse):
        sentence = sentences.around(start, end)
        if when.tense == 0 and (when.weekday is not None or (when.month is not None and when.year is None)):
            if sentence not in tenses:
                tenses[sentence] = _tense_from_sentence(text, sentence)
            when.tense = tenses[sentence]
        offset = _offset_text(when.offset) if when.offset is not None else None
        facts.append(
            DateFact(
                text=text[start:end],
                start=start,
                end=end,
                sentence=sentence,
                value=resolve(when, reference),
                type=when.type,
                relative=when.relative or when.weekday is not None or (when.month is not None and when.year is None),
                anchor=when.anchor or ("article" if when.weekday is not None or when.month and not when.year else None),
                offset=offset,
                qualifier=when.qualifier,
                mod=when.mod,
            )
        )
    return facts


HEAD_CHARS = 500
_HEAD_RULES = RULES[:4]  # full calendar dates only


def detect_article_date(text: str) -> ArticleDate | None:
    """The article's date: the first full calendar date in its first lines, if there is one.

    Finds "Selasa (2/12/2014)", "Jakarta, 2 Desember 2014", "2014-12-02T10:00" and the like in the
    first 500 characters (where a dateline or a "Diterbitkan ..." line sits).
    """
    head = text[:HEAD_CHARS]
    best: ArticleDate | None = None
    for pattern, rule in _HEAD_RULES:
        for m in pattern.finditer(head):
            when = rule(m, head)
            if when is None or when.year is None or when.month is None or when.day is None:
                continue
            start = m.start() if when.begin is None else when.begin
            if best is None or start < best.start:
                end = m.end() if when.finish is None else when.finish
                best = ArticleDate(date(when.year, when.month, when.day), start, end)
            break
    return best
