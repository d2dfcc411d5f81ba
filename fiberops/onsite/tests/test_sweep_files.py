"""Orphan photo files (no row names them) are swept once old enough (R-PHO-3)."""

import io
import os
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from fiberops.onsite.actions import add_photo
from fiberops.onsite.tests.helpers import encode, order_on_site, picture


def test_r_pho_3_old_orphan_files_are_deleted_and_the_photos_files_kept(world):
    order = order_on_site(world)
    photo, _created = add_photo(
        order, kind="route", data=encode(picture(70)), actor=world.technician_user
    )
    old = default_storage.save(f"photos/{order.pk}/{'a' * 64}.jpg", ContentFile(b"x"))
    fresh = default_storage.save(f"photos/{order.pk}/{'b' * 64}.jpg", ContentFile(b"y"))
    stranger = default_storage.save("photos/999999/c.jpg", ContentFile(b"z"))
    two_hours_ago = time.time() - 7200
    for name in (old, stranger, photo.file.name, photo.thumbnail.name):
        os.utime(settings.MEDIA_ROOT / name, (two_hours_ago, two_hours_ago))

    out = io.StringIO()
    call_command("sweep_photo_files", stdout=out)

    assert not default_storage.exists(old)
    assert not default_storage.exists(stranger)
    assert default_storage.exists(fresh)
    assert default_storage.exists(photo.file.name)
    assert default_storage.exists(photo.thumbnail.name)
    assert "deleted 2 orphan file(s)" in out.getvalue()
