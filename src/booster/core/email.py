"""E-mail in the recipient's language and time zone, sent through the task queue.

Templates come in threes: ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and,
optionally, ``<prefix>_message.html``. Render them with :func:`email_render` or queue
them with :func:`email_send`.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str
    html: str | None


def email_render(
    *, template_prefix: str, language: str, time_zone: str, context: dict[str, Any]
) -> RenderedEmail:
    """Render an e-mail as the recipient will read it."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        subject = str(render_to_string(f"{template_prefix}_subject.txt", context))
        body = str(render_to_string(f"{template_prefix}_message.txt", context))
        try:
            html: str | None = render_to_string(f"{template_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    subject = " ".join(subject.split())
    return RenderedEmail(subject=f"Booster: {subject}", body=body.strip() + "\n", html=html)


@task()
def deliver_email(*, outgoing_id: int) -> None:
    """Send one rendered e-mail, then forget its text. The queue holds only the id."""
    from booster.core.models import OutgoingEmail

    outgoing = OutgoingEmail.objects.filter(pk=outgoing_id).first()
    if outgoing is None:
        return  # already sent by an earlier run of this task
    message = EmailMultiAlternatives(
        subject=outgoing.subject,
        body=outgoing.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outgoing.to],
    )
    if outgoing.html:
        message.attach_alternative(outgoing.html, "text/html")
    message.send()
    outgoing.delete()


def email_send(
    *,
    to: str,
    template_prefix: str,
    language: str,
    time_zone: str,
    context: dict[str, Any],
) -> None:
    """Render now (so the text matches the moment it was decided) and queue the sending."""
    from booster.core.models import OutgoingEmail

    rendered = email_render(
        template_prefix=template_prefix, language=language, time_zone=time_zone, context=context
    )
    outgoing = OutgoingEmail.objects.create(
        to=to, subject=rendered.subject, body=rendered.body, html=rendered.html or ""
    )
    # The database queue writes the task in the same transaction as the row, so a change
    # that is rolled back sends nothing, and the worker never sees a task before its row.
    deliver_email.enqueue(outgoing_id=outgoing.pk)


def site_url(path: str) -> str:
    """An absolute address for links in e-mails and calendar files."""
    return settings.SITE_URL.rstrip("/") + path


def site_url_in(name: str, *, language: str, **kwargs: Any) -> str:
    """An absolute link to a named page, under the reader's language prefix."""
    with translation.override(language):
        return site_url(reverse(name, kwargs=kwargs))
