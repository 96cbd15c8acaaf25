// Checks on the live StorageCluster before anything is written. Pure.
import type { Settings } from "./settings";
import { KEYS_REVISION_ENV, PX_AUTH_PREFIX, PX_ENV, SYSTEM_SECRET, type EnvVar, type Volume } from "./env";

/** The parts of a live StorageCluster this project reads. */
export interface LiveStorageCluster {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string; [k: string]: unknown };
    spec?: {
        env?: EnvVar[];
        volumes?: Volume[];
        stork?: { enabled?: boolean; env?: EnvVar[]; [k: string]: unknown };
        autopilot?: { enabled?: boolean; env?: EnvVar[]; [k: string]: unknown };
        security?: { enabled?: boolean; [k: string]: unknown };
        nodes?: { selector?: unknown; env?: EnvVar[]; [k: string]: unknown }[];
        [k: string]: unknown;
    };
    status?: { phase?: string; [k: string]: unknown };
}

/** Phases in which the operator is still rolling, repairing or removing nodes. */
const UNSETTLED = /initializ|updat|degrad|fail|uninstall|delet/i;

/** Whether the StorageCluster has not settled: the one definition, for preflight and for keeping old keys. */
export function clusterRolling(live: LiveStorageCluster | undefined | null): boolean {
    const phase = live?.status?.phase;
    return typeof phase === "string" && UNSETTLED.test(phase);
}

/**
 * The refusal for a StorageCluster still rolling or repairing, or undefined. Only asked when this
 * update would roll the nodes again; turning authorization off is always allowed.
 */
export function unsettled(s: Settings, live: LiveStorageCluster | undefined | null): Finding | undefined {
    const phase = live?.status?.phase;
    if (!s.enabled || s.allowUnsettledCluster || !clusterRolling(live)) return undefined;
    return {
        field: "status.phase",
        message: `StorageCluster ${s.namespace}/${s.storageClusterName} is ${phase}: an earlier change is still rolling through or failing on the nodes, and starting another roll now could leave some nodes without authorization. Fix: wait until \`kubectl -n ${s.namespace} get storagecluster ${s.storageClusterName}\` shows Running or Online, then run again; or, for an emergency rotation, set allowUnsettledCluster: true.`,
    };
}

/** `spec.security` as this project reads it. */
export interface LiveSecurity {
    enabled?: boolean;
    auth?: {
        enabled?: boolean;
        guestAccess?: string;
        selfSigned?: { issuer?: string; sharedSecret?: string; tokenLifetime?: string };
    };
    tls?: { enabled?: boolean; [k: string]: unknown };
}

/**
 * Whether `spec.security` turns authorization on, by the operator's rule (`pxutil.AuthEnabled`):
 * `security.enabled`, unless `security.auth.enabled` says false. A cluster with `enabled: true`
 * and `auth.enabled: false` is TLS only.
 */
export function securityAuthOn(security: LiveSecurity | undefined | null): boolean {
    return security?.enabled === true && security.auth?.enabled !== false;
}

/** Whether `spec.security` turns TLS on (`pxutil.IsTLSEnabledOnCluster`): both `enabled` flags. */
export function securityTlsOn(security: LiveSecurity | undefined | null): boolean {
    return security?.enabled === true && security.tls?.enabled === true;
}

/**
 * Whether the live object shows that its CRD has `security.auth.enabled`: the field itself, or
 * `security.tls`, which entered the CRD in the same change (operator master only; released CRDs
 * have neither, and the API server prunes a field its CRD lacks, so a field seen live exists).
 */
export function hasAuthEnabledField(security: LiveSecurity | undefined | null): boolean {
    return (
        (security?.auth !== undefined && security.auth !== null && "enabled" in security.auth) ||
        (security?.tls !== undefined && security.tls !== null)
    );
}

const KEY_ENV: readonly string[] = [PX_ENV.systemKey, PX_ENV.storkKey, PX_ENV.appsKey, PX_ENV.jwtSharedSecret];

/**
 * What shows that authorization on this StorageCluster was set up by someone else, or undefined.
 * Ours is recognised by content: key env vars that read this project's Secret, or the operator's
 * security pointed at it, together with this project's marker.
 */
export function hasForeignAuth(s: Settings, live: LiveStorageCluster): string | undefined {
    const env = live.spec?.env ?? [];
    const marker = env.some((e) => e?.name === KEYS_REVISION_ENV);
    const keys = env.filter((e) => KEY_ENV.includes(e?.name));
    const ours = [s.secretName, SYSTEM_SECRET];
    const elsewhere = keys.filter((e) => !ours.includes(e.valueFrom?.secretKeyRef?.name as string)).map((e) => e.name);
    if (elsewhere.length) return `spec.env sets ${elsewhere.join(", ")} from another Secret or a literal`;
    if (keys.length && !marker) {
        return `spec.env sets ${keys.map((e) => e.name).join(", ")} without this project's marker`;
    }
    const security = live.spec?.security as LiveSecurity | undefined;
    if (operatorAuthOn(live) && (security?.auth?.selfSigned?.sharedSecret !== s.secretName || !marker)) {
        return "spec.security.enabled is true, set up by someone else";
    }
    return undefined;
}

/** Whether the operator runs authorization on this StorageCluster (see {@link securityAuthOn}). */
export function operatorAuthOn(live: LiveStorageCluster | undefined | null): boolean {
    return securityAuthOn(live?.spec?.security as LiveSecurity | undefined);
}

/** The parts of a live Stork Deployment (deployment mode) this project reads. */
export interface LiveDeployment {
    metadata?: { name?: string; namespace?: string; [k: string]: unknown };
    spec?: { template?: { spec?: { containers?: { name: string; env?: EnvVar[]; [k: string]: unknown }[] } } };
}

/** One reason not to go ahead: the field at fault and what to do. */
export interface Finding {
    field: string;
    message: string;
}

/** Whether the operator runs Stork: `spec.stork` absent is defaulted to enabled (facts §3.1). */
export function operatorManagesStork(live: LiveStorageCluster): boolean {
    const stork = live.spec?.stork;
    return stork === undefined || stork === null || stork.enabled === true;
}

/**
 * Every reason the live StorageCluster cannot take this configuration. Empty means go ahead.
 *
 * @example
 * preflight(settings, undefined); // [{ field: "storageClusterName", message: "StorageCluster portworx/px was not found..." }]
 */
export function preflight(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    /** Deployment mode: the live Stork Deployment; `undefined` when it was not read. */
    stork?: LiveDeployment | null,
): Finding[] {
    const id = `${s.namespace}/${s.storageClusterName}`;
    if (!live || !live.metadata?.name) {
        return [
            {
                field: "storageClusterName",
                message: `StorageCluster ${id} was not found. Fix: check namespace and storageClusterName against \`kubectl get storageclusters --all-namespaces\`.`,
            },
        ];
    }
    const findings: Finding[] = [];
    if (live.kind !== undefined && live.kind !== "StorageCluster") {
        findings.push({
            field: "storageClusterName",
            message: `${id} is a ${live.kind}, not a StorageCluster. Fix: name the StorageCluster.`,
        });
    }
    if (live.metadata.name !== s.storageClusterName || (live.metadata.namespace ?? s.namespace) !== s.namespace) {
        findings.push({
            field: "storageClusterName",
            message: `the live object is ${live.metadata.namespace ?? "?"}/${live.metadata.name}, not ${id}. Fix: pass the StorageCluster this stack is for.`,
        });
    }
    const security = live.spec?.security as LiveSecurity | undefined;
    // TLS only (spec.security.auth.enabled: false) leaves the PORTWORX_AUTH_* env alone.
    if (s.securityMode === "env" && securityAuthOn(security)) {
        findings.push({
            field: "securityMode",
            message: `StorageCluster ${id} has spec.security.enabled: true${security?.auth?.enabled === true ? " and spec.security.auth.enabled: true" : ""}, so the operator owns the PORTWORX_AUTH_* keys and would overwrite what env mode writes. Fix: keep securityMode: "operator" to work with the operator's security; or, to move to env mode, (1) turn the operator's authorization off: kubectl patch storagecluster ${s.storageClusterName} -n ${s.namespace} --type merge -p '{"spec":{"security":{"auth":{"enabled":false}}}}' (keeps TLS on; if the operator's CRD has no spec.security.auth.enabled, use '{"spec":{"security":{"enabled":false}}}'), (2) run pulumi up again with securityMode: "env" right away: between the two steps the nodes accept calls without a token.`,
        });
    }
    (live.spec?.nodes ?? []).forEach((node, i) => {
        (node.env ?? []).forEach((e, j) => {
            if (typeof e?.name === "string" && e.name.startsWith(PX_AUTH_PREFIX)) {
                findings.push({
                    field: `spec.nodes[${i}].env[${j}]`,
                    message: `StorageCluster ${id} sets ${e.name} for the nodes selected by spec.nodes[${i}]; per-node auth settings make a mixed cluster, where some nodes accept unauthenticated calls. Fix: remove ${e.name} from spec.nodes[${i}].env (kubectl edit storagecluster -n ${s.namespace} ${s.storageClusterName}) so every node uses the cluster-wide settings.`,
                });
            }
        });
    });
    const authBefore = hasForeignAuth(s, live);
    if (authBefore && !s.takeOverExistingAuth) {
        findings.push({
            field: "takeOverExistingAuth",
            message: `StorageCluster ${id} already has authorization set up outside this project (${authBefore}). Taking it over replaces its system key, apps key, Stork key and shared secret with new ones (or, with enabled: false, removes them): every node restarts and Stork restarts, nodes on old and new keys reject each other until the roll ends, and every existing token stops working. Fix: set takeOverExistingAuth: true once that is acceptable (the plan lists what follows).`,
        });
    }
    if (s.securityMode === "env" && s.stork.mode === "deployment" && stork !== undefined) {
        const id = `${s.stork.namespace}/${s.stork.deploymentName}`;
        const containers = (stork?.spec?.template?.spec?.containers ?? []).map((c) => c.name);
        if (!stork?.metadata?.name) {
            findings.push({
                field: "stork.deploymentName",
                message: `Stork Deployment ${id} was not found. Fix: set stork.deploymentName and stork.namespace to Stork's Deployment (kubectl get deployments --all-namespaces | grep stork).`,
            });
        } else if (!containers.includes(s.stork.containerName)) {
            findings.push({
                field: "stork.containerName",
                message: `Stork Deployment ${id} has no container "${s.stork.containerName}" (it has ${containers.map((c) => `"${c}"`).join(", ") || "none"}); patching it would add a container without an image. Fix: set stork.containerName to Stork's container.`,
            });
        }
    }
    if (s.enabled && s.securityMode === "env") {
        const managed = operatorManagesStork(live);
        if (s.stork.mode === "operator" && !managed) {
            findings.push({
                field: "stork.mode",
                message: `stork.mode is "operator" but StorageCluster ${id} has spec.stork.enabled false, so the operator runs no Stork to wire. Fix: set stork.mode to "deployment" for a Stork installed on its own, or "none"; or enable spec.stork.`,
            });
        }
        if (s.stork.mode === "deployment" && managed) {
            findings.push({
                field: "stork.mode",
                message: `stork.mode is "deployment" but the operator runs Stork for StorageCluster ${id} (spec.stork.enabled) and reverts any edit to its Deployment within 30 s. Fix: set stork.mode to "operator".`,
            });
        }
    }
    findings.push(...operatorModeFindings(s, live, id));
    return findings;
}

/** Operator security mode: what the operator would do on its own that this configuration cannot follow. */
function operatorModeFindings(s: Settings, live: LiveStorageCluster, id: string): Finding[] {
    if (s.securityMode !== "operator" || !s.enabled) return [];
    const findings: Finding[] = [];
    if (s.stork.mode === "none" && operatorManagesStork(live)) {
        findings.push({
            field: "stork.mode",
            message: `stork.mode (stack config storkMode) is "none", but the operator runs Stork for StorageCluster ${id} (spec.stork.enabled, or spec.stork absent) and, with securityMode "operator", wires Stork's key itself: Stork restarts in this update anyway, and without this project's marker in spec.stork.env a later rotation of the apps key it signs with (rotationAppsKey) would leave Stork on the old key, its calls refused. Fix: set storkMode to "operator" (the default); or, if this cluster should run no Stork, set spec.stork.enabled: false in the StorageCluster first.`,
        });
    }
    const security = live.spec?.security as LiveSecurity | undefined;
    if (security?.enabled !== true && security?.tls?.enabled === true) {
        findings.push({
            field: "spec.security.tls.enabled",
            message: `StorageCluster ${id} has spec.security.tls.enabled: true while spec.security.enabled is not true, so TLS is off; turning authorization on sets spec.security.enabled: true, which would turn TLS on with it. Fix: if TLS should stay off, remove spec.security.tls.enabled (kubectl edit storagecluster -n ${s.namespace} ${s.storageClusterName}); if it should be on, turn it on first on its own (spec.security.enabled: true with spec.security.auth.enabled: false) and check the cluster, then run again.`,
        });
    }
    return findings;
}
