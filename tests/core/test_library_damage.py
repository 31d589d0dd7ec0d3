"""A library index damaged on disk, and articles that are large, unreadable or deleted while indexing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.core.test_library_index import FIRST, SECOND, THIRD, entities_of, write
from tui.cli import main
from tui.core.library import Library, LibraryDamaged, library_path, refresh


def damage(index: Path) -> None:
    """The reviewer's repro: 300 random bytes at offset +200 of every 4 KiB page from page 3 on
    (the header and the schema stay, so the file still opens; the queries fail)."""
    data = bytearray(index.read_bytes())
    noise = random.Random(7)
    for page in range(2, len(data) // 4096):
        at = page * 4096 + 200
        data[at : at + 300] = bytes(noise.randrange(256) for _ in range(300))
    index.write_bytes(bytes(data))


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "berita"
    folder.mkdir()
    for i in range(9):  # articles of some 4 KB, as news are: their rows fill the pages the repro damages
        write(folder, f"a{i}.txt", (FIRST, SECOND, THIRD)[i % 3] + f"Paragraf {i}. " * 300)
    db = tmp_path / "sorot.json"
    with Library(library_path(db)) as library:
        refresh(library, folder, sorted(folder.iterdir()), entities_of)
    damage(library_path(db))
    return folder, db


def test_a_damaged_index_that_still_opens_is_set_aside_and_built_again(damaged: tuple[Path, Path]) -> None:
    folder, db = damaged
    with Library(library_path(db)) as library:
        assert not library.warnings  # it opened
        with pytest.raises(LibraryDamaged):
            library.articles(folder)
        done = refresh(library, folder, sorted(folder.iterdir()), entities_of)
        assert done.indexed == 9
        assert len(library.articles(folder)) == 9
        assert "Prabowo Subianto" in {e.name for e in library.entities(folder)}
        assert library.warnings and "kept as sorot.library.sqlite3.broken" in library.warnings[0]
    assert library_path(db).with_name("sorot.library.sqlite3.broken").exists()


def test_export_of_a_damaged_index_fails_in_one_line_and_says_how_to_rebuild(
    damaged: tuple[Path, Path], capsys
) -> None:
    _folder, db = damaged
    out = db.parent / "out.csv"
    assert main(["library", "export", "-o", str(out), "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "damaged" in err[0] and "sorot library export DIR" in err[0]
    # The index was set aside: a second export must not report an empty success either.
    assert main(["library", "export", "-o", str(out), "--db", str(db)]) == 1
    assert "damaged" in capsys.readouterr().err


def test_export_of_a_damaged_index_with_its_directory_builds_it_again(damaged: tuple[Path, Path], capsys) -> None:
    folder, db = damaged
    out = db.parent / "out.csv"
    assert main(["library", "export", "-o", str(out), "--db", str(db), str(folder)]) == 0
    assert "indexed 9 articles" in capsys.readouterr().err
    assert len(out.read_text(encoding="utf-8").splitlines()) > 5


def test_a_garbage_index_without_a_directory_is_an_error_not_an_empty_export(tmp_path: Path, capsys) -> None:
    db = tmp_path / "sorot.json"
    library_path(db).write_bytes(b"not a database at all" * 300)
    assert main(["library", "export", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "damaged" in captured.err


@pytest.mark.parametrize("output", ["/dev/full", "-"])
def test_export_to_a_full_device_says_it_cannot_write(
    damaged: tuple[Path, Path], output: str, capsys, monkeypatch
) -> None:
    folder, db = damaged
    if output == "-":
        full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115
        monkeypatch.setattr("sys.stdout", full)
    assert main(["library", "export", "-o", output, "--db", str(db), str(folder)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    name = "/dev/full" if output != "-" else "standard output"
    assert err == f"sorot: {name}: cannot write (No space left on device)"


def test_small_articles_are_indexed_first_and_each_is_announced(tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    write(folder, "a-big.txt", FIRST + "Isi panjang. " * 2000)
    write(folder, "b-small.txt", SECOND)
    started: list[tuple[str, int, int, int]] = []
    refresh(Library(), folder, sorted(folder.iterdir()), entities_of,
            starting=lambda path, size, done, total: started.append((path.name, size, done, total)))  # fmt: skip
    assert [(name, done, total) for name, _size, done, total in started] == [("b-small.txt", 0, 2), ("a-big.txt", 1, 2)]
    assert started[1][1] == (folder / "a-big.txt").stat().st_size


def test_unreadable_articles_are_reported_with_their_reason(tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    write(folder, "a.txt", FIRST)
    (folder / "b-binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    write(folder, "c-empty.txt", "")
    told: list[tuple[str, str]] = []
    done = refresh(Library(), folder, sorted(folder.iterdir()), entities_of,
                   unreadable=lambda path, reason: told.append((path.name, reason)))  # fmt: skip
    assert done.indexed == 1
    assert sorted(name for name, _ in told) == ["b-binary.txt", "c-empty.txt"]
    assert all(reason and "b-binary.txt" not in reason for _, reason in told)
    assert sorted(Path(p).name for p, _ in done.unreadable) == ["b-binary.txt", "c-empty.txt"]


def test_articles_deleted_while_indexing_are_dropped_at_the_end(tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    paths = [write(folder, "a.txt", FIRST), write(folder, "b.txt", SECOND), write(folder, "c.txt", THIRD + "x" * 500)]
    library = Library()
    refresh(library, folder, paths, entities_of)

    def edit_then_delete(text: str) -> list:
        paths[0].unlink(missing_ok=True)  # deleted while another is indexed
        return entities_of(text)

    write(folder, "c.txt", THIRD + "y" * 600)
    done = refresh(library, folder, paths, edit_then_delete)
    assert {Path(a.path).name for a in library.articles(folder)} == {"b.txt", "c.txt"}
    assert done.removed == 1
