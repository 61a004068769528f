"""Keep compiled modules even where the environment says not to write them (``PYTHONDONTWRITEBYTECODE=1``).

Loaded first, by ``-p tests.bytecode`` in pytest's addopts (pyproject.toml): pytest reads ``-p`` plugins before
the plugins installed packages declare (Hypothesis, Schemathesis, pytest-django, xdist), and rewrites the asserts
of every module of those packages as it imports them, some 260 modules, caching the result only when bytecode
may be written.  Set any later (in conftest.py, as it was) and the pytest process and each xdist worker rewrote
them all again at every start: about 2 s of CPU each before the first test.  The project's modules and the test
modules are then cached too (``__pycache__``, ignored by git), and the processes the tests start read them.
"""

import sys

sys.dont_write_bytecode = False
