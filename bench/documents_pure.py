#!/usr/bin/env python
"""Pure document benchmark: one agency's pack (5 documents × DOCX + PDF + ZIP) from plain data, no database.

    python bench/documents_pure.py [--repeat 7]

Builds the seed pack (``prongsai.documents.example.seed_pack``: สพป.สมุทรสาคร, 12-member committee, four
measures, eight progress reports), renders it once to warm up (fonts, templates, stylesheet), then ``--repeat``
times and prints the median and best wall time and the CPU time of the process per pack, split into context,
PDF and DOCX.  Target on the 2-core development machine: ≤ 1 s per pack (DOCX + PDF).  The CPU time is the
figure to compare when other processes share the machine.  ``bench/documents.py`` (web side) times the same
through the database and the task queue, with the 245-office batch.  Exits 0 whether or not the target is met.

``--costs`` also times the pack with the Thai line breaking switched off (no segmentation: Pango's and
LibreOffice's own breaks) and with WeasyPrint's plain justification instead of the Thai distributed one, and
prints what each costs per pack (issue 12).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_S = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--costs", action="store_true", help="also time without the Thai line breaking / distributed justification"
    )
    args = parser.parse_args(argv)

    from prongsai.documents import DOCUMENTS, evidence_pack_zip, render_pack
    from prongsai.documents.context import pack_context
    from prongsai.documents.example import seed_pack
    from prongsai.documents.render_docx import render_docx
    from prongsai.documents.render_pdf import render_pdf

    with tempfile.TemporaryDirectory(prefix="prongsai-bench-") as tmp:
        out = Path(tmp)
        render_pack(pack_context(seed_pack()), out / "warm")
        walls, cpus, parts = [], [], {"context": [], "pdf": [], "docx": []}
        for i in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            contexts = pack_context(seed_pack())
            paths = render_pack(contexts, out / f"run{i}")
            evidence_pack_zip(paths, out / f"run{i}.zip")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            # the split, measured separately in CPU time
            t = time.process_time()
            contexts = pack_context(seed_pack())
            parts["context"].append(time.process_time() - t)
            t = time.process_time()
            for kind in DOCUMENTS:
                render_pdf(kind, contexts[kind])
            parts["pdf"].append(time.process_time() - t)
            t = time.process_time()
            for kind in DOCUMENTS:
                render_docx(kind, contexts[kind])
            parts["docx"].append(time.process_time() - t)
        pages = sum(1 for p in paths if p.suffix == ".pdf")
        print(f"one agency pack (5 documents, DOCX + PDF + ZIP, {pages} PDFs), {args.repeat} runs:")
        print(f"  wall  median {statistics.median(walls):.3f} s   best {min(walls):.3f} s")
        print(f"  CPU   median {statistics.median(cpus):.3f} s   best {min(cpus):.3f} s")
        print("  CPU split (median): " + ", ".join(f"{k} {statistics.median(v):.3f} s" for k, v in parts.items()))
        verdict = "met" if statistics.median(cpus) <= TARGET_S else "NOT met"
        print(f"  target ≤ {TARGET_S:.1f} s per pack (CPU): {verdict}")
        if args.costs:
            full = statistics.median(cpus)
            for label, switch in (
                ("without Thai line breaking", _no_line_breaking),
                ("without Thai distributed justification", _plain_justification),
            ):
                with switch():
                    runs = []
                    for i in range(args.repeat):
                        t = time.process_time()
                        render_pack(pack_context(seed_pack()), out / f"{label[:12]}{i}")
                        runs.append(time.process_time() - t)
                print(
                    f"  {label}: CPU median {statistics.median(runs):.3f} s "
                    f"(it costs {full - statistics.median(runs):+.3f} s per pack)"
                )
    return 0


def _no_line_breaking():
    """No word is protected: Pango (libthai) and the DOCX's word processor break where they like."""
    from contextlib import contextmanager

    from prongsai.documents.thaibreak import Lexicon

    @contextmanager
    def switched():
        spans, docx = Lexicon.word_spans, Lexicon.for_docx
        Lexicon.word_spans = lambda self, text: []
        Lexicon.for_docx = lambda self, text: text
        try:
            yield
        finally:
            Lexicon.word_spans, Lexicon.for_docx = spans, docx

    return switched()


def _plain_justification():
    """WeasyPrint's own justification (spaces only) instead of the Thai distributed one."""
    from contextlib import contextmanager

    from weasyprint.layout import inline

    @contextmanager
    def switched():
        thai = inline.justify_line
        inline.justify_line = thai.__wrapped__
        try:
            yield
        finally:
            inline.justify_line = thai

    return switched()


if __name__ == "__main__":
    raise SystemExit(main())
