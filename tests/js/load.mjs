// Loads static/js/markdown.js the way node's tests need it (require) and the way a browser does
// (a plain script with a `window` global and no `module`).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export const SOURCE_PATH = new URL("../../static/js/markdown.js", import.meta.url);

export const SafeMarkdown = createRequire(import.meta.url)(fileURLToPath(SOURCE_PATH));

/** Runs the file as a classic browser script and returns the sandbox's `window`. */
export function loadAsBrowserScript() {
  const window = {};
  vm.runInNewContext(readFileSync(SOURCE_PATH, "utf8"), { window }, { filename: "markdown.js" });
  return window;
}
