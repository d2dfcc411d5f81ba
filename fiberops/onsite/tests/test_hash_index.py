"""The reused-photo look-up finds every match from the band indexes (R-PHO-4)."""

import random

import pytest

from fiberops.onsite.actions import reuse_candidates
from fiberops.onsite.images import bands, hamming
from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import order_on_site


def flip(value: int, bits: list[int]) -> int:
    unsigned = value & ((1 << 64) - 1)
    for bit in bits:
        unsigned ^= 1 << bit
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


@pytest.mark.parametrize("max_distance", [3, 6, 7])
def test_r_pho_4_every_hash_within_the_threshold_is_a_candidate(world, max_distance):
    order, other = order_on_site(world), order_on_site(world)
    rng = random.Random(max_distance)
    probe = rng.getrandbits(64) - (1 << 63)
    stored = []
    for index in range(60):
        distance = index % (max_distance + 1)
        value = flip(probe, rng.sample(range(64), distance))
        assert hamming(value, probe) == distance
        b = bands(value)
        stored.append(
            Photo(
                order=other,
                kind="route",
                sha256=f"{index:064x}",
                content_type="image/jpeg",
                width=1,
                height=1,
                bytes=1,
                phash=value,
                band0=b[0],
                band1=b[1],
                band2=b[2],
                band3=b[3],
                uploaded_by=world.technician_user,
                uploaded_at=other.completed_at or other.accepted_at,
                occurred_at=other.accepted_at,
            )
        )
    Photo.objects.bulk_create(stored)

    found = reuse_candidates(order, bands(probe), max_distance)

    assert {c.phash for c in found} >= {p.phash for p in stored}
    assert all(c.order_id == other.pk for c in found)
