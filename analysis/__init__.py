"""Reads the central store, evaluates the plan's targets and writes the reports (pandas)."""
