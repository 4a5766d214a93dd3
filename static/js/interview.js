/* The live interview page: one WebSocket, automatic reconnect and resync, streamed markdown
   rendered without flicker, a server-timed countdown. No framework, no inline script. */
(function () {
  "use strict";
  var root = document.getElementById("interview");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var role = root.dataset.role || "candidate";
  var wsPath = root.dataset.wsPath;
  var transcript = $("transcript"), connState = $("conn-state"), connBanner = $("conn-banner"), notice = $("notice");
  var answerForm = $("answer-form"), answer = $("answer"), sendBtn = $("send-btn");
  var startBtn = $("start-btn"), stopBtn = $("stop-btn"), retryBtn = $("retry-btn");

  var state = {
    socket: null, attempts: 0, retryTimer: null, conn: "connecting", starting: false, messages: {}, order: [],
    streamingId: null, status: "not_started", question: null, clockOffset: 0,
    pending: {}, lastError: null, renderQueued: {}, completed: false
  };

  // Voice and screen-reader helpers (static/js/voice.js, live-a11y.js) follow the page through these events.
  function emit(name, detail) { root.dispatchEvent(new CustomEvent("interview:" + name, { detail: detail || {} })); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // The badge always says how the socket is; the banner speaks up only while a connection is lost.
  var CONN = {
    connecting: ["Connecting…", "badge-warn", ""],
    connected: ["Connected", "badge-ok", ""],
    reconnecting: ["Reconnecting…", "badge-warn", "Connection lost. Reconnecting…" + (role === "candidate" ? " Your draft answer stays here." : "")],
    offline: ["Offline", "badge-danger", "You are offline. The interview carries on at the server, and this page reconnects when the network is back."],
    closed: ["Disconnected", "badge-danger", ""]
  };
  function setConn(name) {
    var c = CONN[name];
    state.conn = name;
    connState.textContent = c[0];
    connState.className = "badge " + c[1];
    if (connBanner) { connBanner.textContent = c[2]; connBanner.hidden = !c[2]; }
    root.dataset.connection = name;
  }

  function showNotice(text, kind) {
    if (!text) { notice.hidden = true; notice.dataset.kind = ""; return; }
    notice.textContent = text;
    notice.className = "notice" + (kind && kind !== "error" ? " info" : "");
    notice.dataset.kind = kind || "error";
    notice.hidden = false;
    emit("notice", { text: text, kind: kind || "error" });
  }
  function clearError() { if (notice.dataset.kind === "error") showNotice(""); }

  // ---- transcript rendering -------------------------------------------------------------
  function ensureEl(msg) {
    var el = document.querySelector('[data-message-id="' + CSS.escape(msg.id) + '"]');
    if (!el) {
      el = document.createElement("div");
      el.dataset.messageId = msg.id;
      el.innerHTML = '<div class="msg-body"></div><div class="msg-meta"></div>';
      transcript.appendChild(el);
      var empty = $("transcript-empty");
      if (empty) empty.remove();
    }
    el.className = "msg msg-" + msg.role + (msg.status === "streaming" ? " streaming" : "") + (msg.pending ? " pending" : "") +
      (msg.kind === "follow_up" ? " msg-follow-up" : "");
    return el;
  }

  // Who asked a follow-up, said plainly: the offline interviewer's rules are never passed off as AI judgement.
  function followUpSource(q) {
    if (q.source === "offline") return "offline interviewer's rule (not AI judgement)";
    if (q.source === "observer") return "Follow-up from the hiring team" + (q.asked_by ? " (" + q.asked_by + ")" : "");
    return "asked by the AI interviewer";
  }
  function followUpLabel(keyIndex) { return "Follow-up to question " + (Number(keyIndex) + 1); }

  function renderMessage(id) {
    var msg = state.messages[id];
    if (!msg) return;
    var el = ensureEl(msg);
    el.querySelector(".msg-body").innerHTML = SafeMarkdown.render(msg.content || "");
    var meta = [];
    if (msg.kind === "follow_up" && msg.role === "assistant") meta.push(followUpLabel(msg.question_index) + " · " + followUpSource(msg));
    if (msg.pending) meta.push("sending…");
    if (msg.status === "stopped") meta.push("stopped");
    if (msg.status === "error") meta.push("interrupted");
    el.querySelector(".msg-meta").textContent = meta.join(" · ");
  }

  function queueRender(id) {
    if (state.renderQueued[id]) return;
    state.renderQueued[id] = true;
    requestAnimationFrame(function () {
      delete state.renderQueued[id];
      var nearBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 80;
      renderMessage(id);
      if (nearBottom) transcript.scrollTop = transcript.scrollHeight;
    });
  }

  function upsert(msg) {
    var existing = state.messages[msg.id];
    if (!existing) state.order.push(msg.id);
    state.messages[msg.id] = Object.assign(existing || {}, msg);
    queueRender(msg.id);
  }

  // ---- controls -----------------------------------------------------------------------------
  function refreshControls() {
    var streaming = !!state.streamingId;
    var canAnswer = role === "candidate" && state.status === "in_progress" && !streaming && !state.completed && !state.paused;
    startBtn.hidden = !(role === "candidate" && state.status === "not_started");
    startBtn.disabled = state.starting || !state.socket || state.socket.readyState !== 1;
    stopBtn.hidden = !(role === "candidate" && streaming);
    retryBtn.hidden = !(role === "candidate" && state.lastError && !streaming && !state.completed);
    if (answerForm) {
      answerForm.hidden = role !== "candidate" || state.status === "not_started" || state.completed;
      sendBtn.disabled = !canAnswer || !state.socket || state.socket.readyState !== 1;
    }
    $("completed").hidden = !state.completed;
    var endBtn = $("end-btn");
    if (endBtn) endBtn.disabled = state.completed;
    var pauseBtn = $("pause-btn"), resumeBtn = $("resume-btn"), skipBtn = $("skip-btn");
    if (pauseBtn) {
      pauseBtn.hidden = !!state.paused;
      pauseBtn.disabled = state.completed || state.status !== "in_progress";
      resumeBtn.hidden = !state.paused;
    }
    if (skipBtn) skipBtn.disabled = state.completed || !!state.paused || !state.question || !!state.question.expired;
  }

  // ---- pause ----------------------------------------------------------------------------------
  function setPaused(p) {  // p: {since, by, reason} while paused, else null; every clock is frozen meanwhile
    state.paused = p;
    var banner = $("paused-banner");
    panel.classList.toggle("paused", !!p);
    if (banner) {
      banner.hidden = !p;
      if (p) {
        var who = p.by ? " (" + p.by + ")" : "";
        banner.textContent = (role === "candidate" ? "Paused by the hiring team" + who + ". The clock is stopped; you can answer once it resumes."
          : "Paused by" + (p.by ? " " + p.by : " an observer") + ". Every clock is stopped until you resume (or it resumes by itself).") +
          (p.reason ? " Reason: " + p.reason : "");
      }
    }
    tick();
  }
  function focusAnswer() {
    if (answerForm && !answerForm.hidden && !sendBtn.disabled && document.activeElement !== answer) answer.focus();
  }

  // ---- countdown ----------------------------------------------------------------------------
  var panel = $("question-panel"), countdown = $("countdown");
  var questionSource = $("question-source");
  function isFollowUp(q) { return !!q && q.kind === "follow_up"; }
  function sameQuestion(q, f) {  // a frame about the running question: same key question, same follow-up (or none)
    return !!q && q.index === f.index && (isFollowUp(q) ? q.follow_up : null) === (isFollowUp(f) ? f.follow_up : null);
  }
  function questionKey(q) { return q.index + "." + (isFollowUp(q) ? q.follow_up : ""); }
  function setQuestion(q) {
    state.question = q;
    panel.classList.remove("expired");
    if (!q) { panel.hidden = true; return; }
    panel.hidden = false;
    var followUp = isFollowUp(q);
    panel.classList.toggle("follow-up", followUp);
    $("question-label").textContent = followUp
      ? followUpLabel(q.parent_index != null ? q.parent_index : q.index)
      : "Question " + (q.index + 1) + (q.total ? " of " + q.total : "");
    $("question-text").textContent = q.question;
    if (questionSource) {
      questionSource.hidden = !followUp;
      questionSource.textContent = followUp ? followUpSource(q) : "";
      questionSource.classList.toggle("offline-rule", followUp && q.source === "offline");
    }
    tick();
  }
  function markFollowUpMessage(q) {  // the reply that just finished delivered this follow-up
    var id = state.order.slice().reverse().find(function (mid) { return state.messages[mid].role === "assistant"; });
    if (!id) return;
    var msg = state.messages[id];
    Object.assign(msg, { kind: "follow_up", question_index: q.parent_index, follow_up: q.follow_up, source: q.source, asked_by: q.asked_by });
    queueRender(id);
  }
  function expireQuestion(f) {  // keep the question on screen, marked, until the next one arrives
    var q = state.question;
    if (!sameQuestion(q, f)) return;
    q.expired = true;
    panel.classList.add("expired");
    countdown.textContent = "Time is up";
  }
  function tick() {
    var q = state.question;
    if (!q || !q.deadline || q.expired) return;
    var now = state.paused && state.paused.since ? Date.parse(state.paused.since) : Date.now() + state.clockOffset;
    var remaining = Math.max(0, Math.round((Date.parse(q.deadline) - now) / 1000));
    countdown.textContent = Math.floor(remaining / 60) + ":" + String(remaining % 60).padStart(2, "0");
    countdown.classList.toggle("low", remaining <= 15);
    emit("clock", { remaining: remaining, label: $("question-label").textContent, paused: !!state.paused, key: questionKey(q) });
  }
  setInterval(tick, 250);
  function syncClock(serverTime) { if (serverTime) state.clockOffset = Date.parse(serverTime) - Date.now(); }

  // ---- frames ---------------------------------------------------------------------------------
  var handlers = {
    "session.snapshot": function (f) {
      syncClock(f.server_time);
      transcript.querySelectorAll(".msg").forEach(function (el) { el.remove(); });
      state.messages = {}; state.order = [];
      f.messages.forEach(function (m) { upsert(m); });
      Object.keys(state.pending).forEach(function (cid) {  // answers sent but not yet confirmed
        var p = state.pending[cid];
        if (!f.messages.some(function (m) { return m.client_id === cid; })) upsert(p);
      });
      state.streamingId = f.generation ? f.generation.message_id : null;
      state.status = f.interview.status;
      state.starting = false;
      state.completed = f.interview.status === "completed";
      var lastAssistant = f.messages.filter(function (m) { return m.role === "assistant"; }).pop();
      state.lastError = lastAssistant && lastAssistant.status === "error" ? lastAssistant : null;
      state.paused = f.interview.paused || null;
      setQuestion(f.question);
      setPaused(state.paused);
      if (probesList && f.probes) { probesList.innerHTML = ""; f.probes.forEach(function (p) { addProbe(p); }); }
      $("offline-note").hidden = !f.offline;
      var budgetNote = $("budget-note");
      if (budgetNote) budgetNote.hidden = !(f.offline && f.chat.offline_reason === "budget");
      setObservers(f.observers);
      if (notesList && f.notes) {
        notesList.innerHTML = "";
        $("notes-empty").hidden = f.notes.length > 0;
        f.notes.forEach(addNote);
      }
      if (state.lastError) showNotice("The interviewer's last reply failed. Press Retry to try again.");
      refreshControls();
      emit("snapshot", { messages: state.order.map(function (id) { return state.messages[id]; }), streamingId: state.streamingId });
    },
    "message.created": function (f) {
      var m = f.message;
      if (f.client_id && state.pending[f.client_id]) {
        var temp = state.pending[f.client_id];
        delete state.pending[f.client_id];
        var el = document.querySelector('[data-message-id="' + CSS.escape(temp.id) + '"]');
        if (el) el.remove();
        delete state.messages[temp.id];
      }
      upsert(m);
      if (m.role === "assistant" && m.status === "streaming") { state.streamingId = m.id; state.lastError = null; clearError(); }
      if (m.role === "assistant" && state.status === "not_started") { state.status = "in_progress"; state.starting = false; }
      if (m.role === "user") setQuestion(null);
      refreshControls();
      if (m.role === "assistant") emit("reply", state.messages[m.id]);
    },
    "assistant.delta": function (f) {
      var msg = state.messages[f.message_id];
      if (!msg) { msg = { id: f.message_id, role: "assistant", content: "", status: "streaming" }; upsert(msg); }
      var have = (msg.content || "").length;
      if (f.offset > have) { resync(); return; }  // a gap: ask the server for the whole state
      if (f.offset + f.text.length <= have) return;
      msg.content = msg.content.slice(0, f.offset) + f.text;
      msg.status = "streaming";
      state.streamingId = f.message_id;
      queueRender(f.message_id);
      emit("reply", msg);
    },
    "assistant.done": function (f) {
      var msg = state.messages[f.message_id];
      if (msg) { msg.status = f.status; queueRender(f.message_id); emit("reply", msg); }
      if (state.streamingId === f.message_id) state.streamingId = null;
      state.lastError = f.status === "error" ? msg : null;
      if (f.status === "error") showNotice(f.message || "The interviewer's reply failed. Press Retry.");
      refreshControls();
      focusAnswer();
    },
    "question.started": function (f) {
      syncClock(f.server_time); state.status = "in_progress";
      if (isFollowUp(f)) markFollowUpMessage(f);
      setQuestion(f); refreshControls(); focusAnswer();
      emit("question", { key: questionKey(f), text: f.question });
    },
    "question.extended": function (f) {
      syncClock(f.server_time);
      if (sameQuestion(state.question, f)) { state.question.deadline = f.deadline; tick(); }
      var what = isFollowUp(f) ? "the " + followUpLabel(f.index).toLowerCase() : "question " + (f.index + 1);
      showNotice(role === "observer"
        ? "Added " + f.seconds + " seconds to " + what + "."
        : "The interviewer gave you " + f.seconds + " more seconds.", "info");
    },
    "question.expired": function (f) {
      expireQuestion(f);
      showNotice(isFollowUp(f)
        ? "Time ran out for the " + followUpLabel(f.index).toLowerCase() + ". The interview moves on."
        : "Time ran out for question " + (f.index + 1) + ". The interviewer moves on to the next one.", "info");
      refreshControls();
    },
    "question.skipped": function (f) {
      expireQuestion(f);
      countdown.textContent = "Skipped";
      showNotice((role === "observer" ? (f.by || "An observer") + " skipped " : "The hiring team skipped ") +
        (isFollowUp(f) ? "the " + followUpLabel(f.index).toLowerCase() : "question " + (f.index + 1)) + ". The interview moves on.", "info");
      refreshControls();
    },
    "interview.paused": function (f) {
      syncClock(f.server_time);
      setPaused({ since: f.server_time, by: f.by, reason: f.reason });
      refreshControls();
    },
    "interview.resumed": function (f) {
      syncClock(f.server_time);
      if (f.deadline && sameQuestion(state.question, f)) state.question.deadline = f.deadline;
      setPaused(null);
      showNotice(f.reason === "auto" ? "The pause ran out; the interview goes on." : "The interview goes on.", "info");
      refreshControls(); focusAnswer();
    },
    "probe.queued": function (f) { addProbe(f.probe); },
    "probe.asked": function (f) {
      var li = probesList && probesList.querySelector('[data-probe-id="' + CSS.escape(f.id) + '"]');
      if (li) { li.classList.add("asked"); li.querySelector(".note-meta").textContent = "asked as follow-up " + (f.index + 1) + "." + f.follow_up; }
    },
    "interview.completed": function () {
      state.completed = true; setPaused(null); state.status = "completed"; setQuestion(null); refreshControls();
      var next = $("completed").querySelector("a");
      if (next) next.focus();  // keyboard users land on "Read your report"
    },
    "observer.presence": function (f) { setObservers(f.observers); },
    "error": function (f) {
      if (f.client_id && state.pending[f.client_id]) {  // give the answer back; nothing is lost
        var p = state.pending[f.client_id];
        delete state.pending[f.client_id];
        var el = document.querySelector('[data-message-id="' + CSS.escape(p.id) + '"]');
        if (el) el.remove();
        delete state.messages[p.id];
        if (!answer.value) answer.value = p.content;
      }
      if (f.retryable) state.lastError = true;
      state.starting = false;  // a refused start (too_many_generations, quota_exceeded, consent_required) can be pressed again
      if (noteRefused(f)) return;
      showNotice(f.message || "Something went wrong.");
      refreshControls();
    },
    "pong": function (f) { syncClock(f.server_time); },
    "note.created": function (f) { addNote(f.note); }
  };

  // ---- observer probes ----------------------------------------------------------------------
  var probesList = $("probes");
  function addProbe(probe) {
    if (!probesList || probesList.querySelector('[data-probe-id="' + CSS.escape(probe.id) + '"]')) return;
    var li = document.createElement("li");
    li.dataset.probeId = probe.id;
    var body = document.createElement("div");
    body.textContent = probe.content;
    var meta = document.createElement("div");
    meta.className = "note-meta";
    meta.textContent = "queued for question " + (probe.index + 1) + " by " + probe.asked_by;
    li.appendChild(body); li.appendChild(meta);
    probesList.appendChild(li);
  }

  // ---- observer notes -----------------------------------------------------------------------
  // A note the fairness guard refused (biased_language) or wants confirmed (confirm_language): give the
  // text back, say why under the field, and for a warning offer "Save anyway".
  function noteRefused(f) {
    if (f.code !== "biased_language" && f.code !== "confirm_language") return false;
    var note = $("note");
    if (note && !note.value && state.lastNote) note.value = state.lastNote;
    showNoteError(f);
    return true;
  }
  function showNoteError(f) {
    var box = $("note-error"), confirmRow = $("note-confirm-row"), confirmBox = $("note-confirm");
    if (!box) return;
    box.hidden = !f;
    box.textContent = f ? f.message : "";
    if (confirmRow) confirmRow.hidden = !(f && f.code === "confirm_language");
    if (confirmBox && !f) confirmBox.checked = false;
  }
  var notesList = $("notes");
  function addNote(note) {
    if (!notesList || document.querySelector('[data-note-id="' + note.id + '"]')) return;
    var li = document.createElement("li");
    li.dataset.noteId = note.id;
    var when = note.elapsed_seconds != null ? Math.floor(note.elapsed_seconds / 60) + ":" + String(Math.floor(note.elapsed_seconds % 60)).padStart(2, "0") : "before start";
    var meta = document.createElement("div");
    meta.className = "note-meta";
    meta.textContent = note.author + " · " + when + (note.question_index != null ? " · question " + (note.question_index + 1) : "");
    var body = document.createElement("div");
    body.textContent = note.text;
    li.appendChild(body); li.appendChild(meta);
    notesList.appendChild(li);
    var empty = $("notes-empty");
    if (empty) empty.hidden = true;
  }

  function setObservers(list) {
    var el = $("observers");
    if (!el) return;
    if (list && list.length) {
      el.hidden = false;
      el.textContent = "Watched by " + list.map(function (o) { return o.name; }).join(", ");
    } else { el.hidden = true; }
  }

  // ---- socket -------------------------------------------------------------------------------
  function send(frame) {
    if (!state.socket || state.socket.readyState !== 1) { showNotice("Not connected. Reconnecting…", "connection"); return false; }
    state.socket.send(JSON.stringify(frame));
    return true;
  }
  function resync() { if (state.socket) state.socket.close(4000, "resync"); }

  var CLOSE_TEXT = { 4401: "Your session has ended. Please log in again.", 4403: "You do not have access to this interview.", 4404: "This interview does not exist." };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + wsPath);
    state.socket = socket;
    if (!state.attempts) setConn("connecting");
    socket.onopen = function () {
      state.attempts = 0; setConn("connected"); refreshControls();
      if (notice.dataset.kind !== "info") showNotice("");  // "not connected" and errors are over
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) return;  // an older socket, already replaced
      state.socket = null;
      state.starting = false;
      refreshControls();
      if (CLOSE_TEXT[event.code]) { setConn("closed"); showNotice(CLOSE_TEXT[event.code]); return; }
      if (event.code === 4000) { connect(); return; }  // our own resync: at once
      if (navigator.onLine === false) { setConn("offline"); return; }  // the "online" event reconnects
      state.attempts += 1;
      setConn("reconnecting");
      var delay = Math.min(10000, 500 * Math.pow(2, state.attempts - 1)) * (0.75 + Math.random() / 2);
      clearTimeout(state.retryTimer);
      state.retryTimer = setTimeout(function () { if (!state.socket && navigator.onLine !== false) connect(); }, delay);
    };
  }
  window.addEventListener("online", function () {
    clearTimeout(state.retryTimer);
    if (!state.socket) { state.attempts = 1; setConn("reconnecting"); connect(); }
  });
  window.addEventListener("offline", function () {
    setConn("offline");
    var socket = state.socket;
    state.socket = null;
    refreshControls();
    if (socket) socket.close(1000, "offline");
  });

  // ---- user actions ------------------------------------------------------------------------
  startBtn.addEventListener("click", function () {
    if (send({ type: "interview.start" })) { state.starting = true; refreshControls(); }
  });
  stopBtn.addEventListener("click", function () { emit("stop", { messageId: state.streamingId }); send({ type: "generation.stop" }); });
  retryBtn.addEventListener("click", function () { state.lastError = null; showNotice(""); send({ type: "generation.retry" }); refreshControls(); });
  if (answerForm) {
    answerForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = answer.value;
      if (!text.trim()) { showNotice("Your answer is empty."); return; }
      var clientId = uuid();
      var temp = { id: "pending-" + clientId, role: "user", content: text, status: "complete", pending: true, client_id: clientId };
      if (!send({ type: "answer.submit", id: clientId, content: text })) return;
      state.pending[clientId] = temp;
      upsert(temp);
      answer.value = "";
      $("char-count").textContent = "";
      sendBtn.disabled = true;
    });
    answer.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); answerForm.requestSubmit(); }
    });
    answer.addEventListener("input", function () {
      var n = answer.value.length;
      $("char-count").textContent = n > 6000 ? n + " / 8000 characters" : "";
    });
  }
  if (role === "observer") {
    document.querySelectorAll("[data-extend]").forEach(function (btn) {
      btn.addEventListener("click", function () { send({ type: "question.extend", seconds: parseInt(btn.dataset.extend, 10) }); });
    });
    var endBtn = $("end-btn");
    if (endBtn) endBtn.addEventListener("click", function () {
      if (confirm("End this interview now for the candidate?")) send({ type: "interview.end" });
    });
    var skipBtn = $("skip-btn");
    if (skipBtn) skipBtn.addEventListener("click", function () {
      if (confirm("Skip this question for the candidate? It is recorded as skipped.")) send({ type: "question.skip" });
    });
    var pauseReason = $("pause-reason");
    $("pause-btn").addEventListener("click", function () { send({ type: "interview.pause", reason: pauseReason.value.trim() }); });
    $("resume-btn").addEventListener("click", function () { send({ type: "interview.resume" }); });
    var probeForm = $("probe-form"), probe = $("probe");
    probeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!probe.value.trim()) return;
      if (send({ type: "observer.probe", content: probe.value.trim() })) probe.value = "";
    });
    var noteForm = $("note-form"), note = $("note");
    if (noteForm) noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!note.value.trim()) return;
      var confirmBox = $("note-confirm");
      var frame = { type: "observer.note", content: note.value, confirm_language: !!(confirmBox && confirmBox.checked) };
      if (send(frame)) { state.lastNote = note.value; note.value = ""; showNoteError(null); }
    });
  }
  connect();
})();
