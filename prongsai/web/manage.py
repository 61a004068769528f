"""``prongsai manage …`` and ``python -m prongsai.web.manage …``: Django's management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prongsai.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["prongsai manage", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
