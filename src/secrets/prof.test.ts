import { test } from "vitest";
import { scanText } from "./index.js";
test("prof", () => {
  const block = ["import { readFile } from 'node:fs/promises';","export async function load(path: string): Promise<Config> {","  return JSON.parse(await readFile(path, 'utf8')) as Config;","}","server:","  port: 8080","2024-01-01T00:00:00Z INFO request completed status=200 duration=12ms path=/api/v1/users"].join("\n")+"\n";
  const text = block.repeat(Math.ceil((50 * 1024 * 1024) / block.length));
  let t0 = performance.now();
  scanText(text, "x");
  console.log("no-keyword text", performance.now() - t0);
  t0 = performance.now();
  const lower = text.toLowerCase();
  console.log("lower", performance.now() - t0);
  t0 = performance.now();
  let n = 0; for (let i = lower.indexOf("\n"); i >= 0; i = lower.indexOf("\n", i + 1)) n++;
  console.log("newlines", performance.now() - t0, n);
});
