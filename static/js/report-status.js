/* The report page while a report is pending or generating: poll its status and reload once it changes.
   No inline script; the element carries the status URL and the state the page was drawn in. */
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status-url]");
  if (!box || !window.fetch) return;
  var url = box.dataset.reportStatusUrl;
  var status = box.dataset.reportStatus;
  var version = box.dataset.reportVersion;
  var delay = 2000;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && (data.status !== status || String(data.version) !== version)) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, 15000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 15000); });
  }
  window.setTimeout(poll, delay);
})();
