"""A writer process for the crash tests: appends events and reports each acknowledged seq.

usage: python log_worker.py FOLDER DEVICE MODE COUNT [FSIZE_LIMIT]
MODE: single (one append at a time), batch (batches of 7), retry (open/append/close in a loop,
waiting while another writer holds the log). Each acknowledged seq is printed on its own line
only after ``append`` returned.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time
from pathlib import Path

from surveys.log.device_log import DeviceLog, Draft, LogLocked, LogWriteError


def main() -> int:
    folder, device, mode, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    if len(sys.argv) > 5:  # a "full disk": files may not grow past this many bytes
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = int(sys.argv[5])
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    out = sys.stdout
    if mode == "retry":
        # The writers must meet, however the machine schedules them: whoever holds the log first keeps
        # it after its first three appends until another writer has been refused once (the flag file).
        met = folder.parent / f"{folder.name}.writers-met"
        done = 0
        while done < count:
            try:
                with DeviceLog(folder, device, fold_every=5) as log:
                    for _ in range(3):
                        event = log.append("test.ping", {"writer": os.getpid(), "n": done})
                        out.write(f"{event.seq} {event.hash}\n")
                        out.flush()
                        done += 1
                    waited = 0.0
                    while not met.exists() and waited < 120:
                        time.sleep(0.01)
                        waited += 0.01
            except LogLocked:
                met.touch()
                out.write("locked\n")
                out.flush()
                time.sleep(0.001)
        return 0
    with DeviceLog(folder, device, fold_every=16) as log:
        try:
            sent = 0
            while sent < count:
                if mode == "batch":
                    events = log.append_many(
                        Draft("test.ping", {"n": sent + i, "pad": "x" * 50}) for i in range(7)
                    )
                else:
                    events = [log.append("test.ping", {"n": sent, "pad": "ข้อความ" * 10})]
                for event in events:
                    out.write(f"{event.seq} {event.hash}\n")
                out.flush()
                sent += len(events)
        except LogWriteError as exc:
            out.write(f"full {exc}\n")
            out.flush()
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
