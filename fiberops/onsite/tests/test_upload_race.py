"""Two identical uploads for one order at the same moment (R-PHO-5, PostgreSQL row locking)."""

import pytest
from django.core.files.storage import default_storage

from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import NEAR_SITE, encode, exif, order_on_site, picture
from fiberops.onsite.tests.test_upload import upload
from fiberops.testing import make_world, require_postgresql, run_concurrently


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_pho_5_two_identical_uploads_at_once_store_one_photo_and_answer_its_id_twice():
    require_postgresql()
    world = make_world()
    order = order_on_site(world)
    data = encode(
        picture(11),
        exif_data=exif(taken="2026:11:03 10:20:00", offset="+08:00", gps=NEAR_SITE),
        quality=90,
    )
    world.client(world.technician_user)  # creates the token before the race

    answers = run_concurrently(
        lambda: upload(world.client(world.technician_user), order, data), workers=2
    )

    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert {answer.json()["id"] for answer in answers} == {Photo.objects.get().pk}
    photo = Photo.objects.get()
    _directories, files = default_storage.listdir(f"photos/{order.pk}")
    assert sorted(files) == sorted(
        [photo.file.name.rsplit("/", 1)[1], photo.thumbnail.name.rsplit("/", 1)[1]]
    )
