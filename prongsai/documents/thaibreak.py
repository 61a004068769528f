"""Thai line breaking for the official documents: where a line may end, the same in the PDF and the DOCX.

Thai is written without spaces between words, so a renderer must guess where a line may break.  Pango
(libthai) and LibreOffice (its own dictionary) guess differently and both split compounds and names
(ตัวชี้|วัด, ประถม|ศึกษา, สพป.|สมุทรสาคร).  Here one segmenter decides for both renderers:

- **PyThaiNLP's newmm** (maximal matching over its bundled dictionary; offline, pure Python) splits the text
  into words;
- a **custom dictionary** keeps whole what newmm's dictionary would split: the official terms of the ITA and
  of government correspondence (``terms_th.txt``) and the names of one pack taken from its data (the agency's
  name and short name, the units, the people: see :meth:`Lexicon.from_names`);
- a few **patterns** keep abbreviations with what they abbreviate ("พ.ศ. ๒๕๖๓", "สพป.สมุทรสาคร", "ป.ป.ช.") and
  hyphenated Latin words ("Anti-Corruption") together.

:meth:`Lexicon.tokens` gives the words; a line may end only between two of them.  The PDF renderer forbids
every break inside a word (Pango ``allow_breaks`` attributes, ``pdf_thai``); the DOCX renderer writes the same
decision into the text with two invisible Unicode characters of UAX #14 (:meth:`Lexicon.for_docx`): WORD
JOINER (U+2060) between the letters of a word, ZERO WIDTH SPACE (U+200B) between two Thai words that touch.
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TERMS_FILE = HERE / "terms_th.txt"

WORD_JOINER = "\u2060"
ZWSP = "\u200b"
INVISIBLE = (WORD_JOINER, ZWSP)
#: Thai characters that never start a grapheme cluster (combining marks and SARA AM)
THAI_MARKS = frozenset(
    "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
#: the common titles of a person's name (kept with the given name: "นายพิศุทธิ์")
TITLES = ("นาย", "นางสาว", "นาง", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ดร.", "ผศ.", "รศ.", "ศ.")

_THAI = "\u0e01-\u0e4e"
_ABBREVIATION = rf"(?<![{_THAI}])(?:[\u0e01-\u0e2e][{_THAI}]{{0,3}}\.)+"
PATTERNS = re.compile(
    "|".join(
        (
            # an abbreviation and the number it qualifies: "พ.ศ. ๒๕๖๓", "ค.ศ. 2020", "มาตรา ๑๐.๒" is not one
            rf"{_ABBREVIATION}[ \u00a0]?[๐-๙0-9][๐-๙0-9.,/]*",
            # an abbreviation glued to a name or another abbreviation: "สพป.สมุทรสาคร", "ป.ป.ช.สพฐ.น้อย", "มิ.ย."
            rf"{_ABBREVIATION}[{_THAI}]*",
            # a district number: "เขต ๑", "เขต 2"
            r"เขต[ \u00a0][๐-๙0-9]+",
            # hyphenated Latin words: "Anti-Corruption", "e-Service"
            r"[A-Za-z]+(?:-[A-Za-z]+)+",
        )
    )
)


def is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b"


def strip_invisible(text: str) -> str:
    """The text without the line-breaking controls of :meth:`Lexicon.for_docx` (for search and tests)."""
    return text.replace(WORD_JOINER, "").replace(ZWSP, "")


@functools.lru_cache(maxsize=1)
def official_terms() -> frozenset[str]:
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


_trie_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _base_words() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def _trie() -> Any:
    """PyThaiNLP's dictionary plus the official terms, built once per process (about 0.03 s)."""
    with _trie_lock:
        return _cached_trie()


@functools.lru_cache(maxsize=1)
def _cached_trie() -> Any:
    return word_index(_base_words() | official_terms())


def word_index(words: Iterable[str]) -> Any:
    """A dictionary for newmm that answers as PyThaiNLP's ``Trie`` of the same words does, built in a tenth of
    the time.

    newmm asks its dictionary one question: which words start at this position of the text
    (``prefixes(text, start)``, shortest first).  PyThaiNLP's ``Trie`` answers by walking one node per letter,
    but building it means a Python object per letter of 62,000 words: 0.7 s of every process that lays out
    Thai, most of a document pack's start-up.  A set of the words and, for each two-letter start, the length of
    its longest word, gives the same answer (each candidate length looked up in the set) and builds in about
    0.03 s.  ``tests/unit/test_documents_thai.py`` checks that both give the same words and the same
    segmentation, so a PyThaiNLP that asked its dictionary anything else would fail there.
    """
    from pythainlp.util import Trie

    class WordIndex(Trie):
        def __init__(self, words: Iterable[str]) -> None:
            super().__init__(())
            # Trie.add strips each word; an empty word is never a prefix of anything
            self.words = frozenset(w for w in (word.strip() for word in words) if w)
            self._word_count = len(self.words)
            reach: dict[str, int] = {}
            for word in self.words:
                if len(word) > 1 and len(word) > reach.get(word[:2], 0):
                    reach[word[:2]] = len(word)
            self.reach = reach

        def add(self, word: str) -> None:
            raise TypeError("a word index is built whole (word_index)")

        remove = add

        def prefixes(self, text: str, start: int = 0) -> list[str]:
            words = self.words
            found = [text[start]] if text[start : start + 1] in words else []
            end = min(len(text), start + self.reach.get(text[start : start + 2], 0))
            for stop in range(start + 2, end + 1):
                if text[start:stop] in words:
                    found.append(text[start:stop])
            return found

        def __contains__(self, key: object) -> bool:
            return key in self.words

        def __iter__(self) -> Iterator[str]:
            return iter(self.words)

    return WordIndex(words)


@functools.lru_cache(maxsize=64)
def lexicon_of(words: tuple[str, ...] = ()) -> Lexicon:
    """The lexicon of a pack's words (shared: the five documents of a pack have the same words)."""
    return Lexicon(words)


def _newmm(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, custom_dict=_trie(), engine="newmm", keep_whitespace=True)


class Lexicon:
    """The custom dictionary of one pack: the official terms and the names from its data."""

    def __init__(self, words: Iterable[str] = ()):
        words = {w for w in (s.strip() for s in words) if len(w) > 1}
        self.words: frozenset[str] = frozenset(words)
        protected = sorted(official_terms() | self.words, key=len, reverse=True)
        # the longest term wins where two start at the same place ("ผู้ช่วยเลขานุการ" over "เลขานุการ")
        self._terms = re.compile("|".join(re.escape(w) for w in protected)) if protected else None
        self._cache: dict[str, tuple[str, ...]] = {}
        self._recent: collections.deque[str] = collections.deque(maxlen=8)
        self._spans: dict[str, list[tuple[int, int]]] = {}

    # ------------------------------------------------------------------ building one from the data

    @classmethod
    def from_names(
        cls,
        *,
        agency: str = "",
        short_name: str = "",
        units: Iterable[str] = (),
        people: Iterable[str] = (),
        other: Iterable[str] = (),
    ) -> Lexicon:
        """Words that must stay whole, from the names of the data.

        - a person: the title with the given name ("นายพิศุทธิ์") and the surname ("พงศ์ศรีนิธิศ"), each whole;
        - the agency's short name whole ("สพป.สมุทรสาคร"), and the place it names ("สมุทรสาคร"), also inside
          the full name;
        - in the agency's and the units' names, any stretch that the segmenter does not know (a place or a
          school that is not in its dictionary) is kept as one word with its neighbour.
        """
        words: set[str] = set()
        for name in people:
            words.update(part for part in name.split() if part not in TITLES)
        if short_name:
            words.add(short_name.strip())
            place = short_name.rsplit(".", 1)[-1].strip()
            if "." in short_name and len(place) > 1 and (not agency or place in agency):
                words.add(place)
        for name in (agency, *units, *other):
            words.update(_unknown_stretches(name))
        return cls(words)

    # -------------------------------------------------------------------------------- segmentation

    def tokens(self, text: str) -> tuple[str, ...]:
        """The words of ``text`` in order (spaces are tokens of their own); ``"".join`` gives ``text`` back."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        # WeasyPrint asks for each line's remaining text in turn: the words of a paragraph's tail are the tail of
        # its words (it starts where a line ended, between two words)
        for longer in reversed(self._recent):
            if len(longer) > len(text) and longer.endswith(text):
                words, offset, skip = self._cache.get(longer, ()), len(longer) - len(text), 0
                for n, word in enumerate(words):
                    if skip == offset:
                        result = words[n:]
                        self._cache[text] = result
                        return result
                    skip += len(word)
                    if skip > offset:
                        break
        spans = self.protected_spans(text)
        tokens: list[str] = []
        position = 0
        for start, end in spans:
            if start > position:
                tokens += _newmm(text[position:start])
            tokens.append(text[start:end])
            position = end
        if position < len(text):
            tokens += _newmm(text[position:])
        result = tuple(_merge_marks(tokens))
        if len(self._cache) > 20000:  # a pack has a few thousand texts; keep memory bounded in a batch
            self._cache.clear()
        self._cache[text] = result
        if len(text) > 80:
            self._recent.append(text)
        return result

    def protected_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of the terms, names and patterns found in ``text``, left to right, not overlapping."""
        found: list[tuple[int, int]] = [m.span() for m in PATTERNS.finditer(text)]
        if self._terms is not None and any(is_thai(ch) for ch in text):
            found += [m.span() for m in self._terms.finditer(text)]
        found.sort(key=lambda span: (span[0], -span[1]))
        spans: list[tuple[int, int]] = []
        for start, end in found:
            if spans and start < spans[-1][1]:
                if end > spans[-1][1]:  # overlapping matches become one unbreakable stretch
                    spans[-1] = (spans[-1][0], end)
                continue
            spans.append((start, end))
        return spans

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every word of two or more characters: no line may end inside one."""
        cached = self._spans.get(text)
        if cached is not None:
            return cached
        spans, position = [], 0
        for token in self.tokens(text):
            end = position + len(token)
            if len(token) > 1 and not token.isspace():
                spans.append((position, end))
            position = end
        if len(self._spans) > 20000:
            self._spans.clear()
        self._spans[text] = spans
        return spans

    def break_offsets(self, text: str) -> list[int]:
        """Offsets in ``text`` where a line may end: between two words (never at 0 or at the end)."""
        offsets, position = [], 0
        for token in self.tokens(text)[:-1]:
            position += len(token)
            offsets.append(position)
        return offsets

    # ------------------------------------------------------------------------------------------ DOCX

    def for_docx(self, text: str) -> str:
        """``text`` with WORD JOINER between the letters of each Thai word and ZERO WIDTH SPACE between two Thai
        words that touch, so that Word and LibreOffice break lines where the PDF may, and nowhere else."""
        if not any(is_thai(ch) for ch in text):
            return text
        out: list[str] = []
        previous = ""
        for token in self.tokens(text):
            if previous and is_thai(previous[-1]) and token and is_thai(token[0]):
                out.append(ZWSP)
            out.append(_join_letters(token))
            previous = token
        return "".join(out)


def _join_letters(token: str) -> str:
    if len(token) < 2 or not any(is_thai(ch) for ch in token):
        return token
    out = [token[0]]
    for previous, ch in itertools.pairwise(token):
        # a joiner between grapheme clusters only, never before a mark or SARA AM; a space stays a space
        if ch not in THAI_MARKS and not ch.isspace() and not previous.isspace():
            out.append(WORD_JOINER)
        out.append(ch)
    return "".join(out)


def _merge_marks(tokens: list[str]) -> list[str]:
    """A token that starts with a Thai mark belongs to the previous one (never a break before a mark)."""
    merged: list[str] = []
    for token in tokens:
        if merged and token and token[0] in THAI_MARKS:
            merged[-1] += token
        else:
            merged.append(token)
    return merged


def _known_words() -> frozenset[str]:
    return _trie().words


@functools.lru_cache(maxsize=4096)
def _unknown_stretches(name: str) -> tuple[str, ...]:
    """Stretches of a name the segmenter does not know, each with its known neighbour ("บาง" + "กระเจ้า")."""
    words = _known_words()
    result = []
    for chunk in name.split():
        tokens = _newmm(chunk)
        for i, token in enumerate(tokens):
            if token in words or not all(is_thai(ch) for ch in token) or len(token) < 2 and token in ".":
                continue
            start, end = max(0, i - 1), min(len(tokens), i + 2)
            result.append("".join(tokens[start:end]))
    return tuple(result)
