// Generates stack files across the YAML shapes where readers differ (anchors, aliases, merge keys,
// tags, nulls, numbers, dates, booleans, documents, nesting, unicode, CRLF, BOM, duplicate keys,
// `secure:` values), with this project's keys, namespaced and bare. Seeded: a seed gives the same
// files on every machine (scripts/config-diff.ts compares them against Pulumi's own loader).
import { CONFIG_KEYS, PROJECT } from "../components/config";

/** mulberry32: a small seeded PRNG, returning [0, 1). */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rng, p: number) => r() < p;

/** Plain scalars YAML 1.1, YAML 1.2 and hand-written readers disagree on. */
export const SCALARS: readonly string[] = [
    "px-cluster",
    "portworx",
    "px.example.com",
    "https://id.example.com",
    "auto",
    "v2",
    "a b",
    "é-ü",
    "日本",
    "~",
    "null",
    "Null",
    "NULL",
    "",
    "true",
    "false",
    "True",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "Y",
    "n",
    "0",
    "-0",
    "+1",
    "010",
    "08",
    "0o17",
    "-0o17",
    "0x1F",
    "0X1f",
    "0b101",
    "1_000",
    "1__0",
    "_1",
    "0x_1",
    "2026.10",
    "2026.1",
    "1.0",
    "-0.0",
    ".5",
    "-.5",
    "5.",
    "1e3",
    "1E3",
    "1e+21",
    "1e400",
    "-1e400",
    "0.0000001",
    "6.8523015e+5",
    "1_000.5",
    ".inf",
    "-.Inf",
    ".nan",
    ".NaN",
    "+.inf",
    "99999999999999999999",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775808",
    "12:30",
    "1:20:30",
    "2026-11-01",
    "2026-1-2",
    "2026-02-30",
    "2026-10-01 10:00:00",
    "2026-10-01T10:00:00Z",
    "2026-10-01t10:00:00+02:00",
    "2026-1-2T3:04:05.50Z",
    "2026-10-01T10:00:00",
    "2002-12-14",
    "1e",
    "0x",
    "+",
    "-",
    ".",
    "0.",
    "+.5",
    "<a&b>",
    "a\u2028b",
];

/** Scalars as written in YAML, plain or quoted or tagged. */
function scalar(r: Rng): string {
    const s = pick(r, SCALARS);
    const style = r();
    if (style < 0.6) return /^[\w.+\-~:]*$/.test(s) && s !== "" ? s : JSON.stringify(s);
    if (style < 0.7) return JSON.stringify(s);
    if (style < 0.78) return `'${s.replace(/'/g, "''")}'`;
    if (style < 0.86) {
        const tag = pick(r, ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!custom"]);
        return `${tag} ${/^[\w.+\-~:]+$/.test(s) ? s : JSON.stringify(s)}`;
    }
    if (style < 0.9) return pick(r, ["", "~", "null"]);
    return /^[\w.+\-:]+$/.test(s) ? s : JSON.stringify(s);
}

const FIELDS = ["name", "roles", "lifetime", "namespace", "groups", "parameters", "repl", "1", "2026.10", "x"];

/** A structured value, block or flow, maybe with anchors, aliases and merge keys. */
function structured(r: Rng, depth: number, indent: string, anchors: string[]): string {
    if (depth > 2 || chance(r, 0.25)) {
        if (anchors.length && chance(r, 0.1)) return `*${pick(r, anchors)}`;
        return scalar(r);
    }
    const anchor = chance(r, 0.2) ? `a${anchors.length}` : undefined;
    const prefix = anchor ? `&${anchor} ` : "";
    if (chance(r, 0.3)) {
        // Flow style.
        if (chance(r, 0.5)) {
            // `[-]`: yaml.v3 reads "-", which the JS parser refuses unless the reader quotes it first.
            const items = Array.from({ length: Math.floor(r() * 3) }, () => scalar(r).replace(/^!\S+ /, ""));
            if (anchor) anchors.push(anchor);
            return `${prefix}[${items.join(", ")}]`;
        }
        const keys = [...new Set(Array.from({ length: Math.floor(r() * 3) }, () => pick(r, FIELDS)))];
        if (anchor) anchors.push(anchor);
        return `${prefix}{${keys.map((k) => `${k}: ${scalar(r).replace(/^!\S+ /, "")}`).join(", ")}}`;
    }
    const inner = `${indent}  `;
    const lines: string[] = [];
    if (chance(r, 0.5)) {
        const n = 1 + Math.floor(r() * 3);
        for (let i = 0; i < n; i++) {
            const v = structured(r, depth + 1, inner, anchors);
            lines.push(`${inner}-${v.startsWith("\n") ? v : ` ${v}`}`);
        }
    } else {
        const n = 1 + Math.floor(r() * 3);
        const keys = Array.from({ length: n }, () => pick(r, FIELDS));
        if (anchors.length && chance(r, 0.3)) lines.push(`${inner}<<: *${pick(r, anchors)}`);
        for (const k of keys) {
            const v = structured(r, depth + 1, inner, anchors);
            lines.push(`${inner}${k}:${v.startsWith("\n") ? v : ` ${v}`}`);
        }
    }
    if (anchor) anchors.push(anchor);
    return `${prefix.trimEnd()}\n${lines.join("\n")}`;
}

const OTHER_KEYS = ["kubernetes:context", "other:a", "other:b", "aws:region"];

/** The key as written: namespaced, bare, or the old `ns:config:key` spelling. */
function keyName(r: Rng, key: string, spelled?: Map<string, string>): string {
    const p = r();
    const same = spelled?.get(key);
    if (same !== undefined) return same;
    if (p < 0.6) return `${PROJECT}:${key}`;
    if (p < 0.85) return key;
    return `${PROJECT}:config:${key}`;
}

/** One stack file. */
export function generateStack(r: Rng): string {
    const anchors: string[] = [];
    const entries: string[] = [];
    const used = new Set<string>(["storageClusterName"]);
    // How each key is written: two spellings of one key reach Pulumi in Go map order (the reader refuses them).
    const spelled = new Map<string, string>();
    if (!chance(r, 0.05)) {
        spelled.set("storageClusterName", keyName(r, "storageClusterName"));
        entries.push(`${spelled.get("storageClusterName")}: ${chance(r, 0.9) ? "px-cluster" : scalar(r)}`);
    }
    const n = Math.floor(r() * 6);
    for (let i = 0; i < n; i++) {
        const k = pick(r, CONFIG_KEYS);
        if (used.has(k.key)) continue;
        used.add(k.key);
        const name = chance(r, 0.1) ? pick(r, OTHER_KEYS) : keyName(r, k.key);
        if (!OTHER_KEYS.includes(name)) spelled.set(k.key, name);
        let v: string;
        if (chance(r, 0.08)) v = `\n    secure: ${pick(r, ["v1:abc", "AAAA", "x"])}`;
        else if (k.type === "json" || chance(r, 0.1)) v = structured(r, 0, "  ", anchors);
        else v = scalar(r);
        entries.push(`${name}:${v.startsWith("\n") ? v : ` ${v}`}`);
    }
    if (chance(r, 0.05) && entries.length) entries.push(entries[Math.floor(r() * entries.length)]);
    let config = entries.map((e) => `  ${e}`).join("\n");
    let head = "";
    if (chance(r, 0.08)) {
        // A merge key over the whole config block.
        head = `base: &base\n  ${keyName(r, "selfSignedIssuer", spelled)}: px.example.com\n  ${keyName(r, "enabled", spelled)}: ${scalar(r)}\n`;
        config = `  <<: *base\n${config}`;
    }
    if (chance(r, 0.05)) head += `environment:\n  - ${pick(r, ["prod", "team/shared"])}\n`;
    let text = `${head}config:\n${config}\n`;
    if (chance(r, 0.03)) text = `config: ${pick(r, ["~", "[]", "x", "{}"])}\n`;
    if (chance(r, 0.05)) text += `---\nconfig:\n  ${PROJECT}:storageClusterName: second\n`;
    if (chance(r, 0.03)) text = `---\n${text}`;
    if (chance(r, 0.05)) text = text.replace(/\n/g, "\r\n");
    if (chance(r, 0.05)) text = `\uFEFF${text}`;
    return text;
}
