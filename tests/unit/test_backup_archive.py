"""A restore reads only regular files from the archive: a folder or a link where the manifest names a file is a
damaged (or foreign) archive, refused with the clear message, never a Python traceback.

Found by mypy: tarfile's ``extractfile`` returns None for such members, and ``.read()`` on it crashed.
"""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from prongsai.web.ops.backup import BackupError, read_manifest


def archive_with(path, manifest: tarfile.TarInfo, data: bytes = b"") -> None:
    with tarfile.open(path, "w:gz") as archive:
        archive.addfile(manifest, io.BytesIO(data) if data else None)


def test_a_manifest_that_is_a_folder_is_refused_as_a_damaged_archive(tmp_path):
    source = tmp_path / "folder.tar.gz"
    folder = tarfile.TarInfo("manifest.json")
    folder.type = tarfile.DIRTYPE
    archive_with(source, folder)
    with pytest.raises(BackupError, match=r"not a Prongsai backup archive \(or damaged\): manifest.json is not a file"):
        read_manifest(source)


def test_a_manifest_that_is_a_dangling_link_is_refused_as_a_damaged_archive(tmp_path):
    source = tmp_path / "link.tar.gz"
    link = tarfile.TarInfo("manifest.json")
    link.type, link.linkname = tarfile.SYMTYPE, "../../etc/passwd"
    archive_with(source, link)
    with pytest.raises(BackupError, match="ไม่ใช่ไฟล์สำรองข้อมูลของ Prongsai"):
        read_manifest(source)


def test_a_regular_manifest_is_still_read(tmp_path):
    source = tmp_path / "ours.tar.gz"
    data = json.dumps({"format": "prongsai-backup/1"}).encode()
    info = tarfile.TarInfo("manifest.json")
    info.size = len(data)
    archive_with(source, info, data)
    assert read_manifest(source) == {"format": "prongsai-backup/1"}
