// Recall on an image with planted real-format credentials: one file per rule (every rule's sample
// from samples.test-support.ts), spread over application paths and library trees (site-packages,
// /usr/share/nodejs, /usr/lib/ruby, node_modules), where generic rules are stricter but specific
// formats must still be found.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scan } from "../../src/index.js";
import { secretRules } from "../../src/secrets/index.js";
import { samples } from "../../src/secrets/samples.test-support.js";
import { buildImage, writeOciLayout, type EntrySpec } from "../support/image-builder.js";

const work = mkdtempSync(join(tmpdir(), "bw-recall-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SPECIFIC_DIRS = [
  (n: string) => `app/config/${n}.txt`,
  (n: string) => `usr/lib/python3.11/site-packages/acme/${n}.py`,
  (n: string) => `usr/share/nodejs/acme/lib/${n}.js`,
  (n: string) => `usr/lib/ruby/3.1.0/acme/${n}.rb`,
  (n: string) => `app/node_modules/acme/lib/${n}.js`,
  (n: string) => `root/${n}.sh`,
];

describe("planted credentials in an image", () => {
  it("every rule's sample is found in its file, also inside library trees", async () => {
    const all = samples();
    const entries: EntrySpec[] = [];
    const expected = new Map<string, string>(); // path -> rule id
    secretRules.forEach((rule, i) => {
      const s = all[rule.id]!;
      const name = rule.id.toLowerCase().replace(/^bw-secret-/, "");
      let path: string;
      if (s.path) path = s.path.replace(/^\/+/, "");
      else if (rule.generic) path = `app/config/${name}.env`; // bare values are literals in env files
      else path = SPECIFIC_DIRS[i % SPECIFIC_DIRS.length]!(name);
      if (expected.has("/" + path)) path = `srv/${name}/${path}`; // two rules' samples for .npmrc
      entries.push({ path, content: s.text });
      expected.set("/" + path, rule.id);
    });
    const dir = join(work, "planted");
    writeOciLayout(dir, [await buildImage({ layers: [{ createdBy: "COPY . /", entries }] })]);
    const r = await scan(`oci:${dir}`, { noCache: true, scanners: ["package", "secret"] });
    const found = new Map<string, Set<string>>();
    for (const f of r.secrets) found.set(f.path, (found.get(f.path) ?? new Set()).add(f.ruleId));
    const missed = [...expected].filter(([path, id]) => !found.get(path)?.has(id)).map(([path, id]) => `${id} in ${path}`);
    console.log(`planted image: ${expected.size - missed.length} of ${expected.size} planted files found by their rule`);
    expect(missed).toEqual([]);
    // Nothing but the planted files.
    expect([...found.keys()].filter((p) => !expected.has(p))).toEqual([]);
  });
});
