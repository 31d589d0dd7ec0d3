"""``sorot extract --corrected``: the article's entities and facts as the reader shows them, the
reader's entity corrections (from the database) applied, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from tests.core.test_extract_displacy import marks
from tui.core.annotations import DocumentRef, make_annotation
from tui.core.store import Store

TEXT = "Presiden Joko Widodo tiba di Surabaya pada Senin.\nIa meninjau Balai Kota Surabaya bersama warga.\n"


def corrected_db(tmp_path: Path) -> tuple[Path, Path]:
    article = tmp_path / "berita.txt"
    article.write_text(TEXT, encoding="utf-8")
    document = DocumentRef.for_text(TEXT, str(article.resolve()), "berita")
    db = tmp_path / "sorot.json"

    def at(passage: str, kind: str, **kwargs: str):
        start = TEXT.index(passage)
        return make_annotation(TEXT, start, start + len(passage), kind, document=document, **kwargs)

    with Store.open(db) as store:
        store.document_opened(document)
        store.save_many([
            at("Joko Widodo", "entity-reject"),
            at("Balai Kota Surabaya", "entity-add", label="ORG"),
        ])  # fmt: skip
    return article, db


def test_corrected_applies_the_readers_corrections_to_json_and_html(sorot, tmp_path: Path) -> None:
    article, db = corrected_db(tmp_path)
    plain = json.loads(sorot("extract", article).stdout)
    assert ("Joko Widodo", "PERSON") in [(e["text"], e["label"]) for e in plain["entities"]]
    run = sorot("extract", article, "--corrected", "--db", db)
    assert run.returncode == 0, run.stderr
    found = [(e["text"], e["label"]) for e in json.loads(run.stdout)["entities"]]
    assert ("Joko Widodo", "PERSON") not in found and ("Balai Kota Surabaya", "ORG") in found
    page = sorot("extract", article, "--corrected", "--db", db, "--format", "html")
    assert page.returncode == 0, page.stderr
    shown = marks(lxml.html.document_fromstring(page.stdout))
    assert ("Joko Widodo", "PERSON") not in shown and ("Balai Kota Surabaya", "ORG") in shown


def test_corrected_without_a_database_is_one_line(sorot, tmp_path: Path) -> None:
    article = tmp_path / "berita.txt"
    article.write_text(TEXT, encoding="utf-8")
    run = sorot("extract", article, "--corrected", "--db", tmp_path / "tidak-ada.json")
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith("sorot: --corrected: no annotation database at ") and run.stderr.count("\n") == 1
