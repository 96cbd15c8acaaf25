// Every object this project writes, read off the plan's own builders (the key plan and the object
// manifests), so the collision check sees exactly what a run writes. Two Patch resources with one
// field manager on the same object drop each other's fields on every apply, so no two writes may
// share an object. Pure.
import type { Settings } from "./settings";
import { desiredStorkEnv } from "./env";
import { planKeys, type KeySecret } from "./keys";
import { objectManifests } from "./plan";
import { ADMIN_TOKEN_SECRET } from "./tokens";
import { TENANT_SECRET_NAME } from "./tenants";

/** Token Secrets the operator owns in its namespace in its own security mode (facts §2.2). */
export const OPERATOR_TOKEN_SECRETS: readonly string[] = [ADMIN_TOKEN_SECRET, TENANT_SECRET_NAME];

/** One object this project writes, and the argument that named it. */
export interface Write {
    kind: string;
    namespace: string;
    name: string;
    /** The argument a user changes to move it, such as `tokens[1].secretName`. */
    field: string;
    /** What it is, for messages. */
    what: string;
}

/** Each key Secret's argument and contents, in the order a collision is told: the fixed name first. */
const KEY_SECRETS: Record<KeySecret["role"], { rank: number; field: string; what: string }> = {
    "system-keys": { rank: 0, field: "secretName", what: "the system and apps keys" },
    keys: { rank: 1, field: "secretName", what: "the shared secret" },
    "stork-keys": { rank: 2, field: "stork.namespace", what: "the Stork key's copy for Stork" },
};

/** Every object this configuration writes, in a fixed order, including the operator's own in its mode. */
export function writes(s: Settings): Write[] {
    const out: Write[] = [];
    // Which key Secrets the key plan writes depends on the settings only, not on the cluster.
    const keySecrets = [...planKeys(s, undefined).secrets].sort(
        (a, b) => KEY_SECRETS[a.role].rank - KEY_SECRETS[b.role].rank,
    );
    for (const k of keySecrets) {
        out.push({ kind: "Secret", namespace: k.namespace, name: k.name, ...KEY_SECRETS[k.role] });
    }
    if (s.securityMode === "operator") {
        for (const name of OPERATOR_TOKEN_SECRETS) {
            out.push({
                kind: "Secret",
                namespace: s.namespace,
                name,
                field: "securityMode",
                what: "a token Secret the operator owns in its security mode",
            });
        }
    }
    const o = objectManifests(s, { storkEnv: desiredStorkEnv(s) });
    const at = (m: { kind: string; metadata: { name: string; namespace?: string } }, field: string, what: string) =>
        out.push({ kind: m.kind, namespace: m.metadata.namespace ?? "", name: m.metadata.name, field, what });
    o.tokenSecrets.forEach((m, i) => at(m, s.tokens[i]!.field, `token ${s.tokens[i]!.name}`));
    if (o.adminTokenSecret) at(o.adminTokenSecret, "adminToken", "the admin token for storkctl");
    o.storageClasses.forEach((m, i) => at(m, `storageClasses[${i}].name`, `StorageClass ${m.metadata.name}`));
    if (o.volumeSnapshotClass) at(o.volumeSnapshotClass, "volumeSnapshotClass.name", "the VolumeSnapshotClass");
    if (o.publicKeys) at(o.publicKeys, "publicKeysConfigMapName", "the public keys");
    return out;
}

/** Two writes on one object: the later one's argument, the problem and the fix. */
export interface Collision {
    field: string;
    problem: string;
    fix: string;
}

/**
 * The first pair of writes that land on one object, blaming the later one's argument, or undefined.
 *
 * @example
 * findCollision(settingsWithATokenSecretNamed("px-system-secrets")); // { field: "tokens[0].secretName", ... }
 */
export function findCollision(s: Settings): Collision | undefined {
    const seen = new Map<string, Write>();
    for (const w of writes(s)) {
        const id = `${w.kind} ${w.namespace}/${w.name}`;
        const first = seen.get(id);
        if (first) {
            return {
                field: w.field,
                problem: `would write ${id} (${w.what}), which already holds ${first.what} (set by ${first.field}); two writes to one object drop each other's fields on every update`,
                fix:
                    w.field === "adminToken"
                        ? "give the token that takes that name another secretName, or set adminToken: false"
                        : `give ${w.field} another value`,
            };
        }
        seen.set(id, w);
    }
    return undefined;
}
