"""Configuration from the environment: the one module that reads it, through typed helpers.

Every setting of Prongsai is an environment variable read here or, through these helpers, in
``prongsai/web/settings.py``; the rest of the code reads ``django.conf.settings`` (web) or the functions at the
end of this module (the pure core, which has no Django).  Each variable is documented once, with its default, in
docs/configuration.md.

The helpers are strict on purpose: a value they do not understand stops the program with a message naming the
variable, instead of silently meaning the default (``PRONGSAI_DEBUG=true`` is on, ``PRONGSAI_DEBUG=treu`` is an
error, never "off").  An empty value counts as unset, as Docker and systemd environment files write them.

    env_bool("PRONGSAI_DEBUG", False)               1/0, true/false, yes/no, on/off (any case)
    env_int("PRONGSAI_HSTS_SECONDS", 31536000, minimum=0)
    env_float("PRONGSAI_LINKCHECK_TIMEOUT", 15.0, minimum=1)
    env_str("PRONGSAI_BASE_URL", "http://127.0.0.1:8000")
    env_path("PRONGSAI_DATA", default_path)         ~ expanded, made absolute
    env_list("ALLOWED_HOSTS", ["*"])                comma-separated, blanks dropped
    env_choice("PRONGSAI_CACHE", ("database", "memory"), "memory")
    env_secret("SECRET_KEY")                        or SECRET_KEY_FILE=/run/secrets/… (container secrets)

Nothing here writes to disk, except ``prepare_data_dir``, which the commands call explicitly before Django starts.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T", bound=str)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})

#: every variable read through a helper in this process: name → (kind, default shown in the docs)
READ: dict[str, tuple[str, str]] = {}


class ConfigError(ValueError):
    """A variable holds a value that cannot be understood; the message names the variable and what it accepts."""


def _raw(name: str, kind: str, default: object) -> str | None:
    READ[name] = (kind, "" if default is None else str(default))
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name, "bool", default)
    if raw is None:
        return default
    word = raw.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off")


def _bounded(name: str, raw: str, value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={raw!r} is above the maximum {maximum}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = _raw(name, "int", default)
    if raw is None:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    _bounded(name, raw, value, minimum, maximum)
    return value


def env_float(name: str, default: float, *, minimum: float | None = None, maximum: float | None = None) -> float:
    raw = _raw(name, "float", default)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"{name}={raw!r} is not a finite number")
    _bounded(name, raw, value, minimum, maximum)
    return value


def env_str(name: str, default: str) -> str:
    raw = _raw(name, "str", default)
    return default if raw is None else raw


def env_path(name: str, default: Path | None) -> Path | None:
    """A file or folder: ``~`` expanded and made absolute (relative to the working directory)."""
    raw = _raw(name, "path", default)
    if raw is None:
        return default
    if "\x00" in raw:
        raise ConfigError(f"{name} contains a NUL character")
    return Path(raw).expanduser().absolute()


def env_paths(name: str) -> list[Path]:
    """Several folders separated by the system's path separator (``:`` on Linux), like PATH."""
    raw = _raw(name, "paths", "")
    if raw is None:
        return []
    return [Path(p).expanduser().absolute() for p in raw.split(os.pathsep) if p.strip()]


def env_list(name: str, default: Sequence[str] = ()) -> list[str]:
    """Comma-separated words; surrounding blanks and empty items are dropped."""
    raw = _raw(name, "list", ",".join(default))
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: Sequence[T], default: T) -> T:
    raw = _raw(name, "choice", default)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ConfigError(f"{name}={raw!r} is not one of: {', '.join(choices)}")


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from ``NAME``, or from the file named by ``NAME_FILE`` (Docker/Kubernetes secrets).

    Setting both is refused (which one would win is a guess); the file's trailing newline is dropped.
    """
    raw = _raw(name, "secret", default)
    file_name = f"{name}_FILE"
    path = _raw(file_name, "path", None)
    if raw is not None and path is not None:
        raise ConfigError(f"{name} and {file_name} are both set: keep one")
    if path is None:
        return default if raw is None else raw
    try:
        value = Path(path).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ConfigError(f"{file_name}={path!r}: cannot read the file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file_name}={path!r}: the file is not UTF-8 text") from None
    if not value.strip():
        raise ConfigError(f"{file_name}={path!r}: the file is empty")
    return value


# ------------------------------------------------------------------------------ the data folder and its key

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "production", "test")
SECRET_KEY_FILE = "secret_key"


def environment() -> str:
    return env_choice("PRONGSAI_ENV", ENVIRONMENTS, "development")


def data_dir() -> Path:
    """The data folder (database, uploads, documents): $PRONGSAI_DATA, default ~/.local/share/prongsai."""
    default = Path.home() / ".local" / "share" / "prongsai"
    path = env_path("PRONGSAI_DATA", default)
    assert path is not None
    return path


def development_secret_key(folder: Path) -> str | None:
    """The key that ``prepare_data_dir`` generated in a development data folder, if it did."""
    try:
        return (folder / SECRET_KEY_FILE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def prepare_data_dir() -> Path:
    """Create the data folder and, outside production, a secret key kept in it (readable by its owner only).

    Run explicitly by every ``prongsai`` command, ``manage.py`` and the WSGI module before Django reads its
    settings, so that importing the settings writes nothing.  Production never generates a key: SECRET_KEY (or
    SECRET_KEY_FILE) must be given, and the settings refuse to start without it.
    """
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").mkdir(exist_ok=True)  # STATIC_ROOT: WhiteNoise warns at every start when it is missing
    if environment() != "production" and env_secret("SECRET_KEY") is None:
        key = folder / SECRET_KEY_FILE
        if not key.exists():
            # written aside, then linked into place: two processes starting at once never see a half-written
            # file, and the second one's link fails, so both use the first key
            spare = folder / f".{SECRET_KEY_FILE}.{os.getpid()}"
            fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets.token_urlsafe(50))
            try:
                os.link(spare, key)
            except FileExistsError:
                pass
            finally:
                spare.unlink()
    return folder


# ----------------------------------------------------------------- variables of the pure core (no Django)


def framework_dirs() -> list[Path]:
    """Extra folders of framework editions (YAML) besides the bundled ones: $PRONGSAI_FRAMEWORKS."""
    return env_paths("PRONGSAI_FRAMEWORKS")


def garuda_emblem() -> Path | None:
    """The official Garuda emblem PNG printed on documents: $PRONGSAI_GARUDA (a labelled stand-in otherwise)."""
    return env_path("PRONGSAI_GARUDA", None)


def extract_limits() -> tuple[int, float]:
    """Memory (bytes) and wall-clock time (seconds) of the child process that reads the text of an evidence file:
    $PRONGSAI_EXTRACT_MEMORY_MB (default 512) and $PRONGSAI_EXTRACT_TIMEOUT (default 30); docs/untrusted-input.md."""
    memory_mb = env_int("PRONGSAI_EXTRACT_MEMORY_MB", 512, minimum=64, maximum=64 * 1024)
    timeout = env_float("PRONGSAI_EXTRACT_TIMEOUT", 30.0, minimum=1, maximum=3600)
    return memory_mb * 1024 * 1024, timeout
