from django.urls import path

from aimline.web.district import plans, views

urlpatterns = [path("support/", views.page, name="district_support"),
               path("staffing/", views.staffing_page, name="district_staffing"),
               path("plans/start/", plans.start, name="district_plan_start"),
               path("plans/<int:pk>/", plans.page, name="district_plan"),
               path("plans/<int:pk>/do/<str:what>/", plans.step, name="district_plan_step")]
