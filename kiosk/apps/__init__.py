"""The Textual apps: kiosk, counter, board, all-in-one, and what they share."""
