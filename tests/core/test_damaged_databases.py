"""Damaged annotation databases, as a disk error, a bad sync or a hand edit leaves them.

A file Sorot cannot use as a database (nested 100,000 deep, a schema version of -1, a record
id that is not a number, a 5,000-digit number) is moved aside untouched by the reader and
``sorot import``, and refused by ``sorot export``, which never writes: one line each, never a
traceback, never the file's contents. A usable file holding records of the wrong shape (an
annotation that is a list, a position given as text) keeps them as they are, skips them, and
says how many, once, wherever they are read from.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.core.test_store import DOC, TEXT, note
from tui.core.annotations import DocumentRef
from tui.core.store import SCHEMA, SINGLE_FILE_SCHEMA, Store, StoreError

SECRET = "RAHASIA-narasumber-7731"  # in every file: no message may show what the database holds
DEEP = 100_000


def good(**changes) -> dict:
    """A sound annotation record of ``DOC`` (holding the secret), with ``changes``."""
    return {**note(TEXT, "Joko Widodo", note=SECRET).to_dict(), **changes}


def database(annotations: str, meta: str = '{"1": {"schema": 1}}') -> bytes:
    """A database file whose annotations table is the JSON text ``annotations``."""
    return f'{{"meta": {meta}, "annotations": {annotations}}}'.encode()


def table(**records: str) -> str:
    """A table's JSON text from keys and the JSON texts of their records."""
    return "{" + ", ".join(f"{json.dumps(key)}: {text}" for key, text in records.items()) + "}"


SOUND = json.dumps(good())
NONSENSE, NOT_A_NUMBER = "schema version that makes no sense", "a record id in 'annotations' is not a number"


def schema(value: str) -> bytes:
    return database(table(**{"1": SOUND}), f'{{"1": {{"schema": {value}}}}}')


def keyed(key: str) -> bytes:
    return database(table(**{key: SOUND}))


DAMAGED_FILES = [
    pytest.param(
        database(table(**{"1": SOUND, "2": "[" * DEEP + "]" * DEEP})),
        "is nested too deeply to read",
        id="a-record-of-lists-nested-100000-deep",
    ),
    pytest.param(
        database(table(**{"1": SOUND, "2": '{"a": ' * DEEP + "1" + "}" * DEEP})),
        "is nested too deeply to read",
        id="a-record-of-objects-nested-100000-deep",
    ),
    pytest.param(schema("-1"), NONSENSE, id="schema-minus-1"),
    pytest.param(schema("true"), NONSENSE, id="schema-true"),
    pytest.param(schema("1.0"), NONSENSE, id="schema-1.0"),
    pytest.param(schema('"1"'), NONSENSE, id="schema-text"),
    pytest.param(schema("null"), NONSENSE, id="schema-null"),
    pytest.param(schema("9" * 40), NONSENSE, id="schema-huge"),
    pytest.param(database(table(**{"1": SOUND}), '{"1": [1]}'), "something else, not Sorot's", id="meta-record-a-list"),
    pytest.param(keyed("²"), NOT_A_NUMBER, id="record-id-superscript-two"),
    pytest.param(keyed("-1"), NOT_A_NUMBER, id="record-id-negative"),
    pytest.param(keyed("abc"), NOT_A_NUMBER, id="record-id-letters"),
    pytest.param(keyed("9" * 5000), NOT_A_NUMBER, id="record-id-5000-digits"),
    pytest.param(
        database(table(**{"1": SOUND[:-1] + ', "extra": ' + "7" * 5000 + "}"})),
        "holds a number too long to read",
        id="a-5000-digit-number",
    ),
    pytest.param(database('{"1": ' + SOUND + ', "2": [1, 2]'), "is not valid JSON", id="cut-off"),
]


def one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message and SECRET not in message, message


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return tmp_path / "data" / "sorot.json"


# --- files that are not a database ------------------------------------------------------------------


@pytest.mark.parametrize(("content", "reason"), DAMAGED_FILES)
def test_the_reader_moves_a_damaged_file_aside_once_with_one_line(db: Path, content: bytes, reason: str) -> None:
    db.write_bytes(content)
    with Store.open(db) as store:
        (warning,) = store.warnings
        one_line(warning)
        assert reason in warning and "kept it as sorot.json.corrupt-" in warning
        assert len(store) == 0
        store.add(note(TEXT, "Senin pagi"))
    (aside,) = db.parent.glob("sorot.json.corrupt-*")
    assert aside.read_bytes() == content  # byte for byte: nothing the reader saved is lost
    with Store.open(db) as store:  # and once is enough: no debris on the next runs
        assert store.warnings == [] and len(store) == 1
    assert files_in(db.parent) == sorted(["sorot.json", "sorot.json.d", "sorot.json.lock", aside.name])


@pytest.mark.parametrize(("content", "reason"), DAMAGED_FILES)
def test_export_refuses_a_damaged_file_with_one_line(db: Path, content: bytes, reason: str, sorot) -> None:
    db.write_bytes(content)
    result = sorot("export", "--format", "jsonl", "--db", db)
    assert result.returncode == 1 and result.stdout == ""
    one_line(result.stderr.rstrip("\n"))
    assert result.stderr.startswith(f"sorot: {db} ") and reason in result.stderr
    assert db.read_bytes() == content and files_in(db.parent) == ["sorot.json"]


@pytest.mark.parametrize(("content", "reason"), DAMAGED_FILES)
def test_import_moves_a_damaged_file_aside_and_imports(
    db: Path, tmp_path: Path, content: bytes, reason: str, sorot
) -> None:
    db.write_bytes(content)
    incoming = note(TEXT, "Jawa Tengah")
    exported = tmp_path / "masuk.jsonl"
    exported.write_text(json.dumps(incoming.to_dict()) + "\n", encoding="utf-8")
    result = sorot("import", exported, "--db", db)
    assert result.returncode == 0, result.stderr
    warning, summary = result.stderr.rstrip("\n").split("\n")
    one_line(warning)
    assert warning.startswith("sorot: warning: sorot.json ") and reason in warning
    assert summary.startswith("sorot: imported 1 annotation")
    (aside,) = db.parent.glob("sorot.json.corrupt-*")
    assert aside.read_bytes() == content
    with Store.open(db) as store:
        assert store.all_annotations() == [incoming]


def test_an_old_file_with_times_out_of_range_is_migrated(db: Path) -> None:
    """A schema-0 file whose epoch times no calendar holds: the times are dropped, nothing else."""
    old = {
        "annotations": {"1": {"sha256": DOC.sha256, "start": 0, "end": 7, "exact": TEXT[:7], "created": 1e300}},
        "bookmarks": {"1": {"sha256": DOC.sha256, "offset": 3, "created": float("nan")}},
        "positions": {"1": {"sha256": DOC.sha256, "offset": 4, "updated": -1e20}},
    }
    db.write_text(json.dumps(old), encoding="utf-8")
    with Store.open(db) as store:
        (ann,) = store.all_annotations()
        assert (ann.quote.exact, ann.created) == (TEXT[:7], "")
        assert [b.offset for b in store.bookmarks(DOC.sha256)] == [3] and store.position(DOC.sha256) == 4
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == SCHEMA


def test_a_file_from_a_newer_sorot_is_left_alone_by_every_command(db: Path, sorot) -> None:
    newer = schema(str(SCHEMA + 1))
    db.write_bytes(newer)
    incoming = db.parent.parent / "masuk.jsonl"
    incoming.write_text(json.dumps(note(TEXT, "Jawa Tengah").to_dict()) + "\n", encoding="utf-8")
    for args in (["export", "--format", "jsonl", "--db", db], ["import", incoming, "--db", db]):
        result = sorot(*args)
        assert result.returncode == 1 and "written by a newer Sorot" in result.stderr
        one_line(result.stderr.rstrip("\n"))
    assert db.read_bytes() == newer and files_in(db.parent) == sorted(["sorot.json", "sorot.json.lock"])
    assert not (db.parent / "sorot.json.d").exists()


# --- records of the wrong shape ----------------------------------------------------------------------


def with_damaged_records(
    db: Path, document: DocumentRef = DOC, text: str = TEXT, passages: tuple[str, str] = ("Joko", "Widodo")
) -> tuple[list, dict]:
    """A database with two sound annotations of ``document`` (on ``passages``) and, around them,
    records of the wrong shape: five annotations (three naming the document), a bookmark and a
    reading position."""
    first, second = (note(text, passage, document=document, note=SECRET) for passage in passages)
    doc = document.to_dict()
    annotations = {
        "1": first.to_dict(),
        "2": ["not", "an", "annotation", SECRET],
        "3": "an annotation as a string",
        "4": {**second.to_dict(), "id": 4},
        "5": {**first.to_dict(), "id": "posisi-teks", "position": {"start": "10", "end": "20"}},
        "6": second.to_dict(),
        "7": {**first.to_dict(), "id": "label-teks", "tags": "politik"},
    }
    bookmarks = {
        "1": {"id": "baik", "document": doc, "offset": 5, "label": "", "created": ""},
        "2": {"id": "rusak", "document": doc, "offset": "lima", "label": SECRET, "created": ""},
    }
    positions = {"1": {"document": doc, "offset": [12], "updated": ""}}
    data = {"meta": {"1": {"schema": SINGLE_FILE_SCHEMA}}, "annotations": annotations}
    db.write_text(json.dumps({**data, "bookmarks": bookmarks, "positions": positions}, indent=1), encoding="utf-8")
    damaged = {key: annotations[key] for key in ("2", "3", "4", "5", "7")}
    return [first, second], damaged


DAMAGE = (
    "5 stored annotations, 1 bookmark and 1 reading position are damaged and were skipped (kept in the file untouched)"
)
BUCKET = "sorot.json.d/docs/_.json"  # the one bucket of a small database's documents


def stored(db: Path, table: str) -> list:
    """Every record of ``table`` in the buckets of the database at ``db``, as the files hold them."""
    return [
        r
        for p in sorted(db.parent.glob(f"{db.name}.d/docs/_*.json"))
        for r in json.loads(p.read_text())[table].values()
    ]


def test_records_of_the_wrong_shape_are_skipped_counted_once_and_kept(db: Path) -> None:
    sound, damaged = with_damaged_records(db)
    with Store.open(db) as store:
        assert [w for w in store.warnings if "damaged" in w] == []  # converted: not read yet
        # Every way of reading skips the same records, and none adds to the count.
        assert store.annotations_for(DOC.sha256) == sorted(sound, key=lambda a: a.start)
        assert [w for w in store.warnings if "damaged" in w] == [f"{BUCKET}: {DAMAGE}"]
        assert store.annotations_for(DOC.sha256, path=DOC.path) == sorted(sound, key=lambda a: a.start)
        assert sorted(a.id for a in store.all_annotations()) == sorted(a.id for a in sound)
        assert store.damaged_for(DOC.sha256, DOC.path) == 3 and store.damaged_for("0" * 64) == 0
        assert len(store) == 2 and store.get("posisi-teks") is None
        assert [b.id for b in store.bookmarks(DOC.sha256)] == ["baik"] and store.position(DOC.sha256) is None
        assert store.tags() == [] and [d.sha256 for d in store.documents()] == [DOC.sha256]
        assert [w for w in store.warnings if "damaged" in w] == [f"{BUCKET}: {DAMAGE}"]
        store.add(note(TEXT, "Senin pagi"))
        store.set_position(DOC, 30)
    annotations = stored(db, "annotations")
    assert all(record in annotations for record in damaged.values())  # untouched
    assert [r["offset"] for r in stored(db, "positions")] == [[12], 30]
    assert [r["offset"] for r in stored(db, "bookmarks")] == [5, "lima"]
    with Store.open(db, read_only=True) as store:
        assert store.warnings == [] and len(store) == 3 and store.position(DOC.sha256) == 30
        assert store.warnings == [f"{BUCKET}: {DAMAGE}"]


def test_export_and_import_say_how_many_records_were_skipped(db: Path, tmp_path: Path, sorot) -> None:
    with_damaged_records(db)
    Store.open(db).close()  # converted
    exported = tmp_path / "keluar.jsonl"
    result = sorot("export", "--format", "jsonl", "--db", db, "-o", exported)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("damaged") == 1 and f"sorot: warning: {BUCKET}: {DAMAGE}\n" in result.stderr
    assert "exported 2 annotations from 1 document" in result.stderr and SECRET not in result.stderr
    result = sorot("import", exported, "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("damaged") == 1 and f"sorot: warning: {BUCKET}: {DAMAGE}\n" in result.stderr
    assert "imported 2 annotations on 1 document" in result.stderr
    assert "0 new, 0 updated, 2 already there" in result.stderr


def test_a_store_error_from_a_damaged_file_is_one_line_when_read_only(db: Path) -> None:
    db.write_bytes(database(table(**{"1": SOUND}), '{"1": {"schema": -1}}'))
    with pytest.raises(StoreError) as error:
        Store.open(db, read_only=True)
    one_line(str(error.value))
    assert "schema version that makes no sense" in str(error.value)


def test_the_quick_soundness_check_agrees_with_the_annotation_model() -> None:
    """The index decides which records are damaged without building annotations: it must decide
    exactly as ``Annotation.from_dict`` does, or a record would be counted twice or crash a read."""
    import random

    from tui.core.annotations import Annotation
    from tui.core.store.index import is_annotation

    odd = [None, "", "x", "highlight", "orphaned", 0, -1, 7, True, 1.5, float("nan"), [], ["a"], [1], {}, {"a": 1}]
    fields = {
        "": ["id", "document", "kind", "position", "quote", "note", "tags", "label", "colour", "created", "updated"],
        "document": ["sha256", "path", "title"],
        "position": ["start", "end"],
        "quote": ["exact", "prefix", "suffix"],
    }
    fields[""] += ["status", "status"]
    rng = random.Random(11)
    agreed = {True: 0, False: 0}
    for _ in range(3000):
        record = json.loads(SOUND)
        for _ in range(rng.choice([1, 1, 2])):
            part = rng.choice(list(fields))
            target = record if not part else record.get(part)
            if not isinstance(target, dict):
                continue
            key = rng.choice(fields[part])
            if rng.random() < 0.2:
                target.pop(key, None)
            else:
                target[key] = rng.choice(odd)
        try:
            Annotation.from_dict(record)
            accepted = True
        except (ValueError, KeyError, TypeError, AttributeError):
            accepted = False
        assert is_annotation(record) == accepted, record
        agreed[accepted] += 1
    assert min(agreed.values()) > 100  # both answers were exercised
    assert not is_annotation(["a", "list"]) and not is_annotation("text") and not is_annotation(None)


def test_export_and_import_through_a_link_to_nothing_say_so_in_one_line(tmp_path: Path, sorot) -> None:
    link = tmp_path / "sorot.json"
    link.symlink_to(tmp_path / "usb" / "sorot.json")
    incoming = tmp_path / "masuk.jsonl"
    incoming.write_text(json.dumps(note(TEXT, "Jawa Tengah").to_dict()) + "\n", encoding="utf-8")
    for args in (["export", "--format", "jsonl", "--db", link], ["import", incoming, "--db", link]):
        result = sorot(*args)
        assert result.returncode == 1
        assert result.stderr == f"sorot: {link} is a symbolic link to {tmp_path}/usb/sorot.json, which does not exist\n"
    assert not (tmp_path / "usb").exists()


ODD_VALUES = [None, "", "x", "²", 0, -1, 10**20, True, 1.5, float("inf"), [], ["a"], {}, {"a": 1}, [[[1]]], "highlight"]


def test_a_database_damaged_anywhere_gives_at_most_one_line_never_a_traceback(tmp_path: Path) -> None:
    """Fuzzing, with a fixed seed: any value, key or record of a real database replaced by an odd
    one. Every open, read and save either works or raises a one-line StoreError."""
    import copy
    import random

    base = tmp_path / "base.json"
    with Store.open(base) as store:
        store.add(note(TEXT, "Joko Widodo", tags=["politik"], note="catatan"))
        store.add(note(TEXT, "Senin pagi"))
        store.add_bookmark(DOC, 5, "awal")
        store.set_position(DOC, 9)
        store.document_opened(DOC)
        with open(tmp_path / "dump.json", "wb") as out:
            store.dump(out)
    (bucket,) = (tmp_path / "base.json.d" / "docs").glob("_*.json")
    originals = {  # a single-file database (converted when opened), and one bucket of a sharded one
        "single": json.loads((tmp_path / "dump.json").read_text(encoding="utf-8")),
        "bucket": json.loads(bucket.read_text(encoding="utf-8")),
    }

    def places(value, path=()):
        yield path
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in children:
            yield from places(child, (*path, key))

    rng = random.Random(20261207)
    for case in range(150):
        kind = "single" if case % 2 else "bucket"
        data = copy.deepcopy(originals[kind])
        for _ in range(rng.randint(1, 3)):
            *parents, last = rng.choice([p for p in places(data) if p])
            parent = data
            for key in parents:
                parent = parent[key]
            if isinstance(parent, dict) and rng.random() < 0.3:
                value = parent.pop(last)
                if rng.random() < 0.5:
                    parent[rng.choice(["1", "01", "²", "x", "-3", "99"])] = value
            else:
                parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        db = tmp_path / str(case) / "sorot.json"
        db.parent.mkdir()
        damaged = db if kind == "single" else db.parent / "sorot.json.d" / "docs" / bucket.name
        if kind == "bucket":
            shutil.copytree(tmp_path / "base.json.d", db.parent / "sorot.json.d")
            shutil.copy(base, db)
        damaged.write_text(json.dumps(data, indent=rng.choice([None, 1])), encoding="utf-8")
        for read_only in (True, False):
            try:
                with Store.open(db, read_only=read_only) as store:
                    assert all("\n" not in w for w in store.warnings)
                    for read in (store.all_annotations, store.tags, store.documents, store.orphans):
                        read()
                    store.annotations_for(DOC.sha256, DOC.path)
                    store.bookmarks(DOC.sha256)
                    store.position(DOC.sha256, DOC.path)
                    if not read_only:
                        store.add(note(TEXT, "Jawa Tengah"))
                        store.set_position(DOC, 3)
                        store.remove_bookmark(store.add_bookmark(DOC, 7).id)
                        for ann in store.annotations_for(DOC.sha256):
                            store.update(ann.edited(note="diubah"))
                            store.delete(ann.id)
            except StoreError as error:
                assert "\n" not in str(error), case
