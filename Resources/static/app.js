// LabBox page behaviour. Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Occupancy maps are as wide as their container's layout (set here: the CSP forbids inline styles).
  for (const map of document.querySelectorAll(".map[data-columns]")) {
    map.style.gridTemplateColumns = `repeat(${Number(map.dataset.columns)}, minmax(2.6rem, 1fr))`;
  }
  // Flash messages fade after a while but stay in the DOM for screen readers that already announced them.
  // A file chosen for a paste box is read into it, so the form posts plain text and pasting works too.
  for (const input of document.querySelectorAll("input[type=file][data-fills]")) {
    input.addEventListener("change", async () => {
      const target = document.getElementById(input.dataset.fills);
      if (input.files[0] && target) target.value = await input.files[0].text();
    });
  }
  for (const flash of document.querySelectorAll(".flash")) {
    setTimeout(() => flash.classList.add("flash-faded"), 8000);
  }
});

// Buttons that open and close <dialog>s (the signing dialog); Escape closes them natively.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-dialog]");
  if (opener) {
    // showModal() focuses the dialog's [autofocus] field.
    document.getElementById(opener.dataset.openDialog)?.showModal();
  }
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) closer.closest("dialog")?.close();
  if (event.target.closest("[data-print]")) window.print();
});

// "/" jumps to the search box from anywhere but a text field, as in most web apps.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.target.closest("input, textarea, select, [contenteditable]")) return;
  const search = document.getElementById("search-q");
  if (search) {
    event.preventDefault();
    search.focus();
  }
});

// CSV import: a dry run shows every problem; only a clean file can be imported (all rows or none).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-form");
  if (!form) return;
  const progress = document.getElementById("import-progress");
  const result = document.getElementById("import-result");
  const problems = document.getElementById("import-problems");
  const errorsButton = document.getElementById("import-errors");
  const commit = document.getElementById("import-commit");
  let text = "";
  let report = null;

  async function send(path) {
    progress.hidden = false;
    try {
      const response = await fetch(path, {
        method: "POST", body: text, credentials: "same-origin",
        headers: { "Content-Type": "text/csv", "X-CSRF-Token": form.dataset.csrf },
      });
      return { status: response.status, body: await response.json() };
    } finally {
      progress.hidden = true;
    }
  }

  function show(message, isError) {
    result.textContent = message;
    result.className = isError ? "form-error" : "flash flash-success";
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("import-file").files[0];
    if (!file) return;
    text = await file.text();
    commit.hidden = errorsButton.hidden = problems.hidden = true;
    const { status, body } = await send(`${form.dataset.api}/import/check`);
    if (status !== 200) return show(body.error ? body.error.message : "The check failed.", true);
    report = body;
    const tbody = problems.querySelector("tbody");
    tbody.replaceChildren(...body.problems.map((problem) => {
      const row = document.createElement("tr");
      for (const value of [problem.row, problem.field || "", problem.message]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.append(cell);
      }
      return row;
    }));
    problems.hidden = body.problems.length === 0;
    errorsButton.hidden = body.problems.length === 0;
    if (body.problems.length === 0) {
      show(`${body.rows} rows checked, all valid.`, false);
      commit.textContent = `Import ${body.rows} rows`;
      commit.hidden = body.rows === 0;
    } else {
      show(`${body.rows} rows checked: ${body.valid} valid, ${body.problems.length} with problems. Fix them and check again.`, true);
    }
  });

  errorsButton.addEventListener("click", () => {
    const quote = (value) => `"${String(value).replaceAll('"', '""')}"`;
    const lines = ["row,field,problem", ...report.problems.map((p) => [p.row, p.field || "", p.message].map(quote).join(","))];
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines.join("\r\n")], { type: "text/csv" }));
    link.download = "import-problems.csv";
    link.click();
  });

  // The import itself runs as a job: its page shows the progress and the outcome.
  commit.addEventListener("click", async () => {
    commit.disabled = true;
    const { status, body } = await send(`${form.dataset.api}/import/jobs`);
    commit.disabled = false;
    if (status === 202) {
      window.location.assign(`/jobs/${body.id}`);
    } else {
      show(body.error ? body.error.message : "The import could not start.", true);
    }
  });
});

// "Select all" on a list selects every row of the page.
document.addEventListener("change", (event) => {
  if (event.target.id !== "select-all") return;
  for (const box of event.target.closest("form").querySelectorAll("input[name='ids[]']")) {
    box.checked = event.target.checked;
  }
});

// A running job's page follows it: progress, message and log once a second, then the whole page
// (summary, result link) when it ends.
document.addEventListener("DOMContentLoaded", () => {
  const card = document.querySelector("[data-job][data-live]");
  if (!card) return;
  const find = (name) => card.querySelector(`[data-job-${name}]`) || document.querySelector(`[data-job-${name}]`);
  const poll = async () => {
    try {
      const response = await fetch(`/api/v1/jobs/${card.dataset.job}`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const job = await response.json();
      find("progress").value = job.progress;
      find("percent").textContent = `${job.progress} %`;
      find("message").textContent = job.message;
      find("state").textContent = job.state;
      find("log").textContent = (job.log || []).join("\n");
      if (!["queued", "running"].includes(job.state)) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A missed poll (server restarting) is retried on the next tick.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
});

// The notification bell shows the unread count, refreshed every minute.
document.addEventListener("DOMContentLoaded", () => {
  const bell = document.querySelector("[data-unread-url]");
  if (!bell) return;
  const badge = bell.querySelector(".bell-count");
  const refresh = async () => {
    try {
      const response = await fetch(bell.dataset.unreadUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const { unread } = await response.json();
        badge.textContent = unread > 99 ? "99+" : String(unread);
        badge.hidden = unread === 0;
        bell.setAttribute("aria-label", `Notifications: ${unread} unread`);
      }
    } catch (error) {
      // Try again on the next tick.
    }
  };
  refresh();
  setInterval(refresh, 60000);
});

// A button that destroys or ends something asks first (`data-confirm` holds the question).
document.addEventListener("submit", (event) => {
  const question = event.submitter?.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// The account menu is a <details>: it works without script; this closes it on a click elsewhere
// and on Escape, as a menu is expected to.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.account[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of document.querySelectorAll("details.account[open]")) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

// "Connection lost": when the server stops answering (checked every 30 s while the page is
// visible, at once when it becomes visible again or the browser goes offline, and every 5 s while
// lost), a notice says so until it answers again, so nobody fills in a form that cannot be sent.
// The notice is added when it is first needed: an alert that is there but hidden is still an
// alert to some screen readers.
document.addEventListener("DOMContentLoaded", () => {
  if (!document.querySelector(".topbar .account")) return;
  let notice = null;
  let lost = false;
  const show = (isLost) => {
    lost = isLost;
    if (!notice && lost) {
      notice = document.createElement("div");
      notice.className = "offline";
      notice.id = "connection-lost";
      notice.setAttribute("role", "alert");
      notice.textContent = "Connection lost: the LabBox server is not answering. What you enter now cannot be saved until it is back.";
      document.body.append(notice);
    }
    if (notice) notice.hidden = !lost;
  };
  const check = async () => {
    try {
      show(!(await fetch("/healthz", { cache: "no-store" })).ok);
    } catch (error) {
      show(true);
    }
  };
  const tick = () => {
    if (lost || document.visibilityState === "visible") check();
    setTimeout(tick, lost ? 5000 : 30000);
  };
  setTimeout(tick, 30000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  window.addEventListener("offline", () => show(true));
  window.addEventListener("online", check);
});

// Attachments: files chosen or dropped on a record's panel go to the API one at a time, with a
// progress bar; without script the same form posts them all at once and the page comes back.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-attachment-upload]")) {
    const input = form.querySelector("input[type=file]");
    const box = form.querySelector("[data-upload-progress]");
    const bar = box.querySelector("progress");
    const status = box.querySelector("[role=status]");

    const send = (file) => new Promise((resolve) => {
      const data = new FormData();
      for (const name of ["entity_type", "entity_id", "po_number"]) data.append(name, form.elements[name].value);
      data.append("file", file, file.name);
      const request = new XMLHttpRequest();
      request.open("POST", "/api/v1/attachments");
      request.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener("load", () => {
        let message = "";
        try {
          message = JSON.parse(request.responseText).error?.message || "";
        } catch (error) {
          message = request.statusText;
        }
        resolve(request.status === 201 ? null : `${file.name}: ${message || `error ${request.status}`}`);
      });
      request.addEventListener("error", () => resolve(`${file.name}: the upload was interrupted.`));
      request.send(data);
    });

    const upload = async (files) => {
      if (files.length === 0) return;
      box.hidden = false;
      const problems = [];
      for (const [index, file] of [...files].entries()) {
        bar.value = 0;
        status.textContent = `Uploading ${file.name} (${index + 1} of ${files.length})…`;
        const problem = await send(file);
        if (problem) problems.push(problem);
      }
      if (problems.length === 0) {
        window.location.reload();
      } else {
        status.textContent = problems.join(" ");
        status.className = "form-error";
      }
    };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      upload(input.files);
    });
    for (const name of ["dragenter", "dragover"]) {
      form.addEventListener(name, (event) => {
        event.preventDefault();
        form.classList.add("dropzone-active");
      });
    }
    form.addEventListener("dragleave", () => form.classList.remove("dropzone-active"));
    form.addEventListener("drop", (event) => {
      event.preventDefault();
      form.classList.remove("dropzone-active");
      upload(event.dataTransfer.files);
    });
  }
});
