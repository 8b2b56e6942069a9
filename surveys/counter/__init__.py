"""The counter's rules: the queue's pure fold, rating codes, the office's settings, the audit."""
