"""Giving anonymous feedback. The answer and the receipt are written in one transaction but
carry nothing that links one to the other."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booster.feedback.models import (
    MIN_RESPONDENTS,
    STATEMENTS,
    Agreement,
    FeedbackReceipt,
    FeedbackRelease,
    FeedbackResponse,
    Recommend,
)
from booster.groups.models import Group, Membership
from booster.organisations.models import Organisation


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
    organisation_id = group.organisation_id
    if organisation_id is not None:
        # After commit, so the answer counts; robust: a failed release never costs the
        # member their answer (the daily sweep makes it later).
        transaction.on_commit(lambda: _release_after_answer(organisation_id), robust=True)


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


def _release_after_answer(organisation_id: int) -> None:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None:
        feedback_release_due(organisation=organisation)


@transaction.atomic
def feedback_release_due(*, organisation: Organisation) -> FeedbackRelease | None:
    """Release the organisation's unreleased answers when there are at least five of them.

    All of them go into one release, so a report never grows by fewer than five people.
    The organisation's row is locked first: two answers committed at the same moment never
    make two releases of the same answers.
    """
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    waiting = list(
        FeedbackResponse.objects.filter(
            organisation=organisation, release__isnull=True
        ).values_list("pk", flat=True)
    )
    if len(waiting) < MIN_RESPONDENTS:
        return None
    release = FeedbackRelease.objects.create(organisation=organisation, respondents=len(waiting))
    FeedbackResponse.objects.filter(pk__in=waiting, release__isnull=True).update(release=release)
    return release


def feedback_releases_due() -> int:
    """Release what is due in every organisation (the daily sweep). Returns how many
    releases were made."""
    organisation_ids = (
        FeedbackResponse.objects.filter(organisation__isnull=False, release__isnull=True)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    made = 0
    for organisation in Organisation.objects.filter(pk__in=list(organisation_ids)).order_by("pk"):
        if feedback_release_due(organisation=organisation) is not None:
            made += 1
    return made
