from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "aimline.web.students"
    label = "students"
    verbose_name = "Students"
    default_auto_field = "django.db.models.BigAutoField"
