"""An importing process for the crash tests: imports bundle files into a central store, in order.

usage: python import_worker.py STORE BUNDLE...
Prints ``ready`` once the store is open, then ``imported NAME NEW`` after each import has returned
(committed), so the test knows which imports were acknowledged before it killed the process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sync.central import CentralStore


def main() -> int:
    store_path, bundles = Path(sys.argv[1]), [Path(arg) for arg in sys.argv[2:]]
    with CentralStore(store_path) as store:
        print("ready", flush=True)
        for bundle in bundles:
            result = store.import_bundle(bundle)
            if not result.ok:
                print(f"refused {bundle.name} {result.refused}", flush=True)
                return 2
            print(f"imported {bundle.name} {result.counts['new']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
