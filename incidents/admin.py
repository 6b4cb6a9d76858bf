from django.contrib import admin

from incidents.models import DataType


@admin.register(DataType)
class DataTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "is_government_id", "is_medical", "is_financial", "is_education_record", "is_ssn"]
    search_fields = ["label", "key"]
    ordering = ["sort_order", "label"]
