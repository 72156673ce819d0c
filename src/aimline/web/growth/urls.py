from django.urls import path

from aimline.web.growth import keeping, research, submissions, views

urlpatterns = [
    path("", views.index, name="growth"),
    path("credentials/<int:pk>/", views.credential, name="growth_credential"),
    path("credentials/<int:pk>/start/", submissions.start, name="growth_start"),
    path("submissions/<int:pk>/", submissions.page, name="growth_submission"),
    path("submissions/<int:pk>/do/<str:what>/", submissions.step,
         name="growth_submission_step"),
    path("submissions/<int:pk>/artifacts/<int:aid>/", submissions.artifact,
         name="growth_artifact"),
    path("ladder/", views.ladder_page, name="growth_ladder"),
    path("define/<str:what>/", keeping.define, name="growth_define"),
    path("library/", research.library, name="growth_library"),
    path("library/<str:code>/public/", research.public_library, name="growth_public"),
    path("research/new/", research.new, name="growth_project_new"),
    path("research/<int:pk>/", research.page, name="growth_project"),
    path("research/<int:pk>/do/<str:what>/", research.step, name="growth_project_step"),
]
