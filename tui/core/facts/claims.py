"""Who said what: reported speech in Indonesian news.

Four shapes are read, by rules over the sentence and the entity mentions:

- subject + verb of saying + content: "Yang Moo Jin berpendapat bahwa ...", "Media Korea Utara,
  KCNA, melaporkan bahwa ...", "Kremlin mengkonfirmasi ... dan menyatakan bahwa ..." (two claims);
- quotation + attribution: "\u201c...,\u201d kata Budi." / "..., ujarnya.";
- "Menurut X, ..." and "..., menurut X.";
- a pronoun subject ("Ia juga menambahkan ...", "ujarnya") resolved to the last named speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tui.core.facts.clusters import Mention, MentionIndex
from tui.core.facts.model import ClaimFact, Span
from tui.core.facts.sentences import SentenceIndex

# Verbs of saying that carry their content straight after them.
SAYING_VERBS = frozenset(
    """mengatakan menyatakan berkata berujar bertutur berpendapat melaporkan mengkonfirmasi mengonfirmasi
    mengkonfirmasikan mengonfirmasikan menambahkan menegaskan menandaskan menjelaskan mengungkapkan
    menyebutkan mengklaim membantah menuturkan memaparkan mengakui menilai memperkirakan meyakini
    menduga menuding menuduh mengumumkan menerangkan mengemukakan bersikeras mengaku menyangkal menampik
    membenarkan memberitakan mengabarkan menginformasikan memprediksi""".split()
)
# Verbs that report speech only when "bahwa", a colon, a comma or a quotation follows
# ("menyampaikan bahwa ..." is a claim, "menyampaikan apresiasinya" is not).
INTRODUCED_VERBS = frozenset(
    """menyampaikan menyebut menekankan memperingatkan mengingatkan meminta mendesak menyerukan mengimbau
    berharap mengharapkan berjanji menjanjikan memastikan menolak mengecam mengkritik menanggapi mencatat
    menulis mengisyaratkan menganggap berpesan mengusulkan""".split()
)
# Attribution verbs after a quotation: "..., kata Budi", "..., ujarnya".
ATTRIBUTION_VERBS = (
    "kata|ujar|tutur|ungkap|imbuh|tegas|sebut|jelas|papar|terang|tambah|lanjut|tandas|pungkas|ucap|tulis"
)
PRONOUNS = frozenset({"ia", "dia", "beliau", "mereka", "dirinya"})
# Words after which a new clause, and so a new subject, starts.
CONNECTORS = frozenset(
    """dan namun tetapi tapi sementara sedangkan bahwa kemudian lalu sehingga karena ketika saat
    adapun pun itu selain""".split()
)

_VERB = re.compile(r"\b(?P<v>" + "|".join(sorted(SAYING_VERBS | INTRODUCED_VERBS, key=len, reverse=True)) + r")\b")
_TRAILING_ADVERB = re.compile(
    r"(?:^|\s)(?:juga|pun|pula|telah|sudah|kemudian|lalu|sebelumnya|sendiri|pernah|akan|masih|bahkan|hanya|"
    r"sempat|lantas|langsung|kembali|turut|kini|secara\s+[\w-]+|dalam\s+[\w-]+nya|melalui\s+[\w-]+nya|"
    r"lewat\s+[\w-]+nya)\s*$",
    re.IGNORECASE,
)
_PRONOUN_END = re.compile(r"(?:^|(?<=[\s,(\"“]))(?P<p>ia|dia|beliau|mereka|dirinya)\s*$", re.IGNORECASE)
_INTRO = re.compile(
    r"\s*(?P<mark>[,:])?\s*(?:(?P<bahwa>bahwa\b)|(?=(?P<agar>agar|supaya)\b))?\s*(?P<quote>[\"“])?\s*", re.IGNORECASE
)
# Who was told, between the verb and "bahwa": "mengatakan kepada wartawan bahwa ...".
_ADDRESSEE = re.compile(
    r"\s+(?:kepada|pada)\s+[^,.;:\"“]{1,60}?\s*,?\s*(?P<bahwa>bahwa)\b\s*(?P<quote>[\"“])?\s*", re.I
)
# A bracketed aside between a subject and its verb: "Komisi Pemberantasan Korupsi (KPK) menyatakan".
_ASIDE_END = re.compile(r"\s*\([^()\n]{1,40}\)\s*$")
_COORDINATED = re.compile(
    r"\s+(?:dan|serta)\s+(?:juga\s+|pun\s+|kemudian\s+|lalu\s+)?(?P<v>"
    + "|".join(sorted(SAYING_VERBS | INTRODUCED_VERBS, key=len, reverse=True))
    + r")\b"
)
_QUOTED = re.compile(
    r"(?P<open>[\"“])(?P<content>[^\"“”\n]{6,1500}?)[,.!?]?(?P<close>[\"”])\s*,?\s*"
    rf"(?P<verb>(?:{ATTRIBUTION_VERBS}))(?P<nya>nya)?\b",
    re.IGNORECASE,
)
_UNQUOTED = re.compile(rf",\s*(?P<verb>(?:{ATTRIBUTION_VERBS}))(?P<nya>nya)?\b", re.IGNORECASE)
_MENURUT = re.compile(r"\b[Mm]enurut(?P<nya>nya)?\b")
_NP_STOP = re.compile(
    r"^(?:dalam|pada|di|ke|dari|untuk|menurut|selain|sejak|meski|jika|karena|namun|tetapi|dan)$", re.I
)
_VERB_LIKE = re.compile(r"^(?:me(?:m|n|ng|ny)?|ber)[a-z]{3,}$")


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
    pronoun: bool = False


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
    return last in CONNECTORS


def _subject_start(m: Mention) -> int:
    return m.role_before[1][0] if m.role_before else m.start


def _speaker_before(
    text: str, index: MentionIndex, sentence: Span, verb_start: int
) -> tuple[Span, Mention | None, bool] | None:
    """The speaker ending right before a verb: a mention (with its appositions) or a pronoun."""
    end = _strip_adverbs(text, sentence[0], verb_start)
    aside = _ASIDE_END.search(text, sentence[0], end)
    if aside is not None:
        end = aside.start()
    if end <= sentence[0]:
        return None
    pronoun = _PRONOUN_END.search(text, max(sentence[0], end - 12), end)
    if pronoun and _at_clause_start(text, sentence[0], pronoun.start("p")):
        return pronoun.span("p"), None, True
    mention = index.ending_at(end)
    if mention is None and text[end - 1] == ",":
        comma = end - 1
        inner = comma
        while inner > sentence[0] and text[inner - 1].isspace():
            inner -= 1
        candidate = index.ending_at(inner)  # "Media Korea Utara, KCNA, melaporkan"
        if candidate is not None and candidate.role_before and candidate.role_before[2]:
            mention = candidate
        else:
            mention = index.with_role_after_ending(inner)  # "Yang Moo Jin, Presiden ..., berpendapat"
    if mention is None or not _at_clause_start(text, sentence[0], _subject_start(mention)):
        return None
    return (mention.start, mention.end), mention, False


def _noun_phrase_before(text: str, sentence: Span, verb_start: int) -> Span | None:
    """A short subject with no entity at its end ("Informasi intelijen dari Korea Selatan ...")."""
    end = _strip_adverbs(text, sentence[0], verb_start)
    clause = max(text.rfind(ch, sentence[0], end) for ch in ",;:")
    start = sentence[0] if clause < 0 else clause + 1
    while start < end and text[start].isspace():
        start += 1
    words = text[start:end].split()
    if not 1 <= len(words) <= 10 or _NP_STOP.match(words[0]) or not _at_clause_start(text, sentence[0], start):
        return None
    for i, word in enumerate(words):
        if _VERB_LIKE.match(word.casefold()) and (i == 0 or words[i - 1].casefold() != "yang"):
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
        intro = _ADDRESSEE.match(text, m.end(), sentence[1]) or _intro(text, m.end(), sentence[1])
        introduced = any(intro.groupdict().get(g) for g in ("mark", "bahwa", "agar", "quote"))
        if verb in INTRODUCED_VERBS and not introduced:
            continue
        found = _speaker_before(text, index, sentence, m.start())
        speaker_span, mention, pronoun = found if found else (None, None, False)
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
                content = _content(text, *quoted) if quoted else None
                evidence_start = quoted[0] - 1 if quoted else None
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
                    pronoun=pronoun,
                )
            )
            pos = content_end
            if next_verb is None:
                break
            verb, verb_at = next_verb.group("v"), next_verb.start("v")
    return drafts


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


def _speaker_after(text: str, index: MentionIndex, pos: int, limit: int) -> tuple[Span, Mention | None, bool] | None:
    """The speaker that follows an attribution verb or "menurut": a mention (after a title) or a pronoun."""
    pronoun = re.match(r"\s+(?P<p>ia|dia|beliau|mereka)\b", text[pos:limit], re.IGNORECASE)
    if pronoun:
        return (pos + pronoun.start("p"), pos + pronoun.end("p")), None, True
    for mention in index.between(pos, min(limit, pos + 120)):
        if index.role_owner(mention.start) is not None:
            continue  # "Kremlin" in "juru bicara Kremlin Dmitry Peskov": the speaker is Peskov
        if text[pos : _subject_start(mention)].strip():
            return None
        return (mention.start, mention.end), mention, False
    return None


def _attributed_claims(text: str, index: MentionIndex, sentence: Span) -> list[_Draft]:
    """ "\u201c...,\u201d kata Budi." and "..., ujarnya." and "Menurut X, ..."."""
    drafts = []
    for m in _QUOTED.finditer(text, sentence[0], sentence[1]):
        draft = _attributed(text, index, sentence, m, (m.start("content"), m.end("content")))
        if draft:
            drafts.append(draft)
    if not drafts and not re.search(r"[\"“]", text[sentence[0] : sentence[1]]):
        for m in _UNQUOTED.finditer(text, sentence[0], sentence[1]):
            draft = _attributed(text, index, sentence, m, (sentence[0], m.start()))
            if draft:
                drafts.append(draft)
                break
    found: tuple[Span, Mention | None, bool] | None
    for m in _MENURUT.finditer(text, sentence[0], sentence[1]):
        if m.group("nya"):  # "Menurutnya, ..."
            found = ((m.start(), m.end()), None, True)
            after = m.end()
        else:
            found = _speaker_after(text, index, m.end(), sentence[1])
            if found is None:
                continue
            mention = found[1]
            after = mention.role_after[1][1] if mention and mention.role_after else found[0][1]
        if text[sentence[0] : m.start()].strip():
            content = _content(text, sentence[0], m.start())  # "..., menurut Budi."
        else:
            content = _content(text, after, sentence[1])  # "Menurut Budi, ..."
        if content is None:
            continue
        drafts.append(_draft(text, found, "menurut", (m.start(), m.start() + 7), content))
    return drafts


def _attributed(text: str, index: MentionIndex, sentence: Span, m: re.Match[str], content_span: Span) -> _Draft | None:
    if m.group("nya"):  # "ujarnya": the pronoun is the suffix
        found: tuple[Span, Mention | None, bool] | None = ((m.start("verb"), m.end("nya")), None, True)
    else:
        found = _speaker_after(text, index, m.end("verb"), sentence[1])
    content = _content(text, *content_span)
    if found is None or content is None:
        return None
    draft = _draft(text, found, m.group("verb").lower(), m.span("verb"), content)
    if "open" in m.re.groupindex:
        draft.start = min(draft.start, m.start("open"))  # the evidence is the whole quotation
    return draft


def _draft(text: str, found: tuple[Span, Mention | None, bool], verb: str, verb_span: Span, content: Span) -> _Draft:
    speaker_span, mention, pronoun = found
    return _Draft(
        start=min(speaker_span[0], verb_span[0], content[0]),
        end=max(speaker_span[1], verb_span[1], content[1]),
        verb=verb,
        verb_span=verb_span,
        content_span=content,
        speaker_span=speaker_span,
        speaker=text[speaker_span[0] : speaker_span[1]],
        mention=mention,
        pronoun=pronoun,
    )


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
    last_named: Mention | None = None
    last_person: Mention | None = None
    for n, draft in enumerate(drafts, start=1):
        mention = draft.mention
        if draft.pronoun:
            plural = draft.speaker.casefold() == "mereka"
            mention = (last_named if plural else last_person or last_named) or index.last_before(draft.start, "PERSON")
        elif mention is not None:
            last_named = mention
            if mention.label == "PERSON":
                last_person = mention
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
