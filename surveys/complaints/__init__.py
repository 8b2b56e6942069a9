"""Complaints and corruption tips (issue 13): tracking codes, due dates, the fold, sealed contacts."""
