/* The live interview page: one WebSocket, automatic reconnect and resync, streamed markdown
   rendered without flicker, a server-timed countdown. No framework, no inline script. */
(function () {
  "use strict";
  var root = document.getElementById("interview");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var role = root.dataset.role || "candidate";
  var wsPath = root.dataset.wsPath;
  var transcript = $("transcript"), connState = $("conn-state"), notice = $("notice");
  var answerForm = $("answer-form"), answer = $("answer"), sendBtn = $("send-btn");
  var startBtn = $("start-btn"), stopBtn = $("stop-btn"), retryBtn = $("retry-btn");

  var state = {
    socket: null, attempts: 0, closedByServer: false, messages: {}, order: [],
    streamingId: null, status: "not_started", question: null, clockOffset: 0,
    pending: {}, lastError: null, renderQueued: {}, completed: false
  };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c-" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function setConn(text, cls) {
    connState.textContent = text;
    connState.className = "badge" + (cls ? " " + cls : "");
  }

  function showNotice(text, kind) {
    if (!text) { notice.hidden = true; return; }
    notice.textContent = text;
    notice.className = "notice" + (kind === "info" ? " info" : "");
    notice.hidden = false;
  }

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
    el.className = "msg msg-" + msg.role + (msg.status === "streaming" ? " streaming" : "") + (msg.pending ? " pending" : "");
    return el;
  }

  function renderMessage(id) {
    var msg = state.messages[id];
    if (!msg) return;
    var el = ensureEl(msg);
    el.querySelector(".msg-body").innerHTML = SafeMarkdown.render(msg.content || "");
    var meta = [];
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
    var canAnswer = role === "candidate" && state.status === "in_progress" && !streaming && !state.completed;
    startBtn.hidden = !(role === "candidate" && state.status === "not_started");
    stopBtn.hidden = !(role === "candidate" && streaming);
    retryBtn.hidden = !(role === "candidate" && state.lastError && !streaming && !state.completed);
    if (answerForm) {
      answerForm.hidden = role !== "candidate" || state.status === "not_started" || state.completed;
      sendBtn.disabled = !canAnswer || !state.socket || state.socket.readyState !== 1;
    }
    $("completed").hidden = !state.completed;
    var endBtn = $("end-btn");
    if (endBtn) endBtn.disabled = state.completed;
  }

  // ---- countdown ----------------------------------------------------------------------------
  var panel = $("question-panel"), countdown = $("countdown");
  function setQuestion(q) {
    state.question = q;
    if (!q) { panel.hidden = true; return; }
    panel.hidden = false;
    $("question-label").textContent = "Question " + (q.index + 1) + (q.total ? " of " + q.total : "");
    $("question-text").textContent = q.question;
    tick();
  }
  function tick() {
    var q = state.question;
    if (!q || !q.deadline) return;
    var remaining = Math.max(0, Math.round((Date.parse(q.deadline) - (Date.now() + state.clockOffset)) / 1000));
    countdown.textContent = Math.floor(remaining / 60) + ":" + String(remaining % 60).padStart(2, "0");
    countdown.classList.toggle("low", remaining <= 15);
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
      state.completed = f.interview.status === "completed";
      var lastAssistant = f.messages.filter(function (m) { return m.role === "assistant"; }).pop();
      state.lastError = lastAssistant && lastAssistant.status === "error" ? lastAssistant : null;
      setQuestion(f.question);
      $("offline-note").hidden = !f.offline;
      setObservers(f.observers);
      if (notesList && f.notes) { notesList.innerHTML = ""; f.notes.forEach(addNote); }
      if (state.lastError) showNotice("The interviewer's last reply failed. Press Retry to try again.");
      refreshControls();
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
      if (m.role === "assistant" && m.status === "streaming") { state.streamingId = m.id; state.lastError = null; showNotice(""); }
      if (m.role === "user") setQuestion(null);
      refreshControls();
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
    },
    "assistant.done": function (f) {
      var msg = state.messages[f.message_id];
      if (msg) { msg.status = f.status; queueRender(f.message_id); }
      if (state.streamingId === f.message_id) state.streamingId = null;
      state.lastError = f.status === "error" ? msg : null;
      if (f.status === "error") showNotice(f.message || "The interviewer's reply failed. Press Retry.");
      refreshControls();
      if (answerForm && !answerForm.hidden && !sendBtn.disabled) answer.focus();
    },
    "question.started": function (f) { syncClock(f.server_time); state.status = "in_progress"; setQuestion(f); refreshControls(); },
    "question.extended": function (f) {
      syncClock(f.server_time);
      if (state.question && state.question.index === f.index) { state.question.deadline = f.deadline; tick(); }
      showNotice("The interviewer gave you " + f.seconds + " more seconds.", "info");
    },
    "question.expired": function (f) {
      setQuestion(null);
      showNotice("Time ran out for question " + (f.index + 1) + ". Moving on to the next one.", "info");
      refreshControls();
    },
    "interview.completed": function () { state.completed = true; state.status = "completed"; setQuestion(null); refreshControls(); },
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
      showNotice(f.message || "Something went wrong.");
      refreshControls();
    },
    "pong": function (f) { syncClock(f.server_time); },
    "note.created": function (f) { addNote(f.note); }
  };

  // ---- observer notes -----------------------------------------------------------------------
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
    if (!state.socket || state.socket.readyState !== 1) { showNotice("Not connected. Reconnecting…", "info"); return false; }
    state.socket.send(JSON.stringify(frame));
    return true;
  }
  function resync() { if (state.socket) state.socket.close(4000, "resync"); }

  var CLOSE_TEXT = { 4401: "Your session has ended. Please log in again.", 4403: "You do not have access to this interview.", 4404: "This interview does not exist." };

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + wsPath);
    state.socket = socket;
    setConn(state.attempts ? "Reconnecting…" : "Connecting…", "badge-warn");
    socket.onopen = function () { state.attempts = 0; setConn("Connected", "badge-ok"); showNotice(""); refreshControls(); };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    };
    socket.onclose = function (event) {
      state.socket = null;
      refreshControls();
      if (CLOSE_TEXT[event.code]) { setConn("Disconnected", "badge-danger"); showNotice(CLOSE_TEXT[event.code]); return; }
      state.attempts += 1;
      var delay = Math.min(10000, 500 * Math.pow(2, state.attempts - 1)) * (0.75 + Math.random() / 2);
      setConn(navigator.onLine === false ? "Offline — waiting for the network" : "Reconnecting…", "badge-warn");
      setTimeout(connect, event.code === 4000 ? 0 : delay);
    };
  }
  window.addEventListener("online", function () { if (!state.socket) { state.attempts = 0; connect(); } });
  window.addEventListener("offline", function () { setConn("Offline — waiting for the network", "badge-warn"); if (state.socket) state.socket.close(); });

  // ---- user actions ------------------------------------------------------------------------
  startBtn.addEventListener("click", function () { send({ type: "interview.start" }); });
  stopBtn.addEventListener("click", function () { send({ type: "generation.stop" }); });
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
    var noteForm = $("note-form"), note = $("note");
    if (noteForm) noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!note.value.trim()) return;
      if (send({ type: "observer.note", content: note.value })) note.value = "";
    });
  }
  connect();
})();
