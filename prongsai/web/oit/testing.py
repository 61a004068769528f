"""Test and demo support: a local evidence website on loopback and small evidence files.

``EvidenceServer`` serves, on 127.0.0.1 only, the pages an ITA officer links to: a good page with the fiscal year
in Thai digits, a page without the year, a 404, a redirect to a login page, a redirect to another host name
(``localhost`` instead of ``127.0.0.1``), PDFs (plain and Flate-compressed), a Windows-874 page and a redirect to
an ``ftp:`` URL.  The link checker may reach it only when ``PRONGSAI_LINKCHECK_ALLOW_LOOPBACK`` is on.
"""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GOOD_HTML = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>โครงสร้างหน่วยงาน</title></head>
<body><h1>โครงสร้างการแบ่งส่วนราชการ สพป.สมุทรสาคร</h1>
<p>แผนผังโครงสร้าง กลุ่ม/หน่วย และ ก.ต.ป.น. ประจำปีงบประมาณ พ.ศ. ๒๕๖๓</p>
<script>var year = "2499";</script></body></html>"""

NO_YEAR_HTML = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ข่าวประชาสัมพันธ์</title></head>
<body><h1>ข่าวประชาสัมพันธ์</h1><p>กิจกรรมของสำนักงาน (ไม่ระบุปี)</p></body></html>"""

PLAN_HTML = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>แผนปฏิบัติการประจำปี</title></head>
<body><h1>แผนดำเนินงานประจำปี 2563</h1><p>แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2563 ของหน่วยงาน</p></body></html>"""

NEWS_HTML = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>ข่าวประชาสัมพันธ์</title></head>
<body><h1>ข่าวประชาสัมพันธ์ ปี 2563</h1><p>กิจกรรมของสำนักงาน มิถุนายน 2563</p></body></html>"""

INTEGRITY_HTML = """<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>เจตจำนงสุจริต</title></head>
<body><h1>ประกาศเจตจำนงสุจริตของผู้บริหาร ปีงบประมาณ พ.ศ. ๒๕๖๓</h1></body></html>"""

LOGIN_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>เข้าสู่ระบบ</title></head>
<body><form><input name="user"><input type="password" name="pw"></form></body></html>"""


def pdf_bytes(text: str = "ITA report 2562", compress: bool = False) -> bytes:
    """A minimal valid one-page PDF showing ``text`` (ASCII) in Helvetica."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    stream_dict = b""
    if compress:
        content = zlib.compress(content)
        stream_dict = b" /Filter /FlateDecode"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length " + str(len(content)).encode() + stream_dict + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_bytes(text: str = "รายงานผลการดำเนินงาน ปีงบประมาณ พ.ศ. ๒๕๖๓") -> bytes:
    """A minimal Word package (enough for the type check and the text extraction)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
            'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


class _Handler(BaseHTTPRequestHandler):
    server_version = "EvidenceServer/1.0"

    def log_message(self, format, *args):
        self.server.requests.append(self.path)  # type: ignore[attr-defined]  # the test server's own request log

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict | None = None,
    ):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]  # type: ignore[index]  # a TCP server: (host, port)
        path = self.path.split("?")[0]
        routes = {
            "/o1": lambda: self._send(200, GOOD_HTML.encode()),
            "/o10": lambda: self._send(200, PLAN_HTML.encode()),
            "/o7": lambda: self._send(200, NEWS_HTML.encode()),
            "/o34": lambda: self._send(200, INTEGRITY_HTML.encode()),
            "/news": lambda: self._send(200, NO_YEAR_HTML.encode()),
            "/missing": lambda: self._send(404, b"<h1>Not Found</h1>"),
            "/to-login": lambda: self._send(302, headers={"Location": "/login?next=/o1"}),
            "/login": lambda: self._send(200, LOGIN_HTML.encode()),
            "/to-other-host": lambda: self._send(302, headers={"Location": f"http://localhost:{port}/o1"}),
            "/to-ftp": lambda: self._send(302, headers={"Location": "ftp://files.example.test/o1.pdf"}),
            "/loop": lambda: self._send(302, headers={"Location": "/loop"}),
            "/report.pdf": lambda: self._send(200, pdf_bytes("Annual report 2562"), "application/pdf"),
            "/report-2563.pdf": lambda: self._send(200, pdf_bytes("Plan 2563", compress=True), "application/pdf"),
            "/report.docx": lambda: self._send(
                200, docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            ),
            "/tis620": lambda: self._send(
                200, "<html><body>โครงสร้าง ปี ๒๕๖๓</body></html>".encode("cp874"), "text/html; charset=tis-620"
            ),
            "/big": lambda: self._send(200, b"<html>" + b"x" * 300_000 + b" 2563</html>"),
        }
        handler = routes.get(path)
        if handler is None:
            self._send(404, b"not found")
        else:
            handler()


class EvidenceServer:
    """``with EvidenceServer() as site: site.url("/o1")`` — an HTTP server on 127.0.0.1 in a daemon thread."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.requests = []  # type: ignore[attr-defined]  # the test server's own request log
        # polled every 50 ms, not every 0.5 s: ``shutdown`` waits for the next poll, at the end of every test
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests  # type: ignore[attr-defined]  # the test server's own request log

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
