// Bodies kept for hard links. A hard link in a layer names an earlier entry of the same layer,
// whose body has streamed past by then; the walk keeps the most recent bodies so a link to one
// of them can be analysed too. They are copied into one reused ring buffer rather than into a
// fresh buffer each: under secret scanning every text file of an image passes through here, and
// a buffer per file was tens of megabytes of garbage waiting for the collector.

interface Slot {
  start: number;
  length: number;
  /** Lap of the ring the body was written in. */
  lap: number;
}

export class CaptureRing {
  private ring: Buffer | undefined;
  private head = 0;
  private lap = 0;
  /** Path -> where its body is, oldest first (Map order). */
  private slots = new Map<string, Slot>();

  constructor(readonly capacity: number) {}

  /** Keeps a copy of `body` for `path` (bodies over half the capacity are not kept). */
  put(path: string, body: Uint8Array): void {
    this.slots.delete(path);
    if (body.length > this.capacity / 2) return;
    this.ring ??= Buffer.allocUnsafeSlow(this.capacity);
    if (this.head + body.length > this.capacity) {
      this.head = 0;
      this.lap++;
    }
    this.ring.set(body, this.head);
    this.slots.set(path, { start: this.head, length: body.length, lap: this.lap });
    this.head += body.length;
    // Forget what was overwritten (the oldest first).
    for (const [p, slot] of this.slots) {
      if (this.valid(slot)) break;
      this.slots.delete(p);
    }
  }

  /**
   * The body kept for `path`, or undefined: a view into the ring, valid until the next `put`
   * (copy it to keep it).
   */
  get(path: string): Buffer | undefined {
    const slot = this.slots.get(path);
    if (!slot || !this.valid(slot)) return undefined;
    return this.ring!.subarray(slot.start, slot.start + slot.length);
  }

  /**
   * Not overwritten yet: written in this lap, or in the previous one beyond what this lap has
   * written. Anything older is treated as gone (it may still be intact past an early wrap; it
   * is only ever "gone" too early, never read after being overwritten).
   */
  private valid(slot: Slot): boolean {
    if (slot.lap === this.lap) return true;
    return slot.lap === this.lap - 1 && slot.start >= this.head;
  }
}
