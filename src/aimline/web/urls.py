"""Every page's address, by practice; the API under /api/ (`api.py`)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from aimline.web.api import api
from aimline.web.audits import views as audits
from aimline.web.dashboards import exports
from aimline.web.dashboards import views as pages
from aimline.web.loads import views as data
from aimline.web.networks import edits
from aimline.web.networks import views as networks
from aimline.web.networks import writes as pdsa
from aimline.web.orgs import people_views as people
from aimline.web.orgs import views as account
from aimline.web.students import views as students
from aimline.web.surveys import views as survey_views

urlpatterns = [
    path("", pages.home, name="home"),
    # sign-in, sign-up by invitation, password reset, two-factor, single sign-on (allauth)
    path("accounts/", include("allauth.urls")),
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True),
         name="login"),
    path("password_reset/", RedirectView.as_view(pattern_name="account_reset_password"),
         name="password_reset"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", people.accept_invitation, name="invitation"),
    path("people/", people.people_page, name="people"),
    path("people/log/", people.people_log, name="people_log"),
    path("people/<int:user_id>/", people.person, name="person"),
    path("people/invitations/<int:pk>/withdraw/", people.withdraw,
         name="withdraw_invitation"),
    path("schools/<str:school_id>/", pages.school, name="school"),
    path("schools/<str:school_id>/chart/", pages.school_chart, name="school_chart"),
    path("district/", pages.district, name="district"),
    path("watchlist/", students.watchlist, name="watchlist"),
    path("students/<str:student_id>/", students.student, name="student"),
    path("data/", data.data_page, name="data"),
    path("data/jobs/<int:pk>/", data.job, name="job"),
    path("export/indicators.<str:fmt>", exports.indicators, name="export_indicators"),
    path("export/watchlist.<str:fmt>", exports.watchlist, name="export_watchlist"),
    path("account/tokens/", account.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", account.revoke, name="revoke_token"),
    path("audit-log/", account.audit_log, name="audit_log"),
    path("networks/", networks.network_list, name="networks"),
    path("networks/<int:pk>/", networks.network_home, name="network"),
    path("networks/<int:pk>/spread/", networks.spread, name="spread"),
    path("networks/<int:pk>/sessions/<int:session_id>/", networks.session, name="session"),
    path("networks/<int:pk>/report.<str:fmt>", networks.report, name="network_report"),
    path("networks/<int:pk>/teams/<str:school>/", networks.team, name="team"),
    path("networks/<int:pk>/teams/<str:school>/pdsa/new/", pdsa.pdsa, name="pdsa_new"),
    path("networks/<int:pk>/teams/<str:school>/pdsa/<int:cycle_id>/", pdsa.pdsa,
         name="pdsa"),
    path("networks/<int:pk>/aims/new/", pdsa.aim_new, name="aim_new"),
    path("networks/<int:pk>/aims/<int:aim_id>/approve/", pdsa.aim_approve, name="aim_approve"),
    path("networks/<int:pk>/aims/<int:aim_id>/drivers/", pdsa.driver_add, name="driver_add"),
    path("networks/<int:pk>/aims/<int:aim_id>/evaluate/", pdsa.aim_evaluate,
         name="aim_evaluate"),
    path("networks/<int:pk>/aims/<int:aim_id>/diagram.<str:fmt>", networks.diagram_file,
         name="diagram"),
    path("networks/<int:pk>/ideas/", pdsa.idea_add, name="idea_add"),
    path("networks/<int:pk>/measures/<int:measure_id>/values/<str:school>/",
         pdsa.measure_values, name="measure_values"),
    path("networks/<int:pk>/measures/<int:measure_id>/changes/<str:school>/",
         pdsa.chart_change, name="chart_change"),
    path("networks/<int:pk>/phases/", pdsa.phase_add, name="phase_add"),
    # changing and deleting what was made (networks/edits.py)
    path("networks/<int:pk>/aims/<int:aim_id>/edit/", edits.aim_edit, name="aim_edit"),
    path("networks/<int:pk>/aims/<int:aim_id>/delete/", edits.aim_delete, name="aim_delete"),
    path("networks/<int:pk>/drivers/<int:driver_id>/edit/", edits.driver_edit,
         name="driver_edit"),
    path("networks/<int:pk>/drivers/<int:driver_id>/delete/", edits.driver_delete,
         name="driver_delete"),
    path("networks/<int:pk>/ideas/<int:idea_id>/edit/", edits.idea_edit, name="idea_edit"),
    path("networks/<int:pk>/ideas/<int:idea_id>/delete/", edits.idea_delete,
         name="idea_delete"),
    path("networks/<int:pk>/teams/<str:school>/pdsa/<int:cycle_id>/delete/",
         edits.pdsa_delete, name="pdsa_delete"),
    path("networks/<int:pk>/measures/new/", edits.measure_edit, name="measure_new"),
    path("networks/<int:pk>/measures/<int:measure_id>/edit/", edits.measure_edit,
         name="measure_edit"),
    path("networks/<int:pk>/measures/<int:measure_id>/delete/", edits.measure_delete,
         name="measure_delete"),
    path("networks/<int:pk>/sessions/new/", edits.session_edit, name="session_new"),
    path("networks/<int:pk>/sessions/<int:session_id>/edit/", edits.session_edit,
         name="session_edit"),
    path("networks/<int:pk>/sessions/<int:session_id>/delete/", edits.session_delete,
         name="session_delete"),
    path("networks/<int:pk>/schools/", edits.schools_edit, name="network_schools"),
    path("networks/<int:pk>/teams/<str:school>/<str:what>/<int:row>/delete/",
         edits.team_record_delete, name="team_record_delete"),
    path("audits/", audits.audit_list, name="audits"),
    path("audits/<int:pk>/", audits.audit, name="audit"),
    path("audits/<int:pk>/schools/<str:school>/", audits.findings, name="findings"),
    path("audits/<int:pk>/recommendations/", audits.recommend, name="recommend"),
    path("audits/<int:pk>/status/", audits.status, name="audit_status"),
    path("audits/<int:pk>/job/", audits.job, name="audit_job"),
    path("audits/<int:pk>/recommendations/<int:rec_id>/delete/", audits.unrecommend,
         name="unrecommend"),
    path("audits/<int:pk>/audit.<str:fmt>", audits.download, name="audit_download"),
    path("audits/<int:pk>/v<int:version>/audit.<str:fmt>", audits.download,
         name="audit_version"),
    path("leaders/", include("aimline.web.leaders.urls")),
    path("coaching/", include("aimline.web.coaching.urls")),
    path("district/", include("aimline.web.district.urls")),
    path("growth/", include("aimline.web.growth.urls")),
    path("induction/", include("aimline.web.induction.urls")),
    path("surveys/", include("aimline.web.surveys.urls")),
    path("s/<str:token>/", survey_views.take, name="survey_take"),
    path("", include("aimline.web.credentials.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
