"""The link checker: fetch one evidence URL safely and say what an assessor would find there.

Standard library only (``http.client``, ``ssl``, ``socket``, ``zipfile``, ``zlib``); no Django import, so it can be
tested and reused alone.  What it reports for a URL:

- HTTP status, every redirect followed (at most ``max_redirects``), and two flags: a redirect to a login page
  (the assessor would see a login form, not the evidence) and a redirect to another site;
- content type, size (bytes read, at most ``max_bytes``; larger bodies are cut and flagged) and the SHA-256 of
  the bytes read (a dated snapshot hash);
- whether the text mentions the expected fiscal year(s) in B.E., in Arabic ("2563") or Thai ("๒๕๖๓") digits, and
  which of the item's keywords it contains.  Text comes from HTML (tags, scripts and styles removed), plain text,
  DOCX/XLSX (their XML parts) and PDF: with ``pypdf`` when it is installed, otherwise from the raw and
  Flate-decoded bytes of the file (Arabic digits written in simple fonts are found; Thai text in embedded
  fonts usually is not, so a PDF without ``pypdf`` reports ``text_extracted=False``).

SSRF guard: only ``http``/``https`` on any port; the host name is resolved once and *every* address must be a
public unicast address (no private, loopback, link-local, multicast, reserved or unspecified ranges), and the
connection goes to the address that was checked (no second DNS lookup an attacker could re-bind).  Loopback is
allowed only when ``allow_loopback`` is true (tests, a local demo).  Every redirect target is checked the same
way before it is fetched.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import logging
import re
import socket
import ssl
import time
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from html import unescape
from io import BytesIO
from urllib.parse import urljoin, urlsplit

from prongsai.core.thai import to_thai_digits

logger = logging.getLogger(__name__)
USER_AGENT = "Prongsai-LinkCheck/1.0 (ITA evidence check; +https://github.com/prongsai)"
REDIRECT_CODES = (301, 302, 303, 307, 308)
#: path or query fragments that mark a login page (Google, Microsoft, WordPress, common CMSs, Thai wording)
LOGIN_PATTERNS = re.compile(
    r"(^|[/_.?&=-])(login|log-in|signin|sign-in|sign_in|logon|auth|sso|oauth2?|cas/login|wp-login\.php|"
    r"servicelogin|accounts/login|user/login|member/login)([/_.?&=-]|$)|accounts\.google\.com|"
    r"login\.microsoftonline\.com|"
    r"%E0%B9%80%E0%B8%82%E0%B9%89%E0%B8%B2%E0%B8%AA%E0%B8%B9%E0%B9%88%E0%B8%A3%E0%B8%B0%E0%B8%9A%E0%B8%9A",  # เข้าสู่ระบบ
    re.IGNORECASE)

BROKEN = "broken"
WARNING = "warning"
OK = "ok"


class Refused(Exception):
    """The URL may not be fetched (scheme, or an address the SSRF guard refuses)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Problem:
    code: str
    level: str  # broken | warning
    message: str  # Thai, shown to the officer


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

    def add(self, code: str, level: str, message: str) -> None:
        self.problems.append(Problem(code, level, message))
        if level == BROKEN:
            self.verdict = BROKEN
        elif level == WARNING and self.verdict == OK:
            self.verdict = WARNING

    def as_dict(self) -> dict:
        return asdict(self)


# ------------------------------------------------------------------------------------------- the SSRF guard


def address_allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not (ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
                                 or ip.is_unspecified)


def resolve(host: str, port: int, allow_loopback: bool) -> str:
    """The address to connect to; every address the name resolves to must be allowed (no mixed answers)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused("dns", f"ไม่พบชื่อโดเมน {host} ({exc})") from None
    addresses = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            addresses.append(ipaddress.ip_address(sockaddr[0].split("%")[0]))
    if not addresses:
        raise Refused("dns", f"ไม่พบที่อยู่ของ {host}")
    for ip in addresses:
        if not address_allowed(ip, allow_loopback):
            raise Refused("private_address", f"ไม่อนุญาตให้ตรวจที่อยู่ภายในหรือเครือข่ายส่วนตัว ({host} → {ip})")
    # Prefer IPv4 (many government sites publish AAAA records that do not answer).
    addresses.sort(key=lambda a: a.version)
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


# ---------------------------------------------------------------------------------------------- the check


def same_site(a: str, b: str) -> bool:
    """Two host names belong to the same site: equal after dropping ``www.``, or one is a subdomain of the other."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    a, b = a.removeprefix("www."), b.removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def looks_like_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(LOGIN_PATTERNS.search(parts.netloc + parts.path + ("?" + parts.query if parts.query else "")))


def check_url(url: str, *, years: list[int] | tuple[int, ...] = (), keywords: tuple[str, ...] | list[str] = (),
              require_year: bool = True, allow_loopback: bool = False, timeout: float = 15.0,
              max_bytes: int = 25 * 1024 * 1024, max_redirects: int = 5) -> CheckResult:
    """Fetch ``url`` (GET), following redirects safely, and analyse what was served.

    ``years`` are looked for in any case; a missing year is a warning only when ``require_year`` is true."""
    result = CheckResult(url=url, years_expected=sorted(set(years)))
    started = time.monotonic()
    try:
        body = _fetch(url, result, allow_loopback, timeout, max_bytes, max_redirects)
    except Refused as exc:
        result.error = exc.message
        result.add(exc.code, BROKEN, exc.message)
        body = None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        message = _network_message(exc)
        result.error = f"{type(exc).__name__}: {exc}"[:500]
        result.add("network", BROKEN, message)
        body = None
    result.elapsed_ms = int((time.monotonic() - started) * 1000)
    if body is None:
        return result
    analyse_body(result, body, result.content_type, keywords, require_year)
    return result


def _network_message(exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "เว็บไซต์ไม่ตอบสนองภายในเวลาที่กำหนด (timeout)"
    if isinstance(exc, ssl.SSLError):
        return f"ใบรับรองความปลอดภัย (SSL/TLS) ของเว็บไซต์มีปัญหา: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "เว็บไซต์ปฏิเสธการเชื่อมต่อ"
    return f"เชื่อมต่อเว็บไซต์ไม่ได้: {exc}"


def _fetch(url: str, result: CheckResult, allow_loopback: bool, timeout: float, max_bytes: int,
           max_redirects: int) -> bytes | None:
    original_host = urlsplit(url).hostname or ""
    current = url
    for hop in range(max_redirects + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https"):
            raise Refused("scheme", f"ตรวจได้เฉพาะลิงก์ http หรือ https (พบ '{parts.scheme or '-'}:')")
        if not parts.hostname:
            raise Refused("url", "ลิงก์ไม่มีชื่อเว็บไซต์")
        if parts.username or parts.password:
            raise Refused("url", "ลิงก์ต้องไม่มีชื่อผู้ใช้หรือรหัสผ่าน")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve(parts.hostname, port, allow_loopback)
        cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        conn = cls(parts.hostname, port, ip, timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("GET", target, headers={
                "Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT, "Accept": "*/*",
                "Accept-Encoding": "identity", "Accept-Language": "th,en;q=0.8", "Connection": "close"})
            response = conn.getresponse()
            result.http_status = response.status
            result.final_url = current
            if response.status in REDIRECT_CODES and response.getheader("Location"):
                location = urljoin(current, response.getheader("Location", "").strip())
                result.redirects.append([response.status, location])
                response.close()
                if urlsplit(location).scheme not in ("http", "https"):
                    raise Refused("redirect_scheme",
                                  f"ลิงก์เปลี่ยนเส้นทางไปที่อยู่ที่ไม่ใช่ http/https ({urlsplit(location).scheme}:)")
                if looks_like_login(location):
                    result.redirect_to_login = True
                    result.add("redirect_login", BROKEN,
                               "ลิงก์พาไปหน้าเข้าสู่ระบบ (login) ผู้ตรวจจะมองไม่เห็นหลักฐาน "
                               "ให้เปิดสิทธิ์ให้ทุกคนเข้าถึงได้")
                if not same_site(original_host, urlsplit(location).hostname or "") \
                        and not result.redirect_other_domain:
                    result.redirect_other_domain = True
                    result.add("redirect_other_domain", WARNING,
                               f"ลิงก์เปลี่ยนเส้นทางไปเว็บไซต์อื่น ({urlsplit(location).hostname or location}) "
                               "ควรใช้ลิงก์บนเว็บไซต์ของหน่วยงานโดยตรง")
                if result.redirect_to_login:
                    return None
                current = location
                continue
            result.content_type = (response.getheader("Content-Type") or "").strip()[:200]
            declared = response.getheader("Content-Length")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                body = body[:max_bytes]
                result.truncated = True
            result.size = len(body)
            if result.truncated and declared and declared.isdigit():
                result.size = int(declared)
            result.sha256 = hashlib.sha256(body).hexdigest()
            if response.status >= 400:
                result.add(f"http_{response.status}", BROKEN, _status_message(response.status))
            elif response.status >= 300:
                result.add(f"http_{response.status}", WARNING, f"เว็บไซต์ตอบรหัส {response.status}")
            if result.truncated:
                result.add("too_large", WARNING,
                           f"ไฟล์ใหญ่เกิน {max_bytes // (1024 * 1024)} MB ตรวจเฉพาะส่วนต้นของไฟล์")
            return body
        finally:
            conn.close()
    raise Refused("too_many_redirects", f"ลิงก์เปลี่ยนเส้นทางมากกว่า {max_redirects} ครั้ง")


def _status_message(status: int) -> str:
    messages = {401: "ต้องเข้าสู่ระบบจึงจะเปิดได้ (HTTP 401)", 403: "ไม่มีสิทธิ์เปิดหน้านี้ (HTTP 403)",
                404: "ไม่พบหน้านี้ (HTTP 404) ลิงก์อาจเสียหรือถูกย้าย", 410: "หน้านี้ถูกลบแล้ว (HTTP 410)",
                500: "เว็บไซต์ขัดข้อง (HTTP 500)", 502: "เว็บไซต์ขัดข้อง (HTTP 502)",
                503: "เว็บไซต์ไม่พร้อมให้บริการ (HTTP 503)"}
    return messages.get(status, f"เปิดลิงก์ไม่สำเร็จ (HTTP {status})")


# ------------------------------------------------------------------------------------------ content analysis


def analyse_body(result: CheckResult, body: bytes, content_type: str, keywords, require_year: bool = True) -> None:
    """Fill the year and keyword findings of ``result`` from a body (a fetched page or an uploaded file)."""
    text, extracted = extract_text(body, content_type)
    result.text_extracted = extracted
    result.years_found = years_in(text, result.years_expected)
    found, missing = keywords_in(text, keywords)
    result.keywords_found, result.keywords_missing = found, missing
    if result.verdict == BROKEN:
        return
    if require_year and result.years_expected and not result.years_found:
        years = " หรือ ".join(str(y) for y in result.years_expected)
        if extracted:
            result.add("year_missing", WARNING, f"ไม่พบปี พ.ศ. {years} ในเนื้อหา หลักฐานต้องเป็นข้อมูลของปีที่ประเมิน")
        else:
            result.add("year_unknown", WARNING,
                       f"อ่านข้อความในไฟล์ไม่ได้ทั้งหมด จึงไม่พบปี พ.ศ. {years} โปรดตรวจด้วยตนเอง")
    if keywords and not found:
        result.add("keywords_missing", WARNING, "ไม่พบคำสำคัญของข้อนี้ในเนื้อหา (" + ", ".join(keywords[:5]) + ")")
    if not body:
        result.add("empty", BROKEN, "หน้าเว็บหรือไฟล์ว่างเปล่า")


def years_in(text: str, expected: list[int]) -> list[int]:
    """Which B.E. years appear in ``text`` (Arabic or Thai digits, not inside a longer number)."""
    found = []
    for year in expected:
        for form in (str(year), to_thai_digits(str(year))):
            if re.search(rf"(?<![0-9๐-๙]){form}(?![0-9๐-๙])", text):
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


def sniff_kind(body: bytes, content_type: str = "") -> str:
    ct = content_type.split(";")[0].strip().lower()
    if body.startswith(b"%PDF-") or ct == "application/pdf":
        return "pdf"
    if body.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(body)).namelist())
        except zipfile.BadZipFile:
            return "binary"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if body.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or ct.startswith("image/"):
        return "image"
    if ct in ("text/html", "application/xhtml+xml") or body.lstrip()[:15].lower().startswith((b"<!doctype html",
                                                                                              b"<html")):
        return "html"
    if ct.startswith("text/") or ct in ("application/json", "application/xml"):
        return "text"
    return "html" if b"<html" in body[:2048].lower() else "binary"


def extract_text(body: bytes, content_type: str = "") -> tuple[str, bool]:
    """Readable text of a body and whether extraction is trustworthy (``False``: best effort only)."""
    kind = sniff_kind(body, content_type)
    if kind == "html":
        return html_text(decode(body, content_type)), True
    if kind == "text":
        return decode(body, content_type), True
    if kind in ("docx", "xlsx"):
        return office_text(body), True
    if kind == "pdf":
        return pdf_text(body)
    return "", False


def decode(body: bytes, content_type: str = "") -> str:
    """Bytes → text: the declared charset, else a <meta> charset, else UTF-8, else Thai Windows-874 (TIS-620)."""
    candidates = []
    m = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    if m:
        candidates.append(m.group(1))
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.IGNORECASE)
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp874"]
    for charset in candidates:
        charset = {"tis-620": "cp874", "tis620": "cp874", "windows-874": "cp874"}.get(charset.lower(), charset)
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", "replace")


def html_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|noscript)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    # keep the title and alt/title attributes (scanned documents are often images with a caption)
    attrs = " ".join(re.findall(r"(?i)\b(?:alt|title)\s*=\s*[\"']([^\"']*)", html))
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    return unescape(text + " " + attrs)


def office_text(body: bytes) -> str:
    parts = []
    try:
        with zipfile.ZipFile(BytesIO(body)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml") and name.startswith(("word/", "xl/")) \
                        and "theme" not in name and "styles" not in name:
                    info = archive.getinfo(name)
                    if info.file_size > 50 * 1024 * 1024:
                        continue  # a zip bomb is not evidence
                    xml = archive.read(name).decode("utf-8", "ignore")
                    parts.append(unescape(re.sub(r"<[^>]+>", " ", xml)))
    except (zipfile.BadZipFile, KeyError, RuntimeError):
        return ""
    return " ".join(parts)


def pdf_text(body: bytes) -> tuple[str, bool]:
    """Text of a PDF: with pypdf when installed; otherwise literal strings of raw and Flate-decoded streams."""
    try:
        import pypdf  # type: ignore[import-not-found]
    except ImportError:
        pypdf = None
    if pypdf is not None:
        try:
            reader = pypdf.PdfReader(BytesIO(body))
            text = "\n".join((page.extract_text() or "") for page in reader.pages[:200])
            if text.strip():
                return text, True
        except Exception as exc:  # noqa: BLE001 - a damaged PDF falls back to the byte scan
            logger.info("pypdf could not read a PDF (%s); scanning its bytes", exc)
    chunks = [body]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
        data = match.group(1)
        try:
            chunks.append(zlib.decompressobj().decompress(data, 20 * 1024 * 1024))
        except zlib.error:
            continue
    text = []
    for chunk in chunks:
        # literal strings in text operators: (…) Tj / [(…)] TJ; plus the raw bytes read as Latin-1 for metadata
        text.extend(s.decode("latin-1") for s in re.findall(rb"\(((?:[^()\\]|\\.){1,2000})\)", chunk))
        for hexstr in re.findall(rb"<([0-9A-Fa-f\s]{8,4000})>", chunk):
            raw = bytes.fromhex(re.sub(rb"\s", b"", hexstr).decode()) if len(re.sub(rb"\s", b"", hexstr)) % 2 == 0 \
                else b""
            if raw.startswith(b"\xfe\xff"):
                text.append(raw[2:].decode("utf-16-be", "ignore"))
    return " ".join(text), False
