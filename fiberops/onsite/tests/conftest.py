import pytest
import time_machine

from fiberops.onsite.tests.helpers import UPLOAD_AT


@pytest.fixture(autouse=True)
def _at_upload_time():
    with time_machine.travel(UPLOAD_AT, tick=False):
        yield
