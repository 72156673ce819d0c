from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "aimline.web.networks"
    label = "networks"
    verbose_name = "Networks"
    default_auto_field = "django.db.models.BigAutoField"
