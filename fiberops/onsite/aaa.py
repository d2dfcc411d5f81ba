"""The AAA (RADIUS) system, asked whether the broadband account is provisioned and synchronised
(3A信息同步, R-ACC-2). A real adapter (RADIUS, or the BSS's provisioning API) is a class with the
same method, named by dotted path in `AAA_BACKEND`; the default simulates it from FiberOps's own
records (STYLE habit 8: an adapter with a simulated twin)."""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class AaaAnswer:
    account: str
    provisioned: bool
    synchronised: bool
    detail: str = ""


class AaaBackend(Protocol):
    name: str

    def lookup(self, order) -> AaaAnswer: ...


class SimulatedAaa:
    """Answers from FiberOps's records: the BSS provisions the account when it sends the order,
    so it is provisioned while the order is not cancelled; it is synchronised once the ONT's
    PPPoE dial-up was recorded as successful (a dial-up authenticates against AAA)."""

    name = "simulated"

    def lookup(self, order) -> AaaAnswer:
        provisioned = order.status != "cancelled"
        dialled = order.acceptance_readings.filter(element="ont", ok=True).exists()
        # Orders from before the BSS sent the account carry none: the order number stands in.
        account = order.broadband_account or order.bss_order_no
        return AaaAnswer(
            account=account,
            provisioned=provisioned,
            synchronised=provisioned and dialled,
            detail="simulated from FiberOps records"
            + ("" if order.broadband_account else " (no account on the order: its number)"),
        )


def aaa_backend() -> AaaBackend:
    return import_string(settings.AAA_BACKEND)()
