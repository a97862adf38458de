"""E-mail in the recipient's language and time zone, sent through the task queue.

Templates come in threes: ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and,
optionally, ``<prefix>_message.html``. Render them with :func:`email_render` or queue
them with :func:`email_send`.

A mail server that refuses or cannot be reached loses nothing: the e-mail waits in its
row and the task queues itself again after 1, 2, 4 … minutes (at most an hour apart),
:data:`MAX_ATTEMPTS` times in all; then the row stays, marked failed, until an operator
runs ``booster manage retry_emails``.
"""

from __future__ import annotations

import logging
import smtplib
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

if TYPE_CHECKING:
    from booster.core.models import OutgoingEmail

logger = logging.getLogger(__name__)

# The first retry waits a minute, each next one twice as long, never more than an hour:
# ten attempts span about four hours of a mail server being down.
RETRY_FIRST_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=1)
MAX_ATTEMPTS = 10
# What a refusing or unreachable server raises (connection errors are OSErrors).
DELIVERY_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


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


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, 4 … minutes)."""
    delay: timedelta = RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, RETRY_MAX_DELAY)


def _error_summary(error: BaseException) -> str:
    """The kind of error and the server's reply code, never the reply's text (it can quote
    the recipient's address)."""
    code = getattr(error, "smtp_code", None)
    name = type(error).__name__
    return f"{name} {code}"[:100] if isinstance(code, int) else name[:100]


def _enqueue_delivery(outgoing_id: int, *, run_after: datetime | None = None) -> None:
    if run_after is None:
        deliver_email.enqueue(outgoing_id=outgoing_id)
    else:
        deliver_email.using(run_after=run_after).enqueue(outgoing_id=outgoing_id)


def _delivery_failed(outgoing: OutgoingEmail, error: BaseException) -> None:
    now = timezone.now()
    outgoing.attempts += 1
    outgoing.last_error = _error_summary(error)
    fields = ["attempts", "last_error", "next_attempt_at", "failed_at"]
    # A task backend that cannot wait (the immediate one of the tests) cannot try later.
    can_wait = deliver_email.get_backend().supports_defer
    if outgoing.attempts >= MAX_ATTEMPTS or not can_wait:
        outgoing.next_attempt_at = None
        outgoing.failed_at = now
        outgoing.save(update_fields=fields)
        logger.error(
            "E-mail #%s was not sent (%s, attempt %d). It is kept, marked failed; "
            "`booster manage retry_emails` tries again.",
            outgoing.pk,
            outgoing.last_error,
            outgoing.attempts,
        )
        return
    outgoing.next_attempt_at = now + retry_delay(outgoing.attempts)
    # The row and the next run are saved together: neither exists without the other.
    with transaction.atomic():
        outgoing.save(update_fields=fields)
        _enqueue_delivery(outgoing.pk, run_after=outgoing.next_attempt_at)
    logger.warning(
        "E-mail #%s not sent (%s), attempt %d of %d; next attempt at %s.",
        outgoing.pk,
        outgoing.last_error,
        outgoing.attempts,
        MAX_ATTEMPTS,
        f"{outgoing.next_attempt_at:%Y-%m-%d %H:%M:%S %Z}",
    )


@task()
def deliver_email(*, outgoing_id: int) -> None:
    """Send one rendered e-mail, then forget its text. The queue holds only the id.

    Sent at least once: the row is deleted only after the server accepted the message, so
    a worker killed in between sends it again when the task runs again.
    """
    from booster.core.models import OutgoingEmail

    outgoing = OutgoingEmail.objects.filter(pk=outgoing_id).first()
    if outgoing is None:
        return  # already sent by an earlier run of this task
    if outgoing.failed_at is not None:
        return  # given up; `retry_emails` clears the mark and queues it again
    message = EmailMultiAlternatives(
        subject=outgoing.subject,
        body=outgoing.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[outgoing.to],
    )
    if outgoing.html:
        message.attach_alternative(outgoing.html, "text/html")
    try:
        message.send()
    except DELIVERY_ERRORS as error:
        _delivery_failed(outgoing, error)
        return
    outgoing.delete()
    if outgoing.attempts:
        logger.info("E-mail #%s sent at attempt %d.", outgoing_id, outgoing.attempts + 1)


def outgoing_emails_retry() -> int:
    """Queue again every e-mail that was given up, once the mail server works again.
    Returns how many were queued."""
    from booster.core.models import OutgoingEmail

    given_up = OutgoingEmail.objects.filter(failed_at__isnull=False).order_by("id")
    queued = 0
    for outgoing_id in given_up.values_list("pk", flat=True):
        with transaction.atomic():
            reset = OutgoingEmail.objects.filter(pk=outgoing_id, failed_at__isnull=False).update(
                attempts=0, failed_at=None, next_attempt_at=None, last_error=""
            )
            if reset:
                _enqueue_delivery(outgoing_id)
                queued += reset
    return queued


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
