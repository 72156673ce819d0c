from django.apps import AppConfig


class GrowthConfig(AppConfig):
    name = "aimline.web.growth"
    label = "growth"
    verbose_name = "Teachers' growth"
    default_auto_field = "django.db.models.BigAutoField"
