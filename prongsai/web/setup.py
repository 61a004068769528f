"""Configuring Django for a command (``setup_django``) and preparing its database (``_migrate``).

Below every command module (``prongsai.web.commands`` and the features' ``cli.py``), which import it; it imports
none of them, so the commands read top-down.  Nothing here imports Django at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

from prongsai.cli_base import CommandError


def setup_django(require_database: bool = True) -> None:
    """Configure Django for a command: private file modes, a usable data folder (with, in development, its secret
    key), settings that load, and (unless the command creates it) a database that exists and is migrated.  Each
    problem is a CommandError (exit 2) with a message in English and Thai, never a traceback (docs/operations.md,
    "Errors"; a variable the settings do not understand: docs/configuration.md)."""
    from prongsai.config import ConfigError, prepare_data_dir
    from prongsai.web.bilingual import gettext_noop, thai
    from prongsai.web.ops.preflight import PreflightError, check_data_dir, check_database

    os.umask(0o077)  # data files 0600, folders 0700
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")
    try:
        check_data_dir(default_data_dir())
        prepare_data_dir()
        import django
        from django.core.exceptions import ImproperlyConfigured

        try:
            django.setup()
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        except (RuntimeError, ImproperlyConfigured, ValueError) as exc:
            raise CommandError(
                f"configuration: {exc} (docs/configuration.md) "
                f"/ {thai(gettext_noop('The configuration is not valid.'))}"
            ) from None
        except OSError as exc:
            raise CommandError(
                f"cannot use the data folder {default_data_dir()}: {exc.strerror or exc} "
                f"/ {thai(gettext_noop('The data folder cannot be used.'))}"
            ) from None
        if require_database:
            check_database()
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    except PreflightError as exc:
        raise CommandError(str(exc)) from None


def _migrate() -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # no-op unless the database cache is configured
    if getattr(settings, "STATIC_ROOT", None):  # WhiteNoise warns at every start when the folder is missing
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def default_data_dir() -> Path:
    from prongsai.config import data_dir

    return data_dir()
