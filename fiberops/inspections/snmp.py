"""Reading switches over SNMP (R-INS-3): the adapter between the poller and `pysnmp`.

Pure Python and `pysnmp` only, no Django: it takes targets (address, community, uplink ifIndex,
the device model's OID profile) and answers one `PollResult` per target. Each poll takes two
samples of the uplink's octet counters `interval` seconds apart (utilisation = the busier
direction's rate ÷ the interface speed, a wrapped counter counted once round), the CPU load
(the average of the profile's CPU OIDs) and the memory use (used ÷ size, or a vendor's percentage).

SNMPv2c GetRequests are built and read with pysnmp's message-level API and sent through one
asyncio UDP socket (see `Poller` for why not the high-level API). Concurrency: every request
holds a slot of one semaphore (`concurrency`); the wait between the
two samples holds none, so a slow or silent switch costs its own timeouts and retries and never
blocks the rest.

Lives in `inspections/` and not in STYLE's `integrations/snmp/`: only the switch poller uses it,
and a new app for one module would be a package with nothing else in it (docs/switches.md).
"""

import asyncio
import itertools
import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from pyasn1.codec.ber import decoder as ber_decoder
from pyasn1.codec.ber import encoder as ber_encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api

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
#: A rate above this share of the link speed is no measurement but a counter that jumped (a reset
#: the agent did not report, a wrong speed): the poll stores no bandwidth figure. A little over 100
#: is allowed for the timing jitter between the two samples and clipped to 100.
PLAUSIBLE_MAX_PCT = 101.0


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
    note: str = ""  # why an answered poll has no bandwidth figure (a counter reset …)
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


def percent(value: float | int | Fraction) -> Decimal:
    """Two decimals, rounded DOWN (toward zero), within 0 … 100: a figure just under a threshold
    (69.995 %) stays under it (69.99), never rounds up into a breach (R-INS-3, docs/switches.md).
    Exact: the callers pass fractions where they can (45 of 100 units is 45.00, never the
    44.99 a float's 44.999999… would round down to)."""
    exact = min(max(Fraction(value), Fraction(0)), Fraction(100))
    return Decimal(math.floor(exact * 100)).scaleb(-2)


class CounterReset(ValueError):
    """The counters went backwards where they cannot wrap, or moved faster than the link can."""


def counter_delta(before: int, after: int, bits: int) -> int:
    """How far a counter moved. A 32-bit counter that went down wrapped and is counted once
    round; a 64-bit counter does not wrap in any plausible interval (2⁶⁴ octets at 100 Gbit/s is
    over 40 years), so one that went down was reset (a reboot, a cleared interface) and
    `CounterReset` is raised."""
    delta = after - before
    if delta >= 0:
        return delta
    if bits >= 64:
        raise CounterReset(f"counter went backwards ({before} → {after}): reset, not a wrap")
    return delta + 2**bits


def utilisation(
    *,
    in_before: int,
    in_after: int,
    out_before: int,
    out_after: int,
    seconds: float,
    speed: int,
    speed_unit_bps: int,
    bits: int,
) -> tuple[Decimal | None, str]:
    """(the busier direction's rate as a share of the interface speed (full duplex), a note).
    No figure — with the reason — when the interval or the speed is zero, a 64-bit counter went
    backwards, or the rate lies above `PLAUSIBLE_MAX_PCT` of the speed: never a fake 100 %."""
    if seconds <= 0 or speed <= 0:
        return None, "no interval or no interface speed"
    try:
        busier = max(
            counter_delta(in_before, in_after, bits), counter_delta(out_before, out_after, bits)
        )
    except CounterReset as reset:
        return None, str(reset)
    share = Fraction(busier * 8 * 100) / (Fraction(seconds) * speed * speed_unit_bps)
    if share > PLAUSIBLE_MAX_PCT:
        return None, f"rate {float(share):.1f}% of the link speed: counter reset or wrong speed"
    return percent(share), ""


def utilisation_pct(**kwargs) -> Decimal | None:
    """`utilisation` without the note."""
    return utilisation(**kwargs)[0]


def memory_pct(profile: Profile, values: dict[str, int]) -> Decimal | None:
    if profile.mem_percent_oid:
        return percent(values[profile.mem_percent_oid])
    size = values[profile.mem_size_oid]
    return percent(Fraction(values[profile.mem_used_oid] * 100, size)) if size > 0 else None


def cpu_pct(profile: Profile, values: dict[str, int]) -> Decimal | None:
    loads = [values[oid] for oid in profile.cpu_oids]
    return percent(Fraction(sum(loads), len(loads))) if loads else None


# --- the network -------------------------------------------------------------------------------

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]


def encode_get(request_id: int, community: str, oids: Sequence[str]) -> bytes:
    """An SNMPv2c GetRequest for `oids`."""
    pdu = V2C.GetRequestPDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, [(oid, V2C.Null("")) for oid in oids])
    message = V2C.Message()
    V2C.apiMessage.set_defaults(message)
    V2C.apiMessage.set_community(message, community)
    V2C.apiMessage.set_pdu(message, pdu)
    return ber_encoder.encode(message)


def decode_response(data: bytes) -> tuple[int, dict[str, int] | str]:
    """(request id, {oid: value}) or (request id, the agent's error)."""
    message, _rest = ber_decoder.decode(data, asn1Spec=V2C.Message())
    pdu = V2C.apiMessage.get_pdu(message)
    request_id = int(V2C.apiPDU.get_request_id(pdu))
    status = V2C.apiPDU.get_error_status(pdu)
    if status:
        return request_id, f"{status.prettyPrint()} at {V2C.apiPDU.get_error_index(pdu)}"
    values: dict[str, int] = {}
    for name, value in V2C.apiPDU.get_varbinds(pdu):
        try:
            values[str(name)] = int(value)
        except (TypeError, ValueError, PyAsn1Error):
            return request_id, f"no value for {name}"
    return request_id, values


class _Endpoint(asyncio.DatagramProtocol):
    """One UDP socket for every request; answers matched to requests by request id and checked
    against the address and port the request went to (an answer from anywhere else — a spoofed
    or stray datagram that guessed the id — is ignored)."""

    def __init__(self) -> None:
        self.waiting: dict[int, tuple[asyncio.Future, tuple[str, int]]] = {}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        try:
            request_id, answer = decode_response(data)
        except (PyAsn1Error, ValueError, TypeError):
            return  # not an SNMP answer: ignore it
        pending = self.waiting.get(request_id)
        if pending is None:
            return
        future, expected = pending
        if tuple(addr[:2]) != expected:
            return  # not from the agent the request went to: ignore it, keep waiting
        del self.waiting[request_id]
        if not future.done():
            future.set_result(answer)


class Poller:
    """Polls many targets concurrently through one UDP socket.

    pysnmp's high-level API registers every (community, address) pair in its engine's
    configuration tables, and at 10,000 switches that bookkeeping, not the network, was the
    bottleneck (about 80 requests/s on this machine); the message-level API (encode a GetRequest,
    decode the answer) with request ids of our own keeps the cost flat (docs/switches.md)."""

    def __init__(self, settings: PollSettings | None = None) -> None:
        self.settings = settings or PollSettings()
        self.slots = asyncio.Semaphore(self.settings.concurrency)
        self.endpoint: _Endpoint | None = None
        self.request_ids = itertools.count(random.randrange(1, 2**30))  # noqa: S311 - not secret

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        _transport, self.endpoint = await loop.create_datagram_endpoint(
            _Endpoint,
            local_addr=("0.0.0.0", 0),  # noqa: S104 - an ephemeral client port
        )

    async def _get(self, target: Target, oids: Sequence[str]) -> dict[str, int]:
        endpoint = self.endpoint
        if endpoint is None or endpoint.transport is None:
            raise RuntimeError("Poller.open() first")
        loop = asyncio.get_running_loop()
        async with self.slots:
            for _attempt in range(self.settings.retries + 1):
                request_id = next(self.request_ids) % 2**31
                future = loop.create_future()
                address = (target.host, target.port)
                endpoint.waiting[request_id] = (future, address)
                endpoint.transport.sendto(encode_get(request_id, target.community, oids), address)
                try:
                    answer = await asyncio.wait_for(future, self.settings.timeout_s)
                except TimeoutError:
                    endpoint.waiting.pop(request_id, None)
                    continue
                if isinstance(answer, str):
                    raise NoAnswer(answer)
                return answer
        raise NoAnswer("No SNMP response received before timeout")

    async def poll_one(self, target: Target) -> PollResult:
        profile = target.profile
        result = PollResult(key=target.key, answered=False)
        counters = profile.counter_oids(target.if_index)
        try:
            first = await self._get(target, profile.first_oids(target.if_index))
            first_at = time.monotonic()
            await asyncio.sleep(self.settings.interval_s)
            second = await self._get(target, counters)
            second_at = time.monotonic()
            result.requests = 2
            in_oid, out_oid = counters
            result.bandwidth_pct, result.note = utilisation(
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
        except NoAnswer as error:
            result.reason = str(error)[:200]
            return result
        except KeyError as error:  # the agent left out an OID the profile names
            result.reason = f"no value for {error}"[:200]
            return result
        except OSError as error:  # an address the socket cannot send to
            result.reason = f"{type(error).__name__}: {error}"[:200]
            return result
        result.answered = True
        result.measured_at = time.time()
        return result

    async def poll(self, targets: Iterable[Target]) -> list[PollResult]:
        return list(await asyncio.gather(*(self.poll_one(target) for target in targets)))

    def close(self) -> None:
        if self.endpoint is not None and self.endpoint.transport is not None:
            self.endpoint.transport.close()


def poll_targets(
    targets: Iterable[Target], settings: PollSettings | None = None
) -> list[PollResult]:
    """Poll `targets` concurrently in a fresh event loop; one result per target, in order."""

    async def run() -> list[PollResult]:
        poller = Poller(settings)
        try:
            await poller.open()
            return await poller.poll(targets)
        finally:
            poller.close()

    return asyncio.run(run())
