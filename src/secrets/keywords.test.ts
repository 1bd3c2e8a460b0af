// The keyword automaton against the obvious reference (a case-insensitive regex alternation):
// the lines a scan visits must be exactly the lines that hold a keyword.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KeywordIndex } from "./keywords.js";
import { secretRules } from "./rules/index.js";

const keywords = [...new Set(secretRules.flatMap((r) => r.keywords))];
const index = new KeywordIndex(keywords);
const reference = new RegExp(keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "i");

/** Line numbers the scan's loop visits: next keyword, its line, continue after the line. */
function visited(text: string): number[] {
  const out: number[] = [];
  for (let at = index.next(text, 0); at >= 0; ) {
    const start = text.lastIndexOf("\n", at) + 1;
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    out.push(text.slice(0, start).split("\n").length);
    at = index.next(text, end + 1);
  }
  return out;
}

const expected = (text: string): number[] => text.split("\n").flatMap((l, i) => (reference.test(l) ? [i + 1] : []));

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

describe("keyword automaton", () => {
  it("visits exactly the lines holding a keyword, in real files", () => {
    const corpus = [...files(new URL("./testdata", import.meta.url).pathname), ...files(new URL("../misconfig", import.meta.url).pathname).filter((f) => f.endsWith(".ts"))];
    let lines = 0;
    for (const f of corpus) {
      const text = readFileSync(f, "utf8");
      expect(visited(text), f).toEqual(expected(text));
      lines += expected(text).length;
    }
    expect(lines).toBeGreaterThan(100);
  });

  it("matches keywords in any ASCII case, overlapping and at the edges", () => {
    for (const k of keywords) {
      const mixed = [...k].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join("");
      for (const text of [k, `x${mixed}`, `${k.slice(0, -1)}\n${k}`, `\u00e9\u4e2d${mixed}!`]) expect(visited(text), JSON.stringify(text)).toEqual(expected(text));
    }
    // Random mixtures of keyword pieces: prefixes and suffixes that almost match.
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let t = 0; t < 2000; t++) {
      let text = "";
      while (text.length < 80) {
        const k = keywords[rnd(keywords.length)]!;
        text += rnd(3) === 0 ? k.slice(0, 1 + rnd(k.length)) : rnd(2) ? k.toUpperCase() : k;
        text += ["", " ", "\n", "_", "\u00fc"][rnd(5)]!;
      }
      expect(visited(text), JSON.stringify(text)).toEqual(expected(text));
      expect(index.nextIn(Buffer.from(text, "utf8"), 0) >= 0, JSON.stringify(text)).toBe(expected(text).length > 0);
    }
  });

  it("nextIn() on UTF-8 bytes finds the keyword next() finds in the text, multi-byte characters included", () => {
    const corpus = files(new URL("./testdata", import.meta.url).pathname).flatMap((f) => readFileSync(f, "utf8").split("\n"));
    for (const k of keywords) corpus.push(k, `\u00e9${k.toUpperCase()}\u4e2d${k}`, `${k.slice(0, 1)}\u00e9${k.slice(1)}`, `\u{1f600}${k.slice(0, -1)}\u{1f600}`);
    let yes = 0;
    for (const line of corpus) {
      const bytes = Buffer.from(line, "utf8");
      // Every hit on the line, in order, as UTF-16 offsets.
      const inText: number[] = [];
      for (let at = index.next(line, 0); at >= 0; at = index.next(line, at + 1)) inText.push(at);
      const inBytes: number[] = [];
      for (let at = index.nextIn(bytes, 0); at >= 0; at = index.nextIn(bytes, at + 1)) inBytes.push(bytes.subarray(0, at).toString("utf8").length);
      expect(inBytes, JSON.stringify(line)).toEqual(inText);
      if (inText.length) yes++;
    }
    expect(yes).toBeGreaterThan(keywords.length);
    expect(yes).toBeLessThan(corpus.length);
  });

  it("present() and collect() name exactly the keywords a line holds, overlapping ones included", () => {
    const escaped = new Map(keywords.map((k) => [k, new RegExp(k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i")]));
    const reference = (line: string): string[] => keywords.filter((k) => escaped.get(k)!.test(line)).sort();
    const corpus = files(new URL("./testdata", import.meta.url).pathname).flatMap((f) => readFileSync(f, "utf8").split("\n"));
    let seed = 11;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let t = 0; t < 2000; t++) {
      let line = "";
      while (line.length < 60) {
        const k = keywords[rnd(keywords.length)]!;
        line += rnd(3) === 0 ? k.slice(rnd(k.length)) : rnd(2) ? k.toUpperCase() : k;
        line += ["", " ", "-", "\u00fc", "x"][rnd(5)]!;
      }
      corpus.push(line);
    }
    // collect() (what the scanner uses): each keyword's payload, here its number, once and in order.
    const unique = [...new Set(keywords)];
    const numbers = new Map(unique.map((k, i) => [k, i]));
    const withNumbers = new KeywordIndex(unique).withPayloads((k) => [numbers.get(k)!]);
    const seen = new Uint8Array(unique.length);
    let hits = 0;
    for (const line of corpus) {
      const got = [...index.present(line)].sort();
      expect(got, JSON.stringify(line)).toEqual(reference(line));
      const out: number[] = [];
      withNumbers.collect(line, seen, out);
      expect(out, JSON.stringify(line)).toEqual([...new Set(reference(line).map((k) => numbers.get(k)!))].sort((a, b) => a - b));
      expect(seen.every((v) => v === 0)).toBe(true);
      hits += got.length;
    }
    expect(hits).toBeGreaterThan(1000);
  });
});
