"""E-mails wait encrypted, the queue holds only an id, and the text is gone once sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from booster.core.email import deliver_email, email_send
from booster.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_a_sent_email_leaves_no_text_behind() -> None:
    email_send(
        to="ilona@example.org",
        template_prefix="groups/email/concern_new",
        language="sv",
        time_zone="Europe/Stockholm",
        context={"group": type("G", (), {"name": "Lyktan", "pk": 1})(), "url": "https://x/"},
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ilona@example.org"]
    assert not OutgoingEmail.objects.exists()


def test_waiting_emails_are_encrypted_and_the_task_holds_only_the_id() -> None:
    outgoing = OutgoingEmail.objects.create(
        to="ilona@example.org", subject="Secret subject", body="A private board post"
    )
    with connection.cursor() as cursor:
        cursor.execute('SELECT subject, body, "to" FROM core_outgoingemail')
        row = cursor.fetchone()
    assert "Secret" not in row[0] and "private" not in row[1] and "ilona" not in row[2]
    result = deliver_email.enqueue(outgoing_id=outgoing.pk)
    assert result.args == [] and result.kwargs == {"outgoing_id": outgoing.pk}
    assert mail.outbox[-1].body == "A private board post"
    # Running the task again sends nothing twice.
    deliver_email.call(outgoing_id=outgoing.pk)
    assert len(mail.outbox) == 1
