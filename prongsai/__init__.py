"""The ``prongsai`` command line: thin wrappers over the library packages."""
