"""From the database to the pure document layer (``prongsai.documents``): gather one agency's pack, render it.

``gather`` reads everything the five documents need for one agency and one working round (a fixed number of
queries); ``render`` hands it to the context builders and renderers of ``prongsai.documents`` and returns the
bytes (DOCX, PDF and the evidence-pack ZIP).  Nothing here writes to the database: the services store the
outputs, the CLI writes them to a folder.
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from prongsai.core.thai import ImpossibleDate
from prongsai.web.agencies.models import Agency, Membership, Role
from prongsai.web.documents.models import DocumentKind
from prongsai.web.messages import localized
from prongsai.web.rounds.models import AssessmentRound

if TYPE_CHECKING:
    from concurrent.futures import Executor


class PackError(Exception):
    """The pack cannot be made (no result to analyse, …): a message for the user."""


@dataclass
class Output:
    kind: str
    fmt: str
    name: str
    data: bytes


@dataclass
class RenderedPack:
    outputs: list[Output]
    zip: bytes | None = None
    zip_name: str = ""
    #: each rendered document's context (JSON-able): kept on its version for the signed PDF (signoff)
    contexts: dict = field(default_factory=dict)


@dataclass
class PackData:
    round: AssessmentRound
    agency: Agency
    analysed_round: AssessmentRound | None
    analysis: Any  # measures.analysis.AgencyAnalysis or None
    committee: Any
    members: list
    measures: list
    responsible: dict[int, list]
    details: Any
    ita_unit: Any
    director: Membership | None
    officer: Membership | None
    notes: dict[int, str] = field(default_factory=dict)
    units: list = field(default_factory=list)  # all the agency's units, in order
    phases: dict[str, tuple] = field(default_factory=dict)  # the round's phases: name → (starts, ends)
    staff: list = field(default_factory=list)  # unit staff memberships of the agency (the memo's preparer)


def gather(round_: AssessmentRound, agency: Agency) -> PackData:
    from django.db.models import Prefetch

    from prongsai.web.documents.models import DocumentDetails
    from prongsai.web.measures import analysis as analysis_view
    from prongsai.web.measures import committees
    from prongsai.web.measures import services as measure_services
    from prongsai.web.measures.models import Committee, Measure, MeasureAction, ProgressReport

    analysed = analysis_view.analysed_round(round_)
    analysis = analysis_view.build(analysed, agency) if analysed is not None else None
    committee = Committee.objects.filter(round=round_, agency=agency).first()
    members = list(committee.members.select_related("person", "unit")) if committee else []
    measures = list(
        Measure.objects.filter(round=round_, agency=agency).prefetch_related(
            "units",
            Prefetch("actions", MeasureAction.objects.select_related("unit")),
            Prefetch("reports", ProgressReport.objects.select_related("unit").prefetch_related("files")),
        )
    )
    all_units = list(agency.units.order_by("order", "name_th"))
    responsible = {m.pk: (all_units if m.all_units else measure_services.responsible_units(m)) for m in measures}
    details = (
        DocumentDetails.objects.filter(round=round_, agency=agency)
        .select_related("memo_unit", "author", "signer")
        .first()
    )
    memberships = list(
        Membership.objects.filter(agency=agency, role__in=[Role.DIRECTOR, Role.AGENCY_ADMIN, Role.UNIT_STAFF])
        .select_related("user__person", "unit")
        .order_by("pk")
    )
    director = next((m for m in memberships if m.role == Role.DIRECTOR), None)
    officer = next((m for m in memberships if m.role == Role.AGENCY_ADMIN), None)
    phases = {p.phase: (p.starts_on, p.ends_on) for p in round_.phases.all()}
    return PackData(
        round=round_,
        agency=agency,
        analysed_round=analysed,
        analysis=analysis,
        committee=committee,
        members=members,
        measures=measures,
        responsible=responsible,
        details=details,
        ita_unit=committees.ita_unit(agency),
        director=director,
        officer=officer,
        notes={r.number: r.note for r in analysis.indicators} if analysis else {},
        units=all_units,
        phases=phases,
        staff=[m for m in memberships if m.role == Role.UNIT_STAFF],
    )


def readiness(round_: AssessmentRound, agency: Agency, analysed: AssessmentRound | None, details) -> list[str]:
    """What is still missing before the pack is ready to sign (shown on the pack page; generation still works).

    ``analysed`` is ``analysis.analysed_round(round_)`` and ``details`` the round's ``DocumentDetails`` (or None),
    both already loaded by the page."""
    from prongsai.web.measures.committees import committee_for
    from prongsai.web.measures.models import Measure

    problems = []
    if analysed is None:
        problems.append(
            _("There is no assessment round of fiscal year %(year)s to analyse") % {"year": round_.fiscal_year - 1}
        )
    else:
        from prongsai.web.results import queries

        result = queries.effective_result(analysed, agency)
        if result is None or result.total is None:
            problems.append(_("The agency has no result for %(year)s yet") % {"year": analysed.fiscal_year})
    committee = committee_for(round_, agency)
    if committee is None or not committee.members.exists():
        problems.append(_("The committee is not set yet"))
    elif not committee.order_number:
        problems.append(_("The order number is not given yet"))
    if not Measure.objects.filter(round=round_, agency=agency).exists():
        problems.append(_("There are no measures yet"))
    if details is None or details.signer_id is None:
        problems.append(_("The signer is not given yet"))
    return problems


# ------------------------------------------------------------------------------------ the pure input

# The wording the Thai documents print (the kind of agency, "all units", the signer's default position).
KIND_TH = {  # thai-data: document wording, the agency's kind as the documents print it
    "esa": "สำนักงานเขตพื้นที่การศึกษา",
    "school": "สถานศึกษา",
    "central": "หน่วยงาน",
    "general": "หน่วยงานภาครัฐ",
}
ALL_UNITS_TH = "ทุกกลุ่ม/หน่วย"  # thai-data: document wording (the measures' responsible unit)
RANK_SCOPE_TH = {True: "ของประเทศ", False: "ในกลุ่มเดียวกัน"}  # thai-data: document wording (ESA offices: national)


def director_position(agency: Agency) -> str:
    """The position the documents print for a signer without one: "the director of <agency>" in Thai."""
    return f"ผู้อำนวยการ{agency.name_th}"  # thai-data: document wording (the signature block)


def _person(ctx, person, position: str = ""):
    """A ``agencies.Person`` as the documents print it: "นางอลินดา กิตติทรงภพ" and its position (lines)."""
    if person is None:
        return None
    name = f"{person.title_th}{person.full_name_th}".strip()
    return ctx.Person(name=name, position=(position or person.position_th or "").strip())


def _membership_person(ctx, membership):
    if membership is None:
        return None
    person = getattr(membership.user, "person", None)
    return _person(ctx, person, membership.position_th) if person is not None else None


def to_pack_input(data: PackData):
    """The pure ``prongsai.documents.context.PackInput`` of one agency's pack."""
    from prongsai.documents import context as ctx

    if data.analysis is None:
        year = data.round.fiscal_year - 1
        raise PackError(f"{data.agency.display_name}: no result of fiscal year {year} to analyse (import it first)")
    agency, details = data.agency, data.details
    parent = agency.parent if agency.parent_id else None
    unit = (details.memo_unit if details and details.memo_unit_id else None) or data.ita_unit
    # "ศธ 04152/" (number left blank for the registry) or "ศธ 04152/123": prefix up to the last "/"
    memo_ref = (details.memo_number if details else "").strip()
    memo_prefix, _, memo_no = memo_ref.rpartition("/")
    memo_prefix = memo_prefix + "/" if memo_prefix else ""
    if not memo_prefix:
        memo_prefix, memo_no = "", memo_ref
    website = (agency.website or "").removeprefix("https://").removeprefix("http://").rstrip("/")
    info = ctx.AgencyInfo(
        name_th=agency.name_th,
        short_name=agency.short_name,
        unit=unit.name_th if unit else "",
        phone=ctx.th(details.phone) if details and details.phone else "",
        doc_prefix=memo_prefix,
        website=website,
        parent_name=parent.name_th if parent else "",
        parent_short=parent.short_name if parent else "",
        kind_th=KIND_TH.get(agency.kind, KIND_TH["general"]),
        rank_scope_th=RANK_SCOPE_TH[agency.kind == "esa"],
    )

    signer = None
    if details and details.signer_id:
        signer = _person(ctx, details.signer, details.signer_position)
    signer = signer or _membership_person(ctx, data.director) or ctx.Person(name="", position=director_position(agency))
    author = _person(ctx, details.author) if details and details.author_id else _membership_person(ctx, data.officer)
    # the memo is signed first by the staff member of its unit who prepared it (when the unit has one other than
    # the author), then by the author, as the seed's (นายนิสิต ธีระสิทธิ์, then นางอลินดา กิตติทรงภพ)
    preparer = next(
        (
            p
            for m in data.staff
            if unit is not None and m.unit_id == unit.pk
            for p in [_membership_person(ctx, m)]
            if p is not None and (author is None or p.name != author.name)
        ),
        None,
    )

    from prongsai.web.measures.models import COMMITTEE_ROLE_TH

    committee = []
    for m in data.members:
        role = COMMITTEE_ROLE_TH.get(m.role, m.role)  # the Thai term, whatever language the user reads
        if m.person_id:
            committee.append(
                ctx.CommitteeMember(
                    role=role,
                    person=ctx.Person(
                        name=f"{m.person.title_th}{m.person.full_name_th}".strip(),
                        position=m.position_th or m.person.position_th,
                    ),
                )
            )
        else:
            committee.append(ctx.CommitteeMember(role=role, title=m.position_th))

    measures, progress = [], []
    for m in data.measures:
        action_units = {a.unit.name_th for a in m.actions.all() if a.unit_id}
        if m.all_units:
            units = (ALL_UNITS_TH,)
        else:
            units = tuple(u.name_th for u in m.units.all() if u.name_th not in action_units)
        indicators = tuple(int(t) for t in m.targets if str(t).isdigit())
        items = tuple(t for t in m.targets if not str(t).isdigit())
        key = str(m.pk)
        measures.append(
            ctx.Measure(
                area=m.title,
                purpose=m.purpose,
                units=units,
                indicators=indicators,
                items=items,
                start=m.starts_on,
                end=m.ends_on,
                key=key,
                actions=tuple(
                    ctx.MeasureAction(a.text, (a.unit.name_th,) if a.unit_id else ()) for a in m.actions.all()
                ),
            )
        )
        # the O43 report reads each unit's text as an outline and merges what units reported alike (report_o43)
        for r in sorted(m.reports.all(), key=lambda r: (r.period, r.unit.order, r.unit.name_th)):
            progress.append(
                ctx.ProgressReport(
                    measure=key,
                    period=r.period,
                    text=r.text.strip(),
                    links=tuple(r.links),
                    unit=r.unit.name_th,
                    reported_on=r.submitted_at.date(),
                )
            )
        if m.outcome:
            progress.append(ctx.ProgressReport(measure=key, period=12, text=m.outcome))

    a = data.analysis
    committee_obj = data.committee
    return ctx.PackInput(
        agency=info,
        framework=data.round.framework,
        year=data.round.fiscal_year,
        analysis=a.core,
        # (mypy) data.analysis exists (checked above), and only for an analysed round
        analysed_year=data.analysed_round.fiscal_year,  # type: ignore[union-attr]  # checked above
        signer=signer,
        committee=committee,
        measures=measures,
        progress=progress,
        memo_author=preparer or author,
        memo_reviewers=(author,) if preparer and author else (),
        duties=tuple(committee_obj.duties) if committee_obj and committee_obj.duties else ctx.DEFAULT_DUTIES,
        narratives={n: t for n, t in data.notes.items() if t},
        gains=tuple(a.indicator_gains_core),
        plan=a.plan,
        memo_date=details.memo_date if details else None,
        memo_number=memo_no,
        order_date=committee_obj.order_date if committee_obj else None,
        order_number=committee_obj.order_number if committee_obj else "",
        announcement_date=details.announcement_date if details else None,
        report_date=(details.announcement_date or details.memo_date) if details else None,
        implementation_date=details.report_date if details else None,
        reporter=author,
        rank=a.rank,
        units=tuple(u.name_th for u in data.units),
        assessment_period=ctx.assessment_period_th(*_assessment_span(data.phases)),
    )


def _assessment_span(phases: dict[str, tuple]) -> tuple:
    """The weeks the agency was assessed: its OIT entry and survey phases, first day to last (or none)."""
    spans = [phases[name] for name in ("oit_entry", "surveys") if name in phases]
    if not spans:
        return None, None
    return min(s for s, _ in spans), max(e for _, e in spans)


# ------------------------------------------------------------------------------------ the document layer

#: the placeholders (``{{ c.<name> }}`` …) an agency template must keep, per document: the substance of each
#: document; everything else (captions, headings, the emblem) may be reworded or dropped
ESSENTIAL = {
    "memo": ("number", "subject", "to", "sections"),
    "order": ("heading", "number", "subject", "members", "duties", "date_line", "signature"),
    "announcement": ("heading", "subject", "areas", "closing", "date_line", "signature"),
    "analysis": ("title", "rows", "total", "details"),
    "implementation": ("title", "areas"),
}


def _template_keys(data: bytes) -> set[str]:
    """The ``c.<name>`` keys a DOCX template uses (body, headers and footers), after docxtpl's tag clean-up."""
    import jinja2
    from docxtpl import DocxTemplate
    from jinja2 import nodes

    template = DocxTemplate(io.BytesIO(data))
    template.init_docx()
    sources = [template.get_xml()]
    for part in (*template.docx.sections,):
        for hf in (part.header, part.footer):
            with contextlib.suppress(AttributeError):  # python-docx without that part
                sources.append(hf._element.xml)
    keys: set[str] = set()
    for xml in sources:
        try:
            tree = jinja2.Environment().parse(template.patch_xml(xml))
        except jinja2.TemplateSyntaxError as exc:
            raise PackError(f"the template's tags are broken (line {exc.lineno}: {exc.message})") from None
        keys |= {n.attr for n in tree.find_all(nodes.Getattr) if isinstance(n.node, nodes.Name) and n.node.name == "c"}
    return keys


@functools.lru_cache(maxsize=16)
def _keys_of_ours(data: bytes) -> frozenset[str]:
    """``_template_keys`` of one of our templates, remembered by its bytes: parsing the DOCX takes ~20 ms, and the
    templates page and every upload ask for all five."""
    return frozenset(_template_keys(data))


def placeholders(kind: str) -> list[str]:
    """The placeholders an agency template of ``kind`` must keep (those of ours that carry the substance)."""
    try:
        ours = _keys_of_ours(default_template(kind))
    except (PackError, FileNotFoundError, ValueError):
        return []
    return [f"c.{k}" for k in ESSENTIAL.get(kind, ()) if k in ours]


def template_placeholders(kind: str, data: bytes) -> tuple[list[str], list[str]]:
    """(found, missing) placeholders of an uploaded DOCX template; a broken template raises ``ValidationError``."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        keys = _template_keys(data)
    except PackError as exc:
        raise ValidationError(str(exc)) from None
    except Exception:  # noqa: BLE001 - any unreadable package
        raise ValidationError(_("The template cannot be read; save it again from Word as .docx.")) from None
    needed = placeholders(kind)
    found = sorted(f"c.{k}" for k in keys)
    return found, [p for p in needed if p[2:] not in keys]


def default_template(kind: str) -> bytes:
    """Our DOCX template of ``kind`` (what an agency downloads, edits in Word and uploads)."""
    from prongsai.documents.render_docx import template_path

    return template_path(kind).read_bytes()


def file_prefix(agency: Agency, round_: AssessmentRound) -> str:
    """ASCII file names: ESA-SKN-2563-1-memo.docx …"""
    import re

    code = re.sub(r"[^A-Za-z0-9._-]+", "-", agency.code).strip("-") or f"agency{agency.pk}"
    return f"{code}-{round_.fiscal_year}-"


def render(
    round_: AssessmentRound,
    agency: Agency,
    kinds: Sequence[str] | None,
    templates: dict,
    with_zip: bool = True,
    use_agency_templates: bool = False,
    emblem: bytes | None = None,
    pdf_pool: Executor | None = None,
) -> RenderedPack:
    """Render the pack's documents (DOCX and PDF) and, with ``with_zip``, the evidence-pack ZIP (the documents
    plus the files the units attached to their progress reports).

    ``templates`` maps a kind to an agency template (a stored ``FieldFile``, a path, or bytes);
    ``use_agency_templates`` looks them up in the database instead (the CLI).  ``emblem`` is the PNG of the
    Garuda to print (``emblem_services.emblem_for``); None prints the stand-in.  ``pdf_pool``
    (``documents.pdf_pool``, the command line's) lays the PDFs out in its processes.
    """
    import tempfile

    from prongsai.documents import context as ctx
    from prongsai.documents import pack_file_name, render_pack

    wanted = [k for k in DocumentKind.values if k in set(kinds or DocumentKind.values)]
    data = gather(round_, agency)
    try:
        contexts = ctx.pack_context(to_pack_input(data))
    except ImpossibleDate as exc:  # a stored date with an impossible year: say which, print nothing
        raise PackError(str(exc)) from None
    if use_agency_templates:
        from prongsai.web.documents.models import DocumentTemplate

        templates = {t.kind: t.file for t in DocumentTemplate.objects.filter(agency=agency, kind__in=wanted)}
    prefix = file_prefix(agency, round_)
    with tempfile.TemporaryDirectory(prefix="prongsai-pack-") as tmp:
        folder = Path(tmp)
        emblem_file = None
        if emblem:
            emblem_file = folder / "emblem.png"
            emblem_file.write_bytes(emblem)
        docx_templates = {}
        for kind, source in (templates or {}).items():
            path = folder / f"template-{kind}.docx"
            if isinstance(source, (bytes, bytearray)):
                path.write_bytes(source)
            elif isinstance(source, (str, Path)):
                path = Path(source)
            else:
                with source.open("rb") as handle:
                    path.write_bytes(handle.read())
            docx_templates[kind] = path
        try:
            paths = render_pack(
                contexts,
                folder / "out",
                documents=wanted,
                docx_templates=docx_templates,
                prefix=prefix,
                emblem=emblem_file,
                pool=pdf_pool,
            )
        except Exception as exc:  # a broken agency template fails here: name it
            if docx_templates:
                from prongsai.documents.sandbox import UnsafeTemplate

                if isinstance(exc, UnsafeTemplate):  # refused by the sandbox's validator at render time
                    raise PackError(
                        _("The agency's template was refused: %(reason)s") % {"reason": localized(exc.thai(), str(exc))}
                    ) from exc
                raise PackError(f"cannot render with the agency's template: {type(exc).__name__}: {exc}") from exc
            raise
        outputs = []
        for path in paths:
            kind = next(k for k in wanted if path.name == pack_file_name(k, path.suffix[1:], prefix))
            outputs.append(Output(kind=kind, fmt=path.suffix[1:], name=path.name, data=path.read_bytes()))
    result = RenderedPack(outputs=outputs, contexts={k: _jsonable(contexts[k]) for k in wanted})
    if with_zip:
        result.zip_name = f"{prefix}evidence-pack.zip"
        result.zip = _zip(outputs, data.measures)
    return result


def _jsonable(value):
    """A context as JSON keeps it (tuples become lists; the templates only iterate them)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def evidence_measures(round_: AssessmentRound, agency: Agency) -> list:
    """The measures whose units' files go into the evidence pack (with their reports and files)."""
    from django.db.models import Prefetch

    from prongsai.web.measures.models import Measure, ProgressReport

    return list(
        Measure.objects.filter(round=round_, agency=agency).prefetch_related(
            Prefetch("reports", ProgressReport.objects.select_related("unit").prefetch_related("files"))
        )
    )


def evidence_zip(outputs: list[Output], measures: list) -> bytes:
    """The evidence pack of the given (approved) documents and the units' files (signoff services)."""
    return _zip(outputs, measures)


def _zip(outputs: list[Output], measures: list) -> bytes:
    """The evidence pack: the documents, then the units' files under evidence/<measure>-<months>m/."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for out in outputs:  # PDF and DOCX are compressed already
            archive.writestr(
                zipfile.ZipInfo(out.name, date_time=_zip_time()), out.data, compress_type=zipfile.ZIP_STORED
            )
        seen: set[str] = set()
        for measure in measures:
            for report in measure.reports.all():
                for f in report.files.all():
                    name = f"evidence/{measure.order:02d}-{report.period}m/{report.unit.name_th}/{f.name}"
                    if name in seen:
                        name = f"{name.rsplit('.', 1)[0]}-{f.pk}.{name.rsplit('.', 1)[-1]}"
                    seen.add(name)
                    try:
                        with f.file.open("rb") as handle:
                            content = handle.read()
                    except FileNotFoundError:
                        continue
                    archive.writestr(
                        zipfile.ZipInfo(name, date_time=_zip_time()), content, compress_type=zipfile.ZIP_DEFLATED
                    )
    return buffer.getvalue()


def _zip_time() -> tuple:
    from django.utils import timezone

    now = timezone.localtime()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)
