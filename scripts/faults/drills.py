"""Runs the fault drills (scripts/test-faults) and prints one PASS, FAIL or SKIP line per case."""
import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import clock  # noqa: E402
import damage  # noqa: E402
import kills  # noqa: E402
import soak  # noqa: E402
import storage  # noqa: E402
from harness import DrillFailed, LabBox, Skipped  # noqa: E402

CASES = {
    "disk-full": storage.disk_full,
    "read-only": storage.read_only,
    "damaged-page": damage.damaged_page,
    "kill-migrate": kills.kill_during_migration,
    "kill-backup": kills.kill_during_backup,
    "kill-restore": kills.kill_during_restore,
    "clock": clock.clock_jumps,
    "soak": soak.soak,
}


def main():
    parser = argparse.ArgumentParser(description="LabBox fault-injection drills")
    parser.add_argument("--binary", default=os.environ.get("LABBOX_RELEASE_BINARY", "dist/labbox"))
    parser.add_argument("--only", nargs="+", choices=CASES, help="run only these cases")
    parser.add_argument("--soak", type=float, metavar="SECONDS",
                        help="run only the soak, for this long (the CI suite soaks 30 s)")
    options = parser.parse_args()
    binary = os.path.realpath(options.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"test-faults: no executable at {binary} (build it with scripts/build-release)")
    labbox = LabBox(binary)
    soak.SECONDS = options.soak or soak.SECONDS
    names = ["soak"] if options.soak else options.only or list(CASES)
    failed, skipped = [], []
    started = time.monotonic()
    for name in names:
        work = tempfile.mkdtemp(prefix=f"labbox-fault-{name}-")
        began = time.monotonic()
        try:
            CASES[name](labbox, work, lambda line, name=name: print(f"  {name}: {line}", flush=True))
            print(f"PASS {name} ({time.monotonic() - began:.0f} s)", flush=True)
        except Skipped as reason:
            skipped.append(name)
            print(f"SKIP {name}: {reason} -- this promise is NOT tested here", flush=True)
        except DrillFailed as failure:
            failed.append(name)
            print(f"FAIL {name}: {failure}", flush=True)
        except Exception:
            failed.append(name)
            print(f"FAIL {name}: the drill itself broke:\n{traceback.format_exc()}", flush=True)
        finally:
            (os.environ.get("FAULTS_KEEP") or shutil.rmtree(work, ignore_errors=True))
    print(f"test-faults: {len(names) - len(failed) - len(skipped)} passed, {len(failed)} failed, "
          f"{len(skipped)} skipped{' (' + ', '.join(skipped) + ')' if skipped else ''} in "
          f"{time.monotonic() - started:.0f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
