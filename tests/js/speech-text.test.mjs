// static/js/speech-text.js: sentences of a streamed reply, handed out once each, and the countdown's thresholds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SOURCE = new URL("../../static/js/speech-text.js", import.meta.url);
const { splitSentences, speakable, Ledger, thresholdCrossed, timeInWords } = createRequire(import.meta.url)(SOURCE.pathname);

/** A sessionStorage stand-in (one per browser tab); `fail` makes every call throw, as in some private modes. */
function storage({ fail = false } = {}) {
  const data = new Map();
  return {
    data,
    getItem(key) { if (fail) throw new Error("denied"); return data.has(key) ? data.get(key) : null; },
    setItem(key, value) { if (fail) throw new Error("denied"); data.set(key, String(value)); },
  };
}
const texts = (sentences) => sentences.map((s) => s.text);

/** Stream `text` into the ledger in chunks of `size`, returning every sentence handed out, in order. */
function stream(ledger, id, text, size) {
  const out = [];
  for (let n = size; n < text.length + size; n += size) {
    const final = n >= text.length;
    for (const s of ledger.take(id, text.slice(0, n), final)) { out.push(s.text); ledger.commit(id, s.end); }
  }
  return out;
}

test("test_speech_text_loads_as_browser_script", () => {
  const window = {};
  vm.runInNewContext(readFileSync(SOURCE, "utf8"), { window });
  assert.equal(typeof window.SpeechText.splitSentences, "function");
});

test("test_split_sentences_finished_ones_only", () => {
  assert.deepEqual(texts(splitSentences("Hello there. How are you? I am", 0, false)), ["Hello there.", "How are you?"]);
});

test("test_split_sentences_final_keeps_the_tail", () => {
  assert.deepEqual(texts(splitSentences("Hello there. Bye", 0, true)), ["Hello there.", "Bye"]);
});

test("test_split_sentences_waits_for_what_follows_a_period", () => {
  assert.deepEqual(texts(splitSentences("It costs 3.", 0, false)), []);
  assert.deepEqual(texts(splitSentences("It costs 3.5 euros. Next", 0, false)), ["It costs 3.5 euros."]);
});

test("test_split_sentences_abbreviation_is_not_an_end", () => {
  assert.deepEqual(texts(splitSentences("Use a queue, e.g. Celery. Then", 0, false)), ["Use a queue, e.g. Celery."]);
});

test("test_split_sentences_newline_ends_a_line_item", () => {
  assert.deepEqual(texts(splitSentences("Two things:\n- caching\n- indexes\n", 0, false)), ["Two things:", "caching", "indexes"]);
});

test("test_split_sentences_from_an_offset", () => {
  const text = "One. Two. Three.";
  const first = splitSentences(text, 0, false);
  assert.deepEqual(texts(splitSentences(text, first[0].end, true)), ["Two.", "Three."]);
});

test("test_speakable_drops_markdown", () => {
  assert.equal(speakable("**Great** answer, see [the docs](https://x.y) and `select_related`."),
    "Great answer, see the docs and select_related.");
  assert.equal(speakable("## Question 2"), "Question 2");
});

test("test_ledger_streamed_sentences_once_each_in_order", () => {
  const text = "Thanks for that. Let us move on! Question two: how do you test a view? Take your time.";
  for (const size of [1, 3, 7, 200]) {
    const spoken = stream(new Ledger(storage(), "s:"), "m1", text, size);
    assert.deepEqual(spoken, ["Thanks for that.", "Let us move on!", "Question two: how do you test a view?", "Take your time."]);
  }
});

test("test_ledger_reload_continues_after_committed_sentences", () => {
  const tab = storage();
  const before = new Ledger(tab, "s:");
  for (const s of before.take("m1", "One. Two. Thr", false)) before.commit("m1", s.end);
  const after = new Ledger(tab, "s:");  // the page reloaded: a new ledger on the same tab's storage
  assert.equal(after.isNew("m1"), false);
  assert.deepEqual(texts(after.take("m1", "One. Two. Three. Four.", true)), ["Three.", "Four."]);
});

test("test_ledger_uncommitted_sentences_come_again_after_reload", () => {
  const tab = storage();
  const before = new Ledger(tab, "s:");
  const [one] = before.take("m1", "One. Two. ", false);  // "Two." was queued but never started
  before.commit("m1", one.end);
  assert.deepEqual(texts(new Ledger(tab, "s:").take("m1", "One. Two. ", false)), ["Two."]);
});

test("test_ledger_same_text_again_gives_nothing", () => {
  const ledger = new Ledger(storage(), "s:");
  ledger.take("m1", "One. Two. ", false);
  assert.deepEqual(ledger.take("m1", "One. Two. ", false), []);  // a snapshot resends what was handed out
});

test("test_ledger_commit_handed_out_skips_queued_sentences", () => {
  const tab = storage();
  const ledger = new Ledger(tab, "s:");
  ledger.take("m1", "One. Two. ", false);
  ledger.commitHandedOut("m1");  // muted: what was queued is not said later either
  assert.deepEqual(new Ledger(tab, "s:").take("m1", "One. Two. Three.", true), [{ text: "Three.", end: 16 }]);
});

test("test_ledger_messages_are_independent", () => {
  const ledger = new Ledger(storage(), "s:");
  ledger.commit("m1", 5);
  assert.equal(ledger.isNew("m2"), true);
  assert.deepEqual(texts(ledger.take("m2", "Hi. ", false)), ["Hi."]);
});

test("test_ledger_once_is_true_once_across_reloads", () => {
  const tab = storage();
  assert.equal(new Ledger(tab, "s:").once("q:0"), true);
  assert.equal(new Ledger(tab, "s:").once("q:0"), false);
});

test("test_ledger_works_when_storage_throws", () => {
  const ledger = new Ledger(storage({ fail: true }), "s:");
  for (const s of ledger.take("m1", "One. Two", false)) ledger.commit("m1", s.end);
  assert.deepEqual(texts(ledger.take("m1", "One. Two.", true)), ["Two."]);
});

test("test_threshold_crossed_at_one_minute_and_ten_seconds", () => {
  assert.equal(thresholdCrossed(61, 60), 60);
  assert.equal(thresholdCrossed(11, 10), 10);
  assert.equal(thresholdCrossed(70, 5), 10);  // a long gap (a sleeping tab): the latest threshold only
});

test("test_threshold_not_crossed", () => {
  assert.equal(thresholdCrossed(null, 30), null);  // the page opened with 30 s left: nothing to say yet
  assert.equal(thresholdCrossed(30, 29), null);
  assert.equal(thresholdCrossed(5, 70), null);  // extended
});

test("test_time_in_words", () => {
  assert.equal(timeInWords(65), "1 minute 5 seconds");
  assert.equal(timeInWords(120), "2 minutes");
  assert.equal(timeInWords(1), "1 second");
  assert.equal(timeInWords(0), "0 seconds");
});
