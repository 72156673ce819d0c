from django.urls import path

from aimline.web.credentials import views

urlpatterns = [
    path("verify/", views.check, name="verify_check"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/credential.jwt", views.token, name="verify_token"),
    path("credentials/status/revocation", views.status_list, name="credential_status"),
    path("credentials/issuers/<int:pk>", views.issuer, name="verify_issuer"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
