"""Opening a document with many annotations: those still in place are taken as they are.

The story: a reader reopens an article annotated 2,000 times. Nothing in it changed, so nothing
is rebuilt or saved again; after an edit above one passage, only what moved is rebuilt and
saved. (The figures with 100,000 annotations come from ``benchmarks/many_annotations.py``.)
"""

from __future__ import annotations

from pathlib import Path

from tui.core.annotations import Anchored, DocumentRef, make_annotation
from tui.core.session import DocumentSession
from tui.core.store import Store

PARAGRAPH = "Harga beras naik lagi minggu ini menurut pedagang di pasar induk Cipinang, Jakarta Timur ({n}). "


def test_annotations_in_place_are_not_rebuilt_or_saved_again(tmp_path: Path, monkeypatch) -> None:
    text = "".join(PARAGRAPH.format(n=n) for n in range(200))
    document = DocumentRef.for_text(text, "/berita/beras.txt", "Harga beras")
    words = [i for i in range(len(text)) if text[i] == "C"]  # every "Cipinang"
    anns = [make_annotation(text, w, w + 8, "highlight", document=document) for w in words for _ in range(10)]
    db = tmp_path / "db.json"
    with Store.open(db) as store:
        store.save_many(anns)
    rebuilt, saved = [], []
    real_rebased, real_save = Anchored.rebased, Store.save_many
    monkeypatch.setattr(Anchored, "rebased", lambda self, *a: rebuilt.append(self) or real_rebased(self, *a))
    monkeypatch.setattr(Store, "save_many", lambda self, items: saved.extend(items) or real_save(self, items))

    with Store.open(db) as store:
        session = DocumentSession.open(store, text, document)
    assert len(session.annotations) == 2000 and rebuilt == [] and saved == []

    edited = "Pembaruan: harga turun di beberapa pasar.\n\n" + text
    moved_doc = DocumentRef.for_text(edited, "/berita/beras.txt", "Harga beras")
    with Store.open(db) as store:
        session = DocumentSession.open(store, edited, moved_doc)
    assert len(rebuilt) == len(saved) == 2000  # every one moved: each is rebuilt once, and saved
    assert {a.status for a in session.annotations} == {"moved"}
    assert all(edited[a.start : a.end] == "Cipinang" for a in session.annotations)
