// Merging what this project owns into the operator's atomic lists (spec.env, spec.stork.env,
// spec.volumes). A server-side apply of an atomic list replaces it whole, so every entry that is
// not ours must be written back untouched and in order. Pure.

/** Anything listed by `name`: env vars, volumes. */
export interface Named {
    name: string;
}

/**
 * Writes `desired` into `live` by name. An owned name is replaced in place at its first live
 * position (later duplicates are dropped) or removed when not desired; desired entries not yet
 * live are appended in their given order; every other entry is kept as it is, in order.
 * Feeding the result back as `live` returns the same list.
 *
 * @example
 * mergeByName(
 *     [{ name: "A", value: "1" }, { name: "PORTWORX_AUTH_JWT_ISSUER", value: "old" }],
 *     [{ name: "PORTWORX_AUTH_JWT_ISSUER", value: "new" }],
 *     ["PORTWORX_AUTH_JWT_ISSUER"],
 * ); // [{ name: "A", value: "1" }, { name: "PORTWORX_AUTH_JWT_ISSUER", value: "new" }]
 */
export function mergeByName<T extends Named>(
    live: readonly T[] | undefined,
    desired: readonly T[],
    owned: readonly string[],
): T[] {
    const ownedNames = new Set<string>([...owned, ...desired.map((d) => d.name)]);
    const wanted = new Map(desired.map((d) => [d.name, d]));
    const placed = new Set<string>();
    const out: T[] = [];
    for (const entry of live ?? []) {
        if (!ownedNames.has(entry.name)) {
            out.push(entry);
            continue;
        }
        const ours = wanted.get(entry.name);
        if (ours && !placed.has(entry.name)) {
            out.push(ours);
            placed.add(entry.name);
        }
    }
    for (const d of desired) {
        if (!placed.has(d.name)) out.push(d);
    }
    return out;
}

/** What a merge did, by name, for plans and previews. */
export interface ListChange {
    added: string[];
    changed: string[];
    removed: string[];
}

/** Names added, changed or removed between two lists (compared by canonical JSON). */
export function listChange<T extends Named>(before: readonly T[] | undefined, after: readonly T[]): ListChange {
    const b = new Map((before ?? []).map((e) => [e.name, canonicalJson(e)]));
    const a = new Map(after.map((e) => [e.name, canonicalJson(e)]));
    return {
        added: [...a.keys()].filter((n) => !b.has(n)),
        changed: [...a.keys()].filter((n) => b.has(n) && b.get(n) !== a.get(n)),
        removed: [...b.keys()].filter((n) => !a.has(n)),
    };
}

/**
 * JSON with object keys sorted, so equal values compare equal whatever their key order. Written out
 * by hand: a replacer that rebuilds every object took up to a third of a plan's time.
 */
export function canonicalJson(value: unknown): string {
    return canonical(value) ?? "undefined";
}

/** As JSON.stringify for JSON data: undefined, functions and symbols are left out of objects, null in arrays. */
function canonical(v: unknown): string | undefined {
    if (v === null) return "null";
    if (typeof v !== "object") return typeof v === "function" || typeof v === "symbol" ? undefined : JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map((x) => canonical(x) ?? "null").join(",")}]`;
    const o = v as Record<string, unknown>;
    const fields: string[] = [];
    for (const k of Object.keys(o).sort()) {
        const s = canonical(o[k]);
        if (s !== undefined) fields.push(`${JSON.stringify(k)}:${s}`);
    }
    return `{${fields.join(",")}}`;
}
