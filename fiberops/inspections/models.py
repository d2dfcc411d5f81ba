"""Inspections and network health (巡检, R-INS-1..4): inspection plans and their orders, switch
readings and the breaches that open rectification orders. The switch readings' models live in
`switch_models.py` and are imported at the end of this module so Django finds them."""

from fiberops.inspections.switch_models import *  # noqa: E402, F403 — the switch readings' models
