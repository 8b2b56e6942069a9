"""The office and its terminals as separate processes, for the LAN and concurrency tests.

usage:
    python office_terminal.py server HOME            serve HOME's office on 127.0.0.1, a free port;
                                                     prints "listening PORT" once it listens
    python office_terminal.py kiosk URL TICKETS SEED reserve + confirm TICKETS tickets
    python office_terminal.py counter URL N STOPFILE SEED BACKLOG
                                                     counter N: once BACKLOG tickets are issued (so that
                                                     people wait), call, serve, no-show, transfer … until
                                                     STOPFILE exists and the office is quiet

Terminals take their own credential (``sync.terminals.add_terminal``: kiosk, counter:N) from
$PRONGSAI_OFFICE_KEY and print one JSON line of counts at the end.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

from kiosk.office.client import RemoteOffice
from kiosk.office.service import OfficeError
from surveys.counter.queue import Ticket
from surveys.counter.settings import Settings

SERVICES = (("registration", 40), ("tax", 20), ("permits", 10), ("info", 15), ("complaints", 15))
EXPECTED = {"not_waiting", "counter_busy"}  # races between terminals that the office refuses


def quick_no_shows(settings: Settings) -> Settings:
    """The office's settings in this test: a no-show needs no recall and no wait (the rule has its own
    tests), so that counters racing each other mark some and the fold and audit see them."""
    return settings.model_copy(update={"no_show_recalls": 0, "no_show_wait_seconds": 0})


def server(home: Path) -> int:
    from kiosk.office.key import office_key
    from kiosk.office.server import serve_office
    from kiosk.office.service import LocalOffice
    from surveys.counter.settings import default_settings

    office = LocalOffice(home, quick_no_shows(default_settings()))

    def started(host: str, port: int) -> None:
        print(f"listening {port}", flush=True)

    serve_office(office, "127.0.0.1", 0, office_key(home), on_started=started)
    print("closed", flush=True)
    return 0


def kiosk(url: str, tickets: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    names, weights = zip(*SERVICES, strict=True)
    counts: Counter[str] = Counter()
    with RemoteOffice(url, os.environ["PRONGSAI_OFFICE_KEY"]) as office:
        groups = [g.id for g in office.settings.priority.groups]
        for _ in range(tickets):
            service = rng.choices(names, weights)[0]
            priority = rng.choice(groups) if rng.random() < 0.2 else None
            reservation = office.reserve_ticket(service, priority)
            counts["ops"] += 1
            if rng.random() < 0.03:  # the printer jammed: recorded, then printed again
                office.ticket_print_failed(reservation.ticket, "paper jam", "test")
                office.ticket_reprinted(reservation.ticket, "test")
                counts["ops"] += 2
            office.confirm_ticket(reservation.ticket, "test")
            counts["ops"] += 1
            counts["confirmed"] += 1
    return dict(counts)


def counter(url: str, number: int, stop: Path, seed: int, backlog: int) -> dict[str, object]:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    with RemoteOffice(url, os.environ["PRONGSAI_OFFICE_KEY"]) as office:
        mine = office.settings.services_of_counter(number)
        others = [s.id for s in office.settings.services if s.id not in mine]
        view = office.snapshot()
        while view.issued_today < backlog and not stop.exists():  # the board's way of waiting
            view = office.wait_for_change(view.version, 5.0)
            counts["waits"] += 1
        while True:
            try:
                ticket = call(office, number, mine, rng, counts)
                if ticket is None:
                    if stop.exists() and quiet(office):
                        break
                    time.sleep(0.005)
                    continue
                if rng.random() < 0.05:
                    office.recall(number)
                    counts["ops"] += 1
                roll = rng.random()
                if roll < 0.08:
                    office.no_show(number)
                elif roll < 0.13 and ticket.transferred_from is None:
                    office.transfer(number, rng.choice(others))
                else:
                    office.start(number)
                    office.finish(number)
                    counts["ops"] += 1
                counts["ops"] += 1
            except OfficeError as exc:
                counts["ops"] += 1
                errors[exc.code] += 1
                if exc.code not in EXPECTED:
                    raise
    return {**counts, "errors": dict(errors)}


def call(
    office: RemoteOffice, number: int, mine: tuple[str, ...], rng: random.Random, counts: Counter[str]
) -> Ticket | None:
    """Mostly the next in line; now and then a later ticket, with a reason (an appointment)."""
    if rng.random() < 0.06:
        view = office.snapshot()
        counts["ops"] += 1
        waiting = [n for s in mine for n, _ in view.waiting.get(s, ())]
        if len(waiting) > 1:
            counts["ops"] += 1
            counts["out_of_order"] += 1
            return office.call_ticket(number, waiting[-1], "appointment")
    counts["ops"] += 1
    ticket = office.call_next(number)
    if ticket is None:
        counts["idle"] += 1
    else:
        counts["called"] += 1
    return ticket


def quiet(office: RemoteOffice) -> bool:
    """Nobody waits and no counter holds a ticket: no transfer can bring more work."""
    view = office.snapshot()
    return not any(view.waiting.values()) and all(c.ticket is None for c in view.counters)


def main() -> int:
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "server":
        return server(Path(args[0]))
    if mode == "kiosk":
        result = kiosk(args[0], int(args[1]), int(args[2]))
    elif mode == "counter":
        result = counter(args[0], int(args[1]), Path(args[2]), int(args[3]), int(args[4]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
