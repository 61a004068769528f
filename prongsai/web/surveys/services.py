"""State changes of the surveys.  Each function validates, authorises, runs in one transaction and audits.

The one exception to auditing is ``submit_response``: an audit row carries its exact time, and a respondent's
exact time would link the answers to the code's hand-over (docs/surveys.md, "Anonymity").  It is also the only
function without an actor: respondents have no account.

One answer per code, even under races: ``submit_response`` marks the code used with a conditional
``UPDATE … SET status='used' WHERE id=… AND status='unused'`` and inserts the response in the same transaction.
Exactly one transaction sees one updated row; every other one sees zero and stores nothing.  On PostgreSQL
the second ``UPDATE`` waits for the first to commit and then re-reads the row (READ COMMITTED); on SQLite the
transactions are ``BEGIN IMMEDIATE`` (settings) and run one at a time.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from prongsai.core.framework import Framework, Tool, load_framework
from prongsai.web.agencies import access
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.rounds.models import AssessmentRound, RoundStatus
from prongsai.web.surveys import ballot
from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys.lifecycle import CODE, REVOKE, USE
from prongsai.web.surveys.models import (
    Channel,
    CodeBatch,
    OpenLink,
    RespondentCode,
    SpentFormNonce,
    SurveyPopulation,
)
from prongsai.web.surveys.scope import applies_to, survey_tools  # noqa: F401 - services.applies_to is used by views
from prongsai.web.surveys.scope import check_scope as _check_scope
from prongsai.web.surveys.scoring import ComputedSurveys, compute_survey_results, responses_by_tool

MAX_BATCH = 300  # codes per batch: one PDF of 30 pages, a few seconds to render
MAX_HEADCOUNT = 1_000_000
#: no score (indicator, question, sub-item, option counts) of a tool is shown, stored or exported below this many
#: respondents; also the size of the ballot box's release batches (ballot.py): one floor everywhere
MIN_RESPONDENTS = ballot.MIN_RESPONDENTS


# ------------------------------------------------------------------------------------------------ helpers


def _tool_group(framework: Framework, tool: str, group: str) -> Tool:
    tools = {t.code: t for t in survey_tools(framework)}
    if tool not in tools:
        raise ValidationError(_("Unknown survey tool '%(tool)s'") % {"tool": tool})
    if group not in {g.code for g in tools[tool].groups}:
        raise ValidationError(_("Tool %(tool)s has no respondent group '%(group)s'") % {"tool": tool, "group": group})
    return tools[tool]


def today() -> datetime.date:
    """Today in Asia/Bangkok (the settings' TIME_ZONE)."""
    return timezone.localdate()


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


# ---------------------------------------------------------------------------------------------- headcounts


def set_headcounts(
    actor, round_: AssessmentRound, agency: Agency, counts: dict[tuple[str, str], int]
) -> list[SurveyPopulation]:
    """Enter or correct the headcount of each (tool, group); groups not given keep their value."""
    framework = _check_scope(actor, round_, agency)
    clean: dict[tuple[str, str], int] = {}
    for (tool, group), value in counts.items():
        _tool_group(framework, tool, group)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(tool)s/%(group)s: the number must be a whole number") % {"tool": tool, "group": group}
            ) from None
        if not 0 <= number <= MAX_HEADCOUNT:
            raise ValidationError(
                _("%(tool)s/%(group)s: the number must be between 0 and %(max)s")
                % {"tool": tool, "group": group, "max": f"{MAX_HEADCOUNT:,}"}
            )
        clean[(tool, group)] = number
    with transaction.atomic():
        existing = {
            (p.tool, p.group): p
            for p in SurveyPopulation.objects.select_for_update().filter(round=round_, agency=agency)
        }
        changes, rows = {}, []
        for (tool, group), number in clean.items():
            row = existing.get((tool, group))
            before = row.headcount if row else None
            if row is None:
                row = SurveyPopulation.objects.create(
                    round=round_, agency=agency, tool=tool, group=group, headcount=number
                )
            elif row.headcount != number:
                row.headcount = number
                row.save(update_fields=["headcount", "updated_at"])
            if before != number:
                changes[f"{tool}/{group}"] = [before, number]
            rows.append(row)
        if changes:
            record(
                actor,
                AuditAction.SET_HEADCOUNTS,
                f"{agency.display_name}: headcounts {round_.fiscal_year}",
                agency=agency,
                changes=changes,
            )
    return rows


# ----------------------------------------------------------------------------------------------- codes


@dataclass
class GeneratedBatch:
    batch: CodeBatch
    #: the plaintext codes: they exist only here, once (print them now; nothing can show them again)
    codes: list[str]


def generate_codes(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    tool: str,
    group: str,
    count: int,
    expires_on: datetime.date | None = None,
    note: str = "",
) -> GeneratedBatch:
    framework = _check_scope(actor, round_, agency)
    _tool_group(framework, tool, group)
    if round_.is_closed:
        raise ValidationError(_("The assessment round is closed: no more codes can be generated."))
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ValidationError(_("The number of codes must be a whole number.")) from None
    if not 1 <= count <= MAX_BATCH:
        raise ValidationError(_("Generate between 1 and %(max)s codes at a time.") % {"max": MAX_BATCH})
    if expires_on is not None and expires_on < today():
        raise ValidationError(_("The expiry date cannot be before today."))
    for _attempt in range(5):
        plain: dict[str, str] = {}
        while len(plain) < count:
            code = codemod.generate()
            plain[codemod.digest(code)] = code
        try:
            with transaction.atomic():
                taken = set(RespondentCode.objects.filter(digest__in=list(plain)).values_list("digest", flat=True))
                for d in taken:  # astronomically rare at 46 bits; replace rather than fail
                    del plain[d]
                    while True:
                        code = codemod.generate()
                        if (new := codemod.digest(code)) not in plain:
                            plain[new] = code
                            break
                batch = CodeBatch.objects.create(
                    round=round_,
                    agency=agency,
                    tool=tool,
                    group=group,
                    size=count,
                    expires_on=expires_on,
                    note=note[:200],
                    created_by=actor if actor.is_authenticated else None,
                )
                RespondentCode.objects.bulk_create(
                    [
                        RespondentCode(
                            digest=d,
                            round=round_,
                            agency=agency,
                            batch=batch,
                            tool=tool,
                            group=group,
                            expires_on=expires_on,
                        )
                        for d in plain
                    ],
                    batch_size=500,
                )
                record(
                    actor,
                    AuditAction.GENERATE_CODES,
                    f"{agency.display_name}: {count} codes {tool}/{group}",
                    agency=agency,
                    obj=batch,
                    changes={
                        "tool": tool,
                        "group": group,
                        "count": count,
                        "expires_on": expires_on.isoformat() if expires_on else None,
                    },
                )
            return GeneratedBatch(batch=batch, codes=list(plain.values()))
        except IntegrityError:  # a concurrent batch took one of the digests between the check and the insert
            continue
    raise ValidationError(_("The codes could not be generated. Please try again."))


def revoke_code(actor, round_: AssessmentRound, agency: Agency, typed: str) -> None:
    """Make one code unusable (a lost or misprinted slip) by what is printed on it.

    The outcome, the message and the audit entry are the same whether the code was unused (it is now revoked),
    already used or already revoked: this form must not tell the officer whether that person has answered
    (docs/surveys.md, "Participation").  A used code keeps its status (its answer is not linked to it).
    """
    _check_scope(actor, round_, agency)
    code = codemod.normalise(typed)
    with transaction.atomic():
        row = (
            RespondentCode.objects.select_for_update()
            .filter(digest=codemod.digest(code), round=round_, agency=agency)
            .first()
            if codemod.is_well_formed(code)
            else None
        )
        if row is None:
            raise ValidationError(_("This code was not found for this agency and assessment round."))
        if CODE.allows(row.status, "revoke"):
            row.status = CODE.check(row.status, "revoke").target
            row.save(update_fields=["status"])
        record(
            actor,
            AuditAction.REVOKE_CODE,
            f"{agency.display_name}: one code of batch {row.batch_id} can no longer answer",
            agency=agency,
            obj=row.batch,
            changes={"batch": row.batch_id},
        )


def revoke_batch(actor, batch: CodeBatch) -> int:
    """Revoke every unused code of a batch (a lost sheet); used codes stay used."""
    agency = batch.agency
    if not access.can_manage_agency(actor, agency):
        raise PermissionDenied
    with transaction.atomic():
        count = RespondentCode.objects.filter(batch=batch, status__in=CODE.sources("revoke")).update(
            status=REVOKE.target
        )
        record(
            actor,
            AuditAction.REVOKE_BATCH,
            f"{agency.display_name}: revoked {count} unused codes of batch {batch.pk}",
            agency=agency,
            obj=batch,
            changes={"batch": batch.pk, "revoked": count},
        )
    return count


# ----------------------------------------------------------------------------------------- open EIT link


def set_open_link(
    actor,
    round_: AssessmentRound,
    agency: Agency,
    *,
    active: bool,
    group: str | None = None,
    rotate: bool = False,
    tool: str = "EIT",
) -> OpenLink:
    """Create, switch on or off, or re-issue (``rotate``: the old link stops working) the open EIT link."""
    framework = _check_scope(actor, round_, agency)
    tool_obj = next((t for t in survey_tools(framework) if t.code == tool), None)
    if tool_obj is None or not tool_obj.groups:
        raise ValidationError(_("This round has no %(tool)s survey.") % {"tool": tool})
    if group is not None:
        _tool_group(framework, tool, group)
    with transaction.atomic():
        link = OpenLink.objects.select_for_update().filter(round=round_, agency=agency, tool=tool).first()
        before = None if link is None else {"active": link.is_active, "group": link.group}
        if link is None:
            link = OpenLink(
                round=round_,
                agency=agency,
                tool=tool,
                group=group or tool_obj.groups[-1].code,
                token=codemod.generate(codemod.TOKEN_LENGTH),
                created_by=actor if actor.is_authenticated else None,
            )
        if group is not None:
            link.group = group
        if rotate and link.pk:
            link.token = codemod.generate(codemod.TOKEN_LENGTH)
        link.is_active = active
        link.save()
        record(
            actor,
            AuditAction.SET_OPEN_LINK,
            f"{agency.display_name}: open {tool} link {'on' if active else 'off'}{' (new link)' if rotate else ''}",
            agency=agency,
            obj=link,
            changes={
                "before": before,
                "after": {"active": link.is_active, "group": link.group},
                "rotated": bool(rotate),
            },
        )
    return link


# ------------------------------------------------------------------------------------------- respondents


class CodeUnavailable(Exception):
    """The code (or open link) cannot take an answer; ``reason`` names the page to show."""

    REASONS = ("unknown", "used", "revoked", "expired", "closed", "replayed")

    def __init__(self, reason: str):
        assert reason in self.REASONS, reason
        self.reason = reason
        super().__init__(reason)


@dataclass
class Ticket:
    """What a valid code or open link lets a respondent answer.

    Plain values only, so that the form can carry it in its signed state from page to page (``flow.State``):
    the submit then needs no lookup before its conditional update.
    """

    kind: str  # "code" or "open"
    id: int  # RespondentCode.pk or OpenLink.pk
    round_id: int
    agency_id: int
    tool: str
    group: str
    framework_id: str
    agency_name: str = ""  # labels for the pages
    round_name: str = ""
    expires_on: datetime.date | None = None
    #: open links only: a random value per form, spent at the submit (a replayed form is refused)
    nonce: str = ""

    @property
    def framework(self) -> Framework:
        return load_framework(self.framework_id)

    def as_dict(self) -> dict:
        return {
            "k": self.kind,
            "i": self.id,
            "r": self.round_id,
            "a": self.agency_id,
            "t": self.tool,
            "g": self.group,
            "f": self.framework_id,
            "n": self.agency_name,
            "rn": self.round_name,
            "e": self.expires_on.isoformat() if self.expires_on else None,
            "o": self.nonce,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Ticket:
        return cls(
            kind=str(d["k"]),
            id=int(d["i"]),
            round_id=int(d["r"]),
            agency_id=int(d["a"]),
            tool=str(d["t"]),
            group=str(d["g"]),
            framework_id=str(d["f"]),
            agency_name=str(d.get("n", "")),
            round_name=str(d.get("rn", "")),
            expires_on=datetime.date.fromisoformat(d["e"]) if d.get("e") else None,
            nonce=str(d.get("o") or ""),
        )


def make_ticket(
    kind: str,
    pk: int,
    round_: AssessmentRound,
    agency: Agency,
    tool: str,
    group: str,
    expires_on: datetime.date | None = None,
) -> Ticket:
    return Ticket(
        kind,
        pk,
        round_.pk,
        agency.pk,
        tool,
        group,
        round_.framework_id,
        agency.display_name,
        round_.name_th,
        expires_on,
    )


def _unavailable_reason(row: RespondentCode, day: datetime.date) -> str | None:
    if not CODE.allows(row.status, "use"):
        return row.status  # "used" or "revoked": the reasons are named after the final statuses
    if not row.round.is_open:
        return "closed"
    if row.expires_on is not None and row.expires_on < day:
        return "expired"
    return None


def _check_row(row: RespondentCode | None, day: datetime.date) -> None:
    """``CodeUnavailable`` unless the code's row exists and may still answer."""
    if row is None:
        raise CodeUnavailable("unknown")
    reason = _unavailable_reason(row, day)
    if reason:
        raise CodeUnavailable(reason)


def _check_link(link: OpenLink | None) -> None:
    """``CodeUnavailable`` unless the open link exists, is on, and its round is open."""
    if link is None or not link.is_active:
        raise CodeUnavailable("unknown")
    if not link.round.is_open:
        raise CodeUnavailable("closed")


def check_code(typed: str) -> Ticket:
    """The ticket for a typed or scanned code, or ``CodeUnavailable`` with the reason.  Reads only."""
    code = codemod.normalise(typed)
    if not codemod.is_well_formed(code):
        raise CodeUnavailable("unknown")
    row = RespondentCode.objects.select_related("round", "agency").filter(digest=codemod.digest(code)).first()
    _check_row(row, today())
    return make_ticket("code", row.pk, row.round, row.agency, row.tool, row.group, row.expires_on)


def recheck(ticket_: Ticket) -> None:
    """``CodeUnavailable`` when the code or link of a ticket carried by the form can no longer answer (one query)."""
    if ticket_.kind == "code":
        _check_row(
            RespondentCode.objects.select_related("round")
            .only("status", "expires_on", "round__status")
            .filter(pk=ticket_.id)
            .first(),
            today(),
        )
    else:
        _check_link(
            OpenLink.objects.select_related("round").only("is_active", "round__status").filter(pk=ticket_.id).first()
        )


def check_open_link(token: str) -> Ticket:
    link = OpenLink.objects.select_related("round", "agency").filter(token=token.strip().upper()[:32]).first()
    _check_link(link)
    ticket_ = make_ticket("open", link.pk, link.round, link.agency, link.tool, link.group)
    ticket_.nonce = secrets.token_urlsafe(16)
    return ticket_


def validate_answers(framework: Framework, tool: str, answers: dict) -> dict[str, int]:
    """Every answer field of the tool answered with a valid option index; nothing else."""
    spec = ballot.answer_spec(framework, tool)
    clean: dict[str, int] = {}
    missing = []
    for code, options in spec:
        raw = answers.get(code)
        try:
            index = int(raw)  # type: ignore[arg-type]  # None is caught below as a missing answer
        except (TypeError, ValueError):
            missing.append(code)
            continue
        if not 0 <= index < options:
            missing.append(code)
            continue
        clean[code] = index
    extra = set(answers) - set(clean) - set(missing) if len(answers) != len(clean) else ()
    if missing or extra:
        raise ValidationError(
            _("Missing or invalid answers: %(codes)s") % {"codes": ", ".join(missing + sorted(extra))}
        )
    return clean


def _use_code_sql(ticket_: Ticket, day: datetime.date) -> tuple[str, list]:
    """The conditional update that uses a code: conditions on the code's own row plus an EXISTS on the round,
    never a join.  Through the ORM a related condition becomes ``id IN (SELECT …)``, which PostgreSQL re-checks
    against a stale snapshot when two transactions race for the row (both would win).  Hand-written also because
    it is the hot path: the ORM spends more CPU building this statement than the database spends running it.
    """
    return _use_code_text(connection.vendor), [
        str(USE.target),
        ticket_.id,
        str(USE.source),
        connection.ops.adapt_datefield_value(day),
        ticket_.round_id,
        RoundStatus.OPEN.value,
    ]


@functools.lru_cache(maxsize=4)
def _use_code_text(vendor: str) -> str:
    code_table = connection.ops.quote_name(RespondentCode._meta.db_table)
    round_table = connection.ops.quote_name(AssessmentRound._meta.db_table)
    return (
        f"UPDATE {code_table} SET status = %s WHERE id = %s AND status = %s"
        f" AND (expires_on IS NULL OR expires_on >= %s)"
        f" AND EXISTS (SELECT 1 FROM {round_table} WHERE id = %s AND status = %s)"
    )


def _use_code(ticket_: Ticket, day: datetime.date) -> int:
    """Mark the ticket's code used if it still may answer; the number of rows changed (1 wins, 0 loses)."""
    sql, params = _use_code_sql(ticket_, day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _use_code_and_hold(ticket_: Ticket, day: datetime.date, scope: dict, sealed: bytes) -> tuple[int, int]:
    """Use the code and hold the sealed answers atomically: (1, held in the scope) or (0, …) when the code could
    not be used.  PostgreSQL outside a transaction: one prepared statement (``ballot.use_code_and_hold_pg``);
    otherwise the update, the insert and the count in one transaction (SQLite: ``BEGIN IMMEDIATE``)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        sql, params = _use_code_sql(ticket_, day)
        return ballot.use_code_and_hold_pg(sql, params, scope, sealed)
    with transaction.atomic():
        if _use_code(ticket_, day) != 1:
            return 0, 0
        return 1, ballot.hold_sealed(scope, sealed)


def _spend_nonce(ticket_: Ticket) -> None:
    """Record an open-link form state as submitted (a keyed hash of its nonce); ``CodeUnavailable("replayed")``
    when it already was.  A savepoint keeps the unique violation from spoiling the caller's transaction."""
    if not ticket_.nonce:
        raise CodeUnavailable("replayed")
    digest = hmac.new(codemod.key(b"nonce"), ticket_.nonce.encode(), hashlib.sha256).hexdigest()
    try:
        with transaction.atomic():
            SpentFormNonce.objects.create(digest=digest, round_id=ticket_.round_id)
    except IntegrityError:
        raise CodeUnavailable("replayed") from None


def release_scope(ticket_: Ticket) -> dict:
    """The ballot box's release scope of a ticket's answer (``ballot.py``): round, agency, tool, group, channel."""
    channel = Channel.CODE if ticket_.kind == "code" else Channel.OPEN
    return {
        "round_id": ticket_.round_id,
        "agency_id": ticket_.agency_id,
        "tool": ticket_.tool,
        "group": ticket_.group,
        "channel": channel.value,
    }


def submit_response(ticket_: Ticket, answers: dict) -> None:
    """Use up the code (or the open-link form's nonce) and put the answers in the ballot box, atomically;
    ``CodeUnavailable`` when it cannot.

    One transaction: the conditional update of the code, the insert of the sealed held response, a count of
    its release scope (on PostgreSQL one prepared statement, ``_use_code_and_hold``).  When the scope is full,
    the release runs in a transaction of its own right after this one commits (``ballot.py``).  What is eventually
    stored holds the round, agency, tool, group, channel, week and answers: nothing that names the code, the
    person, the device or the time of day.
    No audit entry is written (module docstring).
    """
    clean = validate_answers(ticket_.framework, ticket_.tool, answers)
    day = today()
    scope = release_scope(ticket_)
    sealed = ballot.seal_answers(ticket_.framework, scope, week_of(day), clean)
    if ticket_.kind == "code":
        changed, held = _use_code_and_hold(ticket_, day, scope, sealed)
        if changed != 1:
            row = RespondentCode.objects.select_related("round").filter(pk=ticket_.id).first()
            raise CodeUnavailable("unknown" if row is None else (_unavailable_reason(row, day) or "used"))
    else:
        with transaction.atomic():
            round_open = Exists(AssessmentRound.objects.filter(pk=ticket_.round_id, status=RoundStatus.OPEN))
            if not OpenLink.objects.filter(round_open, pk=ticket_.id, is_active=True).exists():
                raise CodeUnavailable("closed")
            _spend_nonce(ticket_)
            held = ballot.hold_sealed(scope, sealed)
    if held >= MIN_RESPONDENTS:
        ballot.release_after_commit(**scope)


# ------------------------------------------------------------------------------------------------ scoring
# (in scoring.py; re-exported here, where every state change of the surveys is looked for: imported at the top,
# now that scoring no longer imports this module)

__all__ = ["ComputedSurveys", "compute_survey_results", "responses_by_tool"]
