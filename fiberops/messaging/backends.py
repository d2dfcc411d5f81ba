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
    """A call placed through the privacy-number service (隐私号): the number the technician dials
    (it rings the customer without either seeing the other's number) and the recording's
    reference (R-APT-2)."""

    dial: str
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
        return Call(
            dial=f"170{secrets.randbelow(10**8):08d}",
            recording_ref=f"REC-SIM-{secrets.token_hex(8)}",
        )


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def telephony_backend():
    return import_string(settings.TELEPHONY_BACKEND)()
