"""The device log: events, their hash chain, storage, locks and the device's identity."""
