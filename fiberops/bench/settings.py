"""Settings of the benchmark's own server (`bench_intake_http`): production settings, plus the
bare-Django intake view at /bench/intake/ (fiberops/bench/urls.py).

Chosen with DJANGO_SETTINGS_MODULE=fiberops.bench.settings, which only the benchmark sets for
the gunicorn it starts on a throw-away database. Production's URLconf never names the benchmark
(nothing outside `bench` imports it: core/tests/test_import_directions.py), so no environment
variable can switch the unauthenticated-CSRF write path on in production.
"""

from fiberops.settings import *  # noqa: F403

ROOT_URLCONF = "fiberops.bench.urls"
