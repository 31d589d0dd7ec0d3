"""The annotation store: what the reader saves is kept, across crashes, other processes and bad files."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import platformdirs
import pytest
from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from tui.core import store as store_module
from tui.core.annotations import Annotation, DocumentRef, make_annotation, now_iso
from tui.core.store import (
    SCHEMA,
    AtomicJSONStorage,
    Bookmark,
    NotWritableError,
    Store,
    StoreError,
    default_db_path,
    parse_database,
    serialise_database,
)
from tui.core.store import storage as storage_module

PROC = Path("/proc/self").is_dir()

TEXT = (
    "Jakarta - Presiden Joko Widodo meresmikan bendungan baru di Jawa Tengah pada Senin pagi. "
    "Bendungan itu menelan biaya Rp 2,1 triliun dan akan mengairi 12.000 hektare sawah. "
    "Menteri Pekerjaan Umum Basuki Hadimuljono mengatakan proyek ini selesai tepat waktu."
)
DOC = DocumentRef.for_text(TEXT, "/berita/bendungan.txt", "Bendungan baru")
OTHER_TEXT = "Harga beras naik lagi minggu ini menurut pedagang di pasar induk Cipinang."
OTHER = DocumentRef.for_text(OTHER_TEXT, "/berita/beras.txt", "Harga beras")

# With fork, a child starts in milliseconds (the kill loop starts 25); elsewhere spawn is the safe default.
CONTEXT = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
FORK_WARNING = "ignore:.*fork.*:DeprecationWarning"


def note(text: str, passage: str, **kwargs) -> Annotation:
    start = text.index(passage)
    return make_annotation(text, start, start + len(passage), document=kwargs.pop("document", DOC), **kwargs)


def ids(annotations) -> list[str]:
    return [a.id for a in annotations]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sorot.json"


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, db: Path):
    """Every behaviour of the API holds for the file store and the memory store alike."""
    opened = Store.open(db) if request.param == "file" else Store.memory()
    yield opened
    opened.close()


# --- where the database lives ----------------------------------------------------------------


def test_default_path_is_in_the_user_data_directory() -> None:
    expected = platformdirs.user_data_path("sorot", appauthor=False) / "sorot.json"
    assert default_db_path({}) == expected
    assert default_db_path({"SOROT_DB": "  "}) == expected


def test_sorot_db_environment_variable_overrides_the_default(tmp_path: Path) -> None:
    assert default_db_path({"SOROT_DB": str(tmp_path / "x.json")}) == tmp_path / "x.json"
    assert default_db_path({"SOROT_DB": "~/catatan.json"}) == Path.home() / "catatan.json"


def test_an_explicit_path_beats_the_environment(tmp_path: Path) -> None:
    env_db, explicit = tmp_path / "env.json", tmp_path / "explicit.json"
    with Store.open(explicit, env={"SOROT_DB": str(env_db)}) as s:
        s.add(note(TEXT, "Joko Widodo"))
    with Store.open(env={"SOROT_DB": str(env_db)}) as s:
        assert s.path == env_db and len(s) == 0
    assert explicit.exists() and env_db.exists()


def test_a_new_database_is_created_with_its_directory_and_schema(db: Path) -> None:
    with Store.open(db) as s:
        assert s.warnings == []
    data = json.loads(db.read_text())
    assert data == {"meta": {"1": {"schema": SCHEMA, "data": "the data folder is this file's path followed by .d"}}}
    assert sorted(p.name for p in (db.parent / "sorot.json.d").iterdir()) == [
        "docs",
        "entries",
        "feeds",
        "ids",
        "other",
        "paths",
        "tmp",
    ]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600  # notes are private


# --- annotations --------------------------------------------------------------------------------


def test_annotations_round_trip_and_come_back_in_document_order(store: Store) -> None:
    late = note(TEXT, "Basuki Hadimuljono", note="menteri", tags=["politik"])
    early = note(TEXT, "Joko Widodo", kind="entity-add", label="PER")
    middle = note(TEXT, "Rp 2,1 triliun", colour="kuning")
    elsewhere = note(OTHER_TEXT, "Harga beras", document=OTHER)
    for ann in (late, early, middle, elsewhere):
        assert store.add(ann) == ann
    assert store.annotations_for(DOC.sha256) == [early, middle, late]
    assert store.annotations_for(OTHER.sha256) == [elsewhere]
    assert store.annotations_for("0" * 64) == []
    assert store.get(late.id) == late and store.get("nope") is None
    assert len(store) == 4
    assert ids(store.all_annotations()) == ids([early, middle, late, elsewhere])
    assert {d.sha256 for d in store.documents()} == {DOC.sha256, OTHER.sha256}


def test_annotations_survive_reopening_byte_for_byte(db: Path) -> None:
    hostile = note(TEXT, "Jawa Tengah", note="[@click=app.quit]x[/] \ud800 \u2028 baris\nbaru", tags=["[b]"])
    with Store.open(db) as s:
        s.add(hostile)
        s.add(note(TEXT, "Senin pagi"))
    with Store.open(db) as s:
        assert s.get(hostile.id) == hostile
        assert len(s) == 2
    assert db.read_bytes().isascii()  # escaped JSON: any text a note holds can be written


def test_adding_an_existing_id_is_refused(store: Store) -> None:
    ann = note(TEXT, "Joko Widodo")
    store.add(ann)
    with pytest.raises(ValueError, match="already exists"):
        store.add(ann)
    assert len(store) == 1


def test_update_returns_the_previous_version_for_undo(store: Store) -> None:
    ann = note(TEXT, "Joko Widodo", note="lama")
    store.add(ann)
    changed = ann.edited(note="baru", tags=("politik",))
    previous = store.update(changed)
    assert previous == ann
    assert store.get(ann.id) == changed
    undone = store.restore(previous)  # undo: a change of its own, stamped after the one it undoes
    assert store.get(ann.id) == undone and replace(undone, updated=ann.updated) == ann
    assert undone.updated > changed.updated
    redone = store.restore(changed)  # redo
    assert store.get(ann.id) == redone and replace(redone, updated=changed.updated) == changed
    with pytest.raises(KeyError):
        store.update(note(TEXT, "Senin pagi"))


def test_delete_returns_the_annotation_and_restore_puts_it_back(store: Store) -> None:
    keep, gone = note(TEXT, "Joko Widodo"), note(TEXT, "Senin pagi")
    store.add(keep)
    store.add(gone)
    removed = store.delete(gone.id)
    assert removed == gone
    assert store.annotations_for(DOC.sha256) == [keep]
    back = store.restore(removed)
    assert store.annotations_for(DOC.sha256) == [keep, back] and back.id == gone.id
    with pytest.raises(KeyError):
        store.delete("no-such-id")


def test_merge_imports_by_id_and_twice_is_the_same_as_once(store: Store) -> None:
    a, b = note(TEXT, "Joko Widodo"), note(TEXT, "Senin pagi")
    assert store.merge([a, b]) == store_module.MergeResult(added=2)
    assert store.merge([a, b]) == store_module.MergeResult(unchanged=2)
    newer = a.edited(note="diperbarui di mesin lain", updated="2100-01-01T00:00:00.000Z")
    older = b.edited(note="versi lama", updated="2000-01-01T00:00:00.000Z")
    assert store.merge([newer, older]) == store_module.MergeResult(updated=1, older=1)
    assert store.get(a.id) == newer and store.get(b.id) == b
    assert len(store) == 2
    again = newer.edited(note="sekali lagi", updated="2100-01-02T00:00:00.000Z")
    assert store.merge([newer, again, newer]) == store_module.MergeResult(updated=1, repeated=2)
    assert store.get(a.id) == again


def test_tags_for_completion_most_used_first(store: Store) -> None:
    store.add(note(TEXT, "Joko Widodo", tags=["politik", "Istana"]))
    store.add(note(TEXT, "Senin pagi", tags=["politik", "waktu"]))
    store.add(note(TEXT, "Rp 2,1 triliun", tags=["Politik", "uang"]))
    assert store.tags() == ["politik", "Istana", "uang", "waktu"]
    assert store.tags("po") == ["politik"]
    assert store.tags("IS") == ["Istana"]


def test_orphans_are_listed_across_documents(store: Store) -> None:
    ann = note(TEXT, "Joko Widodo")
    store.add(ann)
    store.add(note(OTHER_TEXT, "Harga beras", document=OTHER))
    store.update(ann.edited(status="orphaned"))
    assert ids(store.orphans()) == [ann.id]


def test_annotations_of_an_edited_file_are_found_by_path_for_reanchoring(store: Store) -> None:
    ann = note(TEXT, "Basuki Hadimuljono")
    store.add(ann)
    edited = "Pembaruan.\n\n" + TEXT
    new_ref = DocumentRef.for_text(edited, DOC.path, DOC.title)
    assert store.annotations_for(new_ref.sha256) == []
    assert store.annotations_for(new_ref.sha256, path=DOC.path) == [ann]
    from tui.core.annotations import reanchor

    (anchored,) = reanchor(store.annotations_for(new_ref.sha256, path=DOC.path), edited)
    store.save_many([anchored.rebased(edited, new_ref)])
    (moved,) = store.annotations_for(new_ref.sha256)
    assert moved.id == ann.id and edited[moved.start : moved.end] == "Basuki Hadimuljono"


# --- positions and bookmarks --------------------------------------------------------------------


def test_reading_position_is_remembered_per_document(db: Path) -> None:
    with Store.open(db) as s:
        assert s.position(DOC.sha256) is None
        s.set_position(DOC, 120)
        s.set_position(DOC, 140)
        s.set_position(OTHER.sha256, 7)
    with Store.open(db) as s:
        assert s.position(DOC.sha256) == 140
        assert s.position(OTHER.sha256) == 7
        # The file was edited: its text (and sha) differ, the path is the same.
        assert s.position("f" * 64) is None
        assert s.position("f" * 64, path=DOC.path) == 140
        with pytest.raises(ValueError):
            s.set_position(DOC, -1)


def test_bookmarks_are_kept_per_document_in_order(store: Store) -> None:
    second = store.add_bookmark(DOC, 200, "kutipan menteri")
    first = store.add_bookmark(DOC, 10)
    store.add_bookmark(OTHER, 5)
    assert store.add_bookmark(DOC, 200) == second  # `m` twice on one place: one bookmark
    assert store.bookmarks(DOC.sha256) == [first, second]
    assert isinstance(first, Bookmark) and first.document == DOC
    removed = store.remove_bookmark(second.id)
    assert store.bookmarks(DOC.sha256) == [first]
    store.restore_bookmark(removed)
    assert store.bookmarks(DOC.sha256) == [first, second]
    with pytest.raises(KeyError):
        store.remove_bookmark("nope")


# --- the file ------------------------------------------------------------------------------------


def test_the_file_is_a_plain_tinydb_database(db: Path) -> None:
    ann = note(TEXT, "Joko Widodo", note="catatan")
    with Store.open(db) as s:
        s.add(ann)
        s.set_position(DOC, 3)
    (bucket,) = (db.parent / "sorot.json.d" / "docs").glob("_*.json")  # one document: one bucket
    plain = TinyDB(bucket, storage=JSONStorage, access_mode="r")
    try:
        assert {"annotations", "positions"} <= plain.tables()
        (record,) = plain.table("annotations").all()
        assert Annotation.from_dict(record) == ann
        (position,) = plain.table("positions").all()
        assert position["offset"] == 3
    finally:
        plain.close()


def test_the_storage_works_under_tinydb_itself(db: Path) -> None:
    db.parent.mkdir()
    with TinyDB(db, storage=AtomicJSONStorage) as tiny:
        tiny.table("t").insert({"a": 1})
        tiny.table("t").update({"a": 2})  # changes the record in place: the next write must see it
        tiny.table("t").insert({"b": [1, 2]})
    assert json.loads(db.read_text()) == {"t": {"1": {"a": 2}, "2": {"b": [1, 2]}}}


def test_serialisation_round_trips_any_tinydb_state() -> None:
    for data in [{}, {"a": {}}, {"a": {}, "b": {"1": {"x": [1, "\u2028\n\ud800"]}}}, {"t": {'k"e:y': {"q": None}}}]:
        raw = serialise_database(data)
        assert json.loads(raw) == data
        assert parse_database(raw) == data


def test_a_write_leaves_no_temporary_files_and_stale_ones_are_cleared(db: Path) -> None:
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    assert sorted(p.name for p in db.parent.iterdir()) == ["sorot.json", "sorot.json.d", "sorot.json.lock"]
    (db.parent / ".sorot.json.abc123.tmp").write_text('{"half": ')  # a writer killed mid-write
    (db.parent / "sorot.json.d" / "tmp" / "._.json.abc123.tmp").write_text('{"half": ')  # in a bucket's save
    with Store.open(db) as s:
        assert len(s) == 1
    assert not list(db.parent.glob(".sorot.json.*.tmp")) and not list(db.parent.rglob("*.tmp"))


def test_a_write_by_another_store_is_seen_and_not_overwritten(db: Path) -> None:
    first, second = Store.open(db), Store.open(db)
    try:
        a, b, c = note(TEXT, "Joko Widodo"), note(TEXT, "Senin pagi"), note(TEXT, "Jawa Tengah")
        first.add(a)
        assert second.get(a.id) == a  # re-read because the file changed
        second.add(b)
        first.add(c)  # first's cached state lacks b: the re-read before writing keeps it
        assert ids(second.annotations_for(DOC.sha256)) == ids(sorted([a, b, c], key=lambda x: x.start))
        second.delete(a.id)
        assert first.get(a.id) is None
    finally:
        first.close()
        second.close()


def test_a_held_lock_gives_a_clear_busy_error(db: Path) -> None:
    with Store.open(db, lock_timeout=0.2) as s:
        with FileLock(f"{db}.lock"):
            with pytest.raises(StoreError, match="busy"):
                s.add(note(TEXT, "Joko Widodo"))
        s.add(note(TEXT, "Joko Widodo"))  # and works again once the other one lets go
        assert len(s) == 1


# --- links ---------------------------------------------------------------------------------------


def test_a_symlinked_database_is_saved_through_the_link_to_its_target(tmp_path: Path) -> None:
    """A database kept in a synced folder, linked from the usual place: saves reach the folder."""
    real = tmp_path / "sync" / "sorot.json"
    first, second = note(TEXT, "Joko Widodo"), note(TEXT, "Senin pagi")
    with Store.open(real) as s:
        s.add(first)
    link = tmp_path / "home" / "sorot.json"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(real, link.parent))
    with Store.open(link) as s:
        s.add(second)
        s.set_position(DOC, 12)
    assert link.is_symlink() and link.resolve() == real
    with Store.open(real) as s:
        assert s.get(first.id) == first and s.get(second.id) == second and s.position(DOC.sha256) == 12
    assert sorted(p.name for p in link.parent.iterdir()) == ["sorot.json"]  # its lock and temporaries: by the target
    assert sorted(p.name for p in real.parent.iterdir()) == ["sorot.json", "sorot.json.d", "sorot.json.lock"]


def test_a_corrupt_database_behind_a_link_is_moved_aside_beside_its_target(tmp_path: Path) -> None:
    real = tmp_path / "sync" / "sorot.json"
    real.parent.mkdir()
    real.write_bytes(b"{ this is not json")
    link = tmp_path / "sorot.json"
    link.symlink_to(real)
    with Store.open(link) as s:
        (warning,) = s.warnings
        assert "kept it as sorot.json.corrupt-" in warning
        s.add(note(TEXT, "Joko Widodo"))
    assert link.is_symlink()
    (aside,) = real.parent.glob("sorot.json.corrupt-*")
    assert aside.read_bytes() == b"{ this is not json"
    with Store.open(real) as s:
        assert len(s) == 1


@pytest.mark.parametrize("read_only", [False, True])
def test_a_dangling_link_is_a_one_line_error_and_creates_nothing(tmp_path: Path, read_only: bool) -> None:
    """The link points into a drive that is not mounted: a new database there would split the notes."""
    link = tmp_path / "sorot.json"
    link.symlink_to(tmp_path / "usb" / "sorot.json")
    with pytest.raises(StoreError, match="is a symbolic link to .*usb/sorot.json, which does not exist") as error:
        Store.open(link, read_only=read_only)
    assert "\n" not in str(error.value)
    assert link.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["sorot.json"]


def test_a_link_loop_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    with pytest.raises(StoreError, match="symbolic link that cannot be followed") as error:
        Store.open(tmp_path / "a.json")
    assert "\n" not in str(error.value)


# --- schema and migration -----------------------------------------------------------------------

V0_FILE = {
    "annotations": {
        "1": {
            "id": "0a1b2c",
            "sha256": DOC.sha256,
            "path": DOC.path,
            "title": DOC.title,
            "kind": "note",
            "start": 10,
            "end": 29,
            "exact": TEXT[10:29],
            "prefix": TEXT[:10],
            "suffix": TEXT[29:61],
            "note": "catatan lama",
            "tags": "politik, istana",
            "color": "kuning",
            "created": 1700000000.5,
            "updated": 1700000100,
        },
        "2": {"id": "broken", "sha256": DOC.sha256, "note": "no position: kept as it was"},
    },
    "positions": {"1": {"sha256": DOC.sha256, "path": DOC.path, "title": DOC.title, "offset": 42}},
    "bookmarks": {"1": {"sha256": DOC.sha256, "path": DOC.path, "offset": 7, "label": "awal", "created": 1700000000}},
}


def test_a_schema_0_file_is_migrated_and_the_old_file_kept(db: Path) -> None:
    db.parent.mkdir()
    original = json.dumps(V0_FILE, indent=2).encode()
    db.write_bytes(original)
    with Store.open(db) as s:
        assert any("converted sorot.json to the folder layout" in w for w in s.warnings)
        assert any("1 record(s) could not be upgraded" in w for w in s.warnings)
        (ann,) = s.annotations_for(DOC.sha256)
        assert ann.id == "0a1b2c" and ann.kind == "note" and ann.note == "catatan lama"
        assert (ann.start, ann.end, ann.quote.exact) == (10, 29, "Presiden Joko Widod")
        assert ann.tags == ("politik", "istana") and ann.colour == "kuning"
        assert ann.created == "2023-11-14T22:13:20.500Z" and ann.updated == "2023-11-14T22:15:00.000Z"
        assert s.position(DOC.sha256) == 42
        (mark,) = s.bookmarks(DOC.sha256)
        assert (mark.offset, mark.label, mark.document.path) == (7, "awal", DOC.path)
        assert any("damaged" in w for w in s.warnings)  # the unreadable record is reported...
    data = json.loads(db.read_text())
    assert data["meta"]["1"]["schema"] == SCHEMA
    buckets = [json.loads(p.read_text()) for p in (db.parent / "sorot.json.d" / "docs").glob("_*.json")]
    kept = [r for b in buckets for r in b.get("annotations", {}).values() if r.get("id") == "broken"]
    assert kept == [V0_FILE["annotations"]["2"]]  # ...and never dropped
    assert (db.parent / "sorot.json.schema0-backup").read_bytes() == original
    with Store.open(db) as s:  # migrated once
        assert not any("converted" in w for w in s.warnings)


def test_a_file_from_a_newer_sorot_is_refused_and_left_alone(db: Path) -> None:
    db.parent.mkdir()
    newer = json.dumps({"meta": {"1": {"schema": SCHEMA + 1}}, "annotations": {}}).encode()
    db.write_bytes(newer)
    with pytest.raises(StoreError, match="newer Sorot"):
        Store.open(db)
    assert db.read_bytes() == newer
    assert sorted(p.name for p in db.parent.iterdir() if "corrupt" in p.name) == []


# --- bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"annotations": {"1": {"id": "x", "note": "cut off', "is not valid JSON"),
        (b"\x00\xff\xfe binary \x89PNG", "not UTF-8"),
        (b"[1, 2, 3]", "a list at the top"),
        (b'{"x": 1}', "not a TinyDB database"),
        (b'{"_default": {"1": {"title": "another app"}}}', "something else"),
    ],
)
def test_a_corrupt_or_foreign_file_is_kept_aside_untouched(db: Path, content: bytes, reason: str) -> None:
    db.parent.mkdir()
    db.write_bytes(content)
    with Store.open(db) as s:
        (warning,) = s.warnings
        assert reason in warning and "kept it as sorot.json.corrupt-" in warning and "\n" not in warning
        assert len(s) == 0
        s.add(note(TEXT, "Joko Widodo"))  # the app goes on with a fresh database
    (aside,) = db.parent.glob("sorot.json.corrupt-*")
    assert aside.read_bytes() == content
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == SCHEMA


def test_an_empty_file_is_a_new_database(db: Path) -> None:
    db.parent.mkdir()
    db.write_bytes(b"")
    with Store.open(db) as s:
        assert s.warnings == [] and len(s) == 0


def test_a_path_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def null_device(path: Path) -> Path:
    """A character device like /dev/null at ``path`` (skips where device nodes cannot be made)."""
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError, OSError) as exc:
        pytest.skip(f"cannot make a device node: {exc}")
    return path


@pytest.mark.parametrize("kind", ["fifo", "device", "link to a device"])
@pytest.mark.parametrize("read_only", [False, True])
def test_a_path_that_is_a_fifo_or_a_device_is_refused_and_left_as_it_is(
    tmp_path: Path, kind: str, read_only: bool
) -> None:
    """``--db /dev/null`` (or a link to it) was read as an empty database and replaced by a file;
    ``/dev/zero`` was read until memory ran out, a FIFO waited for a writer forever."""
    path = tmp_path / "notes.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        device = null_device(tmp_path / "null")  # never the system's /dev/null: a failure would replace it
        if kind == "link to a device":
            path.symlink_to(device)
        else:
            path = device
    with pytest.raises(StoreError, match="is not a regular file") as error:
        Store.open(path, read_only=read_only, lock_timeout=1.0)
    assert "\n" not in str(error.value)
    assert ("a FIFO" if kind == "fifo" else "a character device") in str(error.value)
    assert not os.path.lexists(f"{os.path.realpath(path)}.lock")
    assert stat.S_ISFIFO(os.stat(path).st_mode) if kind == "fifo" else Path(path).is_char_device()


def test_a_database_that_became_a_fifo_is_not_replaced(db: Path) -> None:
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
        db.unlink()
        os.mkfifo(db)
        with pytest.raises(StoreError, match="regular file"):
            s.add(note(TEXT, "Senin pagi"))
    assert stat.S_ISFIFO(os.lstat(db).st_mode)


# --- read-only places ------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["file", "directory"])
def test_chmod_a_w_makes_the_database_read_only_even_for_root(db: Path, what: str) -> None:
    """Root, whom permissions do not stop, is held to ``chmod a-w`` too: it says "do not change this"."""
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    before = db.read_bytes()
    target = db if what == "file" else db.parent
    target.chmod(0o444 if what == "file" else 0o555)
    try:
        with pytest.raises(store_module.NotWritableError, match="read-only" if what == "file" else "not writable"):
            Store.open(db)
        with Store.open(db, read_only=True) as s:
            assert len(s) == 1
    finally:
        target.chmod(0o644 if what == "file" else 0o755)
    assert db.read_bytes() == before


def test_a_database_made_read_only_while_open_is_not_saved_over(db: Path) -> None:
    """A save replaces the file, which needs only the directory's permission: a chmod a-w made
    while the reader had the database open was ignored (by root and everyone else)."""
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
        before = db.read_bytes()
        db.chmod(0o444)
        try:
            with pytest.raises(StoreError, match="read-only now") as error:
                s.add(note(TEXT, "Senin pagi"))
            assert "\n" not in str(error.value)
        finally:
            db.chmod(0o644)
    assert db.read_bytes() == before


def refuse_writes_to(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """What ``chmod a-w`` (or a read-only mount) does to ``paths``, also for root, whom chmod does not stop."""
    real_access = os.access
    denied = {os.fspath(p) for p in paths}

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and os.fspath(path) in denied:
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_read_only_directory_gives_a_clear_error(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    refuse_writes_to(monkeypatch, db.parent)
    with pytest.raises(store_module.NotWritableError, match="not writable") as error:
        Store.open(db)
    assert "\n" not in str(error.value)
    with Store.open(db, read_only=True) as s:  # the app can still show what was saved
        assert len(s) == 1
        with pytest.raises(StoreError, match="read-only"):
            s.add(note(TEXT, "Senin pagi"))


def test_a_read_only_file_gives_a_clear_error_and_is_left_alone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    before = db.read_bytes()
    refuse_writes_to(monkeypatch, db)
    with pytest.raises(store_module.NotWritableError, match="is read-only") as error:
        Store.open(db)
    assert "\n" not in str(error.value)
    with Store.open(db, read_only=True) as s:
        shown = s.in_memory()  # what the app shows: the file's annotations, changes kept for the session
    assert len(shown) == 1 and shown.path is None
    shown.add(note(TEXT, "Senin pagi"))
    assert len(shown) == 2 and db.read_bytes() == before


@pytest.mark.skipif(not PROC, reason="needs /proc, where no file can be created")
def test_a_place_where_no_file_can_be_created_is_said_at_once() -> None:
    """``--db /proc/x.json``: neither the file nor its lock can exist there; say so at once, not
    "busy" after the lock timeout."""
    with pytest.raises(store_module.NotWritableError, match="cannot save annotations in /proc") as error:
        Store.open("/proc/sorot-test.json", lock_timeout=1.0)
    assert "\n" not in str(error.value)


def test_a_lock_file_that_cannot_be_made_is_said_at_once(db: Path) -> None:
    db.parent.mkdir()
    Path(f"{db}.lock").mkdir()  # in the lock file's place, something that cannot be locked
    with pytest.raises(store_module.NotWritableError, match=f"cannot open the lock file {db}.lock") as error:
        Store.open(db, lock_timeout=1.0)
    assert "\n" not in str(error.value)


def test_a_failed_write_is_reported_and_changes_nothing(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory became unwritable (or the disk full) after opening: simulated, so that it
    also runs as root, where chmod does not stop writes."""
    kept = note(TEXT, "Joko Widodo")
    with Store.open(db) as s:
        s.add(kept)
        before = db.read_bytes()

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(storage_module.tempfile, "mkstemp", refuse)  # where the storage finds it
        with pytest.raises(StoreError, match="Permission denied") as error:
            s.add(note(TEXT, "Senin pagi"))
        assert "\n" not in str(error.value)
        assert s.annotations_for(DOC.sha256) == [kept]  # the failed add is not shown as saved
        assert db.read_bytes() == before
        monkeypatch.undo()
        s.add(note(TEXT, "Senin pagi"))
        assert len(s) == 2


def test_a_full_disk_is_one_line_leaves_no_temporary_file_and_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC surfaces when the buffered write is flushed, and again when the file is closed:
    neither may escape as a bare OSError or leave the temporary file behind."""
    kept = note(TEXT, "Joko Widodo")
    with Store.open(db) as s:
        s.add(kept)
        before = db.read_bytes()
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, handle) -> None:
                self.handle = handle

            def write(self, data: bytes) -> int:
                return len(data)  # buffered: the disk is not asked yet

            def flush(self) -> None:
                raise OSError(28, "No space left on device")

            def close(self) -> None:
                self.handle.close()
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(storage_module.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
        with pytest.raises(StoreError, match=f"cannot save {db}: No space left on device") as error:
            s.add(note(TEXT, "Senin pagi"))
        assert "\n" not in str(error.value)
        assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []
        assert s.annotations_for(DOC.sha256) == [kept]
        assert db.read_bytes() == before
        monkeypatch.undo()
        s.add(note(TEXT, "Senin pagi"))
        assert len(s) == 2


def test_a_read_only_file_is_opened_read_only_on_request(db: Path) -> None:
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    with Store.open(db, read_only=True) as s:
        assert s.read_only and len(s) == 1
        with pytest.raises(StoreError, match="read-only"):
            s.set_position(DOC, 5)


def test_read_only_opening_of_an_old_file_migrates_in_memory_only(db: Path) -> None:
    db.parent.mkdir()
    original = json.dumps(V0_FILE).encode()
    db.write_bytes(original)
    with Store.open(db, read_only=True) as s:
        assert ids(s.annotations_for(DOC.sha256)) == ["0a1b2c"]
    assert db.read_bytes() == original
    assert sorted(p.name for p in db.parent.iterdir()) == ["sorot.json"]


# --- several writers: the newest version wins, deletions are remembered ---------------------------


@pytest.fixture
def two(db: Path):
    """Two stores on one file, as two sorot processes; the first holds an annotation the second has read."""
    with Store.open(db) as first, Store.open(db) as second:
        ann = note(TEXT, "Joko Widodo", note="asli")
        first.add(ann)
        yield first, second, second.get(ann.id)


def test_an_older_version_never_replaces_a_newer_one(two) -> None:
    first, second, seen = two
    newer = first.edit(seen.id, note="diperbarui")[1]
    assert second.save_many([replace(seen, status="moved")]) == [seen.id]  # second's stale copy, re-anchored
    assert first.get(seen.id) == newer and second.get(seen.id) == newer


def test_a_deletion_is_remembered_against_older_versions(two) -> None:
    first, second, seen = two
    first.delete(seen.id)
    assert second.save_many([seen]) == [seen.id]
    assert second.merge([seen]) == store_module.MergeResult(deleted=1)  # an old export imported again
    assert first.get(seen.id) is None and len(first) == 0
    with pytest.raises(KeyError, match="deleted"):
        second.edit(seen.id, note="terlambat")
    later = seen.edited(note="ditulis setelah penghapusan", updated="2100-01-01T00:00:00.000Z")
    assert second.merge([later]) == store_module.MergeResult(added=1)  # newer than the deletion: it wins
    assert first.get(seen.id) == later


def test_undoing_ones_own_deletion_brings_the_annotation_back(store: Store) -> None:
    ann = note(TEXT, "Joko Widodo", note="catatan")
    store.add(ann)
    removed = store.delete(ann.id)
    restored = store.restore(removed)
    assert store.get(ann.id) == restored and restored.updated > ann.updated
    assert replace(restored, updated=ann.updated) == ann


def test_an_edit_applies_to_the_stored_version(store: Store) -> None:
    ann = note(TEXT, "Joko Widodo", note="asli", tags=["a"])
    store.add(ann)
    store.save_many([ann.edited(tags=("dari", "impor"))])
    previous, current = store.edit(ann.id, note="baru")
    assert previous.tags == ("dari", "impor") and current.tags == ("dari", "impor") and current.note == "baru"
    assert current.updated >= previous.updated and store.get(ann.id) == current


# --- processes -----------------------------------------------------------------------------------


def _start_together(processes: list, start) -> None:
    """Start the processes, let them go at once (``start``), and wait for each to succeed."""
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(600)
        assert process.exitcode == 0


def _writer(path: str, tag: str, count: int, report: str, start: multiprocessing.synchronize.Event) -> None:
    """Save ``count`` notes, deleting every fifth again; write the ids kept and deleted to ``report``."""
    start.wait()
    kept, deleted = [], []
    with Store.open(path, lock_timeout=30) as s:
        for n in range(count):
            ann = note(TEXT, "Joko Widodo", tags=[tag], note=f"{tag} {n}")
            s.add(ann)
            if n % 5 == 4:
                s.delete(ann.id)
                deleted.append(ann.id)
            else:
                kept.append(ann.id)
    Path(report).write_text(json.dumps({"kept": kept, "deleted": deleted}))


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize(("writers", "count"), [(2, 40), pytest.param(4, 1000, marks=pytest.mark.slow)])
def test_processes_writing_at_once_lose_nothing_and_resurrect_nothing(
    db: Path, tmp_path: Path, writers: int, count: int
) -> None:
    Store.open(db).close()
    start = CONTEXT.Event()
    tags = [f"penulis{n}" for n in range(writers)]
    reports = [tmp_path / f"{tag}.json" for tag in tags]
    processes = [
        CONTEXT.Process(target=_writer, args=(str(db), tag, count, str(report), start))
        for tag, report in zip(tags, reports)
    ]
    _start_together(processes, start)
    with Store.open(db) as s:
        stored = {a.id for a in s.annotations_for(DOC.sha256)}
    kept = {i for r in reports for i in json.loads(r.read_text())["kept"]}
    deleted = {i for r in reports for i in json.loads(r.read_text())["deleted"]}
    lost, resurrected = kept - stored, deleted & stored
    print(f"\n{writers} writers x {count} saves: {len(kept)} kept, {len(deleted)} deleted, lost={len(lost)} "
          f"resurrected={len(resurrected)}")  # fmt: skip
    assert len(kept) == writers * count * 4 // 5 and not lost and not resurrected
    assert stored == kept


def _save_back_to_back(path: str, started: multiprocessing.synchronize.Event, saves: int) -> None:
    """Another sorot saving back to back (a script, an import loop): between two of its saves the
    lock is free for microseconds, which a waiter polling every 50 ms all but never sees. Modelled
    exactly: one hold of the lock, saving every 50 ms inside it."""
    with Store.open(path, lock_timeout=60) as s, s._lock:
        started.set()
        for n in range(saves):
            s.add(note(TEXT, "Joko Widodo", note=f"skrip {n}"))
            time.sleep(0.05)  # the script's own work between two saves


@pytest.mark.filterwarnings(FORK_WARNING)
def test_a_writer_is_not_refused_while_another_keeps_saving(db: Path) -> None:
    """The lock timeout counts time without progress: while another process keeps saving, a save
    waits its turn; only a lock held by a process that saves nothing for the whole timeout refuses."""
    Store.open(db).close()
    started = CONTEXT.Event()
    other = CONTEXT.Process(target=_save_back_to_back, args=(str(db), started, 40))  # about 2 s
    other.start()
    try:
        assert started.wait(60)
        mine = note(TEXT, "Senin pagi")
        with Store.open(db, lock_timeout=1.0) as s:
            s.add(mine)
    finally:
        other.join(60)
    assert other.exitcode == 0
    with Store.open(db) as s:
        assert s.get(mine.id) == mine and len(s) == 41


# Each process edits, deletes, restores and adds annotations, and also writes back stale versions
# (what a reader that re-anchored an old read saves) and imports old exports. After each change
# returns it logs it (an "intent" line first, so a change cut short by a kill is known). The
# judge orders each annotation's acknowledged changes by time (``updated``, or the tombstone's)
# and counts as lost a write missing at the end or replaced by an older version before the next
# edit, and as resurrected a deleted annotation back at the end or found by the next edit.
CHANGES = ["add", "edit", "edit", "edit", "delete", "restore", "stale", "import"]
DEFAULT_SPLIT = Store.split_at
MOVES = [*CHANGES, "move", "move"]  # and annotations re-pointed at another text, as re-anchoring does
TEXTS = [DocumentRef.for_text(f"{TEXT}\n{n}", f"/berita/salinan-{n}.txt", f"Salinan {n}") for n in range(12)]


def _churn(path: str, log: str, seed: int, changes: int | None, start=None, split_at: int = 0) -> None:
    """Make ``changes`` random changes (None: until killed), logging each one acknowledged.
    With ``split_at``, buckets split past that many records, and annotations move between texts."""
    rng = random.Random(seed)
    if split_at:
        Store.split_at = split_at
    if start is not None:
        start.wait()
    with Store.open(path, lock_timeout=60) as s, open(log, "a", encoding="utf-8") as out:

        def say(*fields: str) -> None:
            out.write("\t".join(fields) + "\n")
            out.flush()

        known = {a.id: a for a in s.annotations_for(DOC.sha256)}  # versions read here: they go stale
        if split_at:
            known = {a.id: a for a in s.all_annotations() if a.note.startswith("awal")}
        deleted: list[Annotation] = []
        n = 0
        while changes is None or n < changes:
            n += 1
            change = rng.choice(MOVES if split_at else CHANGES)
            if change == "add" or not known:
                begin = rng.randrange(0, len(TEXT) - 30)
                ann = make_annotation(TEXT, begin, begin + 20, document=DOC, note=f"{seed} add {n}")
                say("intent", ann.id)
                s.add(ann)
                known[ann.id] = ann
                say("write", ann.id, ann.updated, ann.note, "add", "")
            elif change == "edit":
                ann_id = rng.choice(list(known))
                say("intent", ann_id)
                try:
                    before, known[ann_id] = s.edit(ann_id, note=f"{seed} edit {n}")
                except KeyError:
                    say("refused", ann_id)  # deleted meanwhile: an edit cannot bring it back
                    continue
                say("write", ann_id, known[ann_id].updated, known[ann_id].note, "edit", before.updated)
            elif change == "delete":
                ann_id = rng.choice(list(known))
                say("intent", ann_id)
                try:
                    deleted.append(s.delete(ann_id))
                except KeyError:
                    say("refused", ann_id)
                    continue
                when = s.deleted_at(ann_id)  # None if another process brought it back just now
                say("delete", ann_id, when or "") if when else say("refused", ann_id)
            elif change == "restore" and deleted:  # undo of this process's own deletion
                ann = deleted.pop(rng.randrange(len(deleted)))
                say("intent", ann.id)
                known[ann.id] = back = s.restore(ann)
                say("write", ann.id, back.updated, back.note, "restore", "")
            elif change == "stale":  # often a version of something deleted since, as a reader may hold
                ann = rng.choice(deleted) if deleted and rng.random() < 0.5 else known[rng.choice(list(known))]
                s.save_many([replace(ann, status="moved")])
            elif change == "import":
                s.merge(known[i] for i in rng.sample(list(known), min(5, len(known))))
            elif change == "move":  # the reader saves an annotation re-anchored on another text
                ann_id = rng.choice(list(known))
                current = s.get(ann_id)
                if current is None:
                    continue
                moved = replace(current, document=rng.choice(TEXTS), note=f"{seed} move {n}", updated=now_iso())
                say("intent", ann_id)
                if s.save_many([moved]):
                    say("refused", ann_id)
                    continue
                known[ann_id] = moved
                say("write", ann_id, moved.updated, moved.note, "edit", current.updated)


def _log_initial(store: Store, log: Path) -> None:
    with open(log, "w", encoding="utf-8") as out:
        for ann in store.all_annotations():
            out.write(f"write\t{ann.id}\t{ann.updated}\t{ann.note}\tadd\t\n")


def _judge(db: Path, logs: list[Path]) -> dict[str, int]:
    """Compare the database with the logs; logs are in the order their processes ran (a kill loop)."""
    changes: dict[str, list[tuple[str, bool, str, str, str, int]]] = {}
    cut_short: dict[str, set[int]] = {}  # id -> the logs whose change to it was cut short by a kill
    counts: Counter[str] = Counter()
    for number, log in enumerate(logs):
        text = log.read_text(encoding="utf-8") if log.exists() else ""  # killed before it opened its log
        lines = [line.split("\t") for line in text.split("\n")[:-1]]  # a cut-off last line was not acknowledged
        if lines and lines[-1][0] == "intent":
            cut_short.setdefault(lines[-1][1], set()).add(number)
        for kind, ann_id, *rest in lines:
            counts[kind] += 1
            if kind == "write":
                stamp, note, how, before = rest
                changes.setdefault(ann_id, []).append((stamp, False, note, how, before, number))
            elif kind == "delete":
                changes.setdefault(ann_id, []).append((rest[0], True, "", "delete", "", number))
    with Store.open(db) as s:
        stored = {a.id: a for a in s.all_annotations()}
    lost = resurrected = judged = 0
    for ann_id, history in changes.items():
        history.sort()  # by time; on a tie the deletion comes last (it wins)
        cuts = cut_short.get(ann_id, set())
        for last, change in zip(history, history[1:]):
            if any(last[5] <= cut < change[5] for cut in cuts) or change[3] != "edit":
                continue  # a change cut short may have come between: either state is right
            resurrected += last[1]  # an edit found it although it was deleted since its last write
            lost += not last[1] and change[4] != last[0]  # an edit found an older version than the last write
        stamp, deletion, note, _, _, number = history[-1]
        if any(cut >= number for cut in cuts):
            continue  # its last change was cut short: either outcome is right
        judged += 1
        if deletion:
            resurrected += ann_id in stored
        else:
            ann = stored.get(ann_id)
            lost += ann is None or (ann.updated, ann.note) != (stamp, note)
    return {
        "writes": counts["write"],
        "deletions": counts["delete"],
        "refused": counts["refused"],
        "judged": judged,
        "lost": lost,
        "resurrected": resurrected,
    }


def _concurrent_writers(db: Path, processes: int, changes: int, pool: int) -> dict[str, int]:
    with Store.open(db) as s:
        s.merge(note(TEXT, "Joko Widodo", note=f"awal {i}") for i in range(pool))
        _log_initial(s, db.parent / "log-initial")
    start = CONTEXT.Event()
    logs = [db.parent / f"log-{n}" for n in range(processes)]
    writers = [
        CONTEXT.Process(target=_churn, args=(str(db), str(log), n, changes, start)) for n, log in enumerate(logs)
    ]
    _start_together(writers, start)
    return _judge(db, [db.parent / "log-initial", *logs])


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize(
    ("processes", "changes", "pool"),
    [pytest.param(2, 60, 20, id="small"), pytest.param(4, 500, 200, id="large", marks=pytest.mark.slow)],
)
def test_processes_changing_the_same_annotations_at_once_lose_nothing_and_resurrect_nothing(
    db: Path, processes: int, changes: int, pool: int
) -> None:
    figures = _concurrent_writers(db, processes, changes, pool)
    print(f"\n{processes} processes x {changes} changes on {pool} shared annotations: {figures}")
    assert figures["writes"] > pool and figures["deletions"] > 0 and figures["judged"] > pool
    assert figures["lost"] == 0 and figures["resurrected"] == 0


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize("kills", [pytest.param(25, id="small"), pytest.param(250, id="large", marks=pytest.mark.slow)])
def test_kill_9_at_random_moments_loses_no_returned_write(db: Path, tmp_path: Path, kills: int) -> None:
    rng = random.Random(20240605)
    with Store.open(db) as s:  # a realistic size, so that kills land inside writes too
        s.merge(make_annotation(OTHER_TEXT, i % 50, i % 50 + 20, document=OTHER, note=f"isi {i}") for i in range(1500))
        s.merge(note(TEXT, "Joko Widodo", note=f"awal {i}") for i in range(30))  # what the processes change
        _log_initial(s, tmp_path / "log-initial")
    logs = [tmp_path / "log-initial"]
    mid_write = 0
    for round_ in range(kills):
        logs.append(tmp_path / f"log-{round_}")
        child = CONTEXT.Process(target=_churn, args=(str(db), str(logs[-1]), round_, None))
        child.start()
        time.sleep(rng.uniform(0.02, 0.3))  # the moment of the kill is what is random here
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        mid_write += bool(list(db.parent.rglob(".*.tmp")))
        data = json.loads(db.read_bytes())  # every file parses after every kill
        assert data["meta"]["1"]["schema"] == SCHEMA
        for bucket in db.parent.rglob("_*.json"):
            json.loads(bucket.read_bytes())
    figures = _judge(db, logs)
    print(f"\nkill loop: {kills} kills, {mid_write} inside a write, {figures}")
    assert figures["writes"] > 1500 + kills and figures["deletions"] > 0
    assert figures["lost"] == 0 and figures["resurrected"] == 0


@pytest.mark.filterwarnings(FORK_WARNING)
@pytest.mark.parametrize("kills", [pytest.param(25, id="small"), pytest.param(200, id="large", marks=pytest.mark.slow)])
def test_kill_9_while_buckets_split_and_annotations_move_loses_nothing(db: Path, tmp_path: Path, kills: int) -> None:
    """Buckets of 40 records split every few changes: kills land inside splits (children written,
    the parent not yet removed) and inside moves between two documents' buckets."""
    rng = random.Random(20261207)
    Store.split_at = 40
    try:
        with Store.open(db) as s:
            s.merge(note(TEXT, "Joko Widodo", note=f"awal {i}") for i in range(30))
            _log_initial(s, tmp_path / "log-initial")
    finally:
        Store.split_at = DEFAULT_SPLIT
    logs = [tmp_path / "log-initial"]
    for round_ in range(kills):
        logs.append(tmp_path / f"log-{round_}")
        child = CONTEXT.Process(target=_churn, args=(str(db), str(logs[-1]), round_, None, None, 40))
        child.start()
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        for bucket in db.parent.rglob("_*.json"):
            json.loads(bucket.read_bytes())  # every bucket parses after every kill
    figures = _judge(db, logs)
    buckets = {shelf: len(list((db.parent / "sorot.json.d" / shelf).glob("_?*.json"))) for shelf in ("docs", "ids")}
    print(f"\nkill loop with splits: {kills} kills, buckets {buckets}, {figures}")
    assert min(buckets.values()) >= 16 and figures["writes"] > 30 + kills and figures["deletions"] > 0
    assert figures["lost"] == 0 and figures["resurrected"] == 0


@pytest.mark.filterwarnings(FORK_WARNING)
def test_processes_moving_and_splitting_at_once_lose_nothing(db: Path) -> None:
    Store.split_at = 40
    try:
        with Store.open(db) as s:
            s.merge(note(TEXT, "Joko Widodo", note=f"awal {i}") for i in range(30))
            _log_initial(s, db.parent / "log-initial")
    finally:
        Store.split_at = DEFAULT_SPLIT
    start = CONTEXT.Event()
    logs = [db.parent / f"log-{n}" for n in range(2)]
    writers = [CONTEXT.Process(target=_churn, args=(str(db), str(log), n, 80, start, 40)) for n, log in enumerate(logs)]
    _start_together(writers, start)
    figures = _judge(db, [db.parent / "log-initial", *logs])
    print(f"\n2 processes moving and splitting: {figures}")
    assert figures["writes"] > 30 and figures["lost"] == 0 and figures["resurrected"] == 0


# --- conversion of a database made by the single-file store ----------------------------------------

MADE_BEFORE = Path(__file__).resolve().parents[1] / "data" / "store" / "made-by-b923487.json"
"""A database written by Sorot at commit b923487 (schema 1, one file): two documents opened, four
annotations (one deleted), a reading position and a bookmark (see the commit that added it)."""


def test_a_database_made_by_the_single_file_store_is_converted_after_a_byte_for_byte_backup(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    original = MADE_BEFORE.read_bytes()
    db.write_bytes(original)
    old = json.loads(original)
    with Store.open(db) as s:
        (warning,) = s.warnings
        assert warning == (
            "converted catatan.json to the folder layout (its data is now in catatan.json.d); "
            "the old file is kept as catatan.json.schema1-backup"
        )
        stored = {a.id: a.to_dict() for a in s.all_annotations()}
        assert stored == {r["id"]: r for r in old["annotations"].values()}
        (tomb,) = old["deleted"].values()
        assert s.deleted_at(tomb["id"]) == tomb["deleted"] and s.get(tomb["id"]) is None
        for record in old["documents"].values():
            assert s.paths_of(record["sha256"]) == [record["path"]]
        (position,) = old["positions"].values()
        assert s.position(position["document"]["sha256"]) == position["offset"]
        (mark,) = old["bookmarks"].values()
        assert [b.to_dict() for b in s.bookmarks(mark["document"]["sha256"])] == [mark]
        assert s.tags() == ["banjir", "Istana", "politik"]
        first = next(iter(stored.values()))
        assert s.annotations_for(first["document"]["sha256"], first["document"]["path"])
        with pytest.raises(ValueError, match="was deleted"):  # the tombstone still holds
            s.add(
                Annotation.from_dict(
                    {**next(iter(stored.values())), "id": tomb["id"], "updated": "2000-01-01T00:00:00Z"}
                )
            )
    assert (tmp_path / "catatan.json.schema1-backup").read_bytes() == original
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == SCHEMA
    with Store.open(db) as s:  # converted once; the same path names the database from now on
        assert s.warnings == [] and len(s) == 3


def test_a_conversion_cut_short_leaves_the_single_file_and_is_done_again(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "catatan.json"
    original = MADE_BEFORE.read_bytes()
    db.write_bytes(original)
    from tui.core.store import convert

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process stopped after the backup, inside the conversion

    monkeypatch.setattr(convert, "_write_tags", killed)
    with pytest.raises(KeyboardInterrupt):
        Store.open(db)
    assert db.read_bytes() == original and not (tmp_path / "catatan.json.d").exists()
    monkeypatch.undo()
    with Store.open(db) as s:
        assert len(s) == 3 and any("converted" in w for w in s.warnings)
    assert not list(tmp_path.glob(".catatan.json.d.new-*"))


def test_a_read_only_single_file_database_is_shown_converted_in_memory_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    with Store.open(db, read_only=True) as s:
        assert len(s) == 3
        with pytest.raises(StoreError, match="read-only"):
            s.set_position(DOC, 1)
    assert db.read_bytes() == MADE_BEFORE.read_bytes() and sorted(p.name for p in tmp_path.iterdir()) == [
        "catatan.json"
    ]


def test_a_newer_layout_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    newer = json.dumps({"meta": {"1": {"schema": SCHEMA + 1, "data": "…"}}}).encode()
    db.write_bytes(newer)
    with pytest.raises(StoreError, match="newer Sorot") as error:
        Store.open(db)
    assert "\n" not in str(error.value) and db.read_bytes() == newer


def test_a_manifest_without_its_data_folder_is_refused_not_emptied(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
    (tmp_path / "catatan.json.d").rename(tmp_path / "elsewhere")
    with pytest.raises(StoreError, match="data folder .* is missing") as error:
        Store.open(db)
    assert "\n" not in str(error.value) and not (tmp_path / "catatan.json.d").exists()


def test_a_corrupt_bucket_is_moved_aside_and_the_rest_kept(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    Store.split_at = 40
    try:
        with Store.open(db) as s:
            s.merge(
                make_annotation(f"{TEXT}\n{n}", 0, 8, document=DocumentRef.for_text(f"{TEXT}\n{n}")) for n in range(200)
            )
    finally:
        Store.split_at = DEFAULT_SPLIT
    buckets = sorted((tmp_path / "catatan.json.d" / "docs").glob("_*.json"))
    assert len(buckets) >= 16
    damaged = buckets[3]
    lost = len(json.loads(damaged.read_text()).get("annotations", {}))
    damaged.write_bytes(b'{"annotations": {"1": {"cut off')
    with Store.open(db) as s:
        assert len(s) == 200 - lost  # a reader skips it, saying so once
        assert [w for w in s.warnings if "not valid JSON" in w] and all("\n" not in w for w in s.warnings)
        for n in range(300):  # changes reach every bucket: the damaged one is put aside by the first
            s.add(make_annotation(f"{TEXT}\n{n}", 9, 20, document=DocumentRef.for_text(f"{TEXT}\n{n}")))
    (aside,) = damaged.parent.glob(f"{damaged.name}.corrupt-*")
    assert aside.read_bytes() == b'{"annotations": {"1": {"cut off'
    with Store.open(db) as s:
        assert len(s) == 500 - lost


def test_a_single_file_copied_back_over_a_converted_database_is_refused_not_swapped(tmp_path: Path) -> None:
    """The backup copied back over the manifest: its folder holds newer annotations, which a
    conversion would silently put aside. Refused, nothing changed, until the user decides."""
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    newer = note(TEXT, "Joko Widodo", note="sesudah konversi")
    with Store.open(db) as s:
        s.add(newer)
    shutil.copy(tmp_path / "catatan.json.schema1-backup", db)
    before = sorted((str(p), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(StoreError, match="holds the data of another") as error:
        Store.open(db)
    assert "\n" not in str(error.value)
    assert sorted((str(p), p.read_bytes()) for p in tmp_path.rglob("*") if p.is_file()) == before
    db.unlink()  # the user removes the copy: the database with the newer note is back
    Store.open(tmp_path / "other.json").close()
    shutil.copy(tmp_path / "other.json", db)
    with Store.open(db) as s:
        assert s.get(newer.id) == newer


def test_a_conversion_cut_short_after_its_folder_was_named_is_finished(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    from tui.core.store import convert

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the folder is in place, the manifest not yet written

    monkeypatch.setattr(convert, "manifest_data", killed)
    with pytest.raises(KeyboardInterrupt):
        Store.open(db)
    assert (tmp_path / "catatan.json.d").is_dir() and db.read_bytes() == MADE_BEFORE.read_bytes()
    monkeypatch.undo()
    with Store.open(db) as s:
        assert len(s) == 3


# --- hostile pieces: what another program (or a person) may leave in the data folder -------------


def _split_database(db: Path, documents: int = 200) -> list[Annotation]:
    """A database whose documents' shelf is split (buckets of at most 40 records)."""
    Store.split_at = 40
    try:
        anns = [
            make_annotation(f"{TEXT}\n{n}", 0, 8, document=DocumentRef.for_text(f"{TEXT}\n{n}"))
            for n in range(documents)
        ]
        with Store.open(db) as s:
            s.merge(anns)
    finally:
        Store.split_at = DEFAULT_SPLIT
    return anns


@pytest.mark.parametrize("piece", ["directory", "fifo", "link-out", "link-to-another-bucket"])
def test_a_bucket_that_is_not_a_regular_file_is_put_aside_and_never_followed(tmp_path: Path, piece: str) -> None:
    db = tmp_path / "catatan.json"
    anns = _split_database(db)
    buckets = sorted((tmp_path / "catatan.json.d" / "docs").glob("_*.json"))
    victim, other = buckets[2], buckets[5]
    lost = len(json.loads(victim.read_text()).get("annotations", {}))
    outside = tmp_path / "di-luar.json"
    outside.write_bytes(other.read_bytes())
    outside_before = outside.read_bytes()
    victim.unlink()
    if piece == "directory":
        victim.mkdir()
    elif piece == "fifo":
        os.mkfifo(victim)
    else:
        victim.symlink_to(outside if piece == "link-out" else other)
    with Store.open(db) as s:
        assert len(s) == len(anns) - lost  # the rest is read; the piece is one line
        (warning,) = [w for w in s.warnings if victim.name in w]
        assert "\n" not in warning and ("regular file" in warning or "symbolic link" in warning)
        for ann in anns:  # changes reach every bucket: the piece is put aside by the first that needs it
            s.edit(ann.id, note="diubah") if s.get(ann.id) else s.add(ann)
    assert outside.read_bytes() == outside_before  # never written through a link
    (aside,) = victim.parent.glob(f"{victim.name}.corrupt-*")
    assert aside.is_symlink() or not aside.is_file()
    with Store.open(db) as s:
        assert len(s) == len(anns)


def test_missing_shelf_folders_are_made_again_but_a_missing_data_folder_is_not(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    with Store.open(db) as s:
        s.set_position(DOC, 3)
    for shelf in ("ids", "other", "paths"):  # empty: a copy by git or a sync tool drops them
        shutil.rmtree(tmp_path / "catatan.json.d" / shelf)
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
        assert s.position(DOC.sha256) == 3
        shutil.rmtree(tmp_path / "catatan.json.d")  # gone while open: no save pretends to succeed
        with pytest.raises(NotWritableError, match="data folder .* is gone"):
            s.add(note(TEXT, "Senin pagi"))
    assert not (tmp_path / "catatan.json.d").exists()


def test_a_converted_or_restored_database_is_private(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    os.chmod(db, 0o600)
    old_mask = os.umask(0o022)
    try:
        Store.open(db).close()
        with Store.open(db, read_only=True) as s, open(tmp_path / "cadangan.json", "wb") as out:
            s.dump(out)
        store_module.restore_database(tmp_path / "cadangan.json", tmp_path / "pulih.json")
    finally:
        os.umask(old_mask)
    for folder in (tmp_path / "catatan.json.d", tmp_path / "pulih.json.d"):
        for path in [folder, *folder.rglob("*")]:
            assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_a_read_only_look_at_a_single_file_being_converted_sees_every_annotation(tmp_path: Path, monkeypatch) -> None:
    """`sorot export` while the reader converts the file: the export read the single file, which
    the conversion replaced by its manifest meanwhile; it looks again instead of showing nothing."""
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    from tui.core.store import convert

    build = convert.build_from_file

    def converted_meanwhile(path, root, schema, **kwargs):
        warnings = build(path, root, schema, **kwargs)
        if "sorot-read-only-" in str(root):
            monkeypatch.setattr(convert, "build_from_file", build)
            Store.open(db).close()  # another process converts it now
        return warnings

    monkeypatch.setattr(convert, "build_from_file", converted_meanwhile)
    with Store.open(db, read_only=True) as s:
        assert len(s) == 3
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == SCHEMA


def test_a_scan_reads_the_children_of_a_bucket_split_after_it_was_listed(tmp_path: Path) -> None:
    """A dump (or an export) takes no lock: a bucket split by a save meanwhile is read in its children."""
    db = tmp_path / "catatan.json"
    anns = _split_database(db, documents=120)
    with Store.open(db, read_only=True) as reader:
        scan = reader._scan("docs")
        seen = {k for k in next(scan)[1].by_id}
        Store.split_at = 4  # another process saves into every bucket: each one splits again
        try:
            with Store.open(db) as writer:
                for ann in anns:
                    writer.edit(ann.id, note="dipecah")
        finally:
            Store.split_at = DEFAULT_SPLIT
        for _, index in scan:
            seen.update(index.by_id)
    assert seen == {a.id for a in anns}


def test_a_huge_first_line_or_record_is_refused_without_reading_it(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    with open(db, "wb") as out:  # one line of 70 MB, sparse: not in the line layout, over the whole-file limit
        out.truncate(70 << 20)
    with pytest.raises(StoreError, match="too large to read at once"):
        Store.open(db, read_only=True)
    huge = tmp_path / "besar.json"
    record = json.dumps({"id": "x", "note": "a" * (17 << 20)})
    huge.write_text('{\n"meta":{\n"1":{"schema":1}\n},\n"annotations":{\n"1":' + record + "\n}\n}\n")
    with Store.open(huge) as s:  # a damaged file: kept aside byte for byte, a new database started
        (warning,) = s.warnings
        assert "holds a line over 16 MB (line 6)" in warning and "kept it as besar.json.corrupt-" in warning


def test_a_conversion_tried_again_keeps_one_backup(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    from tui.core.store import convert

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(convert, "_write_tags", killed)
    for _ in range(3):
        with pytest.raises(KeyboardInterrupt):
            Store.open(db)
    monkeypatch.undo()
    Store.open(db).close()
    assert [p.name for p in tmp_path.glob("*backup*")] == ["catatan.json.schema1-backup"]


def test_a_dump_is_strict_json_whatever_the_records_hold(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    odd = {"1": {"id": "x", "start": 1e999, "end": -1e999, "nan": float("nan"), "note": "NaN Infinity"}}
    db.write_text(json.dumps({"meta": {"1": {"schema": 1}}, "annotations": odd}))
    with Store.open(db) as s, open(tmp_path / "cadangan.json", "wb") as out:
        s.dump(out)

    def refuse(constant: str) -> None:
        raise ValueError(constant)

    data = json.loads((tmp_path / "cadangan.json").read_text(), parse_constant=refuse)
    (record,) = data["annotations"].values()
    assert record == {"id": "x", "start": float("inf"), "end": float("-inf"), "nan": None, "note": "NaN Infinity"}


def test_what_the_app_shows_of_a_read_only_single_file_outlives_the_store_it_came_from(tmp_path: Path) -> None:
    """The app opens a database it cannot write read-only, keeps `in_memory()` of it and closes
    the store: the scratch folder a single file was converted into goes with the copy."""
    db = tmp_path / "catatan.json"
    db.write_bytes(MADE_BEFORE.read_bytes())
    with Store.open(db, read_only=True) as saved:
        shown = saved.in_memory()
    assert not shown.is_empty() and len(shown) == 3
    shown.add(note(TEXT, "Joko Widodo"))  # kept in memory
    assert len(shown) == 4 and db.read_bytes() == MADE_BEFORE.read_bytes()
    scratch = shown._scratch
    assert scratch is not None and Path(scratch.name).exists()
    shown.close()
    assert not Path(scratch.name).exists()
    assert Store.memory().is_empty()


@pytest.mark.parametrize(
    "parent", [b"", b"{}\n", b'{"annotations":{}}\n'], ids=["empty-file", "brought-back", "no-records"]
)
def test_a_first_bucket_brought_back_beside_its_children_hides_and_loses_nothing(tmp_path: Path, parent: bytes) -> None:
    """A sync tool (or a backup) puts `docs/_.json` back after the shelf split: it would hide
    every child, and the next split would write over them. Settled at opening: all kept."""
    db = tmp_path / "catatan.json"
    anns = _split_database(db)
    (tmp_path / "catatan.json.d" / "docs" / "_.json").write_bytes(parent)
    with Store.open(db) as s:
        assert len(s) == len(anns)
        s.add(note(TEXT, "Joko Widodo"))
    with Store.open(db) as s:
        assert len(s) == len(anns) + 1


def test_a_bucket_brought_back_deeper_is_settled_by_the_first_change_that_finds_it(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    anns = _split_database(db, documents=600)
    docs = tmp_path / "catatan.json.d" / "docs"
    split = sorted(p.name[1:-5] for p in docs.glob("_??.json"))[0][0]  # a bucket split once more
    (docs / f"_{split}.json").write_bytes(b"{}\n")
    with Store.open(db) as s:
        for ann in anns:
            s.edit(ann.id, note="dicari")  # each edit finds its annotation: none is hidden
    with Store.open(db) as s:
        assert len(s) == len(anns) and {a.note for a in s.all_annotations()} == {"dicari"}


@pytest.mark.parametrize("damage", ["not-json", "directory", "link"])
def test_damaged_tag_counts_are_put_aside_and_tagged_saves_go_on(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "catatan.json"
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo", tags=["politik"]))
    tags = tmp_path / "catatan.json.d" / "tags.json"
    tags.unlink()
    if damage == "not-json":
        tags.write_text("{not json")
    elif damage == "directory":
        tags.mkdir()
    else:
        tags.symlink_to("/etc/hostname")
    with Store.open(db) as s:
        s.add(note(TEXT, "Senin pagi", tags=["cuaca"]))
        s.add(note(TEXT, "Jawa Tengah", tags=["cuaca"]))
        assert s.tags() == ["cuaca"]  # counted again from here on
        assert [w for w in s.warnings if "tags.json" in w and "kept it as" in w]
    assert list(tags.parent.glob("tags.json.corrupt-*"))


def test_temporary_files_of_saves_and_dumps_live_in_the_data_folders_tmp(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "catatan.json"
    made: list[str] = []
    real_mkstemp = tempfile.mkstemp

    def recording(*args, **kwargs):
        made.append(str(kwargs.get("dir")))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo", tags=["politik"]))
        s.set_position(DOC, 4)
        with open(tmp_path / "cadangan.json", "wb") as out:
            s.dump(out)
    bucket_saves = [d for d in made if "catatan.json.d" in d]
    assert bucket_saves and all(d.endswith("catatan.json.d/tmp") for d in bucket_saves)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cadangan.json",
        "catatan.json",
        "catatan.json.d",
        "catatan.json.lock",
    ]
    (tmp_path / "catatan.json.d" / "tmp" / "._0.json.x1.tmp").write_text("{")  # a writer killed mid-save
    (tmp_path / "catatan.json.d" / "tmp" / ".dump-x2.tmp").mkdir()  # a dump killed midway
    Store.open(db).close()
    assert list((tmp_path / "catatan.json.d" / "tmp").iterdir()) == []


def test_a_tmp_that_is_not_a_folder_is_put_aside_and_saves_go_on(tmp_path: Path) -> None:
    db = tmp_path / "catatan.json"
    Store.open(db).close()
    scratch = tmp_path / "catatan.json.d" / "tmp"
    scratch.rmdir()
    scratch.write_text("bukan folder")
    with Store.open(db) as s:
        s.add(note(TEXT, "Joko Widodo"))
        assert len(s) == 1
    assert scratch.is_dir() and list(scratch.parent.glob("tmp.corrupt-*"))
