"""Start snmpsim's command responder (a real SNMP agent over recorded `.snmprec` data) for the
tests, the demo and the benchmark: `python -m fiberops.inspections.snmp_agent --data-dir=…
--agent-udpv4-endpoint=127.0.0.1:1161`.

Why a launcher and not `snmpsim-command-responder` itself: snmpsim 1.2.2 imports `pysmi` only to
print its version in `--version`, but declares it as a development extra, so a plain install
fails at start with `No module named 'pysmi'`. When `pysmi` is absent this stands in an empty
module for it; nothing else in snmpsim uses it. Once `pysmi` is in the lock file the console
script works as well."""

import os
import sys
import types


def main() -> None:
    # snmpsim refuses to run as root; the container's tests and demo do, so it drops to nobody.
    if os.geteuid() == 0 and not any(arg.startswith("--process-user") for arg in sys.argv):
        sys.argv += ["--process-user=nobody", "--process-group=nogroup"]
        # After the drop, nobody may not read the interpreter's standard library (here under
        # /root): import what snmpsim loads lazily (its index store, the variation modules'
        # imports) while still root.
        import dbm.dumb  # noqa: F401
        import encodings.latin_1  # noqa: F401
        import math  # noqa: F401
        import random  # noqa: F401
    try:
        import pysmi  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType("pysmi")
        stand_in.__version__ = "absent"  # type: ignore[attr-defined]
        sys.modules["pysmi"] = stand_in
    from snmpsim.commands.responder import main as responder_main

    sys.exit(responder_main())


if __name__ == "__main__":
    main()
