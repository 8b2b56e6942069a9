"""The device identity: an id and an Ed25519 key pair, made on first use of a home folder.

The id is derived from the public key (base32 of its SHA-256), so an id cannot be moved to
another key without it showing.

A *demo* device (``"demo": true`` in ``device.json``) is one made for simulated data
(``prongsai simulate``). The flag is set when the identity is made and never afterwards: nothing turns
an existing device into a demo one, nor back. The file alone is not what keeps demo data out of the
reports (anyone with a shell can edit it): the signed enrolment carries the flag to the central store,
which keeps it, and the simulation's own events (hash-chained, signed in every bundle) mark the device
demo there for good; see :mod:`kiosk.office.simulate`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from surveys.log.atomic import write_atomic

IDENTITY_FILE = "device.json"
KEY_FILE = "device.key"
# What marks simulated data in a log: each simulation run begins with an event of this kind, and its
# tickets are "printed" on this printer. Both sit under the hash chain and the bundle's signature.
DEMO_EVENT_KIND = "demo.simulation"
SIMULATED_PRINTER = "simulated"


class DeviceError(Exception):
    """The device identity in a home folder is unusable; the message says what to do."""


@dataclass(frozen=True)
class Device:
    id: str
    public_key: bytes  # 32 raw bytes
    private_key: Ed25519PrivateKey
    demo: bool = False  # made for simulated data only

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def device_id_for(public_key: bytes) -> str:
    """``dev-`` and 16 base32 characters of the key's SHA-256, e.g. ``dev-k7q2m9abc3xdpe4f``."""
    digest = base64.b32encode(hashlib.sha256(public_key).digest()).decode("ascii").lower()
    return "dev-" + digest[:16]


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_device(home: Path, *, demo: bool = False) -> Device:
    """The device of ``home``; the first call creates the folder, the id and the key pair.

    ``demo`` applies only to a device made now: an existing device is returned as it is, demo or not
    (the caller checks :attr:`Device.demo`).
    """
    identity = home / IDENTITY_FILE
    if identity.exists():
        return load_device(home)
    home.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(home / KEY_FILE, pem, mode=0o600)
    record: dict[str, str | bool] = {
        "device": device_id_for(public),
        "public_key": base64.b64encode(public).decode("ascii"),
        "algorithm": "ed25519",
    }
    if demo:
        record["demo"] = True
    write_atomic(identity, (json.dumps(record, indent=2) + "\n").encode("utf-8"))
    return load_device(home)


def load_device(home: Path) -> Device:
    identity = home / IDENTITY_FILE
    try:
        record = json.loads(identity.read_text(encoding="utf-8"))
        public = base64.b64decode(record["public_key"], validate=True)
        device_id = str(record["device"])
        demo = record.get("demo", False)
        if not isinstance(demo, bool):
            raise ValueError(f"demo must be true or false, not {demo!r}")
        pem = (home / KEY_FILE).read_bytes()
    except FileNotFoundError as exc:
        raise DeviceError(
            f"{exc.filename} is missing: this home folder's device identity is incomplete. "
            "Restore the file from a backup; do not create a new identity for the same log."
        ) from None
    except (ValueError, KeyError) as exc:
        raise DeviceError(f"{identity} is damaged ({exc}); restore it from a backup.") from None
    private = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise DeviceError(f"{home / KEY_FILE} is not an Ed25519 key.")
    derived = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if derived != public or device_id_for(public) != device_id:
        raise DeviceError(
            f"{identity} does not match {home / KEY_FILE}: the identity was altered. "
            "Restore both files from the same backup."
        )
    return Device(device_id, public, private, demo)
