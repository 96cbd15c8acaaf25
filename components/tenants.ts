// A secured cluster its tenants can use: one namespace per tenant, each holding `px-user-token`
// (a token of its own, minted like the other tokens), StorageClasses whose secret parameters point
// at the PVC's own namespace, and a CSI VolumeSnapshotClass that does the same for snapshots.
// Pure: validation, defaults, manifests and notes; the component only registers what this returns.
//
// Upstream facts this relies on (see README "Tenants" for the sources):
// - The CSI external-provisioner resolves `${pvc.namespace}` in the provisioner, node-publish and
//   controller-expand secret namespaces; the external-snapshotter resolves `${volumesnapshot.namespace}`
//   (not `${pvc.namespace}`, which it refuses as an invalid token) in the snapshotter's.
// - Stork finds a CSI volume's token through the PV's node-publish secret reference, so all three
//   pairs are needed, not only the provisioner's.
// - StorageClass `parameters`, `provisioner`, `reclaimPolicy` and `volumeBindingMode` are immutable.
import { ConfigError } from "./errors";
import { flag, label, oneOf, subdomain } from "./names";
import type { SecurityMode } from "./operator";
import { ADMIN_TOKEN_SECRET, checkTokenLifetime, checkWords, tokenUsername, type ResolvedToken } from "./tokens";
import type { UsernameClaim } from "./trust";

/** The Secret each tenant namespace holds its token in, under `auth-token`, as Portworx documents. */
export const TENANT_SECRET_NAME = "px-user-token";
/** Roles of a tenant token unless given. */
export const DEFAULT_TENANT_ROLES: readonly string[] = ["system.user"];
/** The Portworx CSI driver. */
export const CSI_DRIVER = "pxd.portworx.com";
/** The CSI provisioner's template for the PVC's namespace. */
export const PVC_NAMESPACE = "${pvc.namespace}";
/** The CSI snapshotter's template for the VolumeSnapshot's namespace. */
export const SNAPSHOT_NAMESPACE = "${volumesnapshot.namespace}";
/** Marks the cluster's default StorageClass. */
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** The secret parameters of a CSI class: provision, mount (node-publish) and expand. */
export const CSI_SECRET_PARAMETERS: Readonly<Record<string, string>> = {
    "csi.storage.k8s.io/provisioner-secret-name": TENANT_SECRET_NAME,
    "csi.storage.k8s.io/provisioner-secret-namespace": PVC_NAMESPACE,
    "csi.storage.k8s.io/node-publish-secret-name": TENANT_SECRET_NAME,
    "csi.storage.k8s.io/node-publish-secret-namespace": PVC_NAMESPACE,
    "csi.storage.k8s.io/controller-expand-secret-name": TENANT_SECRET_NAME,
    "csi.storage.k8s.io/controller-expand-secret-namespace": PVC_NAMESPACE,
};
/** The secret parameters of an in-tree class (refused, see {@link IN_TREE_REFUSAL}); a CSI class may not set them either. */
export const IN_TREE_SECRET_PARAMETERS: Readonly<Record<string, string>> = {
    "openstorage.io/auth-secret-name": TENANT_SECRET_NAME,
    "openstorage.io/auth-secret-namespace": PVC_NAMESPACE,
};
/** The secret parameters of the VolumeSnapshotClass (create and delete snapshot). */
export const SNAPSHOT_SECRET_PARAMETERS: Readonly<Record<string, string>> = {
    "csi.storage.k8s.io/snapshotter-secret-name": TENANT_SECRET_NAME,
    "csi.storage.k8s.io/snapshotter-secret-namespace": SNAPSHOT_NAMESPACE,
};
/** The external-provisioner's parameter prefix: its own keys, never passed to the driver. */
export const CSI_PARAMETER_PREFIX = "csi.storage.k8s.io/";
/**
 * Every key under {@link CSI_PARAMETER_PREFIX} the external-provisioner knows; it fails every PVC of
 * a class with any other ("found unknown parameter key ... with reserved namespace",
 * kubernetes-csi/external-provisioner pkg/controller/controller.go `removePrefixedParameters`, 0688604).
 */
export const KNOWN_CSI_PARAMETERS: readonly string[] = [
    "fstype",
    ...["", "provisioner-", "controller-publish-", "node-stage-", "node-publish-", "controller-expand-"].flatMap(
        (call) => [`${call}secret-name`, `${call}secret-namespace`],
    ),
    "node-expand-secret-name",
    "node-expand-secret-namespace",
    "controller-modify-secret-name",
    "controller-modify-secret-namespace",
].map((k) => CSI_PARAMETER_PREFIX + k);
/**
 * Parameters a user may not set, as they name a secret: ours; the other calls' and the default
 * (`secret-name`, used by every call without its own pair), which would send another token; the
 * external-provisioner's deprecated spellings, which it takes as a second value for one secret; and
 * the in-tree pair.
 */
export const RESERVED_PARAMETERS: readonly string[] = [
    ...KNOWN_CSI_PARAMETERS.filter((k) => k !== `${CSI_PARAMETER_PREFIX}fstype`),
    ...Object.keys(IN_TREE_SECRET_PARAMETERS),
    ...["Provisioner", "ControllerPublish", "NodeStage", "NodePublish"].flatMap((call) => [
        `csi${call}SecretName`,
        `csi${call}SecretNamespace`,
    ]),
];
/**
 * Why `csi: false` is refused (upstream check 2026-12 §3.4). With CSI migration (on by default from
 * Kubernetes 1.31, locked on from 1.33) csi-translation-lib `plugins/portworx.go` translates the
 * class's secret pair for provisioning, but the PV it writes back carries no secret, so mounts and
 * expansions send none; without migration the in-tree path reads the class's values as written
 * (openstorage `api/server/middleware_auth.go`), and nothing expands `${pvc.namespace}`.
 */
export const IN_TREE_REFUSAL =
    "is an in-tree class (kubernetes.io/portworx-volume), whose per-namespace token does not reach Portworx: with CSI migration (on by default from Kubernetes 1.31, locked on from 1.33) the migrated PV carries no secret, so mounts and expansions send no token (csi-translation-lib portworx.go), and without migration nothing expands the pvc.namespace template in openstorage.io/auth-secret-namespace (openstorage middleware_auth.go)";
/** StorageClass fields the API server refuses to update: a change replaces the class. */
export const IMMUTABLE_CLASS_FIELDS: readonly string[] = [
    "provisioner",
    "parameters",
    "reclaimPolicy",
    "volumeBindingMode",
];
/** Kubernetes' limit on a StorageClass's parameters. */
const MAX_PARAMETERS = 256;

/**
 * One tenant: a namespace whose PVCs and snapshots authenticate with the token in its
 * `px-user-token` Secret.
 *
 * @example
 * { namespace: "team-a" } // system.user, 1y, name and sub from the namespace
 */
export interface TenantArgs {
    /** The tenant's namespace (a DNS label); its `px-user-token` Secret holds the token. */
    namespace: string;
    /** Portworx roles. Default `["system.user"]`. */
    roles?: string[];
    /** Groups; the claim is left out when unset. */
    groups?: string[];
    /** Lifetime, such as `90d` or `1y`. Default `1y`. At least 1h. */
    lifetime?: string;
    /** The `name` claim, and `<name>@<issuer>` is the `sub` and `email`. Default: the namespace. */
    name?: string;
}

/** What happens to a volume (or snapshot content) when its claim (or snapshot) is deleted. */
export const ReclaimPolicy = {
    /** Deleted with it (the default). */
    Delete: "Delete",
    /** Kept, for an administrator to reclaim. */
    Retain: "Retain",
} as const;
export type ReclaimPolicy = (typeof ReclaimPolicy)[keyof typeof ReclaimPolicy];

/** When a claim's volume is provisioned and bound. */
export const VolumeBindingMode = {
    /** As soon as the claim is created (the default). */
    Immediate: "Immediate",
    /** Once a pod using the claim is scheduled. */
    WaitForFirstConsumer: "WaitForFirstConsumer",
} as const;
export type VolumeBindingMode = (typeof VolumeBindingMode)[keyof typeof VolumeBindingMode];

/**
 * A StorageClass whose volumes authenticate with the token in the PVC's namespace.
 *
 * @example
 * { name: "px-tenant-repl3", parameters: { repl: "3" } }
 */
export interface StorageClassArgs {
    /** The class's name (a DNS subdomain). */
    name: string;
    /** Portworx parameters, such as `repl: "3"` or `io_profile: "db_remote"`, kept as given. Strings only. */
    parameters?: Record<string, string>;
    /** `true` (default): the CSI driver `pxd.portworx.com`. `false` (in-tree) is refused: its mounts carry no token. */
    csi?: boolean;
    /** What happens to a volume when its claim is deleted: `Delete` (default) or `Retain`. */
    reclaimPolicy?: ReclaimPolicy;
    /** Whether claims may grow. Default `true` (the class carries the expand secret). */
    allowVolumeExpansion?: boolean;
    /** When a claim's volume is provisioned: `Immediate` (default) or `WaitForFirstConsumer`. */
    volumeBindingMode?: VolumeBindingMode;
    /** Mark it the cluster's default class. Default `false`. */
    isDefault?: boolean;
}

/**
 * The CSI VolumeSnapshotClass, authenticating with the token in the VolumeSnapshot's namespace.
 *
 * @example
 * { name: "px-tenant-snapshots" }
 */
export interface VolumeSnapshotClassArgs {
    /** The class's name (a DNS subdomain). */
    name: string;
    /** What happens to a snapshot's content when the snapshot is deleted: `Delete` (default) or `Retain`. */
    deletionPolicy?: ReclaimPolicy;
}

export interface ResolvedStorageClass {
    name: string;
    csi: boolean;
    /** The user's parameters, as given; the secret parameters are added by {@link storageClassManifest}. */
    parameters: Record<string, string>;
    reclaimPolicy: ReclaimPolicy;
    allowVolumeExpansion: boolean;
    volumeBindingMode: VolumeBindingMode;
    isDefault: boolean;
}

export interface ResolvedVolumeSnapshotClass {
    name: string;
    deletionPolicy: ReclaimPolicy;
}

/** The validated tenancy settings (the tenants' tokens join `Settings.tokens`). */
export interface Tenancy {
    /** Tenant namespaces, in the order given. */
    tenants: string[];
    storageClasses: ResolvedStorageClass[];
    volumeSnapshotClass?: ResolvedVolumeSnapshotClass;
}

/** The arguments {@link resolveTenancy} reads, as `PortworxAuthArgs` has them. */
export interface TenancyArgs {
    tenants?: TenantArgs[];
    storageClasses?: StorageClassArgs[];
    volumeSnapshotClass?: VolumeSnapshotClassArgs;
}

/** What {@link resolveTenancy} needs from the other settings. */
export interface TenancyContext {
    /** Operator security mode: the operator's own tokens are users too. */
    operatorMode: boolean;
    /** The self-signed issuer, when there is one. */
    issuer?: string;
    /** A self-signed key can sign tokens (a shared secret or an RSA private key). */
    signingKey: boolean;
    usernameClaim: UsernameClaim;
    renewBeforeShare: number;
    /** The tokens already resolved (the admin token and `tokens`). */
    tokens: ResolvedToken[];
}

const TENANT_FIELDS = ["namespace", "roles", "groups", "lifetime", "name"];
const CLASS_FIELDS = [
    "name",
    "parameters",
    "csi",
    "reclaimPolicy",
    "allowVolumeExpansion",
    "volumeBindingMode",
    "isDefault",
];
const SNAPSHOT_CLASS_FIELDS = ["name", "deletionPolicy"];

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function record(at: string, v: unknown, fields: string[], shape: string): Record<string, unknown> {
    if (!isRecord(v)) throw new ConfigError(at, "must be an object", `give ${shape}`);
    for (const k of Object.keys(v)) {
        if (!fields.includes(k)) {
            throw new ConfigError(`${at}.${k}`, "is not a known field", `use ${fields.join(", ")}`);
        }
    }
    return v;
}

function list(at: string, v: unknown, shape: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ConfigError(at, "must be a list", `give a list of ${shape} entries`);
    return v;
}

function resolveTenants(raw: unknown, ctx: TenancyContext): { namespaces: string[]; tokens: ResolvedToken[] } {
    const given = list("tenants", raw, "{ namespace, roles?, groups?, lifetime?, name? }");
    if (given.length === 0) return { namespaces: [], tokens: [] };
    if (!ctx.signingKey || ctx.issuer === undefined) {
        throw new ConfigError(
            "tenants",
            "no self-signed key can sign the tenants' tokens here",
            "set {selfSigned.issuer} with a shared secret (generated by default) or {selfSigned.rsaPrivateKey}, or remove {tenants}",
        );
    }
    const issuer = ctx.issuer;
    // Identities already taken: every user of the cluster needs its own `sub` (Portworx tracks
    // ownership by it) and its own value of the username claim.
    const taken = new Map<string, string>();
    const key = (kind: "name" | "sub" | "user", value: string) => `${kind}:${value}`;
    for (const t of ctx.tokens) {
        taken.set(key("name", t.name), `the token ${t.name}`);
        taken.set(key("sub", t.subject), `the token ${t.name}`);
        taken.set(key("user", tokenUsername(t, ctx.usernameClaim)), `the token ${t.name}`);
    }
    if (ctx.operatorMode) {
        // The operator's own tokens are `<secret>@<issuer>` (facts §2.2).
        for (const s of [ADMIN_TOKEN_SECRET, TENANT_SECRET_NAME]) {
            taken.set(key("sub", `${s}@${issuer}`), `the operator's ${s}`);
            taken.set(key("name", s), `the operator's ${s}`);
        }
    }

    // The admin token's name keys the `adminToken` output and the px-admin-token copy, whether or
    // not it is minted.
    taken.set(key("name", "admin"), "the admin token");
    const namespaces: string[] = [];
    const tokens = given.map((v, i): ResolvedToken => {
        const at = `tenants[${i}]`;
        const t = record(at, v, TENANT_FIELDS, "{ namespace, roles?, groups?, lifetime?, name? }");
        const namespace = label(`${at}.namespace`, t.namespace);
        const earlier = namespaces.indexOf(namespace);
        if (earlier >= 0) {
            throw new ConfigError(
                `${at}.namespace`,
                `repeats ${namespace} (tenants[${earlier}]); a namespace holds one px-user-token`,
                "list each namespace once; give one tenant several namespaces as several entries with the same roles",
            );
        }
        // Its Secret joins the registry of writes (./writes.ts) with the other tokens: a Secret the
        // operator owns there, or another token's, is refused there, naming this field.
        namespaces.push(namespace);

        const name = label(`${at}.name`, t.name ?? namespace);
        const roles =
            t.roles === undefined ? [...DEFAULT_TENANT_ROLES] : checkWords(`${at}.roles`, t.roles, "roles", false);
        const groups = t.groups === undefined ? undefined : checkWords(`${at}.groups`, t.groups, "groups", true);
        const { lifetime, lifetimeSeconds } = checkTokenLifetime(t.lifetime, `${at}.lifetime`, ctx.renewBeforeShare);
        const identity = `${name}@${issuer}`;
        const token: ResolvedToken = {
            name,
            roles,
            ...(groups ? { groups } : {}),
            email: identity,
            subject: identity,
            lifetime,
            lifetimeSeconds,
            secretName: TENANT_SECRET_NAME,
            namespace,
            field: `${at}.namespace`,
            tenant: true,
        };
        const checks: ["name" | "sub" | "user", string, string][] = [
            ["name", name, `its name ${name}`],
            ["sub", identity, `its sub ${identity}`],
            ["user", tokenUsername(token, ctx.usernameClaim), `its ${ctx.usernameClaim} claim`],
        ];
        for (const [kind, value, what] of checks) {
            const owner = taken.get(key(kind, value));
            if (owner) {
                throw new ConfigError(
                    t.name === undefined ? `${at}.namespace` : `${at}.name`,
                    `${what} is also ${owner}'s; Portworx would take both for one user`,
                    t.name === undefined ? `set ${at}.name to a name of its own` : `give ${at} a name of its own`,
                );
            }
        }
        for (const [kind, value] of checks) taken.set(key(kind, value), `tenants[${i}]`);
        return token;
    });
    return { namespaces, tokens };
}

function resolveStorageClasses(raw: unknown): ResolvedStorageClass[] {
    const shape = "{ name, parameters?, csi?, reclaimPolicy?, allowVolumeExpansion?, volumeBindingMode?, isDefault? }";
    const names: string[] = [];
    let defaultAt: string | undefined;
    return list("storageClasses", raw, shape).map((v, i) => {
        const at = `storageClasses[${i}]`;
        const c = record(at, v, CLASS_FIELDS, shape);
        const name = subdomain(`${at}.name`, c.name);
        const earlier = names.indexOf(name);
        if (earlier >= 0) {
            throw new ConfigError(
                `${at}.name`,
                `repeats ${name} (storageClasses[${earlier}])`,
                "give each class its own name",
            );
        }
        names.push(name);
        const params = c.parameters ?? {};
        if (!isRecord(params)) {
            throw new ConfigError(`${at}.parameters`, "must be a map of strings", 'give a map such as { repl: "3" }');
        }
        const parameters: Record<string, string> = {};
        for (const [k, value] of Object.entries(params)) {
            const field = `${at}.parameters["${k}"]`;
            if (k.trim() === "" || k !== k.trim()) {
                throw new ConfigError(field, "is not a parameter name", "remove the empty or space-padded key");
            }
            if (RESERVED_PARAMETERS.includes(k)) {
                throw new ConfigError(
                    field,
                    "would override a secret parameter: every class points at px-user-token in the PVC's own namespace",
                    "remove it; to share one token, create px-user-token in each namespace (or list the namespaces as tenants)",
                );
            }
            if (k.startsWith(CSI_PARAMETER_PREFIX) && !KNOWN_CSI_PARAMETERS.includes(k)) {
                throw new ConfigError(
                    field,
                    `is not a key the CSI external-provisioner knows under ${CSI_PARAMETER_PREFIX}, so it would fail every PVC of this class ("found unknown parameter key")`,
                    `remove it, or use one of its keys, such as ${CSI_PARAMETER_PREFIX}fstype`,
                );
            }
            if (k.toLowerCase() === "fstype" && params[`${CSI_PARAMETER_PREFIX}fstype`] !== undefined) {
                throw new ConfigError(
                    field,
                    `repeats ${CSI_PARAMETER_PREFIX}fstype, and the external-provisioner fails every PVC of a class with both`,
                    `keep only ${CSI_PARAMETER_PREFIX}fstype`,
                );
            }
            if (typeof value !== "string") {
                // YAML numbers lose their spelling (1.10 becomes 1.1): never guess the string.
                // `pulumi config set --path` stores integers as numbers unless told otherwise.
                throw new ConfigError(
                    field,
                    "must be a string",
                    `quote it in the stack file, such as ${k}: "${String(value)}", or set it with pulumi config set --path ... --type string`,
                );
            }
            parameters[k] = value;
        }
        const csi = flag(`${at}.csi`, c.csi, true);
        if (!csi) {
            throw new ConfigError(
                `${at}.csi`,
                IN_TREE_REFUSAL,
                `remove csi: false to make it a CSI class (${CSI_DRIVER}), which carries the token in its provision, mount and expand secrets; volumes of an existing in-tree class stay as they are`,
            );
        }
        const secretCount = Object.keys(CSI_SECRET_PARAMETERS).length;
        if (Object.keys(parameters).length + secretCount > MAX_PARAMETERS) {
            throw new ConfigError(
                `${at}.parameters`,
                `has more than ${MAX_PARAMETERS - secretCount} entries; Kubernetes takes ${MAX_PARAMETERS} with the secret ones`,
                "remove some",
            );
        }
        const isDefault = flag(`${at}.isDefault`, c.isDefault, false);
        if (isDefault) {
            if (defaultAt) {
                throw new ConfigError(
                    `${at}.isDefault`,
                    `${defaultAt} is the default already`,
                    "mark one class as the default",
                );
            }
            defaultAt = at;
        }
        return {
            name,
            csi,
            parameters,
            reclaimPolicy: oneOf(
                `${at}.reclaimPolicy`,
                c.reclaimPolicy,
                Object.values(ReclaimPolicy),
                ReclaimPolicy.Delete,
            ),
            allowVolumeExpansion: flag(`${at}.allowVolumeExpansion`, c.allowVolumeExpansion, true),
            volumeBindingMode: oneOf(
                `${at}.volumeBindingMode`,
                c.volumeBindingMode,
                Object.values(VolumeBindingMode),
                VolumeBindingMode.Immediate,
            ),
            isDefault,
        };
    });
}

function resolveSnapshotClass(raw: unknown): ResolvedVolumeSnapshotClass | undefined {
    if (raw === undefined || raw === null) return undefined;
    const c = record("volumeSnapshotClass", raw, SNAPSHOT_CLASS_FIELDS, "{ name, deletionPolicy? }");
    return {
        name: subdomain("volumeSnapshotClass.name", c.name),
        deletionPolicy: oneOf(
            "volumeSnapshotClass.deletionPolicy",
            c.deletionPolicy,
            Object.values(ReclaimPolicy),
            ReclaimPolicy.Delete,
        ),
    };
}

/**
 * Checks `tenants`, `storageClasses` and `volumeSnapshotClass` and applies the defaults. Returns
 * the tenants' tokens (to join `Settings.tokens`, so they are minted, stored and renewed like the
 * others) and the tenancy settings, or none when nothing is asked. Throws {@link ConfigError}
 * naming the field, such as `tenants[1].namespace`.
 *
 * @example
 * resolveTenancy({ tenants: [{ namespace: "team-a" }], storageClasses: [{ name: "px-tenant" }] }, ctx);
 * // { tokens: [team-a: system.user, Secret team-a/px-user-token], tenancy: { tenants: ["team-a"], ... } }
 */
export function resolveTenancy(args: TenancyArgs, ctx: TenancyContext): { tokens: ResolvedToken[]; tenancy?: Tenancy } {
    const { namespaces, tokens } = resolveTenants(args.tenants, ctx);
    const storageClasses = resolveStorageClasses(args.storageClasses);
    const volumeSnapshotClass = resolveSnapshotClass(args.volumeSnapshotClass);
    const asked = args.tenants !== undefined || args.storageClasses !== undefined || volumeSnapshotClass !== undefined;
    return {
        tokens,
        ...(asked
            ? {
                  tenancy: {
                      tenants: namespaces,
                      storageClasses,
                      ...(volumeSnapshotClass ? { volumeSnapshotClass } : {}),
                  },
              }
            : {}),
    };
}

/** A cluster-scoped object (no namespace). */
export interface ClusterManifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: unknown;
}

/**
 * The StorageClass: the user's parameters as given, then the secret parameters of its kind.
 *
 * @example
 * storageClassManifest(c, labels).parameters["csi.storage.k8s.io/node-publish-secret-namespace"]; // "${pvc.namespace}"
 */
export function storageClassManifest(c: ResolvedStorageClass, labels: Record<string, string>): ClusterManifest {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name: c.name,
            labels: { ...labels },
            ...(c.isDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } } : {}),
        },
        provisioner: CSI_DRIVER,
        parameters: { ...c.parameters, ...CSI_SECRET_PARAMETERS },
        reclaimPolicy: c.reclaimPolicy,
        allowVolumeExpansion: c.allowVolumeExpansion,
        volumeBindingMode: c.volumeBindingMode,
    };
}

/** The VolumeSnapshotClass (`snapshot.storage.k8s.io/v1`) of the Portworx CSI driver. */
export function volumeSnapshotClassManifest(
    v: ResolvedVolumeSnapshotClass,
    labels: Record<string, string>,
): ClusterManifest {
    return {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshotClass",
        metadata: { name: v.name, labels: { ...labels } },
        driver: CSI_DRIVER,
        deletionPolicy: v.deletionPolicy,
        parameters: { ...SNAPSHOT_SECRET_PARAMETERS },
    };
}

/** The classes of `tenancy`, in the order given. */
export function tenancyManifests(
    tenancy: Tenancy | undefined,
    labels: Record<string, string>,
): { storageClasses: ClusterManifest[]; volumeSnapshotClass?: ClusterManifest } {
    const snap = tenancy?.volumeSnapshotClass;
    return {
        storageClasses: (tenancy?.storageClasses ?? []).map((c) => storageClassManifest(c, labels)),
        ...(snap ? { volumeSnapshotClass: volumeSnapshotClassManifest(snap, labels) } : {}),
    };
}

/**
 * What the people running the update must know about the classes: where PVCs can provision, what a
 * parameter change does, and a CSI driver the live StorageCluster turned off.
 */
export function tenancyNotes(
    s: { tenancy?: Tenancy; securityMode: SecurityMode; namespace: string },
    live?: { spec?: Record<string, unknown> } | null,
): string[] {
    const t = s.tenancy;
    if (!t || (t.storageClasses.length === 0 && !t.volumeSnapshotClass)) return [];
    const holders = [
        ...t.tenants,
        ...(s.securityMode === "operator" && !t.tenants.includes(s.namespace)
            ? [`${s.namespace} (the operator's)`]
            : []),
    ];
    const names = [
        ...t.storageClasses.map((c) => c.name),
        ...(t.volumeSnapshotClass ? [t.volumeSnapshotClass.name] : []),
    ];
    const notes = [
        `${names.join(", ")} authenticate with px-user-token in the PVC's (or VolumeSnapshot's) own namespace: ${holders.length ? `this project writes it in ${holders.join(", ")}` : "this project writes it in no namespace"}; a PVC elsewhere stays Pending until its namespace has one.`,
    ];
    if (t.storageClasses.length) {
        notes.push(
            "StorageClasses are immutable: a change to a class's parameters, csi, reclaimPolicy or volumeBindingMode deletes and re-creates it (delete-before-replace). Existing PVCs keep working, since their volumes carry the secret references they were provisioned with; a PVC of that class created during the replacement waits in Pending until the class is back.",
        );
    }
    const csiOff = (live?.spec?.csi as { enabled?: unknown } | undefined)?.enabled === false;
    if (csiOff) {
        notes.push(
            `The live StorageCluster has spec.csi.enabled: false: PVCs and snapshots of ${CSI_DRIVER} classes stay Pending until CSI is turned on.`,
        );
    }
    return notes;
}

/**
 * Marks a class as this stack's component (`<project>/<stack>/<component name>`): a class that
 * exists without it was made by hand or by another stack, and is not taken over.
 */
export const OWNER_ANNOTATION = "portworx-auth/owner";
/** The label every object this project writes carries (classes written before {@link OWNER_ANNOTATION} too). */
export const PART_OF_LABEL = "app.kubernetes.io/part-of";

/** One fact about the live cluster that must hold before anything is written. */
export interface ClusterCheck {
    apiVersion: string;
    kind: string;
    name: string;
    /** `true`: the object must exist (a tenant's namespace). `false`: it must not, unless it is this owner's. */
    mustExist: boolean;
    owner: string;
    /** The refusal, naming the argument and the fix. */
    message: string;
}

/**
 * What the live cluster must hold for this tenancy: each tenant's namespace, and no class of a
 * planned name but this stack's (the provider creates classes, and from 4.29 fails on a name
 * taken; older ones would take it over silently).
 *
 * @example
 * tenancyChecks(s.tenancy, "portworx-auth/prod/portworx-auth")[0];
 * // { kind: "Namespace", name: "team-a", mustExist: true, message: "tenants[0].namespace: ..." }
 */
export function tenancyChecks(t: Tenancy | undefined, owner: string): ClusterCheck[] {
    if (!t) return [];
    const taken = (field: string, what: string, name: string, kubectl: string) =>
        `${field}: ${what} ${name} already exists and is not this stack's (no ${OWNER_ANNOTATION}: ${owner}), so creating it would fail (pulumi-kubernetes 4.29 and later) or silently take it over (earlier). Nothing was written. Fix: delete it (kubectl delete ${kubectl} ${name}; volumes and snapshots made from it keep the secrets they were made with), give ${field} another name, or adopt it if it is the one planned: kubectl annotate ${kubectl} ${name} ${OWNER_ANNOTATION}=${owner}, then pulumi import it into this stack (docs/tenants.md).`;
    return [
        ...t.tenants.map((ns, i) => ({
            apiVersion: "v1",
            kind: "Namespace",
            name: ns,
            mustExist: true,
            owner,
            message: `tenants[${i}].namespace: namespace ${ns} does not exist, and this project does not create namespaces (a misspelt one would get a token its tenant never sees). Nothing was written. Fix: create it (kubectl create namespace ${ns}), or correct tenants[${i}].namespace.`,
        })),
        ...t.storageClasses.map((c, i) => ({
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            name: c.name,
            mustExist: false,
            owner,
            message: taken(`storageClasses[${i}].name`, "StorageClass", c.name, "storageclass"),
        })),
        ...(t.volumeSnapshotClass
            ? [
                  {
                      apiVersion: "snapshot.storage.k8s.io/v1",
                      kind: "VolumeSnapshotClass",
                      name: t.volumeSnapshotClass.name,
                      mustExist: false,
                      owner,
                      message: taken(
                          "volumeSnapshotClass.name",
                          "VolumeSnapshotClass",
                          t.volumeSnapshotClass.name,
                          "volumesnapshotclass",
                      ),
                  },
              ]
            : []),
    ];
}

/** A live object, as `kubectl get -o yaml` prints it. */
export interface LiveObject {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * Whether a live object is this owner's: its annotation, or, for a class written before the
 * annotation existed, this project's label without any owner.
 */
function owned(o: LiveObject, owner: string): boolean {
    const mark = o.metadata?.annotations?.[OWNER_ANNOTATION];
    return mark === undefined ? o.metadata?.labels?.[PART_OF_LABEL] === "portworx-auth" : mark === owner;
}

/**
 * The refusals of `checks` against the live objects (the same rule the component's check chart
 * applies on the cluster, see {@link checksChart}).
 *
 * @example
 * checkCluster(tenancyChecks(s.tenancy, owner), [{ kind: "Namespace", metadata: { name: "team-a" } }]); // []
 */
export function checkCluster(checks: ClusterCheck[], live: LiveObject[]): string[] {
    return checks.flatMap((c) => {
        const o = live.find((x) => x.kind === c.kind && x.metadata?.name === c.name);
        if (c.mustExist) return o ? [] : [c.message];
        return o && !owned(o, c.owner) ? [c.message] : [];
    });
}

/**
 * A Helm chart that applies {@link checkCluster}'s rule on the live cluster and renders nothing:
 * the Kubernetes provider's Chart (v4) renders with a server-side dry run, so Helm's `lookup` reads
 * each object and returns an empty map for one that is missing, where a resource read (`.get`)
 * would fail the whole program (pulumi/pulumi#3364). `fail` stops the render with the message.
 */
export function checksChart(): Record<string, string> {
    return {
        "Chart.yaml": "apiVersion: v2\nname: portworx-auth-checks\nversion: 1.0.0\n",
        "templates/checks.yaml": [
            "{{- range .Values.checks }}",
            '{{- $o := lookup .apiVersion .kind "" .name }}',
            "{{- if .mustExist }}",
            "{{- if not $o }}{{ fail .message }}{{ end }}",
            "{{- else if $o }}",
            "{{- $md := $o.metadata | default dict }}",
            "{{- $a := $md.annotations | default dict }}",
            "{{- $l := $md.labels | default dict }}",
            `{{- if hasKey $a "${OWNER_ANNOTATION}" }}`,
            `{{- if ne (get $a "${OWNER_ANNOTATION}") .owner }}{{ fail .message }}{{ end }}`,
            `{{- else if ne (get $l "${PART_OF_LABEL}") "portworx-auth" }}{{ fail .message }}`,
            "{{- end }}",
            "{{- end }}",
            "{{- end }}",
            "",
        ].join("\n"),
    };
}
