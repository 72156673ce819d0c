from django.urls import path

from aimline.web.district import views

urlpatterns = [path("support/", views.page, name="district_support"),
               path("staffing/", views.staffing_page, name="district_staffing")]
