"""Assemble the pipeline Sorot ships: a trained NER, Sorot's tokenizer and the rule components.

    python -m tui.core.nlp.training.package TRAINED_DIR [--out tui/models/sorot_id] [--ensemble joint]

``TRAINED_DIR`` is what ``python -m tui.core.nlp.training.train`` selected (``<out>/model-best``).
The result loads with ``spacy.load`` once Sorot is installed (its components are registered
through entry points) and is what ``sorot`` uses by default.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

from spacy.language import Language

from tui.core.nlp import MODEL_DIR
from tui.core.nlp.ensemble import ENSEMBLES, add_rules
from tui.core.nlp.tokenizer import TOKENIZER_NAME, SorotTokenizer

NAME = "sorot_id"
VERSION = "1.0.0"
"""Bump when the shipped pipeline changes: cached entities are keyed by it (with a weights hash)."""


def assemble(trained: Path | str, mode: str = "joint") -> Language:
    """The trained pipeline with Sorot's tokenizer and the rule components after its NER."""
    import spacy

    # The trained tokenizer is spaCy's default one; its rules are not needed (ours are code).
    nlp = spacy.load(trained, exclude=["tokenizer"], config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})
    assert isinstance(nlp.tokenizer, SorotTokenizer)
    if not nlp.has_pipe("ner"):
        raise ValueError(f"{trained} has no ner component")
    return add_rules(nlp, mode)


def weights_digest(model_dir: Path) -> str:
    """A short hash of the pipeline's weights and config: part of the cache key of its results."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.rglob("*")):
        if path.is_file() and path.name != "meta.json":
            digest.update(path.relative_to(model_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def package(trained: Path | str, out: Path | str = MODEL_DIR, mode: str = "joint") -> Path:
    """Write the shipped pipeline to ``out`` (replacing what is there) and return ``out``."""
    from tui.core.nlp.gazetteer import load_gazetteer

    trained, out = Path(trained), Path(out)
    nlp = assemble(trained, mode)
    trained_meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    meta = nlp.meta
    meta["name"] = NAME
    meta["version"] = VERSION
    meta["description"] = (
        "Indonesian PERSON, ORG and LOC (a CNN NER trained on NER UI, idner-news-2k and NERGrit) with "
        "rule components for dates, times, money, percentages, quantities and document consistency"
    )
    gazetteer_sources = [{"name": k, "license": v} for k, v in load_gazetteer().sources.items()]
    meta["sources"] = trained_meta.get("sources", []) + gazetteer_sources
    meta["license"] = trained_meta.get("license", "")
    meta["sorot_ensemble"] = mode
    meta["sorot_training"] = trained_meta.get("sorot_training", {})
    meta["performance"] = trained_meta.get("performance", {})
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    meta["sorot_weights"] = weights_digest(out)
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tui.core.nlp.training.package", description=__doc__.splitlines()[0]
    )
    parser.add_argument("trained", type=Path, help="a pipeline trained by tui.core.nlp.training.train (model-best)")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="where to write it (default: %(default)s)")
    parser.add_argument("--ensemble", choices=ENSEMBLES, default="joint", help="how model and rules combine")
    args = parser.parse_args(argv)
    out = package(args.trained, args.out, args.ensemble)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
