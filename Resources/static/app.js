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
  // A box that scrolls sideways (a wide table on a phone) must take the keyboard's focus, or it
  // cannot be scrolled without a pointer (WCAG 2.1.1); it does only while it scrolls.
  const scrollers = document.querySelectorAll(".scroll, .label-sheet, .pedigree, pre");
  const reachable = () => {
    for (const box of scrollers) {
      if (box.scrollWidth > box.clientWidth) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.querySelector("caption")?.textContent || "Scrolling content");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };
  reachable();
  window.addEventListener("resize", reachable);
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

// Pickers: a field that takes a record's id (`data-pick` names its lookup route) becomes a search
// box, an ARIA combobox: type a name or code, or scan a barcode (the scanner's Enter chooses a lone
// exact match), and the hidden field carries the chosen id. The form posts what it posted before,
// so without script the field is the plain id field it always was.
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("input[data-pick]")) picker(field);
});

function picker(field) {
  const box = document.createElement("input");
  const list = document.createElement("ul");
  const chosen = document.createElement("span");
  // The label points at the box: it is what a person types into.
  box.id = field.id;
  field.id = `${box.id}-id`;
  box.type = "text";
  box.autocomplete = "off";
  box.required = field.required;
  box.autofocus = field.autofocus;
  box.setAttribute("role", "combobox");
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-expanded", "false");
  box.setAttribute("aria-controls", `${box.id}-options`);
  box.setAttribute("aria-describedby", `${box.id}-chosen`);
  list.id = `${box.id}-options`;
  list.className = "pick-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  chosen.id = `${box.id}-chosen`;
  chosen.className = "hint pick-chosen";
  chosen.setAttribute("aria-live", "polite");
  field.required = false;
  field.type = "hidden";
  field.removeAttribute("inputmode");
  field.parentElement.classList.add("pick");
  field.after(box, list, chosen);
  const hint = document.querySelector(`label[for="${box.id}"] .hint`);
  if (hint && field.dataset.pickHint) hint.textContent = field.dataset.pickHint;
  if (box.autofocus) box.focus();

  let matches = [];
  let active = -1;
  let pending = null;
  let asked = 0;

  async function find(words) {
    const ask = ++asked;
    if (!field.dataset.pick) return null;
    const url = new URL(field.dataset.pick, location.origin);
    url.searchParams.set("q", words);
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok || ask !== asked) return null;
    return (await response.json()).items;
  }

  function choose(match) {
    field.value = match.id;
    box.value = match.label;
    chosen.textContent = `${match.detail} · #${match.id}`;
    box.setCustomValidity("");
    close();
  }

  function close() {
    list.hidden = true;
    active = -1;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function show(items) {
    matches = items;
    active = -1;
    list.replaceChildren(...items.map((match, index) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const detail = document.createElement("span");
      detail.className = "hint";
      detail.textContent = match.detail;
      option.append(match.label, " ", detail);
      option.addEventListener("mousedown", (event) => event.preventDefault());
      option.addEventListener("click", () => choose(match));
      return option;
    }));
    if (items.length === 0) {
      const none = document.createElement("li");
      none.className = "hint";
      none.textContent = "No match.";
      list.append(none);
    }
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    place();
  }

  // In a table that scrolls sideways (`.scroll`) the list would be cut off at the table's edge: it
  // is laid over the page instead, under the box, and follows the box when anything scrolls.
  const scroller = box.closest(".scroll");
  function place() {
    if (!scroller || list.hidden) return;
    const at = box.getBoundingClientRect();
    Object.assign(list.style, {
      position: "fixed", left: `${at.left}px`, top: `${at.bottom}px`, right: "auto",
      width: `${Math.max(at.width, 240)}px`,
    });
  }
  if (scroller) {
    window.addEventListener("scroll", place, { passive: true });
    scroller.addEventListener("scroll", place, { passive: true });
    window.addEventListener("resize", place);
  }

  function highlight(index) {
    const options = list.querySelectorAll("[role=option]");
    if (options.length === 0) return;
    active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    box.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  // The words no longer name the chosen record: nothing is chosen until a match is.
  box.addEventListener("input", () => {
    field.value = "";
    chosen.textContent = "";
    box.setCustomValidity(box.value.trim() ? "Choose one of the matches, or clear the field." : "");
    clearTimeout(pending);
    const words = box.value.trim();
    if (!words) return close();
    pending = setTimeout(async () => {
      const items = await find(words);
      if (items) show(items);
    }, 150);
  });

  box.addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden && matches.length) show(matches);
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    } else if (event.key === "Enter" && (!list.hidden || (box.value.trim() && !field.value))) {
      // A scanner types the code and Enter at once: look it up now rather than send the form.
      event.preventDefault();
      if (active >= 0) return choose(matches[active]);
      clearTimeout(pending);
      const items = await find(box.value.trim());
      if (!items) return;
      const exact = items.filter((match) => match.exact);
      if (exact.length === 1) choose(exact[0]);
      else if (items.length === 1) choose(items[0]);
      else show(items);
    }
  });
  box.addEventListener("blur", close);

  // The kind of record changed (`data-pick-kind`): what was chosen is gone, and the box searches
  // the new kind's lookup, or is off while no kind is chosen.
  field.addEventListener("pick-reset", () => {
    field.value = "";
    box.value = "";
    chosen.textContent = "";
    box.setCustomValidity("");
    box.disabled = !field.dataset.pick;
    close();
  });
  box.disabled = !field.dataset.pick;

  // A form shown again (after an error, or opened with ?donor_id=…) names what it holds.
  if (field.value) {
    box.value = `#${field.value}`;
    find(`#${field.value}`).then((items) => {
      const match = items?.find((item) => String(item.id) === field.value);
      if (match) choose(match);
    });
  }
}

// A menu of record kinds (`data-pick-kind` names the picker's field) tells the picker which lookup
// to ask: each option carries its kind's route in `data-pick`.
document.addEventListener("DOMContentLoaded", () => {
  for (const menu of document.querySelectorAll("select[data-pick-kind]")) {
    const follow = () => {
      const field = document.getElementById(`${menu.dataset.pickKind}-id`);
      const lookup = menu.selectedOptions[0]?.dataset.pick ?? "";
      if (!field || field.dataset.pick === lookup) return;
      field.dataset.pick = lookup;
      field.dispatchEvent(new Event("pick-reset"));
    };
    menu.addEventListener("change", follow);
    // A page come back to (Back, reload) may show a kind chosen before: the picker follows it.
    follow();
  }
});

// A custom field of one species (`data-species`) shows, and is sent, only while its form's species
// menu names that species; without script every field shows and the server ignores empty ones.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form")) {
    const species = form.querySelector("select[name=species]");
    const only = form.querySelectorAll("[data-species]");
    if (!species || only.length === 0) continue;
    const apply = () => {
      for (const box of only) {
        box.hidden = box.dataset.species !== species.value;
        for (const input of box.querySelectorAll("input, select")) input.disabled = box.hidden;
      }
    };
    species.addEventListener("change", apply);
    apply();
  }
});
