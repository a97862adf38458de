"""The group board: short messages and links that members and guides leave between meetings,
and the marker that keeps each member's e-mail digest from repeating itself."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

POST_TEXT_MAX_LENGTH = 2000
POST_LINK_MAX_LENGTH = 500

# Only web links: a javascript:, data: or file: address must never become a clickable link.
LINK_SCHEMES = ["http", "https"]
validate_link = URLValidator(
    schemes=LINK_SCHEMES, message=_("Enter a web address that starts with http:// or https://.")
)


class PostQuerySet(models.QuerySet["Post"]):
    def visible(self) -> PostQuerySet:
        """Posts that have not been deleted (a deleted post disappears from the board)."""
        return self.filter(deleted_at__isnull=True)


class Post(models.Model):
    """A short message on a group's board, written by a member or a guide."""

    group = models.ForeignKey(
        "groups.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        "groups.Membership",
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    # A TextField's max_length only reaches forms; the validator holds it for services too.
    text = models.TextField(
        _("message"),
        max_length=POST_TEXT_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(POST_TEXT_MAX_LENGTH)],
    )
    link = models.URLField(
        _("link"), max_length=POST_LINK_MAX_LENGTH, blank=True, validators=[validate_link]
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Deleting empties the text and the link at once; the row stays so that the board's
    # history (and the digest markers) keep their order.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("board post")
        verbose_name_plural = _("board posts")
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("group", "-created_at"), name="board_post_group_newest"),)
        constraints = (
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=False) | ~Q(text=""),
                name="board_post_text_unless_deleted",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(text="", link=""),
                name="board_post_deleted_is_empty",
            ),
        )

    def __str__(self) -> str:
        return f"{self.group_id} #{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class BoardDigestSent(models.Model):
    """Up to when a member's board digest has been sent: posts made later go in the next one."""

    membership = models.OneToOneField(
        "groups.Membership",
        verbose_name=_("membership"),
        on_delete=models.CASCADE,
        related_name="board_digest_sent",
    )
    sent_up_to = models.DateTimeField(_("posts sent up to"))
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)

    class Meta:
        verbose_name = _("board digest marker")
        verbose_name_plural = _("board digest markers")

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.sent_up_to:%Y-%m-%d %H:%M}"
