from django.urls import path

from aimline.web.district import clusters, people, plans, views

urlpatterns = [path("support/", views.page, name="district_support"),
               path("staffing/", views.staffing_page, name="district_staffing"),
               path("plans/start/", plans.start, name="district_plan_start"),
               path("plans/<int:pk>/", plans.page, name="district_plan"),
               path("plans/<int:pk>/do/<str:what>/", plans.step, name="district_plan_step"),
               path("principals/", people.principals_page, name="district_principals"),
               path("principals/record/<str:what>/", people.plan,
                    name="district_people_plan"),
               path("clusters/", clusters.index, name="district_clusters"),
               path("clusters/new/", clusters.new, name="district_cluster_new"),
               path("clusters/<int:pk>/", clusters.page, name="district_cluster"),
               path("clusters/<int:pk>/do/<str:what>/", clusters.step,
                    name="district_cluster_step")]
