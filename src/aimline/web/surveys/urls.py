from django.urls import path

from aimline.web.surveys import builder, views

urlpatterns = [
    path("", views.home, name="surveys"),
    path("<int:pk>/", views.results, name="survey_results"),
    path("<int:pk>/results.xlsx", views.results_xlsx, name="survey_xlsx"),
    path("<int:pk>/links/", views.make_links, name="survey_links"),
    path("<int:pk>/edit/", builder.edit, name="survey_edit"),
    path("<int:pk>/answer/", views.take_mine, name="survey_take_mine"),
]
