from django.urls import path

from aimline.web.leaders import circles, courses, files, setup, views

urlpatterns = [
    path("", views.home, name="leaders"),
    path("programmes/<int:pk>/", files.cohort, name="leaders_programme"),
    path("programmes/<int:pk>/cohort.xlsx", files.cohort_xlsx, name="leaders_cohort_xlsx"),
    path("programmes/<int:pk>/report.pdf", files.report, name="leaders_report"),
    path("programmes/<int:pk>/achievement", views.achievement, name="leaders_achievement"),
    path("programmes/<int:pk>/add/<str:what>/", setup.add, name="leaders_setup"),
    path("courses/<int:pk>/", courses.course, name="leaders_course"),
    path("candidates/<int:pk>/", views.candidate, name="leaders_candidate"),
    path("candidates/<int:pk>/target/", views.target, name="leaders_target"),
    path("candidates/<int:pk>/evaluate/", views.evaluate, name="leaders_evaluate"),
    path("candidates/<int:pk>/certificate/", views.issue, name="leaders_issue"),
    path("candidates/<int:pk>/revoke/", views.revoke, name="leaders_revoke"),
    path("candidates/<int:pk>/exception/", views.exception, name="leaders_exception"),
    path("targets/<int:pk>/decide/", views.decide, name="leaders_decide"),
    path("certificates/<int:pk>/certificate.pdf", files.certificate_pdf,
         name="leaders_certificate_pdf"),
    path("networks/<int:pk>/", circles.circle, name="leaders_circle"),
    path("networks/<int:pk>/<str:what>/", circles.add, name="leaders_circle_add"),
]
