"""Respondent codes: generation, normalisation of what people type, display grouping and the keyed hash.

A code is 10 characters from a 24-character alphabet without look-alikes (none of 0/O/Q, 1/I/L, 2/Z, 5/S,
8/B): 24¹⁰ ≈ 2⁴⁵·⁹, so about 46 bits of entropy from ``secrets``.  It is shown grouped as
``ABCD-EFGH-JK``; what a person types is upper-cased, stripped of spaces and dashes, and keys typed with the
Thai (Kedmanee) keyboard layout still on are mapped back to the Latin letters on the same keys.

Only ``digest(code)`` is stored: HMAC-SHA256 keyed with a key derived from ``SECRET_KEY``.  Rotating the
SECRET_KEY therefore invalidates every code not yet used (docs/surveys.md).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets

from django.conf import settings

ALPHABET = "ACDEFGHJKMNPRTUVWXY34679"
LENGTH = 10
ENTROPY_BITS = LENGTH * math.log2(len(ALPHABET))
TOKEN_LENGTH = 16  # open links: public, but still unguessable (≈ 74 bits)

#: unshifted Kedmanee keys → the Latin character on the same key (only those in the alphabet)
_THAI_KEYS = {  # thai-data: keyboard input mapping (a code typed with the Thai layout on)
    "ฟ": "A",
    "แ": "C",
    "ก": "D",
    "ำ": "E",
    "ด": "F",
    "เ": "G",
    "้": "H",
    "่": "J",
    "า": "K",
    "ท": "M",
    "ื": "N",
    "ย": "P",
    "พ": "R",
    "ะ": "T",
    "ี": "U",
    "อ": "V",
    "ไ": "W",
    "ป": "X",
    "ั": "Y",
    "ภ": "4",
    "ุ": "6",
    "ึ": "7",
    "ต": "9",
}
_KEEP = set(ALPHABET)


def generate(length: int = LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(text: str) -> str:
    """What a person typed → the canonical code (may be invalid; check with ``is_well_formed``)."""
    out = []
    for char in text.strip():
        char = _THAI_KEYS.get(char, char).upper()
        if char in " -–—_.\t\u200b":
            continue
        out.append(char)
    return "".join(out)[:64]


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(c in _KEEP for c in code)


def grouped(code: str) -> str:
    """``ABCDEFGHJK`` → ``ABCD-EFGH-JK`` (how codes are printed and shown)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def key(purpose: bytes = b"code") -> bytes:
    """A key for one purpose (codes, open-link nonces, rate-limit counters), derived from the SECRET_KEY."""
    return hashlib.sha256(b"prongsai.surveys." + purpose + b"\x00" + settings.SECRET_KEY.encode()).digest()


def digest(code: str) -> str:
    return hmac.new(key(), code.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def short_link(code: str) -> str:
    """The printed link: ``BASE_URL/s/CODE`` (the top-level short route)."""
    return f"{settings.BASE_URL}/s/{code}"


def open_link(token: str) -> str:
    """The printed open EIT link of an agency: ``BASE_URL/surveys/open/TOKEN/``."""
    from django.urls import reverse

    return settings.BASE_URL + reverse("survey_open", kwargs={"token": token})
