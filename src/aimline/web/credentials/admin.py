from django.contrib import admin

from aimline.web.credentials.models import Credential


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Read only: credentials are issued by their app's rules and revoked on the site."""

    list_display = ("code", "kind", "recipient_name", "achievement_name", "issued_at",
                    "revoked_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
