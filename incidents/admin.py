from django.contrib import admin

from audit.adminlog import AuditedAdmin
from incidents.models import DataType


@admin.register(DataType)
class DataTypeAdmin(AuditedAdmin):
    audit_noun = "catalog"
    list_display = ["label", "key", "is_government_id", "is_medical", "is_financial", "is_education_record", "is_ssn"]
    search_fields = ["label", "key"]
    ordering = ["sort_order", "label"]
