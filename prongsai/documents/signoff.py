"""Sign-off of the pack's documents: the one transition table of a document version, and the approval stamp.

A version of one document (memo, order, announcement, analysis, O43 report) is **draft** while the ITA officer
works on it, **proposed** once the officer sends it to the director, and **approved** when the agency's director
approves it; the approved version is then printed again as the signed PDF, with the approver's name and the
approval date (B.E., Thai digits) where the signature block is.  An approved version never changes: generating the
document again makes a new draft version next to it (see docs/documents.md, "Sign-off").

Pure Python (no Django): the web app's services, views and templates all consult :data:`SIGNOFF` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prongsai.core.lifecycle import Lifecycle, Move
from prongsai.core.thai import format_thai_date

DRAFT, PROPOSED, APPROVED = "draft", "proposed", "approved"
STATES = (DRAFT, PROPOSED, APPROVED)

# the role names of prongsai.web.agencies.models.Role (plain strings here: this module has no Django)
OFFICER, DIRECTOR, CENTRAL = "agency_admin", "director", "central_admin"
#: who prepares the documents (and may send them to the director or take them back)
PREPARERS = frozenset({OFFICER, CENTRAL})

SIGNOFF = Lifecycle(
    "document_version",
    STATES,
    [
        Move("propose", DRAFT, PROPOSED, "เสนอผู้อำนวยการพิจารณา", "Propose to the director", PREPARERS),
        Move("withdraw", PROPOSED, DRAFT, "ถอนกลับมาแก้ไข", "Withdraw to edit", PREPARERS),
        Move("send_back", PROPOSED, DRAFT, "ส่งกลับให้แก้ไข", "Send back for changes", frozenset({DIRECTOR})),
        # approving prints the director's name on the signed PDF and freezes the version: the UI confirms first
        Move("approve", PROPOSED, APPROVED, "อนุมัติและลงนาม", "Approve and sign", frozenset({DIRECTOR}), confirm=True),
    ],
)

STATE_TH = {DRAFT: "ฉบับร่าง", PROPOSED: "เสนอผู้อำนวยการแล้ว", APPROVED: "อนุมัติแล้ว"}
STATE_EN = {DRAFT: "Draft", PROPOSED: "Proposed", APPROVED: "Approved"}


@dataclass(frozen=True)
class Stamp:
    """What the signed PDF prints in the approver's signature block."""

    name: str  # "นายพิศุทธิ์ พงศ์ศรีนิธิศ"
    position: str
    approved_on: date

    @property
    def mark(self) -> str:
        return f"อนุมัติโดย {self.name}"

    @property
    def date_line(self) -> str:
        return f"อนุมัติเมื่อ {format_thai_date(self.approved_on, 'full', thai_digits=True)}"

    def as_context(self) -> dict:
        return {"name": self.name, "position": self.position, "mark": self.mark, "date_line": self.date_line}


def missing_th(labels: list[str]) -> str:
    """The Thai message of an evidence pack asked for while some documents have no approved version."""
    return "ยังสร้างชุดหลักฐานไม่ได้: เอกสารต่อไปนี้ยังไม่ได้รับอนุมัติจากผู้อำนวยการ — " + ", ".join(labels) + " (ใช้เฉพาะฉบับที่อนุมัติแล้ว)"
