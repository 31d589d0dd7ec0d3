"""The pipeline Sorot ships: what it is, where it came from, and how well it does on dev."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui.core.nlp import MODEL_DIR, load_pipeline
from tui.core.nlp.training.corpora import CORPORA, DEFAULT_DATA_DIR, available_corpora, read_split
from tui.core.nlp.training.evaluate import ALL, evaluate_sentences
from tui.core.nlp.training.package import weights_digest

META = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped():
    return load_pipeline()


def test_it_is_small_enough_to_ship_inside_the_package() -> None:
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size <= 30 * 1024 * 1024


def test_its_meta_names_its_training_data_licences_and_weights() -> None:
    assert META["name"] == "sorot_id" and META["lang"] == "id"
    licences = {source["name"].split()[0]: source["license"] for source in META["sources"]}
    assert licences["NER"] == "CC BY 4.0" and licences["idner-news-2k"] == "MIT"
    assert "Apache-2.0" in licences["NERGrit"]
    assert META["sorot_weights"] == weights_digest(MODEL_DIR)  # the cache key follows the weights


def test_its_ner_knows_three_labels_and_the_rules_add_the_rest(shipped) -> None:
    assert set(shipped.get_pipe("ner").labels) == {"PERSON", "ORG", "LOC"}
    doc = shipped("Pada Selasa (2/12/2014) pukul 10.30 WIB, Bank Indonesia menyalurkan Rp 500 juta, naik 90 persen.")
    labels = {e.label_ for e in doc.ents}
    assert {"DATE", "TIME", "MONEY", "PERCENT", "ORG"} <= labels


def test_spacy_loads_it_without_importing_sorot_first() -> None:
    # Entry points register Sorot's tokenizer and components for any spaCy user.
    code = f"import spacy, sys; nlp = spacy.load({str(MODEL_DIR)!r}); print(nlp('Presiden Joko Widodo').ents)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Joko Widodo" in out.stdout


def test_spacy_finds_the_gazetteer_function_without_importing_sorot_first() -> None:
    # What a config naming "sorot.gazetteer.v1" resolves to in any spaCy program (an entry point).
    code = (
        "import sys; from spacy.util import registry\n"
        "gazetteer = registry.misc.get('sorot.gazetteer.v1')()\n"
        "print(type(gazetteer).__name__, 'Jakarta' in gazetteer.names)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["Gazetteer", "True"]


# Dev-split floors just under today's scores: a retrained or re-tuned pipeline must not quietly regress.
FLOORS = {"nerui-indolem": 0.87, "idner-news-2k": 0.77, "nergrit-indonlu": 0.71}


@pytest.mark.skipif(not available_corpora(DEFAULT_DATA_DIR), reason="needs ../shared/data")
@pytest.mark.parametrize("spec", CORPORA, ids=[c.name for c in CORPORA])
def test_dev_scores_stay_above_their_floors(shipped, spec) -> None:
    sentences, _ = read_split(DEFAULT_DATA_DIR, spec, "dev")
    assert evaluate_sentences(shipped, sentences)[ALL].f1 >= FLOORS[spec.name]
