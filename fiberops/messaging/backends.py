"""Adapters to the operator's SMS gateway and call service. A real one is a class with the same
method, named by dotted path in settings; the simulated ones are the default (docs/deploy.md)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sent:
    reference: str


@dataclass(frozen=True)
class Call:
    """A call placed through the privacy-number service: its recording's reference (R-APT-2)."""

    recording_ref: str


class SimulatedSms:
    """Sends nothing: the message is only kept in the outbox (`/messages/outbox/`)."""

    name = "simulated"

    def send(self, phone: str, text: str) -> Sent:
        return Sent(reference=f"SIM-{secrets.token_hex(6)}")


class SimulatedTelephony:
    """Places no call: answers a recording reference as the real service would."""

    name = "simulated"

    def call(self, technician_phone: str, customer_phone: str) -> Call:
        return Call(recording_ref=f"REC-SIM-{secrets.token_hex(8)}")


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def telephony_backend():
    return import_string(settings.TELEPHONY_BACKEND)()
