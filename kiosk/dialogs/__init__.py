"""Modal dialogs of the kiosk apps."""
