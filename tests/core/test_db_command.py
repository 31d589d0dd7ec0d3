"""``sorot db dump`` and ``sorot db restore`` run as a user runs them: a backup of the whole
database as one TinyDB file, and a database made from it again.

The story: a reader annotated two articles (notes and tags, a deletion, a reading position, a
bookmark, one article opened from two paths). They back the database up, restore the backup
somewhere else, and make the mistakes users make: restoring over a database, restoring a file
that is no backup, writing the backup over the database's own files.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import stat
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from tests.core.conftest import Run
from tests.core.test_store import DOC, OTHER, OTHER_TEXT, TEXT, note
from tui import cli
from tui.core.annotations import Annotation
from tui.core.store import NotWritableError, Store, data_folder

TABLES = ("meta", "annotations", "positions", "bookmarks", "documents", "deleted")


@dataclass
class Library:
    db: Path
    kept: list[Annotation]  # the annotations stored, as stored
    gone: Annotation  # the deleted one
    gone_at: str  # when


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """A database of annotations, a deletion, reading positions, a bookmark and documents opened."""
    db = tmp_path / "sorot.json"
    with Store.open(db) as store:
        store.document_opened(DOC)
        store.document_opened(replace(DOC, path="/salinan/bendungan.txt"))  # the same text at a second path
        store.document_opened(OTHER)
        store.add(note(TEXT, "Joko Widodo", tags=["Presiden", "tokoh"], note="Meresmikan, bukan membangun."))
        store.add(note(TEXT, "Basuki Hadimuljono", kind="note", note='Menteri "PU"\nCek jabatannya', tags=["tokoh"]))
        store.add(note(TEXT, "Rp 2,1 triliun", kind="entity-add", label="MONEY"))
        store.add(note(OTHER_TEXT, "Cipinang", document=OTHER, tags=["pasar", "Jakarta"], colour="hijau"))
        gone = store.add(note(TEXT, "Senin pagi", tags=["waktu"]))
        store.delete(gone.id)
        store.set_position(DOC, 42)
        store.set_position(OTHER, 7)
        store.add_bookmark(OTHER, 5, "harga naik")
        gone_at = store.deleted_at(gone.id)
        assert gone_at is not None
        kept = store.all_annotations()
    assert len(kept) == 4
    return Library(db, kept, gone, gone_at)


def state(db: Path) -> dict:
    """What the Store API answers about a database (``deleted_at`` apart: see below)."""
    with Store.open(db, read_only=True) as store:
        shas = (DOC.sha256, OTHER.sha256)
        return {
            "annotations": sorted((a.to_dict() for a in store.all_annotations()), key=lambda a: a["id"]),
            "bookmarks": {sha: store.bookmarks(sha) for sha in shas},
            "positions": {sha: store.position(sha) for sha in shas},
            "paths": {sha: store.paths_of(sha) for sha in shas},
            "tags": store.tags(),
            "documents": store.documents(),
            "count": len(store),
        }


def tables(dump: Path | str) -> dict[str, list]:
    """The records of each table of a single-file database, in an order that does not depend on
    their keys (a restore may number them afresh)."""
    data = json.loads(dump.read_text(encoding="utf-8") if isinstance(dump, Path) else dump)
    return {table: sorted(records.values(), key=json.dumps) for table, records in data.items()}


def files(db: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a database (manifest, lock file, buckets) with its bytes and modification time."""
    paths = [db, Path(f"{db}.lock"), *data_folder(db).rglob("*")]
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in paths if p.is_file()}


def one_line_error(result) -> str:
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sorot: ")
    return lines[0]


def dump_of(sorot: Run, db: Path, out: Path) -> Path:
    result = sorot("db", "dump", "-o", out, "--db", db)
    assert result.returncode == 0, result.stderr
    return out


# -- dump and restore ---------------------------------------------------------------------------


def test_a_dump_restored_elsewhere_is_the_same_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    dump = tmp_path / "cadangan.json"
    result = sorot("db", "dump", "-o", dump, "--db", library.db)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # the data went where -o said
    assert result.stderr == (
        f"sorot: dumped 4 annotations, 2 reading positions, 1 bookmark, 3 document records and 1 deletion to {dump}\n"
    )

    other = tmp_path / "lain" / "sorot.json"
    result = sorot("db", "restore", dump, "--db", other)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    restored = "4 annotations, 2 reading positions, 1 bookmark, 3 document records and 1 deletion"
    assert result.stderr == f"sorot: restored {restored} from {dump} into {other}\n"  # as the dump said

    before, after = state(library.db), state(other)
    assert after == before
    assert after["annotations"] == sorted((a.to_dict() for a in library.kept), key=lambda a: a["id"])
    assert sorted(after["tags"]) == ["Jakarta", "Presiden", "pasar", "tokoh"]  # "waktu" left with the deletion
    assert after["paths"][DOC.sha256] == ["/salinan/bendungan.txt", "/berita/bendungan.txt"]
    assert after["positions"] == {DOC.sha256: 42, OTHER.sha256: 7}
    assert [b.label for b in after["bookmarks"][OTHER.sha256]] == ["harga naik"]
    with Store.open(other) as restored:  # the tombstone still keeps an older version out
        assert restored.merge([library.gone]).deleted == 1
        assert restored.get(library.gone.id) is None

    again = dump_of(sorot, other, tmp_path / "lagi.json")
    assert tables(again) == tables(dump)  # every record of every table, keys maybe renumbered
    assert set(tables(dump)) == set(TABLES)


def test_a_restored_database_still_says_when_an_annotation_was_deleted(
    library: Library, sorot: Run, tmp_path: Path
) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    other = tmp_path / "lain.json"
    assert sorot("db", "restore", dump, "--db", other).returncode == 0
    with Store.open(other, read_only=True) as restored:
        assert restored.deleted_at(library.gone.id) == library.gone_at


def test_the_dump_is_a_plain_tinydb_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    with TinyDB(dump, storage=JSONStorage, access_mode="r") as tiny:
        assert tiny.tables() == set(TABLES)
        annotations = tiny.table("annotations").all()
        assert sorted(r["id"] for r in annotations) == sorted(a.id for a in library.kept)
        assert {r["quote"]["exact"] for r in annotations} == {
            "Joko Widodo",
            "Basuki Hadimuljono",
            "Rp 2,1 triliun",
            "Cipinang",
        }
        assert [r["id"] for r in tiny.table("deleted").all()] == [library.gone.id]
        assert sorted(r["offset"] for r in tiny.table("positions").all()) == [7, 42]
        assert [r["label"] for r in tiny.table("bookmarks").all()] == ["harga naik"]
        assert len(tiny.table("documents").all()) == 3
        assert tiny.table("meta").all() == [{"schema": 1}]


def test_a_dump_to_standard_output_is_the_dump_to_a_file(
    library: Library, sorot: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # were "-o -" taken for a file name, the file is not left in the repository
    piped = sorot("db", "dump", "--db", library.db)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.startswith("sorot: dumped 4 annotations, ") and piped.stderr.endswith(" to standard output\n")
    dashed = sorot("db", "dump", "-o", "-", "--db", library.db)  # - is standard output too, as for export
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    assert tables(piped.stdout) == tables(dashed.stdout) == tables(dump)
    assert not (tmp_path / "-").exists()
    assert len(tables(dump)["annotations"]) == 4


def test_the_default_database_is_sorot_db(library: Library, sorot: Run, tmp_path: Path) -> None:
    """The ``sorot`` fixture points $SOROT_DB at default.json: both commands use it without --db."""
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    result = sorot("db", "restore", dump)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith(f" into {tmp_path / 'default.json'}\n")
    assert state(tmp_path / "default.json") == state(library.db)
    piped = sorot("db", "dump")
    assert piped.returncode == 0, piped.stderr
    assert tables(piped.stdout) == tables(dump)


def test_a_new_dump_is_private_and_an_old_one_is_replaced_whole(library: Library, sorot: Run, tmp_path: Path) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "baru.json")
    assert stat.S_IMODE(dump.stat().st_mode) & 0o077 == 0  # the notes are as private as in the database

    old = tmp_path / "lama.json"
    old.write_text("cadangan lama\n" * 10_000, encoding="utf-8")
    old.chmod(0o640)
    dump_of(sorot, library.db, old)
    assert tables(old) == tables(dump)
    assert stat.S_IMODE(old.stat().st_mode) == 0o640  # the file's mode is the user's
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_an_unknown_table_survives_a_dump_and_a_restore(library: Library, sorot: Run, tmp_path: Path) -> None:
    """A table a newer Sorot (or another tool) added is kept, record for record."""
    data = json.loads(dump_of(sorot, library.db, tmp_path / "cadangan.json").read_text(encoding="utf-8"))
    future = {"1": {"kind": "ringkasan", "text": "Bendungan diresmikan"}, "7": {"kind": "ringkasan", "n": [1, 2]}}
    data["ringkasan"] = future
    extended = tmp_path / "tambahan.json"
    extended.write_text(json.dumps(data), encoding="utf-8")  # one line: not the dump's layout either

    other = tmp_path / "lain.json"
    result = sorot("db", "restore", extended, "--db", other)
    assert result.returncode == 0, result.stderr
    again = sorot("db", "dump", "-o", tmp_path / "lagi.json", "--db", other)
    assert again.returncode == 0, again.stderr
    assert "and 2 records of 1 other table to " in again.stderr
    assert tables(tmp_path / "lagi.json") == tables(json.dumps(data))


def test_a_single_file_database_of_an_older_sorot_is_dumped_without_converting_it(
    library: Library, sorot: Run, tmp_path: Path
) -> None:
    """A dump is a single-file database (schema 1), as Sorot kept them before the data folder:
    dumping one reads it as it is, and leaves it so."""
    old = dump_of(sorot, library.db, tmp_path / "lama.json")
    before = old.read_bytes()
    again = dump_of(sorot, old, tmp_path / "lagi.json")
    assert tables(again) == tables(old)
    assert old.read_bytes() == before
    assert not data_folder(old).exists()


# -- the database is only read ------------------------------------------------------------------


def test_a_dump_changes_no_file_of_a_read_only_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    everything = [library.db, Path(f"{library.db}.lock"), *data_folder(library.db).rglob("*")]
    for path in everything:  # read-only files and data folder (root is held to chmod a-w by the store)
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
    data_folder(library.db).chmod(0o555)
    try:
        with pytest.raises(NotWritableError):
            Store.open(library.db)  # read-only indeed, for the store
        (tmp_path / "keluar").mkdir()
        before, listing = files(library.db), sorted(os.listdir(tmp_path))
        dump = dump_of(sorot, library.db, tmp_path / "keluar" / "cadangan.json")
        assert files(library.db) == before  # every file's bytes and modification time
        assert sorted(os.listdir(tmp_path)) == listing  # nothing left beside the database
        assert [p.name for p in (tmp_path / "keluar").iterdir()] == ["cadangan.json"]
        assert len(tables(dump)["annotations"]) == 4
    finally:
        for path in [data_folder(library.db), *everything]:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def refuse_changes_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """What a read-only mount (or ``chmod a-w`` on a directory, for someone other than root) does
    to ``folder``: nothing in it can be created, written, renamed or removed."""
    root = os.path.realpath(folder)

    def denied(path) -> bool:
        real = os.path.realpath(os.fspath(path))
        return real == root or real.startswith(root + os.sep)

    def refuse(path):
        raise PermissionError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir
    real_rename, real_replace, real_unlink = os.rename, os.replace, os.unlink

    def os_open(path, flags, *args, **kwargs):
        if flags & writes and denied(path):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def open_(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and set(mode) & set("wax+") and denied(file):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        if denied(path):
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def moving(real):
        def move(src, dst, *args, **kwargs):
            if denied(src) or denied(dst):
                refuse(dst)
            return real(src, dst, *args, **kwargs)

        return move

    def unlink(path, *args, **kwargs):
        if denied(path):
            refuse(path)
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "rename", moving(real_rename))
    monkeypatch.setattr(os, "replace", moving(real_replace))
    monkeypatch.setattr(os, "unlink", unlink)


def test_a_database_on_a_read_only_mount_can_be_dumped(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    for name in (library.db.name, f"{library.db.name}.lock", data_folder(library.db).name):
        os.rename(tmp_path / name, ro / name)
    db, out = ro / library.db.name, tmp_path / "cadangan.json"
    before = files(db)
    refuse_changes_in(monkeypatch, ro)
    code = cli.main(["db", "dump", "-o", str(out), "--db", str(db)])
    monkeypatch.undo()
    assert code == 0, capsys.readouterr().err
    assert files(db) == before
    assert len(tables(out)["annotations"]) == 4


def test_a_failed_dump_leaves_the_file_it_would_have_replaced(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk filled up halfway through: yesterday's backup is still whole, and no temporary is left."""
    out = tmp_path / "cadangan.json"
    out.write_text("cadangan kemarin\n", encoding="utf-8")
    listing = sorted(os.listdir(tmp_path))

    def half_a_dump(self: Store, stream) -> dict[str, int]:
        stream.write(b'{\n"meta":{\n')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Store, "dump", half_a_dump)
    assert cli.main(["db", "dump", "-o", str(out), "--db", str(library.db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"sorot: cannot dump {library.db} to {out}: ") and err.count("\n") == 1
    assert os.strerror(errno.ENOSPC) in err
    assert out.read_text(encoding="utf-8") == "cadangan kemarin\n"
    assert sorted(os.listdir(tmp_path)) == listing


# -- restore refuses, and keeps what was there --------------------------------------------------


def test_a_restore_over_a_database_is_refused_and_with_replace_keeps_it_aside(
    library: Library, sorot: Run, tmp_path: Path
) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    other = tmp_path / "lain.json"
    with Store.open(other) as store:  # another database, with an annotation of its own
        mine = store.add(note(TEXT, "Jawa Tengah", note="milik database lain"))
        store.set_position(DOC, 3)
    before, listing = files(other), sorted(os.listdir(tmp_path))

    line = one_line_error(sorot("db", "restore", dump, "--db", other))
    assert f"{other} already holds a database" in line and "--replace" in line
    assert files(other) == before  # byte for byte, every file of it
    assert sorted(os.listdir(tmp_path)) == listing

    result = sorot("db", "restore", dump, "--db", other, "--replace")
    assert result.returncode == 0, result.stderr
    assert state(other) == state(library.db)
    (manifest,) = (p for p in tmp_path.glob("lain.json.before-restore-*") if p.is_file())
    assert data_folder(manifest).is_dir()
    assert result.stderr.splitlines() == [
        f"sorot: warning: kept the database that was at lain.json as {manifest.name} (open it with --db)",
        f"sorot: restored 4 annotations, 2 reading positions, 1 bookmark, 3 document records and 1 deletion "
        f"from {dump} into {other}",
    ]
    with Store.open(manifest, read_only=True) as store:  # the old database opens where it was kept
        assert [a.id for a in store.all_annotations()] == [mine.id]
        assert store.position(DOC.sha256) == 3


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xff\xfe bukan JSON \x1b[31m", id="garbage"),
        pytest.param(b"[1, 2, 3]\n", id="a JSON list"),
        pytest.param(b'{"catatan": "bukan database"}', id="a JSON object of no tables"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_file_that_is_no_database_is_refused_and_nothing_is_made(content: bytes, sorot: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bukan.json"
    bad.write_bytes(content)
    listing = sorted(os.listdir(tmp_path))
    line = one_line_error(sorot("db", "restore", bad, "--db", tmp_path / "baru.json"))
    assert str(bad) in line
    assert "\x1b" not in line
    assert sorted(os.listdir(tmp_path)) == listing  # no database, no data folder, no lock file


def test_a_cut_off_dump_makes_no_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    cut = tmp_path / "terpotong.json"
    cut.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    other = tmp_path / "baru.json"
    line = one_line_error(sorot("db", "restore", cut, "--db", other))
    assert f"{cut} is not valid JSON" in line
    assert not other.exists() and not data_folder(other).exists()
    assert "sorot-dump" not in " ".join(os.listdir(tmp_path)) and not list(tmp_path.glob(".*"))


def test_a_failed_restore_with_replace_never_loses_the_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    """Whether the database stays in place or was put aside first, the user is told where it is."""
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    cut = tmp_path / "terpotong.json"
    cut.write_bytes(dump.read_bytes()[:-100])
    before = state(library.db)
    line = one_line_error(sorot("db", "restore", cut, "--db", library.db, "--replace"))
    assert f"{cut} is not valid JSON" in line
    assert state(library.db) == before and not list(tmp_path.glob("*.before-restore-*"))


def test_a_failed_restore_with_replace_leaves_the_database_in_place(
    library: Library, sorot: Run, tmp_path: Path
) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    cut = tmp_path / "terpotong.json"
    cut.write_bytes(dump.read_bytes()[:-100])
    before = files(library.db)
    one_line_error(sorot("db", "restore", cut, "--db", library.db, "--replace"))
    assert files(library.db) == before


def _other_filesystem() -> str | None:
    for place in ("/dev/shm", tempfile.gettempdir()):
        if os.path.isdir(place) and os.access(place, os.W_OK):
            return place
    return None


def test_a_dump_on_another_filesystem_is_restored(library: Library, sorot: Run, tmp_path: Path) -> None:
    place = _other_filesystem()
    if place is None or os.stat(place).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no writable folder on another filesystem (/dev/shm)")
    with tempfile.TemporaryDirectory(dir=place) as elsewhere:
        dump = dump_of(sorot, library.db, Path(elsewhere) / "cadangan.json")
        result = sorot("db", "restore", dump, "--db", tmp_path / "lain.json")
    assert result.returncode == 0, result.stderr
    assert state(tmp_path / "lain.json") == state(library.db)


def test_restore_refuses_a_dump_that_is_the_database_or_inside_it(library: Library, sorot: Run, tmp_path: Path) -> None:
    """--replace would move the source aside before reading it."""
    inside = data_folder(library.db) / "cadangan.json"
    dump_of(sorot, library.db, tmp_path / "cadangan.json").rename(inside)
    before = files(library.db)
    for source, what in ((library.db, "is the database to restore into"), (inside, "is inside the data folder")):
        line = one_line_error(sorot("db", "restore", source, "--db", library.db, "--replace"))
        assert f"{source} {what}" in line
        assert files(library.db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


# -- dump refuses ---------------------------------------------------------------------------------


def test_a_dump_is_never_written_over_the_database(library: Library, sorot: Run, tmp_path: Path) -> None:
    link = tmp_path / "tautan.json"
    link.symlink_to(library.db)
    folder = data_folder(library.db)
    bucket = next(p for p in folder.rglob("*.json") if p.is_file())
    targets = {
        library.db: "is the database being dumped",
        link: "is the database being dumped",  # through a link
        Path(f"{library.db}.lock"): "is the lock file of the database being dumped",
        bucket: "is inside the data folder",
        folder / "baru.json": "is inside the data folder",  # not there yet
        folder / "baru" / "cadangan.json": "is inside the data folder",
    }
    before = files(library.db)
    for out, what in targets.items():
        line = one_line_error(sorot("db", "dump", "-o", out, "--db", library.db))
        assert f"-o {out} {what}" in line
        assert files(library.db) == before
    assert not (folder / "baru").exists() and not (folder / "baru.json").exists()
    line = one_line_error(sorot("db", "dump", "-o", folder, "--db", library.db))
    assert f"{folder} is a directory" in line


def test_dump_errors_are_one_line(library: Library, sorot: Run, tmp_path: Path) -> None:
    missing = tmp_path / "tidak-ada.json"
    line = one_line_error(sorot("db", "dump", "--db", missing))
    assert f"no annotation database at {missing}" in line
    assert not missing.exists() and not data_folder(missing).exists()

    not_db = tmp_path / "bukan.json"
    not_db.write_text("[1, 2]", encoding="utf-8")
    line = one_line_error(sorot("db", "dump", "--db", not_db))
    assert str(not_db) in line
    assert not_db.read_text(encoding="utf-8") == "[1, 2]"  # a read-only open puts nothing aside


def test_file_names_reach_the_terminal_inert(library: Library, sorot: Run, tmp_path: Path) -> None:
    hostile = tmp_path / "cadangan\x1b]0;judul\x07\x1b[2J.json"
    result = sorot("db", "dump", "-o", hostile, "--db", library.db)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\u241b]0;judul" in result.stderr  # shown, as a visible symbol
    result = sorot("db", "restore", hostile, "--db", tmp_path / "lain\x1b[31m.json")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr
    line = one_line_error(sorot("db", "restore", hostile, "--db", tmp_path / "lain\x1b[31m.json"))
    assert "\x1b" not in line


# -- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["db", "--help"], ["usage: sorot db", "dump", "restore", "PATH.d", "manifest", "PATH.lock"]),
        (["db", "dump", "--help"], ["usage: sorot db dump", "-o FILE", "--db PATH", "PATH.d", "standard output"]),
        (["db", "restore", "--help"], ["usage: sorot db restore", "FILE", "--replace", "PATH.d", "before-restore"]),
        (["--help"], ["sorot db dump|restore"]),
    ],
)
def test_help_says_what_the_paths_name(args: list[str], says: list[str], sorot: Run) -> None:
    result = sorot(*args)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    for words in says:
        assert words in text, words


def test_db_without_an_action_says_which_there_are(sorot: Run) -> None:
    result = sorot("db")
    assert result.returncode == 2
    assert "usage: sorot db" in result.stderr and "ACTION" in result.stderr


def test_a_gzipped_dump_and_one_on_standard_input_are_restored(library: Library, sorot: Run, tmp_path: Path) -> None:
    import gzip

    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    packed = tmp_path / "cadangan.json.gz"
    packed.write_bytes(gzip.compress(dump.read_bytes()))
    for source, stdin, target in (
        (packed, None, "dari-gz.json"),
        ("-", dump.read_text(encoding="utf-8"), "dari-stdin.json"),
    ):
        result = sorot("db", "restore", source, "--db", tmp_path / target, stdin=stdin)
        assert result.returncode == 0, result.stderr
        assert state(tmp_path / target) == state(library.db)
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]  # the unpacked copies are gone
    cut = tmp_path / "terpotong.json.gz"
    cut.write_bytes(packed.read_bytes()[:-20])
    line = one_line_error(sorot("db", "restore", cut, "--db", tmp_path / "x.json"))
    assert "gzip" in line and not (tmp_path / "x.json").exists()


def test_import_and_restore_say_which_one_a_file_is_for(library: Library, sorot: Run, tmp_path: Path) -> None:
    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    line = one_line_error(sorot("import", dump, "--db", tmp_path / "x.json"))
    assert line.endswith("is a database dump, not exported annotations: make a database of it with `sorot db restore`")
    exported = tmp_path / "catatan.jsonl"
    assert sorot("export", "-f", "jsonl", "--db", library.db, "-o", exported).returncode == 0
    line = one_line_error(sorot("db", "restore", exported, "--db", tmp_path / "y.json"))
    assert line.endswith("it looks like exported annotations: add them to a database with `sorot import`")
    assert not (tmp_path / "y.json").exists()


def test_a_dump_through_a_pipe_is_restored(library: Library, sorot: Run, tmp_path: Path) -> None:
    """`sorot db restore <(zcat backup.json.gz)`: the shell hands over a FIFO, read once, copied."""
    import threading

    dump = dump_of(sorot, library.db, tmp_path / "cadangan.json")
    pipe = tmp_path / "pipa"
    os.mkfifo(pipe)
    writer = threading.Thread(target=lambda: pipe.write_bytes(dump.read_bytes()))
    writer.start()
    try:
        result = sorot("db", "restore", pipe, "--db", tmp_path / "dari-pipa.json", timeout=60)
    finally:
        writer.join(60)
    assert result.returncode == 0, result.stderr
    assert state(tmp_path / "dari-pipa.json") == state(library.db)
