"""Log records without secrets: a redacting filter on every handler and a JSON formatter.

What must never reach a log (docs/operations.md, "Logs"): survey codes (they are bearer secrets, and a code next
to a time and an address weakens anonymity), open-link tokens, passwords, form states, session ids and bearer
tokens, request bodies and query strings.  Django itself logs the path of a failed request ("Internal Server Error:
/s/ABCD…"), and an exception's message may quote its input; the filter rewrites the message and the rendered
traceback of every record before any handler formats it.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_CODE_CHARS = "ACDEFGHJKMNPRTUVWXY34679"  # prongsai.web.surveys.codes.ALPHABET (no Django import here)
_PATTERNS = [
    # the respondent's short link and code page, the open link's token
    (re.compile(r"(/(?:surveys/)?s/)[^/\s\"'?]+"), r"\1[redacted]"),
    (re.compile(r"(/surveys/open/)[^/\s\"'?]+"), r"\1[redacted]"),
    # query strings of anything that looks like a path or URL
    (re.compile(r"((?:https?://[^\s/\"']+)?/[^\s?\"']*)\?[^\s\"']*"), r"\1?[redacted]"),
    # secrets written as key=value or "key": "value"
    (
        re.compile(
            r"(?i)\b(code|codes|password|passwd|state|token|csrfmiddlewaretoken|sessionid|secret_key)"
            r"(\s*[=:]\s*[\"']?)[^\s\"'&,;}]+"
        ),
        r"\1\2[redacted]",
    ),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    # anything shaped like a survey code, grouped (ABCD-EFGH-JK) or not
    (
        re.compile(rf"(?<![A-Za-z0-9])[{_CODE_CHARS}]{{4}}-?[{_CODE_CHARS}]{{4}}-?[{_CODE_CHARS}]{{2}}(?![A-Za-z0-9])"),
        "[code]",
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Rewrite the message (with its arguments merged) and the traceback text of every record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if getattr(record, "stack_info", None):
            record.stack_info = redact(record.stack_info)  # type: ignore[arg-type]  # not None: tested above
        # Django attaches the request object: never let a formatter serialise it (body, cookies, headers)
        if hasattr(record, "request"):
            record.request = None
        return True


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, process, then any ``extra`` fields
    (numbers, strings, booleans) and the traceback as ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, (str, int, float, bool)):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
