// Every manifest this project writes, built from settings and the live StorageCluster. The
// component and the offline plan command both use this: one source of truth. Pure.
import * as YAML from "yaml";
import type { Settings } from "./args";
import {
    desiredPortworxEnv,
    desiredStorkEnv,
    desiredVolumes,
    OWNED_PX_ENV,
    OWNED_STORK_ENV,
    OWNED_VOLUMES,
    PUBLIC_KEY_FILES,
    SECRET_KEYS,
    type EnvVar,
    type Volume,
} from "./env";
import { canonicalJson, listChange, mergeByName, type ListChange } from "./merge";
import { preflight, type Finding, type LiveStorageCluster } from "./preflight";

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
    portworx?: string;
    stork?: string;
}

export interface Plan {
    settings: Settings;
    findings: Finding[];
    /** The key Secret; `data` values are {@link REDACTED}. */
    secret: Manifest;
    /** A copy of the Stork key in Stork's namespace, when Stork runs elsewhere. */
    storkSecret?: Manifest;
    /** The public keys; `data` values are the PEM file names' placeholders. */
    publicKeys?: Manifest;
    storageClusterPatch: Manifest;
    storkPatch?: Manifest;
    changes: { env: ListChange; storkEnv: ListChange; volumes: ListChange };
    restarts: Restarts;
}

function patchAnnotations(s: Settings): Record<string, string> {
    return {
        "pulumi.com/patchFieldManager": s.fieldManager,
        "pulumi.com/patchForce": "true",
    };
}

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "portworx-auth" };

/** Which keys the key Secret holds. */
export function secretKeys(s: Settings): string[] {
    const keys: string[] = [SECRET_KEYS.system, SECRET_KEYS.stork];
    if (s.selfSigned && s.selfSigned.sharedSecret !== "none") keys.push(SECRET_KEYS.shared);
    return keys;
}

function secretManifest(s: Settings, namespace: string, keys: string[]): Manifest {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: s.secretName,
            namespace,
            labels: { ...LABELS },
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
    secret: Manifest;
    storkSecret?: Manifest;
    publicKeys?: Manifest;
    storkPatch?: Manifest;
}

/** Builds the key Secret(s), the public keys ConfigMap and the Stork Deployment patch. */
export function objectManifests(s: Settings): ObjectManifests {
    const secret = secretManifest(s, s.namespace, secretKeys(s));
    const wiresDeployment = s.stork.mode === "deployment" && s.securityMode === "env";
    const storkSecret =
        wiresDeployment && s.stork.namespace !== s.namespace
            ? secretManifest(s, s.stork.namespace, [SECRET_KEYS.stork])
            : undefined;
    const storkPatch: Manifest | undefined = wiresDeployment
        ? {
              apiVersion: "apps/v1",
              kind: "Deployment",
              metadata: {
                  name: s.stork.deploymentName,
                  namespace: s.stork.namespace,
                  annotations: patchAnnotations(s),
              },
              spec: { template: { spec: { containers: [{ name: s.stork.containerName, env: desiredStorkEnv(s) }] } } },
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
    return {
        secret,
        ...(storkSecret ? { storkSecret } : {}),
        ...(publicKeys ? { publicKeys } : {}),
        ...(storkPatch ? { storkPatch } : {}),
    };
}

/**
 * Builds the plan: preflight findings, the manifests, and what restarts.
 *
 * @example
 * const plan = buildPlan(resolveSettings(args), liveStorageCluster);
 * if (plan.findings.length) throw new Error(plan.findings[0].message);
 */
export function buildPlan(s: Settings, live: LiveStorageCluster | undefined | null): Plan {
    const findings = preflight(s, live);
    const spec = live?.spec ?? {};
    const liveEnv = spec.env;
    const liveStorkEnv = spec.stork?.env;
    const liveVolumes = spec.volumes;

    const env = mergeByName<EnvVar>(liveEnv, desiredPortworxEnv(s), OWNED_PX_ENV);
    const storkDesired = desiredStorkEnv(s);
    const storkEnv = mergeByName<EnvVar>(
        liveStorkEnv,
        s.stork.mode === "operator" ? storkDesired : [],
        OWNED_STORK_ENV,
    );
    const volumes = mergeByName<Volume>(liveVolumes, desiredVolumes(s), OWNED_VOLUMES);

    const patchSpec: Record<string, unknown> = {};
    const envField = listField(liveEnv, env);
    if (envField) patchSpec.env = envField;
    const storkField = listField(liveStorkEnv, storkEnv);
    if (storkField) patchSpec.stork = { env: storkField };
    const volumesField = listField(liveVolumes, volumes);
    if (volumesField) patchSpec.volumes = volumesField;

    const storageClusterPatch: Manifest = {
        apiVersion: STORAGE_CLUSTER_API_VERSION,
        kind: "StorageCluster",
        metadata: { name: s.storageClusterName, namespace: s.namespace, annotations: patchAnnotations(s) },
        spec: patchSpec,
    };

    const { secret, storkSecret, publicKeys, storkPatch } = objectManifests(s);

    const changes = {
        env: listChange(liveEnv, env),
        storkEnv: listChange(liveStorkEnv, storkEnv),
        volumes: listChange(liveVolumes, volumes),
    };
    const restarts: Restarts = {};
    const pxReasons = [
        sameMultiset(liveEnv, env) ? "" : `spec.env ${describe(changes.env)}`,
        sameMultiset(liveVolumes, volumes) ? "" : `spec.volumes ${describe(changes.volumes)}`,
    ].filter(Boolean);
    if (pxReasons.length) {
        restarts.portworx = `every Portworx node restarts, one at a time (the operator rolls pods when ${pxReasons.join(" and ")})`;
    }
    if (s.stork.mode === "operator" && !sameMultiset(liveStorkEnv, storkEnv)) {
        restarts.stork = `Stork restarts (the operator rebuilds its Deployment: spec.stork.env ${describe(changes.storkEnv)})`;
    } else if (storkPatch) {
        restarts.stork = `Stork restarts if its Deployment's env differs from ${storkDesired.map((e) => e.name).join(", ") || "nothing of ours"} (the live Deployment is not read)`;
    }

    return {
        settings: s,
        findings,
        secret,
        ...(storkSecret ? { storkSecret } : {}),
        ...(publicKeys ? { publicKeys } : {}),
        storageClusterPatch,
        ...(storkPatch ? { storkPatch } : {}),
        changes,
        restarts,
    };
}

/** The plan as deterministic text: same inputs, same bytes. No secret value ever appears. */
export function renderPlan(plan: Plan, title: string): string {
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
        `Stork: ${s.stork.mode}${s.stork.mode === "deployment" ? ` (${s.stork.namespace}/${s.stork.deploymentName}, container ${s.stork.containerName})` : ""}; key pairing: ${s.storkKeyPairing}`,
    );
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
    out.push("");
    out.push("Changes to the StorageCluster's lists (every other entry is kept as it is, in order):");
    for (const [field, c] of [
        ["spec.env", plan.changes.env],
        ["spec.stork.env", plan.changes.storkEnv],
        ["spec.volumes", plan.changes.volumes],
    ] as const) {
        out.push(`  ${field}: ${describe(c) || "unchanged"}`);
    }
    const docs = [plan.secret, plan.storkSecret, plan.publicKeys, plan.storageClusterPatch, plan.storkPatch].filter(
        (m): m is Manifest => m !== undefined,
    );
    out.push("");
    out.push(`Manifests (server-side apply, field manager ${s.fieldManager}; secret values shown as ${REDACTED}):`);
    for (const m of docs) {
        out.push("---");
        out.push(YAML.stringify(m, { lineWidth: 0 }).trimEnd());
    }
    return out.join("\n") + "\n";
}
