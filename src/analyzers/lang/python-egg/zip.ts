// Read one named member of a zip archive with yauzl, capped in entries walked and bytes
// inflated, so a zip bomb or a huge central directory cannot exhaust memory or time.
import yauzl from "yauzl";

const MAX_ENTRIES = 200_000;

/** The member's content, or null when the archive has no such member. Throws on a bad archive or one over `maxBytes`. */
export function readZipMember(source: { localPath?: string; content: Buffer }, member: string, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    // Raw names: yauzl would otherwise abort the whole archive on a name such as
    // "../x"; here such entries simply never equal the member asked for.
    const opts: yauzl.Options = { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false };
    const wanted = Buffer.from(member, "utf8");
    const onOpen = (err: Error | null, zip?: yauzl.ZipFile): void => {
      if (err || !zip) return reject(new Error(`not a zip archive: ${err?.message ?? "unreadable"}`));
      let settled = false;
      const done = (e: Error | null, value: Buffer | null = null): void => {
        if (settled) return;
        settled = true;
        zip.close();
        if (e) reject(e);
        else resolve(value);
      };
      let seen = 0;
      zip.on("error", (e: Error) => done(new Error(`corrupt zip archive: ${e.message}`)));
      zip.on("end", () => done(null, null));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (settled) return;
        if (++seen > MAX_ENTRIES) return done(new Error(`zip archive has more than ${MAX_ENTRIES} entries`));
        if (!wanted.equals(entry.fileName as unknown as Buffer)) return zip.readEntry();
        if (entry.uncompressedSize > maxBytes) return done(new Error(`${member} is larger than ${maxBytes} bytes`));
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return done(new Error(`cannot read ${member}: ${e?.message ?? "no stream"}`));
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on("data", (c: Buffer) => {
            size += c.length;
            // validateEntrySizes stops lies about the size, but stop early regardless
            if (size > maxBytes) {
              stream.destroy();
              done(new Error(`${member} is larger than ${maxBytes} bytes`));
            } else chunks.push(c);
          });
          stream.on("error", (se: Error) => done(new Error(`cannot read ${member}: ${se.message}`)));
          stream.on("end", () => done(null, Buffer.concat(chunks)));
        });
      });
      zip.readEntry();
    };
    if (source.localPath) yauzl.open(source.localPath, opts, onOpen);
    else yauzl.fromBuffer(source.content, opts, onOpen);
  });
}
