// Stack files to the config a Pulumi program receives, as the Pulumi CLI makes it (read from
// @pulumi/pulumi's Go SDK v3.248.0: workspace.LoadProjectStack, config.Value, the merge of Pulumi.yaml
// defaults in workspace/config.go, and gopkg.in/yaml.v3's resolver). The program gets every value
// as a string in PULUMI_CONFIG:
//
// - an unquoted scalar is first read as YAML 1.2 reads it (yaml.v3), then written back as text:
//   `2026.10` is the number 2026.1 and reaches the program as "2026.1"; `True` as "true"; `010` as
//   "8" (an octal number); `2026-11-01` as "2026-11-01 00:00:00 +0000 UTC"; `yes` stays "yes";
// - quoted scalars are kept as written;
// - lists and maps are JSON text with sorted keys;
// - a key Pulumi.yaml declares with a default and the stack leaves unset gets the default's text.
//
// test/fixtures/pulumi-config holds what Pulumi's own loader makes of a corpus of stack files, and
// test/config-corpus.test.ts holds this module to it. Pure apart from the file reads in `readStack`.
import * as YAML from "yaml";
import { ConfigError } from "../components/errors";

/** A YAML value as yaml.v3 decodes it into Go's `any`. */
export type GoValue = (
    | { t: "null" }
    | { t: "bool"; v: boolean }
    | { t: "int"; v: bigint }
    | { t: "float"; v: number }
    | { t: "str"; v: string }
    | { t: "time"; v: string }
    | { t: "seq"; v: GoValue[] }
    | { t: "map"; v: Map<string, GoValue> }
) & {
    /** An unquoted scalar's text as written. */
    src?: string;
    /** A map's keys as written, by key (null for a null key): merged into a map of string keys, a key keeps its text. */
    written?: Map<string, string | null>;
};

/** What the program is handed: PULUMI_CONFIG's values and PULUMI_CONFIG_SECRET_KEYS. */
export interface PulumiConfig {
    /** Full keys, such as `portworx-auth:namespace` or `kubernetes:context`, to their text. */
    values: Record<string, string>;
    /** Keys whose values were encrypted (`secure:`) in the stack file. */
    secure: string[];
    /** Their ciphertexts, for tests that stand in a decrypter that returns the ciphertext. */
    ciphertexts: Record<string, string>;
    /** The stack file has an `environment:` block (Pulumi ESC), whose values only `pulumi` can see. */
    environment?: boolean;
    /** Keys whose values are lists or maps (passed as JSON text). */
    objects: string[];
    /** Unquoted values YAML reads as something else than their text: `2026.10` is passed as "2026.1". */
    rewritten: { key: string; written: string; passed: string }[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt(s, 0, 64) and ParseUint: a base prefix or a leading 0 (octal); undefined on error. */
function parseGoInt(s: string, unsigned: boolean): bigint | undefined {
    const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
    if (!m || (unsigned && m[1] !== "")) return undefined;
    let digits = m[2];
    if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
    const n = BigInt(digits) * (m[1] === "-" ? -1n : 1n);
    if (unsigned) return n <= UINT64_MAX ? n : undefined;
    return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** A decimal float as strconv.ParseFloat reads it; undefined when out of range. */
function parseGoFloat(s: string): number | undefined {
    const f = Number(s);
    return Number.isFinite(f) ? f : undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const RESOLVE_MAP: Record<string, GoValue> = {
    true: { t: "bool", v: true },
    True: { t: "bool", v: true },
    TRUE: { t: "bool", v: true },
    false: { t: "bool", v: false },
    False: { t: "bool", v: false },
    FALSE: { t: "bool", v: false },
    "": { t: "null" },
    "~": { t: "null" },
    null: { t: "null" },
    Null: { t: "null" },
    NULL: { t: "null" },
    ".nan": { t: "float", v: NaN },
    ".NaN": { t: "float", v: NaN },
    ".NAN": { t: "float", v: NaN },
    ".inf": { t: "float", v: Infinity },
    ".Inf": { t: "float", v: Infinity },
    ".INF": { t: "float", v: Infinity },
    "+.inf": { t: "float", v: Infinity },
    "+.Inf": { t: "float", v: Infinity },
    "+.INF": { t: "float", v: Infinity },
    "-.inf": { t: "float", v: -Infinity },
    "-.Inf": { t: "float", v: -Infinity },
    "-.INF": { t: "float", v: -Infinity },
};

const pad = (n: number | string, w: number) => String(n).padStart(w, "0");

/** yaml.v3's timestamps (2006-1-2, with a time, with a zone), as Go's Time.String() prints them after Pulumi's round trip. */
function parseTimestamp(s: string): string | undefined {
    const m =
        /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/.exec(
            s,
        );
    if (!m) return undefined;
    const [, y, mo, d, sep, h = "0", mi = "0", se = "0", frac = "", zone] = m;
    // A zone goes with T or t, and is required there; a space-separated time has none.
    if (sep !== undefined && (sep === " ") !== (zone === undefined)) return undefined;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > days) return undefined;
    if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined;
    const fraction = frac.slice(0, 9).replace(/0+$/, "");
    const offset =
        zone === undefined || zone === "Z"
            ? 0
            : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
    // Go names a zero offset UTC (the local zone on a UTC machine); any other offset is unnamed.
    const hhmm = `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 60), 2)}${pad(Math.abs(offset) % 60, 2)}`;
    const name = offset === 0 ? "UTC" : hhmm;
    return `${y}-${pad(month, 2)}-${pad(day, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(se, 2)}${fraction ? `.${fraction}` : ""} ${hhmm} ${name}`;
}

/** How yaml.v3 resolves an untagged plain scalar. */
export function resolvePlain(s: string): GoValue {
    if (Object.prototype.hasOwnProperty.call(RESOLVE_MAP, s)) return { ...RESOLVE_MAP[s] };
    const c = s[0];
    if (c === ".") {
        if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s)) {
            const f = parseGoFloat(s);
            if (f !== undefined) return { t: "float", v: f };
        }
        return { t: "str", v: s };
    }
    if (!/^[-+0-9]/.test(s)) return { t: "str", v: s };
    const time = parseTimestamp(s);
    if (time !== undefined) return { t: "time", v: time };
    const plain = s.replace(/_/g, "");
    const i = parseGoInt(plain, false) ?? parseGoInt(plain, true);
    if (i !== undefined) return { t: "int", v: i };
    if (YAML_STYLE_FLOAT.test(plain)) {
        const f = parseGoFloat(plain);
        if (f !== undefined) return { t: "float", v: f };
    }
    return { t: "str", v: s };
}

/** Go's encoding/json for a string: HTML-safe, as Pulumi writes it. */
function jsonString(s: string): string {
    return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${pad(ch.charCodeAt(0).toString(16), 4)}`);
}

/** Go's encoding/json for a float64; NaN and ±Inf have no JSON, and Pulumi refuses them. */
function jsonFloat(f: number, where: string): string {
    if (!Number.isFinite(f)) {
        throw new ConfigError(where, "is .nan or .inf, which Pulumi cannot read", "give a number, or quote the text");
    }
    // Pulumi writes the stack back as YAML before it reads the values, and -0 comes back as the integer 0.
    return Object.is(f, -0) ? "0" : String(f);
}

/** A GoValue as Go's encoding/json writes it: map keys sorted. */
export function goJson(v: GoValue, where: string): string {
    switch (v.t) {
        case "null":
            return "null";
        case "bool":
            return String(v.v);
        case "int":
            return v.v.toString();
        case "float":
            return jsonFloat(v.v, where);
        case "str":
        case "time":
            return jsonString(v.v);
        case "seq":
            return `[${v.v.map((x) => goJson(x, where)).join(",")}]`;
        case "map":
            return `{${[...v.v.keys()]
                .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
                .map((k) => `${jsonString(k)}:${goJson(v.v.get(k) as GoValue, where)}`)
                .join(",")}}`;
    }
}

/** The text of a stack value as config.Value makes it: scalars as text, lists and maps as JSON. */
export function configText(v: GoValue, where: string): { text: string; object: boolean } {
    switch (v.t) {
        case "null":
            return { text: "", object: false };
        case "str":
        case "time":
            return { text: v.v, object: false };
        case "bool":
        case "int":
        case "float":
            return { text: goJson(v, where), object: false };
        default:
            return { text: goJson(v, where), object: true };
    }
}

/** A value of Pulumi.yaml's `default:`, as createConfigValue writes it: fmt's %v for strings, ints and bools, else JSON. */
export function defaultText(v: GoValue, where: string): string {
    if (v.t === "str" || v.t === "bool" || (v.t === "int" && v.v >= INT64_MIN && v.v <= INT64_MAX)) {
        return v.t === "str" ? v.v : String(v.v);
    }
    return goJson(v, where);
}

/** Where a YAML node sits, for messages that must not quote the file (it may hold secrets). */
function at(file: string, lineCounter: YAML.LineCounter, offset: number | undefined): string {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file} line ${line}, column ${col}`;
}

/** Go's fmt %v of a float64 (strconv 'g', shortest): the text of a map key YAML read as a float. */
function goFmtFloat(f: number): string {
    if (!Number.isFinite(f)) return Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf";
    const [mant, e] = f.toExponential().split("e");
    const exp = Number(e);
    if (exp < -4 || exp >= 6) {
        const sign = exp < 0 ? "-" : "+";
        return `${mant}e${sign}${pad(Math.abs(exp), 2)}`;
    }
    return String(f);
}

/** A map key as Pulumi writes it into JSON: strings as they are, other scalars as Go's fmt %v. */
function keyText(k: GoValue): string | undefined {
    switch (k.t) {
        case "str":
        case "time":
            return k.v;
        case "null":
            return "<nil>";
        case "bool":
        case "int":
            return String(k.v);
        case "float":
            return goFmtFloat(k.v);
        default:
            return undefined;
    }
}

/** What an explicit !!tag accepts, as yaml.v3 decodes a scalar with it into `any`. */
const TAG_ACCEPTS: Record<string, GoValue["t"][]> = {
    "!!int": ["int"],
    "!!float": ["int", "float"],
    "!!bool": ["bool"],
    "!!null": ["null"],
    "!!timestamp": ["time"],
};

/**
 * yaml.v3 reads a `-` followed by `,`, `]` or `}` in a flow collection (`[-]`, `{a: -}`) as the text
 * "-"; the JS parser, following the YAML spec, takes it for a block list and refuses the file. Such a
 * `-` is quoted before parsing, which reads it as the same text.
 */
function quoteFlowDashes(text: string): string {
    if (!/-[,\]}]/.test(text)) return text;
    const at: number[] = [];
    const walk = (t: unknown, flow: boolean): void => {
        if (Array.isArray(t)) {
            for (const x of t) walk(x, flow);
            return;
        }
        if (typeof t !== "object" || t === null) return;
        const tok = t as { type?: unknown; offset?: unknown };
        if (flow && tok.type === "seq-item-ind" && typeof tok.offset === "number") {
            if (/[,\]}]/.test(text[tok.offset + 1] ?? "")) at.push(tok.offset);
        }
        for (const v of Object.values(t)) walk(v, flow || tok.type === "flow-collection");
    };
    for (const tok of new YAML.Parser().parse(text)) walk(tok, false);
    for (const o of [...new Set(at)].sort((a, b) => b - a)) text = `${text.slice(0, o)}"-"${text.slice(o + 1)}`;
    return text;
}

/**
 * Decodes the first YAML document of a file as yaml.v3 decodes it into Go's `any` (Pulumi reads
 * only the first): YAML 1.2 scalars, merge keys (`<<`), explicit tags, aliases.
 */
export function decodeYaml(text: string, file: string): GoValue {
    const lineCounter = new YAML.LineCounter();
    const docs = YAML.parseAllDocuments(quoteFlowDashes(text.replace(/^\uFEFF/, "")), {
        schema: "failsafe",
        uniqueKeys: true,
        prettyErrors: false,
        lineCounter,
    });
    const doc = Array.isArray(docs) ? docs[0] : docs;
    if (doc === undefined) return { t: "null" };
    const fail = (offset: number | undefined, why: string, fix: string): never => {
        throw new ConfigError(at(file, lineCounter, offset), why, fix);
    };
    const problem = doc.errors[0];
    if (problem) {
        // The parser's message quotes the line; a stack file may hold a plain-text secret, so only say where.
        fail(
            problem.pos[0],
            `is not valid YAML (${problem.code.toLowerCase().replace(/_/g, " ")})`,
            "fix the file: every key `portworx-auth:NAME: value`, two-space indents, no tabs",
        );
    }
    const decode = (node: unknown): GoValue => {
        if (node === null || node === undefined) return { t: "null" };
        if (YAML.isAlias(node)) return decode(node.resolve(doc));
        if (YAML.isScalar(node)) {
            // The text before the parser applied a tag (it turns !!timestamp into a Date).
            const text = typeof node.source === "string" ? node.source : String(node.value ?? "");
            const tag = node.tag?.replace(/^tag:yaml\.org,2002:/, "!!");
            if (tag === undefined) {
                if (node.type !== "PLAIN" && node.type !== undefined) return { t: "str", v: text };
                return { ...resolvePlain(text), src: text };
            }
            const accepts = TAG_ACCEPTS[tag];
            // !!str, and tags YAML does not define, keep the text as written.
            if (!accepts) return { t: "str", v: text };
            const v = resolvePlain(text);
            if (!accepts.includes(v.t)) {
                fail(
                    node.range?.[0],
                    `is tagged ${tag}, but YAML does not read its value as one, so Pulumi refuses the file`,
                    `remove the tag ${tag}, or quote the value`,
                );
            }
            // yaml.v3 turns an int64 into a float for !!float, not a larger integer.
            if (tag === "!!float" && v.t === "int" && (v.v < INT64_MIN || v.v > INT64_MAX)) {
                fail(
                    node.range?.[0],
                    "is tagged !!float, but is an integer out of range, so Pulumi refuses the file",
                    "remove the tag",
                );
            }
            if (tag === "!!float" && v.t === "int") return { t: "float", v: Number(v.v), src: text };
            return { ...v, src: text };
        }
        if (YAML.isSeq(node)) return { t: "seq", v: node.items.map(decode) };
        if (YAML.isMap(node)) {
            const m = new Map<string, GoValue>();
            const written = new Map<string, string | null>();
            let merge: unknown;
            // yaml.v3 makes a map[string]any when every written key is a string, and decodes merged keys
            // into it as their text (`2026.10` stays "2026.10"); otherwise a map[any]any of YAML's values.
            let stringKeys = true;
            for (const pair of node.items) {
                const k = pair.key as YAML.Node | null;
                if (YAML.isScalar(k) && k.value === "<<" && (k.type === "PLAIN" || k.tag?.endsWith(":merge"))) {
                    merge = pair.value;
                    continue;
                }
                const decoded = decode(k);
                if (decoded.t !== "str") stringKeys = false;
                const key = keyText(decoded);
                if (key === undefined) {
                    fail(k?.range?.[0], "has a list or a map as a key, which Pulumi refuses", "quote the key");
                }
                m.set(key as string, decode(pair.value));
                if (decoded.t === "null") written.set(key as string, null);
                else if (YAML.isScalar(k)) {
                    written.set(key as string, typeof k.source === "string" ? k.source : String(k.value ?? ""));
                }
            }
            // yaml.v3: keys written in the map win over merged ones; of merged maps, the first wins.
            if (merge !== undefined) {
                // An alias must name a map; only a list written in place may list maps.
                const sources = YAML.isSeq(merge) ? merge.items : [merge];
                for (const src of sources) {
                    const v = decode(src);
                    if (v.t !== "map") {
                        fail(
                            (merge as YAML.Node).range?.[0] ?? undefined,
                            "merges (<<) something that is not a map, which Pulumi refuses",
                            "merge a map or a list of maps",
                        );
                    }
                    const from = v as { v: Map<string, GoValue>; written?: Map<string, string | null> };
                    for (const [key, value] of from.v) {
                        const text = from.written?.has(key) ? (from.written.get(key) as string | null) : key;
                        // A null key does not decode into a string: yaml.v3 drops the entry.
                        if (stringKeys && text === null) continue;
                        const as = stringKeys ? (text as string) : key;
                        if (!m.has(as)) {
                            m.set(as, value);
                            written.set(as, text);
                        }
                    }
                }
            }
            return { t: "map", v: m, written };
        }
        return { t: "null" };
    };
    return decode(doc.contents);
}

/** A `{ secure: ciphertext }` map: an encrypted value. */
function isSecure(v: GoValue): boolean {
    return v.t === "map" && v.v.size === 1 && v.v.get("secure")?.t === "str";
}

function containsSecure(v: GoValue): boolean {
    if (isSecure(v)) return true;
    if (v.t === "seq") return v.v.some(containsSecure);
    if (v.t === "map") return [...v.v.values()].some(containsSecure);
    return false;
}

/** Pulumi.yaml's project name and the defaults of its `config:` block, as config text. */
export function projectDefaults(projectYaml: string, file: string): { name: string; defaults: Map<string, string> } {
    const project = decodeYaml(projectYaml, file);
    const name = project.t === "map" ? project.v.get("name") : undefined;
    if (!name || name.t !== "str") throw new ConfigError(file, "has no project name", "set name: in Pulumi.yaml");
    const defaults = new Map<string, string>();
    const config = project.t === "map" ? project.v.get("config") : undefined;
    if (config?.t === "map") {
        for (const [key, decl] of config.v) {
            const full = key.includes(":") ? key : `${name.v}:${key}`;
            // A declaration is a map with `default:` (or `value:`), or, in the short form, the default itself.
            const typed =
                decl.t === "map" &&
                ["type", "default", "value", "description", "secret", "items"].some((k) => decl.v.has(k));
            const dflt = typed ? (decl.v.get("default") ?? decl.v.get("value")) : decl;
            if (dflt !== undefined && dflt.t !== "null") defaults.set(full, defaultText(dflt, `${file} config.${key}`));
        }
    }
    return { name: name.v, defaults };
}

/**
 * The config a program receives for a stack file, as the Pulumi CLI makes it: the stack's values,
 * then Pulumi.yaml's defaults for the keys it leaves unset. Encrypted values are left out of
 * `values` and listed in `secure`: only `pulumi` can decrypt them.
 */
export function pulumiConfig(
    projectYaml: string,
    stackYaml: string,
    files: { project: string; stack: string },
): PulumiConfig {
    const { name, defaults } = projectDefaults(projectYaml, files.project);
    const stack = decodeYaml(stackYaml, files.stack);
    const values: Record<string, string> = {};
    const secure: string[] = [];
    const rewritten: PulumiConfig["rewritten"] = [];
    const ciphertexts: Record<string, string> = {};
    const objects: string[] = [];
    const config = stack.t === "map" ? stack.v.get("config") : undefined;
    if (stack.t !== "null" && stack.t !== "map") {
        throw new ConfigError(
            files.stack,
            "is not a map of settings",
            "start the file with config: and indent the keys under it",
        );
    }
    if (config !== undefined && config.t !== "null" && config.t !== "map") {
        throw new ConfigError(
            `${files.stack} config`,
            "is not a map of keys to values",
            `write each key as ${name}:KEY: VALUE under config:`,
        );
    }
    const spelled = new Map<string, string>();
    for (const [key, value] of config?.t === "map" ? config.v : []) {
        // `ns:config:key` is the old spelling of `ns:key`.
        const full = key.includes(":") ? key.replace(/^([^:]+):config:/, "$1:") : `${name}:${key}`;
        const other = spelled.get(full);
        if (other !== undefined) {
            // Pulumi keeps one of them in Go's map order, which changes from run to run (checked against its loader).
            throw new ConfigError(
                `${files.stack} config`,
                `sets ${full} twice, as ${other} and as ${key} (directly or through a merge <<), and Pulumi takes either at random`,
                `keep one of ${other} and ${key}`,
            );
        }
        spelled.set(full, key);
        if (containsSecure(value)) {
            secure.push(full);
            if (isSecure(value) && value.t === "map") ciphertexts[full] = (value.v.get("secure") as { v: string }).v;
            continue;
        }
        const { text, object } = configText(value, `${files.stack} ${full}`);
        values[full] = text;
        if (object) objects.push(full);
        if (value.src !== undefined && value.t !== "str" && value.t !== "null" && values[full] !== value.src) {
            rewritten.push({ key: full, written: value.src, passed: values[full] });
        }
    }
    for (const [key, text] of defaults) {
        if (!(key in values) && !secure.includes(key)) values[key] = text;
    }
    const environment = stack.t === "map" && stack.v.has("environment");
    return { values, secure: secure.sort(), ciphertexts, objects, rewritten, ...(environment ? { environment } : {}) };
}

/**
 * Pulumi's check of the keys Pulumi.yaml declares with a `type:`, before the program runs
 * (workspace.validateStackConfigValues): a required key must be set; a string must not be a list or
 * map; an integer is decimal digits; a boolean is exactly true or false, so `enabled: ~` (passed as
 * "") is refused. A ConfigError naming the key, as the plan's refusal.
 */
export function checkDeclaredTypes(projectYaml: string, config: PulumiConfig, file: string): void {
    const project = decodeYaml(projectYaml, "Pulumi.yaml");
    const name = project.t === "map" ? project.v.get("name") : undefined;
    const decls = project.t === "map" ? project.v.get("config") : undefined;
    if (decls?.t !== "map" || name?.t !== "str") return;
    for (const key of [...decls.v.keys()].sort()) {
        const decl = decls.v.get(key) as GoValue;
        const type = decl.t === "map" ? decl.v.get("type") : undefined;
        if (type?.t !== "str") continue;
        const full = key.includes(":") ? key : `${name.v}:${key}`;
        if (config.secure.includes(full)) continue; // Only pulumi can decrypt it; the plan refuses it on reading.
        const text = config.values[full];
        if (text === undefined && config.environment) {
            throw new ConfigError(
                key,
                `is not set in ${file}; it may come from the stack's environment: (Pulumi ESC), which the offline plan cannot read`,
                `set ${key} in ${file} to plan offline, or check the stack with pulumi preview`,
            );
        }
        if (text === undefined) {
            throw new ConfigError(
                key,
                `is not set in ${file}, and Pulumi.yaml declares it without a default, so Pulumi refuses to run`,
                `pulumi config set ${key} VALUE`,
            );
        }
        const object = config.objects.includes(full);
        const ok =
            type.v === "string"
                ? !object
                : type.v === "integer"
                  ? !object && /^[+-]?[0-9]+$/.test(text) && BigInt(text) >= INT64_MIN && BigInt(text) <= INT64_MAX
                  : type.v === "boolean"
                    ? !object && (text === "true" || text === "false")
                    : true;
        if (!ok) {
            throw new ConfigError(
                key,
                `is ${object ? "a list or a map" : JSON.stringify(text)} in ${file}, but Pulumi.yaml declares it ${type.v === "integer" ? "an integer" : `a ${type.v}`}, so Pulumi refuses to run`,
                `pulumi config set ${key} VALUE${type.v === "boolean" ? " (true or false; YAML's yes, on and ~ are not)" : ""}`,
            );
        }
    }
}
