"""Widgets of the kiosk apps: they turn taps and keys into domain-named messages, never touch storage."""
