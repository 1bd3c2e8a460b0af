// Which files are worth reading for secrets: text files outside documentation and test data.

/** Files above this size are skipped: secrets live in configs and scripts, not in big blobs. */
export const SECRET_MAX_FILE = 1024 * 1024;

const BINARY_EXT = new Set(
  (
    "png jpg jpeg gif bmp ico webp tif tiff psd svgz mp3 mp4 m4a ogg wav flac avi mov mkv webm " +
    "zip gz tgz bz2 xz zst lz4 7z rar tar jar war ear whl egg deb rpm apk iso img dmg " +
    "so a o obj dll exe bin class pyc pyo pyd wasm node dylib lib " +
    "ttf otf woff woff2 eot pdf doc docx xls xlsx ppt pptx odt " +
    "db sqlite sqlite3 mo gmo pack idx dat pak cache jks p12 pfx der cer crt keystore"
  ).split(" "),
);

// Documentation, translations and test data: full of sample credentials, never live ones.
const SKIP_DIRS: RegExp[] = [
  /(?:^|\/)usr\/share\/(?:doc|man|locale|info|i18n)\//,
  /(?:^|\/)testdata\//,
  /(?:^|\/)tests?\/fixtures\//,
  /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+\/(?:tests?|__tests__|spec)\//,
  /(?:^|\/)(?:go\/pkg\/mod|usr\/lib\/go[^/]*\/src)\/.*_test\.go$/,
];

/** Path as used for matching: forward slashes, no leading slash or "./". */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^(?:\.\/|\/)+/, "");
}

/**
 * True when the path is outside the skip list and the head of the file looks like text.
 * Lockfiles are scanned (a resolved URL can carry a token); their integrity fields are
 * allow-listed by the rules instead.
 */
export function isScannableText(path: string, head: Buffer): boolean {
  const p = normalizePath(path);
  if (SKIP_DIRS.some((re) => re.test(p))) return false;
  const base = p.slice(p.lastIndexOf("/") + 1).toLowerCase();
  const dot = base.lastIndexOf(".");
  if (dot > 0 && BINARY_EXT.has(base.slice(dot + 1))) return false;
  // Versioned shared libraries (libssl.so.3, libc.so.6.1): binaries whose last "extension" is a number.
  if (SHARED_LIBRARY.test(base)) return false;
  return looksLikeText(head);
}

const SHARED_LIBRARY = /\.so(?:\.\d+)+$/;

/** True when the first 8 KiB of a body hold no NUL byte (memchr, not a loop over the bytes). */
export function looksLikeText(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 8192)).indexOf(0) < 0;
}
