"""The real-news dev set: articles with hand-made gold, read from ``training/realnews``.

Each ``gold/NN-slug.txt`` is its article with the entities, dates and numbers marked inline as
``⟦text|LABEL⟧`` (GUIDELINES.md in that folder); ``gold/NN-slug.claims.json`` lists its claims.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.nlp.training.corpora import REPO_ROOT

REALNEWS_DIR = REPO_ROOT / "training" / "realnews"
GOLD_LABELS = ("PERSON", "ORG", "LOC", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")
_MARK = re.compile(r"⟦(?P<text>[^⟦⟧|]+)\|(?P<label>[A-Z]+)⟧")


class GoldError(ValueError):
    """A gold file that does not mark its article as the guidelines say."""


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    spans: tuple[GoldSpan, ...]
    claims: tuple[dict[str, Any], ...] = field(default=())
    labels: tuple[str, ...] = GOLD_LABELS
    """The labels the gold marks: predictions of other labels are not scored (the sample's gold marks some)."""


def parse_marked(marked: str) -> tuple[str, list[GoldSpan]]:
    """The plain text of an inline-marked text, and its spans (character offsets in the plain text)."""
    out: list[str] = []
    spans: list[GoldSpan] = []
    length = 0
    last = 0
    for m in _MARK.finditer(marked):
        between = marked[last : m.start()]
        if "⟦" in between or "⟧" in between:
            raise GoldError(f"a broken mark near {marked[max(0, m.start() - 40) : m.start()]!r}")
        out.append(between)
        length += len(between)
        label = m["label"]
        if label not in GOLD_LABELS:
            raise GoldError(f"unknown label {label} on {m['text']!r}")
        text = m["text"]
        if text != text.strip():
            raise GoldError(f"span {text!r} starts or ends with a space")
        spans.append(GoldSpan(length, length + len(text), label, text))
        out.append(text)
        length += len(text)
        last = m.end()
    rest = marked[last:]
    if "⟦" in rest or "⟧" in rest:
        raise GoldError(f"a broken mark near {rest[:40]!r}")
    out.append(rest)
    return "".join(out), spans


def load_article(gold_path: Path, articles_dir: Path | None = None) -> GoldArticle:
    """One gold article, checked against its text in ``articles/``."""
    articles_dir = articles_dir or gold_path.parent.parent / "articles"
    text, spans = parse_marked(gold_path.read_text(encoding="utf-8"))
    original = (articles_dir / gold_path.name).read_text(encoding="utf-8")
    if text != original:
        at = next((i for i, (a, b) in enumerate(zip(text, original)) if a != b), min(len(text), len(original)))
        raise GoldError(
            f"{gold_path.name}: the marked text differs from the article at {at}: {text[at - 20 : at + 20]!r}"
        )
    claims_path = gold_path.with_suffix(".claims.json")
    claims: list[dict[str, Any]] = json.loads(claims_path.read_text(encoding="utf-8")) if claims_path.is_file() else []
    for claim in claims:
        missing = {"speaker", "verb", "content"} - claim.keys()
        if missing:
            raise GoldError(f"{claims_path.name}: a claim without {', '.join(sorted(missing))}")
        if claim["content"] not in text:
            raise GoldError(f"{claims_path.name}: content not in the article: {claim['content'][:60]!r}")
    return GoldArticle(gold_path.stem, text, tuple(spans), tuple(claims))


def load_devset(directory: Path = REALNEWS_DIR) -> list[GoldArticle]:
    """Every gold article of the set, in file order (empty when the folder is absent, as in an sdist)."""
    gold_dir = directory / "gold"
    if not gold_dir.is_dir():
        return []
    return [load_article(p) for p in sorted(gold_dir.glob("*.txt"))]


# -- scoring -------------------------------------------------------------------------------------

NAME_LABELS = ("PERSON", "ORG", "LOC")
DATE_LABELS = ("DATE", "TIME")
NUMBER_LABELS = ("MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")
GROUPS = {"names": NAME_LABELS, "dates": DATE_LABELS, "numbers": NUMBER_LABELS}

Labelled = tuple[int, int, int, str]
"""``(article, start, end, label)``."""


class Rates:
    """Precision, recall and F1 from four counts a subclass gives (``sides``)."""

    def sides(self) -> tuple[int, int, int, int]:
        """``(predicted spans that match, predicted spans, gold spans matched, gold spans)``."""
        raise NotImplementedError

    @property
    def precision(self) -> float:
        pred_hit, pred, _, _ = self.sides()
        return pred_hit / pred if pred else 0.0

    @property
    def recall(self) -> float:
        _, _, gold_hit, gold = self.sides()
        return gold_hit / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        _, pred, _, gold = self.sides()
        return {"p": self.precision, "r": self.recall, "f": self.f1, "gold": gold, "pred": pred}


@dataclass
class Tally(Rates):
    """Counts behind precision and recall: exact spans count once; overlaps per side."""

    gold: int = 0
    pred: int = 0
    gold_hit: int = 0
    pred_hit: int = 0

    def sides(self) -> tuple[int, int, int, int]:
        return self.pred_hit, self.pred, self.gold_hit, self.gold


def _overlaps(a: Labelled, b: Labelled) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def tally(gold: list[Labelled], pred: list[Labelled], labels: tuple[str, ...], how: str) -> Tally:
    """Exact (``how="exact"``), overlapping with the same label (``"overlap"``) or with any label of
    ``labels`` (``"found"``) matches between ``gold`` and ``pred``, over the spans whose label is in ``labels``."""
    g = [s for s in gold if s[3] in labels]
    p = [s for s in pred if s[3] in labels]
    if how == "exact":
        hits = len(set(g) & set(p))
        return Tally(len(g), len(p), hits, hits)

    def matches(a: Labelled, b: Labelled) -> bool:
        return _overlaps(a, b) and (how == "found" or a[3] == b[3])

    by_article: dict[int, list[Labelled]] = {}
    for s in g:
        by_article.setdefault(s[0], []).append(s)
    p_by_article: dict[int, list[Labelled]] = {}
    for s in p:
        p_by_article.setdefault(s[0], []).append(s)
    gold_hit = sum(any(matches(s, t) for t in p_by_article.get(s[0], ())) for s in g)
    pred_hit = sum(any(matches(s, t) for t in by_article.get(s[0], ())) for s in p)
    return Tally(len(g), len(p), gold_hit, pred_hit)


def span_scores(gold: list[Labelled], pred: list[Labelled]) -> dict[str, dict[str, Tally]]:
    """``{how: {label or group: Tally}}`` for exact and overlap matching, and "found" (any number label) per group."""
    out: dict[str, dict[str, Tally]] = {"exact": {}, "overlap": {}, "found": {}}
    for how in ("exact", "overlap"):
        for label in GOLD_LABELS:
            out[how][label] = tally(gold, pred, (label,), how)
        for group, labels in GROUPS.items():
            out[how][group] = tally(gold, pred, labels, how)
    for group, labels in GROUPS.items():
        out["found"][group] = tally(gold, pred, labels, "found")
    return out


def _speaker_key(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.casefold()))


@dataclass
class ClaimScores:
    gold: int = 0
    found: int = 0
    right_speaker: int = 0
    predicted: int = 0
    matched: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def found_share(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def speaker_share(self) -> float:
        return self.right_speaker / self.found if self.found else 0.0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0


def score_claims(article: GoldArticle, predicted: list[Any], scores: ClaimScores) -> None:
    """Adds one article's claims to ``scores``: a gold claim is found when a predicted claim's content
    overlaps its content (each predicted claim matches one gold claim), with the right speaker when
    the names agree word for word (case and punctuation aside)."""
    free = list(predicted)
    scores.predicted += len(predicted)
    for claim in article.claims:
        scores.gold += 1
        start = article.text.find(claim["content"])
        end = start + len(claim["content"])
        match = next(
            (c for c in free if c.content_span is not None and c.content_span[0] < end and start < c.content_span[1]),
            None,
        )
        if match is None:
            scores.misses.append(f"{article.name}: {claim['speaker']} {claim['verb']} {claim['content'][:50]!r}")
            continue
        free.remove(match)
        scores.found += 1
        scores.matched += 1
        if _speaker_key(match.speaker) == _speaker_key(claim["speaker"]):
            scores.right_speaker += 1
        else:
            scores.wrong.append(
                f"{article.name}: {match.speaker!r} for {claim['speaker']!r} ({claim['content'][:40]!r})"
            )


@dataclass
class RealNewsScores:
    articles: int
    words: int
    spans: dict[str, dict[str, Tally]]
    claims: ClaimScores


def evaluate_realnews(nlp: Any, articles: list[GoldArticle]) -> RealNewsScores:
    """Scores of ``nlp`` on the gold articles, read as the reader reads them: the entities its
    highlighting shows (``find_entities``), the claims of its facts panel (``extract_facts``)."""
    from tui.core.facts import extract_facts
    from tui.core.nlp import find_entities

    gold: list[Labelled] = []
    pred: list[Labelled] = []
    claims = ClaimScores()
    words = 0
    for i, article in enumerate(articles):
        entities = find_entities(nlp, article.text)
        gold.extend((i, s.start, s.end, s.label) for s in article.spans)
        pred.extend((i, e.start, e.end, e.label) for e in entities if e.label in article.labels)
        words += len(article.text.split())
        score_claims(article, list(extract_facts(article.text, entities).claims), claims)
    return RealNewsScores(len(articles), words, span_scores(gold, pred), claims)


def format_realnews(scores: RealNewsScores, title: str | None = None) -> str:
    lines = [
        title or f"real news ({scores.articles} articles, {scores.words:,} words; training/realnews)",
        f"  {'label':<10}{'exact P':>9}{'R':>7}{'F1':>7}{'overlap P':>11}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}",
    ]
    for label in (*GOLD_LABELS, *GROUPS):
        e, o = scores.spans["exact"][label], scores.spans["overlap"][label]
        if not e.gold and not e.pred:
            continue
        lines.append(
            f"  {label:<10}{e.precision:>9.3f}{e.recall:>7.3f}{e.f1:>7.3f}"
            f"{o.precision:>11.3f}{o.recall:>7.3f}{o.f1:>7.3f}{e.gold:>7}{e.pred:>7}"
        )
    found = scores.spans["found"]["numbers"]
    lines.append(
        f"  numbers found, any label (overlap): P {found.precision:.3f} R {found.recall:.3f} F1 {found.f1:.3f}"
    )
    c = scores.claims
    if c.gold:
        lines.append(
            f"  claims: {c.found}/{c.gold} found ({c.found_share:.0%}), {c.right_speaker}/{c.found} with the right "
            f"speaker ({c.speaker_share:.0%}); {c.matched}/{c.predicted} of the claims found are in the gold "
            f"({c.precision:.0%})"
        )
    return "\n".join(lines)


def realnews_json(scores: RealNewsScores) -> dict[str, Any]:
    c = scores.claims
    return {
        "articles": scores.articles,
        "words": scores.words,
        **{how: {k: v.as_dict() for k, v in table.items()} for how, table in scores.spans.items()},
        "claims": {
            "gold": c.gold,
            "found": c.found,
            "right_speaker": c.right_speaker,
            "predicted": c.predicted,
            "misses": c.misses,
            "wrong_speaker": c.wrong,
        },
    }


if __name__ == "__main__":  # python -m tui.core.nlp.training.realnews [GOLD_FILE...]: check gold files
    import sys
    from collections import Counter

    paths = [Path(p) for p in sys.argv[1:]] or sorted((REALNEWS_DIR / "gold").glob("*.txt"))
    for path in paths:
        article = load_article(path)
        counts = Counter(s.label for s in article.spans)
        print(
            f"{article.name}: ok, {len(article.claims)} claims, "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        )
