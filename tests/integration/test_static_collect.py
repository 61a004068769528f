"""Static files in production: collected without what no page serves, compressed once, again only when changed.

`prongsai serve` and `prongsai migrate` run collectstatic at every start in production (prongsai.web.ops.static);
the compressing used to cost about 6 s of CPU each time.  These tests collect into a folder of their own, in this
process, as those commands do.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from django.core.management import call_command

COMPRESSED = {"BACKEND": "prongsai.web.ops.static.CompressedStaticFiles"}


def collect(settings, root: Path, sources: list[Path] | None = None, compressed: bool = False) -> None:
    settings.STATIC_ROOT = str(root)
    if sources is not None:
        settings.STATICFILES_DIRS = [str(s) for s in sources]
    if compressed:
        settings.STORAGES = {**settings.STORAGES, "staticfiles": COMPRESSED}
    call_command("collectstatic", interactive=False, verbosity=0)


def test_the_api_docs_files_are_collected_and_redoc_is_not(settings, tmp_path):
    if not settings.NINJA_DIR:
        pytest.skip("django-ninja's static files are not installed")
    assert (Path(settings.NINJA_DIR) / "static" / "ninja" / "redoc.standalone.js").exists()  # it is there to skip
    collect(settings, tmp_path / "static")
    names = {p.relative_to(tmp_path / "static").as_posix() for p in (tmp_path / "static").rglob("*") if p.is_file()}
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "prongsai/css/prongsai.css"} <= names
    assert not [n for n in names if "redoc" in n], sorted(names)


def test_a_second_start_compresses_only_the_file_that_changed(settings, tmp_path, monkeypatch):
    from whitenoise.compress import Compressor, brotli_installed

    source = tmp_path / "source"
    (source / "app").mkdir(parents=True)
    for name in ("a.css", "b.js"):
        (source / "app" / name).write_text(f"/* {name} */\n" + "body { color: #123456; }\n" * 400)
    compressed: list[bytes] = []  # the first bytes of each file gzip compresses
    original = Compressor.compress_gzip
    monkeypatch.setattr(
        Compressor, "compress_gzip", staticmethod(lambda data: compressed.append(data[:8]) or original(data))
    )
    root = tmp_path / "static"

    collect(settings, root, [source], compressed=True)
    made = {p.name for p in (root / "app").iterdir()}
    assert {"a.css.gz", "b.js.gz"} <= made and ({"a.css.br", "b.js.br"} <= made) == brotli_installed
    first = len(compressed)
    assert first >= 2  # the two files, and the apps' own stylesheets

    collect(settings, root, [source], compressed=True)  # nothing changed: nothing is compressed again
    assert len(compressed) == first

    (source / "app" / "b.js").write_text("/* b.js, changed */\n" + "var x = 1;\n" * 500)
    later = os.stat(root / "app" / "b.js").st_mtime + 5
    os.utime(source / "app" / "b.js", (later, later))  # newer than the collected copy: collectstatic copies it
    collect(settings, root, [source], compressed=True)
    assert compressed[first:] == [b"/* b.js,"]  # only the changed file, once
    gz = root / "app" / "b.js.gz"
    assert os.stat(gz).st_mtime == os.stat(root / "app" / "b.js").st_mtime
    assert gzip.decompress(gz.read_bytes()).startswith(b"/* b.js, changed */")


def test_a_missing_compressed_copy_is_made_again(settings, tmp_path):
    source = tmp_path / "source"
    (source / "app").mkdir(parents=True)
    (source / "app" / "a.css").write_text("body { color: #123456; }\n" * 400)
    root = tmp_path / "static"
    collect(settings, root, [source], compressed=True)
    (root / "app" / "a.css.gz").unlink()  # an operator cleaned up, or a start was killed while compressing
    collect(settings, root, [source], compressed=True)
    assert (root / "app" / "a.css.gz").exists()
