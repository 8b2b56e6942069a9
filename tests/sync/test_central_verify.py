"""`prongsai verify --central` lists, per device, what stands in quarantine and the gaps, and says what
the central store cannot see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from prongsai.cli import cli
from surveys.log.device import Device
from sync.central import CentralStore
from sync.enrolment import Enrolment
from tests.support.devices import append, export


def verify(central: Path, *args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--home", str(central), "--lang", lang, "verify", "--central", *args])


@pytest.fixture
def central(tmp_path: Path, kiosk: tuple[Path, Device]) -> Path:
    home = tmp_path / "central"
    with CentralStore.open(home) as store:
        store.enrol(Enrolment(kiosk[1].id, kiosk[1].public_key_b64, "kiosk"))
    return home


def import_(central: Path, *bundles: Path) -> None:
    with CentralStore.open(central) as store:
        for bundle in bundles:
            assert store.import_bundle(bundle).ok


def test_a_clean_store_is_whole_and_says_what_it_cannot_see(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    home, device = kiosk
    import_(central, export(home, tmp_path / "1.psb"))
    result = verify(central)
    assert result.exit_code == 0, result.output
    assert f"✓ {device.id}: chain whole, 30 events (seq 1–30)" in result.output
    assert "the central store cannot see" in result.output
    data = json.loads(verify(central, "--json").stdout)
    assert data["ok"] is True
    [entry] = data["devices"]
    assert entry["quarantined"] == [] and entry["gaps"] == []
    assert "the central store cannot see" in data["cannot_see"]["en"]
    assert "คลังข้อมูลกลางมองไม่เห็น" in data["cannot_see"]["th"]


def test_a_fork_in_quarantine_is_listed_and_fails(
    kiosk: tuple[Path, Device], central: Path, tmp_path: Path
) -> None:
    """The stored chain is whole (the original's), but a second log claims the device."""
    home, device = kiosk
    twin = tmp_path / "twin"
    shutil.copytree(home, twin)
    append(home, 5, tag="original")
    append(twin, 7, tag="twin")
    import_(central, export(home, tmp_path / "original.psb"), export(twin, tmp_path / "twin.psb"))
    result = verify(central)
    assert result.exit_code == 1, result.output
    assert f"✗ {device.id}: 7 records in quarantine" in result.output
    assert "seq 31: conflict: fork" in result.output
    data = json.loads(verify(central, "--json").stdout)
    assert data["ok"] is False
    [entry] = data["devices"]
    assert entry["chain_ok"] is True and entry["ok"] is False
    assert [(q["seq"], q["status"]) for q in entry["quarantined"]] == [(s, "conflict") for s in range(31, 38)]
    thai = verify(central, lang="th")
    assert thai.exit_code == 1 and "ถูกกักไว้ 7 รายการ" in thai.output


def test_a_gap_is_listed_and_fails(kiosk: tuple[Path, Device], central: Path, tmp_path: Path) -> None:
    home, _ = kiosk
    first = export(home, tmp_path / "1.psb")
    append(home, 10)
    append(home, 10)
    import_(central, first, export(home, tmp_path / "3.psb", from_seq=41))
    result = verify(central)
    assert result.exit_code == 1, result.output
    assert "gap: missing seq 31–40" in result.output
    data = json.loads(verify(central, "--json").stdout)
    [entry] = data["devices"]
    assert entry["gaps"] == [{"first": 31, "last": 40, "text": "missing seq 31–40, waiting for that bundle"}]
    assert entry["quarantined"] == []
