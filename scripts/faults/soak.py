"""Load at about half of the measured create capacity, with reads mixed in, for a while: no
errors, memory flat, the WAL bounded."""
import os
import statistics
import time

from harness import Load, Server, expect, missing_acks

SECONDS = 30
WAL_LIMIT_MB = 64  # the Checkpointer keeps it near 4,000 pages (16 MB); a WAL past this is not bounded


def soak(labbox, work, report):
    data = os.path.join(work, "soak")
    key = labbox.prepare(data)
    server = Server(labbox, data)
    try:
        capacity_load = Load(server.port, key, prefix="CAPACITY")
        time.sleep(5)
        capacity = len(capacity_load.stop().acks) / 5
        rate = capacity / 2
        report(f"create capacity {capacity:.0f}/s; soaking {SECONDS:.0f} s at {rate:.0f} creates/s, each followed "
               "by a list read")
        load = Load(server.port, key, prefix="SOAK", per_second=rate, reads=True)
        samples, started = [], time.monotonic()  # (seconds in, RSS KiB, WAL bytes)
        wal = os.path.join(data, "labbox.db-wal")
        while time.monotonic() - started < SECONDS:
            time.sleep(1)
            samples.append((time.monotonic() - started, server.rss_kib(),
                            os.path.getsize(wal) if os.path.exists(wal) else 0))
        load.stop()
    finally:
        exit_status = server.stop()
    expect(exit_status == 0, f"the server exited {exit_status} on SIGTERM")
    expect(not load.refusals and not load.read_errors and not load.broken,
           f"errors under load: {load.refusals[:3]} {load.read_errors[:3]} {load.broken[:3]}")
    achieved = len(load.acks) / SECONDS
    expect(achieved >= rate * 0.8, f"the soak managed {achieved:.0f} creates/s of the {rate:.0f} asked")
    # Memory after the first fifth (caches and pools filled) against the last fifth.
    fifth = max(len(samples) // 5, 1)
    warm = statistics.median(rss for _, rss, _ in samples[fifth:2 * fifth])
    last = statistics.median(rss for _, rss, _ in samples[-fifth:])
    growth = (last - warm) / warm
    wal_peak = max(size for _, _, size in samples) / 1048576
    report(f"{len(load.acks)} creates and as many reads, no errors; RSS {warm / 1024:.0f} → {last / 1024:.0f} MiB "
           f"({growth:+.1%}); WAL peak {wal_peak:.1f} MB")
    expect(growth <= 0.10, f"RSS grew {growth:.1%} (limit 10 %)")
    expect(wal_peak <= WAL_LIMIT_MB, f"the WAL reached {wal_peak:.0f} MB (limit {WAL_LIMIT_MB} MB)")
    missing = missing_acks(os.path.join(data, "labbox.db"), load.acks + capacity_load.acks)
    expect(not missing, f"{len(missing)} acknowledged creates lost, e.g. {missing[:3]}")
    labbox.check(data)
