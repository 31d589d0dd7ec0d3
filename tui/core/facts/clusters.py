"""Named-entity mentions grouped into real-world entities, with their aliases and roles.

Mentions merge when they are the same name, a shorter form of a person's name ("Putin" of
"Vladimir Putin", "Kim" of "Kim Jong Un"), an acronym of a multi-word name ("AS" = "Amerika
Serikat", "PBB" = "Perserikatan Bangsa-Bangsa"), an acronym the text defines ("Komisi Pemberantasan
Korupsi (KPK)"), names of one country in a small table of Indonesian usage ("Tiongkok"/"China"),
a national body with or without its country or headquarters ("DPR RI"/"DPR", "Mabes Polri"/"Polri"),
a name written as another's alias ("X alias Y", "akrab disapa Y"), or a person's name with a middle
name left out ("Sandiaga Uno" of "Sandiaga Salahuddin Uno").
The canonical name is the most complete form. Roles come from appositions ("Presiden Rusia,
Vladimir Putin,"; "Yang Moo Jin, Presiden Universitas ...,") and titles before a name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tui.core.entities import Entity
from tui.core.facts.model import EntityFact, Span
from tui.core.facts.sentences import SentenceIndex

NUMERIC_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"})
# Labels whose names acronyms and the country table may join.
PLACE_OR_BODY = frozenset({"LOC", "GPE", "FAC", "ORG", "NORP"})

# Names of one country or body that Indonesian news uses side by side (general usage, not any
# one article's): casefolded name -> the canonical one.
KNOWN_ALIASES = {
    "as": "amerika serikat",
    "amerika": "amerika serikat",
    "usa": "amerika serikat",
    "ri": "indonesia",
    "nkri": "indonesia",
    "republik indonesia": "indonesia",
    "china": "tiongkok",
    "cina": "tiongkok",
    "rrt": "tiongkok",
    "rrc": "tiongkok",
    "republik rakyat tiongkok": "tiongkok",
    "korut": "korea utara",
    "korsel": "korea selatan",
    "inggris raya": "inggris",
    "britania raya": "inggris",
    "uk": "inggris",
    "uea": "uni emirat arab",
    "pbb": "perserikatan bangsa-bangsa",
    "ue": "uni eropa",
    "federasi rusia": "rusia",
}

# Titles and offices that open a person's role ("Presiden Rusia", "juru bicara Kremlin").
PERSON_TITLES = frozenset(
    t.strip()
    for t in """presiden; wakil presiden; wapres; perdana menteri; pm; menteri; wakil menteri; wamen;
    menko; menlu; menhan; mendagri; menkeu; menkes; pemimpin; pemimpin tertinggi; kanselir; raja; ratu;
    pangeran; putra mahkota; sultan; kaisar; emir; syekh; paus; uskup; kardinal; imam; gubernur;
    wakil gubernur; wagub; bupati; wakil bupati; wali kota; walikota; wakil wali kota; camat; lurah;
    kepala; ketua; ketua umum; ketum; wakil ketua; sekretaris; sekretaris jenderal; sekjen; bendahara;
    direktur; direktur utama; dirut; dirjen; deputi; komisaris; manajer; rektor; dekan; profesor; prof;
    guru besar; dosen; jenderal; letjen; mayjen; brigjen; kolonel; letkol; kapten; laksamana; marsekal;
    panglima; komandan; kapolri; kapolda; kapolres; kapolsek; kabareskrim; irjen; kombes; jaksa agung;
    jaksa; hakim; juru bicara; jubir; duta besar; dubes; senator; anggota; kuasa hukum; pengacara;
    penasihat; staf khusus; pelatih; ceo; pendiri; pemilik; analis; pengamat; peneliti; ekonom; pakar;
    ahli; aktivis; koordinator; mantan; eks; calon; kandidat; pimpinan; pejabat; kepala staf;
    asisten""".split(";")
)
# Words for what an organisation is ("Media Korea Utara, KCNA,"; "kantor berita Reuters").
ORG_DESCRIPTORS = frozenset(
    t.strip()
    for t in """media; kantor berita; surat kabar; harian; koran; stasiun televisi; televisi; radio; situs;
    portal; lembaga; perusahaan; organisasi; kelompok; maskapai; produsen; pabrikan; operator""".split(";")
)
# Everyday nouns that are titles only when capitalised ("kepala" = head, "anggota" = member).
CAPITALISED_ONLY = frozenset({"kepala", "anggota", "ahli", "pakar", "imam", "ratu", "raja"})
# Lower-case words that may sit inside an office's name ("Menteri Luar Negeri", "juru bicara").
ROLE_WORDS = frozenset(
    """dan urusan bidang luar negeri dalam umum besar utama agung tertinggi muda khusus bicara juru
    hukum staf senior eksekutif jenderal republik negara""".split()
)
# Titles written before a person's name that are not part of it when a pipeline includes them.
NAME_PREFIXES = frozenset(
    """presiden wapres menteri pak bapak bu ibu tuan nyonya ny sdr saudara dr drs dra ir prof h hj kh
    jenderal letjen mayjen brigjen kapten raja ratu pangeran sultan syekh paus""".split()
)
# Generic heads that a shorter name of an organisation drops ("Partai Golkar" -> "Golkar").
ORG_HEADS = frozenset("partai universitas bank badan komisi kementerian lembaga yayasan perusahaan pt".split())

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# The table in the form of mention keys: tokens joined by spaces ("perserikatan bangsa bangsa").
_KNOWN = {" ".join(_TOKEN.findall(k)): " ".join(_TOKEN.findall(v)) for k, v in KNOWN_ALIASES.items()}
_KNOWN_CANONICAL = frozenset(_KNOWN.values())
_DEFINED_AFTER = re.compile(r"\s*\(\s*(?P<a>[A-Z][A-Za-z0-9&]{1,14})\s*\)")
_WORD = re.compile(r"\S+")
_DELIMITER = re.compile(r"[,;:()\"“”\n]|\.\s")
_AFTER_ROLE = re.compile(r"\s*,\s*(?P<role>[^,;:()\"“”\n]{2,160}?)\s*(?=,|;|\.\s|\.$|$|\n)")


@dataclass(slots=True)
class Mention:
    """One entity mention, with the id of the entity it belongs to once clustered.

    A 20 MB article has a third of a million: they are kept small (slots, and the same key tuple
    and surface string for every mention of one name).
    """

    start: int
    end: int
    label: str
    text: str
    name_start: int  # after any title the pipeline kept in the span
    key: tuple[str, ...]
    entity_id: str = ""
    name: str = ""  # the canonical name of its entity
    role_before: tuple[str, Span, bool] | None = None  # (role, span, written with a comma)
    role_after: tuple[str, Span] | None = None


class MentionIndex:
    """The clustered mentions of an article, looked up by position."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions
        self._starts = [m.start for m in mentions]
        self._by_end = {m.end: m for m in mentions}
        self._by_start = {m.start: m for m in mentions}
        self._by_role_after_end = {m.role_after[1][1]: m for m in mentions if m.role_after}
        roles = []
        for m in mentions:
            if m.role_before:
                roles.append((m.role_before[1][0], m.role_before[1][1], m))
        roles.sort(key=lambda r: r[0])
        self._roles = roles
        self._role_starts = [r[0] for r in roles]

    def ending_at(self, pos: int) -> Mention | None:
        return self._by_end.get(pos)

    def starting_at(self, pos: int) -> Mention | None:
        return self._by_start.get(pos)

    def with_role_after_ending(self, pos: int) -> Mention | None:
        """The mention whose apposition after it ends at ``pos`` ("Yang Moo Jin, Presiden ...")."""
        return self._by_role_after_end.get(pos)

    def last_before(self, pos: int, label: str) -> Mention | None:
        """The last mention with ``label`` that starts before ``pos``."""
        i = bisect_left(self._starts, pos) - 1
        while i >= 0 and self.mentions[i].label != label:
            i -= 1
        return self.mentions[i] if i >= 0 else None

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions that start inside ``[start, end)``, in order."""
        i = bisect_left(self._starts, start)
        j = bisect_left(self._starts, end)
        return self.mentions[i:j]

    def role_owner(self, pos: int) -> Mention | None:
        """The mention whose role (written before it) covers ``pos``."""
        i = bisect_left(self._role_starts, pos + 1) - 1
        if i >= 0 and self._roles[i][0] <= pos < self._roles[i][1]:
            return self._roles[i][2]
        return None


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _make_mention(
    text: str, entity: Entity, surfaces: dict[str, str], keys: dict[tuple[str, ...], tuple[str, ...]]
) -> Mention:
    """``entity`` as a mention; ``surfaces`` and ``keys`` hand out one copy of each surface and key."""
    surface = text[entity.start : entity.end]  # the article's own text, whatever the pipeline said
    surface = surfaces.setdefault(surface, surface)
    tokens = list(_TOKEN.finditer(surface))
    skip = 0
    if entity.label == "PERSON":
        while skip < len(tokens) - 1 and tokens[skip].group().casefold() in NAME_PREFIXES:
            skip += 1
    skipped = tokens[skip].start() if tokens else 0
    name_start = entity.start + skipped if skipped else entity.start
    key = tuple(t.group().casefold() for t in tokens[skip:]) or (surface.casefold(),)
    return Mention(entity.start, entity.end, entity.label, surface, name_start, keys.setdefault(key, key))


def _initials(surface: str) -> str:
    """Capital initials of a name, hyphenated parts counted: "Perserikatan Bangsa-Bangsa" -> "PBB"."""
    return "".join(part[0] for part in re.split(r"[\s-]+", surface) if part[:1].isupper())


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def cluster_entities(
    text: str, entities: Sequence[Entity], sentences: SentenceIndex
) -> tuple[list[EntityFact], MentionIndex]:
    """Entity facts sorted by importance (ids "e1", "e2", ...) and the index of their mentions."""
    surfaces: dict[str, str] = {}
    keys: dict[tuple[str, ...], tuple[str, ...]] = {}
    mentions = [
        _make_mention(text, e, surfaces, keys)
        for e in sorted(entities)
        if e.label not in NUMERIC_LABELS and 0 <= e.start < e.end <= len(text) and text[e.start : e.end].strip()
    ]
    del surfaces, keys
    union = _Union(len(mentions))
    forms: dict[tuple[str, ...], list[int]] = {}
    for i, m in enumerate(mentions):
        forms.setdefault(m.key, []).append(i)
    form_label = {key: Counter(mentions[i].label for i in idxs).most_common(1)[0][0] for key, idxs in forms.items()}
    parts = _person_parts(forms, form_label)
    for key, idxs in forms.items():
        if len(parts.get(key, ())) < 2:  # a short name shared by two people is decided per mention
            for i in idxs[1:]:
                union.join(idxs[0], i)
    defined: dict[int, list[str]] = {}
    _join_defined_acronyms(text, mentions, forms, union, defined)
    _join_known_aliases(forms, form_label, union)
    _join_initials(mentions, forms, form_label, union)
    _join_person_parts(mentions, forms, parts, union)
    _join_org_heads(forms, form_label, union)
    _join_country_suffixes(mentions, forms, form_label, union)
    _join_written_aliases(text, mentions, union)
    for m in mentions:
        _find_roles(text, m, sentences)

    clusters: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        clusters.setdefault(union.find(i), []).append(i)
    drafts = []
    for members in clusters.values():
        drafts.append(_entity(text, [mentions[i] for i in members], defined, members, sentences))
    drafts.sort(key=lambda d: (-len(d[0].mentions), d[0].mentions[0][0]))
    facts = []
    for n, (fact, fact_mentions) in enumerate(drafts, start=1):
        entity_id = f"e{n}"
        for m in fact_mentions:
            m.entity_id, m.name = entity_id, fact.text
        facts.append(replace(fact, id=entity_id))
    return facts, MentionIndex(mentions)


def _entity(
    text: str, members: list[Mention], defined: dict[int, list[str]], idxs: list[int], sentences: SentenceIndex
) -> tuple[EntityFact, list[Mention]]:
    counts = Counter(m.key for m in members)
    first_at: dict[tuple[str, ...], Mention] = {}
    for m in members:
        first_at.setdefault(m.key, m)
    best = max(
        first_at.values(),
        key=lambda m: (len(m.key), len(text[m.name_start : m.end]), counts[m.key], -m.start),
    )
    canonical = text[best.name_start : best.end]
    labels = Counter(m.label for m in members)
    top = max(labels.values())
    label = best.label if labels[best.label] == top else labels.most_common(1)[0][0]
    aliases: list[str] = []
    seen = {canonical.casefold()}
    for m in members:
        surface = text[m.name_start : m.end]
        if surface.casefold() not in seen:
            seen.add(surface.casefold())
            aliases.append(surface)
    for i in idxs:
        for acronym in defined.get(i, ()):
            if acronym.casefold() not in seen:
                seen.add(acronym.casefold())
                aliases.append(acronym)
    role = None
    for m in members:  # the first apposition, else the first title
        if m.role_before and m.role_before[2]:
            role = (m.role_before[0], m.role_before[1])
        elif m.role_after:
            role = m.role_after
        if role:
            break
    if role is None:
        role = next(((m.role_before[0], m.role_before[1]) for m in members if m.role_before), None)
    fact = EntityFact(
        text=canonical,
        start=best.name_start,
        end=best.end,
        sentence=sentences.around(best.name_start, best.end),
        label=label,
        aliases=tuple(aliases),
        mentions=tuple((m.start, m.end) for m in members),
        role=role[0] if role else None,
        role_span=role[1] if role else None,
    )
    return fact, members


def _join_defined_acronyms(
    text: str,
    mentions: list[Mention],
    forms: dict[tuple[str, ...], list[int]],
    union: _Union,
    defined: dict[int, list[str]],
) -> None:
    """ "Komisi Pemberantasan Korupsi (KPK)": the acronym in brackets names the entity before it."""
    for i, m in enumerate(mentions):
        found = _DEFINED_AFTER.match(text, m.end)
        if not found:
            continue
        inside = found.group("a")
        key: tuple[str, ...] = (inside.casefold(),)
        if key in forms:
            union.join(i, forms[key][0])
        elif len(m.key) > 1:
            defined.setdefault(i, []).append(inside)
        # "KPK (Komisi Pemberantasan Korupsi)": the reverse order.
    for i, m in enumerate(mentions):
        if len(m.key) == 1 and m.text.isupper():
            after = re.match(r"\s*\(\s*([^()\n]{3,80}?)\s*\)", text[m.end : m.end + 90])
            if after:
                key = tuple(t.casefold() for t in _tokens(after.group(1)))
                if key in forms:
                    union.join(i, forms[key][0])


def _join_known_aliases(
    forms: dict[tuple[str, ...], list[int]], form_label: dict[tuple[str, ...], str], union: _Union
) -> None:
    groups: dict[str, int] = {}
    for key, idxs in forms.items():
        if form_label[key] not in PLACE_OR_BODY:
            continue
        name = " ".join(key)
        canonical = _KNOWN.get(name, name)
        if canonical in groups:
            union.join(groups[canonical], idxs[0])
        elif name in _KNOWN or canonical in _KNOWN_CANONICAL:
            groups[canonical] = idxs[0]


def _join_initials(
    mentions: list[Mention],
    forms: dict[tuple[str, ...], list[int]],
    form_label: dict[tuple[str, ...], str],
    union: _Union,
) -> None:
    """ "AS" = "Amerika Serikat": an all-capitals name and the initials of a longer one."""
    by_initials: dict[str, list[tuple[str, ...]]] = {}
    for key, idxs in forms.items():
        if len(key) > 1 and form_label[key] in PLACE_OR_BODY:
            surface = mentions[idxs[0]].text
            by_initials.setdefault(_initials(surface), []).append(key)
    for key, idxs in forms.items():
        surface = mentions[idxs[0]].text
        if len(key) != 1 or form_label[key] not in PLACE_OR_BODY or not re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", surface):
            continue
        if key[0] in _KNOWN:
            continue  # the table already decided ("AS" is Amerika Serikat, not Arab Saudi)
        candidates = by_initials.get(surface, [])
        if candidates:
            first = min(candidates, key=lambda k: mentions[forms[k][0]].start)
            union.join(idxs[0], forms[first][0])


def _person_parts(
    forms: dict[tuple[str, ...], list[int]], form_label: dict[tuple[str, ...], str]
) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """For each person's name, the longer names it starts or ends ("Putin" -> ["Vladimir Putin"])."""
    people = [key for key in forms if form_label[key] == "PERSON"]
    by_token: dict[str, list[tuple[str, ...]]] = {}
    for key in people:
        if len(key) > 1:
            for token in {key[0], key[-1]}:
                by_token.setdefault(token, []).append(key)
    parts = {}
    for key in people:
        n = len(key)
        candidates = [
            long
            for long in by_token.get(key[0], []) + by_token.get(key[-1], [])
            if len(long) > n and (long[:n] == key or long[-n:] == key or _inside(key, long))
        ]
        if candidates:
            parts[key] = list(dict.fromkeys(candidates))
    return parts


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """ "Sandiaga Uno" of "Sandiaga Salahuddin Uno": the same first and last names, a middle one left out."""
    if len(short) < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    rest = iter(long[1:-1])
    return all(token in rest for token in short[1:-1])


def _join_person_parts(
    mentions: list[Mention],
    forms: dict[tuple[str, ...], list[int]],
    parts: dict[tuple[str, ...], list[tuple[str, ...]]],
    union: _Union,
) -> None:
    """ "Putin" is "Vladimir Putin"; "Kim" is the nearest "Kim ..." before it when there are several."""
    for key, candidates in parts.items():
        if len(candidates) == 1:
            union.join(forms[key][0], forms[candidates[0]][0])
            continue
        starts = [(mentions[j].start, j) for long in candidates for j in forms[long]]
        for i in forms[key]:
            before = [s for s in starts if s[0] < mentions[i].start]
            union.join(i, max(before)[1] if before else min(starts)[1])


def _join_org_heads(
    forms: dict[tuple[str, ...], list[int]], form_label: dict[tuple[str, ...], str], union: _Union
) -> None:
    for key, idxs in forms.items():
        if len(key) > 1 and form_label[key] == "ORG" and key[0] in ORG_HEADS and key[1:] in forms:
            if form_label[key[1:]] == "ORG":
                union.join(idxs[0], forms[key[1:]][0])


# The country written after a national body's short name: "DPR RI" is "DPR", "Mabes Polri" is "Polri".
COUNTRY_SUFFIXES = (("ri",), ("indonesia",), ("republik", "indonesia"))
HEADQUARTERS = frozenset({"mabes"})
# "Robson David Ferrao alias Donald", "yang akrab disapa Ucok", "biasa dipanggil Pak Yo".
_ALIAS_BEFORE = re.compile(
    r"(?:\balias|\b(?:akrab|karib|biasa|sering|kerap|lebih\s+dikenal)\s+(?:di)?(?:sapa|panggil|kenal)(?:\s+dengan)?"
    r"(?:\s+(?:nama|sebutan|sapaan))?|\bdisapa|\bdipanggil)\s+(?:(?:pak|bu|bang|mas|mbak|kak)\s+)?$",
    re.IGNORECASE,
)


def _join_country_suffixes(
    mentions: list[Mention],
    forms: dict[tuple[str, ...], list[int]],
    form_label: dict[tuple[str, ...], str],
    union: _Union,
) -> None:
    """ "DPR RI" and "DPR", "Mabes Polri" and "Polri": one body, when the short name is an acronym."""
    for key, idxs in forms.items():
        if form_label[key] != "ORG" or len(key) < 2:
            continue
        if key[0] in HEADQUARTERS and key[1:] in forms and form_label[key[1:]] == "ORG":
            union.join(idxs[0], forms[key[1:]][0])
        for suffix in COUNTRY_SUFFIXES:
            short = key[: -len(suffix)]
            if key[-len(suffix) :] == suffix and short in forms and form_label[short] == "ORG":
                if mentions[forms[short][0]].text.isupper():
                    union.join(idxs[0], forms[short][0])


def _join_written_aliases(text: str, mentions: list[Mention], union: _Union) -> None:
    """A name given as another's alias ("X alias Y", "akrab disapa Y") is that person."""
    for i, m in enumerate(mentions):
        if m.label != "PERSON" or not _ALIAS_BEFORE.search(text, max(0, m.start - 60), m.start):
            continue
        for j in range(i - 1, max(-1, i - 6), -1):
            other = mentions[j]
            if other.label == "PERSON" and m.start - other.end <= 200 and "\n\n" not in text[other.end : m.start]:
                union.join(i, j)
                break


# -- roles --------------------------------------------------------------------------------------


def _title_at(words: list[str], i: int, titles: frozenset[str]) -> int:
    """How many words from ``i`` make a title in ``titles`` (0 if none); the longest wins."""
    for size in (3, 2, 1):
        phrase = " ".join(w.casefold() for w in words[i : i + size])
        if len(words) - i >= size and phrase in titles:
            if words[i].casefold() in CAPITALISED_ONLY and not words[i][:1].isupper():
                return 0
            return size
    return 0


def _role_word(word: str) -> bool:
    folded = word.casefold()
    return word[:1].isupper() or word[:1].isdigit() or folded in ROLE_WORDS or folded in PERSON_TITLES


def _role_in(text: str, start: int, end: int, titles: frozenset[str], any_words: bool) -> Span | None:
    """The span of a role in ``text[start:end]``: from the first title to the end, if it reads as one.

    Unless ``any_words``, every word after the title must be capitalised or a word of an office.
    """
    found = list(_WORD.finditer(text, start, end))
    words = [w.group() for w in found]
    for i in range(len(words)):
        size = _title_at(words, i, titles)
        if size and len(words) - i <= 12 and (any_words or all(_role_word(w) for w in words[i + size :])):
            return found[i].start(), found[-1].end()
    return None


def _find_roles(text: str, m: Mention, sentences: SentenceIndex) -> None:
    titles = PERSON_TITLES if m.label == "PERSON" else ORG_DESCRIPTORS if m.label == "ORG" else None
    if titles is None:
        return
    sentence_start, sentence_end = sentences.spans[sentences.at(m.start)] if sentences.spans else (0, len(text))
    floor = max(sentence_start, m.start - 160)
    before = text[floor : m.start]
    if before.rstrip().endswith(","):
        comma = floor + len(before.rstrip()) - 1
        delimiters = list(_DELIMITER.finditer(text, floor, comma))
        seg_start = delimiters[-1].end() if delimiters else floor
        span = _role_in(text, seg_start, comma, titles, any_words=False)
        if span:
            m.role_before = (text[span[0] : span[1]], span, True)
    else:
        # A bare title right before the name: "Presiden Trump", "juru bicara Kremlin Dmitry Peskov".
        run_start = m.start
        for w in reversed(list(_WORD.finditer(text, floor, m.start))[-8:]):
            if not re.fullmatch(r"[^\W_][\w'’.-]*", w.group()) or not _role_word(w.group()):
                break
            if text[w.end() : run_start].strip():
                break
            run_start = w.start()
        if run_start < m.start:
            span = _role_in(text, run_start, m.start, titles, any_words=False)
            if span:
                m.role_before = (text[span[0] : span[1]], span, False)
    after = _AFTER_ROLE.match(text, m.end, sentence_end)
    if after:
        span = _role_in(text, after.start("role"), after.end("role"), titles, any_words=True)
        if span and span[0] == after.start("role"):
            m.role_after = (text[span[0] : span[1]], span)
