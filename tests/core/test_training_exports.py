"""The training exports through their consumers: the spaCy DocBin through ``spacy debug data`` and
``spacy train``, the Prodigy tasks against Prodigy's documented NER task format and hashing.

The story: a reader corrects the model's entities in two articles (adds, relabels, rejects with and
without a label), highlights passages and writes hostile notes (quotes, commas, line breaks, a bare
CR, markup, a character outside the BMP, terminal escape codes), then exports training data.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from spacy.tokens import DocBin, Span
from spacy.vocab import Vocab

from tui.core.annotations import Annotation, DocumentRef, make_annotation
from tui.core.entities import Entity
from tui.core.formats import ExportError, ExportItem, document_item, export, render
from tui.core.formats.training import HIGHLIGHTS, NOTE_ATTR, NOTES, TAGS_ATTR, set_hashes
from tui.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
DAM = (
    "Bendungan baru diresmikan\n\n"
    "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin pagi. Bendungan itu menelan "
    "biaya Rp 2,1 triliun.\n"
    "Menteri Basuki Hadimuljono mengatakan PT Waskita Karya menyelesaikan proyek Jakarta-Semarang "
    "tepat waktu. Momentum itu disambut warga.\n"
)
FLOOD = (
    "Banjir melanda Semarang\n\n"
    "Wali Kota Semarang Hevearita Gunaryanti Rahayu meninjau lokasi banjir di Kali Garang. "
    "Badan Penanggulangan Bencana Daerah mencatat 1.200 rumah terendam. Warga Genuk mengungsi.\n"
)
MODEL = {
    "Joko Widodo": "PERSON",
    "Jawa Tengah": "LOC",
    "Basuki Hadimuljono": "ORG",
    "Waskita Karya": "LOC",
    "Momentum": "PERSON",
    "Semarang": "LOC",
    "Badan Penanggulangan Bencana Daerah": "LOC",
    "Genuk": "PERSON",
}
HOSTILE = 'Cek "angka", lagi;\nbaris dua\rCR\r\n<b>[bold]x[/]</b> 🦜 \x1b]0;pwned\x07 \x1b[31mmerah\x9b1m =1+1'


def find(text: str) -> list[Entity]:
    """A stand-in for the pipeline: the entities of MODEL wherever they occur."""
    found = []
    for phrase, label in MODEL.items():
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", text):
            found.append(Entity(match.start(), match.end(), label, phrase))
    return sorted(found)


def annotate(text: str, doc: DocumentRef, passage: str, kind: str = "highlight", **kwargs: Any) -> Annotation:
    start = text.index(passage)
    return make_annotation(text, start, start + len(passage), kind, document=doc, **kwargs)


def corrected_items(directory: Path = Path("/home/pembaca/berita"), edition: int = 0) -> list[ExportItem]:
    """The two corrected articles (``edition`` > 0: a copy with its own first line, for a larger corpus)."""
    head = f"Edisi {edition}\n" if edition else ""
    dam_text, flood_text = head + DAM, head + FLOOD
    suffix = f"-{edition}" if edition else ""
    dam = DocumentRef.for_text(dam_text, str(directory / f"bendungan{suffix}.txt"), "Bendungan baru diresmikan")
    flood = DocumentRef.for_text(flood_text, str(directory / f"banjir{suffix}.txt"), "Banjir melanda Semarang")
    dam_notes = [
        annotate(dam_text, dam, "Rp 2,1 triliun", "note", note=HOSTILE, tags=["anggaran", "🦜"]),
        annotate(dam_text, dam, "Presiden Joko Widodo", colour="kuning", tags=["tokoh"]),
        annotate(dam_text, dam, "bendungan di Jawa", "highlight"),  # not on an entity's edges: widened, never cut
        annotate(dam_text, dam, "Senin pagi", "entity-add", label="DATE"),
        annotate(dam_text, dam, "Basuki Hadimuljono", "entity-relabel", label="PER"),
        annotate(dam_text, dam, "Waskita Karya", "entity-reject", note="bukan tempat"),
        annotate(dam_text, dam, "Momentum", "entity-reject", label="PERSON"),
        annotate(dam_text, dam, "Jakarta", "entity-add", label="LOC"),
    ]
    flood_notes = [
        annotate(flood_text, flood, "Hevearita Gunaryanti Rahayu", "entity-add", label="PERSON"),
        annotate(flood_text, flood, "Badan Penanggulangan Bencana Daerah", "entity-relabel", label="ORG"),
        annotate(flood_text, flood, "Genuk", "entity-reject"),
        annotate(flood_text, flood, "1.200 rumah terendam", "note", note='angka\u2028resmi?\r\n"BPBD"'),
    ]
    return [
        document_item(dam_text, dam, dam_notes, find(dam_text)),
        document_item(flood_text, flood, flood_notes, find(flood_text)),
    ]


def docbin(items: list[ExportItem], **options: Any) -> list:
    out = io.BytesIO()
    export("spacy", items, out, options=options)
    return list(DocBin().from_bytes(out.getvalue()).get_docs(Vocab()))


def tasks(items: list[ExportItem], **options: Any) -> list[dict[str, Any]]:
    text, _ = render("prodigy", items, options=options)
    return [json.loads(line) for line in text.splitlines()]


# -- spaCy: what is reviewed, and what rides along ------------------------------------------------------


def test_only_what_the_reader_reviewed_is_annotation_the_rest_is_missing() -> None:
    dam, flood = docbin(corrected_items())
    assert [(e.text, e.label_) for e in dam.ents] == [
        ("Senin pagi", "DATE"),
        ("Basuki Hadimuljono", "PERSON"),
        ("Jakarta", "LOC"),
    ]
    iob = {t.text: t.ent_iob_ for t in dam}
    assert iob["Waskita"] == iob["Karya"] == iob["Momentum"] == "O"  # rejected: known to be no entity
    assert iob["Joko"] == iob["Widodo"] == iob["meresmikan"] == ""  # missing: not reviewed
    assert {t.ent_iob for t in dam if t.text in ("Joko", "Tengah", "waktu")} == {0}  # ENT_IOB 0, as DocBin keeps it
    assert [(e.text, e.label_) for e in flood.ents] == [
        ("Hevearita Gunaryanti Rahayu", "PERSON"),
        ("Badan Penanggulangan Bencana Daerah", "ORG"),
    ]
    assert [t.ent_iob_ for t in flood if t.text == "Genuk"] == ["O"]
    assert all(not doc.user_data["sorot"]["reviewed"] for doc in (dam, flood))


def test_reviewed_documents_confirm_the_models_entities_and_every_other_token_is_o() -> None:
    dam, _ = docbin(corrected_items(), reviewed=True)
    assert [(e.text, e.label_) for e in dam.ents] == [
        ("Joko Widodo", "PERSON"),
        ("Jawa Tengah", "LOC"),
        ("Senin pagi", "DATE"),
        ("Basuki Hadimuljono", "PERSON"),
        ("Jakarta", "LOC"),
        ("Semarang", "LOC"),  # the model's, confirmed with the rest
    ]
    assert all(t.ent_iob_ == "O" for t in dam if not t.ent_type_)
    assert dam.user_data["sorot"]["reviewed"] is True


def test_highlights_and_hostile_notes_survive_the_docbin_in_span_groups() -> None:
    items = corrected_items()
    dam, flood = docbin(items)
    if not Span.has_extension(NOTE_ATTR):  # a reader of the DocBin registers them to read them
        Span.set_extension(NOTE_ATTR, default=None)
        Span.set_extension(TAGS_ATTR, default=None)
    highlights = [(s.text, s.label_, s._.get(TAGS_ATTR)) for s in dam.spans[HIGHLIGHTS]]
    assert highlights == [("Presiden Joko Widodo", "kuning", ("tokoh",)), ("bendungan di Jawa", "highlight", None)]
    (note,) = dam.spans[NOTES]
    assert (note.text, note.label_, note._.get(NOTE_ATTR), note._.get(TAGS_ATTR)) == (
        "Rp 2,1 triliun",
        "note",
        HOSTILE,  # every character as written: quotes, CR, markup, escape codes, the parrot
        ("anggaran", "🦜"),
    )
    assert note.id_ == next(a.id for a in items[0].annotations if a.kind == "note")
    assert [s._.get(NOTE_ATTR) for s in flood.spans[NOTES]] == ['angka\u2028resmi?\r\n"BPBD"']
    # A highlight edge inside an entity-free stretch widens to whole tokens instead of cutting one.
    assert "bendungan" in [t.text for t in dam]


def test_user_data_names_the_file_not_where_it_lives() -> None:
    for doc in docbin(corrected_items(Path("/home/pembaca/rahasia"))):
        assert set(doc.user_data["sorot"]) == {"source", "title", "sha256", "reviewed"}
        assert doc.user_data["sorot"]["source"] in ("bendungan.txt", "banjir.txt")
        assert "rahasia" not in repr(doc.user_data) and "/home" not in repr(doc.user_data)


# -- spaCy's own validators --------------------------------------------------------------------------


def _spacy_cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "spacy", *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _tiny_config(path: Path) -> Path:
    """A blank Indonesian pipeline with a small NER, for one quick epoch."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="id", pipeline=["ner"], optimize="efficiency")
    config["components"]["tok2vec"]["model"]["encode"]["width"] = 32
    config["components"]["tok2vec"]["model"]["encode"]["depth"] = 1
    config["components"]["tok2vec"]["model"]["embed"]["rows"] = [500, 100, 200, 200]
    config["components"]["ner"]["model"]["hidden_width"] = 16
    config["training"]["max_steps"] = 0
    config["training"]["eval_frequency"] = 10
    config.to_disk(path)
    return path


# spaCy's debug data calls fewer than 100 examples for a new pipeline an error: export 110.
EDITIONS = 55


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("corpus")
    items = [item for edition in range(1, EDITIONS + 1) for item in corrected_items(edition=edition)]
    for name, options in (("partial", {}), ("reviewed", {"reviewed": True})):
        out = tmp / f"{name}.spacy"
        export("spacy", items, out, options=options)
    return {"dir": tmp, "config": _tiny_config(tmp / "config.cfg")}


@pytest.mark.parametrize("name", ["partial", "reviewed"])
def test_spacy_debug_data_finds_no_error(corpus: dict[str, Path], name: str) -> None:
    data = corpus["dir"] / f"{name}.spacy"
    run = _spacy_cli("debug", "data", corpus["config"], "--paths.train", data, "--paths.dev", data, cwd=corpus["dir"])
    assert run.returncode == 0, run.stdout + run.stderr
    summary = re.search(r"(\d+) checks? passed(?:, (\d+) warnings?)?(?:, (\d+) errors?)?", run.stdout)
    assert summary is not None and summary.group(3) is None, run.stdout  # no "N errors" in the summary
    assert "✘" not in run.stdout, run.stdout
    assert f"{2 * EDITIONS} training docs" in run.stdout
    assert "Pipeline can be initialized with data" in run.stdout and "Corpus is loadable" in run.stdout


def test_one_epoch_of_spacy_train_on_the_docbin(corpus: dict[str, Path]) -> None:
    data = corpus["dir"] / "partial.spacy"
    out = corpus["dir"] / "model"
    run = _spacy_cli(
        "train", corpus["config"], "--paths.train", data, "--paths.dev", data, "--training.max_epochs", "1",
        "--output", out, cwd=corpus["dir"],
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert (out / "model-last" / "ner").is_dir()


# -- Prodigy ------------------------------------------------------------------------------------------

# Prodigy's NER task, as its documentation describes it ("Annotation task formats": ner and ner_manual,
# and "Loaders and Input Data": hashing): a text, its tokens, spans with character and token offsets
# and a label, the answer, and the two integer hashes. Prodigy's hashes are 32-bit signed integers.
INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
PRODIGY_NER_TASK = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["text", "tokens", "spans", "answer", "_input_hash", "_task_hash"],
    "properties": {
        "text": {"type": "string"},
        "tokens": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["text", "start", "end", "id"],
                "properties": {
                    "text": {"type": "string"},
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 0},
                    "id": {"type": "integer", "minimum": 0},
                    "ws": {"type": "boolean"},
                },
            },
        },
        "spans": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start", "end", "label"],
                "properties": {
                    "start": {"type": "integer", "minimum": 0},
                    "end": {"type": "integer", "minimum": 0},
                    "token_start": {"type": "integer", "minimum": 0},
                    "token_end": {"type": "integer", "minimum": 0},
                    "label": {"type": "string", "minLength": 1},
                    "text": {"type": "string"},
                },
            },
        },
        "answer": {"enum": ["accept", "reject", "ignore"]},
        "meta": {"type": "object"},
        "_input_hash": INT32,
        "_task_hash": INT32,
    },
}


def _check_task(task: dict[str, Any]) -> None:
    jsonschema.validate(task, PRODIGY_NER_TASK, cls=jsonschema.Draft202012Validator)
    text, tokens = task["text"], task["tokens"]
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    assert all(text[t["start"] : t["end"]] == t["text"] for t in tokens)
    for span in task["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]


def test_prodigy_tasks_are_binary_for_what_the_reader_reviewed() -> None:
    """By default only the spans the reader added, relabelled or rejected are tasks, one span each
    (as ner.teach records them): the untouched model entities ("Joko Widodo") are no annotation."""
    found = tasks(corrected_items())
    for task in found:
        _check_task(task)
    assert [(t["answer"], [(s["text"], s["label"]) for s in t["spans"]]) for t in found] == [
        ("accept", [("Senin pagi", "DATE")]),
        ("accept", [("Basuki Hadimuljono", "PERSON")]),
        ("accept", [("Jakarta", "LOC")]),
        ("reject", [("Waskita Karya", "LOC")]),  # the model's label, as the reader rejected it
        ("reject", [("Momentum", "PERSON")]),
        ("accept", [("Hevearita Gunaryanti Rahayu", "PERSON")]),
        ("accept", [("Badan Penanggulangan Bencana Daerah", "ORG")]),
        ("reject", [("Genuk", "PERSON")]),
    ]


def test_prodigy_tasks_match_the_documented_ner_format() -> None:
    found = tasks(corrected_items(), reviewed=True)
    for task in found:
        _check_task(task)
    assert [(t["answer"], [(s["text"], s["label"]) for s in t["spans"]]) for t in found] == [
        ("accept", [("Joko Widodo", "PERSON"), ("Jawa Tengah", "LOC"), ("Senin pagi", "DATE"),
                    ("Basuki Hadimuljono", "PERSON"), ("Jakarta", "LOC"), ("Semarang", "LOC")]),
        ("reject", [("Waskita Karya", "LOC")]),  # the model's label, as the reader rejected it
        ("reject", [("Momentum", "PERSON")]),
        ("accept", [("Semarang", "LOC"), ("Semarang", "LOC"), ("Hevearita Gunaryanti Rahayu", "PERSON"),
                    ("Badan Penanggulangan Bencana Daerah", "ORG")]),
        ("reject", [("Genuk", "PERSON")]),
    ]  # fmt: skip
    assert {t["meta"]["source"] for t in found} == {"bendungan.txt", "banjir.txt"}


def test_labels_keep_only_those_entities_and_rejections() -> None:
    text, _ = render("prodigy", corrected_items(), labels={"LOC"})
    found = [json.loads(line) for line in text.splitlines()]
    assert {s["label"] for t in found for s in t["spans"]} == {"LOC"}
    assert [t["spans"][0]["text"] for t in found if t["answer"] == "reject"] == ["Waskita Karya"]


def test_prodigy_hashes_follow_the_input_and_the_task() -> None:
    found = tasks(corrected_items())
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for task in found:
        by_doc.setdefault(task["text"], []).append(task)
    for same_text in by_doc.values():
        assert len({t["_input_hash"] for t in same_text}) == 1  # same input, same input hash
        assert len({t["_task_hash"] for t in same_text}) == len(same_text)  # different spans, different tasks
    assert len({t["_input_hash"] for t in found}) == 2
    # The hash is MurmurHash3 x86 32-bit, signed, seed 0 (its published test vector for "abc" is 0xB3DD93FA).
    from tui.core.formats.training import _murmur

    assert _murmur("abc") == 0xB3DD93FA - 2**32
    # What is not input or task (answer, meta) changes neither hash; a label does change the task's.
    task = {"text": "Joko Widodo datang.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}]}
    first = set_hashes(dict(task))
    assert set_hashes({**task, "answer": "reject", "meta": {"x": 1}})["_task_hash"] == first["_task_hash"]
    relabelled = set_hashes({**task, "spans": [{"start": 0, "end": 11, "label": "ORG"}]})
    assert relabelled["_input_hash"] == first["_input_hash"] and relabelled["_task_hash"] != first["_task_hash"]


def test_prodigy_hashes_are_the_same_in_another_process() -> None:
    """Stable across runs: Python's own str hash is salted per process; these must not be."""
    script = (
        "import json; from tests.core.test_training_exports import tasks, corrected_items\n"
        "print(json.dumps([(t['_input_hash'], t['_task_hash']) for t in tasks(corrected_items())]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed},
        )  # fmt: skip
        for seed in ("1", "2")
    ]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    here = [[t["_input_hash"], t["_task_hash"]] for t in tasks(corrected_items())]
    assert json.loads(runs[0].stdout) == json.loads(runs[1].stdout) == here


def test_sentence_tasks_rebase_spans_and_tokens_to_their_sentence() -> None:
    binary = tasks(corrected_items(), split="sentences")
    assert [(t["text"].split()[0], t["spans"][0]["text"], t["spans"][0]["start"]) for t in binary[:2]] == [
        ("Presiden", "Senin pagi", 62),
        ("Menteri", "Basuki Hadimuljono", 8),
    ]
    found = tasks(corrected_items(), split="sentences", reviewed=True)
    for task in found:
        _check_task(task)
        meta = task["meta"]
        whole = DAM if meta["source"] == "bendungan.txt" else FLOOD
        assert whole[meta["sentence_start"] : meta["sentence_end"]] == task["text"]
    accepted = [t for t in found if t["answer"] == "accept"]
    assert [t["text"] for t in accepted if t["meta"]["source"] == "bendungan.txt"] == [
        "Bendungan baru diresmikan",
        "Presiden Joko Widodo meresmikan bendungan di Jawa Tengah pada Senin pagi.",
        "Bendungan itu menelan biaya Rp 2,1 triliun.",
        "Menteri Basuki Hadimuljono mengatakan PT Waskita Karya menyelesaikan proyek Jakarta-Semarang tepat waktu.",
        "Momentum itu disambut warga.",
    ]
    (momentum,) = [t for t in found if t["answer"] == "reject" and t["spans"][0]["text"] == "Momentum"]
    assert momentum["spans"][0]["start"] == 0 and momentum["spans"][0]["token_start"] == 0  # re-based
    assert momentum["text"] == "Momentum itu disambut warga."
    # the reject task is about the same input as its sentence's accept task
    same = [t for t in accepted if t["text"] == momentum["text"]]
    assert len(same) == 1 and same[0]["_input_hash"] == momentum["_input_hash"]


def test_an_entity_across_a_sentence_break_keeps_its_sentences_together() -> None:
    text = "Ia tiba di Jl. Merdeka. Barat Daya ramai sekali.\n"
    doc = DocumentRef.for_text(text, "/x/jalan.txt")
    across = annotate(text, doc, "Merdeka. Barat Daya", "entity-add", label="LOC")
    found = tasks([document_item(text, doc, [across], [])], split="sentences")
    assert [t["text"] for t in found] == ["Ia tiba di Jl. Merdeka. Barat Daya ramai sekali."]
    assert [s["text"] for s in found[0]["spans"]] == ["Merdeka. Barat Daya"]


def test_an_option_the_format_does_not_take_is_refused() -> None:
    with pytest.raises(ExportError, match="--split applies to prodigy only, not to spacy"):
        export("spacy", corrected_items(), io.BytesIO(), options={"split": "sentences"})
    with pytest.raises(ExportError, match="--reviewed applies to spacy, prodigy only, not to csv"):
        render("csv", corrected_items(), options={"reviewed": True})
    with pytest.raises(ExportError, match="--split paragraphs: prodigy splits only into sentences"):
        render("prodigy", corrected_items(), options={"split": "paragraphs"})


# -- the command line ------------------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """The two articles on disk, their annotations in a database (as the reader leaves them)."""
    db = tmp_path / "sorot.json"
    items = corrected_items(tmp_path)
    with Store.open(db) as store:
        for item, text in zip(items, (DAM, FLOOD)):
            Path(item.document.path).write_text(text, encoding="utf-8")
            store.document_opened(item.document)
            store.save_many(list(item.annotations))
    return db


def sorot(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOROT_CACHE_DIR": "off"}
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    ("fmt", "option", "message"),
    [
        ("csv", ["--split", "sentences"], "--split applies to prodigy only, not to csv"),
        ("md", ["--reviewed"], "--reviewed applies to spacy, prodigy only, not to md"),
        ("w3c", ["--reviewed"], "--reviewed applies to spacy, prodigy only, not to w3c"),
    ],
)
def test_cli_option_for_another_format_is_a_one_line_usage_error(
    database: Path, fmt: str, option: list[str], message: str
) -> None:
    run = sorot("export", "-f", fmt, "--db", database, *option)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == [f"sorot: {message}"]


def test_cli_writes_sentence_tasks_and_a_reviewed_docbin(database: Path, tmp_path: Path, english_model: Path) -> None:
    run = sorot("export", "-f", "prodigy", "--split", "sentences", "--db", database, "--model", english_model)
    assert run.returncode == 0, run.stderr
    found = [json.loads(line) for line in run.stdout.splitlines()]
    assert found and all("sentence_start" in t["meta"] for t in found)
    for task in found:
        _check_task(task)
    out = tmp_path / "koreksi.spacy"
    run = sorot("export", "-f", "spacy", "--reviewed", "-o", out, "--db", database, "--model", english_model)
    assert run.returncode == 0, run.stderr
    docs = list(DocBin().from_disk(out).get_docs(Vocab()))
    assert len(docs) == 2 and all(t.ent_iob_ in ("B", "I", "O") for doc in docs for t in doc)
