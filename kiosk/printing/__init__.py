"""Printing: ticket and notice rendering, fonts, printer drivers."""
