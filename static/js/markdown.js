/* A small, safe markdown renderer: everything is HTML-escaped first, then a few constructs are
   turned into tags we write ourselves. No raw HTML from the model or the candidate ever renders. */
(function (global) {
  "use strict";
  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  // Emphasis needs a non-space next to each marker, so "2 * 3 * 4" stays arithmetic.
  var STRONG = /\*\*([^*\s](?:[^*\n]*[^*\s])?)\*\*/g;
  var EM = /(^|[^*])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?!\*)/g;
  function emphasis(html) {
    return html.replace(STRONG, "<strong>$1</strong>").replace(EM, "$1<em>$2</em>");
  }
  // Code spans and links are set aside as placeholders ("<n>": escaped text never holds a "<"), so
  // no emphasis reaches into a code span or a URL and every tag closes inside the one around it.
  // Labels and URLs exclude "[" and "]", which keeps each match local (linear on long input).
  function inline(text) {
    var held = [];
    function hold(html) { held.push(html); return "<" + (held.length - 1) + ">"; }
    function restore(html) { return html.replace(/<(\d+)>/g, function (_, n) { return restore(held[+n]); }); }
    var out = escapeHtml(text).replace(/`([^`\n]+)`/g, function (_, code) { return hold("<code>" + code + "</code>"); });
    out = out.replace(/\[([^\[\]\n]+)\]\((https?:\/\/[^\s<)\[\]]+)\)/g, function (_, label, url) {
      return hold('<a href="' + url + '" rel="noopener noreferrer" target="_blank">' + emphasis(label) + "</a>");
    });
    return restore(emphasis(out));
  }
  function render(source) {
    var lines = (source || "").replace(/\r\n?/g, "\n").split("\n");
    var html = [], para = [], list = null, i = 0;
    function flushPara() { if (para.length) { html.push("<p>" + para.map(inline).join("<br>") + "</p>"); para = []; } }
    function flushList() { if (list) { html.push("<" + list.tag + ">" + list.items.map(function (x) { return "<li>" + inline(x) + "</li>"; }).join("") + "</" + list.tag + ">"); list = null; } }
    while (i < lines.length) {
      var line = lines[i];
      if (/^```/.test(line)) {
        flushPara(); flushList();
        var code = []; i++;
        while (i < lines.length && !/^```/.test(lines[i])) { code.push(lines[i]); i++; }
        html.push("<pre><code>" + escapeHtml(code.join("\n")) + "</code></pre>");
        i++; continue;
      }
      var heading = /^(#{1,4})\s+(.*)$/.exec(line);
      var bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
      var numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      if (heading) { flushPara(); flushList(); html.push("<h4>" + inline(heading[2]) + "</h4>"); }
      else if (bullet || numbered) {
        flushPara();
        var tag = bullet ? "ul" : "ol";
        if (!list || list.tag !== tag) { flushList(); list = { tag: tag, items: [] }; }
        list.items.push((bullet || numbered)[1]);
      } else if (!line.trim()) { flushPara(); flushList(); }
      else { flushList(); para.push(line); }
      i++;
    }
    flushPara(); flushList();
    return html.join("");
  }
  var api = { render: render, escapeHtml: escapeHtml };
  if (global) global.SafeMarkdown = api;
  // node's test runner (tests/js) requires the file; browsers have no `module` and skip this.
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof window === "undefined" ? null : window);
