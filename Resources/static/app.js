// LabBox page behaviour. Loaded as a file (the Content-Security-Policy forbids inline script).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Flash messages fade after a while but stay in the DOM for screen readers that already announced them.
  for (const flash of document.querySelectorAll(".flash")) {
    setTimeout(() => flash.classList.add("flash-faded"), 8000);
  }
});
