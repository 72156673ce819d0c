from django.apps import AppConfig


class LoadsConfig(AppConfig):
    name = "aimline.web.loads"
    label = "loads"
    verbose_name = "Data loads"
    default_auto_field = "django.db.models.BigAutoField"
