// Kubernetes' CEL library functions (k8s.io/apiserver/pkg/cel/library) that policies use, on top of
// @bufbuild/cel: quantity, url, ip, cidr, regex find/findAll, list helpers. @bufbuild/cel has no
// opaque custom types, so a Quantity, URL, IP or CIDR is a map with a hidden type key and a
// canonical value: equality of two quantities is then equality of their values, as in Kubernetes
// (`quantity("1Gi") == quantity("1024Mi")`). `type(quantity(...))` says map, not Quantity.
import type { CelFunc, CelList, CelMap, CelValue } from "@bufbuild/cel";
import { isIP } from "node:net";
import { celLib, type Cel } from "./lib.js";

const TYPE_KEY = "\u0000k8s-type";
// Bound from the lazily required library when the functions are first built (kubernetesFunctions):
// every use below runs inside those functions.
let celFunc: Cel["celFunc"], celList: Cel["celList"], celMap: Cel["celMap"], celMethod: Cel["celMethod"];
let isCelList: Cel["isCelList"], isCelMap: Cel["isCelMap"], listType: Cel["listType"], mapType: Cel["mapType"], CelScalar: Cel["CelScalar"];
let DYN: Cel["CelScalar"]["DYN"], OPAQUE: ReturnType<Cel["mapType"]>, STR: Cel["CelScalar"]["STRING"], INT: Cel["CelScalar"]["INT"], BOOL: Cel["CelScalar"]["BOOL"];
function bind(): void {
  if (CelScalar) return;
  ({ celFunc, celList, celMap, celMethod, isCelList, isCelMap, listType, mapType, CelScalar } = celLib());
  DYN = CelScalar.DYN;
  OPAQUE = mapType(DYN, DYN);
  STR = CelScalar.STRING;
  INT = CelScalar.INT;
  BOOL = CelScalar.BOOL;
}

type Opaque = "Quantity" | "URL" | "IP" | "CIDR";

function opaque(type: Opaque, value: string, extra: [string, CelValue][] = []): CelMap {
  return celMap(new Map<string, CelValue>([[TYPE_KEY, type], ["value", value], ...extra]));
}

function unwrap(v: CelValue, type: Opaque): CelMap {
  if (isCelMap(v) && v.get(TYPE_KEY) === type) return v;
  throw new Error(`no such overload: expected a ${type}`);
}
const valueOf = (v: CelValue, type: Opaque): string => unwrap(v, type).get("value") as string;

// ---------------------------------------------------------------------------------------------
// Quantity: an exact decimal m × 10^e (binary suffixes are multiplied out), as resource.Quantity.

interface Dec {
  m: bigint;
  e: number;
}
const BIN: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECSI: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QTY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

function normalize(d: Dec): Dec {
  if (d.m === 0n) return { m: 0n, e: 0 };
  let { m, e } = d;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return { m, e };
}

export function parseQuantity(s: string): Dec | undefined {
  const x = QTY.exec(s);
  if (!x || s.length > 100) return undefined;
  const [, sign, num, suffix = ""] = x;
  const [int = "", frac = ""] = num!.split(".");
  let m = BigInt((int || "0") + frac);
  let e = -frac.length;
  if (suffix in BIN) m *= 1n << BigInt(BIN[suffix]!);
  else if (suffix in DECSI) e += DECSI[suffix]!;
  else {
    const exp = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
    e += exp;
  }
  if (sign === "-") m = -m;
  return normalize({ m, e });
}

const align = (a: Dec, b: Dec): [bigint, bigint] => {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e)];
};
const cmpDec = (a: Dec, b: Dec): number => {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const decText = (d: Dec): string => `${d.m}e${d.e}`;
const decOf = (v: CelValue): Dec => {
  const [m, e] = valueOf(v, "Quantity").split("e");
  return { m: BigInt(m!), e: Number(e) };
};
const quantity = (d: Dec): CelMap => opaque("Quantity", decText(normalize(d)));
const intDec = (n: bigint): Dec => normalize({ m: n, e: 0 });
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function addDec(a: Dec, b: Dec, sign: 1n | -1n): Dec {
  const [x, y] = align(a, b);
  return normalize({ m: x + sign * y, e: Math.min(a.e, b.e) });
}

function quantityFuncs(): CelFunc[] {
  return [
    celFunc("quantity", [STR], OPAQUE, (s) => {
      const d = parseQuantity(s);
      if (!d) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(s)}`);
      return quantity(d);
    }),
    celFunc("isQuantity", [STR], BOOL, (s) => parseQuantity(s) !== undefined),
    celMethod("sign", OPAQUE, [], INT, function () {
      return BigInt(Math.sign(Number(decOf(this).m)));
    }),
    celMethod("isInteger", OPAQUE, [], BOOL, function () {
      const d = decOf(this);
      if (d.e < 0) return false;
      const n = d.m * 10n ** BigInt(d.e);
      return n <= INT64_MAX && n >= INT64_MIN;
    }),
    celMethod("asInteger", OPAQUE, [], INT, function () {
      const d = decOf(this);
      if (d.e < 0) throw new Error("cannot convert value to integer");
      const n = d.m * 10n ** BigInt(d.e);
      if (n > INT64_MAX || n < INT64_MIN) throw new Error("cannot convert value to integer");
      return n;
    }),
    celMethod("asApproximateFloat", OPAQUE, [], CelScalar.DOUBLE, function () {
      const d = decOf(this);
      return Number(d.m) * 10 ** d.e;
    }),
    celMethod("compareTo", OPAQUE, [OPAQUE], INT, function (o) {
      return BigInt(cmpDec(decOf(this), decOf(o)));
    }),
    celMethod("isGreaterThan", OPAQUE, [OPAQUE], BOOL, function (o) {
      return cmpDec(decOf(this), decOf(o)) > 0;
    }),
    celMethod("isLessThan", OPAQUE, [OPAQUE], BOOL, function (o) {
      return cmpDec(decOf(this), decOf(o)) < 0;
    }),
    celMethod("add", OPAQUE, [OPAQUE], OPAQUE, function (o) {
      return quantity(addDec(decOf(this), decOf(o), 1n));
    }),
    celMethod("add", OPAQUE, [INT], OPAQUE, function (o) {
      return quantity(addDec(decOf(this), intDec(o), 1n));
    }),
    celMethod("sub", OPAQUE, [OPAQUE], OPAQUE, function (o) {
      return quantity(addDec(decOf(this), decOf(o), -1n));
    }),
    celMethod("sub", OPAQUE, [INT], OPAQUE, function (o) {
      return quantity(addDec(decOf(this), intDec(o), -1n));
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// IP and CIDR: bytes in canonical text; IPv4-mapped IPv6 and zones are refused, as Kubernetes does.

function ipBytes(s: string): Uint8Array | undefined {
  if (s.includes("%")) return undefined;
  const kind = isIP(s);
  if (kind === 4) {
    const parts = s.split(".");
    // Leading zeros are refused (ambiguous octal), as Go's netip does.
    if (parts.some((p) => p.length > 1 && p.startsWith("0"))) return undefined;
    return Uint8Array.from(parts.map(Number));
  }
  if (kind === 6) {
    let text = s;
    if (/\d+\.\d+\.\d+\.\d+$/.test(text)) return undefined; // embedded IPv4 (mapped or compatible)
    const [head = "", tail] = text.split("::");
    const h = head ? head.split(":") : [];
    const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
    const fill = tail === undefined ? 0 : 8 - h.length - t.length;
    const groups = [...h, ...Array(fill).fill("0"), ...t];
    if (groups.length !== 8) return undefined;
    text = "";
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const n = parseInt(g, 16);
      out[2 * i] = n >> 8;
      out[2 * i + 1] = n & 255;
    });
    return out;
  }
  return undefined;
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return [...b].join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // Longest run of zero groups (length ≥ 2) becomes "::" (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

const bytesOfIp = (v: CelValue): Uint8Array => ipBytes(valueOf(v, "IP"))!;
const ipValue = (b: Uint8Array): CelMap => opaque("IP", ipText(b));

function parseCidr(s: string): { ip: Uint8Array; bits: number } | undefined {
  const slash = s.indexOf("/");
  if (slash < 0) return undefined;
  const ip = ipBytes(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText) || (bitsText.length > 1 && bitsText.startsWith("0"))) return undefined;
  const bits = Number(bitsText);
  if (bits > ip.length * 8) return undefined;
  return { ip, bits };
}

function maskBytes(ip: Uint8Array, bits: number): Uint8Array {
  const out = Uint8Array.from(ip);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

const cidrValue = (ip: Uint8Array, bits: number): CelMap => opaque("CIDR", `${ipText(ip)}/${bits}`);
const cidrOf = (v: CelValue) => parseCidr(valueOf(v, "CIDR"))!;
const inPrefix = (c: { ip: Uint8Array; bits: number }, ip: Uint8Array): boolean => ip.length === c.ip.length && maskBytes(ip, c.bits).every((b, i) => b === maskBytes(c.ip, c.bits)[i]);

function ipFuncs(): CelFunc[] {
  const ipOrErr = (s: string): Uint8Array => {
    const b = ipBytes(s);
    if (!b) throw new Error(`IP Address ${JSON.stringify(s)} parse error during conversion from string`);
    return b;
  };
  const cidrOrErr = (s: string) => {
    const c = parseCidr(s);
    if (!c) throw new Error(`network address ${JSON.stringify(s)} parse error during conversion from string`);
    return c;
  };
  const is4 = (b: Uint8Array) => b.length === 4;
  return [
    celFunc("ip", [STR], OPAQUE, (s) => ipValue(ipOrErr(s))),
    celFunc("isIP", [STR], BOOL, (s) => ipBytes(s) !== undefined),
    celFunc("string", [OPAQUE], STR, (v) => {
      if (isCelMap(v) && (v.get(TYPE_KEY) === "IP" || v.get(TYPE_KEY) === "CIDR" || v.get(TYPE_KEY) === "URL")) return v.get("value") as string;
      throw new Error("no such overload: string(map)");
    }),
    celMethod("family", OPAQUE, [], INT, function () {
      return is4(bytesOfIp(this)) ? 4n : 6n;
    }),
    celMethod("isUnspecified", OPAQUE, [], BOOL, function () {
      return bytesOfIp(this).every((b) => b === 0);
    }),
    celMethod("isLoopback", OPAQUE, [], BOOL, function () {
      const b = bytesOfIp(this);
      return is4(b) ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
    }),
    celMethod("isLinkLocalMulticast", OPAQUE, [], BOOL, function () {
      const b = bytesOfIp(this);
      return is4(b) ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
    }),
    celMethod("isLinkLocalUnicast", OPAQUE, [], BOOL, function () {
      const b = bytesOfIp(this);
      return is4(b) ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
    }),
    celMethod("isGlobalUnicast", OPAQUE, [], BOOL, function () {
      const b = bytesOfIp(this);
      if (b.every((x) => x === 0)) return false;
      if (is4(b)) return !(b[0] === 127 || b[0]! >= 224 || (b[0] === 169 && b[1] === 254) || b.every((x) => x === 255));
      return !((b.slice(0, 15).every((x) => x === 0) && b[15] === 1) || b[0] === 0xff || (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80));
    }),
    celFunc("cidr", [STR], OPAQUE, (s) => {
      const c = cidrOrErr(s);
      return cidrValue(c.ip, c.bits);
    }),
    celFunc("isCIDR", [STR], BOOL, (s) => parseCidr(s) !== undefined),
    celMethod("containsIP", OPAQUE, [STR], BOOL, function (s) {
      return inPrefix(cidrOf(this), ipOrErr(s));
    }),
    celMethod("containsIP", OPAQUE, [OPAQUE], BOOL, function (ip) {
      return inPrefix(cidrOf(this), bytesOfIp(ip));
    }),
    celMethod("containsCIDR", OPAQUE, [STR], BOOL, function (s) {
      const c = cidrOf(this);
      const o = cidrOrErr(s);
      return o.bits >= c.bits && inPrefix(c, o.ip);
    }),
    celMethod("containsCIDR", OPAQUE, [OPAQUE], BOOL, function (v) {
      const c = cidrOf(this);
      const o = cidrOf(v);
      return o.bits >= c.bits && inPrefix(c, o.ip);
    }),
    celMethod("ip", OPAQUE, [], OPAQUE, function () {
      return ipValue(cidrOf(this).ip);
    }),
    celMethod("masked", OPAQUE, [], OPAQUE, function () {
      const c = cidrOf(this);
      return cidrValue(maskBytes(c.ip, c.bits), c.bits);
    }),
    celMethod("prefixLength", OPAQUE, [], INT, function () {
      return BigInt(cidrOf(this).bits);
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// URL

function parseUrl(s: string): URL | undefined {
  if (s.length > 8192) return undefined;
  try {
    if (s.startsWith("/")) return new URL(s, "relative:///");
    const u = new URL(s);
    return u;
  } catch {
    return undefined;
  }
}

function urlFuncs(): CelFunc[] {
  const urlOf = (v: CelValue): URL => parseUrl(valueOf(v, "URL"))!;
  const relative = (u: URL) => u.protocol === "relative:";
  return [
    celFunc("url", [STR], OPAQUE, (s) => {
      if (!parseUrl(s)) throw new Error(`URL ${JSON.stringify(s)} parse error during conversion from string`);
      return opaque("URL", s);
    }),
    celFunc("isURL", [STR], BOOL, (s) => parseUrl(s) !== undefined),
    celMethod("getScheme", OPAQUE, [], STR, function () {
      const u = urlOf(this);
      return relative(u) ? "" : u.protocol.slice(0, -1);
    }),
    celMethod("getHost", OPAQUE, [], STR, function () {
      const u = urlOf(this);
      return relative(u) ? "" : u.host;
    }),
    celMethod("getHostname", OPAQUE, [], STR, function () {
      const u = urlOf(this);
      return relative(u) ? "" : u.hostname.replace(/^\[(.*)\]$/, "$1");
    }),
    celMethod("getPort", OPAQUE, [], STR, function () {
      return urlOf(this).port;
    }),
    celMethod("getEscapedPath", OPAQUE, [], STR, function () {
      return urlOf(this).pathname;
    }),
    celMethod("getQuery", OPAQUE, [], mapType(STR, listType(STR)), function () {
      const m = new Map<string, CelList>();
      const u = urlOf(this);
      for (const k of new Set(u.searchParams.keys())) m.set(k, celList(u.searchParams.getAll(k)));
      return celMap(m);
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Regex (find, findAll) and lists.

function regexFuncs(): CelFunc[] {
  const compile = (re: string): RegExp => {
    try {
      return new RegExp(re, "u");
    } catch (e) {
      throw new Error(`invalid regular expression ${JSON.stringify(re)}: ${(e as Error).message}`);
    }
  };
  return [
    celMethod("find", STR, [STR], STR, function (re) {
      return compile(re).exec(this)?.[0] ?? "";
    }),
    celMethod("findAll", STR, [STR], listType(STR), function (re) {
      return celList([...this.matchAll(new RegExp(compile(re).source, "gu"))].map((m) => m[0]));
    }),
    celMethod("findAll", STR, [STR, INT], listType(STR), function (re, n) {
      const all = [...this.matchAll(new RegExp(compile(re).source, "gu"))].map((m) => m[0]);
      return celList(n < 0n ? all : all.slice(0, Number(n)));
    }),
  ];
}

function items(l: CelValue): CelValue[] {
  if (!isCelList(l)) throw new Error("no such overload");
  return [...l];
}
function order(a: CelValue, b: CelValue): number {
  if ((typeof a === "bigint" || typeof a === "number") && (typeof b === "bigint" || typeof b === "number")) return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (isCelMap(a) && isCelMap(b) && a.get(TYPE_KEY) === "Quantity" && b.get(TYPE_KEY) === "Quantity") return cmpDec(decOf(a), decOf(b));
  throw new Error("no such overload: values are not comparable");
}
function listFuncs(): CelFunc[] {
  const L = listType(DYN);
  return [
    celMethod("isSorted", L, [], BOOL, function () {
      const xs = items(this);
      return xs.every((x, i) => i === 0 || order(xs[i - 1]!, x) <= 0);
    }),
    celMethod("sum", L, [], DYN, function () {
      const xs = items(this);
      if (xs.length === 0) return 0n;
      if (xs.every((x) => typeof x === "bigint")) return (xs as bigint[]).reduce((a, b) => a + b, 0n);
      if (xs.every((x) => typeof x === "number")) return (xs as number[]).reduce((a, b) => a + b, 0);
      if (xs.every((x) => isCelMap(x) && x.get(TYPE_KEY) === "Quantity")) return quantity(xs.map(decOf).reduce((a, b) => addDec(a, b, 1n)));
      throw new Error("no such overload: sum of mixed or non-numeric values");
    }),
    celMethod("min", L, [], DYN, function () {
      const xs = items(this);
      if (xs.length === 0) throw new Error("min called on empty list");
      return xs.reduce((a, b) => (order(b, a) < 0 ? b : a));
    }),
    celMethod("max", L, [], DYN, function () {
      const xs = items(this);
      if (xs.length === 0) throw new Error("max called on empty list");
      return xs.reduce((a, b) => (order(b, a) > 0 ? b : a));
    }),
  ];
}

/** Every Kubernetes library function this evaluator adds. */
export function kubernetesFunctions(): CelFunc[] {
  bind();
  return [...quantityFuncs(), ...ipFuncs(), ...urlFuncs(), ...regexFuncs(), ...listFuncs()];
}
