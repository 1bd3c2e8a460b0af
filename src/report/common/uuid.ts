import { createHash } from "node:crypto";

// Fixed namespace for Bulwark's name-based UUIDs (generated once, never change it: doing so
// would change every serial number).
const NAMESPACE = Buffer.from("d90652358ff44f6dbfb873bb926e9beb", "hex");

/** RFC 9562 version 5 (SHA-1, name-based) UUID: the same name always gives the same UUID. */
export function uuidV5(name: string): string {
  const bytes = createHash("sha1").update(NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
