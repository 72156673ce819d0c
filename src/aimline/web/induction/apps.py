from django.apps import AppConfig


class InductionConfig(AppConfig):
    name = "aimline.web.induction"
    label = "induction"
    verbose_name = "Administrator induction"
    default_auto_field = "django.db.models.BigAutoField"
