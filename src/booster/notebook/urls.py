"""The private notebook, mounted at /<lang>/groups/<group_id>/notebook/ (namespace "notebook").

Every page is the requesting member's own notebook; ids in URLs are looked up among the
requester's own entries, so another person's id is a 404.
"""

from __future__ import annotations

from django.urls import path

from booster.notebook.views import export, pages, shared

app_name = "notebook"

urlpatterns = [
    path("", pages.index, name="index"),
    path("consent/", pages.consent, name="consent"),
    path("withdraw/", pages.withdraw, name="withdraw"),
    path("tasks/<slug:theme_key>/<slug:task_key>/", pages.task, name="task"),
    path("meetings/<int:meeting_id>/", pages.takeaway, name="takeaway"),
    path("notes/new/", pages.note_new, name="note_new"),
    path("notes/<int:entry_id>/", pages.note, name="note"),
    path("notes/<int:entry_id>/delete/", pages.note_delete, name="note_delete"),
    path("pages/<int:entry_id>/share/", pages.share, name="share"),
    path("pages/<int:entry_id>/picture.svg", pages.picture, name="picture"),
    path("shared/", shared.shared, name="shared"),
    path("shared/<int:snapshot_id>/withdraw/", shared.snapshot_withdraw, name="snapshot_withdraw"),
    path("shared/<int:snapshot_id>/ideas/", shared.idea_add, name="idea_add"),
    path("ideas/<int:idea_id>/delete/", shared.idea_delete, name="idea_delete"),
    path("export/notebook.md", export.markdown, name="export_markdown"),
    path("export/notebook.json", export.json_export, name="export_json"),
    path("export/notebook.pdf", export.pdf, name="export_pdf"),
    path("print/", export.print_view, name="print"),
]
