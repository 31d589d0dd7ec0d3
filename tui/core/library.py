"""The library: the articles of a directory and an index of the entities they name, across them.

Each article is read once per version (its file's size and modification time say when to look
again, its text's sha256 whether it really changed): its entities are clustered as the facts
panel clusters them (:func:`tui.core.facts.clusters.cluster_entities`: "Prabowo" and "Prabowo
Subianto" are one person within an article), and every mention is kept with its sentence. Across
articles, entities are one when their normalised names and labels match (Indonesian usage's known
aliases count: "China" is "Tiongkok"), or when one's name is a name the other goes by in some
article ("Prabowo" alone in one article, "Prabowo Subianto ... Prabowo" in another); a short name
that several entities go by stays apart, as it is ambiguous.

The index lives in SQLite beside the annotation database (``sorot.library.sqlite3`` beside
``sorot.json``): the questions it answers ("every sentence naming X, by date", "the entities by
number of articles") are indexed lookups over many thousands of rows, which SQLite answers from
disk without loading the whole (TinyDB reads its JSON into memory), and every article's rows are
written in one transaction, so a reader sees the index grow article by article while it is built
and a second process (``sorot library export``) can read it meanwhile. It is derived data: a
damaged file is set aside and the index built again.

No article's text is held longer than it takes to index it: articles are read one at a time.

Articles that are not a directory's files (the kept copies of web pages) come to
:func:`refresh_items` as :class:`SourceItem`: each known by its URL, under a source's name in
place of a directory's path, indexed and asked about the same way.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO

from tui.core.document import MAX_ARTICLE_BYTES, Article, ArticleError, inert, inert_lines, load_any
from tui.core.entities import Entity

SCHEMA_VERSION = 1
SUFFIX = ".library.sqlite3"
DATE_SOURCES = ("page", "dateline", "mtime")
"""Where an article's date comes from, best first: the page's metadata (a saved web page), the
dateline in its first lines, else the file's modification time."""
EXPORT_COLUMNS = ("entity", "label", "article", "sentence", "date", "date_source", "title")
"""The columns of ``sorot library export`` (the first five as the issue named them; the date's
source and the article's title after them)."""

SENTENCE_CHARS = 2000
"""A sentence is kept (and exported) up to this many characters: a text without full stops is one sentence."""

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# "JAKARTA, KOMPAS.com - ", "Jakarta (ANTARA) - ", "BANDUNG, detikNews --": the site or agency of a dateline.
_DATELINE_SITE = re.compile(
    r"^[ \t]*[A-Z][\w .'/-]{1,40}?(?:,[ \t]*(?P<a>[A-Za-z][\w.]{1,30})|[ \t]*\((?P<b>[A-Za-z][\w. ]{1,30})\))"
    r"[ \t]*(?:[-–—]{1,2}|:)[ \t]",
    re.MULTILINE,
)
_HEAD = 600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, folder TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
    title TEXT NOT NULL, date TEXT NOT NULL, date_source TEXT NOT NULL, site TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_folder ON articles (folder);
CREATE TABLE IF NOT EXISTS names (
    article INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    cluster INTEGER NOT NULL, label TEXT NOT NULL, norm TEXT NOT NULL,
    canonical INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS names_key ON names (label, norm, canonical);
CREATE INDEX IF NOT EXISTS names_article ON names (article, cluster);
CREATE TABLE IF NOT EXISTS mentions (
    article INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    cluster INTEGER NOT NULL, sentence INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_cluster ON mentions (article, cluster);
CREATE TABLE IF NOT EXISTS sentences (
    article INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (article, number)
);
CREATE TABLE IF NOT EXISTS entity_of (
    label TEXT NOT NULL, norm TEXT NOT NULL, entity INTEGER NOT NULL, PRIMARY KEY (label, norm)
);
CREATE INDEX IF NOT EXISTS entity_of_entity ON entity_of (entity);
"""


class LibraryError(Exception):
    """The library's index cannot be opened or written; the message is one line."""


class LibraryDamaged(LibraryError):
    """The index file opened but a query found it damaged ("database disk image is malformed"):
    :meth:`Library.set_aside` moves it aside and starts an empty one, to be built again."""


_TRANSIENT_CODES = frozenset(
    (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
     sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PERM)
)  # fmt: skip
"""SQLite's errors that say nothing of the file's content (a lock, a full disk): not a reason to rebuild it."""


@dataclass(frozen=True, slots=True)
class LibraryArticle:
    """One indexed article: what the library lists of it."""

    path: str
    title: str
    date: str
    """ISO day (``2025-12-01``)."""
    date_source: str
    """One of :data:`DATE_SOURCES`: the reader shows an ``mtime`` date as such."""
    site: str
    sha256: str


@dataclass(frozen=True, slots=True)
class LibraryEntity:
    """One entity across the library: its name (the form most articles use), label and reach."""

    id: int
    name: str
    label: str
    articles: int
    mentions: int


@dataclass(frozen=True, slots=True)
class LibraryMention:
    """A sentence of an article that names an entity (one per sentence, at its first mention there)."""

    article: LibraryArticle
    sentence: str
    start: int
    """Where the sentence starts in the article's text (the reader puts its cursor there)."""
    end: int
    mention: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What :func:`refresh` did: articles (re)indexed, unchanged, dropped, and those it could not read."""

    indexed: int
    unchanged: int
    removed: int
    failed: tuple[str, ...]
    """One line per article that could not be read, naming it."""
    unreadable: tuple[tuple[str, str], ...] = ()
    """The same, as ``(path, reason)``."""


def library_path(db: str | os.PathLike[str]) -> Path:
    """Where the library of the annotation database ``db`` lives: beside it (``sorot.json`` ->
    ``sorot.library.sqlite3``)."""
    db = Path(db)
    stem = db.name[: -len(".json")] if db.name.endswith(".json") else db.name
    return db.with_name(stem + SUFFIX)


def normalise(name: str, label: str) -> str:
    """A name as the index compares it: casefolded words joined by single spaces, and for a place or
    body the canonical name of Indonesian usage's known aliases ("RRT", "China" -> "tiongkok")."""
    from tui.core.facts.clusters import PLACE_OR_BODY

    norm = " ".join(_TOKEN.findall(name.casefold()))
    return _known_aliases().get(norm, norm) if label in PLACE_OR_BODY else norm


@cache
def _known_aliases() -> dict[str, str]:
    """The facts panel's table of known aliases, in the form of normalised names."""
    from tui.core.facts.clusters import KNOWN_ALIASES

    return {" ".join(_TOKEN.findall(k)): " ".join(_TOKEN.findall(v)) for k, v in KNOWN_ALIASES.items()}


def article_date(article: Article, mtime: float) -> tuple[str, str]:
    """``(ISO day, source)`` of an article: its page's publication date, else its dateline's, else
    the file's modification time (``mtime``, a local day)."""
    web = article.web
    if web is not None and web.published_date is not None:
        return web.published_date.isoformat(), "page"
    from tui.core.facts.temporal import detect_article_date

    found = detect_article_date(article.text)
    if found is not None:
        return found.value.isoformat(), "dateline"
    return datetime.fromtimestamp(mtime, tz=UTC).astimezone().date().isoformat(), "mtime"


def article_site(article: Article) -> str:
    """The site an article is from: its page's, else the agency or site its dateline names
    ("KOMPAS.com", "ANTARA"), else ""."""
    if article.web is not None and article.web.site:
        return article.web.site
    found = _DATELINE_SITE.search(article.text[:_HEAD])
    return (found.group("a") or found.group("b") or "").strip() if found else ""


class Library:
    """The index in its SQLite file; thread-safe (one connection behind a lock), so the reader's
    indexing thread writes while its screen reads."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        """Open (or create) the index at ``path``; ``None`` keeps it in memory. A file that is not
        an index of this version is set aside (``.broken``) or emptied: it can be built again."""
        self.path = Path(path) if path is not None else None
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._groups_dirty = True
        self.set_aside_count = 0
        """How many times a damaged file was set aside since opened (an export of it must not
        report an empty success)."""
        try:
            self._conn = self._connect()
        except sqlite3.DatabaseError as exc:
            if self.path is None or not self.path.exists():
                raise LibraryError(f"{self.path}: cannot open the library ({exc})") from None
            self._move_aside(f"{self.path}: not a library index ({exc})", "not a library index")

    def _connect(self) -> sqlite3.Connection:
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"{self.path.parent}: cannot create ({exc.strerror or exc})") from None
        where = str(self.path) if self.path is not None else ":memory:"
        conn = sqlite3.connect(where, check_same_thread=False, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if self.path is not None:
                conn.execute("PRAGMA journal_mode = WAL")  # readers (an export) while the reader indexes
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):  # another version: derived data, built again
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    conn.execute(f'DROP TABLE IF EXISTS "{table}"')
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Hold the lock; a damaged file's error becomes :class:`LibraryDamaged`, any other of
        SQLite's (a full disk, a lock held too long) a one-line :class:`LibraryError`."""
        with self._lock:
            try:
                yield
            except sqlite3.DatabaseError as exc:
                # "malformed", "not a database", and a damaged row's text that is not UTF-8 (no code)
                code = getattr(exc, "sqlite_errorcode", None)
                damaged = not isinstance(exc, sqlite3.ProgrammingError) and (
                    code is None or code & 0xFF not in _TRANSIENT_CODES
                )
                kind = LibraryDamaged if damaged else LibraryError
                raise kind(
                    f"{self.path or 'the library'}: {'damaged index' if damaged else 'index error'} ({exc})"
                ) from None

    def set_aside(self, reason: str) -> None:
        """Move the damaged index file aside (``.broken``) and start an empty one in its place:
        it is derived data, built again from the articles. ``reason`` goes into :attr:`warnings`."""
        with self._lock:
            self._conn.close()
            if self.path is None:
                self._conn = self._connect()
                self._groups_dirty = True
                return
            self._move_aside(reason, "damaged")
            self._groups_dirty = True

    def _move_aside(self, reason: str, what: str) -> None:
        """Move the index file to ``.broken``, say so in :attr:`warnings` (after ``reason``) and
        open an empty one in its place; ``what`` the file is, if it cannot be moved."""
        assert self.path is not None
        aside = self.path.with_name(self.path.name + ".broken")
        try:
            os.replace(self.path, aside)
            for extra in ("-wal", "-shm"):  # the old file's journal must not be replayed into the new one
                self.path.with_name(self.path.name + extra).unlink(missing_ok=True)
        except OSError as move:
            raise LibraryError(f"{self.path}: {what}, and cannot be moved aside ({move})") from None
        self.warnings.append(f"{reason}; kept as {aside.name}, built again")
        self.set_aside_count += 1
        try:
            self._conn = self._connect()
        except sqlite3.DatabaseError as again:
            raise LibraryError(f"{self.path}: cannot open the library ({again})") from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------- writing

    def stale(self, paths: Iterable[Path]) -> list[Path]:
        """Those of ``paths`` that are new, or whose size or modification time changed since indexed."""
        with self._guard():
            known = {
                path: (size, mtime)
                for path, size, mtime in self._conn.execute("SELECT path, size, mtime_ns FROM articles")
            }
        found = []
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            if known.get(str(_absolute(path))) != (info.st_size, info.st_mtime_ns):
                found.append(path)
        return found

    def stale_keys(self, versions: dict[str, tuple[int, int]]) -> list[str]:
        """Those of ``versions`` (an article's identity -> its size and modification time, as
        :class:`SourceItem` gives them) that are new or changed since indexed."""
        with self._guard():
            known = {
                path: (size, mtime)
                for path, size, mtime in self._conn.execute("SELECT path, size, mtime_ns FROM articles")
            }
        return [key for key, version in versions.items() if known.get(key) != version]

    def sha256_of(self, path: Path | str) -> str | None:
        with self._guard():
            row = self._conn.execute("SELECT sha256 FROM articles WHERE path = ?", (_key(path),)).fetchone()
        return row[0] if row else None

    def touch(self, path: Path | str, size: int, mtime_ns: int) -> None:
        """The file changed on disk but not its text (copied, touched): only its size and time change."""
        with self._guard():
            self._conn.execute(
                "UPDATE articles SET size = ?, mtime_ns = ? WHERE path = ?", (size, mtime_ns, _key(path))
            )

    def put(
        self,
        path: Path | str,
        article: Article,
        entities: Sequence[Entity],
        size: int,
        mtime_ns: int,
        folder: str | None = None,
    ) -> None:
        """Index ``article`` (read from the file ``path``, or known by the identity ``path`` in
        the source ``folder``, a :class:`SourceItem`'s) with the entities the pipeline found in it,
        replacing what was indexed of that path; one transaction."""
        from tui.core.facts.clusters import NUMERIC_LABELS, cluster_entities
        from tui.core.facts.sentences import SentenceIndex, split_sentences

        text = article.text
        sentences = SentenceIndex(split_sentences(text), len(text))
        names = [e for e in entities if e.label not in NUMERIC_LABELS]
        facts, _ = cluster_entities(text, names, sentences)
        day, source = article_date(article, mtime_ns / 1e9)
        where = _key(path)
        if folder is None:
            folder = str(Path(where).parent)
        name_rows: list[tuple[int, str, str, int, str]] = []
        mention_rows: list[tuple[int, int, int, int]] = []
        used: dict[int, tuple[int, int]] = {}
        for cluster, fact in enumerate(facts):
            name_rows.append((cluster, fact.label, normalise(fact.text, fact.label), 1, fact.text))
            seen = {name_rows[-1][2]}
            for alias in fact.aliases:
                norm = normalise(alias, fact.label)
                if norm and norm not in seen:
                    seen.add(norm)
                    name_rows.append((cluster, fact.label, norm, 0, alias))
            for start, end in fact.mentions:
                number = sentences.at(start)
                used.setdefault(number, sentences.spans[number] if sentences.spans else (0, len(text)))
                mention_rows.append((cluster, number, start, end))
        with self._guard(), self._transaction():
            self._conn.execute("DELETE FROM articles WHERE path = ?", (where,))
            article_id = self._conn.execute(
                "INSERT INTO articles (path, folder, size, mtime_ns, sha256, title, date, date_source, site, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    where, folder, size, mtime_ns, article.sha256, article.title, day, source,
                    article_site(article), text,
                ),
            ).lastrowid  # fmt: skip
            self._conn.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)", [(article_id, *row) for row in name_rows]
            )
            self._conn.executemany(
                "INSERT INTO mentions VALUES (?, ?, ?, ?, ?)", [(article_id, *row) for row in mention_rows]
            )
            self._conn.executemany(
                "INSERT INTO sentences VALUES (?, ?, ?, ?, ?)",
                [(article_id, n, s, e, text[s : min(e, s + SENTENCE_CHARS)]) for n, (s, e) in sorted(used.items())],
            )
            self._groups_dirty = True

    def forget_missing(self, folder: Path | str, present: Iterable[Path | str]) -> int:
        """Drop the articles indexed from ``folder`` (a directory, or a source's name) that are
        not among ``present``; how many."""
        keep = {_key(p) for p in present}
        with self._guard():
            rows = self._conn.execute("SELECT id, path FROM articles WHERE folder = ?", (_key(folder),))
            gone = [(article_id,) for article_id, path in rows.fetchall() if path not in keep]
            if gone:
                with self._transaction():
                    self._conn.executemany("DELETE FROM articles WHERE id = ?", gone)
                self._groups_dirty = True
        return len(gone)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    # ----------------------------------------------------------------------------- entities across articles

    def _ensure_groups(self) -> None:
        """Decide which names are one entity across the library (the module's docstring says how),
        into the ``entity_of`` table the queries join; again only after a change."""
        if not self._groups_dirty:
            return
        conn = self._conn
        keys: dict[tuple[str, str], int] = {}
        for label, norm in conn.execute("SELECT DISTINCT label, norm FROM names WHERE canonical = 1"):
            keys[(label, norm)] = len(keys)
        parent = list(range(len(keys)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        # (label, alias) -> the canonical names of the entities that go by it somewhere
        owners: dict[tuple[str, str], set[int]] = defaultdict(set)
        rows = conn.execute(
            "SELECT a.label, a.norm, c.norm FROM names a JOIN names c"
            " ON c.article = a.article AND c.cluster = a.cluster AND c.canonical = 1 WHERE a.canonical = 0"
        )
        for label, alias, canonical in rows:
            if (label, alias) in keys:
                owners[(label, alias)].add(keys[(label, canonical)])
        for key, owned in owners.items():
            roots = {find(i) for i in owned}
            if len(roots) == 1:  # a name two different entities go by decides nothing
                a, b = find(keys[key]), roots.pop()
                if a != b:
                    parent[max(a, b)] = min(a, b)
        with self._transaction():
            conn.execute("DELETE FROM entity_of")
            conn.executemany("INSERT INTO entity_of VALUES (?, ?, ?)", [(*key, find(i)) for key, i in keys.items()])
        self._groups_dirty = False

    def entities(self, folder: Path | str | None = None, limit: int | None = None) -> list[LibraryEntity]:
        """The entities of the library (or of ``folder``'s articles), by number of articles, then
        mentions; each named by the form the most articles use."""
        where, params = _in_folder(folder)
        with self._guard():
            self._ensure_groups()
            rows = self._conn.execute(
                "SELECT g.entity, n.label, n.text, COUNT(DISTINCT n.article), COUNT(m.start)"
                " FROM names n JOIN entity_of g ON g.label = n.label AND g.norm = n.norm"
                " JOIN articles a ON a.id = n.article"
                " LEFT JOIN mentions m ON m.article = n.article AND m.cluster = n.cluster"
                f" WHERE n.canonical = 1 {where} GROUP BY g.entity, n.label, n.text",
                params,
            ).fetchall()
            per_article = dict(
                self._conn.execute(
                    "SELECT g.entity, COUNT(DISTINCT n.article) FROM names n"
                    " JOIN entity_of g ON g.label = n.label AND g.norm = n.norm JOIN articles a ON a.id = n.article"
                    f" WHERE n.canonical = 1 {where} GROUP BY g.entity",
                    params,
                ).fetchall()
            )
        names: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
        mentions: Counter[int] = Counter()
        for entity, label, text, articles, count in rows:
            names[entity][(text, label)] += articles
            mentions[entity] += count
        found = []
        for entity, forms in names.items():
            (text, label), _ = max(forms.items(), key=lambda item: (item[1], len(item[0][0]), item[0]))
            found.append(LibraryEntity(entity, text, label, per_article[entity], mentions[entity]))
        found.sort(key=lambda e: (-e.articles, -e.mentions, e.name.casefold(), e.id))
        return found if limit is None else found[:limit]

    def mentions(self, entity: int, folder: Path | str | None = None) -> list[LibraryMention]:
        """Every sentence that names ``entity`` (an id of :meth:`entities`), by the article's date."""
        where, params = _in_folder(folder)
        with self._guard():
            self._ensure_groups()
            rows = self._conn.execute(
                f'SELECT {_ARTICLE_COLUMNS}, s.text, s.start, s."end", MIN(m.start), m."end"'
                " FROM entity_of g JOIN names n ON n.label = g.label AND n.norm = g.norm AND n.canonical = 1"
                " JOIN articles a ON a.id = n.article"
                " JOIN mentions m ON m.article = n.article AND m.cluster = n.cluster"
                " JOIN sentences s ON s.article = m.article AND s.number = m.sentence"
                f" WHERE g.entity = ? {where} GROUP BY a.id, m.sentence ORDER BY a.date, a.path, s.start",
                (entity, *params),
            ).fetchall()
        return [LibraryMention(_article(row[:6]), row[6], row[7], row[8], (row[9], row[10])) for row in rows]

    # ----------------------------------------------------------------------------- articles

    def articles(self, folder: Path | str | None = None) -> list[LibraryArticle]:
        """The indexed articles (of ``folder``), by date, then path."""
        where, params = _in_folder(folder)
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE 1 {where} ORDER BY a.date, a.path", params
            ).fetchall()
        return [_article(row) for row in rows]

    def article(self, path: Path | str) -> LibraryArticle | None:
        with self._guard():
            row = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a WHERE a.path = ?", (_key(path),)
            ).fetchone()
        return _article(row) if row else None

    def search(self, words: str, folder: Path | str | None = None) -> list[LibraryArticle]:
        """The articles whose title or text holds ``words`` (case aside for ASCII letters, as
        SQLite's ``LIKE`` compares), by date."""
        where, params = _in_folder(folder)
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._guard():
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles a"
                f" WHERE (a.title LIKE ? ESCAPE '\\' OR a.body LIKE ? ESCAPE '\\') {where} ORDER BY a.date, a.path",
                (pattern, pattern, *params),
            ).fetchall()
        return [_article(row) for row in rows]

    def export_rows(self, folder: Path | str | None = None) -> Iterator[tuple[str, str, str, str, str, str, str]]:
        """Every (entity, label, article, sentence, date, date source, title), by entity (most
        articles first) then date: what ``sorot library export`` writes. Streams from the file."""
        for entity in self.entities(folder):
            for mention in self.mentions(entity.id, folder):
                found = mention.article
                yield (
                    entity.name,
                    entity.label,
                    found.path,
                    mention.sentence,
                    found.date,
                    found.date_source,
                    found.title,
                )

    def counts(self, folder: Path | str | None = None) -> int:
        """How many articles are indexed (of ``folder``)."""
        where, params = _in_folder(folder)
        with self._guard():
            return int(self._conn.execute(f"SELECT COUNT(*) FROM articles a WHERE 1 {where}", params).fetchone()[0])


_ARTICLE_COLUMNS = "a.path, a.title, a.date, a.date_source, a.site, a.sha256"


def _article(row: Sequence[str]) -> LibraryArticle:
    return LibraryArticle(*row)


def _in_folder(folder: Path | str | None) -> tuple[str, tuple[str, ...]]:
    return ("", ()) if folder is None else ("AND a.folder = ?", (_key(folder),))


def _key(path: Path | str) -> str:
    """What the index knows an article (or a folder) by: a file's resolved path, else the
    identity a :class:`SourceItem` gives it (a URL), as it is."""
    return str(_absolute(path)) if isinstance(path, Path) else path


def _absolute(path: Path) -> Path:
    """The path an article is known by (as the annotation store knows documents: resolved)."""
    return path.resolve()


class _Transaction:
    """``BEGIN`` ... ``COMMIT`` (``ROLLBACK`` on an error) on a connection in autocommit mode."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self._conn.execute("ROLLBACK" if kind is not None else "COMMIT")


def refresh(
    library: Library,
    folder: Path,
    paths: Sequence[Path],
    entities_of: Callable[[str], list[Entity]],
    *,
    max_bytes: int = MAX_ARTICLE_BYTES,
    progress: Callable[[int, int], None] | None = None,
    starting: Callable[[Path, int, int, int], None] | None = None,
    unreadable: Callable[[Path, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Refreshed:
    """Bring ``folder``'s part of the index up to date with its articles ``paths``: drop those gone,
    index those new or changed (``entities_of(text)`` runs the pipeline), one at a time, the
    smallest first (a huge article does not hold up the others). ``starting(path, size, done,
    total)`` before each, ``progress(done, total)`` after each, ``unreadable(path, reason)`` for
    one that cannot be read; stops early when ``cancelled()``. An index found damaged on the way
    is set aside and built again from the start (once); articles deleted meanwhile are dropped
    at the end."""
    return _again_if_damaged(
        library,
        lambda: _refresh(library, folder, paths, entities_of, max_bytes, progress, starting, unreadable, cancelled),
    )


def _again_if_damaged(library: Library, run: Callable[[], Refreshed]) -> Refreshed:
    """``run()``; if it finds the index damaged, the index set aside and ``run()`` once more."""
    try:
        return run()
    except LibraryDamaged as exc:
        library.set_aside(str(exc))
        return run()


def _index_one(
    library: Library,
    key: Path | str,
    article: Article,
    size: int,
    mtime_ns: int,
    entities_of: Callable[[str], list[Entity]],
    cancelled: Callable[[], bool],
    folder: str | None = None,
) -> bool | None:
    """Index ``article`` under ``key`` unless its text is the one indexed (then only its size and
    time are noted): True if indexed, False if unchanged, None if cancelled meanwhile."""
    if library.sha256_of(key) == article.sha256:
        library.touch(key, size, mtime_ns)
        return False
    entities = entities_of(article.text)
    if cancelled():
        return None
    library.put(key, article, entities, size, mtime_ns, folder=folder)
    return True


def _refresh(
    library: Library,
    folder: Path,
    paths: Sequence[Path],
    entities_of: Callable[[str], list[Entity]],
    max_bytes: int,
    progress: Callable[[int, int], None] | None,
    starting: Callable[[Path, int, int, int], None] | None,
    unreadable: Callable[[Path, str], None] | None,
    cancelled: Callable[[], bool],
) -> Refreshed:
    removed = library.forget_missing(folder, paths)
    todo = sorted(library.stale(paths), key=_size_of)
    indexed = unchanged = 0
    failed: list[str] = []
    failures: list[tuple[str, str]] = []
    if progress is not None:
        progress(0, len(todo))
    for done, path in enumerate(todo, start=1):
        if cancelled():
            break
        try:
            info = path.stat()
            if starting is not None:
                starting(path, info.st_size, done - 1, len(todo))
            article = load_any(path, max_bytes)
        except (ArticleError, OSError) as exc:
            message = inert(str(exc) if isinstance(exc, ArticleError) else f"{path}: {exc.strerror or exc}")
            failed.append(message)
            reason = _reason(message, path)
            failures.append((str(path), reason))
            if unreadable is not None:
                unreadable(path, reason)
            if progress is not None:
                progress(done, len(todo))
            continue
        changed = _index_one(library, path, article, info.st_size, info.st_mtime_ns, entities_of, cancelled)
        del article  # one article's text at a time
        if changed is None:
            break
        indexed, unchanged = indexed + changed, unchanged + (not changed)
        if progress is not None:
            progress(done, len(todo))
    if not cancelled():  # deleted while the others were indexed
        removed += library.forget_missing(folder, [path for path in paths if path.exists()])
    return Refreshed(indexed, unchanged, removed, tuple(failed), tuple(failures))


@dataclass(frozen=True, slots=True)
class SourceItem:
    """An article that is not a file of a directory (a kept web page): the identity the index
    knows it by (its URL), what says it may have changed (its size and modification time, as a
    file's do), and how to read it (raising ``ArticleError`` or ``OSError``)."""

    key: str
    size: int
    mtime_ns: int
    load: Callable[[], Article]


def refresh_items(
    library: Library,
    source: str,
    items: Sequence[SourceItem],
    entities_of: Callable[[str], list[Entity]],
    *,
    progress: Callable[[int, int], None] | None = None,
    starting: Callable[[SourceItem, int, int], None] | None = None,
    unreadable: Callable[[str, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Refreshed:
    """:func:`refresh` for articles that are not files: bring the part of the index named
    ``source`` (not a directory's path: ``"web:..."``) up to date with ``items``, the same way
    (those gone dropped, each new or changed one read and indexed once, the smallest first;
    ``starting(item, done, total)``, ``unreadable(key, reason)``). An index found damaged is set
    aside and built again (once)."""
    return _again_if_damaged(
        library, lambda: _refresh_items(library, source, items, entities_of, progress, starting, unreadable, cancelled)
    )


def _refresh_items(
    library: Library,
    source: str,
    items: Sequence[SourceItem],
    entities_of: Callable[[str], list[Entity]],
    progress: Callable[[int, int], None] | None,
    starting: Callable[[SourceItem, int, int], None] | None,
    unreadable: Callable[[str, str], None] | None,
    cancelled: Callable[[], bool],
) -> Refreshed:
    removed = library.forget_missing(source, [item.key for item in items])
    by_key = {item.key: item for item in items}
    stale = library.stale_keys({item.key: (item.size, item.mtime_ns) for item in items})
    todo = sorted((by_key[key] for key in stale), key=lambda item: item.size)
    indexed = unchanged = 0
    failures: list[tuple[str, str]] = []
    if progress is not None:
        progress(0, len(todo))
    for done, item in enumerate(todo, start=1):
        if cancelled():
            break
        if starting is not None:
            starting(item, done - 1, len(todo))
        try:
            article = item.load()
        except (ArticleError, OSError) as exc:
            reason = inert(str(exc) if isinstance(exc, ArticleError) else str(exc.strerror or exc))
            failures.append((item.key, reason))
            if unreadable is not None:
                unreadable(item.key, reason)
        else:
            changed = _index_one(
                library, item.key, article, item.size, item.mtime_ns, entities_of, cancelled, folder=source
            )
            del article  # one article's text at a time
            if changed is None:
                break
            indexed, unchanged = indexed + changed, unchanged + (not changed)
        if progress is not None:
            progress(done, len(todo))
    failed = tuple(inert(key) + ": " + reason for key, reason in failures)
    return Refreshed(indexed, unchanged, removed, failed, tuple(failures))


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _reason(message: str, path: Path) -> str:
    """A failure's message without the path it starts with (the row that shows it names the file)."""
    for prefix in (inert(f"{path}: "), inert(f"{path.name}: ")):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


# ----------------------------------------------------------------------------- export

EXPORT_FORMATS = ("csv", "jsonl")


def write_export(rows: Iterable[Sequence[str]], out: IO[str], fmt: str) -> int:
    """Write ``rows`` (:meth:`Library.export_rows`) as ``csv`` (a header, then RFC 4180 rows; a
    cell a spreadsheet would run as a formula defused, as the annotation exports do) or ``jsonl``
    (one object a line); control characters shown as the reader's symbols. How many rows."""
    count = 0
    if fmt == "csv":
        from defusedcsv import csv as defused  # type: ignore[import-untyped]

        writer = defused.writer(out, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([inert_lines(cell) for cell in row])
            count += 1
        return count
    if fmt != "jsonl":
        raise ValueError(f"unknown export format {fmt!r}")
    for row in rows:
        record = dict(zip(EXPORT_COLUMNS, (inert_lines(cell) for cell in row), strict=True))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
