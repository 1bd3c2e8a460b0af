// Test certificates made with the openssl command line: a CA and leaves it signs (with explicit
// validity dates through `openssl ca -startdate/-enddate`, so expired certificates need no fake
// clock), and self-signed certificates. Tests check for the tool: missingTool(what, CERT_TOOLS).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toolPath } from "./tools.js";

export const CERT_TOOLS = ["openssl"];

export interface CertFiles {
  certificate: string;
  key: string;
}

export interface TestCa extends CertFiles {
  dir: string;
}

function openssl(args: string[], cwd?: string): string {
  return execFileSync(toolPath("openssl"), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
}

/** subjectAltName entries: "IP:127.0.0.1", "DNS:localhost". */
function sanLine(names: string[]): string {
  return `subjectAltName=${names.join(",")}`;
}

/** A self-signed certificate (EC P-256) for `names`, valid for `days` from now. */
export function selfSigned(dir: string, name: string, names: string[], days = 30): CertFiles {
  mkdirSync(dir, { recursive: true });
  const key = join(dir, `${name}.key`);
  const certificate = join(dir, `${name}.pem`);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate, "-days", String(days), "-subj", `/CN=${name}`, "-addext", sanLine(names)]);
  return { certificate, key };
}

/** A CA (self-signed, basicConstraints CA:TRUE) with an `openssl ca` database. */
export function makeCa(dir: string, name = "Bulwark Test CA"): TestCa {
  mkdirSync(join(dir, "issued"), { recursive: true });
  writeFileSync(join(dir, "index.txt"), "");
  writeFileSync(join(dir, "serial"), "1000\n");
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[ca]",
      "default_ca = test_ca",
      "[test_ca]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "serial = $dir/serial",
      "new_certs_dir = $dir/issued",
      "default_md = sha256",
      "policy = any",
      "unique_subject = no",
      "copy_extensions = copy",
      "[any]",
      "commonName = supplied",
      "[leaf_ext]",
      "basicConstraints = CA:FALSE",
      "keyUsage = digitalSignature, keyEncipherment",
      "extendedKeyUsage = serverAuth",
      "",
    ].join("\n"),
  );
  const key = join(dir, "ca.key");
  const certificate = join(dir, "ca.pem");
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate, "-days", "30", "-subj", `/CN=${name}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return { dir, key, certificate };
}

/** "YYYYMMDDHHMMSSZ", as `openssl ca` wants dates. */
export function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

/** A leaf certificate for `names` signed by the CA, valid from `start` to `end` (default: now-1d to now+30d). */
export function issue(ca: TestCa, name: string, names: string[], validity: { start?: Date; end?: Date } = {}): CertFiles {
  const key = join(ca.dir, `${name}.key`);
  const csr = join(ca.dir, `${name}.csr`);
  const certificate = join(ca.dir, `${name}.pem`);
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", `/CN=${name}`, "-addext", sanLine(names)]);
  const start = validity.start ?? new Date(Date.now() - 86_400_000);
  const end = validity.end ?? new Date(Date.now() + 30 * 86_400_000);
  openssl(["ca", "-batch", "-config", join(ca.dir, "ca.cnf"), "-extensions", "leaf_ext", "-keyfile", ca.key, "-cert", ca.certificate, "-in", csr, "-out", certificate, "-notext", "-startdate", asn1Time(start), "-enddate", asn1Time(end)]);
  return { certificate, key };
}

/** Fields of a certificate as openssl prints them (the cross-check for what the audit reports). */
export function opensslDates(certificate: string): { notBefore: string; notAfter: string } {
  const out = openssl(["x509", "-in", certificate, "-noout", "-startdate", "-enddate"]);
  return { notBefore: /notBefore=(.*)/.exec(out)![1]!.trim(), notAfter: /notAfter=(.*)/.exec(out)![1]!.trim() };
}
