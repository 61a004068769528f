"""The link checker against hostile targets (review M4, L11): the SSRF guard, DNS pinning and the deadline.

- The review's 43 URL forms, plus every IPv6 transition form (6to4, Teredo, NAT64, local-use NAT64, IPv4-mapped,
  -compatible and -translated, with loopback, private, link-local and public IPv4 inside), are refused before any
  connection: a trap server on loopback, whose port every form targets, sees no request.
- The address a name resolves to is the one connected to: a second, different DNS answer is never asked for.
- A server that drips its headers or its body one byte at a time is cut at the check's wall-clock deadline.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from prongsai.web.oit import linkcheck, ssrf

PORTS = range(18120, 18200)  # this worktree's range for servers the tests start


def bind(handler) -> ThreadingHTTPServer:
    for port in PORTS:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise RuntimeError("no free port in 18120-18199")


@contextlib.contextmanager
def serving(handler) -> Iterator[ThreadingHTTPServer]:
    """``handler`` served on a free port (``bind``) by a background thread until the block ends.  The thread
    checks for shutdown every 50 ms, not Python's 0.5 s: every test that ends a server waits for that check."""
    server = bind(handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class Trap(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        Trap.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"reached")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def trap():
    with serving(Trap) as server:
        yield server.server_address[1]


def loopback_forms(port: int) -> list[str]:
    """The review's forms of "this machine" and of internal networks (the loopback ones aim at the trap)."""
    forms = [
        "127.0.0.1",
        "localhost",
        "LOCALHOST",
        "localhost.",
        "[::1]",
        "2130706433",
        "0x7f.0.0.1",
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "127.000.000.001",
        "0",
        "0.0.0.0",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "①②⑦.0.0.1",
        "127.0.0.2",
    ]
    if any(
        ipaddress.ip_address(info[4][0]).is_loopback
        for info in socket.getaddrinfo(socket.gethostname(), port, type=socket.SOCK_STREAM)
    ):
        forms.append(socket.gethostname())  # this machine's own name
    return [f"http://{host}:{port}/o1" for host in forms] + [f"https://127.0.0.1:{port}/o1"]


INTERNAL = [
    "169.254.169.254",
    "[fd00:ec2::254]",
    "10.0.0.1",
    "10.255.255.254",
    "192.168.1.1",
    "172.16.0.1",
    "172.31.255.254",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "192.0.0.1",
    "240.0.0.1",
    "[fe80::1]",
    "[ff02::1]",
    "[fc00::1]",
    "[fec0::1]",
    "[100::1]",
    "[2001:db8::1]",
]
#: IPv6 forms that carry an IPv4 address (L11): loopback, private, link-local and public IPv4 inside
TRANSITION = [
    "[2002:7f00:1::]",
    "[2002:a00:1::1]",
    "[2002:a9fe:a9fe::1]",
    "[2002:c000:221::1]",  # 6to4
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
    "[2001:0:53aa:64c:0:0:f5ff:fffe]",  # Teredo (client 127.0.0.1 etc.)
    "[64:ff9b::a00:1]",
    "[64:ff9b::c000:221]",
    "[64:ff9b:1::7f00:1]",
    "[64:ff9b:1::c000:221]",  # NAT64
    "[::ffff:a9fe:a9fe]",
    "[::ffff:10.0.0.1]",
    "[::ffff:192.0.2.33]",
    "[::a00:1]",
    "[::ffff:0:7f00:1]",
    "[::ffff:0:c000:221]",
]
SCHEMES = [
    "ftp://example.test/x",
    "file:///etc/passwd",
    "gopher://example.test/",
    "javascript:alert(1)",
    "dict://127.0.0.1:11211/",
]
CREDENTIALS = [
    "http://user:pw@example.test/",
    "http://user@example.test/",
    "http://:pw@example.test/",
    "http://example.test@127.0.0.1/",
    "https://a:b@127.0.0.1:443/",
    "http://x%40y:z@example.test/",
]


def test_the_table_holds_the_reviews_forms_and_more(trap):
    assert len(loopback_forms(trap)) + len(INTERNAL) + len(SCHEMES) + len(CREDENTIALS) >= 43
    assert len(TRANSITION) >= 14


@pytest.mark.parametrize("index", range(22))
def test_loopback_forms_are_refused_before_connecting(trap, index):
    forms = loopback_forms(trap)
    if index >= len(forms):
        pytest.skip("this machine's name does not resolve to loopback")
    from urllib.parse import urlsplit

    try:  # a name this machine's resolver does not know (some do not resolve "localhost.") is refused as such
        socket.getaddrinfo(urlsplit(forms[index]).hostname, trap, type=socket.SOCK_STREAM)
        expected = "private_address"
    except (socket.gaierror, UnicodeError):
        expected = "dns"
    before = len(Trap.hits)
    result = linkcheck.check_url(forms[index], allow_loopback=False, timeout=2, deadline=5)
    assert [p.code for p in result.problems] == [expected], (forms[index], result.problems)
    assert result.verdict == "broken" and result.http_status is None
    assert len(Trap.hits) == before


@pytest.mark.parametrize("host", INTERNAL + TRANSITION)
def test_internal_and_transition_addresses_are_refused_before_connecting(host):
    for allow_loopback in (False, True):
        result = linkcheck.check_url(
            f"http://{host}/latest/meta-data", allow_loopback=allow_loopback, timeout=1, deadline=2
        )
        assert [p.code for p in result.problems] == ["private_address"], (host, result.problems)


@pytest.mark.parametrize("url", SCHEMES)
def test_other_schemes_are_refused(url):
    assert [p.code for p in linkcheck.check_url(url).problems] == ["scheme"]


@pytest.mark.parametrize("url", CREDENTIALS)
def test_urls_with_credentials_are_refused(url, trap):
    before = len(Trap.hits)
    assert [p.code for p in linkcheck.check_url(url, allow_loopback=True, timeout=1).problems] == ["url"]
    assert len(Trap.hits) == before


@pytest.mark.parametrize(
    ("address", "inner"),
    [
        ("2002:7f00:1::", "127.0.0.1"),
        ("2002:c000:221::1", "192.0.2.33"),
        ("64:ff9b::a00:1", "10.0.0.1"),
        ("::ffff:a9fe:a9fe", "169.254.169.254"),
        ("::127.0.0.1", "127.0.0.1"),
        ("::ffff:0:7f00:1", "127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"),
    ],
)
def test_the_ipv4_inside_a_transition_address_is_found(address, inner):
    assert str(ssrf.embedded_ipv4(ipaddress.IPv6Address(address))) == inner
    assert not ssrf.address_allowed(ipaddress.ip_address(address), allow_loopback=True)


def test_nat64_is_allowed_only_when_asked_for_and_only_to_a_public_ipv4():
    public = ipaddress.ip_address("64:ff9b::808:808")  # 8.8.8.8 through a NAT64 gateway
    private = ipaddress.ip_address("64:ff9b::a00:1")  # 10.0.0.1
    local_use = ipaddress.ip_address("64:ff9b:1::808:808")
    assert not ssrf.address_allowed(public, False)
    assert ssrf.address_allowed(public, False, allow_nat64=True)
    assert not ssrf.address_allowed(private, True, allow_nat64=True)
    assert not ssrf.address_allowed(local_use, False, allow_nat64=True)


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "164.115.3.16", "2001:4860:4860::8888", "2606:4700:4700::1111", "2403:6200:8000::1"],
)
def test_public_addresses_are_allowed(address):
    assert ssrf.address_allowed(ipaddress.ip_address(address), allow_loopback=False)


def test_a_mixed_dns_answer_is_refused(monkeypatch):
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(ssrf.Refused) as refused:
        ssrf.resolve("rebind.example.test", 80, allow_loopback=False)
    assert refused.value.code == "private_address" and "10.0.0.7" in refused.value.message


def test_the_checked_address_is_the_one_connected_to(trap, monkeypatch):
    """DNS pinning: a name that answers loopback first and a private address next is asked once per hop."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def rebinding(host, *args, **kwargs):
        calls.append(host)
        if host == "evidence.example.test":
            ip = "127.0.0.1" if len(calls) == 1 else "10.0.0.9"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, args[0] if args else 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    before = len(Trap.hits)
    result = linkcheck.check_url(
        f"http://evidence.example.test:{trap}/o1", allow_loopback=True, timeout=2, deadline=5, require_year=False
    )
    assert result.http_status == 200
    assert [c for c in calls if not c[0].isdigit()] == ["evidence.example.test"]  # the name was asked once
    assert len(Trap.hits) == before + 1


class Redirector(BaseHTTPRequestHandler):
    """Redirects /to?u=TARGET to TARGET (the review's second probe: a reachable page sending the checker inward)."""

    def do_GET(self):
        from urllib.parse import parse_qs, urlsplit

        target = parse_qs(urlsplit(self.path).query).get("u", ["/"])[0]
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def redirector():
    with serving(Redirector) as server:
        yield server.server_address[1]


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://[fd00:ec2::254]/",
        "http://0x0a000001/",
        "http://192.168.0.1:8080/admin",
    ],
)
def test_a_redirect_inward_is_refused_before_the_second_connection(redirector, target):
    from urllib.parse import quote

    result = linkcheck.check_url(
        f"http://127.0.0.1:{redirector}/to?u={quote(target, safe='')}", allow_loopback=True, timeout=2, deadline=5
    )
    assert result.redirects and result.redirects[0][0] == 302
    assert "private_address" in [p.code for p in result.problems] and result.verdict == "broken"


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("file:///etc/passwd", "redirect_scheme"),
        ("gopher://127.0.0.1/", "redirect_scheme"),
        ("http://user:pw@127.0.0.1/", "url"),
    ],
)
def test_a_redirect_to_another_scheme_or_with_credentials_is_refused(redirector, target, code):
    from urllib.parse import quote

    result = linkcheck.check_url(
        f"http://127.0.0.1:{redirector}/to?u={quote(target, safe='')}", allow_loopback=True, timeout=2, deadline=5
    )
    assert code in [p.code for p in result.problems] and result.verdict == "broken"


# --------------------------------------------------------------------------------------------- the deadline


class Drip(BaseHTTPRequestHandler):
    """Sends its answer one byte every 0.2 s for 20 s: headers (/headers) or body (/body)."""

    sent: dict[str, int] = {}

    def do_GET(self):
        start = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        if self.path == "/body":
            start += b"Content-Length: 100\r\n\r\n"
        self.wfile.write(start)
        self.wfile.flush()
        Drip.sent[self.path] = 0
        for _ in range(100):
            try:
                self.wfile.write(b"x" if self.path == "/body" else b"X-Drip: 1\r\n"[:1])
                self.wfile.flush()
            except OSError:
                return
            Drip.sent[self.path] += 1
            time.sleep(0.2)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def drip():
    with serving(Drip) as server:
        yield server.server_address[1]


@pytest.mark.parametrize("path", ["/body", "/headers"])
def test_a_dripping_server_is_cut_at_the_deadline(drip, path):
    # each read arrives well within the per-read timeout: only the overall deadline can end this check
    result = linkcheck.check_url(f"http://127.0.0.1:{drip}{path}", allow_loopback=True, timeout=5, deadline=0.8)
    assert [p.code for p in result.problems] == ["deadline"]
    assert "ช้าเกินไป" in result.problems[0].message and result.verdict == "broken"
    time.sleep(0.3)  # let the server notice the closed connection
    assert Drip.sent[path] < 100  # it was cut long before its 100 bytes


def test_check_url_never_raises(monkeypatch, trap):
    """A failure inside the analysis (a library bug) becomes a recorded "could not check" result."""
    from prongsai.core import extract

    def broken(*args, **kwargs):
        raise RuntimeError("a library bug")

    monkeypatch.setattr(extract, "extract", broken)
    result = linkcheck.check_url(f"http://127.0.0.1:{trap}/o1", allow_loopback=True, timeout=2)
    assert result.http_status == 200
    assert [p.code for p in result.problems] == ["check_failed"] and result.verdict == "warning"
    assert "ตรวจไม่ได้" in result.problems[0].message and "RuntimeError" in result.error
