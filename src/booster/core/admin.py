"""Admin site settings shared by every app.

The task queue's own admin page is removed: task rows are plumbing, and operators have no
business browsing them. E-mails wait in ``OutgoingEmail`` (encrypted, not registered here).
"""

from __future__ import annotations

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
