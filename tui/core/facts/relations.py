"""Subject - predicate - object triples between the entities of one clause.

A relation is read when a clause opens with an entity (after its appositions), a verb follows
(Indonesian verbs carry me-, ber-, di-, ter- or per-; a few bare ones are listed), and the first
entity after the verb is its object: straight after the verb ("Putin mengunjungi Korea Utara") or
after a preposition ("Trump bertemu dengan Kim Jong Un"). Dates of the sentence and numbers of the
clause are attached ("tiga kali"). Conditional clauses ("jika ...") state nothing and are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from tui.core.facts.claims import CONNECTORS, INTRODUCED_VERBS, REQUEST_VERBS, SAYING_VERBS
from tui.core.facts.clusters import Mention, MentionIndex
from tui.core.facts.model import Attachment, ClaimFact, DateFact, NumberFact, RelationFact, Span
from tui.core.facts.sentences import SentenceIndex

PREPOSITIONS = frozenset(
    "dengan kepada ke dari terhadap bersama melawan atas untuk oleh tentang mengenai terkait antara pada menuju".split()
)
# Nouns of place between a preposition and its object: "ke wilayah Kursk", "di kota Bandung".
PLACE_NOUNS = frozenset("wilayah kota provinsi negara kawasan daerah kabupaten desa pulau perbatasan ibukota".split())
# Words that open a subordinate clause or a new one: the object cannot lie beyond them.
BREAKS = frozenset(
    """yang bahwa karena sehingga ketika saat jika namun tetapi sedangkan sementara agar supaya setelah
    sebelum meski walaupun dan serta atau""".split()
)
CONDITIONALS = frozenset("jika apabila kalau bila seandainya andaikan andai".split())
# Words with a verbal prefix that are not verbs.
NOT_VERBS = frozenset(
    """dia diri dirinya dini dimana diantara diantaranya terhadap termasuk tersebut terkait terutama
    terakhir tertentu terlalu terus tertinggi berbagai beberapa berikut bersama berdasarkan beserta
    mereka menurut melalui mengenai menjelang meski meskipun memang demikian berupa bersama-sama
    semakin""".split()
)
BARE_VERBS = frozenset(
    "tiba pergi datang masuk keluar kembali pulang hadir ikut gagal setuju sepakat lahir tinggal kalah menang".split()
)
_VERB_SHAPE = re.compile(r"^(?:me|ber|be|di|ter|per)[a-z]{3,}(?:-[a-z]+)?$")
_AUXILIARY = re.compile(
    r"\s*(?P<w>telah|sudah|akan|pernah|masih|sempat|baru|kemudian|lalu|pun|juga|segera|langsung|turut|"
    r"dilaporkan|dikabarkan|disebut|tidak|tak|belum|bukan|secara\s+[\w-]+)\b",
    re.IGNORECASE,
)
REPORTING = SAYING_VERBS | INTRODUCED_VERBS | REQUEST_VERBS
_NEGATIONS = frozenset({"tidak", "tak", "belum", "bukan"})
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


class _Located:
    """Facts found by position."""

    def __init__(self, facts: Sequence[DateFact | NumberFact]) -> None:
        self.facts = sorted(facts, key=lambda f: f.start)
        self.starts = [f.start for f in self.facts]

    def inside(self, start: int, end: int) -> list[DateFact | NumberFact]:
        i = bisect_left(self.starts, start)
        found = []
        while i < len(self.facts) and self.facts[i].start < end:
            if self.facts[i].end <= end:
                found.append(self.facts[i])
            i += 1
        return found


def _is_verb(word: str) -> bool:
    return word in BARE_VERBS or (word not in NOT_VERBS and _VERB_SHAPE.match(word) is not None)


def _boundary_word(text: str, sentence_start: int, pos: int) -> str | None:
    """The word before ``pos`` in its sentence ("" at the start, "," after punctuation)."""
    before = text[sentence_start:pos].rstrip()
    if not before:
        return ""
    if not before[-1].isalnum():
        return before[-1]
    return before.rsplit(None, 1)[-1].casefold()


def _subject_start(m: Mention) -> int:
    return m.role_before[1][0] if m.role_before else m.start


def _opens_clause(text: str, index: MentionIndex, sentence: Span, m: Mention) -> tuple[bool, Mention | None]:
    """Whether ``m`` opens a stated clause, and the subject coordinated before it ("Trump dan Putin")."""
    word = _boundary_word(text, sentence[0], _subject_start(m))
    partner = None
    if word == "dan":
        before = text[sentence[0] : _subject_start(m)].rstrip()[:-3].rstrip()
        partner = index.ending_at(sentence[0] + len(before))
        if partner is not None:
            word = _boundary_word(text, sentence[0], _subject_start(partner))
    if word is None or word in CONDITIONALS:
        return False, None
    # A verb of saying opens the clause it reports: "Kemlu mengatakan Jokowi menandatangani ...".
    ok = word == "" or word in ",;:(\"“”'—–-" or word in CONNECTORS or word in REPORTING
    return ok, partner if ok else None


def _verb_after(text: str, m: Mention, sentence: Span) -> tuple[int, bool] | None:
    """Where the verb after subject ``m`` starts (past appositions and auxiliaries), and if it is negated."""
    pos = m.role_after[1][1] if m.role_after else m.end
    if (m.role_before and m.role_before[2]) or m.role_after:
        comma = re.match(r"\s*,", text[pos : pos + 3])
        if comma:
            pos += comma.end()
    aside = re.match(r"\s*\([^()\n]{1,40}\)", text[pos : pos + 44])  # "Komisi ... (KPK) menahan"
    if aside:
        pos += aside.end()
    negated = False
    while (aux := _AUXILIARY.match(text, pos, sentence[1])) is not None:
        negated = negated or aux.group("w").casefold() in _NEGATIONS
        pos = aux.end()
    while pos < sentence[1] and text[pos].isspace():
        pos += 1
    word = _WORD.match(text, pos, sentence[1])
    if word is None or not _is_verb(word.group()):
        return None
    return pos, negated


def _object_after(text: str, index: MentionIndex, verb_start: int, sentence: Span) -> tuple[Mention, int] | None:
    """The first entity after the verb (the owner of a role it sits in), and where the predicate ends."""
    for o in index.between(verb_start, sentence[1]):
        owner = index.role_owner(o.start)
        if owner is not None and owner is not o:
            return owner, _subject_start(owner)
        return o, _subject_start(o)
    return None


def _predicate_ok(words: list[str]) -> bool:
    if not words or len(words) > 8:
        return False
    folded = [w.casefold() for w in words]
    if any(w in BREAKS for w in folded):
        return False
    last = folded[-1]
    if len(words) == 1:
        return last not in REPORTING  # "mengatakan Jokowi ..." reports a clause, it relates no one
    if last in PREPOSITIONS:
        return True
    if last == "di":
        return len(words) == 2  # "tinggal di Jakarta"; not "perang di Ukraina" further on
    return last in PLACE_NOUNS and folded[-2] in PREPOSITIONS | {"di"}


def find_relations(
    text: str,
    index: MentionIndex,
    sentences: SentenceIndex,
    dates: Sequence[DateFact],
    numbers: Sequence[NumberFact],
    claims: Sequence[ClaimFact] = (),
) -> list[RelationFact]:
    """Every relation of the article in document order, with ids "r1", "r2", ..."""
    relations: list[RelationFact] = []
    dated = _Located(dates)
    counted = _Located(numbers)
    contents = sorted((c.content_span, c.id) for c in claims if c.content_span)
    content_starts = [span[0] for span, _ in contents]
    for sentence in sentences.spans:
        for m in index.between(sentence[0], sentence[1]):
            if index.role_owner(m.start) is not None:
                continue  # a place inside someone's office ("Pemimpin Tertinggi Korea Utara")
            opens, partner = _opens_clause(text, index, sentence, m)
            if not opens:
                continue
            verb = _verb_after(text, m, sentence)
            if verb is None:
                continue
            verb_start, negated = verb
            found = _object_after(text, index, verb_start, sentence)
            if found is None:
                continue
            obj, predicate_end = found
            predicate = text[verb_start:predicate_end].strip()
            if re.search(r"[,;:()\"“”]", predicate) or not _predicate_ok(predicate.split()):
                continue
            if obj.entity_id == m.entity_id:
                continue
            clause_end = re.search(r"[,;]|$", text[obj.end : sentence[1]])
            assert clause_end is not None, "$ always matches"
            attachments = tuple(
                Attachment(fact.kind, fact.id, fact.text, fact.start, fact.end)
                for fact in [*dated.inside(*sentence), *counted.inside(verb_start, obj.end + clause_end.start())]
            )
            i = bisect_left(content_starts, m.start + 1) - 1
            reported = contents[i][1] if i >= 0 and obj.end <= contents[i][0][1] else None
            for subject in (partner, m) if partner else (m,):
                start, end = subject.start, obj.end
                relations.append(
                    RelationFact(
                        text=text[start:end],
                        start=start,
                        end=end,
                        sentence=sentences.around(start, end),
                        subject=subject.name,
                        predicate=predicate,
                        object=obj.name,
                        subject_id=subject.entity_id,
                        object_id=obj.entity_id,
                        subject_span=(subject.start, subject.end),
                        predicate_span=(verb_start, verb_start + len(predicate)),
                        object_span=(obj.start, obj.end),
                        attachments=tuple(sorted(attachments, key=lambda a: a.start)),
                        negated=negated,
                        reported_by=reported,
                    )
                )
    return [replace(r, id=f"r{n}") for n, r in enumerate(relations, start=1)]
