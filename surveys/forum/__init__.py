"""Community forums and anonymous staff surveys: their events, their folded state, one-time codes."""
