"""The typed environment helpers of prongsai.config: each understands its values and refuses anything else with a
message naming the variable (never a silent default)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prongsai import config
from prongsai.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_path,
    env_paths,
    env_secret,
    env_str,
)


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", "on", " on "])
def test_bool_understands_every_spelling_of_yes(monkeypatch, raw):
    monkeypatch.setenv("PRONGSAI_T", raw)
    assert env_bool("PRONGSAI_T", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF"])
def test_bool_understands_every_spelling_of_no(monkeypatch, raw):
    monkeypatch.setenv("PRONGSAI_T", raw)
    assert env_bool("PRONGSAI_T", True) is False


@pytest.mark.parametrize("raw", ["treu", "2", "enabled", "y e s", "-1"])
def test_bool_refuses_what_it_does_not_understand(monkeypatch, raw):
    monkeypatch.setenv("PRONGSAI_DEBUG", raw)
    with pytest.raises(ConfigError) as error:
        env_bool("PRONGSAI_DEBUG", False)
    assert "PRONGSAI_DEBUG" in str(error.value) and repr(raw.strip()) in str(error.value)


def test_unset_and_empty_mean_the_default(monkeypatch):
    monkeypatch.delenv("PRONGSAI_T", raising=False)
    assert env_bool("PRONGSAI_T", True) is True
    monkeypatch.setenv("PRONGSAI_T", "   ")  # `PRONGSAI_T=` in an env file
    assert env_bool("PRONGSAI_T", True) is True and env_int("PRONGSAI_T", 7) == 7 and env_str("PRONGSAI_T", "d") == "d"


def test_int_parses_and_enforces_its_bounds(monkeypatch):
    monkeypatch.setenv("PRONGSAI_N", "31_536_000")
    assert env_int("PRONGSAI_N", 0) == 31536000
    monkeypatch.setenv("PRONGSAI_N", "12.5")
    with pytest.raises(ConfigError, match="PRONGSAI_N='12.5' is not a whole number"):
        env_int("PRONGSAI_N", 0)
    monkeypatch.setenv("PRONGSAI_N", "0")
    with pytest.raises(ConfigError, match="below the minimum 1"):
        env_int("PRONGSAI_N", 5, minimum=1)
    monkeypatch.setenv("PRONGSAI_N", "99")
    with pytest.raises(ConfigError, match="above the maximum 10"):
        env_int("PRONGSAI_N", 5, maximum=10)


def test_float_refuses_words_and_infinity(monkeypatch):
    monkeypatch.setenv("PRONGSAI_F", "2.5")
    assert env_float("PRONGSAI_F", 1.0) == 2.5
    for raw in ("fast", "inf", "nan"):
        monkeypatch.setenv("PRONGSAI_F", raw)
        with pytest.raises(ConfigError, match="PRONGSAI_F"):
            env_float("PRONGSAI_F", 1.0)


def test_choice_is_case_insensitive_and_lists_the_choices(monkeypatch):
    monkeypatch.setenv("PRONGSAI_ENV", "Production")
    assert env_choice("PRONGSAI_ENV", config.ENVIRONMENTS, "development") == "production"
    monkeypatch.setenv("PRONGSAI_ENV", "prod")
    with pytest.raises(ConfigError, match="PRONGSAI_ENV='prod' is not one of: development, production, test"):
        config.environment()


def test_list_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " ita.example.go.th, ,www.ita.example.go.th ,")
    assert env_list("ALLOWED_HOSTS") == ["ita.example.go.th", "www.ita.example.go.th"]
    monkeypatch.delenv("ALLOWED_HOSTS")
    assert env_list("ALLOWED_HOSTS", ["*"]) == ["*"]


def test_paths_are_expanded_and_absolute(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PRONGSAI_P", "~/data")
    assert env_path("PRONGSAI_P", None) == tmp_path / "data"
    monkeypatch.setenv("PRONGSAI_PS", f"{tmp_path / 'a'}{os.pathsep}{os.pathsep}{tmp_path / 'b'}")
    assert env_paths("PRONGSAI_PS") == [tmp_path / "a", tmp_path / "b"]


def test_secret_from_a_file_for_container_secrets(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret-value\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_secret("SECRET_KEY") == "s3cret-value"  # the file's newline is not part of the key
    monkeypatch.setenv("SECRET_KEY", "other")
    with pytest.raises(ConfigError, match="SECRET_KEY and SECRET_KEY_FILE are both set"):
        env_secret("SECRET_KEY")
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="SECRET_KEY_FILE=.*cannot read the file"):
        env_secret("SECRET_KEY")
    (tmp_path / "empty").write_text("\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "empty"))
    with pytest.raises(ConfigError, match="the file is empty"):
        env_secret("SECRET_KEY")


def test_prepare_data_dir_makes_one_private_key_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PRONGSAI_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    monkeypatch.setenv("PRONGSAI_ENV", "development")
    folder = config.prepare_data_dir()
    key = config.development_secret_key(folder)
    assert key and len(key) >= 50 and (folder / "secret_key").stat().st_mode & 0o777 == 0o600
    config.prepare_data_dir()
    assert config.development_secret_key(folder) == key
    assert sorted(p.name for p in folder.iterdir()) == ["secret_key", "static"]  # no stray temporary file


def test_production_never_generates_a_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PRONGSAI_DATA", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PRONGSAI_ENV", "production")
    config.prepare_data_dir()
    assert not (tmp_path / "secret_key").exists()


def test_the_core_reads_its_two_variables_through_config(monkeypatch, tmp_path):
    from prongsai.core.framework import BUNDLED_DIR, framework_dirs

    monkeypatch.setenv("PRONGSAI_FRAMEWORKS", str(tmp_path))
    assert framework_dirs() == [BUNDLED_DIR, tmp_path]
    monkeypatch.setenv("PRONGSAI_GARUDA", str(tmp_path / "garuda.png"))
    assert config.garuda_emblem() == tmp_path / "garuda.png"


# ------------------------------------------------------------------------ one reader, every variable documented

REPO = Path(__file__).resolve().parents[2]
#: modules allowed to touch os.environ, and why
ENVIRON_ALLOWED = {
    "prongsai/config.py": "the one reader",
    # the CLI sets variables before Django starts, and createadmin reads the variable the operator names
    "prongsai/web/commands.py": "sets PRONGSAI_* for the demo; --password-from-env VAR",
    "prongsai/web/test_settings.py": "sets the test environment",
    "prongsai/web/wsgi.py": "DJANGO_SETTINGS_MODULE default",
    "prongsai/web/manage.py": "DJANGO_SETTINGS_MODULE default",
    "prongsai/web/setup.py": "DJANGO_SETTINGS_MODULE default for the commands (setup_django, from commands.py)",
    # the child that reads evidence text inherits the environment, with PYTHONPATH pointing at this package
    "prongsai/core/extract.py": "passes the environment on to the extraction child",
}


def test_no_other_module_reads_the_environment():
    offenders = []
    for path in sorted((REPO / "prongsai").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        text = path.read_text(encoding="utf-8")
        if ("os.environ" in text or "os.getenv" in text or "getenv(" in text) and rel not in ENVIRON_ALLOWED:
            offenders.append(rel)
    assert offenders == [], f"read configuration through prongsai.config / settings instead: {offenders}"


def test_every_variable_read_is_documented_once_in_configuration_md():
    import re

    names = set()
    for path in [REPO / "prongsai" / "config.py", REPO / "prongsai" / "web" / "settings.py"]:
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text(encoding="utf-8")))
    assert {"PRONGSAI_DEBUG", "SECRET_KEY", "PRONGSAI_DATA", "PRONGSAI_FRAMEWORKS"} <= names
    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", doc, flags=re.M)
    missing = sorted(names - set(rows))
    assert missing == [], f"document these in docs/configuration.md: {missing}"
    twice = sorted({n for n in rows if rows.count(n) > 1})
    assert twice == [], f"documented more than once: {twice}"
