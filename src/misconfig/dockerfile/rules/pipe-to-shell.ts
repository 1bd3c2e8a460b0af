import type { Rule, RuleHit } from "../../types.js";
import type { DockerfileDoc } from "../doc.js";
import { program } from "../shell.js";
import { at, SHELLS, short } from "./util.js";

const FETCH = new Set(["curl", "wget"]);
// bash <(curl …) and sh -c "$(wget -O- …)": the fetched script runs without ever being checked.
const SUBSTITUTED = /\b(?:ba|da|z|k)?sh\b[^\n;&|]*(?:<\(\s*|\$\(\s*)(?:curl|wget)\b/;

export const pipeToShell: Rule<DockerfileDoc> = {
  id: "BW-DS-006",
  title: "Remote script piped into a shell",
  severity: "HIGH",
  remediation: "Download the script to a file, verify its checksum or signature, then run it; or install from a signed package.",
  references: { cis: "CIS Docker 4.11", urls: ["https://docs.docker.com/build/building/best-practices/"] },
  check(doc) {
    const hits: RuleHit[] = [];
    for (const run of doc.runs) {
      const cmds = run.commands;
      let found = SUBSTITUTED.test(run.text);
      for (let j = 0; j < cmds.length && !found; j++) {
        if (!cmds[j]!.piped || !SHELLS.has(program(cmds[j]!).name)) continue;
        // Walk back through the same pipeline looking for the download.
        for (let k = j - 1; k >= 0; k--) {
          if (FETCH.has(program(cmds[k]!).name)) found = true;
          if (!cmds[k]!.piped) break;
        }
      }
      if (found) hits.push(at(run.instr, `RUN pipes a downloaded script into a shell: ${short(run.instr.args)}`));
    }
    return hits;
  },
  examples: {
    good: ["FROM debian:12\nRUN curl -fsSLo install.sh https://example.com/i.sh && sha256sum -c sums && sh install.sh", "FROM debian:12\nRUN curl -s https://x | tar xz"],
    bad: [
      "FROM debian:12\nRUN curl -fsSL https://example.com/install.sh | sh",
      "FROM debian:12\nRUN wget -qO- https://example.com/i.sh | sudo -E bash -",
      "FROM debian:12\nRUN bash -c \"$(curl -fsSL https://example.com/i.sh)\"",
      "FROM debian:12\nRUN <<EOF\nset -e\ncurl -fsSL https://example.com/i.sh | bash\nEOF",
    ],
  },
};
