"""The sign-off table of a document version (prongsai/documents/signoff.py): who may make which move from where,
and what the signed PDF prints.  Pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from prongsai.core.lifecycle import TransitionRefused
from prongsai.documents import emblem_image
from prongsai.documents.signoff import APPROVED, CENTRAL, DIRECTOR, DRAFT, OFFICER, PROPOSED, SIGNOFF, Stamp, missing_th


def names(state: str, role: str) -> list[str]:
    return [m.name for m in SIGNOFF.moves_from(state, role)]


def test_the_officer_proposes_and_withdraws_but_never_approves():
    assert names(DRAFT, OFFICER) == ["propose"]
    assert names(PROPOSED, OFFICER) == ["withdraw"]
    assert names(APPROVED, OFFICER) == []
    with pytest.raises(TransitionRefused) as refused:
        SIGNOFF.check(PROPOSED, "approve", OFFICER)
    assert refused.value.role == OFFICER


def test_only_the_director_approves_or_sends_back_and_only_what_was_proposed():
    assert names(PROPOSED, DIRECTOR) == ["send_back", "approve"]
    assert names(DRAFT, DIRECTOR) == []
    with pytest.raises(TransitionRefused):
        SIGNOFF.check(DRAFT, "approve", DIRECTOR)
    assert not SIGNOFF.allows(PROPOSED, "approve", CENTRAL)


def test_approval_asks_for_confirmation_and_an_approved_version_has_no_way_out():
    assert SIGNOFF.find(PROPOSED, "approve").confirm is True
    assert SIGNOFF.find(DRAFT, "propose").confirm is False
    assert SIGNOFF.moves_from(APPROVED) == ()
    assert SIGNOFF.reachable(DRAFT) == {DRAFT, PROPOSED, APPROVED}
    assert SIGNOFF.reachable(APPROVED) == {APPROVED}


def test_the_stamp_prints_the_name_and_the_buddhist_era_date_in_thai_digits():
    stamp = Stamp(name="นายพิศุทธิ์ พงศ์ศรีนิธิศ", position="ผู้อำนวยการ", approved_on=date(2020, 6, 25))
    assert stamp.mark == "อนุมัติโดย นายพิศุทธิ์ พงศ์ศรีนิธิศ"
    assert stamp.date_line == "อนุมัติเมื่อ ๒๕ มิถุนายน ๒๕๖๓"


def test_the_missing_message_names_each_document_in_thai():
    text = missing_th(["บันทึกข้อความขออนุมัติ", "รายงานผลการดำเนินการตามมาตรการ (O43)"])
    assert "ยังไม่ได้รับอนุมัติ" in text and "บันทึกข้อความขออนุมัติ, รายงานผลการดำเนินการตามมาตรการ (O43)" in text


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` × ``height`` and holds almost nothing: the shape of a decompression bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _gif() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (200, 200)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    "data, name, code, english",
    [
        (_png_header(40_000, 40_000), "garuda.png", "image_dimensions", "at most 6000 pixels a side"),
        # 25 M pixels: each side fits, the area not, and the reason says so
        (_png_header(5_000, 5_000), "garuda.png", "image_dimensions", "5000 × 5000 pixels, too large (at most 6000"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "garuda.png", "not_image", "not a PNG or JPEG image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "garuda.svg", "svg", "SVG is"),
        (_gif(), "garuda.jpg", "image_format", "GIF images are not accepted"),  # a GIF named .jpg
        (_png_header(300, 1), "garuda.png", "image_small", "only 1 pixel high"),
    ],
)
def test_hostile_images_are_refused_before_decoding_with_a_reason_in_both_languages(data, name, code, english):
    from prongsai.core.safefiles import FileTooComplex

    with pytest.raises(FileTooComplex) as refused:
        emblem_image.check_and_reencode(data, name)
    assert refused.value.code == code
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in refused.value.th)
    assert english in refused.value.en and refused.value.en.endswith(".")
    if code == "image_dimensions":  # both limits named, whichever was passed
        assert "24 million pixels in all" in refused.value.en and "24 ล้านพิกเซล" in refused.value.th


def test_a_phones_multi_picture_jpeg_is_taken_as_its_first_picture():
    import io

    from PIL import Image

    source = io.BytesIO()
    first, second = Image.new("RGB", (200, 300), (200, 30, 30)), Image.new("RGB", (200, 300), (0, 0, 255))
    first.save(source, "MPO", save_all=True, append_images=[second])
    checked = emblem_image.check_and_reencode(source.getvalue(), "IMG_0001.jpg")
    assert (checked.width, checked.height, checked.source_format) == (200, 300, "MPO")
    with Image.open(io.BytesIO(checked.png)) as again:
        assert again.format == "PNG" and getattr(again, "n_frames", 1) == 1
        red, green, blue, alpha = again.getpixel((100, 150))
        assert red > 180 and blue < 60 and alpha == 255  # the first picture, not the second


def test_a_good_image_is_re_encoded_as_a_fresh_png_without_its_metadata():
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    source = io.BytesIO()
    Image.new("RGB", (300, 360), (200, 30, 30)).save(source, "PNG", pnginfo=info)
    checked = emblem_image.check_and_reencode(source.getvalue(), "garuda.png")
    assert (checked.width, checked.height, checked.source_format) == (300, 360, "PNG")
    assert b"alert" not in checked.png
    with Image.open(io.BytesIO(checked.png)) as again:
        assert again.format == "PNG" and again.mode == "RGBA" and again.getpixel((10, 10)) == (200, 30, 30, 255)


def test_a_tall_thin_strip_is_scaled_down_without_a_zero_width():
    """1×6000 passes the dimension limits; scaled to the stored height it must keep a width of 1, not crash."""
    import io

    from PIL import Image

    source = io.BytesIO()
    Image.new("RGB", (1, 6000), (0, 0, 0)).save(source, "PNG")
    checked = emblem_image.check_and_reencode(source.getvalue(), "strip.png")
    assert (checked.width, checked.height) == (1, emblem_image.STORED_HEIGHT)
