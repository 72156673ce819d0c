from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "aimline.web.coaching"
    label = "coaching"
    verbose_name = "Coaching log"
    default_auto_field = "django.db.models.BigAutoField"
