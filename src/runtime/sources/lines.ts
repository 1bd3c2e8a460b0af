// Splits a text stream into lines with a cap on line length: a line longer than the cap is
// dropped (counted), never buffered without bound.
export class LineSplitter {
  private buf = "";
  private skipping = false;

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: string) => void,
    private readonly onTooLong: () => void = () => {},
  ) {}

  push(chunk: string): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl < 0) break;
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.buf = "";
        continue;
      }
      const line = this.buf ? this.buf + piece : piece;
      this.buf = "";
      if (line.length > this.maxLine) this.onTooLong();
      else this.onLine(line);
    }
    if (start < chunk.length && !this.skipping) {
      this.buf += chunk.slice(start);
      if (this.buf.length > this.maxLine) {
        this.buf = "";
        this.skipping = true;
        this.onTooLong();
      }
    }
  }

  /** Flushes an unterminated last line. */
  end(): void {
    if (this.buf && !this.skipping) this.onLine(this.buf);
    this.buf = "";
    this.skipping = false;
  }
}
