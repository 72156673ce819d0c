"""The HTTP API at /api/ (django-ninja; OpenAPI at /api/openapi.json).

Personal tokens (`Authorization: Bearer aim_…`, created on the Tokens page) or the browser
session. Same scope as the pages: every endpoint reads through `Reader(scope)`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from aimline.web.credentials.api import router as credentials_router
from aimline.web.dashboards.api import router as dashboards_router
from aimline.web.district.views import router as district_router
from aimline.web.induction.api import router as induction_router
from aimline.web.leaders.api import router as leaders_router
from aimline.web.networks.api import router as networks_router
from aimline.web.orgs.models import ApiToken
from aimline.web.orgs.scope import scope_for
from aimline.web.students.api import router as students_router
from aimline.web.warehouse import PolicyRefused


class Token(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        t = (ApiToken.objects.select_related("user")
             .filter(digest=ApiToken.hash(token), user__is_active=True).first())
        if t is None:
            return None
        ApiToken.objects.filter(pk=t.pk).update(last_used=timezone.now())
        request.user = t.user
        request.scope = scope_for(t.user)
        return t.user


api = NinjaAPI(title="Aimline API", version="1", auth=[Token(), django_auth],
               urls_namespace="api", docs_url="/docs")


# each practice's endpoints, in its app's api.py
api.add_router("/", dashboards_router)
api.add_router("/", students_router)
api.add_router("/", networks_router)
api.add_router("/leadership/", leaders_router)
api.add_router("/induction/", induction_router)
api.add_router("/", district_router)
api.add_router("/", credentials_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> Any:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(PolicyRefused)
def refused(request: HttpRequest, exc: PolicyRefused) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=503)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)
