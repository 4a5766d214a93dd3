// The checker the XSS corpus relies on: it must see what a browser would see.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nestingProblems, problems, textContent, tokenize, urlScheme } from "./html.mjs";

test("test_html_tokenize_slash_separates_attributes", () => {
  assert.deepEqual(tokenize("<svg/onload=alert(1)>"), [
    { type: "start", name: "svg", attrs: [{ name: "onload", value: "alert(1)" }] },
  ]);
});

test("test_html_tokenize_attribute_after_closing_quote", () => {
  assert.deepEqual(tokenize(`<a href="x"onclick='y'>`)[0].attrs, [
    { name: "href", value: "x" }, { name: "onclick", value: "y" },
  ]);
});

test("test_html_tokenize_uppercase_names_are_lowercased", () => {
  assert.deepEqual(tokenize("<IMG SRC=x OnErRoR=y>")[0], {
    type: "start", name: "img", attrs: [{ name: "src", value: "x" }, { name: "onerror", value: "y" }],
  });
});

test("test_html_tokenize_lt_without_letter_is_text", () => {
  assert.deepEqual(tokenize("a <3 < b"), [{ type: "text", value: "a <3 < b" }]);
});

test("test_html_tokenize_comments_and_bogus_comments", () => {
  for (const html of ["<!-- x -->", "<!DOCTYPE html>", "<?xml?>", "</ x>", "<![CDATA[x]]>"]) {
    assert.equal(tokenize(html)[0].type, "comment", html);
  }
});

test("test_html_attribute_references_are_decoded", () => {
  assert.equal(tokenize(`<a href="&#106;ava&#x73;cript&colon;x">`)[0].attrs[0].value, "javascript:x");
});

test("test_html_url_scheme_as_a_browser_parses_it", () => {
  assert.equal(urlScheme(" \u0001Java\tSc\nript:alert(1)"), "javascript");
  assert.equal(urlScheme("https://a.example"), "https");
  assert.equal(urlScheme("/relative:path"), null);
});

test("test_html_problems_accept_the_renderer_own_markup", () => {
  const html = '<h4>t</h4><p><strong>a</strong> <em>b</em> <code>c</code><br><a href="https://x.example" ' +
    'rel="noopener noreferrer" target="_blank">d</a></p><ul><li>e</li></ul><ol><li>f</li></ol><pre><code>g</code></pre>';
  assert.deepEqual(problems(html), []);
});

test("test_html_problems_flag_each_kind", () => {
  assert.deepEqual(problems('<img src=x onerror=y><a href=" java&Tab;script:x" target=_blank>x</a><!--c-->'), [
    "element <img>", "attribute src on <img>", "event handler onerror on <img>",
    "javascript: URL in href", "target without rel=noopener", 'markup declaration "<!--c-->"',
  ]);
});

test("test_html_nesting_problems_flag_misnested_tags", () => {
  assert.deepEqual(nestingProblems("<a><code>x</a></code>"), ["</a> closes <code>", "</code> closes <a>"]);
  assert.deepEqual(nestingProblems("<p>a<br>b</p>"), []);
});

test("test_html_text_content_decodes_references", () => {
  assert.equal(textContent("<p>&lt;b&gt; &amp;amp;<br>x</p>"), "<b> &amp;\nx");
});
