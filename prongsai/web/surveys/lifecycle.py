"""The lifecycle of a respondent code (docs/surveys.md): unused → used, or unused → revoked.  Both ends are final.

The one place these moves are written.  ``services.revoke_code``/``revoke_batch`` take their rows and new status
from ``revoke``; the conditional UPDATE that spends a code (``services._use_code_sql``) takes its before and after
statuses from ``use``; and a code that cannot make the ``use`` move is refused with its status as the reason.
``use`` has no role: the respondent is anonymous, and the code itself is the permission.
"""

from __future__ import annotations

from prongsai.core.lifecycle import Lifecycle, Move
from prongsai.web.agencies.models import Role
from prongsai.web.surveys.models import CodeStatus

CODE = Lifecycle(
    "respondent_code",
    CodeStatus.values,
    [  # thai-data: the core Move's (th, en) label pairs (unshown)
        Move("use", CodeStatus.UNUSED, CodeStatus.USED, "ตอบแบบสำรวจ", "Answer the survey"),
        Move(
            "revoke",
            CodeStatus.UNUSED,
            CodeStatus.REVOKED,
            "ยกเลิกรหัส",
            "Revoke the code",
            frozenset({Role.AGENCY_ADMIN.value}),
            confirm=True,
        ),
    ],
)
#: each move has one source: the hot path (the conditional UPDATE, a batch's revocation) reads them from here
USE, REVOKE = (next(m for m in CODE.moves if m.name == name) for name in ("use", "revoke"))
