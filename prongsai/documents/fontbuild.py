"""Derive the document fonts ("Prongsai Sarabun") from the vendored Sarabun TTFs.

Three changes, all needed for official Thai documents; see docs/documents.md.

1. **One glyph for a SARA AM (ำ), so every reader extracts the right text.**  HarfBuzz's Thai shaper always
   decomposes U+0E33 SARA AM into NIKHAHIT + SARA AA and moves the NIKHAHIT in front of any tone mark
   (น้ำ → น ํ ้ า; Sarabun then ligates NIKHAHIT + tone into one glyph).  A PDF maps each glyph id to text
   once (ToUnicode); with the decomposed form one glyph must map to nothing, and readers disagree on what
   "nothing" means (MuPDF then prints the glyph id as a character, and repeats text around it).  Here one
   ligature lookup, appended to ``ccmp``, joins what the shaper split back into a single glyph:

   - NIKHAHIT + SARA AA → ``uni0E33.am`` ("ำ"), and ``.am.narrow`` after the narrow NIKHAHIT of tall letters;
   - NIKHAHIT+tone ligature + SARA AA, or NIKHAHIT + tone + SARA AA → ``uni0E33.am48`` … ``.am4B`` ("่ำ" …
     "๋ำ"), with the tone drawn as Sarabun draws it.

   Each new glyph is a composite of the original outlines at the original positions (the NIKHAHIT hangs left
   over the preceding letter, as in Sarabun's own precomposed ``uni0E33``), so the printed shapes are those of
   Sarabun, and every glyph id stands for a non-empty, logical-order piece of text.

2. **TH Sarabun New metrics.**  Government documents are set in TH Sarabun New 16 pt, whose glyphs are
   about two thirds the size of Google's Sarabun at the same point size (digits: 362 vs 550 units per
   1000).  The derived font declares ``unitsPerEm`` 1520 instead of 1000, so "16 pt" prints at the size of
   TH Sarabun New 16 pt, as on the paper documents the officers know.  The same files are embedded in the DOCX
   (``docx_fonts``), so Word and LibreOffice lay the text out as the PDF does on a machine without the font.

3. **Thai page numbers in any word processor** (``ProngsaiThaiDigits.ttf``): a tiny font whose glyphs for the
   ASCII digits 0–9 are the Thai digits ๐–๙.  The DOCX page number is a plain ``PAGE`` field set in it:
   LibreOffice ignores Word's ``\\* ThaiArabic`` switch (it prints Thai letters, ก ข ค), so the shape is
   given by the font instead, and both programs print "- ๒ -".

The family is renamed "Prongsai Sarabun" as the OFL asks of modified versions; the licence (fonts/OFL.txt)
is unchanged.  ``python -m prongsai.documents.build_templates`` regenerates the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
PDF_FAMILY = "Prongsai Sarabun"
DIGITS_FAMILY = "Prongsai Thai Digits"
#: Google Sarabun units per em → TH Sarabun New size: 1000 / (362 / 550) ≈ 1520
UNITS_PER_EM = 1520
SOURCES = {"Regular": "Sarabun-Regular.ttf", "Bold": "Sarabun-Bold.ttf"}

NIKHAHIT = ("uni0E4D", "uni0E4D.narrow")
SARA_AA = "uni0E32"
TONES = ("0E48", "0E49", "0E4A", "0E4B")
THAI_DIGITS = [f"uni0E5{d}" for d in "0123456789"]


def pdf_font_path(style: str = "Regular") -> Path:
    return FONTS_DIR / f"ProngsaiSarabun-{style}.ttf"


def digits_font_path() -> Path:
    return FONTS_DIR / "ProngsaiThaiDigits.ttf"


def build_pdf_fonts(out_dir: Path = FONTS_DIR) -> list[Path]:
    """Write ProngsaiSarabun-Regular.ttf, -Bold.ttf and ProngsaiThaiDigits.ttf next to the vendored originals."""
    written = []
    for style, source in SOURCES.items():
        target = Path(out_dir) / f"ProngsaiSarabun-{style}.ttf"
        derive(FONTS_DIR / source, target, style)
        written.append(target)
    written.append(
        build_digits_font(Path(out_dir) / "ProngsaiSarabun-Regular.ttf", Path(out_dir) / "ProngsaiThaiDigits.ttf")
    )
    return written


def derive(source: Path, target: Path, style: str) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otTables as ot
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    font = TTFont(str(source))
    order = list(font.getGlyphOrder())
    glyf, hmtx = font["glyf"], font["hmtx"]
    classes = font["GDEF"].table.GlyphClassDef.classDefs

    def composite(name: str, parts: list[str]) -> str:
        """A base glyph drawn from ``parts`` at their own origins, as wide as SARA AA."""
        glyph = Glyph()
        components = []
        for part in parts:
            component = GlyphComponent()
            component.glyphName, component.x, component.y, component.flags = part, 0, 0, 0x4  # ROUND_XY_TO_GRID
            components.append(component)
        glyph.components = components
        glyph.numberOfContours = -1
        order.append(name)
        glyf.glyphs[name] = glyph
        glyph.recalcBounds(glyf)
        hmtx.metrics[name] = (hmtx.metrics[SARA_AA][0], glyph.xMin)  # lsb = xMin, as TrueType expects
        classes[name] = 1  # a base glyph: it carries its own advance
        return name

    # first glyph of the sequence → [(the following glyphs, the ligature)], longest first
    ligatures: dict[str, list[tuple[list[str], str]]] = {}
    for nikhahit in NIKHAHIT:
        narrow = ".narrow" if nikhahit.endswith(".narrow") else ""
        ligatures.setdefault(nikhahit, []).append(([SARA_AA], composite(f"uni0E33.am{narrow}", [nikhahit, SARA_AA])))
        for tone in TONES:
            joined = f"uni0E4D{tone}{narrow}"  # Sarabun's NIKHAHIT+tone ligature
            if joined in glyf.glyphs:
                ligatures.setdefault(joined, []).append(
                    ([SARA_AA], composite(f"uni0E33.am{tone[2:]}{narrow}", [joined, SARA_AA]))
                )
            for variant in (f"uni{tone}", f"uni{tone}.small", f"uni{tone}.narrow"):
                if variant in glyf.glyphs:  # the tone left apart from the NIKHAHIT
                    suffix = variant[len("uni0E48") :].replace(".", "-")
                    ligatures[nikhahit].append(
                        (
                            [variant, SARA_AA],
                            composite(f"uni0E33.am{tone[2:]}-apart{suffix}{narrow}", [nikhahit, variant, SARA_AA]),
                        )
                    )
    font.setGlyphOrder(order)
    glyf.glyphOrder = order

    subtable = ot.LigatureSubst()
    subtable.Format = 1
    subtable.ligatures = {}
    for first, items in ligatures.items():
        entries = []
        for rest, name in sorted(items, key=lambda item: -len(item[0])):
            ligature = ot.Ligature()
            ligature.Component, ligature.LigGlyph, ligature.CompCount = rest, name, len(rest) + 1
            entries.append(ligature)
        subtable.ligatures[first] = entries
    gsub = font["GSUB"].table
    lookup = ot.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable, lookup.SubTableCount = 4, 0, [subtable], 1
    gsub.LookupList.Lookup.append(lookup)
    index = len(gsub.LookupList.Lookup) - 1
    gsub.LookupList.LookupCount = index + 1
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":  # after Sarabun's own ccmp lookups (which make NIKHAHIT+tone)
            record.Feature.LookupListIndex.append(index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)

    # TH Sarabun New size: scale every glyph by declaring a larger em.
    font["head"].unitsPerEm = UNITS_PER_EM
    _rename(
        font,
        PDF_FAMILY,
        style,
        "Derived from Sarabun for Prongsai: one glyph per SARA AM, TH Sarabun New size (unitsPerEm 1520).",
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))


def build_digits_font(source: Path, target: Path) -> Path:
    """ProngsaiThaiDigits.ttf: space, hyphen and the digits, the ASCII digits drawn as Thai digits."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[0x20, 0x2D, *range(0x30, 0x3A), *range(0x0E50, 0x0E5A)])
    subsetter.subset(font)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for d in range(10):
                table.cmap[0x30 + d] = THAI_DIGITS[d]
    _rename(
        font,
        DIGITS_FAMILY,
        "Regular",
        "Derived from Sarabun for Prongsai: ASCII digits drawn as Thai digits, for page numbers in word processors.",
    )
    font.save(str(target))
    return target


def _rename(font: Any, family: str, style: str, description: str) -> None:
    full, postscript = f"{family} {style}", f"{family.replace(' ', '')}-{style}"
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 16):
            name.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            name.setName(full, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            name.setName(postscript, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            name.setName(f"{postscript};derived from Sarabun", 3, record.platformID, record.platEncID, record.langID)
    name.setName(description, 10, 3, 1, 0x409)
