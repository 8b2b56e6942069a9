"""The office: the one process that owns a device's log, its LAN server, client and wire format."""
