"""Answering a survey and reading its results: the only two ways responses move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from aimline.surveys import agreement, distribution
from aimline.web.surveys.models import Answer, Item, Link, Response, Survey


class Used(ValidationError):
    """The link has given its one response."""


def respond(link: Link, answers: Mapping[int, Any], today: dt.date | None = None
            ) -> Response:
    """Store one response through `link`: every answer checked first, then the link
    taken and the response written in one transaction, so a second submission (even at
    the same moment) changes nothing."""
    survey = link.survey
    checked = _check(survey, answers)
    with transaction.atomic():
        if not Link.objects.filter(pk=link.pk, used=False).update(used=True):
            raise Used("this link has already been used: a survey takes one response per "
                       "link, and nothing was changed")
        anonymous = survey.anonymous
        r = Response.objects.create(
            survey=survey, group=link.group, cohort=link.cohort,
            submitted_on=today or dt.date.today(),
            respondent=None if anonymous else link.person,
            link=None if anonymous else link)
        Answer.objects.bulk_create(Answer(response=r, item=item, **value)
                                   for item, value in checked)
    return r


def _check(survey: Survey, answers: Mapping[int, Any]) -> list[tuple[Item, dict[str, Any]]]:
    out = []
    for item in survey.items.all():
        raw = answers.get(item.pk)
        if raw in (None, ""):
            continue  # an item may be left unanswered
        if item.kind == Item.TEXT:
            out.append((item, {"text": str(raw)[:5000]}))
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value not in item.labels():
            raise ValidationError(f"item {item.order} ({item.text}): {raw!r} is not one of "
                                  f"the answers 1–{len(item.labels())}; nothing was saved")
        out.append((item, {"value": value}))
    return out


def frame(survey: Survey, by: str = "group") -> pd.DataFrame:
    """The responses as `aimline.surveys` reads them: respondent (the response's number,
    never a person), group (the respondent group, or the cohort), item, answer."""
    rows = Answer.objects.filter(response__survey=survey, value__isnull=False).values_list(
        "response_id", f"response__{by}", "item_id", "value")
    return pd.DataFrame(list(rows), columns=["respondent", "group", "item", "answer"])


def results(survey: Survey, by: str = "group") -> list[dict[str, Any]]:
    """Each item with its rows per group and `all`: n, agree, share (suppressed below the
    survey's minimum and where a group would be revealed), the distribution; open text
    only where at least the minimum answered."""
    data = frame(survey, by)
    out = []
    for item in survey.items.all():
        mine = data[data["item"] == item.pk]
        row: dict[str, Any] = {"item": item, "labels": item.labels(), "rows": []}
        if item.kind == Item.TEXT:
            texts = list(Answer.objects.filter(item=item).exclude(text="")
                         .values_list("text", flat=True))
            row["texts"] = sorted(texts) if len(texts) >= survey.min_n else None
            row["answered"] = len(texts)
        elif not mine.empty:
            scale = tuple(item.labels())
            agree = agreement(mine, survey.min_n, scale=scale, agree=item.agreeing())
            dist = distribution(mine, survey.min_n, scale=scale).set_index("group")
            for r in agree.itertuples():
                counts = dist.loc[r.group, [str(v) for v in scale]]
                row["rows"].append({
                    "group": r.group, "n": r.n, "agree": r.agree, "share": r.share,
                    "suppressed": r.suppressed,
                    "counts": None if r.suppressed else [int(c) for c in counts]})
            row["agrees"] = bool(item.agreeing())
        out.append(row)
    return out


def xlsx(survey: Survey) -> bytes:
    """The results as a workbook: by respondent group, then by cohort (suppressed cells
    are written as "suppressed", never as a number)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    for sheet, by in ((wb.active, "group"), (wb.create_sheet(), "cohort")):
        sheet.title = f"By {by}"
        sheet.append(["Item", by.title(), "n", "Agree or strongly agree", "Share (%)"])
        for item in results(survey, by):
            for r in item["rows"]:
                shown = ([r["n"], r["agree"], round(100 * r["share"], 1)]
                         if not r["suppressed"] else ["suppressed"] * 3)
                if not item.get("agrees"):
                    shown[1:] = ["", ""] if not r["suppressed"] else shown[1:]
                sheet.append([item["item"].text, r["group"], *shown])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
