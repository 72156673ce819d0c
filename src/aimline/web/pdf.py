"""A page rendered to PDF (WeasyPrint), its links and images resolved against the site."""

from __future__ import annotations

from django.http import HttpRequest


def pdf(html: str, request: HttpRequest) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
