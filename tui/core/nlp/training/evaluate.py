"""Precision, recall and F1 per label on the corpora's dev splits, the sample article and the real-news dev set.

The corpora are scored exact-span on PERSON/ORG/LOC, each sentence its own document; the sample
and the real-news articles (``training/realnews``) exact and overlapping, on every label, and on
their claims, as the reader finds them (``find_entities``, then the facts).

Usage:
    python -m tui.core.nlp.training.evaluate                                              # the shipped pipeline
    python -m tui.core.nlp.training.evaluate MODEL_DIR [--data ../shared/data]            # a trained pipeline
    python -m tui.core.nlp.training.evaluate MODEL_DIR --with-rules [--ensemble joint]    # NER, then the rules
    python -m tui.core.nlp.training.evaluate --rules                                      # the rule pipeline

``--speed`` adds load time, words/s on the dev text and size on disk; ``--json`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from tui.core.nlp.ensemble import ENSEMBLES, add_rules, span_label
from tui.core.nlp.training.corpora import (
    CORPORA,
    DEFAULT_DATA_DIR,
    LABELS,
    REPO_ROOT,
    Sentence,
    available_corpora,
    read_split,
)
from tui.core.nlp.training.realnews import (
    REALNEWS_DIR,
    GoldArticle,
    GoldSpan,
    Rates,
    RealNewsScores,
    evaluate_realnews,
    format_realnews,
    load_devset,
    realnews_json,
)

GOLD_PATH = REPO_ROOT / "tests" / "data" / "000_509a6613fde4a62d.gold.json"
ALL = "ALL"

LabelledSpan = tuple[int, int, str] | tuple[int, int, int, str]
"""``(start, end, label)``, or ``(sentence, start, end, label)``: the label comes last."""


@dataclass(frozen=True)
class Score(Rates):
    """Exact matches: ``tp`` spans in both, ``fp`` predicted only, ``fn`` gold only."""

    tp: int
    fp: int
    fn: int

    def sides(self) -> tuple[int, int, int, int]:
        return self.tp, self.tp + self.fp, self.tp, self.tp + self.fn


def score_spans(
    gold: Iterable[LabelledSpan], predicted: Iterable[LabelledSpan], labels: Sequence[str] | None = None
) -> dict[str, Score]:
    """Exact-match scores per label and micro-averaged over them (``ALL``); a span's last item is its label.

    With ``labels``, spans of other labels are ignored on both sides; otherwise every label seen counts.
    """
    gold_set, pred_set = set(gold), set(predicted)
    if labels is None:
        labels = sorted({s[-1] for s in gold_set | pred_set})
    gold_set = {s for s in gold_set if s[-1] in labels}
    pred_set = {s for s in pred_set if s[-1] in labels}
    scores = {}
    for label in labels:
        g = {s for s in gold_set if s[-1] == label}
        p = {s for s in pred_set if s[-1] == label}
        scores[label] = Score(len(g & p), len(p - g), len(g - p))
    scores[ALL] = Score(len(gold_set & pred_set), len(pred_set - gold_set), len(gold_set - pred_set))
    return scores


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end, label)`` of valid BIO tags."""
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            spans.append((start, i, label))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start, label = i, tag[2:]
    return spans


def evaluate_sentences(nlp: Language, sentences: Sequence[Sentence]) -> dict[str, Score]:
    """PERSON/ORG/LOC scores of ``nlp`` on gold-tokenised sentences (the tokenizer is bypassed)."""
    gold: list[LabelledSpan] = []
    pred: list[LabelledSpan] = []
    docs = (Doc(nlp.vocab, words=s.words, spaces=s.spaces) for s in sentences)
    for i, (sentence, doc) in enumerate(zip(sentences, nlp.pipe(docs, batch_size=256), strict=True)):
        gold.extend((i, start, end, label) for start, end, label in bio_spans(sentence.tags))
        pred.extend((i, e.start, e.end, span_label(e)) for e in doc.ents)
    return score_spans(gold, pred, LABELS)


# -- pipelines -----------------------------------------------------------------------------------


def load_evaluated(
    model: str | Path | None, with_rules: bool = False, ensemble: str = "joint", rules: bool = False
) -> Language:
    """The pipeline to score: ``model``, ``model`` followed by the rules, the rules alone (``rules``),
    or (neither) the shipped pipeline, as the reader loads it."""
    import spacy

    from tui.core.nlp import load_pipeline
    from tui.core.nlp.rules import build_rule_pipeline

    if rules:
        return build_rule_pipeline()
    if model is None:
        return load_pipeline()
    nlp = spacy.load(model)
    return add_rules(nlp, ensemble) if with_rules else nlp


# -- speed ---------------------------------------------------------------------------------------


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def load_seconds(model: str | Path) -> float:
    """Seconds ``spacy.load(model)`` takes in a fresh interpreter (importing spaCy not counted)."""
    code = "import sys, time, spacy\nt = time.perf_counter(); spacy.load(sys.argv[1]); print(time.perf_counter() - t)\n"
    out = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def words_per_second(nlp: Language, texts: Sequence[str]) -> float:
    """Throughput of the whole pipeline, tokenizer included, over ``texts``."""
    list(nlp.pipe(texts[:50]))  # warm up caches
    start = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=256))
    return words / (time.perf_counter() - start)


# -- command line --------------------------------------------------------------------------------


def evaluate_corpora(nlp: Language, data_dir: Path) -> dict[str, dict[str, Score]]:
    """PERSON/ORG/LOC scores on every available dev split, each sentence its own document, keyed by name."""
    return {
        f"{spec.name} dev": evaluate_sentences(nlp, read_split(data_dir, spec, "dev")[0])
        for spec in available_corpora(data_dir, CORPORA)
    }


def sample_text(gold_path: Path, gold: dict[str, Any]) -> str:
    document = str(gold["document"])
    text_path = REPO_ROOT / "seeds" / document
    if not text_path.is_file():
        text_path = gold_path.parent / document
    return text_path.read_text(encoding="utf-8")


def sample_article(gold_path: Path = GOLD_PATH) -> GoldArticle | None:
    """The sample article's gold as a real-news gold article (names, dates and numbers; no claims)."""
    if not gold_path.is_file():
        return None
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = sample_text(gold_path, gold)
    spans = sorted(
        (
            GoldSpan(g["start"], g["end"], g["label"], text[g["start"] : g["end"]])
            for key in ("entities", "dates", "numbers")
            for g in gold.get(key, [])
        ),
        key=lambda s: s.start,
    )
    return GoldArticle(gold["document"], text, tuple(spans), labels=tuple(sorted({s.label for s in spans})))


def format_scores(title: str, scores: dict[str, Score]) -> str:
    lines = [title, f"  {'label':<10}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}{'pred':>7}"]
    for label, s in scores.items():
        lines.append(f"  {label:<10}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp + s.fn:>7}{s.tp + s.fp:>7}")
    return "\n".join(lines)


def format_results(corpora: dict[str, dict[str, Score]], articles: dict[str, RealNewsScores]) -> str:
    blocks = [format_scores(f"{name} (PERSON/ORG/LOC, exact)", scores) for name, scores in corpora.items()]
    for name, scores in articles.items():
        blocks.append(
            format_realnews(scores, "sample article (the labels its gold marks)" if name == "sample" else None)
        )
    summary = [f"{name} {scores[ALL].f1:.3f}" for name, scores in corpora.items()]
    summary += [f"{name} {scores.spans['exact']['names'].f1:.3f}" for name, scores in articles.items()]
    blocks.append(f"exact-span F1, PERSON/ORG/LOC: {'  '.join(summary)}")
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.core.nlp.training.evaluate", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "model", nargs="?", type=Path, help="a trained pipeline directory (default: the shipped pipeline)"
    )
    parser.add_argument("--rules", action="store_true", help="evaluate the rule pipeline instead of a model")
    parser.add_argument("--with-rules", action="store_true", help="run the rule components after the model")
    parser.add_argument(
        "--ensemble",
        choices=ENSEMBLES,
        default="joint",
        help="how model and rule entities combine (default: joint, longest span first)",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="data directory (default: %(default)s)")
    parser.add_argument("--gold", type=Path, default=GOLD_PATH, help="gold file of the sample article")
    parser.add_argument(
        "--realnews", type=Path, default=REALNEWS_DIR, help="the real-news dev set's folder (default: %(default)s)"
    )
    parser.add_argument("--speed", action="store_true", help="also report load time, words/s and size")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.model is not None and args.rules:
        parser.error("give MODEL_DIR or --rules, not both")
    nlp = load_evaluated(args.model, args.with_rules, args.ensemble, rules=args.rules)
    corpora = evaluate_corpora(nlp, args.data)
    articles: dict[str, RealNewsScores] = {}
    sample = sample_article(args.gold)
    if sample is not None:
        articles["sample"] = evaluate_realnews(nlp, [sample])
    devset = load_devset(args.realnews)
    if devset:
        articles["realnews"] = evaluate_realnews(nlp, devset)
    speed = {}
    if args.speed:
        texts = [
            Doc(nlp.vocab, words=s.words, spaces=s.spaces).text
            for spec in available_corpora(args.data, CORPORA)
            for s in read_split(args.data, spec, "dev")[0]
        ]
        speed["words_per_second"] = words_per_second(nlp, texts)
        if args.model is not None:
            speed["load_seconds"] = load_seconds(args.model)
            speed["size_bytes"] = directory_size(args.model)
    if args.json:
        out: dict[str, Any] = {name: {k: v.as_dict() for k, v in scores.items()} for name, scores in corpora.items()}
        out.update({name: realnews_json(scores) for name, scores in articles.items()})
        print(json.dumps({"pipeline": nlp.pipe_names, "results": out, "speed": speed}, indent=2))
        return 0
    print(f"pipeline: {'rules' if args.rules else args.model or 'shipped'} {nlp.pipe_names}\n")
    print(format_results(corpora, articles))
    if speed:
        line = f"speed: {speed['words_per_second']:,.0f} words/s on the dev text"
        if "load_seconds" in speed:
            line += f", spacy.load {speed['load_seconds']:.2f} s, {speed['size_bytes'] / 1e6:.1f} MB on disk"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
