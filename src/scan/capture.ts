// Bodies kept for hard links. A hard link in a layer names an earlier entry of the same layer,
// whose body has streamed past by then; the walk keeps the most recent bodies so a link to one
// of them can be analysed too. Two kinds of bodies:
// - Bodies the walk owns anyway (in-memory analyzers were given them): kept by reference, the
//   most recent ones up to a byte budget.
// - Bodies that only went into a worker batch (secret scanning: every text file of the image)
//   arrive as views into decompressed chunks: copied into one reused ring buffer, not into a
//   fresh buffer each, which was tens of megabytes of garbage waiting for the collector. The
//   ring is used for nothing else: copying the first kind too cost 30 MB more peak RSS on the
//   real bench image (layers are walked concurrently, each with its ring).

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
    this.forget(path);
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

  /** Drops what is kept for `path`. */
  forget(path: string): void {
    this.slots.delete(path);
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

/**
 * Both stores of one layer walk: `get` answers from whichever holds the path's latest body.
 * The ring gets an eighth of the budget: a full-size ring cost another 30 MB of peak RSS under
 * secret scanning (measured on the real bench image), for links to files that only the secret
 * scanner reads (a link itself has no size, so the secret scanner never reads it again); links
 * to such files are found next to them in practice, within the last MiB of text.
 */
export class HardLinkBodies {
  private readonly ring: CaptureRing;
  private readonly kept = new Map<string, Buffer>();
  private keptBytes = 0;

  constructor(readonly capacity: number) {
    this.ring = new CaptureRing(Math.max(1, Math.floor(capacity / 8)));
  }

  /** A body the caller owns and hands on: kept by reference. */
  keep(path: string, body: Buffer): void {
    this.ring.forget(path);
    this.drop(path);
    this.kept.set(path, body);
    this.keptBytes += body.length;
    for (const [p, b] of this.kept) {
      if (this.keptBytes <= this.capacity) break;
      this.kept.delete(p);
      this.keptBytes -= b.length;
    }
  }

  /** A body seen as a view that is not kept anywhere: copied into the ring. */
  copy(path: string, view: Uint8Array): void {
    this.drop(path);
    this.ring.put(path, view);
  }

  /** The latest body of `path` (a view into the ring is valid until the next `copy`), or undefined. */
  get(path: string): Buffer | undefined {
    return this.kept.get(path) ?? this.ring.get(path);
  }

  private drop(path: string): void {
    const b = this.kept.get(path);
    if (b) {
      this.kept.delete(path);
      this.keptBytes -= b.length;
    }
  }
}
