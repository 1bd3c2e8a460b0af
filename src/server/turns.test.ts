import { describe, expect, it } from "vitest";
import { inTurn, waitTurn } from "./turns.js";

describe("inTurn", () => {
  it("starts work one per event-loop turn, in the order asked, and lets I/O callbacks in between", async () => {
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(name);
      return name;
    };
    const all = Promise.all([inTurn(work("a")), inTurn(work("b")), inTurn(work("c"))]);
    // Nothing started synchronously.
    expect(log).toEqual([]);
    // A macrotask queued after the first start runs before the last one (one start per turn).
    setImmediate(() => log.push("other"));
    expect(await all).toEqual(["a", "b", "c"]);
    expect(log.indexOf("a")).toBe(0);
    expect(log.indexOf("other")).toBeGreaterThan(0);
    expect(log.indexOf("other")).toBeLessThan(log.indexOf("c"));
  });

  it("passes errors on, thrown or rejected, and keeps going", async () => {
    await expect(inTurn(async () => Promise.reject(new Error("rejected")))).rejects.toThrow("rejected");
    await expect(
      inTurn((() => {
        throw new Error("thrown");
      }) as () => Promise<void>),
    ).rejects.toThrow("thrown");
    await waitTurn();
    expect(await inTurn(async () => 7)).toBe(7);
  });
});
