"""Speed of the shipped pipeline on long news text, component by component.

    python benchmarks/long_text_speed.py [--model PATH] [--runs 5] [--words 50000] [--data ../shared/data]
    python benchmarks/long_text_speed.py --profile sorot_names [--profile tokenizer ...]

Long documents of about ``--words`` words each: the sample article repeated, and the corpora's
dev sentences joined into paragraphs of eight (without ``../shared/data``, the article alone).
Each run tokenizes every document with ``nlp.make_doc`` and hands it to the pipeline's components
one after another, timing each; the whole pipeline's rate is words (tokens) per second of that
sum, on one process. For each set, a freshly loaded pipeline's first run (its caches empty, as
for the first article a reader opens) and the median of ``--runs`` more; then the rate of
``find_entities``, which feeds a text to the pipeline in pieces of 50,000 characters, one at a
time, as Sorot does. ``--profile NAME`` runs cProfile over one component (or ``tokenizer``) on the same
documents instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.nlp import MODEL_DIR, find_entities, load_pipeline  # noqa: E402
from tui.core.nlp.training.corpora import CORPORA, DEFAULT_DATA_DIR, available_corpora, read_split  # noqa: E402

SENTENCES_PER_PARAGRAPH = 8


def join_long(sentences: list[str], words: int) -> list[str]:
    """``sentences`` as paragraphs of eight, in documents of about ``words`` words."""
    paragraphs = [
        " ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH]) for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]
    docs: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in paragraphs:
        current.append(paragraph)
        count += len(paragraph.split())
        if count >= words:
            docs.append("\n\n".join(current))
            current, count = [], 0
    if current:
        docs.append("\n\n".join(current))
    return docs


def long_texts(data: Path, words: int) -> dict[str, list[str]]:
    """Named sets of long documents."""
    from tui.core.document import sample_article_path

    article = sample_article_path().read_text(encoding="utf-8").strip()
    sets = {"sample article repeated": ["\n\n".join([article] * (words // len(article.split()) + 1))]}
    specs = available_corpora(data, CORPORA)
    if specs:
        sentences = [
            "".join(w + " " * sp for w, sp in zip(s.words, s.spaces))
            for spec in specs
            for s in read_split(data, spec, "dev")[0]
        ]
        sets["dev sentences joined"] = join_long(sentences, words)
    return sets


def timed_run(nlp, texts: list[str]) -> tuple[int, dict[str, float]]:
    """Tokens processed and seconds per step (tokenizer, then each component) over ``texts``."""
    seconds = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    tokens = 0
    clock = time.perf_counter
    for text in texts:
        start = clock()
        doc = nlp.make_doc(text)
        seconds["tokenizer"] += clock() - start
        for name, proc in nlp.pipeline:
            start = clock()
            doc = proc(doc)
            seconds[name] += clock() - start
        tokens += len(doc)
    return tokens, seconds


def profile(nlp, texts: list[str], step: str, top: int) -> None:
    docs = [nlp.make_doc(text) for text in texts]
    profiler = cProfile.Profile()
    for doc in docs:
        for name, proc in nlp.pipeline:
            if name == step:
                profiler.enable()
                proc(doc)
                profiler.disable()
                break
            proc(doc)
        else:
            if step == "tokenizer":
                profiler.runcall(nlp.make_doc, doc.text)
    print(f"\n== {step} ==")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=50_000, help="about this many words per document")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--profile", action="append", default=[], metavar="STEP", help="cProfile a component")
    parser.add_argument("--top", type=int, default=25, help="functions shown per profile")
    args = parser.parse_args(argv)

    nlp = load_pipeline(str(args.model))
    nlp.max_length = max(nlp.max_length, args.words * 20)
    sets = long_texts(args.data, args.words)
    if args.profile:
        for step in args.profile:
            profile(nlp, [t for texts in sets.values() for t in texts], step, args.top)
        return 0

    print(f"pipeline: {args.model} {nlp.pipe_names}")
    print(f"first run of a freshly loaded pipeline (empty caches), then the median of {args.runs} more runs")
    for what, texts in sets.items():
        nlp = load_pipeline(str(args.model))
        nlp.max_length = max(nlp.max_length, args.words * 20)
        tokens, first = timed_run(nlp, texts)
        runs = [timed_run(nlp, texts)[1] for _ in range(args.runs)]
        print(f"\n{what}: {len(texts)} document(s), {tokens:,} words")
        print(f"  {'':<24}{'first':>8}  {'median':>8}  {'median per 7.3k words':>22}")
        for step in first:
            median = statistics.median(seconds[step] for seconds in runs)
            print(f"  {step:<24}{first[step]:8.3f}  {median:8.3f}  {median * 7_300 / tokens:22.3f}")
        totals = [sum(seconds.values()) for seconds in runs]
        print(f"  {'total (s)':<24}{sum(first.values()):8.3f}  {statistics.median(totals):8.3f}")
        rates = [tokens / total for total in totals]
        spread = f"min {min(rates):,.0f}, max {max(rates):,.0f}"
        rate = statistics.median(rates)
        print(f"  words/s: first run {tokens / sum(first.values()):,.0f}; median {rate:,.0f} ({spread})")
        # What Sorot does with a long article: pieces of 50,000 characters through nlp.pipe.
        seconds = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for text in texts:
                find_entities(nlp, text)
            seconds.append(time.perf_counter() - start)
        print(f"  find_entities words/s: median {tokens / statistics.median(seconds):,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
