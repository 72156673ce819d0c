from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "aimline.web.credentials"
    label = "credentials"
    verbose_name = "Credentials (Open Badges 3.0)"
    default_auto_field = "django.db.models.BigAutoField"
