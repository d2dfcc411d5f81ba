"""Reading switches over SNMP (R-INS-3): the adapter between the poller and `pysnmp`.

Pure Python and `pysnmp` only, no Django: it takes targets (address, community, uplink ifIndex,
the device model's OID profile) and answers one `PollResult` per target. Each poll takes two
samples of the uplink's octet counters `interval` seconds apart (utilisation = the busier
direction's rate ÷ the interface speed, a wrapped counter counted once round), the CPU load
(the average of the profile's CPU OIDs) and the memory use (used ÷ size, or a vendor's percentage).

Concurrency: every request holds a slot of one semaphore (`concurrency`); the wait between the
two samples holds none, so a slow or silent switch costs its own timeouts and retries and never
blocks the rest.

Lives in `inspections/` and not in STYLE's `integrations/snmp/`: only the switch poller uses it,
and a new app for one module would be a package with nothing else in it (docs/switches.md).
"""

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)

# --- the OIDs of the standard MIBs ----------------------------------------------------------

IF_HC_IN_OCTETS = "1.3.6.1.2.1.31.1.1.1.6"  # IF-MIB ifHCInOctets (Counter64)
IF_HC_OUT_OCTETS = "1.3.6.1.2.1.31.1.1.1.10"  # IF-MIB ifHCOutOctets (Counter64)
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"  # IF-MIB ifHighSpeed (Mbit/s)
IF_IN_OCTETS = "1.3.6.1.2.1.2.2.1.10"  # IF-MIB ifInOctets (Counter32)
IF_OUT_OCTETS = "1.3.6.1.2.1.2.2.1.16"  # IF-MIB ifOutOctets (Counter32)
IF_SPEED = "1.3.6.1.2.1.2.2.1.5"  # IF-MIB ifSpeed (bit/s)
HR_PROCESSOR_LOAD = "1.3.6.1.2.1.25.3.3.1.2"  # HOST-RESOURCES-MIB hrProcessorLoad (%)
HR_STORAGE_SIZE = "1.3.6.1.2.1.25.2.3.1.5"  # HOST-RESOURCES-MIB hrStorageSize (units)
HR_STORAGE_USED = "1.3.6.1.2.1.25.2.3.1.6"  # HOST-RESOURCES-MIB hrStorageUsed (units)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Profile:
    """Where a device model keeps its figures. Counter and speed OIDs are column prefixes, the
    uplink's ifIndex is appended; CPU and memory OIDs are whole instances. Memory is either
    `mem_used_oid` ÷ `mem_size_oid` or a vendor's `mem_percent_oid`."""

    name: str
    in_octets_oid: str = IF_HC_IN_OCTETS
    out_octets_oid: str = IF_HC_OUT_OCTETS
    speed_oid: str = IF_HIGH_SPEED
    speed_unit_bps: int = 1_000_000  # ifHighSpeed counts Mbit/s; ifSpeed counts bit/s
    counter_bits: int = 64
    cpu_oids: tuple[str, ...] = (f"{HR_PROCESSOR_LOAD}.196608",)
    mem_used_oid: str = f"{HR_STORAGE_USED}.1"
    mem_size_oid: str = f"{HR_STORAGE_SIZE}.1"
    mem_percent_oid: str = ""

    def counter_oids(self, if_index: int) -> tuple[str, str]:
        return f"{self.in_octets_oid}.{if_index}", f"{self.out_octets_oid}.{if_index}"

    def first_oids(self, if_index: int) -> list[str]:
        """Everything the first sample asks for, in one request."""
        memory = (
            [self.mem_percent_oid]
            if self.mem_percent_oid
            else [
                self.mem_used_oid,
                self.mem_size_oid,
            ]
        )
        return [
            *self.counter_oids(if_index),
            f"{self.speed_oid}.{if_index}",
            *self.cpu_oids,
            *memory,
        ]


#: IF-MIB's 64-bit counters with ifHighSpeed, HOST-RESOURCES-MIB for CPU and RAM.
STANDARD = Profile(name="standard")


@dataclass(frozen=True)
class Target:
    """One switch to poll; `key` is the caller's (the switch's id)."""

    key: int
    host: str
    port: int
    community: str
    if_index: int
    profile: Profile = STANDARD


@dataclass
class PollResult:
    key: int
    answered: bool
    reason: str = ""
    measured_at: float = 0.0  # wall-clock seconds (time.time()) of the second sample
    bandwidth_pct: Decimal | None = None
    cpu_pct: Decimal | None = None
    mem_pct: Decimal | None = None
    requests: int = 0


@dataclass
class PollSettings:
    interval_s: float = 10.0
    timeout_s: float = 2.0
    retries: int = 1
    concurrency: int = 200
    stats: dict = field(default_factory=dict)


class NoAnswer(Exception):
    """The agent did not answer (timeout after the retries) or answered an error."""


# --- pure arithmetic ---------------------------------------------------------------------------


def percent(value: float) -> Decimal:
    """Two decimals, halves up, within 0 … 100."""
    clipped = min(max(value, 0.0), 100.0)
    return Decimal(repr(clipped)).quantize(CENT, rounding=ROUND_HALF_UP)


def counter_delta(before: int, after: int, bits: int) -> int:
    """How far a counter moved; a counter that wrapped (after < before) went once round."""
    delta = after - before
    return delta + 2**bits if delta < 0 else delta


def utilisation_pct(
    *,
    in_before: int,
    in_after: int,
    out_before: int,
    out_after: int,
    seconds: float,
    speed: int,
    speed_unit_bps: int,
    bits: int,
) -> Decimal | None:
    """The busier direction's rate as a share of the interface speed (full duplex); None when the
    interval or the speed is zero."""
    if seconds <= 0 or speed <= 0:
        return None
    busier = max(
        counter_delta(in_before, in_after, bits), counter_delta(out_before, out_after, bits)
    )
    bits_per_second = busier * 8 / seconds
    return percent(bits_per_second / (speed * speed_unit_bps) * 100)


def memory_pct(profile: Profile, values: dict[str, int]) -> Decimal | None:
    if profile.mem_percent_oid:
        return percent(values[profile.mem_percent_oid])
    size = values[profile.mem_size_oid]
    return percent(values[profile.mem_used_oid] / size * 100) if size > 0 else None


def cpu_pct(profile: Profile, values: dict[str, int]) -> Decimal | None:
    loads = [values[oid] for oid in profile.cpu_oids]
    return percent(sum(loads) / len(loads)) if loads else None


# --- the network -------------------------------------------------------------------------------


class Poller:
    """Polls many targets concurrently with one SNMP engine."""

    def __init__(self, settings: PollSettings | None = None) -> None:
        self.settings = settings or PollSettings()
        self.engine = SnmpEngine()
        self.slots = asyncio.Semaphore(self.settings.concurrency)

    async def _get(self, target: Target, transport, oids: Sequence[str]) -> dict[str, int]:
        async with self.slots:
            error, status, index, binds = await get_cmd(
                self.engine,
                # v2c: what the operator's community switches speak; read-only, management VLAN
                CommunityData(target.community, mpModel=1),  # noqa: S508
                transport,
                ContextData(),
                *[ObjectType(ObjectIdentity(oid)) for oid in oids],
                lookupMib=False,
            )
        if error:
            raise NoAnswer(str(error))
        if status:
            raise NoAnswer(f"{status.prettyPrint()} at {index}")
        values: dict[str, int] = {}
        for name, value in binds:
            try:
                values[str(name)] = int(value)
            except (TypeError, ValueError):
                raise NoAnswer(f"no value for {name}") from None
        return values

    async def poll_one(self, target: Target) -> PollResult:
        profile = target.profile
        result = PollResult(key=target.key, answered=False)
        try:
            transport = await UdpTransportTarget.create(
                (target.host, target.port),
                timeout=self.settings.timeout_s,
                retries=self.settings.retries,
            )
            first = await self._get(target, transport, profile.first_oids(target.if_index))
            first_at = time.monotonic()
            await asyncio.sleep(self.settings.interval_s)
            counters = profile.counter_oids(target.if_index)
            second = await self._get(target, transport, counters)
            second_at = time.monotonic()
            result.requests = 2
        except NoAnswer as error:
            result.reason = str(error)[:200]
            return result
        except (OSError, ValueError) as error:  # an address that does not resolve, a bad port
            result.reason = f"{type(error).__name__}: {error}"[:200]
            return result
        in_oid, out_oid = counters
        result.answered = True
        result.measured_at = time.time()
        result.bandwidth_pct = utilisation_pct(
            in_before=first[in_oid],
            in_after=second[in_oid],
            out_before=first[out_oid],
            out_after=second[out_oid],
            seconds=second_at - first_at,
            speed=first[f"{profile.speed_oid}.{target.if_index}"],
            speed_unit_bps=profile.speed_unit_bps,
            bits=profile.counter_bits,
        )
        result.cpu_pct = cpu_pct(profile, first)
        result.mem_pct = memory_pct(profile, first)
        return result

    async def poll(self, targets: Iterable[Target]) -> list[PollResult]:
        return list(await asyncio.gather(*(self.poll_one(target) for target in targets)))

    def close(self) -> None:
        self.engine.close_dispatcher()


def poll_targets(
    targets: Iterable[Target], settings: PollSettings | None = None
) -> list[PollResult]:
    """Poll `targets` concurrently in a fresh event loop; one result per target, in order."""

    async def run() -> list[PollResult]:
        poller = Poller(settings)
        try:
            return await poller.poll(targets)
        finally:
            poller.close()

    return asyncio.run(run())
