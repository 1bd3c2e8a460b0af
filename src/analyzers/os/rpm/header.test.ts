import { describe, expect, it } from "vitest";
import { Header, HeaderError, TAG, readPackageHeader } from "./header.js";
import { buildHeader, fixtureHeaderBlobs, type HeaderValue } from "./test-support/helpers.js";

const basic: HeaderValue[] = [
  { tag: TAG.NAME, type: "string", value: "openssl-libs" },
  { tag: TAG.VERSION, type: "string", value: "1.1.1k" },
  { tag: TAG.RELEASE, type: "string", value: "6.el8" },
  { tag: TAG.EPOCH, type: "int32", values: [1] },
  { tag: TAG.SUMMARY, type: "i18n", values: ["Crypto library", "Kryptobibliothek"] },
  { tag: TAG.SIZE, type: "int32", values: [3_000_000] },
  { tag: TAG.VENDOR, type: "string", value: "Red Hat, Inc." },
  { tag: TAG.LICENSE, type: "string", value: "OpenSSL and ASL 2.0" },
  { tag: TAG.ARCH, type: "string", value: "x86_64" },
  { tag: TAG.SOURCERPM, type: "string", value: "openssl-1.1.1k-6.el8.src.rpm" },
  { tag: TAG.DIRINDEXES, type: "int32", values: [0, 1, 1] },
  { tag: TAG.BASENAMES, type: "strings", values: ["libcrypto.so.1.1", "openssl.cnf", "certs"] },
  { tag: TAG.DIRNAMES, type: "strings", values: ["/usr/lib64/", "/etc/pki/tls/"] },
  { tag: TAG.MODULARITYLABEL, type: "string", value: "openssl:1.1:8040020210101:abc" },
];

describe("header blob parser", () => {
  it("reads every field the analyzer needs", () => {
    const info = readPackageHeader(buildHeader(basic, { region: true }));
    expect(info).toEqual({
      name: "openssl-libs",
      version: "1.1.1k",
      release: "6.el8",
      epoch: 1,
      arch: "x86_64",
      sourceRpm: "openssl-1.1.1k-6.el8.src.rpm",
      license: "OpenSSL and ASL 2.0",
      vendor: "Red Hat, Inc.",
      summary: "Crypto library", // first (untranslated) I18N value
      size: "3000000",
      modularityLabel: "openssl:1.1:8040020210101:abc",
      files: ["/usr/lib64/libcrypto.so.1.1", "/etc/pki/tls/openssl.cnf", "/etc/pki/tls/certs"],
    });
  });

  it("parses headers without a region (legacy) the same way", () => {
    expect(readPackageHeader(buildHeader(basic))).toEqual(readPackageHeader(buildHeader(basic, { region: true })));
  });

  it("lets install-time entries after the region replace region entries", () => {
    const blob = buildHeader(basic, {
      region: true,
      dribble: [{ tag: TAG.VENDOR, type: "string", value: "Overridden" }],
    });
    expect(readPackageHeader(blob).vendor).toBe("Overridden");
  });

  it("accepts the 8-byte header magic that .rpm files put in front", () => {
    const blob = buildHeader(basic);
    const withMagic = Buffer.concat([Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]), blob]);
    expect(readPackageHeader(withMagic).name).toBe("openssl-libs");
  });

  it("leaves epoch unset when the EPOCH tag is absent, and keeps an explicit 0", () => {
    const noEpoch = basic.filter((v) => v.tag !== TAG.EPOCH);
    expect(readPackageHeader(buildHeader(noEpoch)).epoch).toBeUndefined();
    const zero = noEpoch.concat([{ tag: TAG.EPOCH, type: "int32", values: [0] }]);
    expect(readPackageHeader(buildHeader(zero)).epoch).toBe(0);
  });

  it("falls back to LONGSIZE and to OLDFILENAMES", () => {
    const v = basic.filter((x) => ![TAG.SIZE, TAG.BASENAMES, TAG.DIRNAMES, TAG.DIRINDEXES].includes(x.tag as never));
    v.push({ tag: TAG.LONGSIZE, type: "int64", values: [5_000_000_000n] });
    v.push({ tag: TAG.OLDFILENAMES, type: "strings", values: ["/bin/a", "/bin/b"] });
    const info = readPackageHeader(buildHeader(v));
    expect(info.size).toBe("5000000000");
    expect(info.files).toEqual(["/bin/a", "/bin/b"]);
  });

  it("rejects blobs whose counts cannot be true", () => {
    const blob = buildHeader(basic);
    const lies: [string, (b: Buffer) => void][] = [
      ["billions of index entries", (b) => b.writeUInt32BE(0xffffffff, 0)],
      ["no index entries", (b) => b.writeUInt32BE(0, 0)],
      ["a huge data length", (b) => b.writeUInt32BE(0xfffffff0, 4)],
      ["more data than the blob has", (b) => b.writeUInt32BE(b.readUInt32BE(4) + 1, 4)],
    ];
    for (const [, mutate] of lies) {
      const b = Buffer.from(blob);
      mutate(b);
      expect(() => readPackageHeader(b)).toThrow(HeaderError);
    }
    expect(() => readPackageHeader(Buffer.alloc(3))).toThrow(HeaderError);
    expect(() => readPackageHeader(blob.subarray(0, blob.length - 1))).toThrow(/truncated/);
  });

  it("bounds-checks entries: offsets outside the data, string counts past the end, wrong types", () => {
    const bad = (v: HeaderValue) => basic.filter((x) => x.tag !== v.tag).concat([v]);
    // NAME pointing far outside the data store
    expect(() =>
      readPackageHeader(buildHeader(bad({ tag: TAG.NAME, type: "raw", rawType: 6, offset: 1 << 30, count: 1 }))),
    ).toThrow(/outside/);
    expect(() =>
      readPackageHeader(buildHeader(bad({ tag: TAG.NAME, type: "raw", rawType: 6, offset: -5, count: 1 }))),
    ).toThrow(/outside/);
    // NAME with the wrong type
    expect(() => readPackageHeader(buildHeader(bad({ tag: TAG.NAME, type: "int32", values: [7] })))).toThrow(
      /expected a string/,
    );
    // An EPOCH that claims a billion values still only reads one, and only if it fits
    const h = new Header(buildHeader(bad({ tag: TAG.EPOCH, type: "raw", rawType: 4, offset: 0, count: 0xfffffff })));
    expect(() => h.int32s(TAG.EPOCH)).toThrow(/overrun/);
    // A string array claiming billions of strings
    const files = buildHeader(bad({ tag: TAG.BASENAMES, type: "raw", rawType: 8, offset: 0, count: 0xffffffff }));
    const info = readPackageHeader(files);
    expect(info.files).toEqual([]);
    expect(info.fileListError).toMatch(/cannot fit/);
  });

  it("rejects a string that runs off the end of the data store", () => {
    const blob = buildHeader([
      { tag: TAG.VERSION, type: "string", value: "1" },
      { tag: TAG.RELEASE, type: "string", value: "1" },
      { tag: TAG.NAME, type: "string", value: "tail" },
    ]);
    blob[blob.length - 1] = 0x41; // NAME is last in the data: drop its NUL
    expect(() => readPackageHeader(blob)).toThrow(/unterminated/);
  });

  it("keeps the package but drops an inconsistent file list", () => {
    const v = basic.map((x): HeaderValue => (x.tag === TAG.DIRINDEXES ? { tag: x.tag, type: "int32", values: [0, 5, 1] } : x));
    const info = readPackageHeader(buildHeader(v));
    expect(info.name).toBe("openssl-libs");
    expect(info.files).toEqual([]);
    expect(info.fileListError).toMatch(/DIRINDEXES\[1\] = 5/);
  });

  it("requires NAME, VERSION and RELEASE, and drops damaged optional fields", () => {
    expect(() => readPackageHeader(buildHeader(basic.filter((x) => x.tag !== TAG.NAME)))).toThrow(/missing NAME/);
    expect(() => readPackageHeader(buildHeader(basic.filter((x) => x.tag !== TAG.RELEASE)))).toThrow(/RELEASE/);
    const v = basic.map((x) => (x.tag === TAG.VENDOR ? { tag: TAG.VENDOR, type: "int32" as const, values: [1] } : x));
    expect(readPackageHeader(buildHeader(v)).vendor).toBeUndefined();
  });

  it("parses every header rpm wrote into the SQLite fixture", () => {
    const infos = fixtureHeaderBlobs().map((r) => readPackageHeader(Buffer.from(r.blob)));
    expect(infos.map((i) => i.name).sort()).toEqual(["bash", "gpg-pubkey", "nodejs", "openssl", "openssl-libs", "tzdata"]);
    const tz = infos.find((i) => i.name === "tzdata");
    expect(tz?.epoch).toBe(0);
    expect(tz?.summary).toBe("Timezone data"); // the spec also has a German summary
  });
});
