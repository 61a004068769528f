"""Official Thai documents generated from data: the O42/O43 evidence pack, as DOCX (editable) and PDF.

Public API (see docs/documents.md):

- ``context``: the plain dataclasses (``AgencyInfo``, ``Person``, ``CommitteeMember``, ``Measure``,
  ``MeasureAction``, ``ProgressReport``, ``PackInput``) and one pure builder per document
  (``memo_context``, ``committee_order_context``, ``announcement_context``, ``analysis_report_context``,
  ``implementation_report_context``) plus ``pack_context(PackInput)``;
- ``render_pdf.render_pdf(kind, context, out=None, *, emblem=None, template_dir=None) -> bytes``;
- ``render_docx.render_docx(kind, context, out=None, *, template=None, emblem=None) -> bytes``;
- :func:`render_pack` (with :func:`pdf_pool`) and :func:`evidence_pack_zip` below.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from prongsai.documents.context import DOCUMENT_TITLES, DOCUMENTS

if TYPE_CHECKING:
    from concurrent.futures import Executor

__all__ = ["DOCUMENTS", "DOCUMENT_TITLES", "evidence_pack_zip", "pack_file_name", "pdf_pool", "render_pack"]


def pack_file_name(kind: str, ext: str, prefix: str = "") -> str:
    """1-memo.pdf, 2-order.docx, … (ASCII names: safe in every ZIP tool and e-mail client)."""
    return f"{prefix}{DOCUMENTS.index(kind) + 1}-{kind}.{ext}"


def render_pack(
    pack_context: Mapping[str, Mapping],
    out_dir: str | os.PathLike,
    *,
    formats: Sequence[str] = ("docx", "pdf"),
    documents: Iterable[str] | None = None,
    emblem: str | os.PathLike | None = None,
    docx_templates: Mapping[str, str | os.PathLike] | None = None,
    html_template_dir: str | os.PathLike | None = None,
    prefix: str = "",
    pool: Executor | None = None,
) -> list[Path]:
    """Write every document of a pack (``context.pack_context(...)``) as DOCX and PDF into ``out_dir``.

    ``docx_templates`` maps a document kind to an agency's own DOCX template; ``html_template_dir`` is a
    directory whose ``<kind>.html`` / ``base.css`` override ours for the PDF.  Returns the written paths in
    document order (DOCX before PDF for each document).

    With a ``pool`` (:func:`pdf_pool`) the PDFs are laid out in its processes while this one writes the DOCX;
    the files are the same byte for byte.
    """
    from prongsai.documents.render_docx import render_docx
    from prongsai.documents.render_pdf import render_pdf

    unknown = set(formats) - {"docx", "pdf"}
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(sorted(unknown))} (known: docx, pdf)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wanted = [k for k in DOCUMENTS if k in (set(documents) if documents is not None else set(DOCUMENTS))]
    paths: list[Path] = []
    pdfs: list[tuple[str, Path]] = []
    for kind in wanted:
        if "docx" in formats:
            paths.append(out / pack_file_name(kind, "docx", prefix))
        if "pdf" in formats:
            paths.append(out / pack_file_name(kind, "pdf", prefix))
            pdfs.append((kind, paths[-1]))
    pending = {}
    if pool is not None and len(pdfs) > 1:
        # the longest layouts first, so that the last one to finish is a short one
        for kind, path in sorted(pdfs, key=lambda job: PDF_ORDER.index(job[0])):
            pending[kind] = pool.submit(_write_pdf, kind, pack_context[kind], path, emblem, html_template_dir)
    for kind in wanted:
        if "docx" in formats:
            render_docx(
                kind,
                pack_context[kind],
                out / pack_file_name(kind, "docx", prefix),
                template=(docx_templates or {}).get(kind),
                emblem=emblem,
            )
    for kind, path in pdfs:
        future = pending.get(kind)
        try:
            if future is not None:
                future.result()  # a PDF's error is raised here, as it would be without the pool
                continue
        except _broken_pool():  # a worker died (or could not start): this process says why, or does it
            pass
        render_pdf(kind, pack_context[kind], path, emblem=emblem, template_dir=html_template_dir)
    return paths


def _broken_pool() -> type[Exception]:
    from concurrent.futures.process import BrokenProcessPool  # only with a pool: its import takes 20 ms

    return BrokenProcessPool


#: the documents by how long their PDF takes to lay out (pages, tables, the chart), longest first
PDF_ORDER = ("analysis", "implementation", "memo", "announcement", "order")


@contextlib.contextmanager
def pdf_pool(workers: int = 2) -> Iterator[Executor | None]:
    """Processes that lay out PDFs for :func:`render_pack`, forked at once: each imports WeasyPrint and parses
    the stylesheet (``render_pdf.prepare``) while this process goes on (the command line's pack forks them
    before it sets Django up and reads the data; WeasyPrint is most of the pack's time and uses one core).

    Yields None, to render in this process, with fewer than two workers, where there is no fork, or where
    another thread runs: a fork copies the locks of every thread in whatever state they are in (a web
    server's threads, a test runner's).  So for commands, never for web workers.
    """
    import multiprocessing  # here: 30 ms that a pack rendered in one process does not need

    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_prepare)
    gc.freeze()  # the collector would write to every object the workers inherit, copying their pages
    try:
        pool.submit(int)  # with fork, the first task starts every worker now
    finally:
        gc.unfreeze()
    try:
        yield pool
    finally:
        pool.shutdown()


def _prepare() -> None:
    from prongsai.documents.render_pdf import prepare

    prepare()


def _write_pdf(
    kind: str, context: Mapping, path: Path, emblem: str | os.PathLike | None, template_dir: str | os.PathLike | None
) -> None:
    from prongsai.documents.render_pdf import render_pdf

    render_pdf(kind, context, path, emblem=emblem, template_dir=template_dir)  # the bytes stay in the file


def evidence_pack_zip(paths: Iterable[str | os.PathLike], zip_path: str | os.PathLike) -> Path:
    """Bundle the rendered files into one ZIP (the one-click "evidence pack" per round); returns its path."""
    from prongsai.core.atomicfile import whole_file

    target = Path(zip_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        whole_file(target, 0o666) as partial,  # a failed or killed run leaves no half ZIP under the name
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        seen: set[str] = set()
        for path in map(Path, paths):
            if path.name in seen:
                raise ValueError(f"two files named {path.name} in one evidence pack")
            seen.add(path.name)
            # PDFs and DOCX are already compressed: store them without a second pass
            archive.write(path, path.name, compress_type=zipfile.ZIP_STORED)
    return target
