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

from tui.core.bodies import ORG_TAILS
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

# Words that make a name an organisation's or a place's, wherever they stand in it ("Kabinet",
# "Sekuritas", "Kabupaten", "Polres"), and the points of the compass that name a part of a place
# ("Jakarta Pusat"): a name with one is no person's.
ORG_WORDS = ORG_HEADS | frozenset(
    """institut politeknik akademi fakultas departemen dewan majelis mahkamah pengadilan kejaksaan
    kepolisian kantor harian koran rumah asosiasi persatuan perhimpunan ikatan federasi organisasi
    komite komando direktorat dinas angkatan tentara korps markas gerakan bursa front koalisi serikat
    himpunan konfederasi grup cv biro balai otoritas konsorsium kongres parlemen senat kabinet
    kedutaan kedubes konsulat sekretariat brigade divisi batalion satuan pasukan polda polres
    polresta polrestabes polsek brimob densus bareskrim satgas pemprov pemkab pemkot pemda dprd kodam
    korem kodim koramil kejati kejari bpbd kpud kanwil sekuritas tbk persero securities capital
    university institute college inc corp corporation ltd group company foundation agency council
    airlines airways times post news fc club party association organization organisation international
    authority bureau board commission committee federation union society ministry department office service
    services network television tv radio press motor motors industries holdings fund trust partners ventures
    studio studios records entertainment media""".split()
)
PLACE_WORDS = frozenset(
    """provinsi kabupaten kota kecamatan desa kelurahan dusun kampung pulau kepulauan gunung pegunungan
    sungai danau selat laut teluk tanjung semenanjung lembah samudra samudera benua jalan jl jln
    bandara pelabuhan prefektur utara selatan barat timur tengah tenggara daya pusat raya tugu monumen
    gedung masjid gereja pura vihara klenteng candi stadion museum istana makam taman pasar hotel terminal
    stasiun jembatan menara lapangan kompleks wisma graha plaza mal mall bundaran""".split()
)
# Lower-case words that may sit inside a person's name ("Muhammad bin Salman", "Vincent van Gogh").
NAME_PARTICLES = frozenset(
    "bin binti bint ibnu ibn ben van von der den ter de da di do dos das del la le al el y no".split()
)
# Balinese birth-order names after "I" (men) or "Ni" (women), which an NER may leave outside the
# name: "I Made Leo Wiratma", "Ni Luh Putu Ayu".
BALINESE_NAMES = frozenset("wayan putu gede made kadek nengah nyoman komang ketut luh gusti ayu".split())

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
    start = entity.start
    if entity.label == "PERSON" and tokens and tokens[0].group().casefold() in BALINESE_NAMES:
        balinese = _BALINESE_BEFORE.search(text, max(0, start - 4), start)
        if balinese is not None:  # "I Made Leo Wiratma" of "Made Leo Wiratma"
            start = balinese.start("p")
            surface = text[start : entity.end]
            tokens = list(_TOKEN.finditer(surface))
            skipped, skip = 0, 1  # the name shows "I", its key (which short forms match) does not
    name_start = start + skipped
    key = tuple(t.group().casefold() for t in tokens[skip:]) or (surface.casefold(),)
    return Mention(start, entity.end, entity.label, surface, name_start, keys.setdefault(key, key))


_BALINESE_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“]))(?P<p>I|Ni)\s+$")
_ACRONYM_BEFORE = re.compile(r"\([A-Z][A-Za-z0-9&]{1,14}\)\s+$")
_TITLE_FIRST_WORDS = frozenset(title.split()[0] for title in PERSON_TITLES)


def _find_people(text: str, mentions: list[Mention]) -> None:
    """Mentions of people that the NER labelled an organisation or a place, or fused with one, made
    PERSON mentions of the name alone.

    The NER often gives one person two labels ("Sutopo" PERSON, "Sutopo Purwo Nugroho" ORG) or
    joins a place or body before the name ("Jember Heru Widagdo" LOC, "PBB Antonio Guterres" ORG,
    "Analis Reliance Sekuritas Lanjar Nafi" PERSON). A name of two words or more with no word of a
    body or a place in it is a person's when one of its first or last words is a person's name
    elsewhere in the article (and no place's: "Kabupaten Poso" keeps "Poso Pesisir" a place), when
    it is a part of a longer person's name, or when a title and a bracketed acronym or a known body
    or place come before it ("Kepala ... (BNPB) Sutopo Purwo Nugroho", "Presiden Amerika Serikat
    Donald Trump"). Then the forms of one word that are a part of such a name become PERSON too
    ("Juda" of "Juda Agung", whatever the NER said of each).
    """
    people = {m.key for m in mentions if m.label == "PERSON"}
    places = {m.key for m in mentions if m.label in PLACE_OR_BODY} - people
    marked: set[str] = set()  # words written after a body's or a place's head, or before a compass point
    for m in mentions:
        for i in range(len(m.key) - 1):
            if m.key[i] in ORG_WORDS or m.key[i] in PLACE_WORDS and m.key[i + 1] not in PLACE_WORDS:
                marked.add(m.key[i + 1])
            if m.key[i + 1] in PLACE_WORDS:
                marked.add(m.key[i])
    long_people = [key for key in people if len(key) > 2]
    changed: list[Mention] = []
    for m in mentions:
        tokens = list(_TOKEN.finditer(text, m.name_start, m.end))
        if len(tokens) < 2:
            continue
        cut, known = _name_cut(tokens, m.label == "PERSON", places)
        rest = tuple(t.group().casefold() for t in tokens[cut:])
        if not rest or (cut == 0 and m.label == "PERSON"):
            continue
        if m.label != "PERSON":
            if len(rest) < 2:
                continue
            if any(w in ORG_WORDS or w in PLACE_WORDS for w in rest):
                continue
            if any(not t.group()[:1].isupper() and t.group().casefold() not in NAME_PARTICLES for t in tokens[cut:]):
                continue
            by_part = any(
                (part,) in people and part not in marked and len(part) > 2 for part in {rest[0], rest[-1]}
            ) or any(_inside(rest, long) or long[: len(rest)] == rest for long in long_people)
            hyphened = "-" in text[tokens[cut].start() : m.end]  # "Paris Saint-Germain" is a club
            titled = _titled(text, m.start) and (
                (known and not hyphened) or _ACRONYM_BEFORE.search(text, max(0, m.start - 20), m.start)
            )
            if not by_part and not titled:
                continue
        m.label = "PERSON"
        m.name_start = tokens[cut].start()
        m.key = rest
        changed.append(m)
    if not changed:
        return
    parts = {w for m in changed if len(m.key) > 1 for w in (m.key[0], m.key[-1])} - marked
    for m in mentions:
        if m.label != "PERSON" and len(m.key) == 1 and m.key[0] in parts and (m.key in people):
            m.label = "PERSON"


def _name_cut(tokens: list[re.Match[str]], person: bool, places: set[tuple[str, ...]]) -> tuple[int, bool]:
    """Where the name starts among a mention's ``tokens`` and whether a known body or place is cut off.

    A place or body the article names on its own and that opens the mention ("Jember" of "Jember
    Heru Widagdo") is cut off; in a PERSON mention, so is everything up to its last word of a body,
    a place or a title, or its last lower-case word ("Reliance Sekuritas Lanjar Nafi", "Sementara
    itu Guterres").
    """
    words = [t.group().casefold() for t in tokens]
    cut, known = 0, False
    while cut < len(words) - 1:
        size = next((n for n in range(len(words) - cut - 1, 0, -1) if tuple(words[cut : cut + n]) in places), 0)
        if not size:
            break
        cut, known = cut + size, True
    if person:
        for i in range(len(words) - 2, cut - 1, -1):
            word, surface = words[i], tokens[i].group()
            if (
                word in ORG_WORDS
                or word in PLACE_WORDS
                or (not surface[:1].isupper() and word not in NAME_PARTICLES and len(word) > 2)
            ):
                return i + 1, known
    return cut, known


def _titled(text: str, start: int) -> bool:
    """True when a title opens the run of capitalised words (and bracketed acronyms) before ``start``
    ("Presiden Amerika Serikat", "Kepala Pusat Data dan Humas BNPB (BNPB)")."""
    run_end = start
    for w in reversed(list(_WORD.finditer(text, max(0, start - 200), start))[-14:]):
        if text[w.end() : run_end].strip():
            return False
        word = w.group()
        if word[-1:] in ",.;:" or word[:1] in '"“”':
            return False
        core = word.strip("()")
        if not core or not (core[:1].isupper() or core.casefold() in ROLE_WORDS):
            return False
        if core.casefold() in _TITLE_FIRST_WORDS and core[:1].isupper():
            return True
        run_end = w.start()
    return False


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
    _find_people(text, mentions)
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
    _join_nicknames(forms, form_label, parts, union)
    _join_org_short_forms(forms, form_label, union)
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


def _join_nicknames(
    forms: dict[tuple[str, ...], list[int]],
    form_label: dict[tuple[str, ...], str],
    parts: dict[tuple[str, ...], list[tuple[str, ...]]],
    union: _Union,
) -> None:
    """ "Sandi" is "Sandiaga Salahuddin Uno": a one-word name of four letters or more that starts the
    first name of one person only, two letters or more short of it (and is no part of a name itself)."""
    people = [key for key in forms if form_label[key] == "PERSON"]
    for key in people:
        if len(key) != 1 or key in parts or len(key[0]) < 4 or not key[0].isalpha():
            continue
        longer = {
            union.find(forms[long][0])
            for long in people
            if len(long[0]) >= len(key[0]) + 2 and long[0].startswith(key[0])  # "Maria" is not "Mariah"
        }
        if len(longer) == 1:
            union.join(forms[key][0], longer.pop())


_ORG_TAILS = frozenset(w.casefold() for w in ORG_TAILS)  # mention keys are case-folded


def _join_org_short_forms(
    forms: dict[tuple[str, ...], list[int]], form_label: dict[tuple[str, ...], str], union: _Union
) -> None:
    """A body and its short form: "Partai Golkar" and "Golkar" (the name after a head word),
    "Amnesty International" and "Amnesty" (the first word of a name with an English tail)."""
    for key, idxs in forms.items():
        if len(key) < 2 or form_label[key] != "ORG":
            continue
        shorts = ([key[1:]] if key[0] in ORG_HEADS else []) + ([key[:1]] if key[-1] in _ORG_TAILS else [])
        for short in shorts:
            if short in forms and form_label[short] == "ORG":
                union.join(idxs[0], forms[short][0])


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
    word = word[1:-1] if word[:1] == "(" and word[-1:] == ")" else word  # "(BNPB)" in an office
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
        if (
            size
            and len(words) - i <= (12 if any_words else 14)
            and (any_words or all(_role_word(w) for w in words[i + size :]))
        ):
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
        for w in reversed(list(_WORD.finditer(text, floor, m.start))[-14:]):
            if not re.fullmatch(r"[^\W_][\w'’.-]*|\([A-Z][\w&]*\)", w.group()) or not _role_word(w.group()):
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
