"""Full screens of the kiosk apps (each gets what it needs through its constructor)."""
