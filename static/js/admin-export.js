/* django-import-export's export page: the "Select all" toggle, bound here rather than by an inline
   onchange attribute (which the Content-Security-Policy refuses). onSelectToggleChange is the library's. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") window.onSelectToggleChange(event);
    });
  });
});
