from django.urls import path

from aimline.web.coaching import views

urlpatterns = [
    path("new/<str:key>/<int:pk>/", views.new, name="coaching_new"),
    path("<int:pk>/", views.entry, name="coaching_entry"),
    path("<int:pk>/share/", views.share, name="coaching_share"),
]
