"""Hand-written Indonesian rules for persons, organisations and places.

Titles before a name, apposition after one, organisation and place head words, acronyms in
apposition, and the subject of a reporting verb. The rules are about how Indonesian news writes
names; they hold no names themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.attrs import LOWER  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.lang.id.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from tui.core.bodies import CLUB_AFTER_IN_OFFICE, ORG_TAILS
from tui.core.nlp.candidates import (
    CANDIDATES,
    STRONG,
    add_candidate,
    candidates,
    is_acronym,
    is_name_token,
    rank,
    sentence_initial,
    token_texts,
)
from tui.core.nlp.gazetteer import Gazetteer, gazetteer_config

# Titles and roles written before a name ("Presiden Joko Widodo", "Menteri Luar Negeri Retno
# Marsudi"); the title is never part of the PERSON span. Longest title wins.
TITLES = """
presiden; wakil presiden; wapres; mantan presiden; presiden terpilih
perdana menteri; pm; wakil perdana menteri; menteri; wakil menteri; wamen; menteri luar negeri;
menteri dalam negeri; menteri koordinator; menko; menlu; menhan; mendagri; menkeu; menkes
pemimpin; pemimpin tertinggi; pemimpin agung; kanselir; raja; ratu; pangeran; putri mahkota;
putra mahkota; sultan; kaisar; emir; syekh; paus; uskup; uskup agung; kardinal; imam besar
gubernur; wakil gubernur; wagub; bupati; wakil bupati; wali kota; walikota; wakil wali kota;
camat; lurah; kepala desa; gubernur jenderal
ketua; ketua umum; ketum; wakil ketua; wakil ketua umum; sekretaris; sekretaris jenderal; sekjen;
sekretaris negara; mensesneg; sekretaris kabinet; seskab; bendahara; direktur; direktur utama; dirut; direktur jenderal;
dirjen; direktur eksekutif; komisaris; komisaris utama; presiden direktur; manajer;
rektor; dekan; profesor; prof; guru besar; dokter; dr
jenderal; letnan jenderal; letjen; mayor jenderal; mayjen; brigadir jenderal; brigjen; kolonel;
letnan kolonel; letkol; kapten; laksamana; marsekal; panglima; komandan; kapolri; kapolda;
kapolres; kapolsek; kabareskrim; inspektur jenderal; irjen; komisaris besar; kombes; ajun
komisaris besar polisi; akbp; kepala staf
kepala; anggota; anggota dewan
jaksa agung; jaksa; hakim; hakim ketua; hakim agung; juru bicara; jubir; duta besar; dubes;
senator; kuasa hukum; pengacara; penasihat; penasihat keamanan nasional
komisaris jenderal; komjen
kasat; kasat reskrim; kasat narkoba; kasat lantas; kasatreskrim; kapolresta; kapolrestabes; kanit; kasubdit;
kabid; kabid humas; kadiv; kadiv humas; kabag; kasubag; danramil; dandim; danrem; pangdam; kapuspen
bapak; ibu; pak; bu; tuan; nyonya; ny; nona; saudara; sdr; ustaz; ustadz; kiai; habib; pendeta; pastor
pelatih; kapten tim; ceo; pendiri; analis; pengamat; peneliti; ekonom; aktor; aktris; penyanyi
"""
TITLES_LIST = sorted({t.strip() for line in TITLES.split("\n") for t in line.split(";") if t.strip()})
# The first word of each title: a span starting with one holds a title ("Kanselir Jerman").
TITLE_FIRST_WORDS = frozenset(title.split()[0] for title in TITLES_LIST)
# Titles that are everyday nouns in lower case ("kepala" = head, "anggota" = member): titles
# only when capitalised ("Kepala Badan Pusat Statistik ...").
CAPITALISED_TITLES = frozenset({"kepala", "anggota"})
# Honorifics are followed by the name straight away ("Pak Budi"), never by an office.
HONORIFICS = frozenset("bapak ibu pak bu tuan nyonya ny nona saudara sdr".split())
# Words after which capital letters are a person's initials, as police reports give suspects and
# victims: "berinisial AR", "inisial MS dan HT", "saudara KR".
INITIALS_BEFORE = frozenset("berinisial inisial saudara sdr".split())
# Ministers are also called by a "Men-" abbreviation of their portfolio: Mendagri, Menkeu, Mensos.
MINISTER_ABBREVIATION = r"^Men[a-z]{2,7}$"
_MINISTER = re.compile(MINISTER_ABBREVIATION)

# Words that follow a title as part of the office, not of the name: "Menteri Keuangan",
# "Jaksa Agung Muda", "Presiden Republik". Nouns ending in -an that are ordinary words
# (Keuangan, Pertahanan, Kesehatan) are recognised from the lexicon instead of listed.
DESCRIPTOR_WORDS = frozenset(
    """luar dalam negeri umum utama agung tertinggi besar muda madya koordinator bidang negara
    daerah pusat provinsi kabupaten kota agama sosial hukum energi pariwisata utara selatan barat
    timur tengah tenggara laut daya raya republik kerajaan federal nasional internasional eksekutif
    senior interim sementara terpilih baru bersama pertama kedua urusan staf tim investasi
    keamanan pertahanan perdagangan pol polisi""".split()
)

# Head words that start an organisation's name ("Universitas Gadjah Mada", "Bank Indonesia").
ORG_HEADS = """
universitas; institut; sekolah tinggi; politeknik; akademi; fakultas; kementerian; departemen;
partai; bank; badan; komisi; dewan; lembaga; majelis; mahkamah; pengadilan; pengadilan negeri;
pengadilan tinggi; kejaksaan; kejaksaan agung; kepolisian; kantor berita; media; harian; koran;
surat kabar; rumah sakit; yayasan; asosiasi; persatuan; perhimpunan; ikatan; federasi; organisasi;
komite; komando; direktorat; dinas; angkatan; tentara; korps; markas besar; gerakan; bursa;
front; koalisi; serikat; himpunan; konfederasi; perusahaan; grup; pt; cv; biro; balai;
otoritas; badan usaha; konsorsium; kongres; parlemen; senat; kabinet; kedutaan besar; kedubes;
konsulat; konsulat jenderal; sekretariat; brigade; divisi; batalion; satuan; pasukan khusus;
pansus; panitia khusus; posko; sma; smp; smk; rs; rsud; rsup; madrasah
"""
# Police, military and government units, named by their region: "Polda Jatim", "Polres Metro
# Bekasi", "Pemkab Kendal", "DPRD Riau", "Ditreskrimsus Polda Riau", "Satgas Damai Cartenz".
UNIT_HEADS = frozenset(
    """polda polres polresta polrestabes polsek polairud brimob densus bareskrim ditreskrimsus
    ditreskrimum ditresnarkoba ditlantas satreskrim satresnarkoba satlantas satpol satgas pemprov
    pemkab pemkot pemda dprd setwan kodam korem kodim koramil lanud lantamal kejati kejari bpbd
    bappeda kpud kanwil disdik dishub dinkes dispenda bapenda""".split()
)
ORG_HEADS_LIST = sorted(
    {t.strip() for line in ORG_HEADS.split("\n") for t in line.split(";") if t.strip()} | UNIT_HEADS
)
# Unit heads written as acronyms: with their region they are one organisation ("DPRD Riau",
# "BPBD Kabupaten Jember"), as the organisation heads above are with theirs ("Polda Jatim").
ACRONYM_HEADS = frozenset({"DPRD", "BPBD", "KPUD", "PEMPROV", "PEMKAB", "PEMKOT"})
# National police, military and election bodies, named without a region ("dua anggota Brimob",
# "KPU dan Bawaslu"): bodies wherever they stand.
NATIONAL_UNITS = frozenset(
    """Brimob Densus Bareskrim Kopassus Kostrad Paspampres Basarnas Bawaslu DKPP Polri TNI Babinsa
    Bhabinkamtibmas""".split()
)
# Schools and hospitals by their abbreviated kind are bodies: "SMA Taruna Nusantara", "RS Kramat Jati".
INSTITUTION_ACRONYMS = frozenset({"SMA", "SMP", "SMK", "RS", "RSUD", "RSUP"})
# Heads that with a bare place name describe rather than name: "Tentara Rwanda" is Rwanda's army,
# "Media Jepang" its press; "Bank Indonesia" and "Universitas Indonesia" are names.
DESCRIPTIVE_HEADS = frozenset({"tentara", "media", "pasukan khusus", "angkatan"})
# Heads of institutions that stand on their own: one inside another organisation's run starts a
# second organisation ("Fakultas Ekonomi" + "Universitas Indonesia").
INSTITUTION_HEADS = frozenset(
    "universitas institut partai kementerian fakultas politeknik akademi bank mahkamah pengadilan".split()
) | {"rumah"}  # "Rumah Sakit"
# Words that start a reference after an organisation ("Departemen Sosial RI No. 25").
REFERENCE_WORDS = frozenset({"No", "Nomor", "Tahun", "Pasal", "Ayat", "Bab", "Nomer"})


# Head words that start a place name ("Pulau Jawa", "Kabupaten Bogor", "Laut China Selatan").
LOC_HEADS = frozenset(
    """provinsi kabupaten kota kecamatan desa kelurahan dusun kampung pulau kepulauan gunung
    pegunungan sungai danau selat laut teluk tanjung semenanjung lembah samudra samudera benua
    jalan jl jln jazirah terusan jalur pelabuhan bandara prefektur sesar lempeng""".split()
)
# Buildings and venues named with their kind are places ("Masjid Falatehan", "Hotel Alila",
# "Puskesmas Silo 2"; GUIDELINES.md of training/realnews); a small number may end the name.
BUILDING_HEADS = frozenset(
    """masjid mesjid musala mushola gereja pura vihara klenteng gedung stadion sirkuit gelanggang
    arena hotel puskesmas bandara terminal stasiun museum istana monumen""".split()
)
LOC_HEADS = LOC_HEADS | BUILDING_HEADS
# Street words head an address even in lower case ("di jalan Medan Merdeka Barat"), as do valleys
# ("lembah Palu").
LOWERCASE_LOC_HEADS = frozenset({"jalan", "jl", "jln", "lembah"})

# Descriptive nouns that an acronym in apposition names ("Kantor berita Jepang, NHK, ...").
APPOSITION_NOUNS = frozenset(
    """media kantor berita surat kabar harian koran stasiun televisi radio situs portal lembaga
    badan perusahaan organisasi kelompok partai agensi otoritas layanan operator maskapai
    produsen pabrikan""".split()
)

# Words after a speaker's name, where an office of more words would not go on ("... Johan Budi
# di Jakarta"; not "Kepala Bidang Informasi Gempa Bumi dan ...").
AFTER_SPEAKER = frozenset("di dalam kepada saat ketika usai seusai pada".split())
# Words of saying before the speaker's title: "kata Juru Bicara ...", "menurut Kepala ...".
SPEECH_BEFORE_TITLE = frozenset("kata ujar ungkap tutur jelas tambah imbuh tegas lanjut menurut".split())

REPORTING_VERBS = frozenset(
    """mengatakan menyatakan mengkonfirmasi mengonfirmasi melaporkan menyebutkan menyebut menegaskan
    mengungkapkan menjelaskan menambahkan berkata berpendapat menilai mengklaim membantah menuturkan
    memastikan mengumumkan mengakui menekankan memperingatkan menuding menuduh mengkritik menolak
    meminta mendesak menanggapi menyerukan mengecam menyampaikan""".split()
)
# Verbs that follow a quotation and precede the speaker: "..., kata Budi."
ATTRIBUTION_VERBS = frozenset("kata ujar tutur ungkap imbuh tegas sebut".split())
# Adverbs allowed between a subject and its reporting verb ("Widodo juga mengatakan").
SUBJECT_ADVERBS = frozenset("juga pun telah sudah kemudian lalu sebelumnya sendiri pernah akan masih bahkan".split())
# Words after which a new clause (and so a new subject) starts.
CLAUSE_OPENERS = frozenset(
    "bahwa dan namun tetapi sedangkan sementara kemudian lalu karena sehingga jika ketika saat".split()
)

# The relative marker "yang" cannot stand before a capitalised name, so a sentence that starts
# "Yang" + name is a name beginning with Yang (a common East Asian family name); other stop words
# at the start ("Menurut Budi, ...") are function words and are dropped from the name.
_NAME_STOP_WORDS_KEPT = frozenset({"yang"})

_QUOTES = frozenset({'"', "“", "”", "'", "‘", "’"})
ROMAN_NUMERALS = frozenset("I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split())

VALID_SUBJECT_LABELS = ("ORG", "PERSON", "NONE")


@Language.factory(
    "sorot_names",
    default_config={"unknown_subject": "PERSON", "max_name_tokens": 4, "gazetteer": gazetteer_config()},
)
def make_names(nlp: Language, name: str, unknown_subject: str, max_name_tokens: int, gazetteer: Gazetteer) -> NameRules:
    if unknown_subject not in VALID_SUBJECT_LABELS:
        raise ValueError(f"[{name}] unknown_subject must be one of {VALID_SUBJECT_LABELS}, got {unknown_subject!r}")
    if not isinstance(max_name_tokens, int) or not 1 <= max_name_tokens <= 8:
        raise ValueError(f"[{name}] max_name_tokens must be an integer from 1 to 8, got {max_name_tokens!r}")
    return NameRules(nlp, gazetteer, unknown_subject, max_name_tokens)


def phrase_table(phrases: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases of space-separated words, by their first word."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(phrase.split())
        table.setdefault(words[0], []).append(words)
    return table


def phrase_matches(words: list[str], table: dict[str, list[tuple[str, ...]]]) -> list[tuple[int, int]]:
    """``(start, end)`` of every occurrence of a phrase of ``table`` in ``words``, overlaps included.

    What a spaCy ``Matcher`` with one ``[{"LOWER": word}, ...]`` pattern per phrase finds in a doc
    whose lower-case token texts are ``words``, without trying every pattern at every token.
    """
    found = []
    n = len(words)
    for start, word in enumerate(words):
        for phrase in table.get(word, ()):
            end = start + len(phrase)
            if end <= n and (len(phrase) == 1 or tuple(words[start:end]) == phrase):
                found.append((start, end))
    return found


@dataclass
class _Known:
    """Strong candidates so far: where each starts and ends, and which tokens they cover."""

    end_at: dict[int, int]
    label_at: dict[int, str]
    span_at: dict[int, tuple[int, int, str]]
    """Any covered token -> (start, end, label) of the longest candidate covering it."""

    def is_place(self, k: int) -> bool:
        span = self.span_at.get(k)
        return span is not None and span[2] == "LOC"


class NameRules:
    def __init__(self, nlp: Language, gazetteer: Gazetteer, unknown_subject: str, max_name_tokens: int) -> None:
        self.gaz = gazetteer
        self.unknown_subject = unknown_subject
        self.max_name = max_name_tokens
        self.titles = phrase_table(TITLES_LIST)
        self.org_heads = phrase_table(ORG_HEADS_LIST)
        self.calendar = gazetteer.months | gazetteer.days

    # -- token tests -------------------------------------------------------------------------

    def _ordinary(self, tok: Token) -> bool:
        """An ordinary word, capitalised or not (lexicon, stop words, office words)."""
        low = tok.lower_
        return self.gaz.is_word(low) or low in STOP_WORDS or low in DESCRIPTOR_WORDS

    def _descriptor(self, doc: Doc, k: int, known: _Known) -> bool:
        """A capitalised word of an office rather than of a name: "Keuangan", "Luar", "Agung".

        Ordinary words name offices; but some given names are ordinary words too ("Budi",
        "Bambang"), and those are followed by an unknown name ("Budi Santoso").
        """
        tok = doc[k]
        if not is_name_token(tok):
            return False
        low = tok.lower_
        if low in DESCRIPTOR_WORDS or (low.endswith("an") and len(low) >= 6 and self.gaz.is_word(low)):
            return True
        if not self.gaz.is_word(low):
            return False
        nxt = doc[k + 1] if k + 1 < len(doc) else None
        return not (nxt is not None and is_name_token(nxt) and not self._ordinary(nxt) and not known.is_place(nxt.i))

    def _plain_name_word(self, tok: Token) -> bool:
        """A capitalised lexicon word that may be a given name: no office word ("Luar", "Agung"),
        no -an noun of a portfolio ("Keuangan", "Kepresidenan")."""
        low = tok.lower_
        return (
            is_name_token(tok)
            and low not in DESCRIPTOR_WORDS
            and not (low.endswith("an") and len(low) >= 6)
            and not low.endswith("si")  # "Informasi", "Komunikasi"
            and low not in STOP_WORDS
        )

    def _person_token(self, tok: Token) -> bool:
        return (
            is_name_token(tok)
            and tok.text not in self.calendar
            and tok.lower_ not in STOP_WORDS
            and tok.lower_ not in DESCRIPTOR_WORDS
        )

    def _org_token(self, tok: Token) -> bool:
        if tok.text in self.calendar or tok.text in REFERENCE_WORDS:
            return False
        return is_name_token(tok) or is_acronym(tok) or tok.text in ROMAN_NUMERALS or tok.text == "&"

    # -- the component -----------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        texts, lowers = token_texts(doc), token_texts(doc, LOWER)
        known = self._known_spans(doc)
        titles = self._titles(doc, known, lowers)
        self._trim_into_titles(doc, titles)
        known = self._known_spans(doc)
        title_end = {s: e for s, e in titles}
        in_title = {i for s, e in titles for i in range(s, e)}

        orgs = self._org_heads(doc, known, in_title, lowers)
        orgs += self._org_tails(doc, texts)
        locs = self._loc_heads(doc, known, in_title, lowers)
        appositions = self._acronym_appositions(doc, known, texts)
        # "Kantor berita Jepang, NHK, ...": the phrase before the acronym describes the
        # organisation, the acronym names it; the description is no entity of its own.
        apposition_commas = {k - 1 for k in appositions}
        orgs = [(s, e) for s, e in orgs if e not in apposition_commas]

        org_end = {s: e for s, e in orgs}
        persons: list[tuple[int, int, str]] = []
        for s, e in titles:
            found = self._name_after_title(doc, s, e, known, title_end, org_end, in_title)
            if found:
                persons.append((*found, "person_title"))
            elif s >= 1:
                found = self._name_before_title(doc, s, known, in_title)
                if found:
                    persons.append((*found, "person_apposition"))

        for s, e in orgs:
            add_candidate(doc, s, org_end.get(s, e), "ORG", "org_head")
        for s, e in locs:
            add_candidate(doc, s, e, "LOC", "loc_head")
        for k in appositions:
            add_candidate(doc, k, k + 1, "ORG", "org_acronym")
        for k, text in enumerate(texts):
            if text in NATIONAL_UNITS and k not in known.span_at:
                add_candidate(doc, k, k + 1, "ORG", "org_acronym")
        for s, e, rule in persons:
            add_candidate(doc, s, e, "PERSON", rule)
        for k in self._initials(texts, lowers):
            add_candidate(doc, k, k + 1, "PERSON", "person_initials")

        known = self._known_spans(doc)
        self._reporting_subjects(doc, known, in_title, lowers)
        self._attributions(doc, known, in_title, lowers)
        return doc

    @staticmethod
    def _initials(texts: list[str], lowers: list[str]) -> list[int]:
        """Initials standing for a person: "berinisial AS, BT dan CK", "saudara KR"."""
        found = []
        n = len(texts)
        for i, low in enumerate(lowers):
            if low not in INITIALS_BEFORE:
                continue
            k = i + 1
            while k < n and _is_initials(texts[k]):
                found.append(k)
                if k + 2 < n and texts[k + 1] in {",", "dan"} and _is_initials(texts[k + 2]):
                    k += 2
                elif k + 3 < n and texts[k + 1] == "," and texts[k + 2] == "dan" and _is_initials(texts[k + 3]):
                    k += 3
                else:
                    break
        return found

    @staticmethod
    def _known_spans(doc: Doc) -> _Known:
        end_at: dict[int, int] = {}
        label_at: dict[int, str] = {}
        span_at: dict[int, tuple[int, int, str]] = {}
        for span in candidates(doc):
            if rank(span)[0] != STRONG:
                continue
            start, end, label = span.start, span.end, span.label_
            if end - start > end_at.get(start, 0) - start:
                end_at[start] = end
                label_at[start] = label
            for k in range(start, end):
                old = span_at.get(k)
                if old is None or old[1] - old[0] < end - start:
                    span_at[k] = (start, end, label)
        return _Known(end_at, label_at, span_at)

    def _titles(self, doc: Doc, known: _Known, lowers: list[str]) -> list[tuple[int, int]]:
        spans = []
        for s, e in phrase_matches(lowers, self.titles):
            if lowers[s] in CAPITALISED_TITLES and not is_name_token(doc[s]):
                continue
            spans.append((s, e))
        for s, low in enumerate(lowers):
            # "Mendagri", "Menkeu"; not "Menurut" or "Menara", which are words.
            if low.startswith("men") and _MINISTER.search(doc[s].text) and not self._ordinary(doc[s]):
                spans.append((s, s + 1))
        spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
        out: list[tuple[int, int]] = []
        last_end = 0
        for s, e in spans:
            if s < last_end:
                continue
            span = known.span_at.get(s)
            if span is not None and span[0] < s:
                continue  # inside a known name
            # "ibu kota" is "capital city", not the honorific "Ibu".
            if doc[s].lower_ in {"ibu", "bapak"} and e < len(doc) and doc[e].lower_ == "kota":
                continue
            out.append((s, e))
            last_end = e
        return out

    @staticmethod
    def _trim_into_titles(doc: Doc, titles: list[tuple[int, int]]) -> None:
        """A known name that starts inside a title keeps only what follows the title.

        "Wali Kota Surabaya" -> "Surabaya": the title is never part of an entity.
        """
        in_title = {i: e for s, e in titles for i in range(s, e)}
        group = doc.spans.get(CANDIDATES)
        if group is None:
            return
        kept = []
        for span in group:
            title_end = in_title.get(span.start)
            if title_end is None:
                kept.append(span)
            elif span.end > title_end:
                kept.append(Span(doc, title_end, span.end, label=span.label_, span_id=span.id_))
        doc.spans[CANDIDATES] = kept

    def _org_heads(self, doc: Doc, known: _Known, in_title: set[int], lowers: list[str]) -> list[tuple[int, int]]:
        spans = sorted(phrase_matches(lowers, self.org_heads), key=lambda se: (se[0], -(se[1] - se[0])))
        head_starts = {s for s, _ in spans}
        out: list[tuple[int, int]] = []
        last_end = 0
        n = len(doc)
        for s, e in spans:
            head = doc[s]
            # Heads are capitalised ("Partai Demokrat", "PT Pertamina"); a head inside a known
            # place ("Amerika Serikat") or a title is no head.
            if s < last_end or s in known.span_at or s in in_title:
                continue
            if not (
                is_name_token(head) or head.text in {"PT", "CV"} or head.text in ACRONYM_HEADS | INSTITUTION_ACRONYMS
            ):
                continue
            j = e
            while j < n and j - e < 8 and j not in in_title:
                if j > e and j in head_starts and doc[j].lower_ in INSTITUTION_HEADS:
                    break
                if self._org_token(doc[j]):
                    j += 1
                elif _hyphen_join(doc, j):
                    j += 2  # "Soekarno-Hatta"
                elif (
                    doc[j].lower_ == "dan"
                    and j > e
                    and j + 1 < n
                    and is_name_token(doc[j + 1])
                    and j + 1 not in head_starts
                ):
                    j += 1  # "Badan Pengawas Obat dan Makanan", not "Dinas A dan Dinas B"
                else:
                    break
            if doc[j - 1].lower_ == "dan":
                j -= 1
            if j == e:
                continue
            head_text = doc[s:e].text.lower()
            if head_text in DESCRIPTIVE_HEADS and known.span_at.get(e, (0, 0, ""))[1:] == (j, "LOC"):
                continue
            out.append((s, j))
            last_end = j
        return out

    def _org_tails(self, doc: Doc, texts: list[str]) -> list[tuple[int, int]]:
        out = []
        for tail in [i for i, text in enumerate(texts) if text in ORG_TAILS and i > 0]:
            start = tail
            while start - 1 >= 0 and tail - start < 4 and self._org_token(doc[start - 1]):
                start -= 1
            while start < tail and self._drop_leading(doc, start, tail):
                start += 1
            if start < tail:
                out.append((start, tail + 1))
        return out

    def _loc_heads(self, doc: Doc, known: _Known, in_title: set[int], lowers: list[str]) -> list[tuple[int, int]]:
        out = []
        n = len(doc)
        i = 0
        while i < n:
            head = lowers[i] in LOC_HEADS and (is_name_token(doc[i]) or lowers[i] in LOWERCASE_LOC_HEADS)
            if (
                head
                and i not in in_title
                and i not in known.span_at
                and not (i > 0 and doc[i - 1].lower_ in {"ibu", "wali"})
            ):
                k = i + 1
                if k < n and doc[k].text == ".":  # "Jl. Sudirman"
                    k += 1
                j = k
                while j < n and j - k < 4 and doc[j].text not in self.calendar and doc[j].lower_ not in LOC_HEADS:
                    if is_name_token(doc[j]) or is_acronym(doc[j]) or (j > k and doc[j].text in ROMAN_NUMERALS):
                        j += 1
                    elif j > k and lowers[i] in BUILDING_HEADS and doc[j].is_digit and len(doc[j]) <= 2:
                        j += 1  # "Puskesmas Silo 2"
                    elif j > k and _hyphen_join(doc, j):
                        j += 2  # "Bandara Soekarno-Hatta"
                    else:
                        break
                # "Kota Metropolitan", "Laut Dalam Negeri": a head with only ordinary words
                # after it is a description ("Kabupaten Garut" is a known place, though).
                if j > k and any(
                    not self._ordinary(doc[m]) or m in known.span_at or self.gaz.is_place(doc[m].text)
                    for m in range(k, j)
                ):
                    out.append((i, j))
                    i = j
                    continue
            i += 1
        return out

    def _doc_place_initials(self, doc: Doc, known: _Known) -> set[str]:
        initials = set()
        for s, e in known.end_at.items():
            if known.label_at[s] == "LOC" and e - s >= 2:
                initials.add("".join(t.text[0] for t in doc[s:e] if t.text[0].isupper()))
        return initials

    def _acronym_appositions(self, doc: Doc, known: _Known, texts: list[str]) -> list[int]:
        """Acronyms set off by commas after a descriptive noun phrase: "Kantor berita Jepang, NHK, ..."."""
        out = []
        n = len(doc)
        place_initials = None
        for k in [k for k in range(2, n - 2) if texts[k - 1] == "," and texts[k + 1] == ","]:
            tok = doc[k]
            if not is_acronym(tok) or tok.text in ROMAN_NUMERALS or k in known.span_at:
                continue
            nxt = doc[k + 2]
            if not nxt.is_lower or nxt.lower_ in {"dan", "serta", "atau", "maupun"}:
                continue  # a list of items, not an apposition
            if tok.text in self.gaz.currency_codes or self.gaz.acronyms.get(tok.text) == "LOC":
                continue
            if place_initials is None:
                place_initials = self._doc_place_initials(doc, known)
            if tok.text in place_initials:
                continue
            # The description: up to five words before the comma holding a descriptive noun.
            window = doc[max(0, k - 6) : k - 1]
            if any(t.lower_ in APPOSITION_NOUNS for t in window):
                out.append(k)
        return out

    def _name_after_title(
        self,
        doc: Doc,
        s: int,
        e: int,
        known: _Known,
        title_end: dict[int, int],
        org_end: dict[int, int],
        in_title: set[int],
    ) -> tuple[int, int] | None:
        n = len(doc)
        i = e
        while i in title_end:  # "Bapak Presiden", "Wakil Ketua Umum"
            i = title_end[i]
        described = False
        plain: list[int] = []  # ordinary words taken as office words, in a row up to ``i``
        if doc[i - 1].lower_ not in HONORIFICS:
            place_used = False
            while i < n:
                span = known.span_at.get(i)
                if i in org_end and not place_used:
                    split = self._split_org_name(doc, i, org_end[i], known)
                    if split is not None:
                        org_end[i] = split  # "Ketua Umum Partai Golkar Airlangga Hartarto"
                    i = org_end[i]
                    place_used = described = True
                elif span is not None and not place_used and span[2] in {"LOC", "ORG"}:
                    i = span[1]
                    if i < n and (doc[i].text in CLUB_AFTER_IN_OFFICE):
                        i += 1  # "Manajer Manchester United Jose Mourinho": the club, then its manager
                    place_used = described = True
                elif (is_acronym(doc[i]) or self._descriptor(doc, i, known)) and i not in org_end:
                    plain = [*plain, i] if self._plain_name_word(doc[i]) else []
                    i += 1
                    described = True
                else:
                    break
        if described and i < n and doc[i].text == ",":
            i += 1  # "Perdana Menteri Inggris, Keir Starmer"
        j = self._name_run(doc, i, in_title, org_end)
        if j == i:
            # "Juru Bicara Kepresidenan Johan Budi di ...": two words of the lexicon that are also
            # names ("johan" = champion, "budi" = mind) ended the office and left no name; as the
            # last words before the clause goes on, they are the name.
            # Only where a speaker is named, for an office may be all lexicon words ("Kepala
            # Pusat Data Informasi").
            attributed = (s > 0 and doc[s - 1].lower_ in SPEECH_BEFORE_TITLE) or (
                i < n and doc[i].lower_ in REPORTING_VERBS
            )
            ends = i >= n or doc[i].text in {",", ".", '"', "”"} or doc[i].lower_ in AFTER_SPEAKER
            if attributed and ends and len(plain) >= 2 and plain[-1] == i - 1:
                return plain[-min(len(plain), 3)], i
            return None
        if j < n and self._descriptor(doc, j, known):
            return None  # "Jaksa Agung Muda Pidana Umum": still the office
        if j - i == 1 and j + 2 < n and doc[j].text == ",":
            # "Menko Polhukam, Djoko Suyanto": a one-word portfolio, then the name.
            k = self._name_run(doc, j + 1, in_title, org_end)
            if k - (j + 1) >= 2:
                return j + 1, k
        return i, j

    def _name_run(self, doc: Doc, i: int, in_title: set[int], org_end: dict[int, int]) -> int:
        """End of the run of name words starting at ``i`` ("Song Hye-kyo" included)."""
        n = len(doc)
        j = i
        words = 0
        while j < n and words < self.max_name and j not in in_title and j not in org_end:
            if self._person_token(doc[j]):
                j += 1
                words += 1
            elif (
                is_name_token(doc[j])
                and doc[j].lower_ in STOP_WORDS
                and not sentence_initial(doc[j])
                and j + 1 < n
                and self._person_token(doc[j + 1])
            ):
                # Capitalised in mid-sentence before another name, a stop word is a name:
                # "Lalu Muhammad Iqbal".
                j += 1
                words += 1
            elif j > i and _hyphen_join(doc, j):
                j += 2  # a hyphenated given name: "Hye-kyo"
            else:
                break
        return j

    def _split_org_name(self, doc: Doc, s: int, e: int, known: _Known) -> int | None:
        """Where an organisation run after a title ends and the person's name begins.

        "Ketua Komisi Pemberantasan Korupsi Firli Bahuri": an organisation's name is made of
        ordinary words, places and acronyms; unknown capitalised words after the last of those
        are the person's. With none to go by ("Partai Golkar Aburizal Bakrie"), a run of three
        words or more after the head leaves its last two to the name.
        """
        body = list(range(s + 1, e))

        def org_like(k: int) -> bool:
            tok = doc[k]
            return self._ordinary(tok) or is_acronym(tok) or tok.text in ROMAN_NUMERALS or k in known.span_at

        last_org = max((k for k in body if org_like(k)), default=None)
        if last_org is not None:
            # Unknown words between the last ordinary one and a name of at most three words
            # ("Badan Pusat Statistik Amalia Adininggar Widyasanti") still belong to the
            # organisation: loanwords are missing from the lexicon.
            split = max(last_org + 1, e - 3)
            return split if split < e else None
        if len(body) >= 3:
            return e - 2
        return None

    def _name_before_title(self, doc: Doc, s: int, known: _Known, in_title: set[int]) -> tuple[int, int] | None:
        """ "Budi Gunawan, Kepala Badan ..." -> the name before ", <title>"."""
        comma = s - 1
        if doc[comma].lower_ in {"seorang", "sang", "salah"} and comma >= 1:
            comma -= 1
        if doc[comma].text != ",":
            return None
        start = comma
        while start - 1 >= 0 and comma - start < self.max_name and is_name_token(doc[start - 1]):
            start -= 1
        while start < comma and self._drop_leading(doc, start, comma):
            start += 1
        if start == comma or any(k in known.span_at or k in in_title for k in range(start, comma)):
            return None
        if comma - start == 1 and self._ordinary(doc[start]):
            return None
        if start > 0 and (is_name_token(doc[start - 1]) or doc[start - 1].text in self.calendar):
            return None
        return start, comma

    def _drop_leading(self, doc: Doc, k: int, end: int) -> bool:
        """Leading words of a capitalised run that are function words, not part of the name."""
        tok = doc[k]
        low = tok.lower_
        if tok.text in self.calendar:
            return True
        if low in STOP_WORDS:
            return not (low in _NAME_STOP_WORDS_KEPT and k + 1 < end and is_name_token(doc[k + 1]))
        if not (sentence_initial(tok) and self._ordinary(tok) and k + 1 < end):
            return False
        # "Budi Gunawan": a given name that is also a word, before a name that is not one.
        nxt = doc[k + 1]
        return not (is_name_token(nxt) and not self._ordinary(nxt))

    def _subject_label(self, doc: Doc, start: int, end: int) -> str | None:
        toks = doc[start:end]
        if len(toks) == 1:
            tok = toks[0]
            if is_acronym(tok):
                return "ORG"
            if self._ordinary(tok) or tok.text in self.calendar:
                return None
            # Who is a single unknown capitalised word that "mengatakan"? In the Indonesian NER
            # training sets (nerui, idner-news-2k, nergrit) it is a PERSON six times out of
            # seven (129 PERSON, 20 ORG, 4 LOC): people are called by one name. Institutions
            # ("Pentagon", "Pertamina") are the exception; the label is configurable.
            return None if self.unknown_subject == "NONE" else self.unknown_subject
        if all(self._ordinary(t) for t in toks):
            return None
        return "PERSON"

    def _reporting_subjects(self, doc: Doc, known: _Known, in_title: set[int], lowers: list[str]) -> None:
        for verb in [i for i, low in enumerate(lowers) if low in REPORTING_VERBS]:
            k = verb - 1
            while k >= 0 and doc[k].lower_ in SUBJECT_ADVERBS:
                k -= 1
            end = k + 1
            start = end
            while (
                start - 1 >= 0
                and end - start < self.max_name
                and (is_name_token(doc[start - 1]) or is_acronym(doc[start - 1]))
            ):
                start -= 1
            if start == end:
                continue
            opener = doc[start - 1] if start > 0 else None
            if not (
                sentence_initial(doc[start])
                or opener is not None
                and (opener.text in {",", ";"} or opener.text in _QUOTES or opener.lower_ in CLAUSE_OPENERS)
            ):
                continue
            while start < end and self._drop_leading(doc, start, end):
                start += 1
            if start == end or any(i in known.span_at or i in in_title for i in range(start, end)):
                continue
            if any(doc[i].text in ROMAN_NUMERALS for i in range(start, end)):
                continue
            label = self._subject_label(doc, start, end)
            if label:
                add_candidate(doc, start, end, label, "reporting_subject")

    def _attributions(self, doc: Doc, known: _Known, in_title: set[int], lowers: list[str]) -> None:
        n = len(doc)
        for verb in [i for i, low in enumerate(lowers) if low in ATTRIBUTION_VERBS and 0 < i < n - 1]:
            if not (doc[verb - 1].text == "," or doc[verb - 1].text in _QUOTES):
                continue
            start = verb + 1
            end = self._name_run(doc, start, in_title, {})
            if end == start or any(i in known.span_at or i in in_title for i in range(start, end)):
                continue
            if end - start == 1 and self._ordinary(doc[start]):
                continue
            add_candidate(doc, start, end, "PERSON", "attribution")


def _is_initials(text: str) -> bool:
    """Two to four capital letters: "AMR", "SD"."""
    return 2 <= len(text) <= 4 and text.isalpha() and text.isupper()


def _hyphen_join(doc: Doc, j: int) -> bool:
    """``doc[j]`` is a hyphen written inside a word ("Hye-kyo", "Soekarno-Hatta")."""
    return (
        doc[j].text == "-"
        and j > 0
        and j + 1 < len(doc)
        and not doc[j - 1].whitespace_
        and not doc[j].whitespace_
        and doc[j + 1].is_alpha
    )
