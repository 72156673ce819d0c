from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from aimline.web.api import api
from aimline.web.views import account, data, exports, pages, students

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="aimline/login.html"),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
