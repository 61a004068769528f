"""Framework editions: the one loader of a year's ITA instrument (its data model is ``framework_model``).

Every fact about an edition (tools and weights, indicators, questions and their answer scales, OIT items and how
they score, level bands, sampling rules, agency-type variants, the rounding and option-score parameters) comes
from data: a YAML file under ``prongsai/frameworks/`` (the built-in editions), a directory named in
``PRONGSAI_FRAMEWORKS``, or an edition a central admin uploaded into the platform's database (registered here as
an ``EditionProvider`` by the web application; the core never imports Django).  This module turns such a text
into ``framework_model``'s frozen dataclasses (through the validator, ``framework_schema``) and refuses one that
is wrong, naming the path inside it and the problem in English and Thai, so that whoever edits an edition learns
exactly what to fix.  See ``docs/frameworks.md``.

Keys: a built-in edition is named by its id (``ita-2569``); a stored edition version by ``id@version``
(``ita-2570@2``): versions are immutable, so a key always means the same content.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from prongsai import config  # the one reader of the environment (docs/configuration.md)
from prongsai.core.framework_model import (
    AGENCY_TYPES,
    AGENCY_TYPES_EN,
    AGENCY_TYPES_TH,
    AGGREGATIONS,
    CONFIDENCE,
    CONFIDENCE_EN,
    CONFIDENCE_TH,
    DATA_WINDOWS,
    LEGACY_CONFIDENCE,
    OPTION_SCORES,
    ROUNDING,
    SAMPLING_METHODS,
    SCORING_METHODS,
    AgencyGroupMinimum,
    AnswerField,
    Band,
    Element,
    Framework,
    FrameworkError,
    Indicator,
    Level,
    OITItem,
    Option,
    Question,
    RespondentGroup,
    SamplingRule,
    Scale,
    SubIndicator,
    Tool,
    Variant,
    split_key,
)
from prongsai.core.variants import variant_data

#: the model's names are re-exported: the rest of the code imports an edition's parts from here
__all__ = [
    "AGENCY_TYPES",
    "AGENCY_TYPES_EN",
    "AGENCY_TYPES_TH",
    "AGGREGATIONS",
    "AgencyGroupMinimum",
    "AnswerField",
    "BUNDLED_DIR",
    "Band",
    "CONFIDENCE",
    "CONFIDENCE_EN",
    "CONFIDENCE_TH",
    "DATA_WINDOWS",
    "EditionProvider",
    "Element",
    "Framework",
    "FrameworkError",
    "Indicator",
    "LEGACY_CONFIDENCE",
    "Level",
    "OITItem",
    "OPTION_SCORES",
    "Option",
    "Question",
    "ROUNDING",
    "RespondentGroup",
    "SAMPLING_METHODS",
    "SCORING_METHODS",
    "SamplingRule",
    "Scale",
    "StoredEdition",
    "SubIndicator",
    "Tool",
    "Variant",
    "available_frameworks",
    "clear_cache",
    "file_frameworks",
    "framework_dirs",
    "framework_for_year",
    "framework_path",
    "load_all",
    "load_framework",
    "load_framework_data",
    "load_framework_file",
    "load_framework_text",
    "parse_yaml",
    "register_provider",
    "split_key",
    "text_sha256",
    "unregister_provider",
    "with_variant",
    "apply_variant",
]

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "frameworks"

# --------------------------------------------------------------------------------------------------- loading

_LOCK = threading.RLock()


@dataclass(frozen=True)
class StoredEdition:
    key: str  # id@version
    text: str  # the YAML text
    sha256: str
    status: str  # draft | active | superseded | retired


class EditionProvider(Protocol):
    """Where stored (uploaded) editions come from; the web application registers one backed by its database."""

    def fetch(self, key: str) -> StoredEdition | None: ...

    def listed(self) -> list[str]: ...  # keys offered for use (active and superseded), newest first

    def defaults(self, year_be: int) -> list[str]: ...  # active keys whose default_for_years holds the year


_providers: list[EditionProvider] = []
_stored_cache: dict[tuple[str, str], Framework] = {}


def register_provider(provider: EditionProvider) -> None:
    with _LOCK:
        if provider not in _providers:
            _providers.append(provider)


def unregister_provider(provider: EditionProvider) -> None:
    with _LOCK:
        if provider in _providers:
            _providers.remove(provider)


def framework_dirs() -> list[Path]:
    """Bundled editions, then any extra directories named in PRONGSAI_FRAMEWORKS (os.pathsep-separated)."""
    return [BUNDLED_DIR, *config.framework_dirs()]


def file_frameworks() -> list[str]:
    """Ids of the editions kept as files (built in, or in PRONGSAI_FRAMEWORKS)."""
    return sorted({p.stem for d in framework_dirs() if d.is_dir() for p in d.glob("*.yaml")})


def available_frameworks() -> list[str]:
    """File editions, then stored editions offered for use (when the platform registered its database)."""
    keys = file_frameworks()
    for provider in list(_providers):
        keys += [k for k in provider.listed() if k not in keys]
    return keys


def framework_path(framework_id: str) -> Path:
    for directory in reversed(framework_dirs()):  # a local directory may override a bundled edition
        candidate = directory / f"{framework_id}.yaml"
        if candidate.is_file():
            return candidate
    known = ", ".join(available_frameworks())
    raise FrameworkError(
        f"{framework_id}.yaml",
        [("", f"unknown framework '{framework_id}' (known: {known})")],
        [("", f"ไม่รู้จักกรอบการประเมิน '{framework_id}' (ที่มี: {known})")],
    )


def load_framework(framework_id: str) -> Framework:
    """Load and validate one edition by key (cached; editions are immutable once loaded)."""
    if "@" in framework_id:
        return _load_stored(framework_id)
    return _load_file_edition(framework_id)


#: libyaml's safe loader when PyYAML was built with it (about 9× faster: 8 ms instead of 70 ms an edition, which
#: every command that loads an edition pays at start-up), else the pure-Python one; both accept the same files.
#: Every YAML the platform reads (editions, uploads, calendars) goes through it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _load_file_edition(framework_id: str) -> Framework:
    return load_framework_file(framework_path(framework_id))


def _load_stored(key: str) -> Framework:
    for provider in list(_providers):
        stored = provider.fetch(key)
        if stored is None:
            continue
        with _LOCK:
            cached = _stored_cache.get((key, stored.sha256))
        if cached is not None:
            return cached
        base, _version = split_key(key)
        framework = load_framework_text(stored.text, name=f"{key}.yaml", expected_id=base, key=key)
        with _LOCK:
            _stored_cache[(key, stored.sha256)] = framework
        return framework
    known = ", ".join(available_frameworks())
    raise FrameworkError(
        f"{key}",
        [("", f"unknown framework '{key}' (known: {known})")],
        [("", f"ไม่รู้จักกรอบการประเมิน '{key}' (ที่มี: {known})")],
    )


def clear_cache() -> None:
    """Forget every loaded edition (after a file changed on disk, or in tests)."""
    _load_file_edition.cache_clear()
    with _LOCK:
        _stored_cache.clear()


def load_all() -> list[Framework]:
    return [load_framework(i) for i in available_frameworks()]


def framework_for_year(year_be: int) -> Framework | None:
    """The edition that `prongsai score` uses for a fiscal year when none is named: the newest activated stored
    edition that declares the year its default, else the file edition that does."""
    for provider in list(_providers):
        for key in provider.defaults(year_be):
            return load_framework(key)
    for fid in file_frameworks():
        framework = load_framework(fid)
        if year_be in framework.default_for_years:
            return framework
    return None


def load_framework_file(path: Path | str) -> Framework:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise FrameworkError(path.name, [("", "not UTF-8 text")], [("", "ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8")]) from None
    return load_framework_text(text, name=path.name, expected_id=path.stem, path=str(path))


def parse_yaml(text: str, name: str) -> Any:
    """The raw data of an edition's YAML text, or a ``FrameworkError`` naming the line."""
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader (libyaml when available)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where_th = f"บรรทัดที่ {mark.line + 1} คอลัมน์ที่ {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise FrameworkError(
            name, [(where, f"not valid YAML: {problem}")], [(where_th, f"รูปแบบ YAML ไม่ถูกต้อง: {problem}")]
        ) from None


def load_framework_text(
    text: str, name: str = "edition.yaml", expected_id: str | None = None, path: str = "", key: str | None = None
) -> Framework:
    return load_framework_data(parse_yaml(text, name), name=name, expected_id=expected_id, path=path, key=key)


def load_framework_data(
    raw: Any, name: str = "edition.yaml", expected_id: str | None = None, path: str = "", key: str | None = None
) -> Framework:
    """Validate raw edition data (as parsed from YAML or read from a workbook) and build the edition."""
    from prongsai.core.framework_schema import Reader  # the validator lives beside, to keep this file readable

    reader = Reader(name)
    framework = reader.framework(raw, expected_id=expected_id, path=path, key=key)
    if reader.problems or framework is None:
        raise FrameworkError(name, reader.problems, reader.problems_th)
    return framework


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------------- variants


def apply_variant(framework: Framework, code: str) -> Framework:
    data = variant_data(framework.raw, code)
    applied = load_framework_data(
        data,
        name=f"{framework.id} ({code})",
        expected_id=None,
        path=framework.path,
        key=framework.id if framework.version is not None else None,
    )
    # the applied edition keeps the variant list (so a page can name the variant) and says which one it is
    object.__setattr__(applied, "variants", framework.variants)
    object.__setattr__(applied, "variant", code)
    object.__setattr__(applied, "raw", framework.raw)
    object.__setattr__(applied, "edition_id", framework.edition_id)
    object.__setattr__(applied, "version", framework.version)
    object.__setattr__(applied, "id", framework.id)
    return applied


def with_variant(framework: Framework, code: str | None) -> Framework:
    """The edition as agencies of one variant see it (itself for ``None``/empty); cached per edition object."""
    if not code or code == framework.variant:
        return framework
    if framework.variant:
        raise FrameworkError(
            framework.id,
            [("", f"variant '{framework.variant}' is already applied")],
            [("", f"กรอบนี้ใช้รูปแบบย่อย '{framework.variant}' อยู่แล้ว")],
        )
    if code not in framework.variants:
        known = ", ".join(framework.variants) or "none"
        raise FrameworkError(
            framework.id,
            [("", f"unknown variant '{code}' (known: {known})")],
            [("", f"ไม่มีรูปแบบย่อย '{code}' ในกรอบนี้ (ที่มี: {known})")],
        )
    with _LOCK:
        cached = framework._variant_cache.get(code)
        if cached is None:
            cached = apply_variant(framework, code)
            framework._variant_cache[code] = cached
    return cached
