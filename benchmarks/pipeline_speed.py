"""Speed of the shipped Indonesian pipeline: load time, words per second, size on disk.

    python benchmarks/pipeline_speed.py [--model PATH] [--runs 5] [--data ../shared/data]

Load time is ``spacy.load`` in a fresh interpreter, importing spaCy not counted (median of
``--runs``); spaCy's default Indonesian tokenizer is timed the same way for comparison.
Throughput runs the whole pipeline, tokenizer included, over the corpora's dev sentences (or,
without ``../shared/data``, the sample article's sentences) on one process. Targets: load at
most 1 s, at least 10,000 words/s, at most 30 MB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tui.core.nlp import MODEL_DIR, load_pipeline  # noqa: E402
from tui.core.nlp.training.corpora import CORPORA, DEFAULT_DATA_DIR, available_corpora, read_split  # noqa: E402

LOAD = "import sys, time, spacy\nt = time.perf_counter(); {load}; print(time.perf_counter() - t)\n"
ADD_RULES = (
    'nlp = spacy.blank("id"); from tui.core.nlp.rules import PIPE_NAMES; t = time.perf_counter(); '
    "[nlp.add_pipe(name) for name in PIPE_NAMES]"
)
"""Timed from ``t`` on, in a fresh Python: what adding Sorot's rule components costs (the gazetteer read)."""


def seconds_in_fresh_python(load: str) -> float:
    out = subprocess.run([sys.executable, "-c", LOAD.format(load=load)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def texts(data: Path) -> tuple[str, list[str]]:
    specs = available_corpora(data, CORPORA)
    if specs:
        sentences = [s for spec in specs for s in read_split(data, spec, "dev")[0]]
        return "dev sentences", ["".join(w + " " * sp for w, sp in zip(s.words, s.spaces)) for s in sentences]
    from tui.core.document import sample_article_path

    article = sample_article_path().read_text(encoding="utf-8")
    return "sample article lines x20", [line for line in article.splitlines() if line.strip()] * 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL_DIR)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)

    size = sum(p.stat().st_size for p in args.model.rglob("*") if p.is_file())
    loads = [seconds_in_fresh_python(f"spacy.load({str(args.model)!r})") for _ in range(args.runs)]
    blank = [seconds_in_fresh_python('spacy.blank("id")') for _ in range(args.runs)]
    rules = [seconds_in_fresh_python(ADD_RULES) for _ in range(args.runs)]

    nlp = load_pipeline(str(args.model))
    what, sample = texts(args.data)
    list(nlp.pipe(sample[:50]))  # warm up
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        words = sum(len(doc) for doc in nlp.pipe(sample, batch_size=256))
        rates.append(words / (time.perf_counter() - start))
    print(f"pipeline: {args.model} {nlp.pipe_names}")
    print(f"size on disk: {size / 1e6:.1f} MB (target <= 30 MB)")
    print(f"spacy.load: median {statistics.median(loads):.2f} s, min {min(loads):.2f} s (target <= 1 s)")
    print(f'spacy.blank("id") with spaCy\'s tokenizer, for comparison: median {statistics.median(blank):.2f} s')
    print(f"the rule components added to spacy.blank: median {statistics.median(rules):.2f} s (target <= 0.5 s)")
    print(f"throughput: {statistics.median(rates):,.0f} words/s over {words:,} words of {what} (target >= 10,000)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
