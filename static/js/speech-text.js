/* Pure text logic of the live page's voice and screen-reader announcements: a streamed reply cut
   into finished sentences, markdown made speakable, a ledger that hands out each sentence once per
   message (surviving reloads through the storage it is given), and the countdown's thresholds.
   No DOM here: static/js/voice.js and static/js/live-a11y.js use it; tests/js tests it. */
(function (global) {
  "use strict";
  // A period after one of these words does not end a sentence ("e.g. a queue").
  var ABBREVIATIONS = ["e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "approx", "no", "fig"];
  var ENDERS = ".!?…";
  var CLOSERS = "\"'”’)]*_";

  function precedingWord(text, dot) {
    var start = dot;
    while (start > 0 && /[A-Za-z.]/.test(text[start - 1])) start -= 1;
    return text.slice(start, dot).toLowerCase();
  }

  /** Where the sentence that starts at `from` ends (the index after its punctuation), or -1 if not yet. */
  function sentenceEnd(text, from) {
    for (var i = from; i < text.length; i++) {
      var ch = text[i];
      if (ch === "\n") return i + 1;
      if (ENDERS.indexOf(ch) < 0) continue;
      var end = i + 1;
      while (end < text.length && (ENDERS.indexOf(text[end]) >= 0 || CLOSERS.indexOf(text[end]) >= 0)) end += 1;
      if (end >= text.length) return -1;  // "3." may still become "3.5": wait for what follows
      if (!/\s/.test(text[end])) { i = end - 1; continue; }
      if (ch === "." && ABBREVIATIONS.indexOf(precedingWord(text, i)) >= 0) { i = end - 1; continue; }
      return end;
    }
    return -1;
  }

  /** The finished sentences of `text` from offset `from`: [{text, end}]; with `final`, the tail too. */
  function splitSentences(text, from, final) {
    var found = [];
    var start = from || 0;
    text = text || "";
    while (start < text.length) {
      var end = sentenceEnd(text, start);
      if (end < 0) {
        if (final) found.push({ text: text.slice(start), end: text.length });
        break;
      }
      found.push({ text: text.slice(start, end), end: end });
      start = end;
    }
    return found
      .map(function (s) { return { text: speakable(s.text), end: s.end }; })
      .filter(function (s, index, all) { return s.text || index === all.length - 1; });
  }

  /** Markdown markup removed, so a voice says the words and not the symbols. */
  function speakable(text) {
    return (text || "")
      .replace(/```[a-z]*|`/gi, "")
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/^\s*(#{1,6}|[-*+]|>)\s+/gm, "")
      .replace(/(\*\*|__|\*|_)(?=\S)([^*_]*\S)\1/g, "$2")
      .replace(/\s+/g, " ")
      .trim();
  }

  /** Hands out each message's sentences once; `commit` remembers them in `storage` (sessionStorage). */
  function Ledger(storage, prefix) {
    this.storage = storage;
    this.prefix = prefix;
    this.cursors = {};
    this.memory = {};
  }
  Ledger.prototype.key = function (id) { return this.prefix + id; };
  Ledger.prototype.committed = function (id) {
    var saved = null;
    try { saved = this.storage ? this.storage.getItem(this.key(id)) : null; } catch (e) { saved = null; }
    var stored = saved === null ? -1 : parseInt(saved, 10);
    var known = this.memory[id] === undefined ? -1 : this.memory[id];
    return Math.max(isNaN(stored) ? -1 : stored, known);
  };
  /** True when nothing of this message was ever handed out or committed (in this tab). */
  Ledger.prototype.isNew = function (id) { return this.committed(id) < 0 && this.cursors[id] === undefined; };
  /** The finished sentences past what was handed out before; the cursor moves past them. */
  Ledger.prototype.take = function (id, text, final) {
    var from = Math.max(this.cursors[id] || 0, this.committed(id), 0);
    var sentences = splitSentences(text, from, final);
    if (sentences.length) this.cursors[id] = sentences[sentences.length - 1].end;
    else if (this.cursors[id] === undefined) this.cursors[id] = from;
    return sentences.filter(function (s) { return s.text; });
  };
  /** Remember that the message was dealt with up to `end` (it is never handed out again, even after a reload). */
  Ledger.prototype.commit = function (id, end) {
    if (end <= this.committed(id)) return;
    this.memory[id] = end;
    this.cursors[id] = Math.max(this.cursors[id] || 0, end);
    try { if (this.storage) this.storage.setItem(this.key(id), String(end)); } catch (e) { /* memory still holds it */ }
  };
  /** Commit everything handed out so far for the message (muting, or a stopped reply). */
  Ledger.prototype.commitHandedOut = function (id, upTo) {
    this.commit(id, Math.max(this.cursors[id] || 0, upTo || 0));
  };
  /** True the first time a key is seen (a question spoken once), false ever after. */
  Ledger.prototype.once = function (key) {
    if (this.committed(key) >= 0) return false;
    this.commit(key, 0);
    return true;
  };

  var THRESHOLDS = [60, 10];
  /** The threshold (seconds) crossed going from `before` to `now` seconds left, or null. */
  function thresholdCrossed(before, now) {
    if (before === null || before === undefined) return null;
    for (var i = THRESHOLDS.length - 1; i >= 0; i--) {
      if (before > THRESHOLDS[i] && now <= THRESHOLDS[i]) return THRESHOLDS[i];
    }
    return null;
  }

  /** Seconds left said in words: "1 minute 5 seconds". */
  function timeInWords(seconds) {
    var s = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(s / 60), rest = s % 60;
    var parts = [];
    if (minutes) parts.push(minutes + (minutes === 1 ? " minute" : " minutes"));
    if (rest || !minutes) parts.push(rest + (rest === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  var api = {
    splitSentences: splitSentences, speakable: speakable, Ledger: Ledger,
    thresholdCrossed: thresholdCrossed, timeInWords: timeInWords, THRESHOLDS: THRESHOLDS
  };
  if (global) global.SpeechText = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof window === "undefined" ? null : window);
