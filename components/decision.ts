// What one run does, from the live objects it read: the plan, the key Secrets' values it keeps, and
// which value each key Secret's data key holds. The component's shell only registers this. Pure.
import type { KeyRole } from "./env";
import type { KeySecret, LiveSecretKeys, SecretId } from "./keys";
import { planKeys } from "./keys";
import { liveShapeRefusal } from "./liveShape";
import { buildPlan, type Plan } from "./plan";
import type { LiveDeployment, LiveStorageCluster } from "./preflight";
import type { Settings } from "./settings";

/** A live object that cannot take this configuration: nothing is written. The message names no value. */
export class Refusal extends Error {
    constructor(message: string) {
        super(message);
        this.name = "Refusal";
    }
}

/** The data (base64, as the API server returns it) of each key Secret read, by `namespace/name`. */
export type LiveSecretData = Record<SecretId, Record<string, string>>;

/** The run's decision: the plan, and the values of the Secrets it reads keys from. */
export interface Decision {
    plan: Plan;
    secrets: LiveSecretData;
}

/** This run's candidate values: each key generator's, and the shared secret given in config. */
export interface Candidates {
    generated: Partial<Record<KeyRole, string>>;
    givenSharedSecret?: string;
}

/** The value of every key this run, and what each key Secret holds (base64), by resource role. */
export interface KeyMaterial {
    values: Partial<Record<KeyRole, string>>;
    secretData: Partial<Record<KeySecret["role"], Record<string, string>>>;
}

/**
 * The Secrets a run must read for these live objects: exactly those they refer to.
 *
 * @example
 * secretsToRead(settings, securedCluster); // [{ namespace: "portworx", name: "px-system-secrets" }]
 */
export function secretsToRead(
    s: Settings,
    cluster: LiveStorageCluster,
    stork?: LiveDeployment,
): { namespace: string; name: string }[] {
    const shape = liveShapeRefusal(s, cluster, stork);
    if (shape) throw new Refusal(shape);
    return planKeys(s, cluster, stork).reads;
}

/** A Secret `secretsToRead` named, with the data read (undefined when it has none). */
export interface SecretRead {
    namespace: string;
    name: string;
    data?: Record<string, string>;
}

/**
 * Plans the run with the Secrets read, and refuses when the plan has findings or a key in use is
 * missing from its Secret.
 *
 * @example
 * decide(settings, cluster, undefined, []).plan.storageClusterPatch; // the first run's patch
 */
export function decide(
    s: Settings,
    cluster: LiveStorageCluster,
    stork: LiveDeployment | undefined,
    read: SecretRead[],
): Decision {
    const secrets: LiveSecretData = Object.fromEntries(read.map((r) => [`${r.namespace}/${r.name}`, r.data ?? {}]));
    const keys: LiveSecretKeys = Object.fromEntries(Object.entries(secrets).map(([id, d]) => [id, Object.keys(d)]));
    const plan = buildPlan(s, cluster, stork, keys);
    if (plan.findings.length > 0) {
        throw new Refusal(
            `preflight failed, nothing was written:\n${plan.findings.map((f) => `  - ${f.field}: ${f.message}`).join("\n")}`,
        );
    }
    const decision = { plan, secrets };
    // Every key the plan reads back from the cluster must be there, before anything is written.
    for (const k of plan.keys.keys) if (k.origin === "kept" && k.live) liveValue(decision, k.live);
    for (const ks of plan.keys.secrets) for (const [, src] of ks.data) if ("copy" in src) liveValue(decision, src.copy);
    return decision;
}

/** A key read back from a live Secret, or a refusal naming the missing data key (never a value). */
function liveValue(d: Decision, at: { secret: SecretId; key: string }): string {
    const b64 = d.secrets[at.secret]?.[at.key];
    if (b64 === undefined) {
        throw new Refusal(
            `the live cluster refers to data key ${at.key} of Secret ${at.secret}, which has no such key, so the key in use cannot be kept. Fix: restore that data key (pods that restart now fail to start), or remove the reference from the StorageCluster and run again to generate a new key`,
        );
    }
    return Buffer.from(b64, "base64").toString("utf8");
}

/**
 * The value a key takes this run: the cluster's when kept, the config's when supplied, the
 * generator's otherwise (undefined when the role has no key in this configuration).
 *
 * @example
 * keyValue(decision, "shared", { generated: { shared: "9f…" } }); // "9f…" on a first run
 */
export function keyValue(d: Decision, role: KeyRole, c: Candidates): string | undefined {
    const k = d.plan.keys.keys.find((x) => x.role === role);
    if (!k) return undefined;
    if (k.origin === "kept" && k.live) return liveValue(d, k.live);
    return k.origin === "supplied" ? c.givenSharedSecret : c.generated[role];
}

/**
 * Which value each key takes this run (`keyValue`), and what each key Secret holds.
 *
 * @example
 * keyMaterial(decision, { generated: { system: "9f…", apps: "41…" } }).secretData["system-keys"];
 * // { "system-secret.1": base64 of the kept or generated value, ... }
 */
export function keyMaterial(d: Decision, c: Candidates): KeyMaterial {
    const values: Partial<Record<KeyRole, string>> = {};
    for (const k of d.plan.keys.keys) {
        const v = keyValue(d, k.role, c);
        if (v !== undefined) values[k.role] = v;
    }
    const base64 = (v: string) => Buffer.from(v, "utf8").toString("base64");
    const secretData: KeyMaterial["secretData"] = {};
    for (const ks of d.plan.keys.secrets) {
        secretData[ks.role] = Object.fromEntries(
            ks.data.map(([key, src]) => {
                const v = "role" in src ? values[src.role] : liveValue(d, src.copy);
                if (v === undefined) throw new Error(`no value for data key ${key} of ${ks.namespace}/${ks.name}`);
                return [key, base64(v)];
            }),
        );
    }
    return { values, secretData };
}
