"""The respondent's pages: public, anonymous, no JavaScript, post/redirect/get on every step.

- A code (short link ``/s/<CODE>``, or typed at ``/surveys/``) or an open link is checked once; the answer is a
  redirect (303) to ``/surveys/form/<fid>/``, where ``fid`` is a random form id that has nothing to do with the
  code.  The code never appears in a page's URL, so it cannot leak as a referrer either.
- **Where partial answers live**: in one cookie per form, ``pss``, signed (``flow.State``), scoped to the form's
  path ``/surveys/form/<fid>/``, HttpOnly, SameSite=Lax, 24 hours.  Nothing is stored on the server before the
  submit: no session, no table, no cache entry holds a code with answers.  Every step POSTs its answers to
  ``/surveys/form/<fid>/`` and is redirected (303) to the GET of the next step, which is drawn from the cookie:
  the phone's back and forward buttons show the pages again with the answers given so far, never a "confirm
  form resubmission" error.
- **After the submit** the cookie's answers are replaced by a "done" marker (the labels of the thank-you page, no
  code id, no answer): back, forward or reload on any step of that form shows the thank-you page.
- Headers on every respondent response: ``Referrer-Policy: no-referrer``, ``Cache-Control: no-store``, and the
  response marked as already logged (``django.request`` would otherwise log a path that holds a code).
- **Cross-site requests**: with ``no-referrer`` Chromium posts forms with ``Origin: null`` and no Referer, which
  Django's CSRF check refuses; these views are therefore exempt from it and check instead that a POST is not
  cross-site (``Sec-Fetch-Site``, or an ``Origin`` other than this site's), and every step needs the form's
  cookie, which a browser does not send with a cross-site POST (SameSite=Lax).
"""

from __future__ import annotations

import functools
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from prongsai.web.surveys import codes as codemod
from prongsai.web.surveys import ratelimit, services
from prongsai.web.surveys.flow import STATE_MAX_AGE, STATE_SALT, State, StateError, flow_for
from prongsai.web.surveys.forms import CodeEntryForm
from prongsai.web.surveys.services import CodeUnavailable, Ticket

DEVICE_SALT = "prongsai.surveys.device"
STATE_COOKIE = "pss"
DONE = "done"
#: the cookie after the submit: the thank-you page's labels (no code id, no answer), signed under its own salt
DONE_PREFIX = "done."
DONE_SALT = STATE_SALT + ".done"


def _filled(text, **values):
    """A lazy message whose placeholders are filled when the page is drawn, in that request's language."""
    return lazy(lambda: str(text) % values, str)()


#: page title, message and HTTP status of each reason a code or form cannot be used (lazy: each request's language)
UNAVAILABLE = {
    "unknown": (
        404,
        _("Code not found"),
        _(
            "Please check the code on your slip again: it has 10 characters, English letters and digits "
            "(there is no zero, letter O, one or letter I). If it is still not found, ask the agency "
            "that gave you the slip for a new code."
        ),
    ),
    "used": (
        409,
        _("This code has already been used"),
        _(
            "Each code can be used to answer the survey once. If you have just submitted your answers, "
            "they have been recorded. Thank you for taking part in the survey."
        ),
    ),
    "revoked": (
        410,
        _("This code has been revoked"),
        _(
            "The agency has revoked this code (for example, because the slip was lost or misprinted). "
            "Please ask the agency that gave you the slip for a new code."
        ),
    ),
    "expired": (
        410,
        _("This code has expired"),
        _(
            "This code can be used only until the date printed on the slip. Please ask the agency that "
            "gave you the slip for a new code."
        ),
    ),
    "closed": (
        403,
        _("The survey is closed"),
        _(
            "This assessment round has not opened yet or is no longer accepting answers. Thank you for "
            "your interest in taking part in the survey."
        ),
    ),
    "form_expired": (
        400,
        _("The survey page has expired"),
        _(
            "This page was left open too long or some of its data is missing, so answers not yet "
            "submitted have not been recorded. Your code can still be used: open the link or enter "
            "the same code to start again."
        ),
    ),
    "device": (
        409,
        _("This device has already answered today"),
        _("The open link accepts one response per device per day. Thank you for taking part in the survey."),
    ),
    "replayed": (
        409,
        _("This survey has already been submitted"),
        _(
            "The answers from this page have already been recorded, so they cannot be submitted again. "
            "To answer again, open the agency's link once more."
        ),
    ),
    "limited": (
        429,
        _("Too many attempts with incorrect codes"),
        _filled(
            _(
                "More than %(limit)s codes that do not exist were tried from this network within "
                "%(minutes)s minutes, so the system has stopped saying which codes are wrong for a "
                "while. Correct codes still work as usual: check the code on your slip letter by "
                "letter, or scan the QR code on the slip instead of typing it, then try again, or "
                "wait about %(minutes)s minutes. (School or agency coordinators: everyone using the "
                "same internet network is counted together; people with a correct code can still "
                "answer.)"
            ),
            limit=ratelimit.LIMIT,
            minutes=ratelimit.WINDOW // 60,
        ),
    ),
    "open_limited": (
        429,
        _("This network has reached its number of responses"),
        _filled(
            _(
                "The open link accepts no more than %(limit)s responses from the same internet "
                "network every %(minutes)s minutes. Your answers have not been recorded yet: "
                "please try submitting again later, or use mobile internet."
            ),
            limit=ratelimit.OPEN_LIMIT,
            minutes=ratelimit.OPEN_WINDOW // 60,
        ),
    ),
    "busy": (
        503,
        _("The system is busy for a moment"),
        _(
            "Your answers have not been recorded yet, and your code can still be used. Please press submit "
            "again. (If this page appears again, wait a moment and try again.)"
        ),
    ),
}


# -------------------------------------------------------------------------------------------------- helpers


def _finish(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response._has_been_logged = True  # keep django.request from logging a path that holds a code
    return response


def _respondent(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return _finish(render(request, template, context, status=status))


def _unavailable(request: HttpRequest, reason: str, typed: str = "", retry: str = "") -> HttpResponse:
    status, title, message = UNAVAILABLE[reason]
    form = None
    if reason in ("unknown", "form_expired", "limited"):
        form = CodeEntryForm(initial={"code": typed}) if typed else CodeEntryForm()
    response = _respondent(
        request,
        "surveys/unavailable.html",
        {"reason": reason, "title": title, "message": message, "form": form, "retry": retry},
        status=status,
    )
    if reason == "limited":
        response["Retry-After"] = str(ratelimit.WINDOW)
    return response


def _labels(t: Ticket) -> dict:
    framework = t.framework
    tool = framework.tool(t.tool)
    group = next((g.name_th for g in tool.groups if g.code == t.group), t.group)
    return {
        "agency": {"display_name": t.agency_name},
        "tool": tool,
        "group_name": group,
        "round": {"name_th": t.round_name},
    }


@functools.cache
def _form_prefix() -> str:
    """``/surveys/form/`` as mounted (reversed once: ``reverse`` costs more than the rest of a redirect)."""
    return reverse("survey_form_start", kwargs={"fid": "x" * 16})[:-17]


def _form_url(fid: str, step: int | str = 0) -> str:
    base = f"{_form_prefix()}{fid}/"
    return base if step in (0, "") else f"{base}{step}/"


def _redirect(url: str) -> HttpResponse:
    """303 See Other: the browser GETs the next step, so no POST stays in its history.  ``url`` is always one of
    ours (a path built here), so HttpResponseRedirect's checks of foreign schemes are not needed."""
    response = HttpResponse(status=303)
    response["Location"] = url
    return _finish(response)


def _set_state(response: HttpResponse, request: HttpRequest, fid: str, value: str) -> None:
    response.set_cookie(
        STATE_COOKIE,
        value,
        max_age=STATE_MAX_AGE,
        path=_form_url(fid),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _load(request: HttpRequest) -> State | dict:
    """The form's state from its cookie, or the "done" marker's labels; ``StateError`` when neither."""
    raw = request.COOKIES.get(STATE_COOKIE)
    if not raw:
        raise StateError("missing")
    if not raw.startswith(DONE_PREFIX):
        return State.loads(raw)
    try:
        return signing.loads(raw[len(DONE_PREFIX) :], salt=DONE_SALT, max_age=STATE_MAX_AGE)
    except signing.BadSignature:
        raise StateError("done marker") from None


def _begin(request: HttpRequest, t: Ticket) -> HttpResponse:
    """A checked code or link: a new form id, its state cookie, and off to the introduction."""
    fid = secrets.token_urlsafe(12)
    response = _redirect(_form_url(fid))
    _set_state(response, request, fid, State(ticket=t).dumps())
    return response


def _cross_site(request: HttpRequest) -> bool:
    """A POST another site made the browser send (the CSRF middleware is off for these views, see above)."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin in (None, "null"):
        return False
    allowed = {f"{request.scheme}://{request.get_host()}", *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return origin not in allowed


def _device_answered_today(request: HttpRequest, t: Ticket) -> bool:
    if t.kind != "open":
        return False
    value = request.get_signed_cookie(f"pso{t.id}", default=None, salt=DEVICE_SALT, max_age=2 * 86400)
    return value == services.today().isoformat()


# ----------------------------------------------------------------------------------------------- entry points


def _lookup(request: HttpRequest, typed: str, keep_typed: bool = False) -> HttpResponse:
    """Check a code: a valid one always goes on (never 429); only well-formed unknown codes are counted."""
    try:
        t = services.check_code(typed)
    except CodeUnavailable as exc:
        shown = typed if keep_typed else ""
        if exc.reason == "unknown" and codemod.is_well_formed(codemod.normalise(typed)) and ratelimit.failed(request):
            return _unavailable(request, "limited", shown)
        return _unavailable(request, exc.reason, shown)
    return _begin(request, t)


@require_http_methods(["GET", "HEAD"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """The short link printed on a slip and in its QR code: ``/s/<CODE>``."""
    return _lookup(request, code)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def enter(request: HttpRequest) -> HttpResponse:
    """Type a code; the answer is a redirect to the form (the code never goes into a URL from here)."""
    if request.method == "POST":
        if _cross_site(request):
            return _unavailable(request, "form_expired")
        form = CodeEntryForm(request.POST)
        if form.is_valid():
            return _lookup(request, form.cleaned_data["code"], keep_typed=True)
    else:
        form = CodeEntryForm()
    return _respondent(request, "surveys/enter.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The open EIT link of an agency for walk-in service users (one response per device per day)."""
    try:
        t = services.check_open_link(token)
    except CodeUnavailable as exc:
        if exc.reason == "unknown" and ratelimit.failed(request):
            return _unavailable(request, "limited")
        return _unavailable(request, exc.reason)
    if _device_answered_today(request, t):
        return _unavailable(request, "device")
    return _begin(request, t)


@require_http_methods(["GET", "HEAD", "POST"])
def legacy_form(request: HttpRequest) -> HttpResponse:
    """The old single form address: a page saved before the change starts again from the code."""
    if request.method == "POST":
        return _unavailable(request, "form_expired")
    return _finish(HttpResponseRedirect(reverse("survey_enter")))


# -------------------------------------------------------------------------------------------------- the form


def _page(request: HttpRequest, fid: str, t: Ticket, state: State, step: int, errors=()) -> HttpResponse:
    flow = flow_for(t.framework, t.tool)
    n_fields = len(flow.fields)
    answered = sum(1 for f in flow.fields if f.code in state.answers)
    context = {
        **_labels(t),
        "flow": flow,
        "fid": fid,
        "action_url": _form_url(fid),
        "page_no": step,
        "pages": len(flow.pages),
        "answered": answered,
        "n_fields": n_fields,
        "percent": int(100 * answered / n_fields) if n_fields else 0,
        "errors": errors,
        "expires_on": t.expires_on,
        "kind": t.kind,
    }
    if step == 0:
        return _respondent(request, "surveys/intro.html", context)
    if step == flow.review:
        sections = []
        for page in flow.pages:
            rows = []
            for q in page.questions:
                fields: list[dict[str, object]] = [
                    {
                        "code": f.code,
                        "text": f.text,
                        "answer": f.scale.options[state.answers[f.code]].label if f.code in state.answers else None,
                    }
                    for f in q.fields
                ]
                rows.append({"q": q, "fields": fields})
            sections.append({"page": page, "rows": rows, "url": _form_url(fid, page.number)})
        context["sections"] = sections
        return _respondent(request, "surveys/review.html", context)
    page = flow.page(step)
    missing = {f.code for f in errors}
    questions = []
    for q in page.questions:
        fields = [
            {
                "f": f,
                "missing": f.code in missing,
                "options": [
                    {"index": i, "label": o.label, "checked": state.answers.get(f.code) == i}
                    for i, o in enumerate(f.scale.options)
                ],
            }
            for f in q.fields
        ]
        questions.append({"q": q, "fields": fields})
    context.update({"page": page, "questions": questions, "last": step == len(flow.pages)})
    return _respondent(request, "surveys/page.html", context)


def _thanks(request: HttpRequest, done: dict) -> HttpResponse:
    return _respondent(request, "surveys/thanks.html", _labels(Ticket.from_dict(done)))


def form_step(request: HttpRequest, fid: str, step: int | str = 0) -> HttpResponse:
    """One step of the form, drawn from the form's cookie: the introduction, an indicator page or the review."""
    try:
        state = _load(request)
    except StateError:
        return _unavailable(request, "form_expired")
    if isinstance(state, dict):  # submitted: back, forward or reload all land on the thank-you page
        return _thanks(request, state)
    t = state.ticket
    try:
        services.recheck(t)  # a code used in another tab, revoked, or a round closed meanwhile
    except CodeUnavailable as exc:
        return _unavailable(request, exc.reason)
    if _device_answered_today(request, t):
        return _unavailable(request, "device")
    flow = flow_for(t.framework, t.tool)
    number = flow.review if step == "review" else flow.clamp(int(step))
    if step != "review" and (number != int(step) or number == flow.review):
        return _redirect(_step_url(fid, flow, number))  # one address per step
    errors: tuple | list = ()
    if request.GET.get("missing") and 1 <= number <= len(flow.pages):
        errors = flow.missing(state.answers, number)
    return _page(request, fid, t, state, number, errors)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest, fid: str) -> HttpResponse:
    """``/surveys/form/<fid>/``: GET is the introduction, POST is every step's submit."""
    if request.method == "POST":
        return form_post(request, fid)
    return form_step(request, fid, 0)


@require_http_methods(["GET", "HEAD"])
def form_page(request: HttpRequest, fid: str, step: int) -> HttpResponse:
    return form_step(request, fid, step)


@require_http_methods(["GET", "HEAD"])
def form_review(request: HttpRequest, fid: str) -> HttpResponse:
    return form_step(request, fid, "review")


def _step_url(fid: str, flow, number: int, missing: bool = False) -> str:
    step = "review" if number == flow.review else number
    return _form_url(fid, step) + ("?missing=1#errors" if missing else "")


def form_post(request: HttpRequest, fid: str) -> HttpResponse:
    """Every step posts here (its page number and answers, and what to do next), then goes to a GET."""
    if _cross_site(request):
        return _unavailable(request, "form_expired")
    try:
        state = _load(request)
    except StateError:
        return _unavailable(request, "form_expired")
    if isinstance(state, dict):
        return _redirect(_form_url(fid, DONE))
    t = state.ticket
    if _device_answered_today(request, t):
        return _unavailable(request, "device")
    flow = flow_for(t.framework, t.tool)
    try:
        page = flow.clamp(int(request.POST.get("page", "0")))
    except ValueError:
        page = 0
    if 1 <= page <= len(flow.pages):
        state.answers.update(flow.take(page, request.POST))
    action = request.POST.get("action", "next")
    if action == "submit":
        return _submit(request, fid, t, state, flow)
    if action == "back":
        target = flow.clamp(page - 1)
    elif action.startswith("goto-"):
        try:
            target = flow.clamp(int(action[5:]))
        except ValueError:
            target = page
    else:  # next (or review, from the last page)
        if 1 <= page <= len(flow.pages) and flow.missing(state.answers, page):
            response = _redirect(_step_url(fid, flow, page, missing=True))
            _set_state(response, request, fid, state.dumps())
            return response
        target = flow.clamp(page + 1)
    response = _redirect(_step_url(fid, flow, target))
    _set_state(response, request, fid, state.dumps())
    return response


def _submit(request: HttpRequest, fid: str, t: Ticket, state: State, flow) -> HttpResponse:
    first = flow.first_incomplete(state.answers)
    if first is not None:
        response = _redirect(_step_url(fid, flow, first, missing=True))
        _set_state(response, request, fid, state.dumps())
        return response
    if t.kind == "open" and not ratelimit.open_submit_allowed(request, t.id):
        return _unavailable(request, "open_limited")
    try:
        services.submit_response(t, state.answers)
    except CodeUnavailable as exc:
        return _unavailable(request, exc.reason)
    except ValidationError:
        return _unavailable(request, "form_expired")
    except OperationalError:  # SQLite "database is locked" past its timeout: nothing was stored, retry is safe
        response = _unavailable(request, "busy", retry=_form_url(fid))
        response["Retry-After"] = "5"
        return response
    return _submitted(request, fid, t)


def _submitted(request: HttpRequest, fid: str, t: Ticket) -> HttpResponse:
    """The answer to a stored submission: 303 to the thank-you page, the form's cookie now the "done" marker."""
    response = _redirect(_form_url(fid, DONE))
    labels = {**t.as_dict(), "i": 0, "o": ""}  # the thank-you page's labels: no code id, no nonce, no answer
    _set_state(response, request, fid, _done_marker(tuple(labels.items()), int(time.time())))
    if t.kind == "open":
        response.set_signed_cookie(
            f"pso{t.id}",
            services.today().isoformat(),
            salt=DEVICE_SALT,
            max_age=2 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@functools.lru_cache(maxsize=256)
def _done_marker(labels: tuple, second: int) -> str:
    """The signed "done" marker of these labels, signed at most once a second: every respondent of one agency,
    tool and group gets the same labels, and a signature covers only them and the second it was made in, so a
    cached marker is exactly what signing it again would give (issue 14: signing was a tenth of a submit)."""
    return DONE_PREFIX + signing.dumps(dict(labels), salt=DONE_SALT)


class HandOver(HttpResponse):
    """What the lean view answers when the full application must answer instead (never sent): ``lean.py``."""


def submit_lean(request: HttpRequest, fid: str) -> HttpResponse:
    """The respondent's submit on the lean path (``lean.py``): the plain success only, with the same checks and
    the same service as ``form_post`` and ``_submit``; every other case is handed over to them (``HandOver``),
    before anything is stored or after a refused submit that stored nothing."""
    if _cross_site(request):
        return HandOver()
    try:
        state = _load(request)
    except StateError:
        return HandOver()
    if isinstance(state, dict) or state.ticket.kind != "code":  # submitted already, or an open-link form
        return HandOver()
    post = request.POST
    if post.get("action") != "submit":
        return HandOver()
    t = state.ticket
    flow = flow_for(t.framework, t.tool)
    try:
        page = flow.clamp(int(post.get("page", "0")))
    except ValueError:
        page = 0
    if 1 <= page <= len(flow.pages):
        state.answers.update(flow.take(page, post))
    if flow.first_incomplete(state.answers) is not None:
        return HandOver()
    try:
        services.submit_response(t, state.answers)
    except (CodeUnavailable, ValidationError, OperationalError):  # nothing stored: the full view says why
        return HandOver()
    response = _submitted(request, fid, t)
    # the full stack says so too (its session middleware, which the lean path skips): the answer depends on the
    # form's cookie
    patch_vary_headers(response, ("Cookie",))
    response.lean_answer = True  # read by lean.LeanApplication
    return response


@require_http_methods(["GET", "HEAD"])
def form_done(request: HttpRequest, fid: str) -> HttpResponse:
    try:
        state = _load(request)
    except StateError:
        return _unavailable(request, "form_expired")
    if isinstance(state, dict):
        return _thanks(request, state)
    return _redirect(_form_url(fid, "review"))
