"""The Jinja sandbox of document templates: what a DOCX template (ours or an agency's upload) may do, checked twice.

An agency's ITA officer may upload its own DOCX template; docxtpl compiles the Jinja in it.  A template is
untrusted code, so it is held by two walls, both applied at upload *and* at every render (a template stored
before this check existed, or planted in storage, is refused when it is rendered):

1. **The validator** walks the Jinja syntax tree of the exact text docxtpl compiles (body, headers, footers,
   footnotes, document properties, after docxtpl's own clean-up of Word's XML runs) and refuses, naming the
   placeholder: any name other than ``c``, ``emblem``, ``chart``, ``loop`` (inside a loop) and the names the
   template binds with ``{% for %}``/``{% set %}``/``{% with %}``; any attribute or key starting with ``_`` or
   naming Python internals (``mro``, ``format``, ``gi_frame`` …); any key that is not a constant (so no
   ``x['__' ~ 'class']``); any attribute or key of ``emblem``/``chart`` (images, printed as they are); any call
   except ``loop.cycle``/``loop.changed``; filters and tests outside the short lists of ``rules.py``; ``*``, ``**`` and
   ``%`` (the ways to build a huge string or number); ``{% import %}``, ``{% include %}``, ``{% extends %}``,
   ``{% macro %}``, ``{% call %}``, ``{% block %}``, ``{% autoescape %}``, recursive loops, and loops nested
   deeper than ``MAX_LOOP_DEPTH``.
2. **The sandbox**: :class:`SandboxEnvironment`, a Jinja2 ``ImmutableSandboxedEnvironment`` (Jinja2 ≥ 3.1.6,
   which fixed the last known sandbox escape) with no globals at all (no ``range``, ``lipsum``, ``cycler``,
   ``joiner``, ``namespace``, ``dict``), only the allowed filters and tests, attribute and key reads refused for
   the same names, calls refused except ``loop.cycle``, ``*``/``**``/``%`` refused, and a budget per document:
   ``MAX_OPERATIONS`` loop iterations and lookups and ``MAX_OUTPUT_CHARS`` characters of output (a template
   that loops too much stops with an error instead of taking the worker with it).

Messages are in Thai (``UnsafeTemplate.thai()``) and English (``str()``); no Django import.
"""

from __future__ import annotations

from prongsai.documents.sandbox.docx import (
    MAX_TAG_SCAN,
    MAX_TAGS,
    check_docx_template,
    check_raw,
    docx_sources,
    raw_parts,
    render,
    tag_scan_cost,
)
from prongsai.documents.sandbox.environment import BudgetedTemplate, SandboxEnvironment, environment, validate
from prongsai.documents.sandbox.rules import (
    ALLOWED_FILTERS,
    ALLOWED_NAMES,
    ALLOWED_TESTS,
    BUDGET_FILTER,
    DENIED_ATTRIBUTES,
    FILTERS_WITH_EXPRESSION_ARGUMENTS,
    LOOP_ATTRIBUTES,
    LOOP_CALLS,
    MAX_LOOP_DEPTH,
    MAX_NODES,
    MAX_OPERATIONS,
    MAX_OUTPUT_CHARS,
    OPAQUE_NAMES,
    OPERATORS,
    RESERVED_NAMES,
    SIMPLE,
    STATEMENTS,
    TAG,
    TemplateBudgetExceeded,
    TemplateProblem,
    UnsafeTemplate,
    attribute_allowed,
    dotted_allowed,
)
from prongsai.documents.sandbox.validator import check_tree

__all__ = [
    "ALLOWED_FILTERS",
    "ALLOWED_NAMES",
    "ALLOWED_TESTS",
    "BUDGET_FILTER",
    "BudgetedTemplate",
    "DENIED_ATTRIBUTES",
    "FILTERS_WITH_EXPRESSION_ARGUMENTS",
    "LOOP_ATTRIBUTES",
    "LOOP_CALLS",
    "MAX_LOOP_DEPTH",
    "MAX_NODES",
    "MAX_OPERATIONS",
    "MAX_OUTPUT_CHARS",
    "MAX_TAGS",
    "MAX_TAG_SCAN",
    "OPAQUE_NAMES",
    "OPERATORS",
    "RESERVED_NAMES",
    "SIMPLE",
    "STATEMENTS",
    "SandboxEnvironment",
    "TAG",
    "TemplateBudgetExceeded",
    "TemplateProblem",
    "UnsafeTemplate",
    "attribute_allowed",
    "check_docx_template",
    "check_raw",
    "check_tree",
    "docx_sources",
    "dotted_allowed",
    "environment",
    "raw_parts",
    "render",
    "tag_scan_cost",
    "validate",
]
