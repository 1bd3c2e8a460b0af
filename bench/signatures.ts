// Signature verification per image (issue 12: target < 20 ms warm, key-based): a real
// docker-registry on loopback, images signed in cosign's .sig layout, then verifyImageSignatures
// timed per image (resolve the digest, read the .sig manifest and payload, check the referrers
// fallback tag, verify the ECDSA signature). "warm" = after one untimed round in this process.
import { generateKeyPairSync } from "node:crypto";
import { RegistryClient } from "../src/image/registry/client.js";
import { pushImage } from "../src/image/registry/push.js";
import { signImage, verifyImageSignatures } from "../src/index.js";
import { buildImage } from "../test/support/image-builder.js";
import { startRegistry } from "../test/support/registry-server.js";
import { missingTool } from "../test/support/tools.js";

export async function benchSignatures(images = 20, rounds = 5): Promise<void> {
  const missing = missingTool("signature bench", ["docker-registry"]);
  if (missing) {
    console.log(missing);
    return;
  }
  const reg = await startRegistry();
  try {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const refs: string[] = [];
    for (let i = 0; i < images; i++) {
      const img = await buildImage({ layers: [{ entries: [{ path: `etc/image-${i}`, content: `image ${i}` }] }] }, "oci");
      const ref = `${reg.host}/bench/app:${i}`;
      await pushImage(ref, img);
      await signImage(ref, privateKey);
      refs.push(ref);
    }
    // One client for the run, as a registry scan or the CLI verifying many images would keep:
    // its connections stay open. "fresh" opens a new client (and connection) per image.
    const client = new RegistryClient(reg.host);
    const time = async (sources?: ("tag" | "referrers")[], fresh = false): Promise<number[]> => {
      const ms: number[] = [];
      for (const ref of refs) {
        const t0 = performance.now();
        const r = await verifyImageSignatures(ref, { keys: [publicKey] }, { ...(sources ? { sources } : {}), ...(fresh ? {} : { client }) });
        ms.push(performance.now() - t0);
        if (!r.verified) throw new Error(`bench: ${ref} did not verify: ${r.reason}`);
      }
      return ms;
    };
    await time(); // warm-up round, not counted
    const all: number[] = [];
    const tagOnly: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < rounds; i++) {
      all.push(...(await time()));
      tagOnly.push(...(await time(["tag"])));
      fresh.push(...(await time(undefined, true)));
    }
    client.close();
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return `median ${s[Math.floor(s.length / 2)]!.toFixed(2)} ms, p95 ${s[Math.floor(s.length * 0.95)]!.toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms (${s.length} verifications)`;
    };
    console.log(`signature verification per image, warm, key-based (ECDSA P-256), ${images} signed images on a loopback docker-registry:`);
    console.log(`  .sig tag + referrers fallback: ${stats(all)}  (target < 20 ms)`);
    console.log(`  .sig tag only:                 ${stats(tagOnly)}`);
    console.log(`  both, new client per image:    ${stats(fresh)}`);
  } finally {
    await reg.stop();
  }
}
