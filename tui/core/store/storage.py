"""The TinyDB ``Storage`` the store reads and writes through: the database file, kept safe.

* every write goes to a temporary file in the same directory, is fsynced, and renamed over the
  database (then the directory is fsynced): a crash or ``kill -9`` leaves the old file or the
  new one, never half of one; only a holder of the lock (:mod:`.lock`) makes temporary files,
  so one found while the lock is free is a dead writer's (swept when the store opens);
* a read parses the file only when it is another file than last time (device, inode, size or
  mtime differ), and the handle on the file last read is kept open so that its inode is not
  reused (closed on a background thread once the file is replaced, :mod:`.closer`);
* a database path that is a symbolic link is followed once (:func:`follow_link`): the lock,
  the temporary files and any file put aside live beside the link's target, and saves replace
  the target, so the link stays a link (a link to nothing is refused);
* a file that has become a FIFO or a device since it was opened is neither read nor replaced,
  and one made read-only since (``chmod a-w``) is not saved over: :class:`NotWritableError`;
* :func:`unwritable_reason` is the one place that decides whether a database can take saves.

The bytes are laid out by :mod:`.fileformat`. :class:`CountingMemoryStorage` is the same
contract in memory, for a store that keeps nothing on disk.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Any, BinaryIO

from tinydb.storages import MemoryStorage, Storage

from tui.core.document import file_kind
from tui.core.store.closer import close_later
from tui.core.store.errors import CorruptDatabaseError, NotWritableError, StoreError
from tui.core.store.fileformat import parse_database, serialise_chunks
from tui.core.store.lock import WriterLock, lock_file_problem

# Keeping the last file open stops its inode being reused, so a replaced file is always noticed.
# Windows cannot replace a file that is open, and does not reuse file ids that way.
_HOLD_OPEN = os.name != "nt"


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and re-reads only when the file has changed.

    ``read`` returns the data parsed last time unless the file on disk is another one (device,
    inode, size or mtime differ); an open handle on the file last seen keeps its inode from being
    reused, so a replaced file is always noticed. Records must not be changed in place below
    the top level (TinyDB does not): a changed nested list would not reach the file. A ``path``
    that is a symbolic link is resolved once, here: :attr:`path` is the file really written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        lock_timeout: float = 10.0,
        lock: WriterLock | None | bool = True,
        shown: str | None = None,
        follow: bool = True,
        scratch: Path | None = None,
        durable: bool = True,
    ) -> None:
        super().__init__()
        self.follow = follow
        self.scratch = scratch
        """Where temporary files are made (on the same file system): beside the file by default;
        a bucket's in its database's ``tmp`` folder, so that opening sweeps one small folder."""
        self.durable = durable
        """Whether a save is fsynced (file and folder) before it returns; not for data that can
        be counted again (tag counts), whose save is atomic all the same."""
        """Whether a symbolic link at ``path`` is followed (the database the user names) or is
        damage (a bucket, which must stay inside the data folder)."""
        self.path = follow_link(Path(path)) if follow else Path(path)
        self.shown = shown or str(self.path)
        """How messages name this file: a bucket is named by its database."""
        self.read_only = read_only
        if isinstance(lock, bool):  # True: a lock of its own (a file used alone); False: none
            lock = WriterLock(self.path, lock_timeout) if lock and not read_only else None
        self.lock: WriterLock | None = lock
        """Held around each write; a bucket of a sharded database has none of its own (the
        store holds the database's one lock around every change)."""
        self.generation = 0  # bumped whenever the data read() returns is a new state
        self._data: dict[str, dict[str, Any]] | None = None
        self._sig: tuple[int, int, int, int] | None = None
        self._held: BinaryIO | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        if not self.follow:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        try:
            # Without waiting, should the file have become a FIFO since it was opened (checked below).
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            if self._sig is not None or self._data:
                self.forget()
            return None
        except OSError as exc:
            if not self.follow and os.path.islink(self.path):  # a bucket is never a link: it could lead anywhere
                raise CorruptDatabaseError("is a symbolic link, not a file of the database") from None
            raise StoreError(f"{self.shown}: cannot read ({exc.strerror or exc})") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # become a FIFO or a device (or a directory) since it was opened
            os.close(fd)
            if not self.follow:
                raise CorruptDatabaseError(f"is not a regular file ({file_kind(st.st_mode)})")
            raise NotWritableError(not_a_database(self.path, st.st_mode))
        handle = open(fd, "rb")  # noqa: SIM115 - kept open as _held on success
        sig = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if sig == self._sig:
            handle.close()
            return self._data
        try:
            raw = handle.read()
            if not self.follow and (not raw or raw.isspace()):  # a bucket is never written empty
                raise CorruptDatabaseError("is empty (a bucket is never written so)")
            data = parse_database(raw) if raw and not raw.isspace() else None
        except BaseException:
            handle.close()
            raise
        self._hold(handle, sig)
        self._data = data
        self.generation += 1
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise StoreError(f"{self.shown}: opened read-only, changes are not saved")
        if _no_write_bits(self.path):  # made read-only since it was opened: a save would replace it
            raise NotWritableError(f"{self.shown} is read-only now (chmod a-w)")
        with self.lock or nullcontext():
            self._replace(serialise_chunks(data))
        self._data = data
        self.generation += 1

    def replace_data(self, data: dict[str, dict[str, Any]]) -> None:
        """Use ``data`` as the current state without writing it (a read-only migration)."""
        self._data = data
        self.generation += 1

    def forget(self) -> None:
        """Drop the cached state: the next read parses the file again."""
        if self._held is not None:
            self._held.close()
        self._held = None
        self._sig = None
        self._data = None
        self.generation += 1

    def close(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def _hold(self, handle: BinaryIO, sig: tuple[int, int, int, int]) -> None:
        if self._held is not None:
            close_later(self._held)
        self._sig = sig
        if _HOLD_OPEN:
            self._held = handle
        else:
            self._held = None
            handle.close()

    def _replace(self, chunks: list[bytes]) -> None:
        directory = self.path.parent
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.scratch or directory)
        except OSError as exc:
            self.forget()  # TinyDB changed the cached dict before calling write: it is not on disk
            raise StoreError(
                f"cannot save {self.shown}: {exc.strerror or exc}"
                if self.shown != str(self.path)
                else f"cannot save to {directory}: {exc.strerror or exc}"
            ) from None
        handle = os.fdopen(fd, "w+b")
        try:
            try:
                os.fchmod(fd, os.stat(self.path).st_mode & 0o777)
            except (FileNotFoundError, AttributeError):
                pass  # a new file keeps mkstemp's private 0600
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            if self.durable:
                os.fsync(fd)
            st = os.fstat(fd)
            if not stat.S_ISREG(_mode(self.path, stat.S_IFREG)):  # become a device or a FIFO meanwhile
                raise NotWritableError(f"{self.shown} is no longer a regular file")
            os.replace(tmp, self.path)
        except BaseException as exc:
            with suppress(OSError):  # a full disk fails the close too (its flush); the file is closed
                handle.close()
            with suppress(OSError):
                os.unlink(tmp)
            self.forget()
            if isinstance(exc, OSError):
                raise StoreError(f"cannot save {self.shown}: {exc.strerror or exc}") from None
            raise
        if self.durable:
            fsync_directory(directory)
        self._hold(handle, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))


class CountingMemoryStorage(MemoryStorage):
    """TinyDB's memory storage, with the generation counter the store's index needs."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # tinydb's MemoryStorage.__init__ is unannotated
        self.generation = 0

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        super().write(data)
        self.generation += 1


def not_a_database(path: str | os.PathLike[str], mode: int) -> str:
    return f"{path} is not a regular file ({file_kind(mode)}), not an annotation database"


def _mode(path: Path, missing: int) -> int:
    """``path``'s mode (not following a link), or ``missing`` if there is no such file."""
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return missing


def follow_link(path: Path) -> Path:
    """The file a database path stands for: itself, or the target of a symbolic link, resolved
    once. A link to nothing is an error rather than a new database: its target is most likely
    on a drive not mounted, or a synced folder moved, and a new file there would split the notes."""
    if not os.path.islink(path):
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            target = "a file"
        raise StoreError(f"{path} is a symbolic link to {target}, which does not exist") from None
    except OSError as exc:
        raise StoreError(f"{path} is a symbolic link that cannot be followed ({exc.strerror or exc})") from None


def _no_write_bits(path: Path) -> bool:
    """Whether no one may write ``path`` by its mode (``chmod a-w``), which root, whom the
    permissions do not stop, is held to as well: the owner said "do not change this"."""
    try:
        return not os.stat(path).st_mode & 0o222
    except OSError:
        return False


def unwritable_reason(path: Path) -> str | None:
    """Why annotations cannot be saved in the database at ``path`` (a link's target), or None.

    The one place the store decides: the directory must take new files (the temporary file of
    each save, the lock), the file must be writable for its owner's sake even though a save
    replaces it (``chmod a-w`` says "do not change this"), and the lock file must be creatable.
    """
    directory = path.parent
    if not os.access(directory, os.W_OK | os.X_OK) or _no_write_bits(directory):
        return f"cannot save annotations in {directory}: the directory is not writable"
    if os.path.exists(path) and (not os.access(path, os.W_OK) or _no_write_bits(path)):
        return f"{path} is read-only: annotations cannot be saved"
    return lock_file_problem(f"{path}.lock")


def fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
