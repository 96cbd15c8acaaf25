// Every manifest this project writes, built from settings and the live StorageCluster. The
// component and the offline plan command both use this: one source of truth. Pure.
import type * as YAMLModule from "yaml";
import type { Settings } from "./settings";
import {
    desiredState,
    type Desired,
    OWNED_AUTOPILOT_ENV,
    OWNED_PX_ENV,
    OWNED_STORK_ENV,
    KEYS_REVISION_ENV,
    OWNED_VOLUMES,
    parseKeysRevision,
    PUBLIC_KEY_FILES,
    PX_ENV,
    STORK_ENV,
    SYSTEM_SECRET,
    type EnvVar,
    type Volume,
} from "./env";
import {
    describeKeys,
    formatRetired,
    planKeys,
    RETIRED_ANNOTATION,
    type KeyPlan,
    type KeySecret,
    type LiveSecretKeys,
} from "./keys";
import { canonicalJson, listChange, mergeByName, type ListChange } from "./merge";
import { operatorNotes, pacedNotes, portworxRestart } from "./operatorRules";
import {
    hasAuthEnabledField,
    hasForeignAuth,
    operatorAuthOn,
    operatorManagesStork,
    preflight,
    securityAuthOn,
    securityTlsOn,
    unsettled,
    type Finding,
    type LiveDeployment,
    type LiveSecurity,
    type LiveStorageCluster,
} from "./preflight";
import { tenancyManifests, tenancyNotes, type ClusterManifest } from "./tenants";
import { ADMIN_TOKEN_SECRET, TOKEN_SECRET_KEY } from "./tokens";

export const STORAGE_CLUSTER_API_VERSION = "core.libopenstorage.org/v1";
/** Keeps the key Secrets out of Stork and PX-Backup backups, as the operator does. */
export const SKIP_BACKUP_ANNOTATION = "stork.libopenstorage.org/skip-resource";
/** Stands in for a secret value in every rendered manifest. */
export const REDACTED = "(secret)";

export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    [field: string]: unknown;
}

/** What changes on the pods, following the operator's rules (facts §3.2, §3.3). */
export interface Restarts {
    /** How the Portworx nodes restart in this update, and why; unset when none does. */
    portworx?: string;
    /** Why Stork restarts in this update; unset when it does not. */
    stork?: string;
    /** Why Autopilot restarts in this update; unset when it does not. */
    autopilot?: string;
}

export interface Plan {
    settings: Settings;
    findings: Finding[];
    /**
     * The key Secrets, in the order of `keys.secrets`: the shared secret's (`secretName`),
     * `px-system-secrets`, and a copy of the Stork key in Stork's namespace when Stork runs there.
     * `data` values are {@link REDACTED}.
     */
    keySecrets: Manifest[];
    /** Where each key comes from in this run, and what each key Secret holds. */
    keys: KeyPlan;
    /** One Secret per minted token (tenants' `px-user-token` included). */
    tokenSecrets: Manifest[];
    /** Env mode: the admin token again, in `px-admin-token`, where storkctl looks for it. */
    adminTokenSecret?: Manifest;
    /** StorageClasses pointing at `px-user-token` in the PVC's namespace (./tenants.ts). */
    storageClasses: ClusterManifest[];
    /** The CSI VolumeSnapshotClass, likewise. */
    volumeSnapshotClass?: ClusterManifest;
    /** The public keys; `data` values are the PEM file names' placeholders. */
    publicKeys?: Manifest;
    storageClusterPatch: Manifest;
    storkPatch?: Manifest;
    /**
     * Deployment mode: Stork's live env already holds exactly our entries. The provider's diff of
     * the patch then compares by index with Stork's own entries (README "Stork"), so it is not asked.
     */
    storkPatchSettled?: boolean;
    changes: { env: ListChange; storkEnv: ListChange; autopilotEnv: ListChange; volumes: ListChange };
    restarts: Restarts;
    /** What the operator of this change must know before and after it (rotation, upgrade). */
    notes: string[];
    /**
     * Entries of the lists we write back that carry a literal value under a secret-looking name
     * (`spec.env[3] AWS_SECRET_ACCESS_KEY`). The patch is then kept secret, and plans redact them.
     */
    literalSecrets: string[];
}

const SECRET_LOOKING = /secret|passw|token|private|credential|(^|_)key($|_)|apikey|(^|_)auth($|_)/i;
/** Names that look secret but hold settings: a Vault auth method, a key file's path... */
const SETTING_SUFFIX = /_(METHOD|ROLE|PATH|FILE|DIR|NAMESPACE|URL|ADDR|MOUNT|NAME|ID)$/i;
/**
 * A URL with credentials in it, such as a proxy's: a user name alone (`https://TOKEN@host`, a token often goes
 * there), a user and password, or a password with an empty user (`http://:pw@proxy`): any user info but `@` or `:@`.
 */
const URL_CREDENTIALS = /:\/\/:*[^/?#@\s:][^/?#@\s]*@/;

/** A user entry with a literal value under a secret-looking name (ours never hold literals that are secret). */
function isLiteralSecret(e: EnvVar): boolean {
    if (e.value === undefined || e.value === "" || OWNED_PX_ENV.includes(e.name)) return false;
    return URL_CREDENTIALS.test(e.value) || (SECRET_LOOKING.test(e.name) && !SETTING_SUFFIX.test(e.name));
}

/** Entries of the StorageCluster patch that hold a literal value under a secret-looking name. */
export function literalSecrets(spec: {
    env?: EnvVar[];
    stork?: { env?: EnvVar[] };
    autopilot?: { env?: EnvVar[] };
}): string[] {
    const found: string[] = [];
    const scan = (list: EnvVar[] | undefined, at: string) =>
        (list ?? []).forEach((e, i) => {
            if (isLiteralSecret(e)) found.push(`${at}[${i}] ${e.name}`);
        });
    scan(spec.env, "spec.env");
    scan(spec.stork?.env, "spec.stork.env");
    scan(spec.autopilot?.env, "spec.autopilot.env");
    return found;
}

function patchAnnotations(s: Settings): Record<string, string> {
    return {
        "pulumi.com/patchFieldManager": s.fieldManager,
        "pulumi.com/patchForce": "true",
    };
}

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "portworx-auth" };

function secretManifest(s: Settings, name: string, namespace: string, keys: string[], adopted = false): Manifest {
    // px-system-secrets is the operator's name; keep it in the operator's shape in both modes.
    // The operator rewrites the Secrets it adopts with exactly its annotation: match it, or drift.
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name,
            namespace,
            ...(adopted ? {} : { labels: { ...LABELS } }),
            annotations: { [SKIP_BACKUP_ANNOTATION]: "true", ...patchAnnotations(s) },
        },
        type: "Opaque",
        data: Object.fromEntries(keys.map((k) => [k, REDACTED])),
    };
}

/** Included when it has entries now or had some live: omitting a list we once applied would drop it. */
function listField<T>(live: T[] | undefined, merged: T[]): T[] | undefined {
    return (live?.length ?? 0) > 0 || merged.length > 0 ? merged : undefined;
}

function sameMultiset(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
    const x = (a ?? []).map(canonicalJson).sort();
    const y = (b ?? []).map(canonicalJson).sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
}

function describe(c: ListChange): string {
    const parts = [
        c.added.length ? `adds ${c.added.join(", ")}` : "",
        c.changed.length ? `changes ${c.changed.join(", ")}` : "",
        c.removed.length ? `removes ${c.removed.join(", ")}` : "",
    ].filter(Boolean);
    return parts.join("; ");
}

/** The objects besides the StorageCluster patch, which do not depend on the live cluster. */
export interface ObjectManifests {
    /** One Secret per minted token, under `auth-token`, in the order of `settings.tokens`. */
    tokenSecrets: Manifest[];
    adminTokenSecret?: Manifest;
    storageClasses: ClusterManifest[];
    volumeSnapshotClass?: ClusterManifest;
    publicKeys?: Manifest;
    storkPatch?: Manifest;
}

/** The manifest of a key Secret, its data values {@link REDACTED}. */
export function keySecretManifest(s: Settings, k: KeySecret): Manifest {
    // The operator adopts px-system-secrets (and, in its mode, the shared secret's): its shape, or drift.
    const adopted = k.name === SYSTEM_SECRET || s.securityMode === "operator";
    return secretManifest(
        s,
        k.name,
        k.namespace,
        k.data.map(([key]) => key),
        adopted,
    );
}

/** Builds the token Secrets, the public keys ConfigMap and the Stork Deployment patch. */
export function objectManifests(s: Settings, desired: Pick<Desired, "storkEnv">): ObjectManifests {
    const wiresDeployment = s.stork.mode === "deployment" && s.securityMode === "env";
    const storkPatch: Manifest | undefined = wiresDeployment
        ? {
              apiVersion: "apps/v1",
              kind: "Deployment",
              metadata: {
                  name: s.stork.deploymentName,
                  namespace: s.stork.namespace,
                  annotations: patchAnnotations(s),
              },
              spec: { template: { spec: { containers: [{ name: s.stork.containerName, env: desired.storkEnv }] } } },
          }
        : undefined;
    const ss = s.selfSigned;
    const pemKeys = [
        ...(ss?.rsaPublicKey ? [PUBLIC_KEY_FILES.rsa] : []),
        ...(ss?.ecdsaPublicKey ? [PUBLIC_KEY_FILES.ecdsa] : []),
    ];
    const publicKeys: Manifest | undefined =
        pemKeys.length > 0
            ? {
                  apiVersion: "v1",
                  kind: "ConfigMap",
                  metadata: {
                      name: s.publicKeysConfigMapName,
                      namespace: s.namespace,
                      labels: { ...LABELS },
                      annotations: patchAnnotations(s),
                  },
                  data: Object.fromEntries(pemKeys.map((k) => [k, `(PEM: ${k})`])),
              }
            : undefined;
    const tokenSecrets = s.tokens.map((t) => secretManifest(s, t.secretName, t.namespace, [TOKEN_SECRET_KEY]));
    const adminTokenSecret = adminTokenCopy(s)
        ? secretManifest(s, ADMIN_TOKEN_SECRET, s.namespace, [TOKEN_SECRET_KEY])
        : undefined;
    return {
        tokenSecrets,
        ...(adminTokenSecret ? { adminTokenSecret } : {}),
        ...tenancyManifests(s.tenancy, LABELS),
        ...(publicKeys ? { publicKeys } : {}),
        ...(storkPatch ? { storkPatch } : {}),
    };
}

/** Env mode writes the minted admin token to `px-admin-token` too; the operator owns it in its mode. */
export function adminTokenCopy(s: Settings): boolean {
    return s.securityMode === "env" && s.tokens.some((t) => t.name === "admin");
}

/** Our entries in Stork's live Deployment (deployment mode); undefined when it was not given. */
function liveStorkEntries(s: Settings, stork: LiveDeployment | null | undefined): EnvVar[] | undefined {
    if (stork === undefined) return undefined;
    const container = stork?.spec?.template?.spec?.containers?.find((c) => c.name === s.stork.containerName);
    return (container?.env ?? []).filter((e) => OWNED_STORK_ENV.includes(e.name));
}

/** Deployment mode: the env is a map list, so only our names count; Stork rolls when one differs. */
function storkDeploymentRestart(
    s: Settings,
    stork: LiveDeployment | null | undefined,
    want: EnvVar[],
): string | undefined {
    const liveEnv = liveStorkEntries(s, stork);
    if (liveEnv === undefined) {
        return `Stork restarts if its Deployment's env differs from ${want.map((e) => e.name).join(", ") || "nothing of ours"} (the live Deployment was not given)`;
    }
    const change = listChange(liveEnv, want);
    return sameMultiset(liveEnv, want) ? undefined : `Stork restarts (its Deployment's env ${describe(change)})`;
}

/**
 * The `ignoreChanges` of a key Secret's patch. In operator mode the operator adopts the Secret and
 * replaces its annotations with its own (operator pkg/util/k8s/k8s.go CreateOrAppendToSecret,
 * L1976 and L1984-1986), so `pulumi.com/patch*` go; the provider reads them from the inputs, and
 * a refresh that finds them gone must not turn into an update that writes them back.
 */
export function keySecretIgnoreChanges(s: Settings, k: KeySecret): string[] {
    if (s.securityMode !== "operator" || k.namespace !== s.namespace) return [];
    return Object.keys(patchAnnotations(s)).map((a) => `metadata.annotations["${a}"]`);
}

/**
 * Operator mode: every `spec.security` field set explicitly, or the operator writes its defaults.
 * `auth.enabled` is written only where the live object shows the CRD has it (released CRDs do
 * not; without it, `enabled: true` means authorization on). TLS also hangs on `enabled`: turning
 * authorization off keeps `enabled: true` and writes `auth.enabled: false` while TLS is on. The
 * patch never names `tls`, so TLS settings stay with whoever set them.
 */
function securitySpec(s: Settings, live: LiveSecurity | undefined): Record<string, unknown> | undefined {
    if (s.securityMode !== "operator" || !s.operator || !s.selfSigned) return undefined;
    if (!s.enabled) return securityTlsOn(live) ? { enabled: true, auth: { enabled: false } } : { enabled: false };
    return {
        enabled: true,
        auth: {
            ...(hasAuthEnabledField(live) ? { enabled: true } : {}),
            guestAccess: s.operator.guestAccess,
            selfSigned: {
                issuer: s.selfSigned.issuer,
                tokenLifetime: s.operator.tokenLifetime,
                sharedSecret: s.secretName,
            },
        },
    };
}

/**
 * Operator rules for spec.security (facts §3.2; `isSecurityBounceRequired`): authorization on or
 * off, and, while on, the issuer and the shared secret's name roll pods. TLS never changes here.
 */
function securityRestart(live: LiveSecurity | undefined, want: Record<string, unknown> | undefined): string {
    if (!want) return "";
    const w = want as LiveSecurity;
    const [before, after] = [securityAuthOn(live), securityAuthOn(w)];
    const reasons = [
        before !== after ? `spec.security turns authorization ${after ? "on" : "off"}` : "",
        before && after && live?.auth?.selfSigned?.issuer !== w.auth?.selfSigned?.issuer
            ? "the self-signed issuer changes"
            : "",
        before && after && live?.auth?.selfSigned?.sharedSecret !== w.auth?.selfSigned?.sharedSecret
            ? "the shared secret's Secret name changes"
            : "",
    ];
    return reasons.filter(Boolean).join(", ");
}

const ROTATION_NOTES: Record<string, string> = {
    pubkeys:
        "the public keys change: Portworx nodes restart one at a time to read them, and tokens signed with the old private key stop working on each node as it restarts.",
    system: "the system key rotates: Portworx nodes restart one at a time, and until the last one has restarted, nodes on the old key and nodes on the new key reject each other's node-to-node tokens. Expect cluster operations to fail or stall during the roll; rotate it in a maintenance window.",
    stork: "Stork's own key rotates (rotationStorkKey): Portworx and Stork restart in this update; Stork's calls fail on nodes still on the old key until the roll ends. The key the operator signs with (px-system-secrets apps-secret) does not change, so the operator's roll cannot stall on it.",
    shared: "the shared secret rotates: tokens signed with the old one stop working on each node as it restarts. Tokens this project mints renew in this update; re-mint any other token.",
};

/**
 * An apps key rotation: what the operator does mid-roll, how to see it stall and how to get out
 * (upstream-check §1.1, §1.6). The operator signs with apps-secret over one pinned connection.
 */
export function appsRotationNote(s: Settings): string {
    const see = `You see it as status.phase staying Updating (kubectl -n ${s.namespace} get storagecluster ${s.storageClusterName}) while pods stop restarting, and the operator's log repeating a failed call to Portworx with PermissionDenied (kubectl logs deploy/portworx-operator -n <its namespace> | grep PermissionDenied).`;
    if (s.securityMode === "operator") {
        return `the apps key rotates (rotationAppsKey): the operator replaces px-system-secrets apps-secret in place and signs its own calls to Portworx with the new key over one connection pinned to one node; nodes still on the old key reject them, so the roll can stop while that connection is on an old node. ${see} Way out: delete the operator's pod so it reconnects (again, until the roll moves), or delete the remaining old Portworx pods one at a time (they come back on the new key). Rotate it in a maintenance window.`;
    }
    return `the apps key rotates (rotationAppsKey): Portworx nodes restart one at a time, and Autopilot${s.storkKeyPairing === "apps" ? " and Stork" : ""} restart. The operator signs its own calls to Portworx with px-system-secrets apps-secret over one connection pinned to one node, and this update leaves apps-secret on the old key: once that connection lands on a node already on the new key (at the latest when the last node has restarted), the operator's calls fail and the roll stops. ${see} Way out: run \`pulumi up\` again. It moves apps-secret to the new key and restarts nothing, so it is safe at any point of the roll; if the roll then still does not move (the connection is on a node still on the old key), delete the operator's pod so it reconnects, or delete the remaining old Portworx pods one at a time (they come back on the new key). Old keys go on a \`pulumi up\` after status.phase has settled.`;
}

/** Notes for the people running this update: rotation, turning auth on or off, paired clusters. */
function notesFor(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    env: EnvVar[],
    desiredStork: EnvVar[],
): string[] {
    const notes: string[] = [];
    const liveEnv = live?.spec?.env ?? [];
    const had = (n: string) => liveEnv.some((e) => e.name === n);
    const authBefore = had(PX_ENV.systemKey) || operatorAuthOn(live);
    if (s.enabled && !authBefore) {
        notes.push(
            "Authorization turns on for a running cluster: every Portworx node restarts once, one at a time, and the cluster is mixed (auth and non-auth nodes) until the last one has restarted.",
            s.operator?.guestAccess === "Disabled"
                ? "Guest access is Disabled (guestAccess): applications that send no token lose access to every volume, public ones (created without a token) included, as each node restarts. Give them tokens first."
                : "Guest access (Portworx 2.6 or later) keeps public volumes, those created without a token, usable by applications that send no token.",
        );
        if (s.pairedClusters) {
            notes.push(
                `Paired clusters: once the roll has finished, reset this cluster's token (kubectl -n ${s.namespace} exec <a portworx pod> -c portworx -- /opt/pwx/bin/pxctl cluster token reset), then generate a new ClusterPair for this cluster (storkctl generate clusterpair) and apply it wherever a ClusterPair points at this cluster.`,
            );
        }
    }
    if (!s.enabled && authBefore) {
        notes.push(
            "Authorization turns off: every Portworx node restarts once; until the last one has, nodes that still require tokens refuse calls without one, and the StorageCluster may show Degraded. Stork restarts and sends no token.",
        );
    }
    if (s.enabled && authBefore) notes.push(...switchNotes(s, live, env, desiredStork));
    const foreign = live ? hasForeignAuth(s, live) : undefined;
    if (s.enabled && foreign) {
        notes.push(
            `Takeover: authorization was set up outside this project (${foreign}); its keys are replaced: the system key, the apps key, the Stork key (Stork restarts) and the shared secret.`,
            `Rotation: ${ROTATION_NOTES.system}`,
            `Rotation: ${appsRotationNote(s)}`,
            `Rotation: ${ROTATION_NOTES.shared}`,
        );
    }
    if (s.enabled && authBefore) {
        const before = parseKeysRevision(liveEnv.find((e) => e.name === KEYS_REVISION_ENV)?.value);
        const after = parseKeysRevision(env.find((e) => e.name === KEYS_REVISION_ENV)?.value);
        for (const key of ["system", "apps", "stork", "shared", "pubkeys"]) {
            if (before[key] !== undefined && after[key] !== undefined && before[key] !== after[key]) {
                notes.push(`Rotation: ${key === "apps" ? appsRotationNote(s) : ROTATION_NOTES[key]}`);
            }
        }
        // A marker field is new either because a key is new (a public key added now) or because an older
        // portworx-auth wrote the marker without it (the key was already in the env).
        const hadPubkeys = liveEnv.some((e) => e.name === PX_ENV.jwtRsaPubkey || e.name === PX_ENV.jwtEcdsPubkey);
        const added = Object.keys(after).filter(
            (k) => Object.keys(before).length > 0 && before[k] === undefined && (k !== "pubkeys" || hadPubkeys),
        );
        if (after.pubkeys !== undefined && before.pubkeys === undefined && !hadPubkeys) {
            notes.push(
                `Public keys are added: Portworx reads them only at start, so its nodes restart once, one at a time; the keys in use do not change.`,
            );
        }
        if (added.length) {
            notes.push(
                `The rollout marker ${KEYS_REVISION_ENV} gains ${added.join(", ")} (a newer portworx-auth): Portworx nodes restart once, one at a time, with no key changed.`,
            );
        }
    }
    return notes;
}

/** Notes for a switch on a secured cluster that rolls pods or stops tokens from working. */
function switchNotes(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    env: EnvVar[],
    desiredStork: EnvVar[],
): string[] {
    const notes: string[] = [];
    const liveEnv = live?.spec?.env ?? [];
    const has = (list: EnvVar[], n: string) => list.some((e) => e?.name === n);
    if (has(liveEnv, PX_ENV.jwtSharedSecret) && !has(env, PX_ENV.jwtSharedSecret) && s.securityMode === "env") {
        notes.push(
            "The shared secret is no longer configured (sharedSecret, or a generated one, gives way to public keys only): tokens signed with it, this project's included, stop working on each node as it restarts. Re-mint them with the private key.",
        );
    }
    if (s.securityMode === "operator" && has(liveEnv, PX_ENV.systemKey)) {
        notes.push(
            "securityMode changes from env to operator: the operator takes over the same keys (px-system-secrets and secretName hold the values in use), every Portworx node restarts once, and the operator rebuilds Stork with its own issuer; tokens keep working.",
        );
    }
    const issuer = (list: EnvVar[] | undefined) => list?.find((e) => e?.name === STORK_ENV.jwtIssuer)?.value;
    const liveStork = issuer(live?.spec?.stork?.env);
    const wantStork = issuer(desiredStork);
    if (s.stork.mode === "operator" && liveStork && wantStork && liveStork !== wantStork) {
        notes.push(
            `storkKeyPairing changes Stork's issuer from ${liveStork} to ${wantStork}: Stork restarts, and its calls are refused by nodes that have not restarted yet until the roll ends.`,
        );
    }
    const liveGuest = (live?.spec?.security as { auth?: { guestAccess?: string } } | undefined)?.auth?.guestAccess;
    if (s.operator?.guestAccess === "Disabled" && operatorAuthOn(live) && liveGuest !== "Disabled") {
        notes.push(
            "guestAccess becomes Disabled: applications that send no token lose access to public volumes (those created without a token) at once; the operator rewrites the guest role, no pod restarts. Give them tokens first.",
        );
    }
    return notes;
}

/** Notes on the keys: moves from the old layout, rotations against the cluster, old keys removed. */
function keyNotes(s: Settings, keys: KeyPlan): string[] {
    // A new key is news only where the cluster already holds others; the plan lists them all.
    const secured = keys.keys.some((k) => k.live);
    const notes: string[] = describeKeys(keys)
        .filter((_, i) => keys.keys[i].origin === "rotated" || (secured && keys.keys[i].origin === "new"))
        .map((line) => `Keys: ${line}.`);
    const legacy = keys.keys.filter(
        (k) =>
            k.origin === "kept" &&
            k.live &&
            !k.live.key.includes(".") &&
            k.live.secret === `${s.namespace}/${s.secretName}` &&
            k.role !== "shared",
    );
    if (legacy.length && s.securityMode === "env") {
        notes.push(
            `Key layout: this cluster was secured by an earlier portworx-auth, with its keys in the Secret ${s.secretName}. They move, with the same values, to ${SYSTEM_SECRET} (system-secret, stork-secret), the layout the operator, Autopilot and storkctl expect: the env now refers to the new Secret keys, so every Portworx node restarts once and Stork restarts, with no key changed. The old data keys stay until a \`pulumi up\` after the roll has finished.`,
        );
    }
    const split = keys.keys.find((k) => k.role === "stork" && k.origin === "kept" && k.live?.key.startsWith("apps-"));
    if (split?.live) {
        notes.push(
            `Key layout: Stork gets a key of its own (${SYSTEM_SECRET} stork-secret.${split.version}, read by PORTWORX_AUTH_STORK_KEY and Stork's PX_SHARED_SECRET), starting as a copy of the value Stork reads today (${split.live.secret}, data key ${split.live.key}), so no token breaks: every Portworx node restarts once and Stork restarts, with no key changed. From now on rotationStorkKey rotates only Stork's key, which the operator never signs with, and rotationAppsKey the apps key (apps-secret) the operator and Autopilot sign with.`,
        );
    }
    for (const k of keys.keys) {
        if (k.origin === "rotated" && s.securityMode === "operator") {
            notes.push(
                `Rotation in operator mode: the operator reads ${k.role === "shared" ? s.secretName : SYSTEM_SECRET} under a fixed data key, so the new ${k.role === "shared" ? "shared secret" : `${k.role} key`} replaces the old one in place; a Portworx container that restarts before its pod is rolled starts on the new key early. Rotate in a maintenance window.`,
            );
        }
    }
    if (keys.removed.length) {
        notes.push(
            `Old keys removed: ${keys.removed.map((r) => `${r.secret} ${r.key}`).join(", ")}; no live object refers to them any more.`,
        );
    }
    return notes;
}

/**
 * Builds the plan: preflight findings, the manifests, and what restarts.
 *
 * @example
 * const plan = buildPlan(resolveSettings(args), liveStorageCluster);
 * if (plan.findings.length) throw new Error(plan.findings[0].message);
 */
export function buildPlan(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    /** Deployment mode: the live Stork Deployment; `undefined` when it was not read. */
    stork?: LiveDeployment | null,
    /** The data key names of the key Secrets the component read; the offline plan has none. */
    secretKeys?: LiveSecretKeys,
): Plan {
    const findings = preflight(s, live, stork);
    const spec = live?.spec ?? {};
    const liveEnv = spec.env;
    const liveStorkEnv = spec.stork?.env;
    const liveAutopilotEnv = spec.autopilot?.env;
    const liveVolumes = spec.volumes;
    const keys = planKeys(s, live, stork, secretKeys);
    findings.push(...keys.findings);

    const desired = desiredState(s);
    const env = mergeByName<EnvVar>(liveEnv, desired.portworxEnv, OWNED_PX_ENV);
    const storkEnv = mergeByName<EnvVar>(
        liveStorkEnv,
        s.stork.mode === "operator" ? desired.storkEnv : [],
        OWNED_STORK_ENV,
    );
    // Autopilot only where the operator runs it; ours is removed wherever it is not wanted.
    const autopilotEnv = mergeByName<EnvVar>(
        liveAutopilotEnv,
        spec.autopilot?.enabled === true ? desired.autopilotEnv : [],
        OWNED_AUTOPILOT_ENV,
    );
    const volumes = mergeByName<Volume>(liveVolumes, desired.volumes, OWNED_VOLUMES);

    const patchSpec: Record<string, unknown> = {};
    const envField = listField(liveEnv, env);
    if (envField) patchSpec.env = envField;
    const storkField = listField(liveStorkEnv, storkEnv);
    // Writing spec.stork where it is absent would stop the operator from defaulting it to enabled:
    // say enabled explicitly whenever the operator runs Stork (it only mirrors the live state).
    if (storkField) {
        patchSpec.stork = { ...(live && operatorManagesStork(live) ? { enabled: true } : {}), env: storkField };
    }
    const autopilotField = listField(liveAutopilotEnv, autopilotEnv);
    if (autopilotField) patchSpec.autopilot = { env: autopilotField };
    const volumesField = listField(liveVolumes, volumes);
    if (volumesField) patchSpec.volumes = volumesField;
    const security = securitySpec(s, spec.security as LiveSecurity | undefined);
    if (security) patchSpec.security = security;

    // The retired key versions travel with the patch that moves the pods off them: one write.
    const retired = formatRetired(keys.retired);
    const storageClusterPatch: Manifest = {
        apiVersion: STORAGE_CLUSTER_API_VERSION,
        kind: "StorageCluster",
        metadata: {
            name: s.storageClusterName,
            namespace: s.namespace,
            annotations: { ...patchAnnotations(s), ...(retired ? { [RETIRED_ANNOTATION]: retired } : {}) },
        },
        spec: patchSpec,
    };

    const { tokenSecrets, adminTokenSecret, publicKeys, storkPatch, storageClasses, volumeSnapshotClass } =
        objectManifests(s, desired);
    const keySecrets = keys.secrets.map((k) => keySecretManifest(s, k));

    const changes = {
        env: listChange(liveEnv, env),
        storkEnv: listChange(liveStorkEnv, storkEnv),
        autopilotEnv: listChange(liveAutopilotEnv, autopilotEnv),
        volumes: listChange(liveVolumes, volumes),
    };
    const restarts: Restarts = {};
    const pxReasons = [
        sameMultiset(liveEnv, env) ? "" : `spec.env ${describe(changes.env)}`,
        sameMultiset(liveVolumes, volumes) ? "" : `spec.volumes ${describe(changes.volumes)}`,
        securityRestart(spec.security as LiveSecurity | undefined, security),
    ].filter(Boolean);
    if (pxReasons.length) restarts.portworx = portworxRestart(s, live, pxReasons);
    if (s.stork.mode === "operator" && !sameMultiset(liveStorkEnv, storkEnv)) {
        restarts.stork = `Stork restarts (the operator rebuilds its Deployment: spec.stork.env ${describe(changes.storkEnv)})`;
    } else if (storkPatch) {
        restarts.stork = storkDeploymentRestart(s, stork, desired.storkEnv);
    }
    if (!sameMultiset(liveAutopilotEnv, autopilotEnv)) {
        restarts.autopilot = `Autopilot restarts (the operator rebuilds its Deployment: spec.autopilot.env ${describe(changes.autopilotEnv)})`;
    }

    const secretsInLists = literalSecrets(patchSpec);
    const rolling = restarts.portworx ? unsettled(s, live) : undefined;
    if (rolling) findings.push(rolling);

    return {
        settings: s,
        findings,
        keySecrets,
        keys,
        tokenSecrets,
        ...(adminTokenSecret ? { adminTokenSecret } : {}),
        storageClasses,
        ...(volumeSnapshotClass ? { volumeSnapshotClass } : {}),
        ...(publicKeys ? { publicKeys } : {}),
        storageClusterPatch,
        // Settled: the live Deployment was read and holds exactly our entries, so nothing restarts Stork.
        ...(storkPatch ? { storkPatch, storkPatchSettled: stork !== undefined && restarts.stork === undefined } : {}),
        changes,
        restarts,
        notes: [
            ...pacedNotes([...notesFor(s, live, env, desired.storkEnv), ...keyNotes(s, keys)], live),
            ...tenancyNotes(s, live),
            ...(secretsInLists.length
                ? [
                      `${secretsInLists.join(", ")} hold literal values under secret-looking names. This update writes these lists whole, so their patch is kept secret in Pulumi state (previews show it as [secret]) and plans redact those values. Move them into a Secret and refer to them with valueFrom.secretKeyRef.`,
                  ]
                : []),
            ...operatorNotes(s, live, restarts.portworx !== undefined),
        ],
        literalSecrets: secretsInLists,
    };
}

/** The StorageCluster patch with every literal secret-looking value replaced by {@link REDACTED}. */
function redactLiterals(m: Manifest): Manifest {
    const spec = structuredClone(m.spec) as {
        env?: EnvVar[];
        stork?: { env?: EnvVar[] };
        autopilot?: { env?: EnvVar[] };
    };
    const hide = (list: EnvVar[] | undefined) => {
        for (const e of list ?? []) {
            if (isLiteralSecret(e)) e.value = REDACTED;
        }
    };
    hide(spec.env);
    hide(spec.stork?.env);
    hide(spec.autopilot?.env);
    return { ...m, spec };
}

/** The plan as deterministic text: same inputs, same bytes. No secret value ever appears. */
export function renderPlan(plan: Plan, title: string): string {
    // Loaded here: the Pulumi program plans but never renders, and need not load a YAML library.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require("yaml") as typeof YAMLModule;
    const s = plan.settings;
    const out: string[] = [`# portworx-auth plan: ${title}`, ""];
    out.push(`StorageCluster: ${s.namespace}/${s.storageClusterName}`);
    out.push(
        `Authorization: ${s.enabled ? "on" : "off (removing this project's entries)"}; security mode: ${s.securityMode}`,
    );
    const models: string[] = [];
    if (s.selfSigned) {
        const keys = [
            s.selfSigned.sharedSecret !== "none" ? `shared secret (${s.selfSigned.sharedSecret})` : "",
            s.selfSigned.rsaPublicKey ? "RSA public key" : "",
            s.selfSigned.ecdsaPublicKey ? "ECDSA public key" : "",
        ].filter(Boolean);
        models.push(`self-signed, issuer ${s.selfSigned.issuer}, verified with ${keys.join(" + ")}`);
    }
    if (s.oidc) {
        models.push(
            `OIDC, issuer ${s.oidc.issuer}, client id ${s.oidc.clientId}${s.oidc.customClaimNamespace ? `, claim namespace ${s.oidc.customClaimNamespace}` : ""}`,
        );
    }
    out.push(`Trust models: ${models.join("; ")}`);
    out.push(`Username claim: ${s.usernameClaim}`);
    out.push(
        `Stork: ${s.stork.mode}${s.stork.mode === "deployment" ? ` (${s.stork.namespace}/${s.stork.deploymentName}, container ${s.stork.containerName})` : ""}; key pairing: ${s.securityMode === "operator" ? "by the operator" : s.storkKeyPairing}`,
    );
    if (s.operator) {
        out.push(
            `Operator security: guest access ${s.operator.guestAccess}, token lifetime ${s.operator.tokenLifetime}`,
        );
    }
    const tokens = s.tokens
        .filter((t) => !t.tenant)
        .map((t) => `${t.name} (${t.roles.join(", ")}; ${t.lifetime}; Secret ${t.namespace}/${t.secretName})`);
    out.push(`Tokens: ${tokens.join("; ") || "none"}`);
    if (s.tenancy) {
        const tenants = s.tokens
            .filter((t) => t.tenant)
            .map(
                (t) =>
                    `${t.namespace} (${t.roles.join(", ")}; ${t.lifetime}; sub ${t.subject}; Secret ${t.namespace}/${t.secretName})`,
            );
        out.push(`Tenants: ${tenants.join("; ") || "none"}`);
        const classes = s.tenancy.storageClasses.map(
            (c) => `${c.name}${c.isDefault ? " (default)" : ""}${c.csi ? "" : " (in-tree)"}`,
        );
        out.push(`StorageClasses: ${classes.join(", ") || "none"}`);
        out.push(`VolumeSnapshotClass: ${s.tenancy.volumeSnapshotClass?.name ?? "none"}`);
    }
    out.push("");
    if (plan.findings.length) {
        out.push("Preflight: FAILED. Nothing would be written.");
        for (const f of plan.findings) out.push(`  - ${f.field}: ${f.message}`);
        return out.join("\n") + "\n";
    }
    out.push("Preflight: passed.");
    out.push("");
    out.push("Restarts:");
    out.push(`  Portworx: ${plan.restarts.portworx ?? "none"}`);
    out.push(`  Stork: ${plan.restarts.stork ?? "none"}`);
    if (plan.restarts.autopilot) out.push(`  Autopilot: ${plan.restarts.autopilot}`);
    out.push("");
    out.push("Keys (the cluster is the source of truth for keys in use):");
    for (const line of describeKeys(plan.keys)) out.push(`  ${line}`);
    if (plan.notes.length) {
        out.push("");
        out.push("Before you apply:");
        for (const n of plan.notes) out.push(`  - ${n}`);
    }
    out.push("");
    out.push("Changes to the StorageCluster's lists (every other entry is kept as it is, in order):");
    for (const [field, c] of [
        ["spec.env", plan.changes.env],
        ["spec.stork.env", plan.changes.storkEnv],
        ["spec.autopilot.env", plan.changes.autopilotEnv],
        ["spec.volumes", plan.changes.volumes],
    ] as const) {
        out.push(`  ${field}: ${describe(c) || "unchanged"}`);
    }
    const docs = [
        ...plan.keySecrets,
        ...plan.tokenSecrets,
        plan.adminTokenSecret,
        plan.publicKeys,
        plan.storageClusterPatch,
        plan.storkPatch,
        ...plan.storageClasses,
        plan.volumeSnapshotClass,
    ].filter((m): m is Manifest | ClusterManifest => m !== undefined);
    out.push("");
    out.push(`Manifests (server-side apply, field manager ${s.fieldManager}; secret values shown as ${REDACTED}):`);
    for (const m of docs) {
        out.push("---");
        out.push(
            YAML.stringify(m === plan.storageClusterPatch ? redactLiterals(plan.storageClusterPatch) : m, {
                lineWidth: 0,
            }).trimEnd(),
        );
    }
    return out.join("\n") + "\n";
}
