/* Screen-reader announcements of the live page, fed by static/js/interview.js's "interview:*" events:
   the reply once per finished sentence (never per delta, never again after a reload), the countdown
   only at 1 minute and 10 seconds left, notices (errors assertively, the rest politely), and the time
   left on demand (Alt+Shift+T). */
(function () {
  "use strict";
  var root = document.getElementById("interview");
  var statusRegion = document.getElementById("announce-status");
  if (!root || !statusRegion || !window.SpeechText) return;
  var T = window.SpeechText;
  var replyRegion = document.getElementById("announce-reply");
  var alertRegion = document.getElementById("announce-alert");
  var KEEP = 5;  // sentences kept in the reply region (older ones were read already)

  function sessionStore() { try { return window.sessionStorage; } catch (e) { return null; } }
  var ledger = new T.Ledger(sessionStore(), "ai.announced." + root.dataset.chatId + ".");

  // The same text twice in a row still counts as a change: a no-break space alternates at its end.
  function announce(region, text) {
    var again = region.textContent.replace(/\u00a0$/, "") === text && !/\u00a0$/.test(region.textContent);
    region.textContent = text + (again ? "\u00a0" : "");
  }

  function sayReply(msg, live) {
    if (!msg || msg.role !== "assistant") return;
    var text = msg.content || "", final = msg.status !== "streaming";
    var history = !live && final && ledger.isNew(msg.id);
    if (history || (final && msg.status !== "complete")) { ledger.commitHandedOut(msg.id, text.length); return; }
    ledger.take(msg.id, text, final).forEach(function (sentence) {
      var line = document.createElement("p");
      line.textContent = sentence.text;
      replyRegion.appendChild(line);
      ledger.commit(msg.id, sentence.end);
    });
    while (replyRegion.children.length > KEEP) replyRegion.removeChild(replyRegion.firstChild);
  }
  root.addEventListener("interview:reply", function (e) { sayReply(e.detail, true); });
  root.addEventListener("interview:snapshot", function (e) {
    e.detail.messages.forEach(function (m) { sayReply(m, false); });
  });
  root.addEventListener("interview:stop", function (e) {
    if (e.detail.messageId) ledger.commitHandedOut(e.detail.messageId);
  });

  root.addEventListener("interview:notice", function (e) {
    announce(e.detail.kind === "error" ? alertRegion : statusRegion, e.detail.text);
  });

  // The countdown element is silent; only its thresholds are said, once per crossing.
  var clock = { key: null, remaining: null, label: "" };
  function lower(label) { return label.charAt(0).toLowerCase() + label.slice(1); }
  root.addEventListener("interview:clock", function (e) {
    var d = e.detail;
    var before = d.key === clock.key ? clock.remaining : null;
    clock = { key: d.key, remaining: d.remaining, label: d.label };
    var crossed = T.thresholdCrossed(before, d.remaining);
    if (crossed) announce(statusRegion, (crossed === 60 ? "1 minute" : crossed + " seconds") + " left for " + lower(d.label) + ".");
  });

  function timeLeft() {
    var panel = document.getElementById("question-panel");
    if (!panel || panel.hidden || clock.key === null) return "No question is timed right now.";
    if (panel.classList.contains("expired")) return "Time is up for this question.";
    var paused = panel.classList.contains("paused") ? " The clock is paused." : "";
    return T.timeInWords(clock.remaining) + " left for " + lower(clock.label) + "." + paused;
  }
  document.addEventListener("keydown", function (e) {
    if (!(e.altKey && e.shiftKey) || e.ctrlKey || e.metaKey || e.code !== "KeyT") return;
    e.preventDefault();
    announce(statusRegion, timeLeft());
  });
})();
