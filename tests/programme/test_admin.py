"""Pack versions in the admin: visible to staff, never added, changed or deleted there."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from booster.programme.services import pack_import
from tests.factories import UserFactory
from tests.programme.packs import write_pack


@pytest.fixture
def staff_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_is_read_only(staff_client: Client, tmp_path: Path) -> None:
    version, _ = pack_import(path=write_pack(tmp_path))

    listing = staff_client.get(reverse("admin:programme_packversion_changelist"))
    page = staff_client.get(reverse("admin:programme_packversion_change", args=[version.pk]))
    add = staff_client.get(reverse("admin:programme_packversion_add"))
    delete = staff_client.get(reverse("admin:programme_packversion_delete", args=[version.pk]))
    post = staff_client.post(
        reverse("admin:programme_packversion_change", args=[version.pk]), {"label": "edited"}
    )

    assert listing.status_code == 200
    assert page.status_code == 200
    assert 'name="label"' not in page.content.decode()
    assert add.status_code == 403
    assert delete.status_code == 403
    assert post.status_code == 403
    version.refresh_from_db()
    assert version.label == "0.1"
