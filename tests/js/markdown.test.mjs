// What SafeMarkdown renders for ordinary markdown (the live interview transcript's messages).
import { test } from "node:test";
import assert from "node:assert/strict";
import { SafeMarkdown, loadAsBrowserScript } from "./load.mjs";
import { links, nestingProblems, problems } from "./html.mjs";

const { render, escapeHtml } = SafeMarkdown;
const LINK_ATTRS = 'rel="noopener noreferrer" target="_blank"';

test("test_markdown_loads_as_browser_script", () => {
  const window = loadAsBrowserScript();
  assert.equal(typeof window.SafeMarkdown.render, "function");
  assert.equal(window.SafeMarkdown.render("**a**"), render("**a**"));
});

test("test_markdown_empty_input_renders_nothing", () => {
  for (const source of ["", null, undefined, "\n\n  \n"]) assert.equal(render(source), "");
});

test("test_markdown_paragraph", () => {
  assert.equal(render("Hello world"), "<p>Hello world</p>");
});

test("test_markdown_blank_line_separates_paragraphs", () => {
  assert.equal(render("one\n\ntwo"), "<p>one</p><p>two</p>");
});

test("test_markdown_single_newline_is_line_break", () => {
  assert.equal(render("one\ntwo"), "<p>one<br>two</p>");
});

test("test_markdown_crlf_and_cr_are_newlines", () => {
  assert.equal(render("one\r\ntwo\rthree\r\n\r\nfour"), "<p>one<br>two<br>three</p><p>four</p>");
});

test("test_markdown_bold", () => {
  assert.equal(render("a **bold** word"), "<p>a <strong>bold</strong> word</p>");
});

test("test_markdown_italics", () => {
  assert.equal(render("an *italic* word"), "<p>an <em>italic</em> word</p>");
});

test("test_markdown_bold_and_italics_on_one_line", () => {
  assert.equal(render("*it* and **bo**"), "<p><em>it</em> and <strong>bo</strong></p>");
});

test("test_markdown_inline_code_is_escaped", () => {
  assert.equal(render("use `x < y && y > z`"), "<p>use <code>x &lt; y &amp;&amp; y &gt; z</code></p>");
});

test("test_markdown_fenced_code_block_is_escaped_and_literal", () => {
  assert.equal(
    render("```python\nif a < b:\n    print(\"**hi**\")\n```\nafter"),
    "<pre><code>if a &lt; b:\n    print(&quot;**hi**&quot;)</code></pre><p>after</p>",
  );
});

test("test_markdown_unclosed_fence_runs_to_the_end", () => {
  assert.equal(render("```\n<b>x</b>\n\nmore"), "<pre><code>&lt;b&gt;x&lt;/b&gt;\n\nmore</code></pre>");
});

test("test_markdown_https_link", () => {
  assert.equal(
    render("see [the docs](https://example.com/a?b=1&c=2#d)"),
    `<p>see <a href="https://example.com/a?b=1&amp;c=2#d" ${LINK_ATTRS}>the docs</a></p>`,
  );
});

test("test_markdown_http_link", () => {
  assert.deepEqual(links(render("[x](http://example.com)")), [
    { href: "http://example.com", rel: "noopener noreferrer", target: "_blank", text: "x" },
  ]);
});

test("test_markdown_link_label_keeps_emphasis", () => {
  assert.equal(
    render("[**bold** label](https://example.com)"),
    `<p><a href="https://example.com" ${LINK_ATTRS}><strong>bold</strong> label</a></p>`,
  );
});

test("test_markdown_only_http_and_https_become_links", () => {
  for (const source of ["[mail](mailto:a@example.com)", "[rel](/chats/1/)", "[frag](#top)", "[ftp](ftp://x.example)"]) {
    assert.deepEqual(links(render(source)), [], source);
    assert.equal(render(source), `<p>${escapeHtml(source)}</p>`);
  }
});

test("test_markdown_headings_render_as_h4", () => {
  assert.equal(render("# One\n## Two\n### Three\n#### Four"), "<h4>One</h4><h4>Two</h4><h4>Three</h4><h4>Four</h4>");
});

test("test_markdown_five_hashes_are_a_paragraph", () => {
  assert.equal(render("##### five"), "<p>##### five</p>");
});

test("test_markdown_unordered_list_markers", () => {
  assert.equal(render("- a\n* b\n+ **c**"), "<ul><li>a</li><li>b</li><li><strong>c</strong></li></ul>");
});

test("test_markdown_ordered_list_markers", () => {
  assert.equal(render("1. a\n2) b"), "<ol><li>a</li><li>b</li></ol>");
});

test("test_markdown_list_kind_change_starts_new_list", () => {
  assert.equal(render("- a\n1. b"), "<ul><li>a</li></ul><ol><li>b</li></ol>");
});

test("test_markdown_paragraph_after_list", () => {
  assert.equal(render("intro\n- a\n- b\n\nend"), "<p>intro</p><ul><li>a</li><li>b</li></ul><p>end</p>");
});

test("test_markdown_mixed_document_is_safe", () => {
  const html = render("# Q1\nExplain **CAP**.\n\n- *C*onsistency\n- `A`vailability\n\n```\n<P>\n```\n[ref](https://e.org)");
  assert.deepEqual(problems(html), []);
});

test("test_markdown_escape_html_escapes_the_five_characters", () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
});

test("test_markdown_lone_asterisks_stay_text", () => {
  assert.equal(render("2 * 3 = 6 and a*"), "<p>2 * 3 = 6 and a*</p>");
});

test("test_markdown_spaced_multiplication_stays_text", () => {
  assert.equal(render("a * b * c and a ** b ** c"), "<p>a * b * c and a ** b ** c</p>");
});

test("test_markdown_code_span_is_literal", () => {
  assert.equal(render("`*p = *q` and `**kwargs**`"), "<p><code>*p = *q</code> and <code>**kwargs**</code></p>");
});

test("test_markdown_link_inside_code_span_is_literal", () => {
  assert.equal(render("`[l](https://a.example)`"), "<p><code>[l](https://a.example)</code></p>");
});

test("test_markdown_emphasis_markers_in_link_url_stay_in_href", () => {
  assert.deepEqual(links(render("[x](https://a.example/*a*/b)")).map((a) => a.href), ["https://a.example/*a*/b"]);
});

test("test_markdown_code_span_in_link_label", () => {
  assert.equal(render("[`x`](https://a.example)"), `<p><a href="https://a.example" ${LINK_ATTRS}><code>x</code></a></p>`);
});

test("test_markdown_code_span_crossing_link_is_well_nested", () => {
  for (const source of ["[a`b](https://a.example)`", "`a[b`](https://a.example)", "**a `b** c`", "[x](https://a`b`c)"]) {
    assert.deepEqual(nestingProblems(render(source)), [], `${source} rendered ${render(source)}`);
  }
});

test("test_markdown_long_bracket_runs_render_in_linear_time", () => {
  for (const source of ["[".repeat(100_000), "[a".repeat(50_000), "[a](http://".repeat(10_000), "**a ".repeat(50_000)]) {
    const started = performance.now();
    render(source);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1000, `${JSON.stringify(source.slice(0, 12))}… (${source.length} chars) took ${Math.round(elapsed)} ms`);
  }
});
