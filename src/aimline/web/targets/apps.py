from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "aimline.web.targets"
    label = "targets"
    verbose_name = "Measured targets"
    default_auto_field = "django.db.models.BigAutoField"
