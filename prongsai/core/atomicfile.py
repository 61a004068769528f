"""Writing a file whole or not at all (no Django: used by the document renderers and by the web's storage).

The bytes go to a temporary name in the same folder (``.<name>.part-<random>``), are flushed and fsynced, and
only then renamed over the final name (atomic on one file system).  A reader never sees half a PDF; a process
killed while writing leaves no file that looks finished, only a ``.part-`` file that
``prongsai.web.ops.storage.sweep_partial_files`` removes later; when two processes write the same file (a pack's
fallback render after a PDF worker died, while another worker may still be writing it), each rename installs
one whole file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

#: what the name of a temporary file holds (the sweep looks for it)
PART_MARK = ".part-"


def part_name(path: str | os.PathLike) -> Path:
    """The temporary name a write of ``path`` uses until it is complete (``sweep_partial_files`` looks for it)."""
    path = Path(path)
    return path.with_name(f".{path.name}{PART_MARK}{secrets.token_hex(6)}")


@contextlib.contextmanager
def whole_file(path: str | os.PathLike, mode: int = 0o600) -> Iterator[Path]:
    """A new, empty temporary path to write instead of ``path`` (created with ``mode``, less the umask); fsynced
    and renamed over ``path`` when the block ends without an error, removed otherwise."""
    target = Path(path)
    temporary = part_name(target)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    path = Path(path)
    temporary = part_name(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
