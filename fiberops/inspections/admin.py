"""Admin of the inspections app."""

# --- switch readings (R-INS-3): a separate module, kept apart from the inspection plans' admin ---
from fiberops.inspections import switch_admin  # noqa: E402, F401
