// The dashboard's browser assets: web/dashboard/app.ts (preact + htm + uPlot) bundled by esbuild
// into dist/dashboard/assets/app.js, the CSS (uPlot's and ours) into app.css, and index.html.
// Everything the page loads comes from the server: no CDN, works without network access.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const root = new URL("../", import.meta.url).pathname;
const out = `${root}dist/dashboard/`;
mkdirSync(`${out}assets`, { recursive: true });
await build({
  entryPoints: [`${root}web/dashboard/app.ts`],
  outfile: `${out}assets/app.js`,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  legalComments: "linked",
  logLevel: "warning",
});
const require = createRequire(import.meta.url);
const uplotCss = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
writeFileSync(`${out}assets/app.css`, `${uplotCss}\n${readFileSync(`${root}web/dashboard/app.css`, "utf8")}`);
copyFileSync(`${root}web/dashboard/index.html`, `${out}index.html`);
