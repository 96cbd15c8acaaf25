// Where each key comes from in this run, and which data keys each key Secret holds. The live
// cluster is the source of truth for keys in use: a key the live StorageCluster (or Stork's
// Deployment) refers to is read back and kept, whatever the Pulumi state holds. Pure.
import type { Settings } from "./settings";
import {
    desiredVersion,
    KEYS_REVISION_ENV,
    parseKeysRevision,
    PX_ENV,
    SECRET_KEYS,
    STORK_ENV,
    storkKeyRole,
    SYSTEM_SECRET,
    versionedKey,
    type EnvVar,
    type KeyRole,
} from "./env";
import {
    clusterRolling,
    hasForeignAuth,
    operatorAuthOn,
    type Finding,
    type LiveDeployment,
    type LiveStorageCluster,
} from "./preflight";

export { desiredVersion };

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
    /**
     * The versions each key has been rotated away from, this run's moves included: written to the
     * StorageCluster's {@link RETIRED_ANNOTATION}, so that no later run brings one back.
     */
    retired: Partial<Record<KeyRole, string[]>>;
    /** Refusals: a retired version asked for again, or an apps key version that would rotate it by surprise. */
    findings: Finding[];
}

/** What the component learnt from its reads: the data key names (never values) per Secret. */
export type LiveSecretKeys = Record<SecretId, string[]>;

/**
 * The StorageCluster annotation holding the key versions the cluster has moved away from, such as
 * `system=1;apps=1,2`. On the StorageCluster, not a key Secret: the operator rewrites the
 * annotations of the Secrets it adopts (operator mode), and a data key would make it rewrite them.
 */
export const RETIRED_ANNOTATION = "portworx-auth/retired-key-versions";

const ROLE_OF_KEY: Record<string, KeyRole> = {
    [SECRET_KEYS.system]: "system",
    [SECRET_KEYS.apps]: "apps",
    [SECRET_KEYS.stork]: "stork",
    [SECRET_KEYS.shared]: "shared",
};
const ROLES: KeyRole[] = ["system", "apps", "stork", "shared"];
const OUR_KEY = /^(system-secret|apps-secret|stork-secret|shared-secret)(?:\.([A-Za-z0-9][A-Za-z0-9._-]*))?$/;

/** The argument and stack config key that version each role. */
export const ROTATION_FIELD: Record<KeyRole, { arg: string; config: string }> = {
    system: { arg: "rotation.systemKey", config: "rotationSystemKey" },
    apps: { arg: "rotation.appsKey", config: "rotationAppsKey" },
    stork: { arg: "rotation.storkKey", config: "rotationStorkKey" },
    shared: { arg: "rotation.sharedSecret", config: "rotationSharedSecret" },
};

/** One live reference to a data key of ours, with the version it holds. */
interface LiveRef {
    secret: SecretId;
    key: string;
    role: KeyRole;
    version: string;
}

/** The roles this configuration holds keys for. */
export function rolesInUse(s: Settings): KeyRole[] {
    return [
        "system",
        "apps",
        ...(storkKeyRole(s) === "stork" ? (["stork"] as const) : []),
        ...(s.selfSigned && s.selfSigned.sharedSecret !== "none" ? (["shared"] as const) : []),
    ];
}

/** The Secrets this project may hold keys in. */
function ourSecrets(s: Settings): Set<SecretId> {
    return new Set([
        `${s.namespace}/${SYSTEM_SECRET}`,
        `${s.namespace}/${s.secretName}`,
        `${s.stork.namespace}/${s.secretName}`,
    ]);
}

/** The live marker's versions (empty when there is none). */
function liveMarker(live: LiveStorageCluster | undefined | null): Record<string, string> {
    const env = live?.spec?.env;
    return parseKeysRevision((Array.isArray(env) ? env : []).find((e) => e?.name === KEYS_REVISION_ENV)?.value);
}

/** The versions the live StorageCluster records as rotated away from, by role. */
export function retiredVersions(live: LiveStorageCluster | undefined | null): Partial<Record<KeyRole, string[]>> {
    const annotations = (live?.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations;
    const text = annotations?.[RETIRED_ANNOTATION];
    const out: Partial<Record<KeyRole, string[]>> = {};
    for (const [role, list] of Object.entries(parseKeysRevision(typeof text === "string" ? text : undefined))) {
        if ((ROLES as string[]).includes(role)) out[role as KeyRole] = list.split(",").filter(Boolean);
    }
    return out;
}

/** The annotation value for {@link RETIRED_ANNOTATION}, or undefined when nothing was retired. */
export function formatRetired(retired: Partial<Record<KeyRole, string[]>>): string | undefined {
    const parts = ROLES.filter((r) => retired[r]?.length).map((r) => `${r}=${(retired[r] as string[]).join(",")}`);
    return parts.length ? parts.join(";") : undefined;
}

/** Every reference the live objects make to a data key of ours, in list order. */
export function liveRefs(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    stork?: LiveDeployment | null,
): LiveRef[] {
    if (!live?.spec || hasForeignAuth(s, live)) return [];
    const spec = live.spec;
    const marker = liveMarker(live);
    const ours = ourSecrets(s);
    const refs: LiveRef[] = [];
    const add = (namespace: string, name: string | undefined, key: string | undefined, readsStorkKey = false) => {
        const m = typeof key === "string" ? OUR_KEY.exec(key) : null;
        const secret = `${namespace}/${name}`;
        if (!m || !ours.has(secret)) return;
        const base = ROLE_OF_KEY[m[1]];
        // Before Stork had a key of its own it read the apps key: in the stork pairing that value is
        // now Stork's key, so a reader of Stork's key counts for the Stork key, whatever data key it reads.
        const role = base === "apps" && readsStorkKey && storkKeyRole(s) === "stork" ? "stork" : base;
        if (refs.some((r) => r.secret === secret && r.key === key && r.role === role)) return;
        // An unversioned key's version is in the marker; before the apps key had its own, `stork` versioned it.
        const version = m[2] ?? (base === "apps" ? (marker.apps ?? marker.stork) : marker[base]) ?? "?";
        refs.push({ secret, key: key as string, role, version });
    };
    const scan = (list: unknown, namespace: string, storkKeyNames: string[]) => {
        if (!Array.isArray(list)) return;
        for (const e of list as (EnvVar | null)[]) {
            const ref = e?.valueFrom?.secretKeyRef;
            if (ref) add(namespace, ref.name, ref.key, storkKeyNames.includes(e?.name as string));
        }
    };
    scan(spec.env, s.namespace, [PX_ENV.storkKey]);
    scan(spec.stork?.env, s.namespace, [STORK_ENV.sharedSecret]);
    scan((spec.autopilot as { env?: unknown } | undefined)?.env, s.namespace, []);
    // Stork's Deployment is a live reader like the StorageCluster's lists, its Secret copy included.
    for (const c of stork?.spec?.template?.spec?.containers ?? []) {
        scan(c?.env, stork?.metadata?.namespace ?? s.stork.namespace, [STORK_ENV.sharedSecret]);
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
    const history = retiredVersions(live);
    const marker = liveMarker(live);
    const findings: Finding[] = [];
    const home = (role: KeyRole): SecretId => `${s.namespace}/${role === "shared" ? s.secretName : SYSTEM_SECRET}`;
    const keys: KeyState[] = rolesInUse(s).map((role) => {
        const version = desiredVersion(s, role);
        const mine = refs.filter((r) => r.role === role);
        const field = ROTATION_FIELD[role];
        if (s.enabled && history[role]?.includes(version)) {
            // A rotation is a revocation: the old key must never come back, whatever the Secret still holds.
            findings.push({
                field: field.arg,
                message: `version "${version}" of the ${ROLE_WORDS[role]} is one this cluster has rotated away from (StorageCluster annotation ${RETIRED_ANNOTATION}: ${formatRetired(history)}); bringing it back would make every token it revoked work again. Fix: set ${field.arg} (stack config ${field.config}) to a version this cluster has never used for it, such as today's date.`,
            });
        }
        const before = mine.find((r) => r.version !== "?")?.version;
        if (s.enabled && role === "apps" && marker.apps === undefined && marker.stork !== undefined && before) {
            if (before !== version && !mine.some((r) => r.version === version)) {
                findings.push({
                    field: field.arg,
                    message: `this cluster's apps key (the key the operator signs with) is version "${before}": before Stork had a key of its own, rotation.storkKey (stack config rotationStorkKey) versioned it, so version "${version}" would rotate it, and an apps key rotation can stop the operator's roll (docs/runbook.md). Fix: set ${field.arg} (stack config ${field.config}) to "${before}"; rotate it later on its own if you mean to.`,
                });
            }
        }
        // The Secret in the cluster's namespace first: a copy elsewhere holds the same value.
        const same =
            mine.find((r) => r.version === version && r.secret === home(role)) ??
            mine.find((r) => r.version === version);
        // A retired version is refused above, so a data key of the version asked for that no live
        // object reads is an earlier run's unfinished write.
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
    // This run moves every live reader of a role to the version asked for: the others retire.
    const retired: Partial<Record<KeyRole, string[]>> = {};
    for (const role of ROLES) {
        const list = [...(history[role] ?? [])];
        const k = keys.find((x) => x.role === role);
        if (s.enabled && k) {
            for (const r of refs) {
                if (r.role === role && r.version !== k.version && r.version !== "?" && !list.includes(r.version)) {
                    list.push(r.version);
                }
            }
        }
        if (list.length) retired[role] = list;
    }

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
                      [versionedKey("apps", s.rotation.appsKey), valueOf("apps")],
                      [SECRET_KEYS.apps, aliasOf("apps")],
                      // Stork's own key has no alias: nothing reads an unversioned one.
                      ...(storkKeyRole(s) === "stork"
                          ? [[versionedKey("stork", s.rotation.storkKey), valueOf("stork")] as [string, KeySource]]
                          : []),
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
                [versionedKey(storkKeyRole(s), desiredVersion(s, storkKeyRole(s))), valueOf(storkKeyRole(s))],
            ]),
        );
    }
    const reads = [...new Set(refs.map((r) => r.secret))].map((id) => {
        const [namespace, name] = id.split("/");
        return { namespace, name };
    });
    return { reads, keys, secrets, removed, retired, findings };
}

const ROLE_WORDS: Record<KeyRole, string> = {
    system: "system key",
    apps: "apps key",
    stork: "Stork key",
    shared: "shared secret",
};

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
