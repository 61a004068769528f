"""``python -m prongsai`` is the ``prongsai`` command."""

from prongsai.cli import main

raise SystemExit(main())
