// EXPOSE argument parsing shared by the port rules.
import type { DfInstruction } from "../doc.js";

export interface ExposedPort {
  text: string;
  from: number;
  to: number;
}

/** Ports of an EXPOSE: 80, 80/tcp, 8000-8010/udp. Variables are skipped. */
export function exposedPorts(instr: DfInstruction): ExposedPort[] {
  const out: ExposedPort[] = [];
  for (const w of instr.words) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(?:tcp|udp|sctp))?$/i.exec(w);
    if (!m) continue;
    const from = Number(m[1]);
    out.push({ text: w, from, to: m[2] === undefined ? from : Number(m[2]) });
  }
  return out;
}
