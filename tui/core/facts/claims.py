"""Who said what: reported speech in Indonesian news.

Four shapes are read, by rules over the sentence and the entity mentions:

- subject + verb of saying + content: "Yang Moo Jin berpendapat bahwa ...", "Media Korea Utara,
  KCNA, melaporkan bahwa ...", "Kremlin mengkonfirmasi ... dan menyatakan bahwa ..." (two claims);
- quotation + attribution: "\u201c...,\u201d kata Budi." / "..., ujarnya.";
- "Menurut X, ..." and "..., menurut X.";
- an attribution that opens the sentence ("Tambahnya, ...") or sits inside it ("Selain itu, kata
  Asep, ...": what was said is the longer side);
- a pronoun subject ("Ia juga menambahkan ...", "ujarnya") resolved to the previous claim's speaker
  or the subject of the previous sentence, and a bare office ("kata Mendagri", "Kapolda
  mengatakan") to the person whose role it is (``_Resolver``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from tui.core.facts.clusters import CAPITALISED_ONLY, PERSON_TITLES, ROLE_WORDS, Mention, MentionIndex
from tui.core.facts.model import ClaimFact, Span
from tui.core.facts.sentences import SentenceIndex

# Verbs of saying that carry their content straight after them.
SAYING_VERBS = frozenset(
    """mengatakan menyatakan berkata berujar bertutur berpendapat melaporkan mengkonfirmasi mengonfirmasi
    mengkonfirmasikan mengonfirmasikan menambahkan menegaskan menandaskan menjelaskan mengungkapkan
    menyebutkan menyebut mengklaim membantah menuturkan memaparkan mengakui menilai memperkirakan meyakini
    menduga menuding menuduh mengumumkan menerangkan mengemukakan bersikeras mengaku menyangkal menampik
    membenarkan memberitakan mengabarkan menginformasikan memprediksi membeberkan berdalih yakin meyakinkan""".split()
)
# Verbs that report speech only when "bahwa", a colon, a comma or a quotation follows
# ("menyampaikan bahwa ..." is a claim, "menyampaikan apresiasinya" is not).
INTRODUCED_VERBS = frozenset(
    """menyampaikan menekankan mengingatkan
    berharap mengharapkan berjanji menjanjikan memastikan menolak mengecam mengkritik menanggapi mencatat
    menulis mengisyaratkan menganggap berpesan mengusulkan""".split()
)
# Verbs of asking and warning: a claim when a clause of four words or more follows, unless it opens
# with what is asked for ("meminta maaf", "meminta keterangan saksi").
REQUEST_VERBS = frozenset("meminta mendesak menyerukan mengimbau memperingatkan".split())
REQUESTED_THINGS = frozenset(
    """maaf keterangan izin bantuan waktu dukungan perlindungan pertanggungjawaban klarifikasi uang dana
    jatah tebusan ganti""".split()
)
# Attribution verbs after a quotation: "..., kata Budi", "..., ujarnya", "..., tutup Budi".
ATTRIBUTION_VERBS = (
    "kata|ujar|tutur|ungkap|imbuh|tegas|sebut|jelas|papar|terang|tambah|lanjut|tandas|pungkas|ucap|tulis|sambung|tutup"
)
# Short forms of offices that name their holder alone ("kata Mendagri", "Kapolda mengatakan"), with
# the long form a role may be written in.
SHORT_TITLES = {
    "mendagri": "menteri dalam negeri",
    "menlu": "menteri luar negeri",
    "menkeu": "menteri keuangan",
    "menhan": "menteri pertahanan",
    "menkes": "menteri kesehatan",
    "menko": "menteri koordinator",
    "mensesneg": "menteri sekretaris negara",
    "wapres": "wakil presiden",
    "wagub": "wakil gubernur",
    "jubir": "juru bicara",
    "dubes": "duta besar",
    "sekjen": "sekretaris jenderal",
    "dirut": "direktur utama",
    "ketum": "ketua umum",
    "kapolri": "kepala kepolisian negara",
    "kapolda": "kepala kepolisian daerah",
    "kapolres": "kepala kepolisian resor",
    "kapolresta": "kepala kepolisian resor kota",
    "kapolsek": "kepala kepolisian sektor",
    "kabareskrim": "kepala badan reserse kriminal",
    "kasatreskrim": "kepala satuan reserse kriminal",
    "kabid": "kepala bidang",
    "kadis": "kepala dinas",
    "kalak": "kepala pelaksana",
    "pangdam": "panglima daerah militer",
    "dandim": "komandan distrik militer",
}
TITLES = PERSON_TITLES | frozenset(SHORT_TITLES) | frozenset({"kabid humas", "kepala pelaksana", "kepala bidang"})
# A title that points back at a holder already named: "pengacara tersebut", "menteri itu".
_POINTING = frozenset({"tersebut", "itu", "ini"})
PRONOUNS = frozenset({"ia", "dia", "beliau", "mereka", "dirinya"})
# Words after which a new clause, and so a new subject, starts.
CONNECTORS = frozenset(
    """dan namun tetapi tapi sementara sedangkan bahwa kemudian lalu sehingga karena ketika saat
    adapun pun itu selain""".split()
)

# Verbs of threatening: a claim when what is threatened follows ("mengancam akan menarik diri").
THREAT_VERBS = frozenset({"mengancam"})
_THREATENED = re.compile(r"\s*(?:akan|bakal|untuk)\b", re.IGNORECASE)
_ALL_VERBS = SAYING_VERBS | INTRODUCED_VERBS | REQUEST_VERBS | THREAT_VERBS
_VERB = re.compile(r"\b(?P<v>" + "|".join(sorted(_ALL_VERBS, key=len, reverse=True)) + r")\b")
_TRAILING_ADVERB = re.compile(
    r"(?:^|\s)(?:juga|pun|pula|telah|sudah|kemudian|lalu|sebelumnya|sendiri|pernah|akan|masih|bahkan|hanya|"
    r"sempat|lantas|langsung|kembali|turut|kini|secara\s+[\w-]+|dalam\s+[\w-]+nya|melalui\s+[\w-]+nya|"
    r"lewat\s+[\w-]+nya)\s*$",
    re.IGNORECASE,
)
# A description of a person already named that points back at them: "pria yang akrab disapa Pak Yo itu".
_POINTING_PERSON = re.compile(
    r"(?:pria|wanita|perempuan|lelaki|laki-laki|sosok|pemuda|pemudi|bapak|ibu)\b.{0,60}\s(?:itu|tersebut)", re.I
)
# The comma (and "demikian") before a source named at the end of what it said.
_CLOSING_SOURCE = re.compile(r",\s*(?:demikian\s+|seperti\s+)?$", re.IGNORECASE)
# A second verb of saying after an attribution: "..., katanya, menambahkan ...".
_FOLLOW_ON = re.compile(
    r"\s*,\s*(?:(?:dan|serta)\s+)?(?P<v>menambahkan|menegaskan|menjelaskan|melanjutkan|menyebutkan|mengatakan)\b\s*"
    r"(?:bahwa\b)?",
    re.IGNORECASE,
)
# Who comes with the subject, between it and its verb: "Kapolres didampingi Kasat Reskrim AKP Budi".
_ACCOMPANIED = re.compile(r"\s+(?i:di\s*dampingi|bersama(?:\s+dengan)?|beserta)\s+(?:[A-Z][\w.]*\s+){0,4}$")
_RECOGNISED_AS = re.compile(r"(?:[^\s,.;:]+\s+){1,5}sebagai\b")
_RELATIVE_END = re.compile(r"\s+yang\s*$")
_PRONOUN_END = re.compile(r"(?:^|(?<=[\s,(\"“]))(?P<p>ia|dia|beliau|mereka|dirinya)\s*$", re.IGNORECASE)
_INTRO = re.compile(
    r"\s*(?P<mark>[,:])?\s*(?:(?P<bahwa>bahwa\b)|(?=(?P<agar>agar|supaya)\b))?\s*(?P<quote>[\"“])?\s*", re.IGNORECASE
)
# Who was told, between the verb and "bahwa": "mengatakan kepada wartawan bahwa ...".
_ADDRESSEE = re.compile(
    r"\s+(?:kepada|pada)\s+[^,.;:\"“]{1,60}?\s*,?\s*(?P<bahwa>bahwa)\b\s*(?P<quote>[\"“])?\s*", re.I
)
# Whom a verb that needs an object addresses, before "bahwa": "memperingatkan Korea Utara bahwa ...".
_OBJECT_THEN_BAHWA = re.compile(r"\s+(?:[^\s,.;:\"“]+\s+){1,6}?(?P<bahwa>bahwa)\b\s*(?P<quote>[\"“])?\s*", re.I)
# An office after a name, before its verb: "Budi selaku Ketua Panitia", "Ani sebagai juru bicara".
_OFFICE_AFTER = re.compile(r",?\s+(?:selaku|sebagai)\s+[^,.;:\"“()]{2,100}$", re.I)
# A bracketed aside between a subject and its verb: "Komisi Pemberantasan Korupsi (KPK) menyatakan".
_ASIDE_END = re.compile(r"\s*\([^()\n]{1,40}\)\s*$")
_COORDINATED = re.compile(
    r"\s+(?:dan|serta)\s+(?:juga\s+|pun\s+|kemudian\s+|lalu\s+)?(?P<v>"
    + "|".join(sorted(_ALL_VERBS, key=len, reverse=True))
    + r")\b"
)
_QUOTED = re.compile(
    r"(?P<open>[\"“])(?P<content>[^\"“”\n]{6,1500}?)[,.!?]?(?P<close>[\"”])\s*,?\s*"
    rf"(?P<verb>(?:{ATTRIBUTION_VERBS}))(?P<nya>nya)?\b",
    re.IGNORECASE,
)
_UNQUOTED = re.compile(rf",\s*(?P<verb>(?:{ATTRIBUTION_VERBS}))(?P<nya>nya)?\b", re.IGNORECASE)
# An attribution that opens the sentence: "Tambahnya, kepolisian juga ...", "Lanjutnya ...".
_OPENING_ATTRIBUTION = re.compile(rf"(?P<verb>(?:{ATTRIBUTION_VERBS}))(?P<nya>nya)\b\s*,?\s*", re.IGNORECASE)
_MENURUT = re.compile(r"\b[Mm]enurut(?P<nya>nya)?\b")
_NP_STOP = re.compile(
    r"^(?:dalam|pada|di|ke|dari|untuk|menurut|selain|sejak|meski|jika|karena|namun|tetapi|dan)$", re.I
)
_VERB_LIKE = re.compile(r"^(?:me(?:m|n|ng|ny)?|ber)[a-z]{3,}$")
# Documents a body or a person issues: "menurut rilis laporan BPS", "menurut data Kemenkes".
_SOURCE_NOUNS = (
    "rilis|laporan|data|catatan|survei|hasil|riset|penelitian|kajian|analisis|keterangan|pernyataan|situs|"
    "siaran|pers|resmi|terbaru|tertulis|publikasi|perhitungan|pantauan|temuan|studi"
)
_SOURCE_RUN = re.compile(rf"(?:\s+(?:{_SOURCE_NOUNS}))+\s+")
# A source as the subject of a verb, before the name of its maker: "Data dari Transfermarkt".
_SOURCE_SUBJECT = re.compile(rf"(?i:{_SOURCE_NOUNS})(?:\s+(?i:{_SOURCE_NOUNS}))*\s+(?:(?:dari|milik)\s+)?$")
# Nouns that look like verbs of "me-" and "ber-".
_NOT_VERBS = frozenset("media menteri menit meter merek meja metode mesin menara berita beras berat bensin".split())
# A connective or an adverbial that opens a clause before its subject: "Namun", "Sementara itu",
# "Di sisi lain", "Lebih lanjut".
_OPENERS = (
    r"namun|tetapi|tapi|dan|sementara(?:\s+itu)?|sedangkan|selain\s+itu|di\s+sisi\s+lain|di\s+lain\s+pihak|"
    r"lebih\s+lanjut|selanjutnya|kemudian|adapun|bahkan|sebelumnya|secara\s+terpisah|demikian|"
    r"(?:dalam|pada)\s+(?:kesempatan|momen|acara|pertemuan)\s+(?:itu|tersebut|yang\s+sama)"
)
_LEADING_CONNECTIVE = re.compile(rf"(?:(?:{_OPENERS})\b\s*,?\s*)+", re.IGNORECASE)
_TRAILING_OPENER = re.compile(rf"(?:^|[\s,;:\"“”])(?:{_OPENERS})\s*,?$", re.IGNORECASE)
# Words that open where, when or how something was said, after the speaker.
_CIRCUMSTANCE = re.compile(
    r"(?:di|pada|dalam|kepada|saat|ketika|usai|seusai|sesudah|setelah|sebelum|melalui|lewat|dari|kemarin|"
    r"sambil|seraya|dengan|jelang|menjelang|yang|seperti|sebagaimana|selepas|sesaat)\b",
    re.IGNORECASE,
)
# Words that open an adverbial phrase before a sentence's main clause.
_ADVERBIAL = re.compile(
    r"(?:ditinjau|dilihat|berdasarkan|mengacu|merujuk|terkait|soal|mengenai|menyinggung|sementara|selain|"
    r"sejak|setelah|sebelum|meski|meskipun|kendati|jika|apabila|bila|untuk)\b",
    re.IGNORECASE,
)


NAME, PRONOUN, TITLE = "", "pronoun", "title"
# A speaker as found: its span, its mention if it is a name, and what it is (NAME, PRONOUN, TITLE).
_Found = tuple[Span, "Mention | None", str]


@dataclass
class _Draft:
    start: int
    end: int
    verb: str
    verb_span: Span
    content_span: Span
    speaker_span: Span
    speaker: str
    mention: Mention | None = None
    kind: str = ""  # NAME, PRONOUN or TITLE


def _strip_adverbs(text: str, start: int, end: int) -> int:
    """The end of the subject before a verb at ``end``, past adverbs ("Ia juga", "Putin secara terbuka")."""
    while True:
        while end > start and text[end - 1].isspace():
            end -= 1
        m = _TRAILING_ADVERB.search(text, start, end)
        if m is None or m.end() != end:
            return end
        end = m.start()


def _at_clause_start(text: str, sentence_start: int, pos: int) -> bool:
    """True when ``pos`` begins a clause: the sentence start, after punctuation or a connector."""
    before = text[sentence_start:pos].rstrip()
    if not before or before[-1] in ",;:(\"“”'—–-":
        return True
    last = before.rsplit(None, 1)[-1].casefold()
    return last in CONNECTORS or _TRAILING_OPENER.search(before) is not None


def _subject_start(m: Mention) -> int:
    return m.role_before[1][0] if m.role_before else m.start


_TITLE_TOKEN = re.compile(r"[^\s,;:\"“”!?.]+(?:\.[^\s,;:\"“”!?.]+)*")
_TITLE_WORD = re.compile(r"\(?[^\W_][\w'’.-]*\)?")


TITLE_WINDOW = 400  # characters: fourteen words of an office, with room to spare


def _title_words(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """The title that opens ``text[start:end]`` (after space): its start, where its head (the office
    word: "Kapolda", "juru bicara") ends, and where the run of words of the office ends ("Kapolres
    Ogan Komering Ulu (OKU)", "pengacara tersebut"). None unless a title opens it."""
    # Fourteen words are more than any office runs to: read a bounded window, not the whole rest of
    # the sentence (a long sentence of attributions would otherwise be read whole at each one).
    end = min(end, start + TITLE_WINDOW)
    words = list(islice(_TITLE_TOKEN.finditer(text[start:end]), 14))
    if not words or text[start : start + words[0].start()].strip():
        return None
    head = 0
    for size in (3, 2, 1):
        phrase = " ".join(w.group().casefold() for w in words[:size])
        if len(words) >= size and phrase in TITLES:
            head = size
            break
    first = words[0].group()
    if not head or (first.casefold() in CAPITALISED_ONLY and not first[:1].isupper()):
        return None
    last = head
    while last < len(words):
        if text[start + words[last - 1].end() : start + words[last].start()].strip():
            break  # punctuation ends the office
        word = words[last].group()
        folded = word.casefold()
        if not _TITLE_WORD.fullmatch(word):
            break
        if folded in _POINTING:
            last += 1
            break
        if not (word[:1].isupper() or word[:1] == "(" or folded in ROLE_WORDS or folded in TITLES):
            break
        last += 1
    return start + words[0].start(), start + words[head - 1].end(), start + words[last - 1].end()


def _speaker_before(text: str, index: MentionIndex, sentence: Span, verb_start: int) -> _Found | None:
    """The speaker ending right before a verb: a mention (with its appositions) or a pronoun."""
    end = _strip_adverbs(text, sentence[0], verb_start)
    aside = _ASIDE_END.search(text, sentence[0], end)
    if aside is not None:
        end = aside.start()
    if end <= sentence[0]:
        return None
    office = _OFFICE_AFTER.search(text, max(sentence[0], end - 120), end)
    if office is not None and index.ending_at(office.start()) is not None:
        end = office.start()  # "Budi selaku Ketua Panitia mengatakan"
    relative = _RELATIVE_END.search(text, max(sentence[0], end - 8), end)
    if relative is not None:  # "aspirasi Forum Umat Islam yang meminta ...", "keputusan Trump yang menyatakan"
        named = index.ending_at(relative.start())
        if named is not None and named.label in ("PERSON", "ORG"):
            return (named.start, named.end), named, NAME
        return None
    pronoun = _PRONOUN_END.search(text, max(sentence[0], end - 12), end)
    if pronoun and _at_clause_start(text, sentence[0], pronoun.start("p")):
        return pronoun.span("p"), None, PRONOUN
    mention = index.ending_at(end)
    if mention is None and text[end - 1] == ",":
        comma = end - 1
        inner = comma
        while inner > sentence[0] and text[inner - 1].isspace():
            inner -= 1
        candidate = index.ending_at(inner)  # "Media Korea Utara, KCNA, melaporkan"
        if candidate is not None and candidate.role_before and candidate.role_before[2]:
            mention = candidate
        elif candidate is not None and candidate.label == "PERSON" and _office_comma_before(text, sentence, candidate):
            return (candidate.start, candidate.end), candidate, NAME  # "Kapolres, AKBP Andi Rahmat, mengatakan"
        elif (
            candidate is not None
            and candidate.label == "PERSON"
            and _at_clause_start(text, sentence[0], _subject_start(candidate))
        ):  # "Ketua Umum Gaikindo Yohanes Nangoi, mengatakan", "informan PBB, Michael Lynk, menuding"
            return (candidate.start, candidate.end), candidate, NAME
        else:
            mention = index.with_role_after_ending(inner)  # "Yang Moo Jin, Presiden ..., berpendapat"
    if mention is None and aside is not None:
        spelled = _named_before_aside(text, index, sentence, aside)
        if spelled is not None:
            return spelled
    if mention is None:
        return _title_before(text, sentence, end)
    if not _at_clause_start(text, sentence[0], _subject_start(mention)):
        accompanied = _ACCOMPANIED.search(text, sentence[0], _subject_start(mention))
        if accompanied is not None:  # "Kapolres didampingi Kasat Reskrim AKP Harmianto menjelaskan"
            head = index.ending_at(accompanied.start())
            if head is not None and _at_clause_start(text, sentence[0], _subject_start(head)):
                return (head.start, head.end), head, NAME
            return _title_before(text, sentence, accompanied.start())
        source = _SOURCE_SUBJECT.search(text, sentence[0], mention.start)
        if source is not None and _at_clause_start(text, sentence[0], source.start()):
            return (mention.start, mention.end), mention, NAME  # "Data dari Transfermarkt mengungkapkan"
        return None
    return (mention.start, mention.end), mention, NAME


def _named_before_aside(text: str, index: MentionIndex, sentence: Span, aside: re.Match[str]) -> _Found | None:
    """A name the NER missed, written out before its acronym: "Forum Masyarakat Peduli Parlemen
    (Formappi) menilai" (the acronym is a mention; the words before it, all capitalised, name it)."""
    inside = index.between(aside.start(), aside.end())
    if not inside or inside[0].label not in ("ORG", "PERSON"):
        return None
    words = list(re.finditer(r"\S+", text[sentence[0] : aside.start()]))
    run = 0
    for w in reversed(words):
        if not (w.group()[:1].isupper() or w.group() in ("dan", "&")) or not w.group().rstrip(".").isalnum():
            break
        run += 1
    while run and not words[-run].group()[:1].isupper():
        run -= 1  # "dan Geofisika" is no name
    if run < 2:
        return None
    start = sentence[0] + words[-run].start()
    if not _at_clause_start(text, sentence[0], start) or index.between(start, aside.start()):
        return None
    return (start, sentence[0] + words[-1].end()), None, NAME


def _office_comma_before(text: str, sentence: Span, m: Mention) -> bool:
    """True when an office and a comma open the clause before ``m``, a rank aside: "Kapolres, AKBP"."""
    clause = max(text.rfind(ch, sentence[0], m.start) for ch in ";:")
    start = sentence[0] if clause < 0 else clause + 1
    found = re.fullmatch(r"\s*(?P<office>[^,]+?),\s*(?:[A-Z][\w.]*\s+){0,3}", text[start : m.start])
    if found is None:
        return False
    title = _title_words(text, start + found.start("office"), start + found.end("office"))
    return title is not None and title[2] == start + found.end("office")


def _title_before(text: str, sentence: Span, end: int) -> _Found | None:
    """A bare title as the subject of its clause: "Kapolda mengatakan ...", "Pengacara itu menegaskan"."""
    clause = max(text.rfind(ch, sentence[0], end) for ch in ",;:")
    start = sentence[0] if clause < 0 else clause + 1
    while start < end and text[start].isspace():
        start += 1
    title = _title_words(text, start, end)
    if title is None or title[2] != end or not _at_clause_start(text, sentence[0], start):
        return None
    return (title[0], title[2]), None, TITLE


def _noun_phrase_before(text: str, sentence: Span, verb_start: int) -> Span | None:
    """A short subject with no entity at its end ("Informasi intelijen dari Korea Selatan ...")."""
    end = _strip_adverbs(text, sentence[0], verb_start)
    clause = max(text.rfind(ch, sentence[0], end) for ch in ",;:")
    start = sentence[0] if clause < 0 else clause + 1
    while start < end and text[start].isspace():
        start += 1
    opener = _LEADING_CONNECTIVE.match(text, start, end)  # "Namun media Korea Utara", "dan seorang komentator"
    if opener is not None and opener.end() < end:
        start = opener.end()
    words = text[start:end].split()
    if not 1 <= len(words) <= 10 or _NP_STOP.match(words[0]) or not _at_clause_start(text, sentence[0], start):
        return None
    for i, word in enumerate(words):
        folded = word.casefold()
        if _VERB_LIKE.match(folded) and folded not in _NOT_VERBS and (i == 0 or words[i - 1].casefold() != "yang"):
            return None
    return start, end


def _content(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` without the punctuation and quotes around it; None when under two words."""
    while start < end and (text[start].isspace() or text[start] in '"“”,:'):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:!?\"”'’)"):
        end -= 1
    if len(text[start:end].split()) < 2:
        return None
    return start, end


def _one_word_content(text: str, start: int, end: int) -> Span | None:
    """What was said when it is one verb that ends the sentence: "menyatakan mendukung."."""
    found = re.fullmatch(r"\s*(?P<w>(?:me|ber|di|ter)[a-z]{4,})\s*[.!]?\s*", text[start:end])
    return (start + found.start("w"), start + found.end("w")) if found else None


def _quote_before(text: str, sentence: Span, pos: int) -> Span | None:
    """The quotation that ends right before ``pos`` ("\u201c...,\u201d Budi menambahkan")."""
    m = re.search(r"[\"”]\s*,?\s*$", text[sentence[0] : pos])
    if not m:
        return None
    close = sentence[0] + m.start()
    opening = max(text.rfind('"', sentence[0], close), text.rfind("“", sentence[0], close))
    return (opening + 1, close) if opening >= 0 else None


def _verb_claims(text: str, index: MentionIndex, sentence: Span) -> list[_Draft]:
    drafts: list[_Draft] = []
    pos = sentence[0]
    for m in _VERB.finditer(text, sentence[0], sentence[1]):
        if m.start() < pos:
            continue  # inside the content of a claim already read
        verb = m.group("v")
        intro = _ADDRESSEE.match(text, m.end(), sentence[1])
        if intro is None and verb not in SAYING_VERBS:
            intro = _OBJECT_THEN_BAHWA.match(text, m.end(), sentence[1])
        intro = intro or _intro(text, m.end(), sentence[1])
        introduced = any(intro.groupdict().get(g) for g in ("mark", "bahwa", "agar", "quote"))
        if verb in INTRODUCED_VERBS and not introduced:
            continue
        if verb in THREAT_VERBS and not (intro.group("bahwa") or _THREATENED.match(text, intro.end(), sentence[1])):
            continue
        if verb == "mengakui" and not introduced and _RECOGNISED_AS.match(text, intro.end(), sentence[1]):
            continue  # "mengakui Yerusalem sebagai ibu kota": recognises, does not say
        if verb in REQUEST_VERBS and not introduced and not _requests_a_clause(text, intro.end(), sentence[1]):
            continue
        found = _speaker_before(text, index, sentence, m.start())
        speaker_span, mention, kind = found if found else (None, None, NAME)
        if found is None and (intro.group("bahwa") or intro.groupdict().get("mark") == ":"):
            speaker_span = _noun_phrase_before(text, sentence, m.start())
        if speaker_span is None:
            continue
        verb_at = m.start()
        for content_start, content_end, next_verb in _contents(text, intro.end(), sentence[1]):
            content = _content(text, content_start, content_end)
            evidence_start = None
            if content is None and content_start >= sentence[1] - 1:
                quoted = _quote_before(text, sentence, speaker_span[0])  # "“...,” Budi menambahkan."
                evidence_start = quoted[0] - 1 if quoted else None
                closing = _CLOSING_SOURCE.search(text, sentence[0], speaker_span[0]) if quoted is None else None
                if closing is not None:  # "..., demikian Reuters melaporkan."
                    quoted = (sentence[0], closing.start())
                    evidence_start = sentence[0]
                content = _content(text, *quoted) if quoted else None
            if content is None and verb_at == m.start():
                content = _one_word_content(text, content_start, content_end)  # "Fadli Zon menyatakan mendukung."
            if content is None:
                break
            first = not drafts or drafts[-1].speaker_span != speaker_span
            start = min(speaker_span[0], content[0]) if first else min(verb_at, content[0])
            start = start if evidence_start is None else evidence_start
            drafts.append(
                _Draft(
                    start=start,
                    end=max(content[1], verb_at + len(verb)),
                    verb=verb.lower(),
                    verb_span=(verb_at, verb_at + len(verb)),
                    content_span=content,
                    speaker_span=speaker_span,
                    speaker=text[speaker_span[0] : speaker_span[1]],
                    mention=mention,
                    kind=kind,
                )
            )
            pos = content_end
            if next_verb is None:
                break
            verb, verb_at = next_verb.group("v"), next_verb.start("v")
    return drafts


def _requests_a_clause(text: str, start: int, end: int) -> bool:
    """True when what follows a verb of asking is a clause ("meminta KPK menunda ..."), not a thing
    asked for ("meminta maaf")."""
    words = text[start:end].split(None, 4)
    return len(words) >= 4 and words[0].casefold().strip(",.") not in REQUESTED_THINGS


def _intro(text: str, pos: int, end: int) -> re.Match[str]:
    """What introduces a verb's content at ``pos`` (``pos <= end``): every part of ``_INTRO`` is
    optional, so it matches there, if only the empty string."""
    intro = _INTRO.match(text, pos, end)
    assert intro is not None, "_INTRO matches the empty string"
    return intro


def _contents(text: str, start: int, end: int) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    """Contents of one subject's coordinated verbs: "mengkonfirmasi X dan menyatakan bahwa Y"."""
    while True:
        coordinated = _COORDINATED.search(text, start, end)
        if coordinated is None:
            yield start, end, None
            return
        yield start, coordinated.start(), coordinated
        start = _intro(text, coordinated.end(), end).end()


def _speaker_after(text: str, index: MentionIndex, pos: int, limit: int) -> _Found | None:
    """The speaker that follows an attribution verb or "menurut": a mention (after a title) or a pronoun."""
    pronoun = re.match(r"\s+(?P<p>ia|dia|beliau|mereka)\b", text[pos:limit], re.IGNORECASE)
    if pronoun:
        return (pos + pronoun.start("p"), pos + pronoun.end("p")), None, PRONOUN
    title = _title_words(text, pos, limit)
    for mention in index.between(pos, min(limit, pos + 160)):
        if index.role_owner(mention.start) is not None:
            continue  # "Kremlin" in "juru bicara Kremlin Dmitry Peskov": the speaker is Peskov
        if mention.label != "PERSON" and title is not None and mention.end <= title[2]:
            continue  # a body or a place inside the office: "Kepala BPBD Jember Heru"
        if mention.label != "PERSON" and title is not None and _bodies_between(text, index, title[2], mention.end):
            continue  # the office's body between commas: "Kepala Bidang Gempa, BMKG, Daryono"
        if mention.label == "PERSON" and title is not None and mention.end < title[2]:
            later = [m for m in index.between(mention.end, title[2]) if m.label == "PERSON" and m.end <= title[2]]
            mention = later[-1] if later else mention  # "Kepala Bidang Kedaruratan ... Heru Widagdo"
        gap = text[pos : _subject_start(mention)]
        if (
            mention.label == "PERSON"
            and title is not None
            and re.fullmatch(r"(?:\s+[a-z]+){0,3}\s*,\s*", text[title[2] : mention.start])
        ):
            return (mention.start, mention.end), mention, NAME  # "menurut pengamat pangan, Anton Apriyantono,"
        if gap.strip() and not (mention.label == "PERSON" and title is not None and title[2] >= mention.start - 1):
            if (
                mention.label == "PERSON"
                and title is not None
                and _bodies_between(text, index, title[2], mention.start)
            ):
                return (mention.start, mention.end), mention, NAME  # "ujar Kepala Bidang Gempa, BMKG, Daryono"
            break
        return (mention.start, mention.end), mention, NAME
    if title is not None:  # "kata Mendagri", "menurut Kapolres OKU"
        return (title[0], title[2]), None, TITLE
    return None


def _bodies_between(text: str, index: MentionIndex, start: int, end: int) -> bool:
    """True when only commas and names of bodies or places lie in ``text[start:end]``: the office's
    body between commas before its holder ("Kepala Bidang Gempa, BMKG, Daryono")."""
    pos = start
    for m in index.between(start, end):
        if m.label == "PERSON" or text[pos : m.start].strip(" ,"):
            return False
        pos = m.end
    return pos > start and not text[pos:end].strip(" ,")


def _attributed_claims(text: str, index: MentionIndex, sentence: Span) -> list[_Draft]:
    """ "\u201c...,\u201d kata Budi." and "..., ujarnya." and "Menurut X, ..."."""
    drafts = []
    found: _Found | None
    for m in _QUOTED.finditer(text, sentence[0], sentence[1]):
        draft = _attributed(text, index, sentence, m, (m.start("content"), m.end("content")))
        if draft:
            drafts.append(draft)
            more = _FOLLOW_ON.match(text, draft.speaker_span[1], sentence[1])
            content = _content(text, more.end(), sentence[1]) if more else None
            if more and content:  # "“...,” katanya, menambahkan selain Batam, ..."
                found = (draft.speaker_span, draft.mention, draft.kind)
                drafts.append(_draft(text, found, more.group("v").lower(), more.span("v"), content))
    if not drafts and not re.search(r"[\"“]", text[sentence[0] : sentence[1]]):
        for m in _UNQUOTED.finditer(text, sentence[0], sentence[1]):
            draft = _attributed(text, index, sentence, m, (sentence[0], m.start()))
            if draft:
                _interjected(text, sentence, draft)
                drafts.append(draft)
                break
        opening = _OPENING_ATTRIBUTION.match(text, sentence[0], sentence[1])
        if not drafts and opening:  # "Tambahnya, kepolisian juga ..."
            content = _content(text, opening.end(), sentence[1])
            if content:
                found = ((opening.start("verb"), opening.end("nya")), None, PRONOUN)
                drafts.append(_draft(text, found, opening.group("verb").lower(), opening.span("verb"), content))
    for m in _MENURUT.finditer(text, sentence[0], sentence[1]):
        if m.group("nya"):  # "Menurutnya, ..."
            found = ((m.start(), m.end()), None, PRONOUN)
            after = m.end()
        else:
            found = _speaker_after(text, index, m.end(), sentence[1])
            source = _source_after(text, index, m.end(), sentence[1]) if found is None else None
            if (
                source is not None
            ):  # "Menurut rilis laporan BPS hari ini, ...", "Menurut indeks yang disusun oleh X, ..."
                found, after = source
            elif found is None:
                continue
            else:
                mention = found[1]
                after = mention.role_after[1][1] if mention and mention.role_after else found[0][1]
        if _opened_only(text, sentence[0], m.start()):  # "Sementara itu, menurut pengamat ..., ..."
            content = _content(text, after, sentence[1])
        elif text[sentence[0] : m.start()].strip():
            content = _content(text, sentence[0], m.start())  # "..., menurut Budi."
        else:
            content = _content(text, after, sentence[1])  # "Menurut Budi, ..."
        if content is None:
            continue
        draft = _draft(text, found, "menurut", (m.start(), m.start() + 7), content)
        if content[1] <= m.start():
            _interjected(text, sentence, draft)  # "Ditinjau dari ..., menurut Daryono, tampak bahwa ..."
        drafts.append(draft)
    return drafts


def _opened_only(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` holds only connectives ("Sementara itu,", "Namun,")."""
    before = text[start:end].strip()
    opener = _LEADING_CONNECTIVE.fullmatch(before) if before else None
    return opener is not None


def _source_after(text: str, index: MentionIndex, pos: int, limit: int) -> tuple[_Found, int] | None:
    """The person or body behind a source named after "menurut", up to a comma, and where what was
    said starts: "menurut rilis laporan BPS hari ini, ...", "menurut indeks yang disusun oleh X, ..."."""
    comma = text.find(",", pos, min(limit, pos + 160))
    if comma < 0:
        return None
    named = [m for m in index.between(pos, comma) if m.label in ("PERSON", "ORG") and m.end <= comma]
    for m in named:
        if re.search(r"\boleh\s+$", text[pos : m.start]):
            return ((m.start, m.end), m, NAME), comma + 1
    if named and _SOURCE_RUN.fullmatch(text, pos, named[0].start):
        return ((named[0].start, named[0].end), named[0], NAME), comma + 1
    return None


def _interjected(text: str, sentence: Span, draft: _Draft) -> None:
    """ "Selain itu, kata Asep, SD juga berperan": the attribution inside the sentence; what was said
    is the longer side of it (the words before are often a connective)."""
    end = draft.speaker_span[1]
    if draft.mention is not None and draft.mention.role_after:
        end = max(end, draft.mention.role_after[1][1])
    after = re.match(r"\s*,\s*|\s+(?=[a-z])", text[end : sentence[1]])  # "kata Agun pihaknya masih ..."
    if after is None:
        return
    before = draft.content_span
    before_text = text[before[0] : before[1]]
    if "," not in after.group() and not (_ADVERBIAL.match(before_text) or len(before_text.split()) <= 3):
        return  # "..., kata Budi jelang rapat": with no comma, only a connective before gives way
    content = _content(text, end + after.end(), sentence[1])
    if content is None or _CIRCUMSTANCE.match(text, content[0]):
        return  # "..., kata Budi di Jakarta, Senin": where and when, not what
    after_text = text[content[0] : content[1]]
    if (
        len(after_text.split()) > len(before_text.split())
        or _ADVERBIAL.match(before_text)  # "Ditinjau dari kedalamannya, menurut Daryono, tampak bahwa ..."
    ):  # "Sementara itu di Padang Panjang, kata Daryono, guncangan dirasakan ..."
        draft.content_span = content
        draft.end = max(draft.end, content[1])


def _attributed(text: str, index: MentionIndex, sentence: Span, m: re.Match[str], content_span: Span) -> _Draft | None:
    if m.group("nya"):  # "ujarnya": the pronoun is the suffix
        found: _Found | None = ((m.start("verb"), m.end("nya")), None, PRONOUN)
    else:
        found = _speaker_after(text, index, m.end("verb"), sentence[1])
    content = _content(text, *content_span)
    if found is None or content is None:
        return None
    draft = _draft(text, found, m.group("verb").lower(), m.span("verb"), content)
    if "open" in m.re.groupindex:
        draft.start = min(draft.start, m.start("open"))  # the evidence is the whole quotation
    return draft


def _draft(text: str, found: _Found, verb: str, verb_span: Span, content: Span) -> _Draft:
    speaker_span, mention, kind = found
    return _Draft(
        start=min(speaker_span[0], verb_span[0], content[0]),
        end=max(speaker_span[1], verb_span[1], content[1]),
        verb=verb,
        verb_span=verb_span,
        content_span=content,
        speaker_span=speaker_span,
        speaker=text[speaker_span[0] : speaker_span[1]],
        mention=mention,
        kind=kind,
    )


class _Resolver:
    """Who a pronoun or a bare title stands for, read in document order.

    A pronoun ("Ia", "-nya") is the previous claim's speaker when that claim is in the same or the
    previous sentence, else the subject of its own or the previous sentence, else the last person
    who spoke; "mereka" is the last named speaker. A bare title ("kata Mendagri", "Kapolda
    mengatakan") is the person whose role holds that office, the nearest before it first.
    """

    def __init__(self, text: str, index: MentionIndex, sentences: SentenceIndex) -> None:
        self.text, self.index, self.sentences = text, index, sentences
        self.last: tuple[int, Mention | None] | None = None  # (sentence, speaker) of the previous claim
        self.last_named: Mention | None = None
        self.last_person: Mention | None = None
        self._roles: list[tuple[int, str, Mention]] | None = None

    def speaker(self, draft: _Draft) -> Mention | None:
        at = self.sentences.at(draft.speaker_span[0])
        mention = draft.mention
        if draft.kind == PRONOUN:
            if draft.speaker.casefold() == "mereka":
                mention = self.last_named or self.index.last_before(draft.start, "PERSON")
            else:
                personal = draft.speaker.casefold() in ("ia", "dia", "beliau")
                mention = self._antecedent(at, draft.speaker_span[0], personal)
        elif draft.kind == TITLE:
            mention = self._holder(draft.speaker, draft.speaker_span[0])
        elif mention is None and _POINTING_PERSON.fullmatch(draft.speaker):
            mention = self._antecedent(at, draft.speaker_span[0])  # "pria yang akrab disapa Pak Yo itu"
        elif mention is None:
            mention = self._named(draft.speaker)
        if mention is not None:
            self.last_named = mention
            if mention.label == "PERSON":
                self.last_person = mention
        self.last = (at, mention)
        return mention

    def _named(self, phrase: str) -> Mention | None:
        """The person a subject with no mention ends with the name of ("Sementara itu Guterres"), when
        that name is the first or last word of one person's only."""
        words = phrase.split()
        if not words or len(words) > 2 or not all(w[:1].isupper() and w.isalpha() for w in words):
            return None  # a description ("seorang komentator di surat kabar Haaretz") is no name
        word = words[-1].casefold()
        found = {
            m.entity_id: m
            for m in self.index.mentions
            if m.label == "PERSON" and m.entity_id and word in (m.key[0], m.key[-1])
        }
        return next(iter(found.values())) if len(found) == 1 else None

    def _antecedent(self, at: int, pos: int, personal: bool = False) -> Mention | None:
        """Who a pronoun stands for; ``personal`` ("ia", "dia", "beliau") is a person, never a body
        or a place, while "-nya" may stand for a body that spoke last ("Menurutnya")."""
        # "-nya" after a quotation ("…," ujarnya) is the person being quoted: the previous claim's
        # speaker up to three sentences back, over the subject of the narration between them.
        reach = 1 if personal else 3
        last = self.last[1] if self.last is not None and self.last[0] >= at - reach else None
        if last is not None and (not personal or last.label == "PERSON"):
            return last
        for i in (at, at - 1):
            if i >= 0:
                subject = self._subject(self.sentences.spans[i], pos)
                if subject is not None:
                    return subject
        named = None if personal else self.last_named
        return self.last_person or named or self.index.last_before(pos, "PERSON")

    def _subject(self, sentence: Span, before: int) -> Mention | None:
        """The first person opening a clause of ``sentence`` outside its quotations, before ``before``."""
        for m in self.index.between(sentence[0], min(sentence[1], before)):
            if m.label != "PERSON" or self.index.role_owner(m.start) is not None:
                continue
            quotes = len(re.findall(r"[\"“”]", self.text[sentence[0] : m.start]))
            if quotes % 2 == 0 and _at_clause_start(self.text, sentence[0], _subject_start(m)):
                if not self._listed(m):
                    return m
        return None

    def _listed(self, m: Mention) -> bool:
        """True when ``m`` is an item of a list of names ("Desa Sidoa, Alitupu, Wuasa"), not a subject."""
        after = re.match(r"\s*,\s*(?:(?:dan|serta|atau)\s+)?", self.text[m.end : m.end + 10])
        if after is not None and self.index.starting_at(m.end + after.end()) is not None:
            return True
        before = re.search(r"\s*,\s*(?:(?:dan|serta|atau)\s+)?$", self.text[max(0, m.start - 10) : m.start])
        if before is not None:
            previous = self.index.ending_at(m.start - len(before.group()))
            return previous is not None and previous.role_after is None
        return False

    def _holder(self, title: str, pos: int) -> Mention | None:
        if self._roles is None:
            self._roles = []
            for m in self.index.mentions:
                if m.label != "PERSON":
                    continue
                for office in (m.role_before[0] if m.role_before else "", m.role_after[0] if m.role_after else ""):
                    if office:
                        self._roles.append((m.start, " " + " ".join(_words(office)) + " ", m))
        words = _words(title)
        head = next((words[:size] for size in (3, 2, 1) if " ".join(words[:size]) in TITLES), words[:1])
        forms = {" ".join(head)}
        for short, long in SHORT_TITLES.items():
            if short in forms or long in forms:
                forms |= {short, long}
        best: tuple[int, bool, int] | None = None
        found = None
        for start, held, m in self._roles:
            if not any(f" {form} " in held for form in forms):
                continue
            score = (sum(f" {w} " in held for w in words), start < pos, -abs(start - pos))
            if best is None or score > best:
                best, found = score, m
        return found


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def find_claims(text: str, index: MentionIndex, sentences: SentenceIndex) -> list[ClaimFact]:
    """Every claim of the article in document order, with ids "c1", "c2", ..."""
    drafts: list[_Draft] = []
    for sentence in sentences.spans:
        attributed = _attributed_claims(text, index, sentence)
        taken = [(d.content_span[0], d.content_span[1]) for d in attributed]
        for draft in _verb_claims(text, index, sentence):
            if not any(s <= draft.verb_span[0] < e for s, e in taken):
                attributed.append(draft)
        drafts.extend(sorted(attributed, key=lambda d: d.start))
    claims = []
    resolver = _Resolver(text, index, sentences)
    for n, draft in enumerate(drafts, start=1):
        mention = resolver.speaker(draft)
        claims.append(
            ClaimFact(
                id=f"c{n}",
                text=text[draft.start : draft.end],
                start=draft.start,
                end=draft.end,
                sentence=sentences.around(draft.start, draft.end),
                speaker=mention.name if mention else draft.speaker,
                verb=draft.verb,
                content=text[draft.content_span[0] : draft.content_span[1]],
                speaker_id=mention.entity_id if mention else None,
                speaker_text=draft.speaker,
                speaker_span=draft.speaker_span,
                verb_span=draft.verb_span,
                content_span=draft.content_span,
            )
        )
    return claims
