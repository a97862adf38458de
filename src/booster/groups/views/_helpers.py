"""Small helpers the group views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from booster.accounts.models import User
from booster.groups.permissions import GroupAccess, group_access


def access_for(request: HttpRequest, group_id: int) -> GroupAccess:
    """The requesting person's place in the group; 404 for everyone else."""
    return group_access(user=request.user, group_id=group_id)


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names (else above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
