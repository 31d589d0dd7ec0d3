"""Train Sorot's Indonesian NER end to end: convert the corpora, then ``spacy train`` with a fixed seed.

    python -m tui.core.nlp.training.train [--data ../shared/data] [--out training/output] [--corpus all]
                                          [--extra FILE.spacy ...] [--set training.max_steps=2000] [--smoke]
                                          [--package [DIR]]

The pipeline selected on dev is ``<out>/model-best``; the converted corpora go to ``<out>/corpus``.
``--package`` then assembles it with the rule components into the pipeline Sorot ships
(``tui/models/sorot_id`` unless a DIR is given). ``--smoke`` trains a few steps on the first
sentences of each corpus, for CI.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.tokens import DocBin
from spacy.vocab import Vocab

from tui.core.nlp import MODEL_DIR
from tui.core.nlp.training.corpora import COMBINED, CORPORA, DEFAULT_DATA_DIR, REPO_ROOT, convert, format_stats

CONFIG_PATH = REPO_ROOT / "training" / "config.cfg"
DEFAULT_OUT = REPO_ROOT / "training" / "output"
SEED = 1  # the shipped pipeline (tui/models/sorot_id) was trained with this seed

MODEL_NAME = "sorot_id_ner"
# Licences as stated upstream (see ../shared/data/SOURCES.md); they travel in the model's meta.json.
SOURCES = {
    "nerui-indolem": {
        "name": "NER UI (indolem/indolem, ner/data/nerui)",
        "url": "https://github.com/indolem/indolem",
        "license": "CC BY 4.0",
    },
    "idner-news-2k": {
        "name": "idner-news-2k (khairunnisaor/idner-news-2k)",
        "url": "https://github.com/khairunnisaor/idner-news-2k",
        "license": "MIT",
    },
    "nergrit-indonlu": {
        "name": "NERGrit (IndoNLP/indonlu, dataset/nergrit_ner-grit)",
        "url": "https://github.com/IndoNLP/indonlu",
        "license": "Apache-2.0 (IndoNLU); NERGrit allows commercial use with attribution",
    },
}

SMOKE_SENTENCES = 30
SMOKE_OVERRIDES: dict[str, Any] = {
    "training.max_steps": 6,
    "training.eval_frequency": 3,
    "training.patience": 0,
    "components.tok2vec.model.encode.width": 32,
    "components.tok2vec.model.encode.depth": 1,
    "components.tok2vec.model.embed.rows": [500, 100, 100, 100],
    "components.ner.model.hidden_width": 16,
}


def merge_docbins(paths: Iterable[Path], out: Path) -> Path:
    """One DocBin holding the docs of all ``paths`` (e.g. a corpus plus exported corrections)."""
    vocab = Vocab()
    merged = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    for path in paths:
        for doc in DocBin().from_disk(path).get_docs(vocab):
            merged.add(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    merged.to_disk(out)
    return out


def train(
    data_dir: Path | str | None = None,
    out_dir: Path | str = DEFAULT_OUT,
    corpus: str = "all",
    config: Path | str = CONFIG_PATH,
    extra: Iterable[Path | str] = (),
    smoke: bool = False,
    seed: int = SEED,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Convert the corpora under ``data_dir`` and train on ``corpus``; returns the best pipeline's path.

    ``corpus`` is one corpus name, ``news`` or ``all``; dev is the same corpus's dev split, which
    selects the checkpoint. ``overrides`` are spaCy config overrides (``{"training.max_steps": 2000}``).
    """
    from spacy.cli.train import train as spacy_train

    from tui.core.nlp import register_components

    register_components()  # the config names Sorot's tokenizer
    out_dir = Path(out_dir)
    corpus_dir = out_dir / "corpus"
    stats = convert(data_dir, corpus_dir, limit=SMOKE_SENTENCES if smoke else 0)
    print(format_stats(stats), flush=True)
    if corpus not in stats:
        raise ValueError(f"corpus {corpus!r} not available; have {', '.join(stats)}")
    train_path = corpus_dir / corpus / "train.spacy"
    extra_paths = [Path(p) for p in extra]
    if extra_paths:
        train_path = merge_docbins([train_path, *extra_paths], corpus_dir / f"{corpus}+extra" / "train.spacy")
    settings: dict[str, Any] = {
        "paths.train": str(train_path),
        "paths.dev": str(corpus_dir / corpus / "dev.spacy"),
        "system.seed": seed,
    }
    if smoke:
        settings.update(SMOKE_OVERRIDES)
    settings.update(overrides or {})
    spacy_train(Path(config), out_dir, use_gpu=-1, overrides=settings)
    parts = COMBINED.get(corpus, (corpus,))
    for model in ("model-best", "model-last"):
        if (out_dir / model).is_dir():
            write_meta(out_dir / model, [SOURCES[p] for p in parts if p in SOURCES], extra_paths, settings)
    return out_dir / "model-best"


def write_meta(model_dir: Path, sources: list[dict[str, str]], extra: list[Path], settings: dict[str, Any]) -> None:
    """Name the pipeline and record its training data and licences in ``meta.json``."""
    path = model_dir / "meta.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["name"] = MODEL_NAME
    meta["description"] = "Indonesian PERSON, ORG and LOC for Sorot, trained on news and Wikipedia NER corpora"
    meta["sources"] = sources + [{"name": p.name, "license": "user corrections"} for p in extra]
    meta["license"] = "; ".join(f"{s['name']}: {s['license']}" for s in sources)
    meta["sorot_training"] = {k: v for k, v in settings.items() if not k.startswith("paths.")}
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _parse_override(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main(argv: list[str] | None = None) -> int:
    corpora = [c.name for c in CORPORA] + list(COMBINED)
    parser = argparse.ArgumentParser(prog="python -m tui.core.nlp.training.train", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="data directory (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--corpus", choices=corpora, default="all", help="training and dev set (default: all)")
    parser.add_argument("--config", type=Path, default=CONFIG_PATH, help="spaCy config (default: %(default)s)")
    parser.add_argument("--extra", type=Path, nargs="*", default=[], metavar="FILE", help="more .spacy training data")
    parser.add_argument(
        "--set",
        type=_parse_override,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="spaCy config override, e.g. components.tok2vec.model.encode.width=128",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--smoke", action="store_true", help="a few steps on a tiny slice (seconds)")
    parser.add_argument(
        "--package",
        type=Path,
        nargs="?",
        const=MODEL_DIR,
        metavar="DIR",
        help="assemble the shipped pipeline from model-best (default DIR: %(const)s)",
    )
    args = parser.parse_args(argv)
    best = train(args.data, args.out, args.corpus, args.config, args.extra, args.smoke, args.seed, dict(args.set))
    print(f"best pipeline: {best}")
    if args.package is not None:
        from tui.core.nlp.training.package import package

        print(f"packaged: {package(best, args.package)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
