"""Derive the PDF fonts ("Prongsai Sarabun") from the vendored Sarabun TTFs.

Two changes, both needed for official Thai documents rendered by WeasyPrint; see docs/documents.md.

1. **A correct text layer for SARA AM (ำ).**  HarfBuzz's Thai shaper always decomposes U+0E33 SARA AM into
   NIKHAHIT + SARA AA and moves the NIKHAHIT in front of any tone mark (น้ำ → น ํ ้ า; Sarabun then ligates
   NIKHAHIT + tone into one glyph).  WeasyPrint writes one ToUnicode entry per glyph id, taken from the
   first cluster the glyph appears in.  The SARA AA glyph is shared by า and the decomposed ำ, so whichever
   comes first wins: "สำนักงาน" is extracted as "สานักงาน", or every า becomes ำ ("กำร").  Here every glyph
   produced by the decomposition gets its own glyph id (a composite copy of the original outline), through
   one chained substitution appended to ``ccmp``:

   - SARA AA after a NIKHAHIT → ``uni0E32.am`` (maps to "ำ"; the NIKHAHIT before it maps to nothing);
   - SARA AA after a NIKHAHIT+tone ligature (or a NIKHAHIT and a tone mark) → ``uni0E32.am48`` … ``.am4B``
     (maps to the merged cluster "่ำ" … "๋ำ"; the ligature maps to nothing).

   Each glyph id then means one text only, whatever the order of first use, so the extracted text is the
   logical Unicode text ("สำนักงาน", "น้ำ") and the printed shapes are unchanged.  (A NIKHAHIT typed on its
   own, which Thai text never needs, would extract as nothing: the text builders turn a typed ํ + า into ำ.)
   The order of marks in extracted text is fixed separately, by ActualText spans (``render_pdf``).

2. **TH Sarabun New metrics.**  Government documents are set in TH Sarabun New 16 pt, whose glyphs are
   about two thirds the size of Google's Sarabun at the same point size (digits: 362 vs 550 units per
   1000).  The derived font declares ``unitsPerEm`` 1520 instead of 1000, so "16 pt" in the templates prints
   at the size of TH Sarabun New 16 pt, as on the paper documents the officers know.

The family is renamed "Prongsai Sarabun" as the OFL asks of modified versions; the licence (fonts/OFL.txt)
is unchanged.  ``python -m prongsai.documents.build_templates`` regenerates the files.
"""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FAMILY = "Prongsai Sarabun"
#: Google Sarabun units per em → TH Sarabun New size: 1000 / (362 / 550) ≈ 1520
UNITS_PER_EM = 1520
SOURCES = {"Regular": "Sarabun-Regular.ttf", "Bold": "Sarabun-Bold.ttf"}

NIKHAHIT = ("uni0E4D", "uni0E4D.narrow")
SARA_AA = "uni0E32"
TONES = ("0E48", "0E49", "0E4A", "0E4B")


def pdf_font_path(style: str = "Regular") -> Path:
    return FONTS_DIR / f"ProngsaiSarabun-{style}.ttf"


def build_pdf_fonts(out_dir: Path = FONTS_DIR) -> list[Path]:
    """Write ProngsaiSarabun-Regular.ttf and -Bold.ttf next to the vendored originals."""
    written = []
    for style, source in SOURCES.items():
        target = Path(out_dir) / f"ProngsaiSarabun-{style}.ttf"
        derive(FONTS_DIR / source, target, style)
        written.append(target)
    return written


def derive(source: Path, target: Path, style: str) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otTables as ot
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    font = TTFont(str(source))
    order = list(font.getGlyphOrder())
    glyf, hmtx = font["glyf"], font["hmtx"]
    gdef = font["GDEF"].table
    classes = gdef.GlyphClassDef.classDefs

    def copy_glyph(name: str, base: str, glyph_class: int) -> str:
        glyph = Glyph()
        component = GlyphComponent()
        component.glyphName, component.x, component.y, component.flags = base, 0, 0, 0x4  # ROUND_XY_TO_GRID
        glyph.components = [component]
        glyph.numberOfContours = -1
        order.append(name)
        glyf.glyphs[name] = glyph
        hmtx.metrics[name] = hmtx.metrics[base]
        classes[name] = glyph_class
        return name

    tones = {t: (f"uni0E4D{t}", f"uni0E4D{t}.narrow") for t in TONES}
    tone_marks = {t: tuple(g for g in (f"uni{t}", f"uni{t}.small", f"uni{t}.narrow") if g in glyf.glyphs)
                  for t in TONES}
    aa_am = copy_glyph(f"{SARA_AA}.am", SARA_AA, 1)
    aa_tone = {t: copy_glyph(f"{SARA_AA}.am{t[2:]}", SARA_AA, 1) for t in TONES}
    font.setGlyphOrder(order)
    glyf.glyphOrder = order

    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup

    def single(mapping: dict[str, str]) -> int:
        sub = ot.SingleSubst()
        sub.mapping = mapping
        sub.Format = 2
        lookup = ot.Lookup()
        lookup.LookupType, lookup.LookupFlag, lookup.SubTable = 1, 0, [sub]
        lookup.SubTableCount = 1
        lookups.append(lookup)
        return len(lookups) - 1

    def coverage(glyphs) -> ot.Coverage:
        cov = ot.Coverage()
        cov.glyphs = sorted(set(glyphs), key=font.getGlyphID)
        return cov

    def chain(backtrack: list, input_glyphs, lookahead: list, lookup_index: int) -> ot.ChainContextSubst:
        sub = ot.ChainContextSubst()
        sub.Format = 3
        sub.BacktrackCoverage = [coverage(g) for g in backtrack]  # closest glyph first
        sub.BacktrackGlyphCount = len(backtrack)
        sub.InputCoverage = [coverage(input_glyphs)]
        sub.InputGlyphCount = 1
        sub.LookAheadCoverage = [coverage(g) for g in lookahead]
        sub.LookAheadGlyphCount = len(lookahead)
        record = ot.SubstLookupRecord()
        record.SequenceIndex, record.LookupListIndex = 0, lookup_index
        sub.SubstLookupRecord = [record]
        sub.SubstCount = 1
        return sub

    to_aa_am = single({SARA_AA: aa_am})
    to_aa_tone = {t: single({SARA_AA: aa_tone[t]}) for t in TONES}
    nik_any = list(NIKHAHIT)

    subtables = []
    for t in TONES:
        ligatures = [g for g in tones[t] if g in glyf.glyphs]
        subtables.append(chain([ligatures], [SARA_AA], [], to_aa_tone[t]))
        subtables.append(chain([tone_marks[t], nik_any], [SARA_AA], [], to_aa_tone[t]))
    subtables.append(chain([nik_any], [SARA_AA], [], to_aa_am))
    lookup = ot.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable = 6, 0, subtables
    lookup.SubTableCount = len(subtables)
    lookups.append(lookup)
    chain_index = len(lookups) - 1
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(chain_index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)

    # TH Sarabun New size: scale every glyph by declaring a larger em.
    font["head"].unitsPerEm = UNITS_PER_EM

    family, full = PDF_FAMILY, f"{PDF_FAMILY} {style}"
    postscript = f"ProngsaiSarabun-{style}"
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 16):
            name.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            name.setName(full, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            name.setName(postscript, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            name.setName(f"{postscript};derived from Sarabun", 3, record.platformID, record.platEncID,
                         record.langID)
    name.setName("Derived from Sarabun for Prongsai: distinct glyphs for decomposed SARA AM, "
                 "TH Sarabun New size (unitsPerEm 1520).", 10, 3, 1, 0x409)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
