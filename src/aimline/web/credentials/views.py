"""Public pages (no sign-in): a credential's verify page, the key set, the status list, and
a form that checks a pasted credential. They show only what the credential says: a name, an
achievement, a date and a suppressed aggregate, never a student."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from aimline.web.credentials import issuing, signing
from aimline.web.credentials.models import Credential


def public(c: Credential) -> dict[str, Any]:
    """What anyone may read about a credential (the page and GET /api/verify/{code})."""
    try:
        signing.verify(c.token)
        signature = "valid"
    except signing.Invalid:
        signature = "invalid"
    return {"code": c.code, "kind": c.get_kind_display(), "recipient": c.recipient_name,
            "achievement": c.achievement_name, "issuer": c.issuer_name,
            "issued": c.issued_at.date().isoformat(), "statement": c.statement,
            "result": c.result, "exception": c.exception,
            "status": "revoked" if c.revoked else "valid",
            "revoked_on": c.revoked_at.date().isoformat() if c.revoked_at else None,
            "revoked_reason": c.revoked_reason or None, "signature": signature}


def find(code: str) -> Credential:
    found = Credential.objects.filter(code=code).first()
    if found is None:
        raise Http404("no credential has this code")
    return found


def verify(request: HttpRequest, code: str) -> HttpResponse:
    c = find(code)
    return render(request, "credentials/verify.html", {"c": public(c), "credential": c})


def token(request: HttpRequest, code: str) -> HttpResponse:
    """The signed credential for a wallet."""
    c = find(code)
    r = HttpResponse(c.token, content_type="application/vc+jwt")
    r["Content-Disposition"] = f'attachment; filename="{c.code}.jwt"'
    return r


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Paste a credential: is it ours, unchanged, and not revoked?"""
    context: dict[str, Any] = {}
    if request.method == "POST":
        pasted = request.POST.get("token", "").strip()
        try:
            claims = signing.verify(pasted)
            c = Credential.objects.filter(code=str(claims.get("jti", "")).rstrip("/")
                                          .rsplit("/", 1)[-1]).first()
            if c is None or c.token != pasted:
                context["error"] = ("The signature is ours but no credential on record "
                                    "matches it.")
            else:
                context["c"] = public(c)
        except signing.Invalid as e:
            context["error"] = (f"This is not a valid credential from this site: {e}. "
                                "It may have been changed after it was issued.")
        context["pasted"] = pasted
    return render(request, "credentials/check.html", context,
                  status=400 if context.get("error") else 200)


def jwks(request: HttpRequest) -> JsonResponse:
    r = JsonResponse(signing.jwks())
    r["Cache-Control"] = "public, max-age=3600"
    return r


def status_list(request: HttpRequest) -> HttpResponse:
    r = HttpResponse(issuing.status_list(), content_type="application/vc+jwt")
    r["Cache-Control"] = "public, max-age=300"
    return r


def issuer(request: HttpRequest, pk: int) -> JsonResponse:
    """An issuing organisation's OB 3.0 Profile (public: credentials name it)."""
    from aimline.web.orgs.models import Organisation

    org = Organisation.objects.filter(pk=pk, kind__in=["university", "support", "district"]).first()
    if org is None:
        raise Http404("no such issuer")
    return JsonResponse({"@context": ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
                         "id": issuing.url("verify_issuer", org.pk), "type": ["Profile"],
                         "name": org.name})
