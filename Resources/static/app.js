// LabBox page behaviour. Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Occupancy maps are as wide as their container's layout (set here: the CSP forbids inline styles).
  for (const map of document.querySelectorAll(".map[data-columns]")) {
    map.style.gridTemplateColumns = `repeat(${Number(map.dataset.columns)}, minmax(2.6rem, 1fr))`;
  }
  // Flash messages fade after a while but stay in the DOM for screen readers that already announced them.
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
