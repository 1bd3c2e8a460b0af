// The fast reader must give exactly what yaml gives (value and the line of every key and item)
// or give up. Checked on every YAML document of real corpora (this repository's fixtures, among
// them the upstream ones in test/fixtures, and the YAML files shipped in node_modules), on
// mutations of them, and on cases chosen for the rules the reader relies on.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseAllDocuments, type Document } from "yaml";
import { describe, expect, it } from "vitest";
import { PosNode, readDocument, resolvePlain, splitDocuments } from "./fast.js";
import { plainValue } from "./plain.js";
import { lineAt } from "./positions.js";
import type { PathStep } from "./positions.js";

const OPTIONS = { prettyErrors: false, uniqueKeys: false } as const;
const ROOT = new URL("../../../", import.meta.url).pathname;

function yamlFiles(dir: string, out: string[] = [], pattern = /\.ya?ml$/): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yamlFiles(p, out, pattern);
    else if (pattern.test(n) && st.size < 2_000_000) out.push(p);
  }
  return out;
}

/** Every path to a key or item in a plain value. */
function paths(value: unknown, prefix: PathStep[] = [], out: PathStep[][] = []): PathStep[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function yamlValue(doc: Document): unknown {
  return (plainValue(doc) ?? { value: doc.toJS({ maxAliasCount: 100 }) }).value;
}

interface Tally {
  fast: number;
  yaml: number;
}

/**
 * Compares the fast reader with yaml on every document of `text`. Returns how many documents
 * each read; throws (through expect) on any difference.
 */
function compare(text: string, label: string): Tally {
  try {
    return compareDocuments(text, label);
  } catch (e) {
    // The whole input, to replay a failure by hand.
    if (process.env.FAST_DEBUG) writeFileSync(process.env.FAST_DEBUG, text);
    throw e;
  }
}

function compareDocuments(text: string, label: string): Tally {
  const tally = { fast: 0, yaml: 0 };
  const split = splitDocuments(text);
  if (!split) return tally;
  const { lines, chunks } = split;
  for (const chunk of chunks) {
    const source = lines.slice(chunk.from, chunk.to).join("\n");
    const fast = readDocument(lines, chunk);
    if (!fast) {
      tally.yaml++;
      continue;
    }
    tally.fast++;
    const lc = new LineCounter();
    const docs = parseAllDocuments(source, { ...OPTIONS, lineCounter: lc });
    const where = `${label} lines ${chunk.from + 1}-${chunk.to}`;
    if (fast.pos === null) {
      // An empty document: yaml gives none, or one with nothing in it.
      expect(docs.length, where).toBeLessThanOrEqual(1);
      if (docs.length === 1) expect(yamlValue(docs[0]!), where).toBeNull();
      continue;
    }
    expect(docs.length, where).toBe(1);
    const doc = docs[0]!;
    expect(
      doc.errors.map((e) => e.message),
      where,
    ).toEqual([]);
    const value = yamlValue(doc);
    expect(fast.value, where).toStrictEqual(value);
    for (const p of paths(value)) {
      const want = lineAt(doc.contents, p, lc);
      const got = lineAt(fast.pos, p, undefined);
      expect(got, `${where} at ${JSON.stringify(p)}`).toBe(want === undefined ? undefined : want + chunk.from);
    }
  }
  return tally;
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = [":", " ", "- ", "#", " #", "'", '"', "|", "|-", ">", "[", "]", "{", "}", ",", "&a ", "*a", "!", "?", "%", "@", "\t", "\n", "\n  ", "---\n", "...\n", "\\", "~", "null", "0x1F", "1e3", ".inf", "__proto__", "<<"];

/** `text` with one to three random edits. */
function mutate(text: string, next: () => number): string {
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) text = edit(text, next);
  return text;
}

function edit(text: string, next: () => number): string {
  const pick = (n: number): number => Math.floor(next() * n);
  const lines = text.split("\n");
  const l = pick(lines.length);
  const line = lines[l]!;
  const at = pick(line.length + 1);
  switch (pick(5)) {
    case 0:
      lines[l] = line.slice(0, at) + INSERTS[pick(INSERTS.length)]! + line.slice(at);
      break;
    case 1:
      lines[l] = line.slice(0, at) + line.slice(at + 1 + pick(3));
      break;
    case 2:
      lines[l] = " ".repeat(1 + pick(3)) + line;
      break;
    case 3:
      lines[l] = line.replace(/^ {1,2}/, "");
      break;
    default:
      lines.splice(l, 0, line);
  }
  return lines.join("\n");
}

function corpus(): { name: string; text: string }[] {
  // test/ includes test/fixtures: Trivy's Kubernetes and Dockerfile check examples, and Syft's
  // YAML fixtures, copied so that this corpus reaches every line of the reader that the larger
  // corpus it replaced did (see test/fixtures/syft-catalogers/SOURCE.txt).
  const files = [...yamlFiles(join(ROOT, "src")), ...yamlFiles(join(ROOT, "test")), ...yamlFiles(join(ROOT, "node_modules"))];
  // JSON is YAML too (`kubectl get -o json`): a sample of the thousands of JSON files at hand.
  const json = [...yamlFiles(join(ROOT, "test/fixtures"), [], /\.json$/), ...yamlFiles(join(ROOT, "schemas"), [], /\.json$/), ...yamlFiles(join(ROOT, "node_modules"), [], /\.json$/)].sort();
  const step = Math.max(1, Math.floor(json.length / 300));
  const sample = json.filter((f, i) => i % step === 0 && statSync(f).size < 100_000);
  const out = [...files, ...sample].map((f) => ({ name: f, text: readFileSync(f, "utf8") }));
  // Trivy's check files hold their examples as block scalars: the manifests themselves too.
  for (const f of files.filter((x) => x.includes("trivy-checks"))) {
    for (const doc of parseAllDocuments(readFileSync(f, "utf8"), OPTIONS)) {
      JSON.stringify(doc.toJS(), (_k, v: unknown) => {
        if (typeof v === "string" && v.includes("\n") && /apiVersion|FROM/.test(v)) out.push({ name: `${f} (example)`, text: v });
        return v;
      });
    }
  }
  // A kubectl-style List of every example manifest, indented with spaces and with tabs.
  const items: unknown[] = [];
  for (const o of out.filter((x) => x.name.endsWith("(example)"))) {
    for (const doc of parseAllDocuments(o.text, OPTIONS)) if (doc.errors.length === 0) items.push(doc.toJS());
  }
  const list = { apiVersion: "v1", kind: "List", items };
  out.push({ name: "List (spaces)", text: JSON.stringify(list, null, 2) }, { name: "List (tabs)", text: JSON.stringify(list, null, "\t") });
  return out;
}

describe("fast YAML reader", () => {
  const docs = corpus();

  it("reads real documents exactly as yaml does, or gives up", () => {
    let fast = 0;
    let slow = 0;
    for (const { name, text } of docs) {
      const t = compare(text, name);
      fast += t.fast;
      slow += t.yaml;
    }
    if (process.env.FAST_DEBUG) console.log("documents read fast:", fast, "by yaml:", slow);
    // Most real manifests are in the subset; if this drops, the reader stopped reading them.
    if (docs.length > 100) expect(fast).toBeGreaterThan(slow);
  });

  it("never disagrees with yaml on mutated documents", () => {
    const next = random(20261128);
    let accepted = 0;
    for (const { name, text } of docs) {
      if (text.length > 20_000) continue;
      // 30 per document: about 5,900 accepted mutants, as many as 20 per document gave on the
      // larger corpus this one replaced (upstream data once read from outside the repository).
      for (let i = 0; i < Number(process.env.FAST_MUTANTS ?? 30); i++) {
        const m = mutate(text, next);
        accepted += compare(m, `${name} (mutant ${i})`).fast;
      }
    }
    if (process.env.FAST_DEBUG) console.log("mutants read fast:", accepted);
    if (docs.length > 100) expect(accepted).toBeGreaterThan(100);
  });

  it("reads the constructs manifests use", () => {
    const cases = [
      "a: 1\nb: two\nc: 'it''s'\nd: \"tab\\there \\u00e9\"\n",
      "spec:\n  containers:\n  - name: web\n    args:\n      - --port=8080\n      - -v\n    ports: [{ containerPort: 80 }, {name: x, port: 1}]\n",
      "data:\n  script: |\n    #!/bin/sh\n\n    echo hi # not a comment\n  other: |-\n    x\n\n# comment\nkind: ConfigMap\n",
      "k: v # comment\n# between\n\nn: ~\nt: True\nf: FALSE\no: 0o17\nh: 0x1F\ne: 1e3\nfl: 1.50\ninf: -.inf\nnan: .NaN\nplus: +12\n",
      "---\na: 1\n--- # second\nb: [1, 2, [3]]\n---\n\n",
      "  indented:\n    root: 1\n",
      "\"quoted key\": 1\n'single': 2\n80: http\n1.0: one\n",
      "l:\n- a\n-   b: 1\n    c: 2\n-\n  d: 3\n",
      "empty: {}\nnone: []\nurl: http://example.com:8080/x\n",
    ];
    for (const text of cases) {
      const split = splitDocuments(text)!;
      for (const chunk of split.chunks) expect(readDocument(split.lines, chunk), JSON.stringify(text)).toBeDefined();
      compare(text, JSON.stringify(text));
    }
  });

  it("gives up on what it does not read", () => {
    const cases = [
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "? complex\n: key\n",
      "a: >\n  folded\n",
      "a: |+\n  keep\n\n",
      "a: |2\n   x\n",
      "a: plain\n  continued\n",
      'a: "multi\n  line"\n',
      "a: 1\na: 2\n",
      "<<: {b: 1}\n",
      "__proto__: 1\n",
      "a:\n\t- tab\n",
      "a: b: c\n",
      "a: [1,\n  2]\n",
      "- - nested\n",
      "- a\n-\n- b\n",
      "x: [a, ]\n",
      "x: {a}\n",
      "x: |\n  no final newline",
    ];
    for (const text of cases) {
      const split = splitDocuments(text)!;
      expect(
        split.chunks.some((c) => readDocument(split.lines, c) === undefined),
        JSON.stringify(text),
      ).toBe(true);
    }
    for (const text of ["%YAML 1.2\n---\na: 1\n", "a: 1\n...\n", "a: 1\r\n", "\ufeffa: 1\n"]) expect(splitDocuments(text)).toBeUndefined();
  });

  it("resolves plain scalars as yaml's core schema does", () => {
    const scalars = ["", "~", "null", "Null", "NULL", "nULL", "true", "True", "TRUE", "tRUE", "false", "0", "-0", "+1", "007", "0o17", "0o8", "0x1f", "0X1F", "-0x1", "1.", ".5", "-.5e3", "1e3", "1E-2", ".inf", "-.Inf", "+.INF", ".nan", "-.nan", "1_000", "12345678901234567890", "0.1.2", "yes", "no", "on", "1:20"];
    for (const s of scalars) {
      const doc = parseAllDocuments(`k: ${s}\n`, OPTIONS)[0]!;
      expect(resolvePlain(s), JSON.stringify(s)).toStrictEqual((doc.toJS() as { k: unknown }).k);
    }
  });

  it("builds PosNodes that answer line lookups", () => {
    const split = splitDocuments("a:\n  b:\n    - x\n    - c: 1\n")!;
    const d = readDocument(split.lines, split.chunks[0]!)!;
    expect(d.pos).toBeInstanceOf(PosNode);
    expect(lineAt(d.pos, ["a", "b", 1, "c"], undefined)).toBe(4);
    expect(lineAt(d.pos, ["a", "b", 0], undefined)).toBe(3);
    expect(lineAt(d.pos, ["a", "missing"], undefined)).toBeUndefined();
    expect(lineAt(d.pos, [], undefined)).toBe(1);
  });
});
