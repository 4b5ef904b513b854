"""A damaged page in the database file: `labbox check` names it, `serve` refuses to start and says
what to do, and neither writes a byte."""
import os
import shutil
import sqlite3
import subprocess

from harness import FIXTURE, clean_environment, expect, file_hashes


def damaged_page(labbox, work, report):
    data = os.path.join(work, "damaged")
    os.makedirs(data)
    database = os.path.join(data, "labbox.db")
    shutil.copy(FIXTURE, database)
    labbox.run("migrate", data=data)
    connection = sqlite3.connect(database)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    # A leaf page of the samples table, as a failing disk sector would leave it: garbage after
    # the page header.
    page = connection.execute("SELECT max(pageno) FROM dbstat WHERE name = 'samples' AND pagetype = 'leaf'")
    page = page.fetchone()[0]
    connection.close()
    with open(database, "r+b") as file:
        file.seek((page - 1) * page_size + 8)
        file.write(os.urandom(page_size // 2))
    before = file_hashes(data)

    check = labbox.run("check", data=data, check=False)
    expect(check.returncode == 5, f"labbox check exited {check.returncode} on a damaged page:\n{check.stdout}")
    failed = [line for line in check.stdout.splitlines() if line.startswith("FAIL")]
    expect(any("integrity_check" in line for line in failed), f"labbox check did not name the damage:\n"
                                                                f"{check.stdout}")
    expect("labbox restore" in check.stdout, f"labbox check does not say what to do:\n{check.stdout}")
    report(f"labbox check: {failed[0][:160]}")

    serve = subprocess.run([labbox.binary, "serve", "--data", data, "--port", "0"], capture_output=True,
                           text=True, timeout=60, env=clean_environment())
    expect(serve.returncode != 0, f"serve started on a damaged database:\n{serve.stdout}{serve.stderr}")
    expect("labbox restore" in serve.stderr and "damaged" in serve.stderr,
           f"serve refused without saying what to do:\n{serve.stderr}")
    report(f"serve exits {serve.returncode}: {serve.stderr.strip()[:220]}")
    after = file_hashes(data)
    expect({k: v for k, v in after.items() if k in before} == before,
           "a file of the data directory changed: "
           f"{[k for k in before if before[k] != after.get(k)]}")
    report(f"nothing was overwritten ({len(before)} files hash the same)")
