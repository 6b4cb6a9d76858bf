from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User
from audit.adminlog import AuditedAdmin


@admin.register(User)
class PortalUserAdmin(AuditedAdmin, UserAdmin):
    audit_noun = "user"
