from django.apps import AppConfig


class InductionConfig(AppConfig):
    name = "aimline.web.induction"
    label = "induction"
    verbose_name = "Administrator induction"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from aimline.web.coaching.subjects import register
        from aimline.web.induction.seats import COACHING

        register(COACHING)
