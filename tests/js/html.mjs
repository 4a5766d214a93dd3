// A small HTML tokenizer and safety checks for the markdown tests (node has no DOM, and we add no
// dependency). It follows the WHATWG tokenizer states an attacker leans on: `<svg/onload=…>`,
// unquoted and single-quoted values, comments and `<!…>` / `<?…>` bogus comments, and it decodes
// character references in attribute values the way a browser does before a URL is parsed.

const NAMED = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", colon: ":", Tab: "\t", NewLine: "\n",
  nbsp: "\u00a0", sol: "/", lpar: "(", rpar: ")", period: ".", excl: "!", num: "#", semi: ";",
};

/** Decodes numeric references (with or without the `;`) and the named ones in NAMED. */
export function decodeEntities(text) {
  return text.replace(/&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*);)/g,
    (whole, hex, dec, name) => {
      if (name !== undefined) return Object.hasOwn(NAMED, name) ? NAMED[name] : whole;
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec, 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
      return String.fromCodePoint(code);
    });
}

const isAlpha = (c) => /[A-Za-z]/.test(c);
const isSpace = (c) => c === " " || c === "\t" || c === "\n" || c === "\f" || c === "\r";

/** Splits HTML into tokens: {type: "start"|"end", name, attrs: [{name, value}]}, {type: "text",
 * value} (references decoded) and {type: "comment", value} (comments, doctypes, bogus comments). */
export function tokenize(html) {
  const tokens = [];
  let i = 0;
  let text = "";
  const flushText = () => { if (text) { tokens.push({ type: "text", value: decodeEntities(text) }); text = ""; } };
  while (i < html.length) {
    const c = html[i];
    if (c !== "<") { text += c; i++; continue; }
    const next = html[i + 1];
    if (next === "!" || next === "?" || (next === "/" && html[i + 2] !== undefined && !isAlpha(html[i + 2]) && html[i + 2] !== ">")) {
      flushText();
      const isComment = html.startsWith("<!--", i);
      const end = isComment ? html.indexOf("-->", i + 4) : html.indexOf(">", i);
      const stop = end === -1 ? html.length : end + (isComment ? 3 : 1);
      tokens.push({ type: "comment", value: html.slice(i, stop) });
      i = stop;
      continue;
    }
    if (next === "/" && html[i + 2] === ">") { i += 3; continue; } // `</>` is dropped by browsers
    const isEnd = next === "/";
    const nameStart = i + (isEnd ? 2 : 1);
    if (!isAlpha(html[nameStart] ?? "")) { text += c; i++; continue; }
    flushText();
    let j = nameStart;
    while (j < html.length && !isSpace(html[j]) && html[j] !== "/" && html[j] !== ">") j++;
    const tag = { type: isEnd ? "end" : "start", name: html.slice(nameStart, j).toLowerCase(), attrs: [] };
    // Attributes: before-name, name, after-name, before-value, value (three kinds).
    while (j < html.length && html[j] !== ">") {
      if (isSpace(html[j]) || html[j] === "/") { j++; continue; }
      let k = j + (html[j] === "=" ? 1 : 0); // a leading "=" belongs to the name
      while (k < html.length && !isSpace(html[k]) && !"/>=".includes(html[k])) k++;
      const name = html.slice(j, k).toLowerCase();
      j = k;
      while (j < html.length && isSpace(html[j])) j++;
      let value = "";
      if (html[j] === "=") {
        j++;
        while (j < html.length && isSpace(html[j])) j++;
        const quote = html[j];
        if (quote === '"' || quote === "'") {
          const close = html.indexOf(quote, j + 1);
          const stop = close === -1 ? html.length : close;
          value = html.slice(j + 1, stop);
          j = stop + 1;
        } else {
          let v = j;
          while (v < html.length && !isSpace(html[v]) && html[v] !== ">") v++;
          value = html.slice(j, v);
          j = v;
        }
      }
      if (!tag.attrs.some((a) => a.name === name)) tag.attrs.push({ name, value: decodeEntities(value) });
    }
    tokens.push(tag);
    i = j + 1;
  }
  flushText();
  return tokens;
}

export const ALLOWED_TAGS = new Set(["p", "br", "h4", "ul", "ol", "li", "pre", "code", "strong", "em", "a"]);
const ALLOWED_ATTRS = { a: new Set(["href", "rel", "target"]) };
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);
const VOID_TAGS = new Set(["br"]);

/** The scheme a browser would see: C0 controls and spaces trimmed, tabs and newlines removed. */
export function urlScheme(value) {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(cleaned);
  return match ? match[1].toLowerCase() : null;
}

/** Every reason this HTML is not safe to assign to innerHTML (an empty list when it is). */
export function problems(html) {
  const found = [];
  for (const token of tokenize(html)) {
    if (token.type === "comment") found.push(`markup declaration ${JSON.stringify(token.value.slice(0, 40))}`);
    if (token.type !== "start" && token.type !== "end") continue;
    if (!ALLOWED_TAGS.has(token.name)) found.push(`element <${token.name}>`);
    for (const { name, value } of token.attrs) {
      if (name.startsWith("on")) found.push(`event handler ${name} on <${token.name}>`);
      else if (!ALLOWED_ATTRS[token.name]?.has(name)) found.push(`attribute ${name} on <${token.name}>`);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(name)) {
        const scheme = urlScheme(value);
        if (scheme !== null && !SAFE_SCHEMES.has(scheme)) found.push(`${scheme}: URL in ${name}`);
      }
    }
    if (token.name === "a" && token.type === "start") {
      const target = token.attrs.find((a) => a.name === "target");
      const rel = token.attrs.find((a) => a.name === "rel")?.value.split(/\s+/) ?? [];
      if (target && !rel.includes("noopener")) found.push("target without rel=noopener");
    }
  }
  return found;
}

/** Tags that are not closed in the order they were opened, or never closed (empty when fine). */
export function nestingProblems(html) {
  const open = [];
  const found = [];
  for (const token of tokenize(html)) {
    if (token.type === "start" && !VOID_TAGS.has(token.name)) open.push(token.name);
    else if (token.type === "end") {
      const top = open.pop();
      if (top !== token.name) found.push(`</${token.name}> closes <${top ?? "nothing"}>`);
    }
  }
  return found.concat(open.map((name) => `<${name}> never closed`));
}

/** The text a reader sees: decoded text nodes, with <br> and block ends as newlines. */
export function textContent(html) {
  return tokenize(html).map((t) => {
    if (t.type === "text") return t.value;
    if (t.type === "start" && t.name === "br") return "\n";
    if (t.type === "end" && ["p", "li", "h4", "pre"].includes(t.name)) return "\n";
    return "";
  }).join("").replace(/\n$/, "");
}

/** All the <a> start tags, as {href, rel, target, text} (the text up to the matching </a>). */
export function links(html) {
  const tokens = tokenize(html);
  const found = [];
  tokens.forEach((t, index) => {
    if (t.type !== "start" || t.name !== "a") return;
    const attr = (n) => t.attrs.find((a) => a.name === n)?.value;
    let text = "";
    for (let k = index + 1; k < tokens.length && !(tokens[k].type === "end" && tokens[k].name === "a"); k++) {
      if (tokens[k].type === "text") text += tokens[k].value;
    }
    found.push({ href: attr("href"), rel: attr("rel"), target: attr("target"), text });
  });
  return found;
}

/** The names of the start tags, in order. */
export function startTags(html) {
  return tokenize(html).filter((t) => t.type === "start").map((t) => t.name);
}
