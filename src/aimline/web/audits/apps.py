from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "aimline.web.audits"
    label = "audits"
    verbose_name = "Equity audits"
    default_auto_field = "django.db.models.BigAutoField"
