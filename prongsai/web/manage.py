"""``prongsai manage …`` and ``python -m prongsai.web.manage …``: Django's management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")
    from prongsai.config import ConfigError, prepare_data_dir

    try:
        prepare_data_dir()  # the settings themselves write nothing (docs/configuration.md)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["prongsai manage", *(sys.argv[1:] if argv is None else argv)])
    except ConfigError as exc:  # a variable the settings cannot understand: the CLI's bad-input status
        print(f"prongsai manage: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
