"""``sorot import FILE --doc ARTICLE`` run as a user runs it: Hypothesis-style annotations (a quote,
no position) on a ``file:`` source are anchored in ARTICLE's text; several documents are refused."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.conftest import Run
from tui.core.annotations import DocumentRef
from tui.core.store import Store

# "Semarang" three times: only its prefix and suffix say which one the reader marked.
ARTICLE = (
    "Banjir melanda Semarang\n\n"
    "Wali Kota Semarang meninjau lokasi banjir di Kecamatan Genuk pada Senin.\n\n"
    "Warga Semarang utara mengungsi ke balai kelurahan.\n"
)


def quote_only(source: str, exact: str, prefix: str, suffix: str, ident: str) -> dict:
    """An annotation as Hypothesis exports one: a quote selector and a source, no position."""
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": ident,
        "type": "Annotation",
        "created": "2025-03-01T10:00:00.000000+00:00",
        "body": [{"type": "TextualBody", "value": "Utara mana?", "format": "text/markdown"}],
        "target": [
            {
                "source": source,
                "selector": [{"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}],
            }
        ],
    }


def test_import_doc_anchors_a_quote_only_annotation_at_the_quote_in_the_article(tmp_path: Path, sorot: Run) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    # Annotated where the file was on the annotator's machine, not where it is here.
    source = tmp_path / "hypothesis.jsonld"
    source.write_text(
        json.dumps(quote_only("file:///home/pembaca/Unduhan/banjir.txt", "Semarang", "Warga ", " utara", "urn:x:1")),
        encoding="utf-8",
    )
    db = tmp_path / "db.json"

    result = sorot("import", source, "--doc", article, "--db", db)

    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stderr and "not found" not in result.stderr  # the summary, no warning
    with Store.open(db, read_only=True) as store:
        (stored,) = store.all_annotations()
    start = ARTICLE.index("Warga Semarang") + len("Warga ")
    assert (stored.start, stored.end) == (start, start + len("Semarang"))
    assert ARTICLE.index("Semarang") != start  # not merely the first "Semarang"
    assert stored.status != "orphaned" and stored.note == "Utara mana?"
    assert stored.document.sha256 == DocumentRef.for_text(ARTICLE).sha256
    assert stored.document.path == str(article.resolve())


def test_import_doc_refuses_annotations_on_several_documents_in_one_line(tmp_path: Path, sorot: Run) -> None:
    article = tmp_path / "banjir.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    source = tmp_path / "dua.jsonld"
    one = quote_only("file:///berita/satu.txt", "Genuk", "Kecamatan ", " pada", "urn:x:1")
    two = quote_only("file:///berita/dua.txt", "Semarang", "Warga ", " utara", "urn:x:2")
    source.write_text(json.dumps([one, two]), encoding="utf-8")
    db = tmp_path / "db.json"

    result = sorot("import", source, "--doc", article, "--db", db)

    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("sorot: ") and "--doc" in line and "on 2 documents, not one" in line
    assert "Traceback" not in result.stderr
    if db.exists():
        with Store.open(db, read_only=True) as store:
            assert store.all_annotations() == []


def test_import_help_documents_doc(sorot: Run) -> None:
    result = sorot("import", "--help")
    assert result.returncode == 0
    usage = " ".join(result.stdout.split())
    assert "--doc ARTICLE" in usage
    assert "anchored in it by their quote" in usage
