"""Dependencies point inward: the core and the documents package never import Django (or the web layer)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import prongsai.core, prongsai.documents
for package in (prongsai.core, prongsai.documents):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
import prongsai.cli
prongsai.cli.build_parser
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "prongsai.web")))
print(",".join(leaked))
"""


def test_core_and_documents_import_nothing_of_django_or_the_web_layer():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
