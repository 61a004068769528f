"""The settings read every variable through the typed helpers: understood values take effect, others stop the
program with a message naming the variable (exit 2 from the command line).

Each case runs in a subprocess with its own environment, like test_settings_deploy.py.
"""

from __future__ import annotations

import secrets

from tests.integration.test_settings_deploy import PRODUCTION, run

SHOW = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_IDLE_MINUTES, s.PRONGSAI_MAX_REQUEST_BYTES, s.PRONGSAI_LINKCHECK_ALLOW_LOOPBACK, "
    "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1])"
)


def show(tmp_path, **env):
    env.setdefault("PRONGSAI_BASE_URL", "https://x.example")
    return run(["-c", SHOW], tmp_path, SECRET_KEY="k" * 60, **env)


def test_true_means_on_and_false_means_off(tmp_path):
    # both variables default to the opposite of what is asked, so each answer proves the word was understood
    on = show(tmp_path, PRONGSAI_ENV="production", ALLOWED_HOSTS="x.example", PRONGSAI_LINKCHECK_ALLOW_LOOPBACK="yes")
    assert on.returncode == 0, on.stderr
    assert on.stdout.split()[3] == "True"
    off = show(tmp_path, PRONGSAI_DEBUG="off")
    assert off.stdout.split()[0] == "False"


def test_debug_is_refused_in_production_whatever_word_turns_it_on(tmp_path):
    for word in ("1", "true", "On"):
        result = show(tmp_path, PRONGSAI_ENV="production", ALLOWED_HOSTS="x.example", PRONGSAI_DEBUG=word)
        assert result.returncode != 0
        assert "PRONGSAI_DEBUG=1 is refused when PRONGSAI_ENV=production" in result.stderr


def test_defaults_when_nothing_is_set(tmp_path):
    result = show(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "30", str(25 * 1024 * 1024), "False", "LocMemCache"]


def test_a_value_the_settings_do_not_understand_exits_2_naming_the_variable(tmp_path):
    result = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, SECRET_KEY="k" * 60, PRONGSAI_DEBUG="treu")
    assert result.returncode == 2
    assert "PRONGSAI_DEBUG='treu' is not a yes/no value" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_values_of_every_kind_are_refused(tmp_path):
    cases = {
        "PRONGSAI_SESSION_IDLE_MINUTES": ("half an hour", "is not a whole number"),
        "PRONGSAI_HSTS_SECONDS": ("-5", "below the minimum"),
        "PRONGSAI_CACHE": ("redis", "is not one of: database, memory"),
        "PRONGSAI_LINKCHECK_TIMEOUT": ("soon", "is not a number"),
        "PRONGSAI_LOG_LEVEL": ("LOUD", "is not one of"),
        "PRONGSAI_ENV": ("prod", "is not one of: development, production, test"),
    }
    for name, (value, message) in cases.items():
        env = {name: value}
        if name == "PRONGSAI_HSTS_SECONDS":
            env.update(PRODUCTION)
            env[name] = value
        result = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, **{"SECRET_KEY": "k" * 60, **env})
        assert result.returncode == 2, (name, result.stderr)
        assert name in result.stderr and message in result.stderr, (name, result.stderr)


def test_inconsistent_limits_are_refused(tmp_path):
    short = run(
        ["-m", "prongsai.cli", "manage", "check"],
        tmp_path,
        SECRET_KEY="k" * 60,
        PRONGSAI_SESSION_IDLE_MINUTES="120",
        PRONGSAI_SESSION_MAX_HOURS="1",
    )
    assert short.returncode == 2 and "PRONGSAI_SESSION_IDLE_MINUTES=120 is longer than" in short.stderr
    small = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, SECRET_KEY="k" * 60, PRONGSAI_MAX_REQUEST_MB="10")
    assert small.returncode == 2 and "PRONGSAI_MAX_REQUEST_MB must be at least" in small.stderr


def test_production_needs_its_public_address(tmp_path):
    # Without it, password-reset links, slips and QR codes would point at 127.0.0.1.
    env = {k: v for k, v in PRODUCTION.items() if k != "PRONGSAI_BASE_URL"}
    missing = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, **env)
    assert missing.returncode == 2 and "PRONGSAI_BASE_URL must be set when PRONGSAI_ENV=production" in missing.stderr
    wrong_ones = (
        "ita.example.go.th",
        "javascript:alert(1)",
        "https://ita.example.go.th/?next=x",
        "ftp://x",
        "https://user:pw@ita.example.go.th",
        "https://ita.example.go.th:port",
    )
    for wrong in wrong_ones:
        bad = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, **{**env, "PRONGSAI_BASE_URL": wrong})
        assert bad.returncode == 2 and "not a web address" in bad.stderr, (wrong, bad.stderr)
    plain = run(["-m", "prongsai.cli", "manage", "check"], tmp_path, **{**env, "PRONGSAI_BASE_URL": "http://ita.x"})
    assert plain.returncode == 2 and "production links must use https://" in plain.stderr
    good = run(
        ["-c", "from django.conf import settings as s; print(s.BASE_URL)"],
        tmp_path,
        **{**env, "PRONGSAI_BASE_URL": "https://ita.example.go.th/prongsai/"},
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "https://ita.example.go.th/prongsai"


def test_production_takes_its_secrets_from_files(tmp_path):
    key = secrets.token_urlsafe(64)
    (tmp_path / "key").write_text(key + "\n")
    (tmp_path / "db").write_text("postgres://prongsai:pw@db.invalid:5432/ita\n")
    script = "from django.conf import settings as s; print(s.SECRET_KEY, s.DATABASES['default']['NAME'])"
    result = run(
        ["-c", script],
        tmp_path,
        **{
            **PRODUCTION,
            "SECRET_KEY": None,
            "DATABASE_URL": None,
            "SECRET_KEY_FILE": str(tmp_path / "key"),
            "DATABASE_URL_FILE": str(tmp_path / "db"),
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [key, "ita"]
    assert not (tmp_path / "secret_key").exists()


def test_importing_the_settings_writes_nothing(tmp_path):
    data = tmp_path / "never-made"
    result = run(["-c", SHOW], data, SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert not data.exists()
