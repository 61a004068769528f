"""The link checker: fetch one evidence URL safely and say what an assessor would find there.

Standard library only (``http.client``, ``ssl``, ``socket``) plus the pure text extraction of
``prongsai.core.extract``; no Django settings needed, so it can be tested and reused alone.  Each problem is an
English msgid (``gettext_noop``) with its parameters: ``checktext`` translates it where it is shown.  What it
reports for a URL:

- HTTP status, every redirect followed (at most ``max_redirects``), and two flags: a redirect to a login page
  (the assessor would see a login form, not the evidence) and a redirect to another site;
- content type, size (bytes read, at most ``max_bytes``; larger bodies are cut and flagged) and the SHA-256 of
  the bytes read (a dated snapshot hash);
- whether the text mentions the expected fiscal year(s) in B.E., in Arabic ("2563") or Thai ("๒๕๖๓") digits, and
  which of the item's keywords it contains.  Text comes from HTML, plain text, DOCX/XLSX and PDF
  (``prongsai.core.extract``: archives and PDFs are read in a child process with memory and time limits; a file
  beyond them is reported as too complex, to be checked by hand).

Limits on the fetch: ``timeout`` for each network operation, and ``deadline`` for the whole check (every hop,
headers and body): the socket is wrapped so that each read may wait only for the time that is left, and a
server that drips one byte at a time is cut at the deadline.  The SSRF guard is ``prongsai.web.oit.ssrf``:
the name is resolved once, every address must be public, and the connection is pinned to the checked address.
Many URLs at once: ``prongsai.web.oit.linkbatch``.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import logging
import re
import socket
import ssl
import threading
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

from prongsai.core import extract as _extract
from prongsai.core import safefiles
from prongsai.core.extract import decode, html_text, sniff_kind  # noqa: F401 - part of this module's API
from prongsai.core.thai import to_thai_digits
from prongsai.web.bilingual import gettext_noop  # needs no settings: the checker runs without Django set up
from prongsai.web.oit.checktext import describe
from prongsai.web.oit.ssrf import Refused, address_allowed, resolve  # noqa: F401 - part of this module's API

logger = logging.getLogger(__name__)
USER_AGENT = "Prongsai-LinkCheck/1.0 (ITA evidence check; +https://github.com/prongsai)"
REDIRECT_CODES = (301, 302, 303, 307, 308)
#: path or query fragments that mark a login page (Google, Microsoft, WordPress, common CMSs, Thai wording)
LOGIN_PATTERNS = re.compile(
    r"(^|[/_.?&=-])(login|log-in|signin|sign-in|sign_in|logon|auth|sso|oauth2?|cas/login|wp-login\.php|"
    r"servicelogin|accounts/login|user/login|member/login)([/_.?&=-]|$)|accounts\.google\.com|"
    r"login\.microsoftonline\.com|"
    r"%E0%B9%80%E0%B8%82%E0%B9%89%E0%B8%B2%E0%B8%AA%E0%B8%B9%E0%B9%88%E0%B8%A3%E0%B8%B0%E0%B8%9A%E0%B8%9A",  # เข้าสู่ระบบ
    re.IGNORECASE,
)

BROKEN = "broken"
WARNING = "warning"
OK = "ok"
#: seconds for one check, all hops included (``PRONGSAI_LINKCHECK_DEADLINE``)
DEFAULT_DEADLINE = 60.0
#: bodies above this many bytes wait for one of ``LARGE_BODY_SLOTS`` (bounds the memory of many checks at once)
LARGE_BODY_BYTES = 1024 * 1024
LARGE_BODY_SLOTS = 4
_large_bodies = threading.BoundedSemaphore(LARGE_BODY_SLOTS)
#: what a check that raised says (the result is recorded all the same: no link stays pending)
CHECK_FAILED = gettext_noop(
    "Could not check — an error occurred during the check; please check again or check it yourself"
)


@dataclass
class Problem:
    code: str
    level: str  # broken | warning
    text: str  # an English msgid, translated where it is shown
    params: dict = field(default_factory=dict)  # JSON values (see ``checktext``)

    @property
    def message(self) -> str:
        """The message in the active language."""
        return describe(self.text, self.params)


@dataclass
class CheckResult:
    url: str
    verdict: str = OK
    final_url: str = ""
    http_status: int | None = None
    redirects: list[list] = field(default_factory=list)
    redirect_to_login: bool = False
    redirect_other_domain: bool = False
    content_type: str = ""
    size: int | None = None
    truncated: bool = False
    sha256: str = ""
    text_extracted: bool = False
    years_expected: list[int] = field(default_factory=list)
    years_found: list[int] = field(default_factory=list)
    keywords_found: list[str] = field(default_factory=list)
    keywords_missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    error: str = ""
    elapsed_ms: int | None = None

    def add(self, code: str, level: str, text: str, **params) -> None:
        self.problems.append(Problem(code, level, text, params))
        if level == BROKEN:
            self.verdict = BROKEN
        elif level == WARNING and self.verdict == OK:
            self.verdict = WARNING

    def as_dict(self) -> dict:
        return asdict(self)

    def outcome(self) -> tuple:
        """What a check concluded, without the timing: two checks of the same page compare equal on this."""
        data = self.as_dict()
        data.pop("elapsed_ms")
        return tuple(sorted((k, repr(v)) for k, v in data.items()))


def not_checked(url: str, code: str, text: str, error: str = "") -> CheckResult:
    """The result recorded when a check could not run or finish (the link must never stay pending)."""
    result = CheckResult(url=url, error=error[:500])
    result.add(code, WARNING, text)
    return result


# -------------------------------------------------------------------------------------- the wall-clock deadline


class DeadlineExceeded(socket.timeout):
    """The whole check took longer than its deadline."""


class _DeadlineReader(io.RawIOBase):
    def __init__(self, owner: _DeadlineSocket):
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._owner.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            super().close()
            self._owner._release_reader()


class _DeadlineSocket:
    """A socket whose every operation may wait only for the time left before ``deadline`` (monotonic), and at
    most ``timeout`` seconds each; ``http.client`` reads headers and body through ``makefile``."""

    def __init__(self, sock: socket.socket, deadline: float, timeout: float):
        self._sock = sock
        self._deadline = deadline
        self._timeout = timeout
        # like socket.makefile: http.client closes the connection while the response still reads from it, so
        # the descriptor is closed only when the last reader is
        self._readers = 0
        self._closing = False

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("deadline")
        self._sock.settimeout(min(self._timeout, left))

    def _timed_out(self, exc: BaseException) -> BaseException:
        return DeadlineExceeded("deadline") if time.monotonic() >= self._deadline else exc

    def recv_into(self, buffer, *args) -> int:
        self._arm()
        try:
            return self._sock.recv_into(buffer, *args)
        except TimeoutError as exc:
            raise self._timed_out(exc) from None

    def sendall(self, data, *args) -> None:
        self._arm()
        try:
            self._sock.sendall(data, *args)
        except TimeoutError as exc:
            raise self._timed_out(exc) from None

    def makefile(self, mode: str = "r", *args, **kwargs):
        if "r" not in mode:
            raise ValueError("only reading is wrapped")
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self), 65536)

    def _release_reader(self) -> None:
        self._readers -= 1
        if self._closing and self._readers <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closing = True
        if self._readers <= 0:
            self._sock.close()

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float, deadline: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip
        self._deadline = deadline

    def _raw_socket(self) -> socket.socket:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("deadline")
        # (mypy) the link checker always sets a timeout
        return socket.create_connection((self._ip, self.port), min(self.timeout, left))  # type: ignore[type-var]

    def connect(self):
        # (mypy) the link checker always sets a timeout
        self.sock = _DeadlineSocket(self._raw_socket(), self._deadline, self.timeout)  # type: ignore[arg-type]


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def connect(self):
        sock = self._raw_socket()
        # (mypy) the link checker always sets a timeout
        sock.settimeout(min(self.timeout, max(0.001, self._deadline - time.monotonic())))  # type: ignore[type-var]
        wrapped = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        # (mypy) the link checker always sets a timeout
        self.sock = _DeadlineSocket(wrapped, self._deadline, self.timeout)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- the check


def same_site(a: str, b: str) -> bool:
    """Two host names belong to the same site: equal after dropping ``www.``, or one is a subdomain of the other."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    a, b = a.removeprefix("www."), b.removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def looks_like_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(LOGIN_PATTERNS.search(parts.netloc + parts.path + ("?" + parts.query if parts.query else "")))


def check_url(
    url: str,
    *,
    years: list[int] | tuple[int, ...] = (),
    keywords: tuple[str, ...] | list[str] = (),
    require_year: bool = True,
    allow_loopback: bool = False,
    timeout: float = 15.0,
    max_bytes: int = 25 * 1024 * 1024,
    max_redirects: int = 5,
    deadline: float = DEFAULT_DEADLINE,
    allow_nat64: bool = False,
) -> CheckResult:
    """Fetch ``url`` (GET), following redirects safely, and analyse what was served.  Never raises: whatever goes
    wrong becomes a problem of the result.

    ``years`` are looked for in any case; a missing year is a warning only when ``require_year`` is true.
    ``timeout`` bounds each network operation and ``deadline`` the whole check (seconds)."""
    result = CheckResult(url=url, years_expected=sorted(set(years)))
    started = time.monotonic()
    slot = _BodySlot()
    try:
        try:
            body = _fetch(
                url, result, allow_loopback, allow_nat64, timeout, max_bytes, max_redirects, started + deadline, slot
            )
        except Refused as exc:
            result.error = str(exc)
            result.add(exc.code, BROKEN, exc.text, **exc.params)
            body = None
        except DeadlineExceeded as exc:
            result.error = f"{type(exc).__name__}: {exc}"
            result.add(
                "deadline",
                BROKEN,
                gettext_noop("The site sent its data too slowly; the check did not finish within %(seconds)s seconds"),
                seconds=f"{deadline:g}",
            )
            body = None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            text, params = _network_message(exc)
            result.error = f"{type(exc).__name__}: {exc}"[:500]
            result.add("network", BROKEN, text, **params)
            body = None
        if body is not None:
            analyse_body(result, body, result.content_type, keywords, require_year)
    except Exception as exc:  # noqa: BLE001 - a bug or a library failure must still give a recorded result
        logger.exception("link check of %s failed", url)
        result.error = f"{type(exc).__name__}: {exc}"[:500]
        result.add("check_failed", WARNING, CHECK_FAILED)
    finally:
        slot.release()
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    return result


def _network_message(exc: BaseException) -> tuple[str, dict]:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return gettext_noop("The site did not respond in time (timeout)"), {}
    if isinstance(exc, ssl.SSLError):
        return gettext_noop("The site's security certificate (SSL/TLS) has a problem: %(error)s"), {"error": str(exc)}
    if isinstance(exc, ConnectionRefusedError):
        return gettext_noop("The site refused the connection"), {}
    return gettext_noop("Could not connect to the site: %(error)s"), {"error": str(exc)}


class _BodySlot:
    """One of the few slots a large body needs (taken while reading past ``LARGE_BODY_BYTES``)."""

    def __init__(self):
        self.held = False

    def take(self, deadline: float) -> None:
        if not self.held:
            if not _large_bodies.acquire(timeout=max(0.0, deadline - time.monotonic())):
                raise DeadlineExceeded("deadline (waiting to read a large body)")
            self.held = True

    def release(self) -> None:
        if self.held:
            _large_bodies.release()
            self.held = False


def _read_body(response, max_bytes: int, deadline: float, slot: _BodySlot) -> tuple[bytes, bool]:
    """At most ``max_bytes`` of the body, in chunks, each read bounded by the deadline; (bytes, truncated)."""
    chunks: list[bytes] = []
    total = 0
    while total <= max_bytes:
        chunk = response.read(min(65536, max_bytes + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        chunks.append(chunk)
        if total > LARGE_BODY_BYTES:
            slot.take(deadline)
    body = b"".join(chunks)
    if len(body) > max_bytes:
        return body[:max_bytes], True
    return body, False


def _fetch(
    url: str,
    result: CheckResult,
    allow_loopback: bool,
    allow_nat64: bool,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    deadline: float,
    slot: _BodySlot,
) -> bytes | None:
    original_host = urlsplit(url).hostname or ""
    current = url
    for _hop in range(max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https"):
            raise Refused(
                "scheme",
                gettext_noop("Only http or https links can be checked (found '%(scheme)s:')"),
                scheme=parts.scheme or "-",
            )
        if not parts.hostname:
            raise Refused("url", gettext_noop("The link has no site name"))
        if parts.username or parts.password:
            raise Refused("url", gettext_noop("The link must not contain a user name or password"))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve(parts.hostname, port, allow_loopback, allow_nat64)
        cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        conn = cls(parts.hostname, port, ip, timeout, deadline)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(
                "GET",
                target,
                headers={
                    "Host": parts.netloc.rsplit("@", 1)[-1],
                    "User-Agent": USER_AGENT,
                    "Accept": "*/*",
                    "Accept-Encoding": "identity",
                    "Accept-Language": "th,en;q=0.8",
                    "Connection": "close",
                },
            )
            response = conn.getresponse()
            result.http_status = response.status
            result.final_url = current
            if response.status in REDIRECT_CODES and response.getheader("Location"):
                location = urljoin(current, response.getheader("Location", "").strip())
                result.redirects.append([response.status, location])
                response.close()
                if urlsplit(location).scheme not in ("http", "https"):
                    raise Refused(
                        "redirect_scheme",
                        gettext_noop("The link redirects to an address that is not http/https (%(scheme)s:)"),
                        scheme=urlsplit(location).scheme,
                    )
                if looks_like_login(location):
                    result.redirect_to_login = True
                    result.add(
                        "redirect_login",
                        BROKEN,
                        gettext_noop(
                            "The link leads to a login page: the assessor will not see the "
                            "evidence; make it open to everyone"
                        ),
                    )
                if not same_site(original_host, urlsplit(location).hostname or "") and not result.redirect_other_domain:
                    result.redirect_other_domain = True
                    result.add(
                        "redirect_other_domain",
                        WARNING,
                        gettext_noop(
                            "The link redirects to another site (%(host)s); use a link on the agency's own site"
                        ),
                        host=urlsplit(location).hostname or location,
                    )
                if result.redirect_to_login:
                    return None
                current = location
                continue
            result.content_type = (response.getheader("Content-Type") or "").strip()[:200]
            declared = response.getheader("Content-Length")
            try:
                body, result.truncated = _read_body(response, max_bytes, deadline, slot)
            finally:
                response.close()
            result.size = len(body)
            if result.truncated and declared and declared.isdigit():
                result.size = int(declared)
            result.sha256 = hashlib.sha256(body).hexdigest()
            if response.status >= 400:
                text, params = _status_message(response.status)
                result.add(f"http_{response.status}", BROKEN, text, **params)
            elif response.status >= 300:
                result.add(
                    f"http_{response.status}",
                    WARNING,
                    gettext_noop("The site answered with code %(status)s"),
                    status=response.status,
                )
            if result.truncated:
                result.add(
                    "too_large",
                    WARNING,
                    gettext_noop("The file is larger than %(mb)s MB; only its beginning was checked"),
                    mb=max_bytes // (1024 * 1024),
                )
            return body
        finally:
            conn.close()
    raise Refused("too_many_redirects", gettext_noop("The link redirects more than %(n)s times"), n=max_redirects)


_STATUS_MESSAGES = {
    401: gettext_noop("A login is needed to open it (HTTP 401)"),
    403: gettext_noop("No permission to open this page (HTTP 403)"),
    404: gettext_noop("Page not found (HTTP 404); the link may be broken or moved"),
    410: gettext_noop("This page has been deleted (HTTP 410)"),
    503: gettext_noop("The site is not available (HTTP 503)"),
}


def _status_message(status: int) -> tuple[str, dict]:
    """The msgid and parameters of an HTTP error status."""
    if status in _STATUS_MESSAGES:
        return _STATUS_MESSAGES[status], {}
    if status in (500, 502):
        return gettext_noop("The site has a fault (HTTP %(status)s)"), {"status": status}
    return gettext_noop("The link could not be opened (HTTP %(status)s)"), {"status": status}


# ------------------------------------------------------------------------------------------ content analysis


def analyse_body(
    result: CheckResult,
    body: bytes,
    content_type: str,
    keywords,
    require_year: bool = True,
    extracted: _extract.Extracted | None = None,
) -> None:
    """Fill the year and keyword findings of ``result`` from a body (a fetched page or an uploaded file);
    ``extracted`` is the body's text when the caller already has it."""
    if extracted is None:
        extracted = _extract.extract(body, content_type)
    if extracted.problem is not None:
        result.text_extracted = False
        result.error = (result.error or f"{extracted.problem.code}: {extracted.problem.en}")[:500]
        if result.verdict != BROKEN:
            th, en = extracted.problem.th, extracted.problem.en
            if th.startswith(safefiles.TOO_COMPLEX_PREFIX):
                reason = {"th": th.removeprefix(safefiles.TOO_COMPLEX_PREFIX), "en": en}
                result.add(
                    "too_complex",
                    WARNING,
                    gettext_noop("Could not check — the file is too complex (%(reason)s); please check it yourself"),
                    reason=reason,
                )
            else:  # a damaged file, not a complex one
                result.add(
                    "unreadable_file",
                    WARNING,
                    gettext_noop("Could not check — %(reason)s; please check it yourself"),
                    reason={"th": th, "en": en},
                )
        result.keywords_missing = list(keywords)
        return
    text = extracted.text
    result.text_extracted = extracted.extracted
    result.years_found = years_in(text, result.years_expected)
    found, missing = keywords_in(text, keywords)
    result.keywords_found, result.keywords_missing = found, missing
    if result.verdict == BROKEN:
        return
    if require_year and result.years_expected and not result.years_found:
        years = list(result.years_expected)  # alternatives, joined with "or" where shown
        if extracted.extracted:
            result.add(
                "year_missing",
                WARNING,
                gettext_noop(
                    "The B.E. year %(years)s was not found in the content; the evidence must be for the assessed year"
                ),
                years=years,
            )
        else:
            result.add(
                "year_unknown",
                WARNING,
                gettext_noop(
                    "Not all the text of the file could be read, so the B.E. year %(years)s was "
                    "not found; please check it yourself"
                ),
                years=years,
            )
    if keywords and not found:
        result.add(
            "keywords_missing",
            WARNING,
            gettext_noop("None of this item's keywords was found in the content (%(keywords)s)"),
            keywords=", ".join(keywords[:5]),
        )
    if not body:
        result.add("empty", BROKEN, gettext_noop("The page or file is empty"))


def years_in(text: str, expected: list[int]) -> list[int]:
    """Which B.E. years appear in ``text`` (Arabic or Thai digits, not inside a longer number)."""
    found = []
    for year in expected:
        for form in (str(year), to_thai_digits(str(year))):
            if re.search(rf"(?<![0-9๐-๙]){form}(?![0-9๐-๙])", text):  # thai-data: Thai digits
                found.append(year)
                break
    return found


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def keywords_in(text: str, keywords) -> tuple[list[str], list[str]]:
    """Keywords found and missing, ignoring case and white space (Thai is written without spaces)."""
    flat = _norm(text)
    found = [k for k in keywords if _norm(k) and _norm(k) in flat]
    return found, [k for k in keywords if k not in found]


def extract_text(body: bytes, content_type: str = "") -> tuple[str, bool]:
    """(text, trustworthy) of a body; a file refused as too complex gives ``("", False)`` (see ``core.extract``)."""
    extracted = _extract.extract(body, content_type)
    return extracted.text, extracted.extracted
