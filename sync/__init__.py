"""Signed bundles, the LAN sync server and client, and the central store."""
