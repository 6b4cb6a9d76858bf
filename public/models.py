from django.db import models

from incidents.models import Incident


class NoticeUpdate(models.Model):
    """A dated entry in the public notice's update log."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notice_updates")
    posted_on = models.DateField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "incidents_noticeupdate"
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.posted_on}: {self.text[:40]}"


class FaqEntry(models.Model):
    """A question callers ask, with the answer agents give and the public notice shows."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        db_table = "incidents_faqentry"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.question
