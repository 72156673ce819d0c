from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "aimline.web.leaders"
    label = "leaders"
    verbose_name = "Leadership programmes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aimline.web.coaching.subjects import register
        from aimline.web.leaders.seats import COACHING

        register(COACHING)
