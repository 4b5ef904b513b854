"""kill -9 in the middle of a migration, a backup and a restore, at random moments: afterwards the
data directory holds the old state or the new one, never a mix, `labbox check` passes once the
command has been run again, and nothing left behind breaks that next run."""
import glob
import os
import random
import shutil
import sqlite3
import subprocess
import time

from harness import FIXTURE, DrillFailed, clean_environment, expect

ROUNDS = 6


def old_template(work):
    """The release 0.1.0 fixture grown to about 160,000 samples (about 45 MB), so that a migration
    (and the copy it makes first) lasts long enough to be killed in the middle."""
    path = os.path.join(work, "template-0.1.0")
    os.makedirs(path)
    database = os.path.join(path, "labbox.db")
    shutil.copy(FIXTURE, database)
    connection = sqlite3.connect(database)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(samples)")
               if row[1] not in ("id", "external_id", "container_id", "position")]
    for round_number in range(12):
        connection.execute(f"INSERT INTO samples (external_id, {', '.join(columns)}) "
                           f"SELECT external_id || '-{round_number}', {', '.join(columns)} FROM samples")
    connection.commit()
    connection.close()
    return path


def state(data):
    """(applied migrations, sample count, integrity problems) of the database in `data`, only read.

    Not opened `mode=ro`: a process killed mid-write can leave a WAL without its index, and only a
    connection that may write can rebuild the index (SQLite then reads what was committed, as
    LabBox does on its next start); a read-only one fails with "attempt to write a readonly
    database". Nothing here writes a row."""
    connection = sqlite3.connect(os.path.join(data, "labbox.db"))
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key {row}" for row in connection.execute("PRAGMA foreign_key_check")]
        migrations = frozenset(row[0] for row in connection.execute("SELECT identifier FROM grdb_migrations"))
        samples = connection.execute("SELECT count(*) FROM samples").fetchone()[0]
    finally:
        connection.close()
    return migrations, samples, problems


def killed_after(command, delay):
    """Runs `command`, kills it with SIGKILL after `delay` seconds; returns its exit status, or
    None when it was killed before it finished."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_environment())
    try:
        process.wait(delay)
        return process.returncode
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def timed(command):
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=clean_environment())
    if result.returncode != 0:
        raise DrillFailed(f"{' '.join(command)} exited {result.returncode}: {result.stdout}{result.stderr}")
    return time.monotonic() - started


def whole_databases(pattern):
    """Every file matching `pattern` must be a complete SQLite database."""
    for path in glob.glob(pattern):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            result = str(error)
        finally:
            connection.close()
        expect(result == "ok", f"{os.path.basename(path)} looks like a copy of the database but is not whole: "
                               f"{result}")


def secrets_key(data):
    path = os.path.join(data, "secrets.key")
    return open(path).read() if os.path.exists(path) else None


def leftovers(directory, known):
    return sorted(set(os.listdir(directory)) - set(known))


def kill_during_migration(labbox, work, report):
    template = old_template(work)
    old_migrations, samples, _ = state(template)
    reference = os.path.join(work, "reference")
    shutil.copytree(template, reference)
    seconds = timed([labbox.binary, "migrate", "--data", reference])
    new_migrations, migrated_samples, _ = state(reference)
    expect(migrated_samples == samples, f"migration changed the sample count: {samples} → {migrated_samples}")
    report(f"a {os.path.getsize(os.path.join(template, 'labbox.db')) >> 20} MB release 0.1.0 database migrates "
           f"in {seconds:.2f} s")
    outcomes = []
    for round_number in range(ROUNDS):
        data = os.path.join(work, f"round-{round_number}")
        shutil.copytree(template, data)
        delay = random.uniform(0.01, seconds * 1.05)
        finished = killed_after([labbox.binary, "migrate", "--data", data], delay) is not None
        migrations, count, problems = state(data)
        expect(not problems, f"killed after {delay:.2f} s: the database is damaged: {problems[:3]}")
        expect(count == samples, f"killed after {delay:.2f} s: {count} samples, expected {samples}")
        # Each migration is its own transaction (Migrations.apply): a kill leaves the old set plus
        # the first k pending migrations, whole and in order, never part of one.
        pending = sorted(new_migrations - old_migrations)
        expect(migrations in [old_migrations | frozenset(pending[:k]) for k in range(len(pending) + 1)],
               f"killed after {delay:.2f} s: migrations {sorted(migrations)} are not the old set plus the first "
               "pending migrations in order")
        whole_databases(os.path.join(data, "backups", "pre-migrate-*.db"))
        outcomes.append("finished" if finished else "new" if migrations == new_migrations
                        else f"old + {len(migrations - old_migrations)}")
        labbox.run("migrate", data=data)
        labbox.check(data)
        expect(state(data)[:2] == (new_migrations, samples), "migrating again did not reach the new state")
        shutil.rmtree(data)
    report(f"killed at {ROUNDS} random moments: {', '.join(outcomes)}; each time whole migrations in order, "
           "and migrate then check pass")


def kill_during_backup(labbox, work, report):
    data = old_template(work)
    labbox.run("migrate", data=data)
    migrations, samples, _ = state(data)
    backups = os.path.join(data, "backups")
    seconds = timed([labbox.binary, "backup", "--data", data])
    known = set(os.listdir(backups))
    report(f"a backup of the {os.path.getsize(os.path.join(data, 'labbox.db')) >> 20} MB database takes "
           f"{seconds:.2f} s")
    for round_number in range(ROUNDS):
        delay = random.uniform(0.01, seconds * 1.05)
        killed_after([labbox.binary, "backup", "--data", data], delay)
        expect(state(data) == (migrations, samples, []), f"killed after {delay:.2f} s: the database changed")
        for archive in glob.glob(os.path.join(backups, "labbox-*.tar.gz")):
            verified = subprocess.run([labbox.binary, "backup", "verify", archive], capture_output=True, text=True,
                                      env=clean_environment())
            expect(verified.returncode == 0, f"killed after {delay:.2f} s: {os.path.basename(archive)} is "
                                             f"listed as a backup but does not verify: "
                                             f"{(verified.stdout + verified.stderr)[-500:]}")
    stray = leftovers(backups, known)
    archives = [name for name in stray if name.startswith("labbox-")]
    abandoned = [name for name in stray if name not in archives]
    # The next backup removes what killed ones left once it is a minute old (younger, it may be a
    # backup that is still starting): age it instead of waiting.
    for name in abandoned:
        os.utime(os.path.join(backups, name), (time.time() - 120, time.time() - 120))
    labbox.run("backup", data=data)
    labbox.check(data)
    remaining = [name for name in leftovers(backups, known) if not name.startswith("labbox-")]
    expect(not remaining, f"the next backup left what killed ones left behind: {remaining}")
    report(f"killed at {ROUNDS} random moments: {len(archives)} finished archives (each verifies), no partial "
           f"one under an archive's name; {len(abandoned)} abandoned staging directories, removed by the next "
           "backup; that backup and check pass")


def kill_during_restore(labbox, work, report):
    # The old state: a small data directory. The new one: the backup of a large one, so that
    # unpacking and verifying it lasts long enough to be killed in the middle.
    large = old_template(work)
    labbox.run("migrate", data=large)
    new_state = state(large)
    labbox.run("backup", data=large)
    archive = next(iter(glob.glob(os.path.join(large, "backups", "labbox-*.tar.gz"))))
    old = os.path.join(work, "small")
    os.makedirs(old)
    shutil.copy(FIXTURE, os.path.join(old, "labbox.db"))
    labbox.run("migrate", data=old)
    old_state = state(old)
    key = secrets_key(old)
    trial = os.path.join(work, "trial")
    shutil.copytree(old, trial)
    seconds = timed([labbox.binary, "restore", "--force", "--data", trial, archive])
    report(f"restoring a {os.path.getsize(archive) >> 20} MB backup takes {seconds:.2f} s")
    outcomes = []
    for round_number in range(ROUNDS):
        data = os.path.join(work, f"data-{round_number}")
        shutil.copytree(old, data)
        delay = random.uniform(0.01, seconds * 1.05)
        killed_after([labbox.binary, "restore", "--force", "--data", data, archive], delay)
        expect(os.path.isfile(os.path.join(data, "labbox.db")),
               f"killed after {delay:.2f} s: {data} has no database (left: {os.listdir(work)})")
        found = state(data)
        expect(found in (old_state, new_state), f"killed after {delay:.2f} s: the data directory holds neither "
                                                f"the old state nor the backup's: {found[1:]}")
        expect(secrets_key(data) == key, f"killed after {delay:.2f} s: the data directory lost its secrets key")
        outcomes.append("old" if found == old_state else "new")
        labbox.run("restore", "--force", archive, data=data)
        labbox.check(data)
        expect(state(data) == new_state, "restoring again did not give the backup's state")
    stray = [name for name in os.listdir(work) if ".restoring-" in name]
    unfinished = [name for name in stray if os.path.exists(os.path.join(work, name, ".unfinished-restore"))]
    expect(not unfinished, f"the next restore left what killed ones left behind: {unfinished}")
    report(f"killed at {ROUNDS} random moments: {', '.join(outcomes)}; each time the old or the new state whole, "
           f"with its key; the next restore removed the unfinished staging and passes, as does check"
           + (f"; previous directories left by a kill right after the swap: {stray}" if stray else ""))
