from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "aimline.web.orgs"
    label = "orgs"
    verbose_name = "Organisations and people"
    default_auto_field = "django.db.models.BigAutoField"
