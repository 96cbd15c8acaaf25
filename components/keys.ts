// Where each key comes from in this run, and which data keys each key Secret holds. The live
// cluster is the source of truth for keys in use: a key the live StorageCluster (or Stork's
// Deployment) refers to is read back and kept, whatever the Pulumi state holds. Pure.
import type { Settings } from "./settings";
import {
    KEYS_REVISION_ENV,
    LEGACY_STORK_KEY,
    parseKeysRevision,
    SECRET_KEYS,
    SYSTEM_SECRET,
    versionedKey,
    type EnvVar,
    type KeyRole,
} from "./env";
import {
    clusterRolling,
    hasForeignAuth,
    operatorAuthOn,
    type LiveDeployment,
    type LiveStorageCluster,
} from "./preflight";

/** A Secret as `namespace/name`. */
export type SecretId = string;

/** Where a data key's value comes from: this run's value of a key, or a copy of a live data key. */
export type KeySource = { role: KeyRole } | { copy: { secret: SecretId; key: string } };

/** A key Secret this project writes, with every data key it holds this run, in a fixed order. */
export interface KeySecret {
    /** The resource's role: `${name}-${role}`. */
    role: "keys" | "system-keys" | "stork-keys";
    namespace: string;
    name: string;
    data: [string, KeySource][];
}

/** What happens to one key in this run. */
export interface KeyState {
    role: KeyRole;
    /** The version asked for (`rotation.*`). */
    version: string;
    /**
     * `kept`: the value the cluster holds for this version; `new`: generated, nothing live used a
     * key of this role; `rotated`: generated, replacing version `from`; `supplied`: from config.
     */
    origin: "kept" | "new" | "rotated" | "supplied";
    /** The live data key the value is read from (`kept`), or the old key's (`rotated`). */
    live?: { secret: SecretId; key: string; version: string };
}

export interface KeyPlan {
    /** The Secrets the component must read: exactly those the live objects refer to. */
    reads: { namespace: string; name: string }[];
    keys: KeyState[];
    secrets: KeySecret[];
    /** Data keys dropped from a Secret this run (no live object refers to them any more). */
    removed: { secret: SecretId; key: string }[];
}

/** What the component learnt from its reads: the data key names (never values) per Secret. */
export type LiveSecretKeys = Record<SecretId, string[]>;

const ROLE_OF_KEY: Record<string, KeyRole> = {
    [SECRET_KEYS.system]: "system",
    [SECRET_KEYS.apps]: "apps",
    [LEGACY_STORK_KEY]: "apps",
    [SECRET_KEYS.shared]: "shared",
};
/** The marker's name for each role's version. */
const MARKER_NAME: Record<KeyRole, string> = { system: "system", apps: "stork", shared: "shared" };
const OUR_KEY = /^(system-secret|apps-secret|stork-secret|shared-secret)(?:\.([A-Za-z0-9][A-Za-z0-9._-]*))?$/;

/** One live reference to a data key of ours, with the version it holds. */
interface LiveRef {
    secret: SecretId;
    key: string;
    role: KeyRole;
    version: string;
}

/** Which version each role asks for. */
export function desiredVersion(s: Settings, role: KeyRole): string {
    return role === "system" ? s.rotation.systemKey : role === "apps" ? s.rotation.storkKey : s.rotation.sharedSecret;
}

/** The roles this configuration holds keys for. */
export function rolesInUse(s: Settings): KeyRole[] {
    return s.selfSigned && s.selfSigned.sharedSecret !== "none" ? ["system", "apps", "shared"] : ["system", "apps"];
}

/** The Secrets this project may hold keys in. */
function ourSecrets(s: Settings): Set<SecretId> {
    return new Set([
        `${s.namespace}/${SYSTEM_SECRET}`,
        `${s.namespace}/${s.secretName}`,
        `${s.stork.namespace}/${s.secretName}`,
    ]);
}

/** Every reference the live objects make to a data key of ours, in list order. */
export function liveRefs(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    stork?: LiveDeployment | null,
): LiveRef[] {
    if (!live?.spec || hasForeignAuth(s, live)) return [];
    const spec = live.spec;
    const marker = parseKeysRevision(
        (Array.isArray(spec.env) ? spec.env : []).find((e) => e?.name === KEYS_REVISION_ENV)?.value,
    );
    const ours = ourSecrets(s);
    const refs: LiveRef[] = [];
    const add = (namespace: string, name: string | undefined, key: string | undefined) => {
        const m = typeof key === "string" ? OUR_KEY.exec(key) : null;
        const secret = `${namespace}/${name}`;
        if (!m || !ours.has(secret) || refs.some((r) => r.secret === secret && r.key === key)) return;
        const role = ROLE_OF_KEY[m[1]];
        refs.push({ secret, key: key as string, role, version: m[2] ?? marker[MARKER_NAME[role]] ?? "?" });
    };
    const scan = (list: unknown, namespace: string) => {
        if (!Array.isArray(list)) return;
        for (const e of list as (EnvVar | null)[]) {
            const ref = e?.valueFrom?.secretKeyRef;
            if (ref) add(namespace, ref.name, ref.key);
        }
    };
    scan(spec.env, s.namespace);
    scan(spec.stork?.env, s.namespace);
    scan((spec.autopilot as { env?: unknown } | undefined)?.env, s.namespace);
    for (const c of stork?.spec?.template?.spec?.containers ?? []) {
        scan(c?.env, stork?.metadata?.namespace ?? s.stork.namespace);
    }
    // In its own security mode the operator wires these itself (facts §2.3, §2.4).
    if (operatorAuthOn(live)) {
        add(s.namespace, SYSTEM_SECRET, SECRET_KEYS.system);
        add(s.namespace, SYSTEM_SECRET, SECRET_KEYS.apps);
        const shared = (spec.security as { auth?: { selfSigned?: { sharedSecret?: string } } }).auth?.selfSigned
            ?.sharedSecret;
        if (shared === s.secretName) add(s.namespace, s.secretName, SECRET_KEYS.shared);
    }
    return refs;
}

/**
 * Decides, per key, whether it is kept from the cluster, new or rotated, and what each key Secret
 * holds. `secretKeys` are the data key names the component read (the offline plan has none and
 * assumes only the referenced keys exist).
 *
 * @example
 * planKeys(settings, liveStorageCluster).keys; // [{ role: "system", version: "1", origin: "kept", ... }, ...]
 */
export function planKeys(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    stork?: LiveDeployment | null,
    secretKeys: LiveSecretKeys = {},
): KeyPlan {
    const refs = liveRefs(s, live, stork);
    const home = (role: KeyRole): SecretId => `${s.namespace}/${role === "shared" ? s.secretName : SYSTEM_SECRET}`;
    const keys: KeyState[] = rolesInUse(s).map((role) => {
        const version = desiredVersion(s, role);
        const mine = refs.filter((r) => r.role === role);
        // The Secret in the cluster's namespace first: a copy elsewhere holds the same value.
        const same =
            mine.find((r) => r.version === version && r.secret === home(role)) ??
            mine.find((r) => r.version === version);
        const unfinished = secretKeys[home(role)]?.includes(versionedKey(role, version));
        const old = mine[0];
        if (role === "shared" && s.selfSigned?.sharedSecret === "supplied") {
            return { role, version, origin: "supplied", ...(old && !same ? { live: old } : {}) };
        }
        if (same) return { role, version, origin: "kept", live: same };
        if (unfinished && s.securityMode === "env") {
            // Written by an earlier run that did not get to patch the StorageCluster.
            const key = versionedKey(role, version);
            return { role, version, origin: "kept", live: { secret: home(role), key, version } };
        }
        if (old) return { role, version, origin: "rotated", live: old };
        return { role, version, origin: "new" };
    });

    const valueOf = (role: KeyRole): KeySource => ({ role });
    // The unversioned alias is what the operator and other tools read: it names the key the pods
    // run with, so it moves to a rotated key only once the live spec refers to the new one.
    const aliasOf = (role: KeyRole): KeySource => {
        const k = keys.find((x) => x.role === role);
        return s.securityMode === "env" && k?.origin === "rotated" && k.live
            ? { copy: { secret: k.live.secret, key: k.live.key } }
            : valueOf(role);
    };
    const rolling = clusterRolling(live);
    const removed: KeyPlan["removed"] = [];
    const secret = (role: KeySecret["role"], namespace: string, name: string, data: [string, KeySource][]) => {
        const id = `${namespace}/${name}`;
        const keep = (key: string) => {
            if (!data.some(([k]) => k === key)) data.push([key, { copy: { secret: id, key } }]);
        };
        for (const r of refs) if (r.secret === id) keep(r.key);
        for (const key of secretKeys[id] ?? []) {
            if (!OUR_KEY.test(key) || data.some(([k]) => k === key)) continue;
            if (rolling) keep(key);
            else removed.push({ secret: id, key });
        }
        return { role, namespace, name, data };
    };

    const env = s.securityMode === "env";
    const secrets: KeySecret[] = [];
    if (rolesInUse(s).includes("shared")) {
        const v = desiredVersion(s, "shared");
        secrets.push(
            secret(
                "keys",
                s.namespace,
                s.secretName,
                env
                    ? [
                          [versionedKey("shared", v), valueOf("shared")],
                          [SECRET_KEYS.shared, aliasOf("shared")],
                      ]
                    : [[SECRET_KEYS.shared, valueOf("shared")]],
            ),
        );
    }
    secrets.push(
        secret(
            "system-keys",
            s.namespace,
            SYSTEM_SECRET,
            env
                ? [
                      [versionedKey("system", s.rotation.systemKey), valueOf("system")],
                      [SECRET_KEYS.system, aliasOf("system")],
                      [versionedKey("apps", s.rotation.storkKey), valueOf("apps")],
                      [SECRET_KEYS.apps, aliasOf("apps")],
                  ]
                : [
                      [SECRET_KEYS.system, valueOf("system")],
                      [SECRET_KEYS.apps, valueOf("apps")],
                  ],
        ),
    );
    if (env && s.stork.mode === "deployment" && s.stork.namespace !== s.namespace) {
        secrets.push(
            secret("stork-keys", s.stork.namespace, s.secretName, [
                [versionedKey("apps", s.rotation.storkKey), valueOf("apps")],
            ]),
        );
    }
    const reads = [...new Set(refs.map((r) => r.secret))].map((id) => {
        const [namespace, name] = id.split("/");
        return { namespace, name };
    });
    return { reads, keys, secrets, removed };
}

const ROLE_WORDS: Record<KeyRole, string> = { system: "system key", apps: "Stork key", shared: "shared secret" };

/** One line per key: kept, new or rotated, and what happens to the old one. */
export function describeKeys(plan: KeyPlan): string[] {
    return plan.keys.map((k) => {
        const what = `${ROLE_WORDS[k.role]} (version ${k.version})`;
        const at = k.live ? `${k.live.secret}, data key ${k.live.key}` : "";
        switch (k.origin) {
            case "kept":
                return `${what}: kept from the cluster (${at})`;
            case "new":
                return `${what}: new, generated in this update (the cluster holds none in use)`;
            case "rotated":
                return `${what}: rotated from version ${k.live?.version} (${at}); the old key stays readable until a later \`pulumi up\` after the roll has finished`;
            case "supplied":
                return `${what}: from your stack config${k.live ? `, replacing version ${k.live.version} (${at}); the old key stays readable until a later \`pulumi up\` after the roll has finished` : ""}`;
        }
    });
}
