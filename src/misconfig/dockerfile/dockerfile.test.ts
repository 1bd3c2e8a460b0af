import { describe, expect, it } from "vitest";
import { dockerfileRules, isDockerfile, scanDockerfile } from "./index.js";
import { parseDockerfile, runText } from "./doc.js";

describe("Dockerfile rule contract", () => {
  it("has unique ids and at least 28 rules", () => {
    const ids = dockerfileRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(28);
  });

  for (const rule of dockerfileRules) {
    describe(rule.id, () => {
      it("has examples and references", () => {
        expect(rule.examples.good.length).toBeGreaterThan(0);
        expect(rule.examples.bad.length).toBeGreaterThan(0);
        const refs = rule.references;
        const count = [refs.avd, refs.hadolint, refs.cis, refs.pss, refs.nsa, refs.kubescape].filter(Boolean).length + (refs.urls?.length ?? 0);
        expect(count).toBeGreaterThan(0);
        expect(rule.remediation.length).toBeGreaterThan(0);
      });
      rule.examples.bad.forEach((text, n) => {
        it(`bad example ${n} is reported with a line`, () => {
          const hits = scanDockerfile(text, "Dockerfile").filter((f) => f.ruleId === rule.id);
          expect(hits.length).toBeGreaterThan(0);
          for (const h of hits) expect(h.line).toBeGreaterThan(0);
        });
      });
      rule.examples.good.forEach((text, n) => {
        it(`good example ${n} is not reported`, () => {
          const hits = scanDockerfile(text, "Dockerfile", { hasDockerignore: undefined }).filter((f) => f.ruleId === rule.id);
          expect(hits).toEqual([]);
        });
      });
    });
  }
});

const find = (text: string, id: string, opts?: { hasDockerignore?: boolean }) => scanDockerfile(text, "Dockerfile", opts).filter((f) => f.ruleId === id);

describe("line numbers", () => {
  const text = [
    "# syntax=docker/dockerfile:1", // 1
    "FROM debian:latest AS build", // 2
    "RUN apt-get update \\", // 3
    "  # a comment inside the continuation", // 4
    "  && apt-get install -y curl", // 5
    "RUN <<EOF", // 6
    "set -e", // 7
    "curl -fsSL https://example.com/i.sh | sh", // 8
    "EOF", // 9
    "FROM alpine:3.20", // 10
    "COPY --from=build /x /x", // 11
    "ENV API_TOKEN=abc123", // 12
    "EXPOSE 22", // 13
    "USER root", // 14
  ].join("\n");

  it("reports multi-line RUN with line and endLine", () => {
    const [h] = find(text, "BW-DS-008");
    expect(h).toMatchObject({ line: 3, endLine: 5 });
    // The apt lists of a stage only copied from never reach the final image.
    expect(find(text, "BW-DS-010")).toEqual([]);
  });
  it("reports heredoc RUN on its first line", () => {
    const [h] = find(text, "BW-DS-006");
    expect(h).toMatchObject({ line: 6, endLine: 9 });
  });
  it("reports FROM, ENV, EXPOSE and USER lines", () => {
    expect(find(text, "BW-DS-002")[0]?.line).toBe(2);
    expect(find(text, "BW-DS-019")[0]?.line).toBe(12);
    expect(find(text, "BW-DS-020")[0]?.line).toBe(13);
    expect(find(text, "BW-DS-001")[0]?.line).toBe(14);
  });
  it("never prints a secret value", () => {
    const all = JSON.stringify(scanDockerfile(text, "Dockerfile"));
    expect(all).not.toContain("abc123");
    expect(find(text, "BW-DS-019")[0]?.message).toContain("API_TOKEN=*****");
  });
  it("sorts findings by line then rule id", () => {
    const all = scanDockerfile(text, "Dockerfile");
    const keys = all.map((f) => [f.line ?? 0, f.ruleId] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    expect(keys).toEqual(sorted);
    expect(all.every((f) => f.path === "Dockerfile")).toBe(true);
  });
});

describe("heredocs and continuations", () => {
  it("inlines heredoc bodies", () => {
    expect(runText("<<EOF\napt-get update\napt-get install -y x\nEOF")).toEqual({ text: "apt-get update\napt-get install -y x", execForm: false });
    expect(runText("<<-\"EOT\" bash\n\tcurl x | sh\n\tEOT").text).toBe("bash\n\tcurl x | sh");
  });
  it("unwraps exec form and drops RUN flags", () => {
    expect(runText('["/bin/sh", "-c", "sudo ls"]')).toEqual({ text: "sudo ls", execForm: true });
    expect(runText("--mount=type=cache,target=/root/.cache pip install x").text).toBe("pip install x");
  });
  it("does not treat text after a heredoc as part of it", () => {
    const doc = parseDockerfile("FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nRUN sudo ls\n", "Dockerfile");
    expect(doc.runs.map((r) => r.text)).toEqual(["echo hi", "sudo ls"]);
    expect(find("FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nRUN sudo ls\n", "BW-DS-007")[0]?.line).toBe(5);
  });
  it("update alone: heredoc with update and install is fine, split RUNs are not", () => {
    expect(find("FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y x\nEOF", "BW-DS-037")).toEqual([]);
    expect(find("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y x", "BW-DS-037")[0]?.line).toBe(2);
  });
  it("honours the escape directive", () => {
    const text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN apt-get install `\n  curl";
    expect(find(text, "BW-DS-036")[0]).toMatchObject({ line: 3, endLine: 4 });
  });
});

describe("options and special cases", () => {
  it("COPY . . depends on the .dockerignore fact", () => {
    const text = "FROM node:20\nCOPY . .";
    expect(find(text, "BW-DS-028", { hasDockerignore: true })).toEqual([]);
    expect(find(text, "BW-DS-028", { hasDockerignore: false })[0]?.severity).toBe("MEDIUM");
    expect(find(text, "BW-DS-028")[0]?.severity).toBe("LOW");
  });
  it("latest: skips scratch, earlier stages, variables and digests", () => {
    const text = "ARG BASE=debian:12\nFROM $BASE AS a\nFROM a\nFROM scratch\nFROM nginx@sha256:" + "0".repeat(64);
    expect(find(text, "BW-DS-002")).toEqual([]);
  });
  it("root: follows FROM <stage> for USER", () => {
    expect(find("FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD [\"x\"]", "BW-DS-001")).toEqual([]);
  });
  it("in-file suppression", () => {
    const text = "FROM alpine:3.20\n# bulwark:ignore BW-DS-020 bastion image\nEXPOSE 22";
    expect(find(text, "BW-DS-020")).toEqual([]);
  });
  it("credential values are CRITICAL regardless of name", () => {
    const [h] = find("FROM alpine:3.20\nENV GH=ghp_" + "a".repeat(36), "BW-DS-019");
    expect(h?.severity).toBe("CRITICAL");
    expect(h?.message).not.toContain("ghp_");
  });
  it("recognises Dockerfile names", () => {
    for (const p of ["Dockerfile", "a/b/Dockerfile", "app.Dockerfile", "Dockerfile.prod", "Containerfile", "x\\dockerfile"]) expect(isDockerfile(p)).toBe(true);
    for (const p of ["Dockerfile.md.bak/x", "dockerfiles.txt", "README.md", "MyDockerfileNotes"]) expect(isDockerfile(p)).toBe(false);
  });
});

describe("hostile input", () => {
  it("handles empty and garbage text", () => {
    expect(() => scanDockerfile("", "Dockerfile")).not.toThrow();
    expect(() => scanDockerfile("\u0000\u0001\uffff RUN [[[ \"\n\\\\\\\n<<<<<<\nFROM", "Dockerfile")).not.toThrow();
    expect(() => scanDockerfile("RUN <<EOF\nno end", "Dockerfile")).not.toThrow();
    expect(() => scanDockerfile("FROM\nCOPY --from=\nEXPOSE 99999999999999999999\nUSER\nWORKDIR", "Dockerfile")).not.toThrow();
  });
  it("scans a huge file quickly", () => {
    const lines = ["FROM debian:12"];
    for (let i = 0; i < 20000; i++) lines.push(`RUN echo ${i} "unterminated 'quote \\`);
    lines.push("USER app");
    const start = Date.now();
    expect(() => scanDockerfile(lines.join("\n"), "Dockerfile")).not.toThrow();
    expect(Date.now() - start).toBeLessThan(15000);
  });
  it("scans a very long RUN line and deep stage chains", () => {
    const run = "FROM debian:12\nRUN " + "a && ".repeat(50000) + "b";
    expect(() => scanDockerfile(run, "Dockerfile")).not.toThrow();
    const chain = ["FROM alpine:3.20 AS s0", ...Array.from({ length: 500 }, (_, i) => `FROM s${i} AS s${i + 1}`)].join("\n");
    expect(find(chain, "BW-DS-001")[0]?.line).toBe(501);
  });
});

describe("RUN flags and ONBUILD triggers", () => {
  it("reads --mount flags, also on continuation lines and repeated", () => {
    const doc = parseDockerfile("FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=tmpfs,dst=/var/lib/apt \\\n    --network=none apt-get update\n", "Dockerfile");
    expect(doc.runs[0]).toMatchObject({ text: "apt-get update", onbuild: false, mounts: [{ type: "cache", target: "/var/cache/apt" }, { type: "tmpfs", target: "/var/lib/apt" }] });
    expect(runText("--mount=type=cache,target=/a \\\n  --network=none \\\n  apk add x").text).toBe("apk add x");
  });
  it("judges ONBUILD RUN triggers like RUNs, with their flags", () => {
    const doc = parseDockerfile("FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.1-r0\nONBUILD COPY . /app\n", "Dockerfile");
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0]).toMatchObject({ text: "apk add curl=8.9.1-r0", onbuild: true, mounts: [{ type: "cache", target: "/var/cache/apk" }] });
    expect(find("FROM alpine:3.20\nONBUILD RUN sudo make install", "BW-DS-007")[0]?.line).toBe(2);
  });
});

describe("Hadolint alignment beyond Hadolint's own cases", () => {
  it("DL3009: only stages that ship, apt update too, cleanup after the update", () => {
    expect(find("FROM debian:12 AS a\nRUN apt-get update\nFROM a AS b\nRUN true\nFROM b\nUSER app", "BW-DS-010")[0]?.line).toBe(2);
    expect(find("FROM debian:12 AS a\nRUN apt-get update\nFROM a AS b\nFROM debian:12\nCOPY --from=b /x /x", "BW-DS-010")).toEqual([]);
    expect(find("FROM debian:12\nRUN apt update && apt install -y curl", "BW-DS-010")).toHaveLength(1);
    expect(find("FROM debian:12\nRUN rm -rf /var/lib/apt/lists/* && apt-get update", "BW-DS-010")).toHaveLength(1);
    // Lists come from an update; an install alone (lists from an earlier, reported layer) is not the culprit.
    expect(find("FROM debian:12\nRUN apt-get install -y curl=7.88.1-10", "BW-DS-010")).toEqual([]);
  });
  it("DL3014: quiet level 2 implies -y, a single -q does not", () => {
    for (const args of ["-qq", "-q -q", "-q=2", "--quiet --quiet", "--quiet=2", "-o APT::Get::Assume-Yes=true", "--option=APT::Get::Assume-Yes=1", "-qy"]) {
      expect(find(`FROM debian:12\nRUN apt-get ${args} install curl`, "BW-DS-036"), args).toEqual([]);
    }
    for (const args of ["-q", "--quiet", "-q=1", "-o APT::Get::Assume-Yes=false"]) expect(find(`FROM debian:12\nRUN apt-get ${args} install curl`, "BW-DS-036"), args).toHaveLength(1);
  });
  it("DL3020: Hadolint's archive list, compared case-sensitively", () => {
    for (const f of ["a.tar", "a.tar.gz", "a.tgz", "a.tar.bz2", "a.tbz2", "a.tar.xz", "a.txz", "a.tar.Z", "a.tar.lzma", "a.tlz"]) expect(find(`FROM alpine:3.20\nADD ${f} /opt/`, "BW-DS-004"), f).toEqual([]);
    for (const f of ["a.zip", "a.tar.zst", "a.TAR.GZ", "a.jar", "a.rpm"]) expect(find(`FROM alpine:3.20\nADD ${f} /opt/`, "BW-DS-004"), f).toHaveLength(1);
  });
  it("DL3040: the same tool cleans, after the install; rm of /var/cache/dnf or /var/cache/yum counts", () => {
    expect(find("FROM fedora:40\nRUN dnf install -y x-1 && rm -rf /var/cache/dnf", "BW-DS-015")).toEqual([]);
    expect(find("FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x-1", "BW-DS-015")).toEqual([]);
    expect(find("FROM fedora:40\nRUN dnf clean all && dnf install -y x-1", "BW-DS-015")).toHaveLength(1);
    expect(find("FROM fedora:40\nRUN microdnf install -y x-1 && dnf clean all", "BW-DS-015")).toHaveLength(1);
    expect(find("FROM fedora:40\nRUN dnf install -y x-1 && dnf clean all && microdnf install -y y-2", "BW-DS-015")).toHaveLength(1);
    expect(find("FROM centos:7\nRUN yum clean all && yum install -y x-1", "BW-DS-014")).toHaveLength(1);
    expect(find("FROM opensuse/leap:15.6\nRUN zypper cc && zypper in -y x", "BW-DS-039")).toHaveLength(1);
  });
  it("DL3041/DL3033: module streams and variable versions", () => {
    expect(find("FROM fedora:40\nRUN dnf -y module install nodejs:20/minimal", "BW-DS-017")).toEqual([]);
    expect(find("FROM fedora:40\nRUN dnf module install -y nodejs", "BW-DS-017")[0]?.message).toContain("unpinned modules: nodejs");
    expect(find("FROM fedora:40\nRUN dnf module enable -y nodejs", "BW-DS-017")).toEqual([]);
    expect(find("FROM fedora:40\nRUN dnf install -y rpm-sign", "BW-DS-017")).toHaveLength(1);
    expect(find("FROM centos:7\nRUN yum install -y rpm-sign", "BW-DS-016")).toHaveLength(1);
  });
  it("DL3042: PIP_NO_CACHE_DIR from ENV, ARG (with a global default), inline, in order; cache mounts", () => {
    const pip = (text: string) => find(`FROM python:3.12\n${text}`, "BW-DS-018");
    expect(pip("ARG PIP_NO_CACHE_DIR=1\nRUN pip install six")).toEqual([]);
    expect(find("ARG PIP_NO_CACHE_DIR=on\nFROM python:3.12\nARG PIP_NO_CACHE_DIR\nRUN pip install six", "BW-DS-018")).toEqual([]);
    expect(find("ARG PIP_NO_CACHE_DIR=on\nFROM python:3.12\nRUN pip install six", "BW-DS-018")).toHaveLength(1);
    expect(pip("ARG PIP_NO_CACHE_DIR\nRUN pip install six")).toHaveLength(1);
    expect(pip("RUN pip install six\nENV PIP_NO_CACHE_DIR=1")).toHaveLength(1);
    expect(pip("ENV PIP_NO_CACHE_DIR=1\nENV PIP_NO_CACHE_DIR=0\nRUN pip install six")[0]?.message).toContain("PIP_NO_CACHE_DIR=0");
    expect(pip('ENV PIP_NO_CACHE_DIR="yes"\nRUN pip install six')).toEqual([]);
    expect(pip("RUN --mount=type=cache,target=/home/app/.cache/pip pip install six")).toEqual([]);
    expect(pip("RUN --mount=type=bind,target=/root/.cache/pip pip install six")).toHaveLength(1);
    // An ONBUILD trigger runs later, in an image that has every ENV of this one.
    expect(pip("ONBUILD RUN pip install six\nENV PIP_NO_CACHE_DIR=true")).toEqual([]);
    expect(pip("RUN python3.12 -m pip install six && pipx install black && pipenv install")).toHaveLength(1);
  });
  it("DL4001: per stage, one finding per RUN that completes the pair", () => {
    const hits = find("FROM debian:12\nRUN wget a\nRUN curl b\nRUN wget c && curl d\nFROM debian:12\nRUN curl e", "BW-DS-040");
    expect(hits.map((h) => h.line)).toEqual([3, 4]);
  });
  it("references: no Hadolint id where the rule differs on purpose", () => {
    const byId = new Map(dockerfileRules.map((r) => [r.id, r]));
    expect(byId.get("BW-DS-001")?.references.hadolint).toBeUndefined();
    expect(byId.get("BW-DS-011")?.references.hadolint).toBeUndefined();
  });
});

describe("package manager sub-commands", () => {
  it("skip the value of an option given before the sub-command", () => {
    expect(find("FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confnew install -y curl", "BW-DS-008")[0]?.message).toContain("curl");
    expect(find("FROM debian:12\nRUN apt-get -t bookworm-backports install -y curl=8.1", "BW-DS-008")).toEqual([]);
  });
});
