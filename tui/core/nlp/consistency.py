"""Last component: picks non-overlapping entities from the candidates and makes them consistent.

Within a document a name keeps its label: once "Joko Widodo" is a PERSON, a bare "Widodo"
anywhere (before or after) is one too, and a string labelled once is labelled the same at each
other capitalised occurrence. Acronyms take the label of the name they abbreviate, whether
spelled out in brackets ("Komisi Pemberantasan Korupsi (KPK)") or just present ("Amerika
Serikat" ... "AS").
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from spacy.lang.id.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from tui.core.bodies import CLUB_AFTER, CLUB_AFTER_IN_OFFICE, CLUB_BEFORE, ORG_TAILS
from tui.core.nlp.candidates import (
    NAME_LABELS,
    STRONG,
    WEAK,
    candidates,
    is_acronym_text,
    is_name_text,
    rank,
    sentence_initial_word,
    token_texts,
)
from tui.core.nlp.gazetteer import Gazetteer, gazetteer_config
from tui.core.nlp.layout import Layout, read_layout
from tui.core.nlp.names import (
    ATTRIBUTION_VERBS,
    DESCRIPTOR_WORDS,
    LOC_HEADS,
    MINISTER_ABBREVIATION,
    ORG_HEADS_LIST,
    REPORTING_VERBS,
    TITLE_FIRST_WORDS,
    UNIT_HEADS,
)

# Gazetteer matches that a person's name in the same document outranks ("Bima" is a town, but
# after "Bima Arya" it is him); countries are never given up this way.
OVERRIDABLE = frozenset({"gazetteer_city", "gazetteer_city_common", "reporting_subject"})
# A person's initials ("berinisial KR") also take over what a model made of them elsewhere.
OVER_INITIALS = OVERRIDABLE | {"model", "model_weak", "gazetteer_acronym", "org_acronym"}
_MAX_KEY = 6
MODEL_RULES = frozenset({"model", "model_weak"})
# Police and military ranks: inside a capitalised run they end one name and start another ("Metro
# Bekasi Kombes Asep Adi Saputra" is a unit, then a rank, then a person). Titles open names.
RANKS = frozenset(
    """akp iptu ipda aiptu aipda bripka briptu bripda brigadir kompol kombes akbp irjen brigjen komjen
    jenderal letjen mayjen kolonel letkol mayor kapten serka serma pratu""".split()
)
TITLE_WORDS = TITLE_FIRST_WORDS | RANKS
# Ordinary words that start a name of a place or body ("Bank Indonesia", "Gedung DPR"): kept at a
# sentence's start, where other ordinary words are cut off a name ("Penalti Neymar" -> "Neymar").
NAME_KINDS = (
    frozenset(h.split()[0] for h in ORG_HEADS_LIST)
    | LOC_HEADS
    | frozenset(
        """gedung masjid musala mushola gereja pura vihara klenteng stadion istana hotel kantor pasar taman
        museum monumen terminal stasiun bandara rumah sekolah kampus lapas rutan penjara puskesmas
        rsud rs apartemen mal mall plaza alun-alun lapangan tugu jembatan bendungan waduk pantai
        kebun hutan""".split()
    )
)
# Everyday abbreviations and kinds of regulation, which news capitalises but which name no one:
# "150 KK" (kepala keluarga), "para ASN", "UU Cipta Kerja", "Perpu Nomor 2".
NOT_NAMES = frozenset(
    """KK ASN PNS TNI-Polri VIP VVIP RUPS RUPST RUPSLB WIB WITA WIT WNA WNI KTP SIM NIK NPWP BBM
    APBN APBD RAPBN RAPBD PAD PDB GDP CSR SARA ITE MPV SUV LCGC UMKM UMR UMP THR PHK OTT DPO
    Balita Lansia Capres Cawapres Cagub Cawagub Pilkada Pilpres Pileg Pemilu Pilgub Pilbup Pilwalkot
    Ormas Parpol Hoaks Hoax BUMN BUMD IHSG LQ45 IDX30""".split()
)


# No person's name runs longer ("Raden Mas Haji Oemar Said Tjokroaminoto" is six).
MAX_PERSON_TOKENS = 8
# Prepositions of place: a name after one is somewhere, not someone.
PLACE_PREPOSITIONS = frozenset({"di", "ke", "menuju"})


# Prefixes that make a word of a name with a hyphen: "antar-Korea" (inter-Korean), "anti-Israel".
GLUED_PREFIXES = frozenset({"anti", "antar", "pro", "pasca", "pra", "non", "pan", "neo"})


def _glued_to_prefix(span: Span, words: list[str]) -> bool:
    k = span.start
    if k < 2 or words[k - 1] != "-" or words[k - 2].lower() not in GLUED_PREFIXES:
        return False
    doc = span.doc
    return not doc[k - 2].whitespace_ and not doc[k - 1].whitespace_


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


# Competitions are events, not bodies ("Liga Primer", "Piala Presiden"); a name after "indeks" is a
# stock index ("indeks Hang Seng").
EVENT_WORDS = frozenset({"Liga", "Piala"})
NOT_NAME_AFTER = frozenset({"indeks"})
REGULATIONS = frozenset(
    """UU Undang-Undang Perpu Perppu Perda Perpres Permen Pergub Perbup Perwal PP POJK PBI Inpres
    Keppres Kepres Kepmen SE KUHP KUHAP KUH RUU Raperda Permendagri Permenkeu""".split()
)
# Words next to a place that only a team fits, in a report of a match ("menghadapi Bordeaux",
# "gawang Muenchen", "pemain Mitra Kukar", "Leicester menjuarai ..."); in such a document the
# place is the club at each of its mentions.
CLUB_BEFORE_CUES = frozenset(
    """gawang kontra melawan menghadapi mengalahkan dikalahkan diimbangi mengimbangi menggulung membobol
    dibobol menjamu dijamu menekuk ditekuk menumbangkan ditumbangkan pemain klub""".split()
)
CLUB_AFTER_CUES = frozenset(
    """menjuarai menang kalah tersingkir mencetak menjamu bertandang unggul dikalahkan ditahan""".split()
)
SPORT_WORDS = frozenset("gol liga klub klasemen pertandingan laga".split())
# Words before a name that only a person fits ("tendangan Budi", "milik Budi", "menurut Budi").
PERSON_BEFORE_CUES = (
    frozenset("""kaki tendangan sundulan umpan milik bernama sepupu menurut""".split()) | ATTRIBUTION_VERBS
)
# Rules that know a place, and guesses a list of places may overrule (consistency.Consistency._lists).
KNOWN_PLACES = frozenset({"gazetteer_region", "gazetteer_city", "gazetteer_city_common", "loc_head", "place_list"})
GUESSES = frozenset({"model", "model_weak", "consistency", "weak_consistency", "reporting_subject", "attribution"})
# Of those, the ones that no body fits either ("sundulan Budi", "rekannya bernama Budi").
PERSON_CUES_FOR_BODIES = frozenset("kaki tendangan sundulan umpan sepupu".split())
# People that "bernama" (named) introduces a name of ("rekannya bernama Budi"; a band "bernama"
# something is no person).
NAMED_PEOPLE = frozenset(
    """rekan rekannya teman temannya warga pria wanita perempuan laki-laki pemuda remaja seorang pelaku
    tersangka korban anak anaknya istri istrinya suami suaminya ayah ibu adik kakak pemilik""".split()
)
# Words before a name that are no part of it: honorifics and police abbreviations news writes in
# many spellings ("Kyai Ageng", "Komjen Pol Badrodin").
HONORIFIC_VARIANTS = frozenset("pol kyai kiai nyai ki mbah gus haji hj syekh".split())
_MINISTER = re.compile(MINISTER_ABBREVIATION)
# Rules whose one-word names are known, not guessed: they are kept at a sentence's start.
KNOWN = frozenset(
    {"gazetteer_org", "gazetteer_region", "gazetteer_city", "gazetteer_acronym", "initials", "org_acronym", "dateline"}
)


@Language.factory(
    "sorot_consistency", default_config={"name_parts": True, "acronyms": True, "gazetteer": gazetteer_config()}
)
def make_consistency(nlp: Language, name: str, name_parts: bool, acronyms: bool, gazetteer: Gazetteer) -> Consistency:
    for key, value in (("name_parts", name_parts), ("acronyms", acronyms)):
        if not isinstance(value, bool):
            raise ValueError(f"[{name}] {key} must be true or false, got {value!r}")
    return Consistency(gazetteer, name_parts, acronyms)


class Consistency:
    def __init__(self, gazetteer: Gazetteer, name_parts: bool = True, acronyms: bool = True) -> None:
        self.gaz = gazetteer
        self.name_parts = name_parts
        self.acronyms = acronyms

    def __call__(self, doc: Doc) -> Doc:
        words = token_texts(doc)
        layout = read_layout(doc)
        cands = self._fit(doc, candidates(doc), words, layout)
        taken: dict[int, Span] = {}
        picked = self._select([s for s in cands if rank(s)[0] == STRONG], taken)
        if self.acronyms:
            picked += self._acronyms(doc, words, picked, taken)
        picked += self._propagate(doc, words, picked, taken, "consistency")
        weak = self._select([s for s in cands if rank(s)[0] == WEAK], taken)
        picked = [s for s in picked if taken.get(s.start) is s]  # drop spans a name took over
        picked += weak
        picked += self._propagate(doc, words, weak, taken, "weak_consistency")
        spans = sorted({(s.start, s.end): s for s in picked if taken.get(s.start) is s}.values(), key=lambda s: s.start)
        spans = self._lists(doc, words, self._clubs(doc, words, self._whole_persons(doc, words, spans)))
        doc.ents = self._headline_counts(doc, words, layout, self._numbers_by_names(doc, words, spans))
        return doc

    def _whole_persons(self, doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """A person's name in one span: two persons side by side are one ("Marc Anthony" "Klok"),
        and an unknown capitalised word just before a one-word person is its first name ("Ahed" of
        "Ahed Tamimi"), unless it is a word, a place, a title, an honorific or another name."""
        covered = {i for s in spans for i in range(s.start, s.end)}
        out: list[Span] = []
        for span in spans:
            if span.label_ != "PERSON":
                out.append(span)
                continue
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.label_ == "PERSON"
                and prev.end == span.start
                and span.end - prev.start <= MAX_PERSON_TOKENS
            ):
                out[-1] = Span(doc, prev.start, span.end, label="PERSON", span_id=prev.id_)
                continue
            a = span.start
            w = words[a - 1] if a > 0 else ""
            if (
                a > 0
                and len(span) == 1
                and a - 1 not in covered
                and not _MINISTER.match(w)
                and w.lower() not in HONORIFIC_VARIANTS
                and is_name_text(w)
                and not self.gaz.is_word(w)
                and not self.gaz.is_place(w)
                and w.lower() not in TITLE_WORDS
                and w.lower() not in DESCRIPTOR_WORDS  # "Menteri Luar Negeri Retno"
                and w.lower() not in NAME_KINDS
                and w.lower() not in STOP_WORDS
            ):
                span = Span(doc, a - 1, span.end, label="PERSON", span_id=span.id_)
            out.append(span)
        return out

    def _headline_counts(self, doc: Doc, words: list[str], layout: Layout, spans: list[Span]) -> list[Span]:
        """A headline capitalises the noun a count counts: "Dua Anggota Brimob ...", "Ratusan Rumah
        Rusak ..." count "Anggota" and "Rumah" as the body does in lower case."""
        starts = {s.start for s in spans}
        out = []
        for span in spans:
            e = span.end
            if (
                span.label_ == "CARDINAL"
                and len(span) == 1
                and span.text.isalpha()
                and e < len(words)
                and e not in starts
                and words[e][:1].isupper()
                and self.gaz.is_word(words[e])
                and layout.in_headline(span.start, e + 1)
            ):
                span = Span(doc, span.start, e + 1, label="CARDINAL", span_id=span.id_)
            out.append(span)
        return out

    @staticmethod
    def _bracket_tables(doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """A run of "Name (number)" items ("Porto (17), Leverkusen (15), Schalke 04 (14)") is one
        table: when one of its names is a body, they all are, with a count each."""
        n = len(words)
        by_start = {s.start: s for s in spans}
        by_end = {s.end: s for s in spans if s.label_ in NAME_LABELS}
        covered = {i for s in spans for i in range(s.start, s.end) if s.label_ in NAME_LABELS}
        tables: list[list[tuple[int, int, int]]] = []  # (name start, name end, "(" index)
        run: list[tuple[int, int, int]] = []
        for p in range(1, n - 2):
            if words[p] != "(" or not words[p + 1].isdigit():
                continue
            close = p + 2 if words[p + 2] == ")" else p + 3 if p + 3 < n and words[p + 3] == ")" else 0
            if not close:
                continue
            name = by_end.get(p)
            a = name.start if name is not None else p
            if name is None:
                while a > 0 and a - 1 not in covered and (is_name_text(words[a - 1]) or words[a - 1].isdigit()):
                    a -= 1
                while a < p and words[a].isdigit():
                    a += 1
            if a == p:
                run = []
                continue
            if run and not set(words[run[-1][2] + 1 : a]) <= {",", "dan"}:
                tables.append(run)
                run = []
            run.append((a, p, close))
        tables.append(run)
        out = {s.start: s for s in spans}
        for table in tables:
            labels = [by_end[p].label_ if p in by_end and by_end[p].start == a else None for a, p, _ in table]
            if len(table) < 3 or "ORG" not in labels:
                continue
            for (a, p, _), label in zip(table, labels, strict=True):
                if label != "ORG":
                    old = by_start.get(a)
                    if old is not None and old.end == p:
                        del out[a]
                    if not any(i in covered for i in range(a, p)) or (old is not None and old.end == p):
                        for k in range(a, p):  # "04" of "Schalke 04" is part of the name
                            if k in out and out[k].end <= p:
                                del out[k]
                        out[a] = Span(doc, a, p, label="ORG", span_id="club_table")
                num = by_start.get(p + 1)
                if num is not None and num.label_ == "QUANTITY":
                    out[num.start] = Span(doc, num.start, num.end, label="CARDINAL", span_id=num.id_)
        return sorted(out.values(), key=lambda s: s.start)

    def _numbers_by_names(self, doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """Numbers whose kind the names beside them tell, once the names are settled: a bracketed
        number after a person is an age ("Siyadi (68)"), after a club a count ("Lyon (14)"); in a
        match report points are counted ("22 poin"), not measured. An unmarked name with an age
        in brackets is a person ("milik Sunarti (44)")."""
        sport = not {w.lower() for w in words}.isdisjoint(SPORT_WORDS)
        spans = self._bracket_tables(doc, words, spans)
        ends = {s.end: s for s in spans if s.label_ in NAME_LABELS}
        covered = {i for s in spans for i in range(s.start, s.end)}
        out = []
        for span in spans:
            label = span.label_
            bracketed = (
                len(span) == 1
                and span.start >= 2
                and words[span.start - 1] == "("
                and span.end < len(words)
                and words[span.end] == ")"
            )
            if label in {"CARDINAL", "QUANTITY"} and bracketed and words[span.start].isdigit():
                before = ends.get(span.start - 1)
                k = span.start - 1
                while (
                    k > 0 and k - 1 not in covered and is_name_text(words[k - 1]) and not self.gaz.is_word(words[k - 1])
                ):
                    k -= 1
                if before is None and k < span.start - 1 and len(words[span.start]) <= 2:
                    person = Span(doc, k, span.start - 1, label="PERSON", span_id="person_age")
                    out.append(person)
                    ends[person.end] = person
                    before = person
                if before is not None:
                    label = "QUANTITY" if before.label_ == "PERSON" else "CARDINAL"
            elif label == "QUANTITY" and sport and words[span.end - 1].lower() == "poin":
                label = "CARDINAL"
            elif label == "ORDINAL" and span.end < len(words) and words[span.end].lower() == "besar":
                label = "CARDINAL"  # "urutan tiga besar": among the top three
            elif (
                label == "CARDINAL"
                and all(w.isalpha() and w[:1].isupper() for w in words[span.start : span.end])
                and not sentence_initial_word(words, span.start)
                and span.end < len(words)
                and is_name_text(words[span.end])
                and not self.gaz.is_word(words[span.end])
            ):
                continue  # "Lima Puluh Koto": number words inside a name
            out.append(span if label == span.label_ else Span(doc, span.start, span.end, label=label, span_id=span.id_))
        return sorted(out, key=lambda s: s.start)

    @staticmethod
    def _lists(doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """An enumeration of places keeps its guessed items places: in "Desa Sidoa, Alitupu, Wuasa,
        dan Dodolo" a model's PERSON "Alitupu" and the unmarked "Wuasa" are villages too.

        A list is three items or more, separated by commas, the last by "dan"; it counts as places
        when two of its items are known places (gazetteer, or a place word such as "Desa"), or the
        first has a place word, and none is a known person or body.
        """
        n = len(words)
        by_start = {s.start: s for s in spans}
        covered = {i for s in spans for i in range(s.start, s.end)}
        out = list(spans)
        i = 0
        while i < n:
            span = by_start.get(i)
            if span is None or span.label_ not in NAME_LABELS:
                i += 1
                continue
            items: list[tuple[int, int, Span | None]] = [(span.start, span.end, span)]
            k = span.end
            closed = False
            while k < n and not closed:
                j = k
                if j < n and words[j] == ",":
                    j += 1
                if j < n and words[j] == "dan":
                    j += 1
                    closed = True
                if j == k:
                    break
                nxt = by_start.get(j)
                if nxt is not None:
                    if nxt.label_ not in NAME_LABELS:
                        break
                    items.append((nxt.start, nxt.end, nxt))
                    k = nxt.end
                    continue
                e = j
                while e < n and e not in covered and is_name_text(words[e]) and e - j < 3:
                    e += 1
                ends_item = e >= n or words[e] in {",", ".", "dan", ";"} or (closed and not words[e][:1].isupper())
                if e == j or not ends_item:
                    break
                items.append((j, e, None))
                k = e
            if not closed or len(items) < 3:
                i = max(i + 1, k)
                continue
            known = [s for _, _, s in items if s is not None and s.id_ in KNOWN_PLACES]
            strong = [s for _, _, s in items if s is not None and s.label_ != "LOC" and s.id_ not in GUESSES]
            first = items[0][2]
            if (len(known) >= 2 or (first is not None and first.id_ == "loc_head")) and not strong:
                for a, b, s in items:
                    if s is None or s.label_ != "LOC":
                        if s is not None:
                            out.remove(s)
                        out.append(Span(doc, a, b, label="LOC", span_id="place_list"))
            i = k
        return sorted(out, key=lambda s: s.start)

    @staticmethod
    def _clubs(doc: Doc, words: list[str], spans: list[Span]) -> list[Span]:
        """Places that name a sport club made ORG: with a club word beside them ("Real Madrid",
        "Bali United"), and, in a report of a match, every mention of a place that stands where
        only a team can ("menghadapi Bordeaux", "gawang Muenchen", "Leicester menjuarai ...")."""
        n = len(words)
        starts = {s.start: s for s in spans}
        ends = {s.end: s for s in spans}
        out: list[Span] = []
        clubs: set[str] = set()
        skip: set[int] = set()
        for span in spans:
            if span.start in skip:
                continue
            if span.label_ in NAME_LABELS and len(span) >= 2 and words[span.start] in CLUB_BEFORE:
                clubs.add(span[1:].text)
                if span.label_ != "ORG":  # "Olympique Lyon" read as a person
                    out.append(Span(doc, span.start, span.end, label="ORG", span_id="club"))
                    continue
            if span.label_ == "LOC" and len(span) >= 2 and (words[span.end - 1] in CLUB_AFTER):
                out.append(Span(doc, span.start, span.end, label="ORG", span_id="club"))  # "Bali United"
                continue
            if span.label_ == "LOC":
                a, b = span.start, span.end
                if a > 0 and words[a - 1] in CLUB_BEFORE and a - 1 not in ends:
                    clubs.add(span.text)
                    a -= 1
                if b < n and words[b] in CLUB_AFTER:
                    nxt = starts.get(b)
                    if nxt is None or (nxt.end == b + 1):
                        if nxt is not None:
                            skip.add(nxt.start)
                        b += 1
                if (a, b) != (span.start, span.end):
                    if out and out[-1].end > a:
                        out.pop()
                    out.append(Span(doc, a, b, label="ORG", span_id="club"))
                    continue
            out.append(span)
        lower = {w.lower() for w in words}
        if lower & SPORT_WORDS:
            for span in out:
                if span.label_ != "LOC":
                    continue
                before = words[span.start - 1].lower() if span.start > 0 else ""
                after = words[span.end].lower() if span.end < n else ""
                if before in CLUB_BEFORE_CUES or after in CLUB_AFTER_CUES:
                    clubs.add(span.text)
        if not clubs:
            return out
        return [
            Span(doc, s.start, s.end, label="ORG", span_id="club") if s.label_ == "LOC" and s.text in clubs else s
            for s in out
        ]

    def _fit(self, doc: Doc, cands: list[Span], words: list[str], layout: Layout) -> list[Span]:
        """The candidates as the text's layout and vocabulary allow them.

        A span is cut where a paragraph or headline ends; a dateline's city and outlet replace
        whatever overlaps them; a headline's capitalised words are names only where the body or
        the gazetteer confirms them (the body's names reach the headline later, by propagation);
        an everyday abbreviation or regulation, and an ordinary word capitalised at a sentence's
        start or written in lower case elsewhere in the text, name nothing.
        """
        lowered = {w for w in words if w.islower()}
        law = _law_names(words)
        cands = self._persons(doc, cands, words)
        cands = self._short_bodies(doc, cands, words)
        fitted: list[Span] = []
        for cand in cands:
            for start, end, label in self._pieces(cand, words, layout):
                span = cand
                if (start, end, label) != (cand.start, cand.end, cand.label_):
                    span = Span(doc, start, end, label=label, span_id=cand.id_)
                if span.label_ in NAME_LABELS and not self._names_something(span, words, layout, lowered, law):
                    continue
                fitted.append(span)
        for start, end, label in layout.dateline:
            fitted = [s for s in fitted if s.end <= start or s.start >= end or (s.start, s.end) == (start, end)]
            fitted.append(Span(doc, start, end, label=label, span_id="dateline"))
        return fitted

    def _pieces(self, span: Span, words: list[str], layout: Layout) -> list[tuple[int, int, str]]:
        """``span`` cut at paragraph and headline ends, without whitespace at either edge; a name
        candidate also without an ordinary word opening a sentence ("Penalti Neymar"), and split
        where a title or rank sits inside it ("Metro Bekasi Kombes Asep Adi Saputra")."""
        pieces = []
        begin = span.start
        for i in range(span.start, span.end + 1):
            if i == span.end or i in layout.breaks:
                a, b = begin, i
                while a < b and not words[a].strip():
                    a += 1
                while b > a and not words[b - 1].strip():
                    b -= 1
                if a < b:
                    pieces.append((a, b, span.label_))
                begin = i + 1
        if span.label_ not in NAME_LABELS or span.id_ in KNOWN:
            return pieces
        out = []
        for a, b, label in pieces:
            if b - a >= 2 and words[a] == "kota" and a > 0 and words[a - 1].lower() == "ibu":
                a += 1  # "ibu kota Israel": the capital of Israel
            if b - a >= 2 and words[a] in NOT_NAMES:
                a += 1  # "IHSG BEI": the index, then the exchange
            if label == "PERSON":
                # "Fadli Zon NPWP 09.468.771.2-009.000": a person's name ends before an everyday
                # abbreviation or a number.
                b = next((k for k in range(a + 1, b) if words[k] in NOT_NAMES or _has_digit(words[k])), b)
                if b - a > MAX_PERSON_TOKENS:
                    continue  # a run of capitalised words longer than any name is no name
            if label == "ORG" and b - a >= 4:
                b2 = self._province_tail(a, b, words)
                if b2 is not None:  # "Polres Ogan Komering Ulu Sumatera Selatan"
                    out.extend(self._split_at_title(a, b2, label, words))
                    out.append((b2, b, "LOC"))
                    continue
            if b - a >= 2 and span.id_ in MODEL_RULES and sentence_initial_word(words, a):
                low = words[a].lower()
                if (
                    self.gaz.is_word(low)
                    and low not in NAME_KINDS
                    and low not in TITLE_WORDS
                    and is_name_text(words[a + 1])
                    # "Budi Santoso mengatakan": a given name that is also a word starts the person.
                    and not (label == "PERSON" and words[a] in self.gaz.given_words)
                ):
                    a += 1
            for a2, b2, label2 in self._split_at_title(a, b, label, words):
                out.extend(
                    self._split_at_given_name(a2, b2, label2, words)
                    if span.id_ in MODEL_RULES or span.id_ == "person_title"
                    else [(a2, b2, label2)]
                )
        return out

    def _province_tail(self, a: int, b: int, words: list[str]) -> int | None:
        """Where a province closes a unit named by its regency ("Polres Ogan Komering Ulu Sumatera
        Selatan"): the province is a place of its own. None when there is no such tail."""
        if words[a].lower() not in UNIT_HEADS:
            return None
        for k in range(a + 2, b - 1):
            tail = tuple(words[k:b])
            if any(key == tail and rule == "gazetteer_region" for key, _, rule in self.gaz.names.get(words[k], ())):
                return k
        return None

    def _split_at_given_name(self, a: int, b: int, label: str, words: list[str]) -> list[tuple[int, int, str]]:
        """A known place or body run together with the person after it ("Presiden Amerika Serikat
        Donald Trump", "Sekjen PBB Antonio Guterres"): the place or body, then the person, who
        starts with a given name."""
        if label not in NAME_LABELS or b - a < 3:
            return [(a, b, label)]
        gaz = self.gaz
        for k in range(a + 1, b - 1):
            if words[k] not in gaz.given_names:
                continue
            rest = words[k:b]
            if not all(is_name_text(w) for w in rest) or any(gaz.is_word(w) for w in rest[1:]):
                continue
            head = tuple(words[a:k])
            known = gaz.acronyms.get(head[0]) if len(head) == 1 else None
            if known is None:
                known = next((lab for key, lab, _ in gaz.names.get(head[0], ()) if key == head), None)
            if known is None and self._club_name(head):
                known = "ORG"  # "Manajer Manchester United Jose Mourinho"
            if known is not None:
                return [(a, k, known), (k, b, "PERSON")]
        return [(a, b, label)]

    def _club_name(self, head: tuple[str, ...]) -> bool:
        """A club named by its town and a club word: "Manchester United", "Real Madrid"."""
        if len(head) != 2:
            return False
        first, second = head
        return (first in CLUB_BEFORE and self.gaz.is_place(second)) or (
            second in CLUB_AFTER_IN_OFFICE and self.gaz.is_place(first)
        )

    def _short_bodies(self, doc: Doc, cands: list[Span], words: list[str]) -> list[Span]:
        """The first word of a body named with an English tail, alone, is that body: "Amnesty"
        after "Amnesty International" is no person, whatever the model made of it."""
        heads = {
            words[s.start]
            for s in cands
            if s.label_ == "ORG"
            and s.end - s.start >= 2
            and words[s.end - 1] in ORG_TAILS
            and not self.gaz.is_word(words[s.start].lower())
        }
        if not heads:
            return cands
        return [
            Span(doc, s.start, s.end, label="ORG", span_id=s.id_)
            if s.end - s.start == 1 and words[s.start] in heads and s.label_ != "ORG"
            else s
            for s in cands
        ]

    def _persons(self, doc: Doc, cands: list[Span], words: list[str]) -> list[Span]:
        """A model's place or organisation that is a person's name made PERSON.

        A name (not a known place, with no word that makes it a place or a body) is a person's
        when it starts with a given name ("Stefano Lilipaly"), when a word of it is a person's
        name elsewhere in the document ("Lilipaly" after "Stefano Lilipaly"), or, for a place,
        when only a person fits beside it ("menurut Juda", "milik Siyadi (68)", "Juda
        mengatakan").
        """
        gaz = self.gaz
        n = len(words)

        def plain(span: Span) -> bool:
            ws = words[span.start : span.end]
            return (
                span.id_ in MODEL_RULES
                and span.label_ in {"ORG", "LOC"}
                and len(ws) <= 4
                and all(is_name_text(w) for w in ws)
                and not any(w.lower() in NAME_KINDS or w.lower() in TITLE_WORDS or gaz.is_place(w) for w in ws)
                and not gaz.names.get(ws[0])
            )

        def own(w: str) -> bool:
            return not gaz.is_word(w) and not gaz.is_place(w) and w.lower() not in STOP_WORDS

        plains = {i for i, span in enumerate(cands) if plain(span)}
        persons = [s for s in cands if s.label_ == "PERSON" and rank(s)[0] == STRONG]
        # Words of full names; a one-word person (often a model's guess) only vouches for places.
        person_words = {w for s in persons if len(s) >= 2 for w in words[s.start : s.end] if is_name_text(w) and own(w)}
        single_words = {words[s.start] for s in persons if len(s) == 1 and own(words[s.start])}
        relabel: dict[int, Span] = {}
        for i in sorted(plains):
            span = cands[i]
            rest = words[span.start + 1 : span.end]
            if i in plains and rest and words[span.start] in gaz.given_names and not any(gaz.is_word(w) for w in rest):
                relabel[i] = span
                person_words.update(w for w in words[span.start : span.end] if own(w))
        for i in sorted(plains):
            span = cands[i]
            if i in relabel:
                continue
            ws = words[span.start : span.end]
            before = words[span.start - 1].lower() if span.start > 0 else ""
            after = words[span.end].lower() if span.end < n else ""
            aged = (
                span.end + 2 < n
                and words[span.end] == "("
                and words[span.end + 1].isdigit()
                and words[span.end + 2] == ")"
            )
            after2 = words[span.end + 1].lower() if after == "," and span.end + 1 < n else after
            named = not any(gaz.is_word(w) for w in ws)
            if span.label_ == "LOC" and before in PLACE_PREPOSITIONS:
                continue  # "di Sky Pool", "ke Steam": somewhere, whoever else bears the word
            if (
                any(w in person_words for w in ws)
                or (before in PERSON_CUES_FOR_BODIES or aged)
                or (before == "bernama" and span.start > 1 and words[span.start - 2].lower() in NAMED_PEOPLE)
                or (len(ws) >= 2 and named and (after2 in REPORTING_VERBS or before in ATTRIBUTION_VERBS))
            ) or (
                span.label_ == "LOC"
                and (
                    before in PERSON_BEFORE_CUES
                    or after in REPORTING_VERBS
                    or aged
                    or any(w in single_words for w in ws)
                )
            ):
                relabel[i] = span
        if not relabel:
            return cands
        return [
            Span(doc, s.start, s.end, label="PERSON", span_id=s.id_) if i in relabel else s for i, s in enumerate(cands)
        ]

    @staticmethod
    def _split_at_title(a: int, b: int, label: str, words: list[str]) -> list[tuple[int, int, str]]:
        for k in range(a + 1, b):
            if words[k].lower() not in RANKS and words[k : k + 2] != ["Komisaris", "Besar"]:
                continue
            j = k
            while j < b and (words[j].lower() in TITLE_WORDS or words[j].lower() in ("besar", "pol", "polisi")):
                j += 1
            out = [(a, k, label)]
            if j < b and all(is_name_text(w) for w in words[j:b]):
                out.append((j, b, "PERSON"))
            return out
        return [(a, b, label)]

    def _names_something(
        self, span: Span, words: list[str], layout: Layout, lowered: set[str], law: AbstractSet[int] = frozenset()
    ) -> bool:
        first = words[span.start]
        if first in REGULATIONS or (span.end - span.start == 1 and first in NOT_NAMES) or first in EVENT_WORDS:
            return False
        if span.start > 0 and (words[span.start - 1].lower() in NOT_NAME_AFTER or span.start in law):
            return False
        if _glued_to_prefix(span, words):
            return False  # "antar-Korea", "anti-Israel", "pro-Rusia": a word made from the name
        if span.id_ in KNOWN:
            return True
        if layout.in_headline(span.start, span.end):
            return False
        if span.end - span.start == 1 and first.lower() in lowered and not is_acronym_text(first):
            return False  # "Pansus ..." and later "pansus": a word, not a name
        if span.end - span.start == 1 and sentence_initial_word(words, span.start) and self.gaz.is_word(first):
            return is_acronym_text(first)  # "Jenazah", "Terbaru", "Modus" opening a sentence
        return True

    @staticmethod
    def _select(spans: list[Span], taken: dict[int, Span]) -> list[Span]:
        """Longest first, then the rule's priority, then the earliest; never overlapping."""
        chosen = []
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), -rank(s)[1], s.start)):
            if any(i in taken for i in range(span.start, span.end)):
                continue
            for i in range(span.start, span.end):
                taken[i] = span
            chosen.append(span)
        return chosen

    @staticmethod
    def _claim(
        doc: Doc,
        start: int,
        end: int,
        label: str,
        rule: str,
        taken: dict[int, Span],
        overridable: frozenset[str] = OVERRIDABLE,
    ) -> Span | None:
        """Label ``doc[start:end]`` unless a span that may not be overridden is in the way."""
        in_way = {id(taken[i]): taken[i] for i in range(start, end) if i in taken}
        for span in in_way.values():
            if span.id_ not in overridable or span.start < start or span.end > end:
                return None
        for span in in_way.values():
            for i in range(span.start, span.end):
                del taken[i]
        new = Span(doc, start, end, label=label, span_id=rule)
        for i in range(start, end):
            taken[i] = new
        return new

    def _acronyms(self, doc: Doc, words: list[str], picked: list[Span], taken: dict[int, Span]) -> list[Span]:
        added = []
        # "Komisi Pemberantasan Korupsi (KPK)": the bracketed short form of a name.
        for span in picked:
            end = span.end
            if end + 2 >= len(words) or words[end] != "(" or words[end + 2] != ")" or span.label_ not in NAME_LABELS:
                continue
            short = words[end + 1]
            if short[:1] == words[span.start][:1] and (is_acronym_text(short) or is_name_text(short)):
                if end + 1 not in taken:
                    new = self._claim(doc, end + 1, end + 2, span.label_, "initials", taken)
                    if new is not None:
                        added.append(new)
        # Initials of a multi-word place or organisation of this document: "AS" after
        # "Amerika Serikat". Initials shared by names of different labels are left alone.
        by_initials: dict[str, set[str]] = {}
        for span in picked:
            if span.label_ in {"LOC", "ORG"} and len(span) >= 2:
                letters = "".join(w[0] for w in words[span.start : span.end] if w[0].isupper())
                if len(letters) >= 2:
                    by_initials.setdefault(letters, set()).add(span.label_)
        if not by_initials:
            return added
        for i, word in enumerate(words):
            labels = by_initials.get(word)
            if labels and len(labels) == 1 and is_acronym_text(word) and i not in taken:
                new = self._claim(doc, i, i + 1, next(iter(labels)), "initials", taken)
                if new is not None:
                    added.append(new)
        return added

    def _keys(self, texts: list[str], spans: list[Span]) -> dict[tuple[str, ...], str]:
        """Word sequences of ``spans`` (token ``texts`` of the doc) and name parts -> their label."""
        full: dict[tuple[str, ...], set[str]] = {}
        parts: dict[tuple[str, ...], set[str]] = {}
        for span in spans:
            if span.label_ not in NAME_LABELS:
                continue
            words = tuple(texts[span.start : span.end])
            full.setdefault(words, set()).add(span.label_)
            if self.name_parts and span.label_ == "PERSON":
                # "Joko Widodo" -> "Widodo"; "Lee Jae Myung" -> "Jae Myung", "Myung".
                for k in range(1, len(words)):
                    tail = words[k:]
                    if all(w[:1].isupper() for w in tail) and tail[0].lower() not in STOP_WORDS:
                        parts.setdefault(tail, set()).add("PERSON")
                # Indonesian news also shortens to the first name ("Firli Bahuri" -> "Firli"),
                # unless that is a word ("Yang", "Budi") that may stand for itself.
                first = words[0]
                if len(words) > 1 and not self.gaz.is_word(first) and first.lower() not in STOP_WORDS:
                    parts.setdefault((first,), set()).add("PERSON")
        keys = {}
        for words, labels in parts.items():
            if len(labels) == 1:
                keys[words] = "PERSON"
        for words, labels in full.items():
            # A full name's own label beats a name part ("Jordan" the country vs "Michael
            # Jordan"), and a string with two labels in the same document is left alone.
            if len(labels) == 1:
                keys[words] = next(iter(labels))
            else:
                keys.pop(words, None)
        for span in spans:
            if span.id_ == "person_initials":  # "berinisial SD": SD is that person all along
                keys[tuple(texts[span.start : span.end])] = "PERSON"
        return keys

    def _propagate(
        self, doc: Doc, words: list[str], source: list[Span], taken: dict[int, Span], rule: str
    ) -> list[Span]:
        keys = self._keys(words, source)
        if not keys:
            return []
        longest = min(_MAX_KEY, max(len(k) for k in keys))
        initials = {(words[s.start],) for s in source if s.id_ == "person_initials"}
        first_words = {k[0] for k in keys}
        added = []
        i = 0
        while i < len(words):
            step = 1
            word = words[i]
            if word in first_words and (is_name_text(word) or is_acronym_text(word)):
                for n in range(min(longest, len(words) - i), 0, -1):
                    label = keys.get(tuple(words[i : i + n]))
                    if label is None:
                        continue
                    current = taken.get(i)
                    if current is not None and current.start == i and current.end == i + n and current.label_ == label:
                        step = n
                        break
                    over = OVER_INITIALS if n == 1 and (word,) in initials else OVERRIDABLE
                    new = self._claim(doc, i, i + n, label, rule, taken, over)
                    if new is not None:
                        added.append(new)
                        step = n
                    break
            i += step
        return added


def _law_names(words: list[str]) -> set[int]:
    """Token indexes of the bodies a law is named after: "UU KPK", "UU MPR, DPD, DPR dan DPRD"."""
    found: set[int] = set()
    n = len(words)
    for i, word in enumerate(words):
        if word not in REGULATIONS or i + 1 >= n or not is_acronym_text(words[i + 1]):
            continue
        found.add(i + 1)
        k = i + 2
        listed = False
        while k + 1 < n and words[k] in {",", "dan"} and is_acronym_text(words[k + 1]):
            listed = listed or words[k] == ","
            if words[k] == "dan" and not listed:
                break
            found.add(k + 1)
            k += 2
    return found
