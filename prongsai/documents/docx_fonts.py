"""Fonts inside the DOCX: the font table names TH Sarabun New with its usual stand-ins, and carries the font.

An officer's machine may have TH Sarabun New, or only TH SarabunIT๙ / TH SarabunPSK (older government installs),
or none of them (LibreOffice on Linux).  Without the font a word processor substitutes another one, and a
substitute drawn larger turns a two-page memo into four.  So each template's ``word/fontTable.xml``:

- declares "TH Sarabun New" as a Thai font (charset DE, swiss, variable pitch) with the alternates Word looks
  for when it is missing: ``w:altName`` "TH SarabunIT๙,TH SarabunPSK" (a comma-separated list, ECMA-376
  §17.8.3.1);
- embeds our derived "Prongsai Sarabun" (Sarabun at TH Sarabun New size, OFL: embedding is allowed), cut to the
  characters of a Thai document (``subset``), as that entry's regular and bold faces, obfuscated as the format
  requires (``word/fonts/*.odttf``, ECMA-376 Part 1 §17.8.1; ``w:embedTrueTypeFonts`` in the settings).
  LibreOffice uses the embedded faces when the font is not installed (measured: the page counts then equal the
  PDF's); Word does the same for fonts it lacks;
- declares and embeds "Prongsai Thai Digits" for the page number (``fontbuild``: ASCII digits drawn as Thai
  digits), so that "- ๒ -" prints in Word and LibreOffice alike (LibreOffice 7 turns Word's ``\\* ThaiArabic``
  into Thai *letters*).

``embed_fonts(path)`` rewrites a saved DOCX package in place; ``build_templates`` calls it for every template.
"""

from __future__ import annotations

import functools
import io
import re
import uuid
import zipfile
from pathlib import Path

from prongsai.documents.fontbuild import digits_font_path, pdf_font_path

FONT = "TH Sarabun New"
ALTERNATES = "TH SarabunIT๙,TH SarabunPSK"
DIGITS_FONT = "Prongsai Thai Digits"
FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: fixed keys: the templates are rebuilt byte-for-byte the same (the key only hides the font from casual copying)
KEYS = {
    "regular": "{6C0D3C1E-5A5B-4E83-9E55-1B0B6F0A7C01}",
    "bold": "{6C0D3C1E-5A5B-4E83-9E55-1B0B6F0A7C02}",
    "digits": "{6C0D3C1E-5A5B-4E83-9E55-1B0B6F0A7C03}",
}
#: OS/2 code-page and Unicode ranges of a Thai + Latin font, as Word writes them for TH Sarabun New
SIGNATURE = (
    '<w:sig w:usb0="A100006F" w:usb1="5000205A" w:usb2="00000000" w:usb3="00000000" '
    'w:csb0="00010183" w:csb1="00000000"/>'
)


#: what an officer types in a Thai document: Latin, Latin-1, Thai, general punctuation, currency and math signs
SUBSET_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *range(0x0E00, 0x0E80),
    *range(0x2000, 0x2070),
    0x20AC,
    0x2122,
    0x2212,
    0x25CC,
]


@functools.lru_cache(maxsize=4)
def subset(path: Path) -> bytes:
    """The font cut to SUBSET_UNICODES with all its layout features (Sarabun also draws Vietnamese and more,
    which a Thai government document never needs): the DOCX templates stay small, and so do the packs."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=SUBSET_UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 font obfuscation: the first 32 bytes XOR the key's 16 bytes (GUID digits, reversed)."""
    digits = bytes.fromhex(str(uuid.UUID(key)).replace("-", ""))[::-1]
    head = bytes(b ^ digits[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def _entry(name: str, alternates: str, embeds: list[tuple[str, str, str]]) -> str:
    alt = f'<w:altName w:val="{alternates}"/>' if alternates else ""
    embedded = "".join(f'<w:{kind} r:id="{rid}" w:fontKey="{key}"/>' for kind, rid, key in embeds)
    return (
        f'<w:font w:name="{name}">{alt}<w:panose1 w:val="020B0500040200020003"/><w:charset w:val="DE"/>'
        f'<w:family w:val="swiss"/><w:pitch w:val="variable"/>{SIGNATURE}{embedded}</w:font>'
    )


def embed_fonts(path: Path) -> Path:
    """Rewrite the DOCX at ``path``: font table entries, embedded faces, settings flag, content type."""
    with zipfile.ZipFile(path) as package:
        parts = {info: package.read(info) for info in package.infolist()}
    by_name = {info.filename: info for info in parts}

    def text(name: str) -> str:
        return parts[by_name[name]].decode("utf-8")

    def put(name: str, data: bytes | str) -> None:
        data = data.encode("utf-8") if isinstance(data, str) else data
        info = by_name.get(name) or zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        by_name[name] = info
        parts[info] = data

    fonts = [
        ("regular", "font1.odttf", pdf_font_path("Regular")),
        ("bold", "font2.odttf", pdf_font_path("Bold")),
        ("digits", "font3.odttf", digits_font_path()),
    ]
    rels = "".join(
        f'<Relationship Id="rIdFont{n}" Type="{FONT_REL}" Target="fonts/{file}"/>'
        for n, (_, file, _) in enumerate(fonts, start=1)
    )
    put(
        "word/_rels/fontTable.xml.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
    )
    for kind, file, source in fonts:
        data = source.read_bytes() if kind == "digits" else subset(source)
        put(f"word/fonts/{file}", obfuscate(data, KEYS[kind]))

    table = text("word/fontTable.xml")
    table = re.sub(r'<w:font w:name="(?:TH Sarabun New|Prongsai Thai Digits)">.*?</w:font>', "", table, flags=re.DOTALL)
    if f'xmlns:r="{R_NS}"' not in table:
        table = table.replace("<w:fonts ", f'<w:fonts xmlns:r="{R_NS}" ', 1)
    entries = _entry(
        FONT, ALTERNATES, [("embedRegular", "rIdFont1", KEYS["regular"]), ("embedBold", "rIdFont2", KEYS["bold"])]
    ) + _entry(DIGITS_FONT, "", [("embedRegular", "rIdFont3", KEYS["digits"])])
    put("word/fontTable.xml", table.replace("</w:fonts>", entries + "</w:fonts>"))

    settings = text("word/settings.xml")
    if "<w:embedTrueTypeFonts" not in settings:
        # in its place in the schema's sequence (Word refuses elements out of order): after w:zoom and the few
        # elements that precede it, before everything else
        before = (
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "removeDateAndTime",
            "doNotDisplayPageBoundaries",
            "displayBackgroundShape",
            "printPostScriptOverText",
            "printFractionalCharacterWidth",
            "printFormsData",
        )
        last = max(
            (
                m.end()
                for name in before
                for m in re.finditer(rf"<w:{name}\b[^>]*/>|<w:{name}\b.*?</w:{name}>", settings, re.DOTALL)
            ),
            default=None,
        )
        if last is None:
            opening = re.search(r"<w:settings\b[^>]*>", settings)
            assert opening is not None, "word/settings.xml without its <w:settings> element"
            last = opening.end()
        settings = settings[:last] + "<w:embedTrueTypeFonts/>" + settings[last:]
    put("word/settings.xml", settings)

    types = text("[Content_Types].xml")
    if 'Extension="odttf"' not in types:
        types = types.replace("<Default ", f'<Default Extension="odttf" ContentType="{OBFUSCATED}"/><Default ', 1)
    put("[Content_Types].xml", types)

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for info, data in parts.items():
            package.writestr(info, data)
    return path
