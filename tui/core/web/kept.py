"""The kept copies of fetched articles: their HTML and extracted text, for reading offline.

Every article read from the web is kept in the user data directory (``$SOROT_WEB_DIR``, else
``web/`` in Sorot's user data directory), one folder per URL::

    web/
      3f9a.../                  blake2b of the article's URL
        meta.json               url, title, site, author, published, etag, last_modified, fetched, opened,
                                the text's sha256 and the names of the files below
        text-<sha>.txt          the extracted text (the offsets of annotations index it)
        page-<sha>-1.html.gz    the page(s) it came from, gzipped

A new version's files get new names and ``meta.json`` is replaced last (atomically), so a reader
in another process sees either the old version or the new, whole; the old version's files are
removed after. ``meta.json`` names the text's sha256, which is checked when the text is read.

The folder is held within a size (``$SOROT_WEB_KEEP``, default 512 MiB): past it, the copies
opened longest ago go first, except those with annotations, which are never removed.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from tui.core.document import MAX_ARTICLE_BYTES, parse_size

ENV_DIR = "SOROT_WEB_DIR"
LOCK = ".lock"
LOCK_SECONDS = 30.0
MAX_TEXT_BYTES = MAX_ARTICLE_BYTES
"""A kept text (or page) larger than this is damage, not an article: never read."""
ENV_KEEP = "SOROT_WEB_KEEP"
DEFAULT_KEEP_BYTES = 512 * 1024 * 1024
META = "meta.json"
_META_MAX = 1 << 20
_TEMPORARY_SECONDS = 600.0  # a temporary file this recent may be another process's save in progress
_FIELDS = ("url", "title", "canonical", "site", "author", "published", "etag", "last_modified", "pages")


def default_web_dir(env: dict[str, str] | None = None) -> Path:
    """``$SOROT_WEB_DIR`` when set, else ``web`` in Sorot's user data directory."""
    env = dict(os.environ) if env is None else env
    if env.get(ENV_DIR, "").strip():
        return Path(env[ENV_DIR]).expanduser()
    import platformdirs

    return platformdirs.user_data_path("sorot", appauthor=False) / "web"


def default_keep_bytes(env: dict[str, str] | None = None) -> int:
    """``$SOROT_WEB_KEEP`` (a size such as ``1G``) when set and valid, else 512 MiB."""
    env = dict(os.environ) if env is None else env
    try:
        return parse_size(env[ENV_KEEP]) if env.get(ENV_KEEP, "").strip() else DEFAULT_KEEP_BYTES
    except ValueError:
        return DEFAULT_KEEP_BYTES


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class KeptCopy:
    """One kept article: what its page said of it, how to ask for a newer version, and its text."""

    url: str
    text: str
    title: str = ""
    canonical: str = ""
    site: str = ""
    author: str = ""
    published: str = ""
    etag: str | None = None
    last_modified: str | None = None
    pages: int = 1
    fetched: str = ""
    """When the text was last fetched (ISO 8601, UTC)."""
    checked: str = ""
    """When the server was last asked whether there is a newer version."""
    sha256: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.text.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class KeptEntry:
    """A kept copy as listed (without its text): for the size limit and ``sorot`` listings."""

    url: str
    title: str
    folder: Path
    size: int
    opened: float


def _key(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8"), digest_size=16).hexdigest()


class KeptPages:
    """The folder of kept copies. Safe to share between threads and processes (see the module)."""

    def __init__(self, root: Path | None = None, max_bytes: int | None = None) -> None:
        self.root = default_web_dir() if root is None else Path(root)
        self.max_bytes = default_keep_bytes() if max_bytes is None else max_bytes

    def folder(self, url: str) -> Path:
        return self.root / _key(url)

    # ------------------------------------------------------------------ reading

    def get(self, url: str, *, touch: bool = True) -> KeptCopy | None:
        """The kept copy of ``url``, or None when there is none (or it is damaged: then it is as
        if never kept, and the next fetch replaces it). ``touch`` records it as just opened."""
        folder = self.folder(url)
        for _attempt in range(3):  # another process may replace the version between the two reads
            copy = self._read(folder, url)
            if copy is not None:
                break
        else:
            return None
        if touch:
            with contextlib.suppress(OSError):
                os.utime(folder / META)
        return copy

    def _read(self, folder: Path, url: str) -> KeptCopy | None:
        meta = _read_meta(folder)
        if meta is None or meta.get("url") != url:
            return None
        name = meta.get("text")
        if not isinstance(name, str) or "/" in name or not name.startswith("text-"):
            return None
        data = _read_file(folder / name, MAX_TEXT_BYTES)
        if data is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        copy = KeptCopy(
            url=url,
            text=text,
            **{k: _field(meta, k) for k in _FIELDS if k != "url"},
            fetched=str(meta.get("fetched") or ""),
            checked=str(meta.get("checked") or ""),
        )
        return copy if copy.sha256 == meta.get("sha256") else None

    def pages(self, url: str) -> list[bytes]:
        """The HTML of the kept copy's pages (for ``sorot`` to read them again); [] when none."""
        folder = self.folder(url)
        meta = _read_meta(folder)
        found = []
        for name in meta.get("html", []) if meta is not None else []:
            if isinstance(name, str) and "/" not in name and name.startswith("page-"):
                page = _read_file(folder / name, MAX_TEXT_BYTES)
                if page is None:
                    return []
                try:
                    inflate = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)  # gzip, at most MAX_TEXT_BYTES out
                    found.append(inflate.decompress(page, MAX_TEXT_BYTES))
                except zlib.error:
                    return []
        return found

    def entries(self) -> Iterator[KeptEntry]:
        """Every kept copy, in no order, read from the folder's metadata only."""
        try:
            folders = list(os.scandir(self.root))
        except OSError:
            return
        for entry in folders:
            if not entry.is_dir(follow_symlinks=False) or len(entry.name) != 32:
                continue
            folder = Path(entry.path)
            meta = _read_meta(folder)
            if meta is None:
                continue
            try:
                opened = os.stat(folder / META).st_mtime
                size = sum(f.stat().st_size for f in os.scandir(folder) if f.is_file(follow_symlinks=False))
            except OSError:
                continue
            yield KeptEntry(str(meta.get("url", "")), str(meta.get("title", "")), folder, size, opened)

    # ------------------------------------------------------------------ writing

    def put(self, copy: KeptCopy, html: Sequence[bytes] = ()) -> KeptCopy:
        """Keep ``copy`` (and the HTML of its pages) as the current version of its URL."""
        folder = self.folder(copy.url)
        if os.path.islink(folder) or os.path.lexists(folder) and not folder.is_dir():
            os.unlink(folder)  # not a folder Sorot made: never written through, never swept
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # One writer at a time per copy (two processes keeping the same article): the sweep
        # below then removes no file that another writer's meta.json is about to name.
        with FileLock(_lock_of(folder), timeout=LOCK_SECONDS):
            return self._put(folder, copy, html)

    def _put(self, folder: Path, copy: KeptCopy, html: Sequence[bytes]) -> KeptCopy:
        old = _read_meta(folder) or {}
        stamp = copy.sha256[:16]
        text_name = f"text-{stamp}.txt"
        _write_atomic(folder / text_name, copy.text.encode("utf-8"))
        html_names = []
        for n, page in enumerate(html, start=1):
            digest = hashlib.blake2b(page, digest_size=8).hexdigest()
            name = f"page-{digest}-{n}.html.gz"
            _write_atomic(folder / name, gzip.compress(page, compresslevel=6, mtime=0))
            html_names.append(name)
        if not html_names and old.get("sha256") == copy.sha256:
            html_names = [n for n in old.get("html", []) if isinstance(n, str)]
        meta: dict[str, Any] = {k: v for k, v in asdict(copy).items() if k != "text"}
        when = now_iso()
        meta.update(text=text_name, html=html_names, fetched=copy.fetched or when, checked=copy.checked or when)
        _write_atomic(folder / META, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        keep = {META, LOCK, text_name, *html_names}
        for stale in os.scandir(folder):
            if stale.name in keep or stale.name.startswith(".tmp-") and _younger(stale, _TEMPORARY_SECONDS):
                continue  # another process's save in progress
            with contextlib.suppress(OSError):
                os.unlink(stale.path)
        return replace(copy, fetched=meta["fetched"], checked=meta["checked"])

    def checked(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> None:
        """Record that the server said the kept copy of ``url`` is current (a 304)."""
        folder = self.folder(url)
        if os.path.islink(folder) or not folder.is_dir():
            return
        try:
            with FileLock(_lock_of(folder), timeout=LOCK_SECONDS):  # not between another's save and sweep
                self._checked(folder, etag, last_modified)
        except (OSError, Timeout):
            return  # not recorded: the next open asks again

    def _checked(self, folder: Path, etag: str | None, last_modified: str | None) -> None:
        meta = _read_meta(folder)
        if meta is None:
            return
        meta["checked"] = now_iso()
        if etag:
            meta["etag"] = etag
        if last_modified:
            meta["last_modified"] = last_modified
        with contextlib.suppress(OSError):
            _write_atomic(folder / META, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))

    def remove(self, url: str) -> bool:
        folder = self.folder(url)
        if not folder.is_dir():
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True

    def trim(self, annotated: Callable[[str], bool], *, keep: str = "") -> list[str]:
        """Remove the copies opened longest ago until the folder is within ``max_bytes``, never
        one for which ``annotated(url)`` holds, nor ``keep`` (the article being read). Returns
        the URLs removed."""
        entries = sorted(self.entries(), key=lambda e: e.opened)
        total = sum(e.size for e in entries)
        removed = []
        for entry in entries:
            if total <= self.max_bytes:
                break
            if entry.url == keep or annotated(entry.url):
                continue
            shutil.rmtree(entry.folder, ignore_errors=True)
            total -= entry.size
            removed.append(entry.url)
        return removed


def _field(meta: dict[str, Any], name: str) -> Any:
    value = meta.get(name)
    if name == "pages":
        return value if isinstance(value, int) and value > 0 else 1
    if name in ("etag", "last_modified"):
        return value if isinstance(value, str) else None
    return value if isinstance(value, str) else ""


def _lock_of(folder: Path) -> Path:
    """The lock file of a kept copy's folder; whatever else stands at its name (a link, a folder)
    is removed first: the folder is Sorot's, and the lock only serialises Sorot's writers."""
    lock = folder / LOCK
    if os.path.islink(lock):
        os.unlink(lock)
    elif lock.is_dir():
        shutil.rmtree(lock, ignore_errors=True)
    return lock


def _younger(entry: os.DirEntry[str], seconds: float) -> bool:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime < seconds
    except OSError:
        return False


def _read_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, not a FIFO) of at most ``limit``
    bytes; None otherwise. Kept copies are Sorot's own files, but the folder is the user's."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        if os.path.islink(path.parent):
            return None
        fd = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                return None
            data = handle.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def _read_meta(folder: Path) -> dict[str, Any] | None:
    data = _read_file(folder / META, _META_MAX)
    if data is None:
        return None
    try:
        meta = json.loads(data)
    except (ValueError, RecursionError):  # damage ("[[[[..." nests past the parser's depth)
        return None
    return meta if isinstance(meta, dict) else None


def _write_atomic(path: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def age_seconds(iso: str) -> float | None:
    """Seconds since the ISO 8601 time ``iso``; None when it does not parse."""
    try:
        then = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    return time.time() - then.timestamp()
