/* Voice on the live page, all in the browser (text stays the source of truth): dictation fills the
   answer box through the browser's speech recognition; "read replies aloud" speaks the interviewer's
   reply sentence by sentence as it streams, each sentence once even across reloads (a sentence counts
   as said when its utterance starts: static/js/speech-text.js's ledger, in sessionStorage), and the
   question when it starts. Stop or muting silences it at once. Both settings are remembered in this
   browser (localStorage) and off by default; Alt+Shift+D and Alt+Shift+R toggle them. */
(function () {
  "use strict";
  var root = document.getElementById("interview");
  var panel = document.getElementById("voice");
  if (!root || !panel || !window.SpeechText) return;
  var $ = function (id) { return document.getElementById(id); };
  var voiceStatus = $("voice-status");

  function store(kind) { try { return window[kind]; } catch (e) { return null; } }
  var settings = store("localStorage");
  function remembered(name) { try { return !!settings && settings.getItem("voice." + name) === "on"; } catch (e) { return false; } }
  function remember(name, on) { try { if (settings) settings.setItem("voice." + name, on ? "on" : "off"); } catch (e) { /* not kept */ } }
  function status(text) { voiceStatus.textContent = text; }

  // ---- read aloud -------------------------------------------------------------------------------
  var synth = window.speechSynthesis, Utterance = window.SpeechSynthesisUtterance;
  var readAloud = $("read-aloud");
  var canSpeak = !!(synth && Utterance);
  var ledger = new SpeechText.Ledger(store("sessionStorage"), "ai.spoken." + root.dataset.chatId + ".");
  var silenced = {};  // messages whose reply was stopped: the deltas still arriving are not spoken
  if (!canSpeak) { readAloud.closest("label").hidden = true; $("read-aloud-unsupported").hidden = false; }
  readAloud.checked = canSpeak && remembered("read-aloud");

  function speaking() { return canSpeak && readAloud.checked; }
  function say(text, done) {
    var utterance = new Utterance(text);
    utterance.lang = document.documentElement.lang || "en";
    if (done) { utterance.onstart = done; utterance.onend = done; }
    synth.speak(utterance);
  }
  function hush() {  // stop at once; whatever was queued counts as dealt with
    if (canSpeak) synth.cancel();
    Object.keys(ledger.cursors).forEach(function (id) { ledger.commitHandedOut(id); });
  }
  function speakReply(msg, live) {
    if (!msg || msg.role !== "assistant") return;
    var text = msg.content || "", final = msg.status !== "streaming";
    var history = !live && final && ledger.isNew(msg.id);  // an earlier reply in a snapshot: not read out
    if (history || (final && msg.status !== "complete")) { ledger.commitHandedOut(msg.id, text.length); return; }
    ledger.take(msg.id, text, final).forEach(function (sentence) {
      if (!speaking() || silenced[msg.id]) { ledger.commit(msg.id, sentence.end); return; }
      say(sentence.text, function () { ledger.commit(msg.id, sentence.end); });
    });
  }
  var lastReply = null;
  root.addEventListener("interview:reply", function (e) { lastReply = e.detail; speakReply(e.detail, true); });
  root.addEventListener("interview:snapshot", function (e) {
    e.detail.messages.forEach(function (m) { speakReply(m, false); });
  });
  // The question is said when it starts, unless the reply that delivered it already said it word for word.
  root.addEventListener("interview:question", function (e) {
    var inReply = !!lastReply && (lastReply.content || "").indexOf(e.detail.text) >= 0;
    if (ledger.once("question." + e.detail.key) && speaking() && !inReply) say(e.detail.text);
  });
  root.addEventListener("interview:stop", function (e) {
    if (e.detail.messageId) silenced[e.detail.messageId] = true;
    hush();
  });
  readAloud.addEventListener("change", function () {
    remember("read-aloud", readAloud.checked);
    if (!readAloud.checked) hush();
    status(readAloud.checked ? "Replies will be read aloud." : "Reading aloud is off.");
  });

  // ---- dictation ----------------------------------------------------------------------------------
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var dictation = $("dictation-setting"), dictateBtn = $("dictate-btn"), answer = $("answer");
  var dictationStatus = $("dictation-status");
  var ERRORS = {
    "not-allowed": "Microphone access was denied, so dictation is off. You can still type your answer.",
    "service-not-allowed": "The browser does not allow speech recognition here. You can still type your answer.",
    "audio-capture": "No microphone was found. You can still type your answer.",
    "network": "The browser's speech service could not be reached. You can still type your answer.",
    "no-speech": "No speech was heard. Press Dictate to try again, or type."
  };
  var recognition = null, base = "";

  function listening(on, text, problem) {
    if (dictateBtn) dictateBtn.setAttribute("aria-pressed", on ? "true" : "false");
    if (!dictationStatus) return;
    dictationStatus.textContent = text;
    dictationStatus.classList.toggle("dictation-problem", !!problem);
  }
  function heard(event) {
    var parts = [];
    for (var i = 0; i < event.results.length; i++) parts.push(event.results[i][0].transcript.trim());
    answer.value = base + parts.filter(Boolean).join(" ");
    answer.dispatchEvent(new Event("input", { bubbles: true }));  // the character count follows
  }
  function stopDictation(abort) {
    var r = recognition;
    if (!r) return;
    recognition = null;
    r.onresult = null;
    r.onend = null;
    try { if (abort) r.abort(); else r.stop(); } catch (e) { /* already ended */ }
    listening(false, "");
  }
  function startDictation() {
    if (recognition || !Recognition || !answer || answer.closest("form").hidden) return;
    hush();  // the microphone must not hear the interviewer's voice
    var r = new Recognition();
    r.lang = document.documentElement.lang || "en";
    r.continuous = true;
    r.interimResults = true;
    base = answer.value && !/\s$/.test(answer.value) ? answer.value + " " : answer.value;
    r.onresult = heard;
    r.onerror = function (event) {
      if (event.error === "aborted") return;
      stopDictation(true);
      listening(false, ERRORS[event.error] || "Dictation stopped. You can still type your answer.", true);
    };
    r.onend = function () { if (recognition === r) { recognition = null; listening(false, ""); } };
    recognition = r;
    try { r.start(); } catch (e) { recognition = null; listening(false, "Dictation could not start. You can still type your answer.", true); return; }
    listening(true, "Listening… speak your answer, then press Dictate again to stop.");
    answer.focus();
  }
  function toggleDictation() { if (recognition) stopDictation(false); else startDictation(); }
  function showDictation() { if (dictateBtn) dictateBtn.hidden = !(Recognition && dictation && dictation.checked); }

  if (dictation) {
    if (!Recognition) { dictation.closest("label").hidden = true; $("dictation-unsupported").hidden = false; }
    dictation.checked = !!Recognition && remembered("dictation");
    dictation.addEventListener("change", function () {
      remember("dictation", dictation.checked);
      if (!dictation.checked) stopDictation(true);
      showDictation();
      status(dictation.checked ? "Dictation is on: press Dictate (Alt+Shift+D) to speak your answer." : "Dictation is off.");
    });
    showDictation();
    dictateBtn.addEventListener("click", toggleDictation);
    answer.form.addEventListener("submit", function () { stopDictation(true); });
  }

  document.addEventListener("keydown", function (e) {
    if (!(e.altKey && e.shiftKey) || e.ctrlKey || e.metaKey) return;
    if (e.code === "KeyR" && canSpeak) { e.preventDefault(); readAloud.click(); }
    if (e.code === "KeyD" && dictation && Recognition) {
      e.preventDefault();
      if (!dictation.checked) dictation.click();
      toggleDictation();
    }
  });
})();
