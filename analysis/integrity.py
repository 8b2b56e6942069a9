"""What a report's numbers rest on: per device, whether its chain verifies in the central store, its gaps,
what stands in quarantine, refused ratings, and whether it is a demo device (simulated data)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sync.central import CANNOT_SEE, CentralStore


def integrity_section(store: CentralStore, refused: pd.DataFrame, *, include_demo: bool) -> dict[str, Any]:
    """The integrity section of report.json: one row per device the report may count (demo devices only
    when ``include_demo``), each re-verified now."""
    checks = {check.device: check for check in store.check_devices()}
    refused_by_device = refused.groupby("device").size().to_dict() if not refused.empty else {}
    rows: list[dict[str, Any]] = []
    for device in store.devices(include_demo=True):
        if device.demo and not include_demo:
            continue
        check = checks.get(device.id)
        chain = check.chain if check is not None else None
        rows.append(
            {
                "device": device.id,
                "name": device.name,
                "role": device.role,
                "place": device.place,
                "demo": device.demo,
                "revoked": device.revoked,
                "verified": bool(check is not None and check.ok),
                "chain_ok": bool(chain is not None and chain.ok),
                "problems": [p.text("en") for p in chain.problems] if chain is not None else [],
                "problems_th": [p.text("th") for p in chain.problems] if chain is not None else [],
                "first_seq": chain.first_seq if chain is not None else None,
                "last_seq": chain.last_seq if chain is not None else None,
                "head": chain.head if chain is not None else "",
                "gaps": [list(gap) for gap in check.gaps] if check is not None else [],
                "quarantined": len(check.quarantined) if check is not None else 0,
                "refused_ratings": int(refused_by_device.get(device.id, 0)),
            }
        )
    return {"devices": rows, "cannot_see_th": CANNOT_SEE[0], "cannot_see_en": CANNOT_SEE[1]}


def integrity_warnings(section: dict[str, Any], include_demo: bool) -> list[dict[str, str]]:
    """What the first page must say about the data: demo devices counted, devices that failed checks."""
    warnings: list[dict[str, str]] = []
    demo = [d["name"] or d["device"] for d in section["devices"] if d["demo"]]
    if include_demo and demo:
        names = ", ".join(demo)
        warnings.append(
            {
                "code": "demo_data",
                "th": f"รายงานนี้รวมข้อมูลจำลองจากอุปกรณ์สาธิต ({names}) ตัวเลขจึงไม่ใช่ผลจริง ห้ามเผยแพร่เป็นผลการดำเนินงาน",
                "en": f"this report includes simulated data from demo devices ({names}): its numbers are not "
                "real results and must not be published as such",
            }
        )
    failed = [d["name"] or d["device"] for d in section["devices"] if not d["verified"]]
    if failed:
        names = ", ".join(failed)
        warnings.append(
            {
                "code": "unverified",
                "th": f"ข้อมูลของอุปกรณ์ {names} ตรวจสอบไม่ผ่านทั้งหมด (สายโซ่ขาด มีช่องว่าง หรือมีรายการถูกกักไว้) "
                "ตัวเลขที่มาจากอุปกรณ์เหล่านี้อาจไม่ครบหรือไม่ถูกต้อง ดูหัวข้อความถูกต้องของข้อมูล",
                "en": f"the data of {names} did not pass every check (a broken chain, gaps or quarantined "
                "records): numbers that rest on them may be incomplete or wrong; see the integrity section",
            }
        )
    return warnings
