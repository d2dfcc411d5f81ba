"""Work that apps above `sla` add to every tick of the SLA worker (`run_sla_clock`): one worker
and one loop for everything scheduled by a stored time, not a second scheduler. `sla` imports
none of those apps; they register here in their `AppConfig.ready` (workorders: the reminders
before appointments). A hook takes the tick's time and returns how many rows it handled."""

import datetime as dt
from collections.abc import Callable

TICK_HOOKS: dict[str, Callable[[dt.datetime], int]] = {}
