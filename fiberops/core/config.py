"""Reading settings from the environment (used by fiberops/settings.py)."""

import copy
import json
import os
from collections.abc import Mapping


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def merge_sla_policy(defaults: dict, override_json: str | None) -> dict:
    policy = copy.deepcopy(defaults)
    for key, value in json.loads(override_json or "{}").items():
        if isinstance(value, dict) and isinstance(policy.get(key), dict):
            for sub, subvalue in value.items():
                if isinstance(subvalue, dict):
                    policy[key].setdefault(sub, {}).update(subvalue)
                else:
                    policy[key][sub] = subvalue
        else:
            policy[key] = value
    return policy


DEVELOPMENT_SECRET_KEY = "fiberops-insecure-development-key-change-me"  # noqa: S105 - DEBUG only


def secret_key(environ: Mapping[str, str], *, debug: bool) -> str:
    return environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
