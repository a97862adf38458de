"""Giving anonymous feedback. The answer and the receipt are written in one transaction but
carry nothing that links one to the other."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.feedback.models import (
    STATEMENTS,
    Agreement,
    FeedbackReceipt,
    FeedbackResponse,
    Recommend,
)
from booster.groups.models import Group, Membership


def feedback_given(*, membership: Membership) -> bool:
    """Whether this person has answered (or skipped) the group's feedback."""
    return FeedbackReceipt.objects.filter(
        group_id=membership.group_id, user_id=membership.user_id
    ).exists()


@transaction.atomic
def feedback_submit(*, membership: Membership, answers: Mapping[str, object]) -> None:
    """Store one person's answers without a link to them. Every answer is optional.

    ``answers`` holds the statement keys (1–5 or None), ``recommend`` and ``comment``.
    Raises ValidationError when the person has already answered or skipped.
    """
    group: Group = membership.group
    values: dict[str, object] = {}
    for key, _label in STATEMENTS:
        value = answers.get(key)
        if value in (None, ""):
            values[key] = None
            continue
        if value not in Agreement.values:
            raise ValidationError({key: _("Choose one of the five answers.")}, code="invalid")
        values[key] = value
    recommend = str(answers.get("recommend") or "")
    if recommend and recommend not in Recommend.values:
        raise ValidationError({"recommend": _("Choose yes, maybe or no.")}, code="invalid")
    comment = str(answers.get("comment") or "").strip()
    _receipt(membership=membership, skipped=False)
    FeedbackResponse.objects.create(
        organisation_id=group.organisation_id,
        group=group,
        answered_on=timezone.localdate(),
        recommend=recommend,
        comment=comment,
        **values,
    )


@transaction.atomic
def feedback_skip(*, membership: Membership) -> None:
    """Record that the person chose not to answer, so the form is not offered again."""
    _receipt(membership=membership, skipped=True)


def _receipt(*, membership: Membership, skipped: bool) -> None:
    try:
        with transaction.atomic():
            FeedbackReceipt.objects.create(
                group_id=membership.group_id, user_id=membership.user_id, skipped=skipped
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already answered the feedback of this group. Thank you."),
            code="already_answered",
        ) from None
