"""Textual apps: the ticket kiosk, counter console, display board, forum and staff-survey runner."""
