"""Official Thai documents generated from data: the O42/O43 evidence pack, as DOCX (editable) and PDF.

Public API (see docs/documents.md):

- ``context``: the plain dataclasses (``AgencyInfo``, ``Person``, ``CommitteeMember``, ``Measure``,
  ``MeasureAction``, ``ProgressReport``, ``PackInput``) and one pure builder per document
  (``memo_context``, ``committee_order_context``, ``announcement_context``, ``analysis_report_context``,
  ``implementation_report_context``) plus ``pack_context(PackInput)``;
- ``render_pdf.render_pdf(kind, context, out=None, *, emblem=None, template_dir=None) -> bytes``;
- ``render_docx.render_docx(kind, context, out=None, *, template=None, emblem=None) -> bytes``;
- :func:`render_pack` and :func:`evidence_pack_zip` below.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from prongsai.documents.context import DOCUMENT_TITLES, DOCUMENTS

__all__ = ["DOCUMENTS", "DOCUMENT_TITLES", "evidence_pack_zip", "pack_file_name", "render_pack"]


def pack_file_name(kind: str, ext: str, prefix: str = "") -> str:
    """1-memo.pdf, 2-order.docx, … (ASCII names: safe in every ZIP tool and e-mail client)."""
    return f"{prefix}{DOCUMENTS.index(kind) + 1}-{kind}.{ext}"


def render_pack(pack_context: Mapping[str, Mapping], out_dir: str | os.PathLike, *,
                formats: Sequence[str] = ("docx", "pdf"), documents: Iterable[str] | None = None,
                emblem: str | os.PathLike | None = None,
                docx_templates: Mapping[str, str | os.PathLike] | None = None,
                html_template_dir: str | os.PathLike | None = None, prefix: str = "") -> list[Path]:
    """Write every document of a pack (``context.pack_context(...)``) as DOCX and PDF into ``out_dir``.

    ``docx_templates`` maps a document kind to an agency's own DOCX template; ``html_template_dir`` is a
    directory whose ``<kind>.html`` / ``base.css`` override ours for the PDF.  Returns the written paths in
    document order (DOCX before PDF for each document).
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
    for kind in wanted:
        context = pack_context[kind]
        if "docx" in formats:
            path = out / pack_file_name(kind, "docx", prefix)
            render_docx(kind, context, path, template=(docx_templates or {}).get(kind), emblem=emblem)
            paths.append(path)
        if "pdf" in formats:
            path = out / pack_file_name(kind, "pdf", prefix)
            render_pdf(kind, context, path, emblem=emblem, template_dir=html_template_dir)
            paths.append(path)
    return paths


def evidence_pack_zip(paths: Iterable[str | os.PathLike], zip_path: str | os.PathLike) -> Path:
    """Bundle the rendered files into one ZIP (the one-click "evidence pack" per round); returns its path."""
    target = Path(zip_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for path in map(Path, paths):
            if path.name in seen:
                raise ValueError(f"two files named {path.name} in one evidence pack")
            seen.add(path.name)
            # PDFs and DOCX are already compressed: store them without a second pass
            archive.write(path, path.name, compress_type=zipfile.ZIP_STORED)
    return target
