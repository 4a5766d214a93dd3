// Test doubles of the browser's speech objects, installed by Playwright before any page script runs.
// Speech synthesis: each utterance is logged when it starts (in localStorage, so the log survives a
// reload), one at a time like a real voice, 30 ms each; cancel() empties the queue and is logged too.
// Speech recognition: window.__recognition is the running recogniser; hear() delivers results as the
// browser would. window.__speechMode (set by an earlier init script): "ok", "denied" or "absent".
(() => {
  const LOG = "__speech_log";
  const log = (entry) => localStorage.setItem(LOG, JSON.stringify([...JSON.parse(localStorage.getItem(LOG) || "[]"), entry]));
  const queue = [];
  let current = null;
  const next = () => {
    if (current || !queue.length) return;
    const utterance = (current = queue.shift());
    log({ said: utterance.text });
    if (utterance.onstart) utterance.onstart({});
    setTimeout(() => {
      if (current !== utterance) return;
      current = null;
      if (utterance.onend) utterance.onend({});
      next();
    }, 30);
  };
  const synth = {
    speak(utterance) { queue.push(utterance); next(); },
    cancel() { queue.length = 0; current = null; log({ cancel: true }); },
    pause() {}, resume() {}, getVoices() { return []; },
    addEventListener() {}, removeEventListener() {},
    get speaking() { return current !== null; },
    get pending() { return queue.length > 0; },
  };
  class Utterance { constructor(text) { this.text = text; this.lang = ""; this.onstart = null; this.onend = null; } }
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true, writable: true });

  const mode = window.__speechMode || "ok";
  class Recognition {
    constructor() { this.lang = ""; this.continuous = false; this.interimResults = false; this.running = false; }
    start() {
      window.__recognition = this;
      this.running = true;
      if (mode === "denied") setTimeout(() => { this.running = false; this.onerror?.({ error: "not-allowed" }); this.onend?.(); }, 0);
    }
    stop() { this.running = false; setTimeout(() => this.onend?.(), 0); }
    abort() { this.stop(); }
    hear(transcripts, final) {
      const results = transcripts.map((text, i) =>
        Object.assign([{ transcript: text, confidence: 0.9 }], { isFinal: final || i < transcripts.length - 1 }));
      this.onresult?.({ resultIndex: 0, results });
    }
  }
  for (const name of ["SpeechRecognition", "webkitSpeechRecognition"]) {
    if (mode === "absent") delete window[name];
    else Object.defineProperty(window, name, { value: Recognition, configurable: true, writable: true });
  }
})();
