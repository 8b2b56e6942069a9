"""Devices with a log, their bundles and a central store that knows them: what the sync tests set up."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from surveys.log.device import Device, load_or_create_device
from surveys.log.device_log import DeviceLog, Draft
from surveys.log.event import BANGKOK
from surveys.log.home import log_dir
from sync.bundle import write_bundle
from sync.central import CentralStore
from sync.enrolment import make_enrolment

START = datetime(2024, 10, 1, 8, 0, tzinfo=BANGKOK)


def append(home: Path, count: int, tag: str = "a") -> Device:
    """Append ``count`` events to the log of ``home`` (made on first use), a minute apart from START,
    each numbered by its seq and carrying ``tag``."""
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        first = log.head[0]
        log.append_many(
            Draft("test.ping", {"n": first + i, "tag": tag}, START + timedelta(minutes=first + i))
            for i in range(count)
        )
    return device


def pings(home: Path, count: int) -> Device:
    """Append ``count`` events, numbered from 0, at the time of the test, to the log of ``home``."""
    device = load_or_create_device(home)
    with DeviceLog(log_dir(home), device.id) as log:
        log.append_many([Draft("test.ping", {"n": i}) for i in range(count)])
    return device


def new_device(folder: Path, name: str, events: int) -> Path:
    """The home ``folder/name`` of a new device whose log holds ``events`` pings."""
    home = folder / name
    pings(home, events)
    return home


def export(home: Path, out: Path, from_seq: int = 1) -> Path:
    """A bundle of ``home``'s log from ``from_seq`` on, written to ``out``."""
    assert write_bundle(load_or_create_device(home), log_dir(home), out, from_seq) is not None
    return out


def enrol(central: Path, home: Path) -> Device:
    """Enrol the device of ``home`` (a kiosk named after its folder, on the first floor) at ``central``."""
    device = load_or_create_device(home)
    store = CentralStore.open(central)
    try:
        store.enrol(make_enrolment(device, home.name, "kiosk", "ชั้น 1"))
    finally:
        store.close()
    return device
