"""Enrolment: what the central store knows of a device before it trusts its bundles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Enrolment:
    device: str  # e.g. dev-k7q2m9abc3xdpe4f (derived from the public key)
    public_key: str  # base64 of the 32-byte Ed25519 public key
    name: str = ""  # e.g. "ตู้บัตรคิว ชั้น 1" / "laptop of the planning division"
    role: str = "kiosk"  # kiosk, laptop, office …
    place: str = ""  # where it is used
