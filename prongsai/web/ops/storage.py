"""File storage that never leaves a truncated file under a stored name.

Django's ``FileSystemStorage`` writes chunks straight into the final path: a crash, a kill or a full disk half-way
leaves a short file that looks like the real one (a 0-byte DOCX, a truncated PDF).  Here the bytes go to a
temporary name in the same folder (``.<name>.part-<random>``), are flushed and fsynced, and only then linked to
the final name, which fails rather than overwrites when the name was taken meanwhile.  A failed write removes the
temporary file; one left by a killed process is swept by ``sweep_partial_files`` (run by the workers at start).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.files.utils import validate_file_name
from django.db import transaction

from prongsai.core.atomicfile import PART_MARK, part_name


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        while True:
            full_path = self.path(name)
            directory = os.path.dirname(full_path)
            os.makedirs(directory, exist_ok=True)
            temporary = str(part_name(full_path))
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    if hasattr(content, "temporary_file_path"):
                        with open(content.temporary_file_path(), "rb") as source:
                            while chunk := source.read(1024 * 1024):
                                handle.write(chunk)
                    else:
                        for chunk in content.chunks():
                            handle.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                    handle.flush()
                    os.fsync(handle.fileno())
                try:
                    os.link(temporary, full_path)  # atomic, and refuses to replace an existing file
                except FileExistsError:
                    name = self.get_available_name(name)
                    continue
                finally:
                    os.unlink(temporary)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            if self.file_permissions_mode is not None:
                os.chmod(full_path, self.file_permissions_mode)
            validate_file_name(name, allow_relative_path=True)
            return str(name).replace("\\", "/")


def delete_on_commit(storage, name: str) -> None:
    """Delete a stored file once the current transaction commits (at once outside a transaction).

    Every service deletes rows inside ``transaction.atomic``; deleting their bytes there and then would leave a
    row that points at nothing when the transaction rolls back (a failed audit write, a later error in the same
    service).  ``robust``: a file that cannot be deleted after the commit is logged, not raised, and the rows stay
    deleted.
    """
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def sweep_partial_files(root: Path | str, older_than: float = 3600.0) -> int:
    """Remove temporary files of writes that never finished (their process died); returns how many."""
    removed = 0
    cutoff = time.time() - older_than
    for path in Path(root).rglob(f".*{PART_MARK}*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
