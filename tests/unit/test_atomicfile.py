"""A written document is whole or absent: never half a file under its name (prongsai/core/atomicfile.py)."""

from __future__ import annotations

import os
import stat

import pytest

from prongsai.core.atomicfile import PART_MARK, atomic_write, whole_file
from prongsai.documents import evidence_pack_zip


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if PART_MARK in p.name)


def test_atomic_write_replaces_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "1-memo.pdf"
    target.write_bytes(b"old")
    atomic_write(target, b"new bytes", mode=0o640)
    assert target.read_bytes() == b"new bytes"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 & ~current_umask()
    assert leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_previous_file_and_removes_its_temporary(tmp_path):
    target = tmp_path / "3-announcement.docx"
    target.write_bytes(b"previous, complete")
    with pytest.raises(RuntimeError), whole_file(target) as partial:
        partial.write_bytes(b"half of a ne")
        raise RuntimeError("the renderer failed half-way")
    assert target.read_bytes() == b"previous, complete"
    assert leftovers(tmp_path) == []


def test_a_refused_evidence_pack_leaves_no_zip_behind(tmp_path):
    # two files with one name: the pack is refused part-way; before, the half-written ZIP stayed under its name
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "1-memo.pdf", tmp_path / "b" / "1-memo.pdf"
    first.write_bytes(b"%PDF-1.7 one")
    second.write_bytes(b"%PDF-1.7 two")
    target = tmp_path / "pack.zip"
    with pytest.raises(ValueError, match="two files named 1-memo.pdf"):
        evidence_pack_zip([first, second], target)
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert evidence_pack_zip([first], target).stat().st_size > 0


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
