from django.apps import AppConfig


class DistrictConfig(AppConfig):
    name = "aimline.web.district"
    label = "district"
    verbose_name = "The district's role"
    default_auto_field = "django.db.models.BigAutoField"
