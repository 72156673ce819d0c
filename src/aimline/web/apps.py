from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "aimline.web"
    label = "aimline"
    verbose_name = "Aimline"
    default_auto_field = "django.db.models.BigAutoField"
