from __future__ import annotations

from django.db.models import QuerySet

from booster.accounts.models import User
from booster.organisations.models import Organisation


def organisations_of(user: object) -> QuerySet[Organisation]:
    """The organisations the user coordinates."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(coordinators__user=user).order_by("name", "id")
