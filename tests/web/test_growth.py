"""Teachers' growth: micro-credential submissions and their review rules, the Open Badges
credential an earned one gets, the career ladder's places, action research and its
library; who sees what. The demo (`growth.demo`) makes the district's programme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from aimline.web.growth import ladder, review
from aimline.web.growth.models import (
    LadderStep,
    MicroCredential,
    Project,
    Submission,
)
from aimline.web.orgs.models import Role
from tests.web.cast import client_for

pytestmark = pytest.mark.django_db


def families() -> MicroCredential:
    return MicroCredential.objects.get(name="Partnering with families on attendance")


def run_chart() -> MicroCredential:
    return MicroCredential.objects.get(name="Studying a change with a run chart")


def test_a_micro_credential_and_its_rubric_are_public_a_submission_never() -> None:
    mc = run_chart()
    page = Client().get(f"/growth/credentials/{mc.pk}/").content.decode()
    for c in mc.criteria.all():
        assert c.text in page and c.not_yet.replace('"', "&quot;") in page
    assert mc.key_method in page and "Langley" in page
    sub = Submission.objects.filter(credential=mc).first()
    assert Client().get(f"/growth/submissions/{sub.pk}/").status_code == 302  # sign in
    for who in ("teacher", "analyst", "netlead", "other_admin"):
        assert client_for(who).get(f"/growth/submissions/{sub.pk}/").status_code == 404, who
    for who in ("mteacher", "principal", "admin"):  # the teacher, the reviewer, the keeper
        assert client_for(who).get(f"/growth/submissions/{sub.pk}/").status_code == 200, who


def _fresh(mc: MicroCredential, who: str = "teacher") -> Submission:
    Submission.objects.filter(credential=mc, teacher__username=who).delete()
    r = client_for(who).post(f"/growth/credentials/{mc.pk}/start/")
    assert r.status_code == 302, r.content
    return Submission.objects.get(credential=mc, teacher__username=who)


def test_a_submission_missing_a_required_part_is_refused_and_nothing_changes() -> None:
    mc = families()
    sub = _fresh(mc)
    User.objects.filter(username="teacher").update(email="teacher@demo.aimline.test")
    c = client_for("teacher")
    step = f"/growth/submissions/{sub.pk}/do/"
    r = c.post(step + "submit/")
    assert r.status_code == 400
    text = r.content.decode()
    assert "the reflection" in text and mc.questions[0][:20] in text
    for crit in mc.criteria.all():
        assert crit.text in text
    assert Submission.objects.get(pk=sub.pk).state == Submission.DRAFT
    assert c.post(step + "answers/", {"q0": "Six families"}).status_code == 302
    first, second = mc.criteria.all()
    c.post(step + "artifact/", {"criterion": first.pk, "title": "Call log",
                                "link": "https://docs.example.org/log"})
    # a link that is not one, or no link and no file: refused
    assert c.post(step + "artifact/", {"criterion": second.pk, "title": "x",
                                       "link": "not a url"}).status_code == 400
    assert c.post(step + "artifact/", {"criterion": second.pk, "title": "x"}
                  ).status_code == 400
    c.post(step + "reflection/", {"reflection": "Calls first, plans second."})
    r = c.post(step + "submit/")
    assert r.status_code == 400 and second.text in r.content.decode()
    assert Submission.objects.get(pk=sub.pk).state == Submission.DRAFT
    c.post(step + "artifact/", {"criterion": second.pk, "title": "A family's plan",
                                "upload": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan",
                                                             "application/pdf")})
    assert c.post(step + "submit/").status_code == 302
    sub.refresh_from_db()
    assert sub.state == Submission.SUBMITTED and sub.submitted_at is not None
    # nothing in a submitted submission changes
    assert c.post(step + "reflection/", {"reflection": "changed"}).status_code == 400
    upload = sub.artifacts.get(criterion=second)
    got = c.get(f"/growth/submissions/{sub.pk}/artifacts/{upload.pk}/")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 plan"
    assert got["Content-Disposition"].startswith("attachment")
    assert client_for("mteacher").get(f"/growth/submissions/{sub.pk}/artifacts/"
                                      f"{upload.pk}/").status_code == 404


def test_an_upload_over_five_megabytes_is_refused() -> None:
    sub = _fresh(families())
    big = SimpleUploadedFile("video.mp4", b"0" * (5 * 2**20 + 1), "video/mp4")
    r = client_for("teacher").post(f"/growth/submissions/{sub.pk}/do/artifact/", {
        "criterion": families().criteria.first().pk, "title": "Video", "upload": big})
    assert r.status_code == 400 and "5 MB" in r.content.decode()
    assert not sub.artifacts.exists()


def _ready(mc: MicroCredential, teacher: User, school) -> Submission:
    s = review.start(mc, teacher, school)
    review.answer(s, {q: "An answer" for q in mc.questions})
    for c in mc.criteria.all():
        review.add_artifact(s, c, "Evidence", link=f"https://docs.example.org/{c.pk}")
    review.reflect(s, "What I learnt")
    review.submit(s)
    return s


def test_review_rules_and_a_resubmission_revises_only_what_fell_short() -> None:
    from django.core.exceptions import ValidationError

    mc = families()
    teacher, principal = (User.objects.get(username=u) for u in ("teacher", "principal"))
    draft = Submission.objects.get(credential=mc, teacher=teacher)  # the demo's
    assert "your email address" in " ".join(review.missing(draft))
    teacher.email = "teacher@demo.aimline.test"
    teacher.save()
    Submission.objects.filter(credential=mc, teacher=teacher).delete()
    school = Role.objects.get(user=teacher).schools.get()
    s = _ready(mc, teacher, school)
    first, second = mc.criteria.all()
    with pytest.raises(ValidationError, match="not a reviewer"):
        review.decide(s, User.objects.get(username="analyst"), {})
    with pytest.raises(ValidationError, match="has no decision"):
        review.decide(s, principal, {first.pk: (True, "")})
    with pytest.raises(ValidationError, match="say what would show it"):
        review.decide(s, principal, {first.pk: (True, ""), second.pk: (False, " ")})
    # the teacher may not decide their own, even one who reviews others
    mc.reviewers.add(teacher)
    r = client_for("teacher").post(f"/growth/submissions/{s.pk}/do/decide/", {
        f"c{first.pk}": "demonstrated", f"c{second.pk}": "demonstrated"})
    assert r.status_code == 403
    mc.reviewers.remove(teacher)
    r = client_for("principal").post(f"/growth/submissions/{s.pk}/do/decide/", {
        f"c{first.pk}": "demonstrated", f"c{second.pk}": "not_yet",
        f"f{second.pk}": "The plan is the school's; write it with the family."})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.state == Submission.NOT_YET and s.issued is None and s.decided_at
    # resubmission: started again from the micro-credential's page
    r = client_for("teacher").post(f"/growth/credentials/{mc.pk}/start/")
    again = Submission.objects.get(previous=s)
    assert r["Location"] == f"/growth/submissions/{again.pk}/" and again.attempt == 2
    assert review.open_criteria(again) == [second]
    assert again.answers == s.answers and again.artifacts.count() == s.artifacts.count()
    with pytest.raises(ValidationError, match="demonstrated before"):
        review.add_artifact(again, first, "More", link="https://docs.example.org/more")
    with pytest.raises(ValidationError, match="overview answers stay"):
        review.answer(again, {mc.questions[0]: "Another"})
    kept = again.artifacts.get(criterion=first)
    with pytest.raises(ValidationError):
        review.remove_artifact(again, kept)
    review.remove_artifact(again, again.artifacts.get(criterion=second))
    assert review.missing(again) == [f"an artifact for “{second.text}”"]
    review.add_artifact(again, second, "The plan, written together",
                        link="https://docs.example.org/plan2")
    review.submit(again)
    with pytest.raises(ValidationError, match="and no other"):
        review.decide(again, principal, {first.pk: (True, ""), second.pk: (True, "")})
    review.decide(again, principal, {second.pk: (True, "Yes")})
    assert again.state == Submission.EARNED and again.issued is not None
    with pytest.raises(ValidationError, match="already"):
        review.start(mc, teacher, school)


def test_an_earned_micro_credential_is_a_signed_open_badge_that_verifies() -> None:
    sub = Submission.objects.get(credential=run_chart(), teacher__username="mteacher",
                                 state=Submission.EARNED)
    assert sub.previous.state == Submission.NOT_YET  # earned after one "not yet"
    token = Client().get(f"/verify/{sub.issued.code}/credential.jwt").content.decode()
    keys = KeySet.import_key_set(Client().get("/.well-known/jwks.json").json())
    claims = jose_jwt.decode(token, keys, algorithms=["RS256"]).claims
    a = claims["credentialSubject"]["achievement"]
    assert a["name"] == run_chart().name and a["achievementType"] == "MicroCredential"
    assert claims["issuer"]["name"] == run_chart().district.name
    issuer = Client().get(claims["issuer"]["id"].split("8000")[-1])
    assert issuer.status_code == 200 and issuer.json()["name"] == run_chart().district.name
    assert "attempt 2" in claims["evidence"][0]["narrative"]


def test_turnaround_against_the_programme_target() -> None:
    mc = run_chart()
    t = review.turnaround(mc)
    decided = [s for s in mc.submissions.all() if s.decided_at]
    days = sorted((s.decided_at - s.submitted_at).total_seconds() / 86400 for s in decided)
    assert t.decided == len(decided) == 2 and t.median_days == pytest.approx(
        (days[0] + days[1]) / 2)
    assert t.within_target == sum(d <= 14 for d in days) / 2 and t.target_days == 14
    s = _ready(families(), User.objects.get(username="mteacher"),
               Role.objects.get(user__username="mteacher").schools.get())
    later = s.submitted_at + dt.timedelta(days=15)
    assert review.turnaround(families(), now=later).overdue == [s]
    assert review.turnaround(families(), now=s.submitted_at).overdue == []
    page = client_for("admin").get("/growth/").content.decode()
    assert "Review turnaround" in page
    assert "Review turnaround" not in client_for("teacher").get("/growth/").content.decode()


def _step(order: int, *, years: int = 0, evaluation: str = "", needs: set[int] = frozenset(),
          hours: int = 0) -> LadderStep:
    s = LadderStep(order=order, name=f"step {order}", min_years=years,
                   min_evaluation=evaluation, min_hours=Decimal(hours))
    s._required = set(needs)
    return s


def test_a_teacher_holds_a_step_when_they_meet_it_and_every_step_below() -> None:
    steps = [_step(1), _step(2, years=3, evaluation="effective", needs={7}, hours=10),
             _step(3, years=5, evaluation="highly_effective", needs={7, 8}, hours=20)]
    names = {7: "Run charts", 8: "Families"}
    p = ladder.place(steps, ladder.Facts(6, "highly_effective", frozenset({7, 8}),
                                         Decimal(25)), names)
    assert p.step is steps[2] and p.next is None
    # meets step 3's years and evaluation but not step 2's micro-credential: step 1
    p = ladder.place(steps, ladder.Facts(9, "highly_effective", frozenset({8}),
                                         Decimal(25)), names)
    assert p.step is steps[0] and p.next is steps[1]
    assert [c.met for c in p.checks] == [True, True, False, True]
    assert p.checks[2].what == "Micro-credential: Run charts"
    # "effective or better": highly effective counts; developing does not
    p = ladder.place(steps, ladder.Facts(4, "developing", frozenset({7}), Decimal(10)), names)
    assert p.step is steps[0] and not p.checks[1].met
    p = ladder.place(steps, ladder.Facts(None, None, frozenset(), Decimal(0)), names)
    assert p.step is steps[0] and "not in the staff data" in p.checks[0].what
    assert ladder.hours(Decimal("25.0")) == "25" and ladder.hours(Decimal("7.5")) == "7.5"


def test_the_ladder_page_shows_each_teacher_in_scope_and_their_micro_credentials() -> None:
    admin = client_for("admin").get("/growth/ladder/").content.decode()
    staff_id = Role.objects.get(user__username="mteacher").staff_id
    assert staff_id and staff_id in admin and "Maya Okafor" in admin
    row = admin[admin.index(staff_id):].split("</tr>")[0]
    assert "Lead teacher" in row  # years, evaluation and the micro-credential earned
    school = Role.objects.get(user__username="principal").schools.get().code
    principal = client_for("principal").get("/growth/ladder/").content.decode()
    others = [line for line in principal.split("<tr>")[2:] if "<td>E" in line]
    assert others and all(f"<td>{school}</td>" in line for line in others)
    for who in ("teacher", "netlead", "partner"):
        assert client_for(who).get("/growth/ladder/").status_code == 403, who
    mine = client_for("mteacher").get("/growth/").content.decode()
    assert "My place on the career ladder" in mine and "Lead teacher" in mine


def test_action_research_from_draft_to_the_public_library() -> None:
    teacher = client_for("teacher")
    r = teacher.post("/growth/research/new/", {"title": "Warm-ups and late arrivals",
                                               "question": "Do graded warm-ups cut late "
                                               "arrivals?", "method": "Two PDSA cycles"})
    assert r.status_code == 400  # the data is missing: nothing made
    assert not Project.objects.filter(title="Warm-ups and late arrivals").exists()
    teacher.post("/growth/research/new/", {"title": "Warm-ups and late arrivals",
                                           "question": "Do graded warm-ups cut late "
                                           "arrivals?", "method": "Two PDSA cycles",
                                           "data": "Tardies from the SIS"})
    p = Project.objects.get(title="Warm-ups and late arrivals")
    page = f"/growth/research/{p.pk}/"
    assert client_for("principal").get(page).status_code == 404  # a draft: authors only
    step = f"/growth/research/{p.pk}/do/"
    assert teacher.post(step + "publish/").status_code == 400  # no findings, no evidence
    demo = Project.objects.get(public=True)
    words = {"title": p.title, "question": p.question, "method": p.method, "data": p.data,
             "findings": "Late arrivals fell by a third"}
    other_school = demo.cycle.__class__.objects.exclude(school=p.school).first()
    if other_school is not None:
        assert teacher.post(step + "write/", {**words, "cycle": other_school.pk}
                            ).status_code == 400
    assert teacher.post(step + "write/", {**words, "cycle": demo.cycle_id}).status_code == 302
    assert teacher.post(step + "publish/").status_code == 302
    assert client_for("principal").get(page).status_code == 200  # a colleague, published
    assert "Warm-ups" in client_for("mteacher").get("/growth/library/?q=late+third"
                                                    ).content.decode()
    assert "Warm-ups" not in client_for("mteacher").get("/growth/library/?q=late+fourth"
                                                        ).content.decode()
    assert client_for("other_admin").get(page).status_code == 404
    assert Client().get(page).status_code == 404  # not public yet
    assert teacher.post(step + "public/").status_code == 403  # the district chooses
    assert client_for("admin").post(step + "public/").status_code == 302
    code = p.district.code
    public = Client().get(f"/growth/library/{code}/public/").content.decode()
    assert "Warm-ups" in public and demo.title in public
    body = Client().get(page).content.decode()
    assert "<svg" in body and "Late arrivals fell" in body


def test_the_demo_has_a_project_linked_to_a_pdsa_cycle_with_its_chart() -> None:
    p = Project.objects.get(public=True)
    assert p.cycle is not None and p.cycle.school == p.school and p.evidence() is not None
    body = Client().get(f"/growth/research/{p.pk}/").content.decode()
    assert "<svg" in body and p.cycle.title in body


def test_growth_is_the_districts_people_only() -> None:
    for who in ("admin", "analyst", "supervisor", "principal", "teacher", "mteacher"):
        assert client_for(who).get("/growth/").status_code == 200, who
        assert client_for(who).get("/growth/library/").status_code == 200, who
    for who in ("netlead", "coach", "partner", "programme", "nobody"):
        assert client_for(who).get("/growth/").status_code == 403, who
    other = client_for("other_admin").get("/growth/").content.decode()
    assert run_chart().name not in other  # another district's programme


def test_the_district_defines_micro_credentials_and_ladder_steps_on_the_site() -> None:
    admin = client_for("admin")
    ok = {"name": "Warm demanders", "competency": "High expectations with care",
          "key_method": "Warm-demander talk moves", "research": "Hammond (2015)",
          "questions": "Which class?\nWhat did you try?",
          "rubric": "Names the expectation | Said plainly | Vague\n"
                    "Follows up | Within the lesson | Not at all",
          "components": "Expectation\nCare", "reviewers": "principal", "hours": "8",
          "decision_days": "10"}
    for bad in ({"rubric": "Only one part"}, {"rubric": ""}, {"research": ""},
                {"reviewers": "netlead"}, {"hours": "-1"}, {"questions": " "},
                {"decision_days": "0"}):
        r = admin.post("/growth/define/credential/", {**ok, **bad})
        assert r.status_code == 400, bad
        assert not MicroCredential.objects.filter(name="Warm demanders").exists()
    assert client_for("teacher").post("/growth/define/credential/", ok).status_code == 403
    assert admin.post("/growth/define/credential/", ok).status_code == 302
    mc = MicroCredential.objects.get(name="Warm demanders")
    assert [c.text for c in mc.criteria.all()] == ["Names the expectation", "Follows up"]
    assert mc.questions == ["Which class?", "What did you try?"] and mc.decision_days == 10
    assert list(mc.reviewers.values_list("username", flat=True)) == ["principal"]
    before = LadderStep.objects.filter(district=mc.district).count()
    step = {"name": "Demonstration teacher", "min_years": "4", "min_evaluation": "effective",
            "credentials": [mc.pk], "min_hours": "8"}
    assert admin.post("/growth/define/step/", {**step, "min_evaluation": "great"}
                      ).status_code == 400
    assert admin.post("/growth/define/step/", {**step, "credentials": [mc.pk + 999]}
                      ).status_code == 400
    assert LadderStep.objects.filter(district=mc.district).count() == before
    assert admin.post("/growth/define/step/", step).status_code == 302
    s = LadderStep.objects.get(name="Demonstration teacher")
    assert s.order == before + 1 and list(s.credentials.all()) == [mc]
    mine = client_for("mteacher").get("/growth/").content.decode()
    assert "15 hours" in mine  # the run-chart micro-credential counts its hours
