// One registry of every object this project writes. Two Patch resources with one field manager on
// the same object drop each other's fields on every apply, so no two writes may share an object.
// Pure.
import type { Settings } from "./settings";
import { SYSTEM_SECRET } from "./env";
import { ADMIN_TOKEN_SECRET } from "./tokens";
import { TENANT_SECRET_NAME, tenancyWrites } from "./tenants";

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

/** Every object this configuration writes, in a fixed order, including the operator's own in its mode. */
export function writes(s: Settings): Write[] {
    const out: Write[] = [];
    const secret = (namespace: string, name: string, field: string, what: string) =>
        out.push({ kind: "Secret", namespace, name, field, what });
    secret(s.namespace, SYSTEM_SECRET, "secretName", "the system and apps keys");
    // In operator mode the operator reads the shared secret from secretName whatever the keys.
    if ((s.selfSigned && s.selfSigned.sharedSecret !== "none") || s.securityMode === "operator") {
        secret(s.namespace, s.secretName, "secretName", "the shared secret");
    }
    if (s.securityMode === "env" && s.stork.mode === "deployment" && s.stork.namespace !== s.namespace) {
        secret(s.stork.namespace, s.secretName, "stork.namespace", "the Stork key's copy for Stork");
    }
    if (s.securityMode === "operator") {
        for (const n of OPERATOR_TOKEN_SECRETS) {
            secret(s.namespace, n, "securityMode", "a token Secret the operator owns in its security mode");
        }
    }
    s.tokens.forEach((t) => secret(t.namespace, t.secretName, t.field, `token ${t.name}`));
    if (s.securityMode === "env" && s.tokens.some((t) => t.name === "admin")) {
        secret(s.namespace, ADMIN_TOKEN_SECRET, "adminToken", "the admin token for storkctl");
    }
    out.push(...tenancyWrites(s.tenancy));
    if (s.selfSigned?.rsaPublicKey || s.selfSigned?.ecdsaPublicKey) {
        out.push({
            kind: "ConfigMap",
            namespace: s.namespace,
            name: s.publicKeysConfigMapName,
            field: "publicKeysConfigMapName",
            what: "the public keys",
        });
    }
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
