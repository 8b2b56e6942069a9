"""Answers from paper and KoboToolbox/ODK files into the central store, and answers out again."""
