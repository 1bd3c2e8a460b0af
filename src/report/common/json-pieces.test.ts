import { describe, expect, it } from "vitest";
import { jsonPieces } from "./json-pieces.js";

const whole = (v: unknown): string => JSON.stringify(v, null, 2);

describe("jsonPieces", () => {
  const long = Array.from({ length: 1234 }, (_, i) => ({ id: i, text: `t${i} "q" \u2028 …`, nested: { list: [i, null, { deep: [true] }] }, gone: undefined }));
  const cases: [string, unknown][] = [
    ["scalars", [1, "a", null, true, 1.5e300]],
    ["empty containers", { a: {}, b: [], c: { d: {} } }],
    ["undefined and functions are dropped like JSON.stringify does", { a: undefined, b: () => 1, c: 1, d: [undefined, () => 1] }],
    ["a long array at the top", long],
    ["long arrays nested in objects (SARIF's runs[0].results)", { version: "2.1.0", runs: [{ tool: { name: "x" }, results: long }], tail: { results: long.slice(0, 600) } }],
    ["dates and toJSON", { when: new Date(0), custom: { toJSON: () => "x" } }],
    ["deep objects", { a: { b: { c: { d: { e: { f: long.slice(0, 700) } } } } } }],
  ];
  for (const [name, value] of cases) {
    it(`joins to exactly JSON.stringify(value, null, 2): ${name}`, () => {
      expect([...jsonPieces(value)].join("")).toBe(whole(value));
    });
  }
  it("splits long arrays so no piece holds them whole", () => {
    const pieces = [...jsonPieces({ runs: [{ results: long }] })];
    expect(pieces.length).toBeGreaterThan(3);
    // At most one batch of 500 elements per piece.
    expect(Math.max(...pieces.map((p) => p.split('"id":').length - 1))).toBe(500);
  });
});
