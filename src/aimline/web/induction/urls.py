from django.urls import path

from aimline.web.induction import views, work_views

urlpatterns = [
    path("", views.home, name="induction"),
    path("<int:pk>/", views.partnership, name="induction_partnership"),
    path("<int:pk>/do/<str:what>/", views.step, name="induction_step"),
    path("<int:pk>/report.<str:fmt>", views.report_file, name="induction_report"),
    path("candidates/<int:pk>/", views.candidate, name="induction_candidate"),
    path("candidates/<int:pk>/do/<str:what>/", work_views.step, name="induction_work"),
    path("candidates/<int:pk>/triad/", views.triad, name="induction_triad"),
    path("triads/<int:pk>/input/", views.supervisor_input, name="induction_supervisor_input"),
    path("matches/<int:pk>/<str:what>/", views.match_step, name="induction_match"),
]
