// The component's arguments, their defaults, and how they are checked together. Each group's
// rules live next to its arguments: trust.ts (self-signed, OIDC, keys), stork.ts, operator.ts,
// tokens.ts, tenants.ts, names.ts. Pure: no Pulumi runtime calls.
import { ConfigError } from "./errors";
import { flag, subdomain, version, word, label } from "./names";
import { checkSecurityMode, resolveOperator, type GuestAccess, type SecurityMode } from "./operator";
import { checkStorkKeyPairing, resolveStork, type StorkArgs, type StorkKeyPairing } from "./stork";
import type { RotationArgs, Settings } from "./settings";
import { findCollision } from "./writes";
import { checkRenewBeforeShare, DEFAULT_RENEW_BEFORE_SHARE, resolveTokens, type TokenArgs } from "./tokens";
import { resolveTenancy, type StorageClassArgs, type TenantArgs, type VolumeSnapshotClassArgs } from "./tenants";
import {
    checkUsernameClaim,
    resolveOidc,
    resolveSelfSigned,
    type OidcArgs,
    type SelfSignedArgs,
    type UsernameClaim,
} from "./trust";

export { ConfigError, renderFields, type FieldNamer } from "./errors";
export type { RotationArgs, Settings } from "./settings";
export { label, subdomain } from "./names";
export { checkSecurityMode, GuestAccess, SecurityMode } from "./operator";
export { STORK_ISSUERS, StorkKeyPairing, StorkMode, type StorkArgs } from "./stork";
export {
    article,
    checkKeyPair,
    checkOidcIssuer,
    checkPublicKey,
    checkRsaPrivateKey,
    checkSelfSignedIssuer,
    checkSharedSecret,
    checkSuppliedValues,
    checkUsernameClaim,
    EC_ALGS,
    keyAlg,
    MIN_SHARED_SECRET_BYTES,
    type OidcArgs,
    type SelfSignedArgs,
    type SuppliedValues,
    UsernameClaim,
} from "./trust";

/**
 * Arguments of `PortworxAuth`. Pulumi infers the package schema other languages use from this
 * interface (`npm run schema`): no unions (use constant objects such as `SecurityMode`), no
 * intersections, and no inline link tags in these comments (they render as "[object Object]").
 *
 * @example
 * const auth = new PortworxAuth("px-auth", {
 *     namespace: "portworx",
 *     storageClusterName: "px-cluster",
 *     selfSigned: { issuer: "portworx.example.com" },
 * });
 */
export interface PortworxAuthArgs {
    /**
     * Namespace of the StorageCluster, the key Secret and (unless `stork.namespace`) Stork.
     *
     * @example
     * namespace: "portworx"
     */
    namespace: string;
    /**
     * Name of the live StorageCluster to wire.
     *
     * @example
     * storageClusterName: "px-cluster"
     */
    storageClusterName: string;
    /**
     * Secret holding the shared secret (`shared-secret`); the system and apps keys live in `px-system-secrets`. Default `pxkeys`.
     *
     * @example
     * secretName: "pxkeys"
     */
    secretName?: string;
    /**
     * Self-signed token model. At least one of `selfSigned` and `oidc`.
     *
     * @example
     * selfSigned: { issuer: "portworx.example.com" }
     */
    selfSigned?: SelfSignedArgs;
    /**
     * OIDC token model. At least one of `selfSigned` and `oidc`.
     *
     * @example
     * oidc: { issuer: "https://login.example.com/realms/storage", clientId: "portworx" }
     */
    oidc?: OidcArgs;
    /**
     * Claim used as the user's id: `sub` (default), `email` or `name`.
     *
     * @example
     * usernameClaim: "email"
     */
    usernameClaim?: UsernameClaim;
    /**
     * Stork wiring. Default `{ mode: "operator" }`.
     *
     * @example
     * stork: { mode: "deployment", namespace: "kube-system" }
     */
    stork?: StorkArgs;
    /**
     * `stork` (default): `PORTWORX_AUTH_STORK_KEY` with Stork issuer `stork.openstorage.io`.
     * `apps`: `PORTWORX_AUTH_SYSTEM_APPS_KEY` with `apps.portworx.io` (Portworx >= 2.6, Stork >= 2.5).
     *
     * @example
     * storkKeyPairing: "apps"
     */
    storkKeyPairing?: StorkKeyPairing;
    /**
     * ConfigMap holding the public keys mounted into Portworx. Default `px-auth-public-keys`.
     *
     * @example
     * publicKeysConfigMapName: "px-auth-public-keys"
     */
    publicKeysConfigMapName?: string;
    /**
     * Key versions: changing one regenerates that key only and rolls the pods that read it.
     *
     * @example
     * rotation: { storkKey: "2026-12" }
     */
    rotation?: RotationArgs;
    /**
     * `false` removes exactly this project's env entries and volumes, keeping the key Secret. Default `true`.
     *
     * @example
     * enabled: false
     */
    enabled?: boolean;
    /**
     * `env` (default): wire env vars. `operator`: drive the operator's `spec.security`.
     *
     * @example
     * securityMode: "operator"
     */
    securityMode?: SecurityMode;
    /**
     * Server-side-apply field manager of the patches. Default `portworx-auth`.
     *
     * @example
     * fieldManager: "platform-team"
     */
    fieldManager?: string;
    /**
     * Operator mode: `spec.security.auth.guestAccess`. Default `Enabled` (public volumes keep working).
     *
     * @example
     * guestAccess: "Disabled"
     */
    guestAccess?: GuestAccess;
    /**
     * Operator mode: lifetime of the operator's own tokens, such as `24h` (the default) or `7d`.
     *
     * @example
     * tokenLifetime: "7d"
     */
    tokenLifetime?: string;
    /**
     * Operator mode: read the operator's `px-admin-token` into the `adminToken` output. Turn on once it exists.
     *
     * @example
     * operatorAdminToken: true
     */
    operatorAdminToken?: boolean;
    /**
     * The cluster pairs or migrates with others: plans carry the cluster token reset steps.
     *
     * @example
     * pairedClusters: true
     */
    pairedClusters?: boolean;
    /**
     * The StorageCluster already has authorization set up outside this project: replace its keys
     * with this project's (every node restarts, existing tokens stop working). Default false: refuse.
     *
     * @example
     * takeOverExistingAuth: true
     */
    takeOverExistingAuth?: boolean;
    /**
     * Roll Portworx even while the StorageCluster is still rolling or degraded (an emergency rotation).
     *
     * @example
     * allowUnsettledCluster: true
     */
    allowUnsettledCluster?: boolean;
    /**
     * Tokens to mint, each stored in its own Secret under `auth-token`.
     *
     * @example
     * [{ name: "ci", roles: ["system.view"], lifetime: "90d" }]
     */
    tokens?: TokenArgs[];
    /**
     * Mint an `admin` token (`system.admin`, groups `*`). Default: on in env mode when a signing key exists.
     *
     * @example
     * adminToken: false
     */
    adminToken?: boolean;
    /**
     * Share of a token's lifetime left at which `pulumi up` renews it. Default 0.25.
     *
     * @example
     * tokenRenewBefore: 0.5
     */
    tokenRenewBefore?: number;
    /**
     * Tenant namespaces, each given `px-user-token` (key `auth-token`) with a token of its own, minted
     * and renewed like `tokens`. Needs a self-signed signing key.
     *
     * @example
     * [{ namespace: "team-a" }, { namespace: "team-b", roles: ["system.user"], lifetime: "180d" }]
     */
    tenants?: TenantArgs[];
    /**
     * StorageClasses whose volumes authenticate with `px-user-token` in the PVC's own namespace.
     *
     * @example
     * [{ name: "px-tenant", parameters: { repl: "3" }, isDefault: true }]
     */
    storageClasses?: StorageClassArgs[];
    /**
     * The CSI VolumeSnapshotClass, authenticating with `px-user-token` in the snapshot's namespace.
     *
     * @example
     * { name: "px-tenant-snapshots", deletionPolicy: "Delete" }
     */
    volumeSnapshotClass?: VolumeSnapshotClassArgs;
}

/** The arguments that may be Outputs (or Promises): the component reads them once they resolve. */
const INPUT_FIELDS = new Set([
    "selfSigned.sharedSecret",
    "selfSigned.rsaPublicKey",
    "selfSigned.ecdsaPublicKey",
    "selfSigned.rsaPrivateKey",
]);

/**
 * Refuses an Output or Promise anywhere but {@link INPUT_FIELDS}. Every other argument names or
 * shapes what is written, so it must be known at preview; another language's SDK may send any
 * value as an Output (a resource's output, or a whole object holding a secret).
 */
function refuseOutputs(v: unknown, at: string): void {
    if (typeof v !== "object" || v === null || INPUT_FIELDS.has(at)) return;
    const o = v as { __pulumiOutput?: unknown; then?: unknown };
    if (o.__pulumiOutput === true || typeof o.then === "function") {
        throw new ConfigError(
            at,
            "is an Output or a Promise, known only while the update runs, but it must be known before anything is created",
            "pass a plain value, such as a literal or a stack config value, not a resource's output; if a secret inside it made it one, pass that secret as a secret Output of its own field",
        );
    }
    if (Array.isArray(v)) v.forEach((x, i) => refuseOutputs(x, `${at}[${i}]`));
    else for (const [k, x] of Object.entries(v)) refuseOutputs(x, at ? `${at}.${k}` : k);
}

/**
 * Checks the plain arguments and applies the defaults. Throws {@link ConfigError} naming the field.
 *
 * @example
 * resolveSettings({ namespace: "portworx", storageClusterName: "px", selfSigned: { issuer: "px.example.com" } });
 */
export function resolveSettings(args: PortworxAuthArgs): Settings {
    if (!args || typeof args !== "object") {
        throw new ConfigError("args", "are missing", "pass { namespace, storageClusterName, selfSigned or oidc }");
    }
    refuseOutputs(args, "");
    const namespace = label("namespace", args.namespace);
    const storageClusterName = subdomain("storageClusterName", args.storageClusterName);
    const secretName = subdomain("secretName", args.secretName ?? "pxkeys");
    const publicKeysConfigMapName = subdomain(
        "publicKeysConfigMapName",
        args.publicKeysConfigMapName ?? "px-auth-public-keys",
    );
    const fieldManager = word("fieldManager", args.fieldManager ?? "portworx-auth", "a field manager name");
    const enabled = flag("enabled", args.enabled, true);
    const securityMode = checkSecurityMode(args.securityMode);

    if (!args.selfSigned && !args.oidc) {
        throw new ConfigError(
            "selfSigned.issuer",
            "neither a self-signed issuer ({selfSigned.issuer}) nor an OIDC issuer ({oidc.issuer}) is set, so no user could ever be authenticated",
            "set {selfSigned.issuer}, or {oidc.issuer} and {oidc.clientId}, or both",
        );
    }
    const selfSigned = resolveSelfSigned(args.selfSigned, securityMode);
    // The two issuers never collide: a self-signed one is not a URL and an OIDC one must be.
    const oidc = resolveOidc(args.oidc);
    const usernameClaim = checkUsernameClaim(args.usernameClaim);
    const stork = resolveStork(args.stork, namespace);
    const storkKeyPairing = checkStorkKeyPairing(args.storkKeyPairing);

    const rotation = { systemKey: "1", appsKey: "1", storkKey: "1", sharedSecret: "1" };
    if (args.rotation !== undefined && (typeof args.rotation !== "object" || args.rotation === null)) {
        throw new ConfigError("rotation", "must be an object", "give { systemKey, appsKey, storkKey, sharedSecret }");
    }
    for (const k of Object.keys(rotation) as (keyof RotationArgs)[]) {
        const v = args.rotation?.[k];
        if (v !== undefined) rotation[k] = version(`rotation.${k}`, v);
    }
    // Stork has a key of its own only in env mode's stork pairing; elsewhere it signs with the apps key.
    if (args.rotation?.storkKey !== undefined && (securityMode !== "env" || storkKeyPairing !== "stork")) {
        throw new ConfigError(
            "rotation.storkKey",
            `rotates Stork's own key, which only env mode with {storkKeyPairing} "stork" has; here Stork signs with the apps key`,
            "remove {rotation.storkKey} and rotate {rotation.appsKey} instead (a cluster rotated with it before: set {rotation.appsKey} to the same version)",
        );
    }

    const operator = resolveOperator(args, securityMode, selfSigned !== undefined, stork);
    const takeOverExistingAuth = flag("takeOverExistingAuth", args.takeOverExistingAuth, false);
    const allowUnsettledCluster = flag("allowUnsettledCluster", args.allowUnsettledCluster, false);
    const pairedClusters = flag("pairedClusters", args.pairedClusters, false);

    const signingKey = selfSigned !== undefined && (selfSigned.sharedSecret !== "none" || selfSigned.rsaPrivateKey);
    if (args.adminToken !== undefined) flag("adminToken", args.adminToken, false);
    const wantsTokens = (Array.isArray(args.tokens) && args.tokens.length > 0) || args.adminToken === true;
    if (wantsTokens && !signingKey) {
        throw new ConfigError(
            args.adminToken === true ? "adminToken" : "tokens",
            selfSigned
                ? "no key here can sign tokens: only public keys are configured, and their private halves stay with their owners"
                : "no key here can sign tokens: tokens are self-signed, and no self-signed issuer is set",
            selfSigned
                ? "give {selfSigned.rsaPrivateKey} (the pair of {selfSigned.rsaPublicKey}) or {selfSigned.sharedSecret}, or remove the tokens"
                : "set {selfSigned.issuer} (a shared secret is generated), or remove the tokens",
        );
    }
    const tokenRenewBefore =
        args.tokenRenewBefore === undefined
            ? DEFAULT_RENEW_BEFORE_SHARE
            : checkRenewBeforeShare(args.tokenRenewBefore, "tokenRenewBefore");
    const tokens =
        selfSigned && signingKey
            ? resolveTokens(args.tokens ?? [], {
                  issuer: selfSigned.issuer,
                  usernameClaim,
                  namespace,
                  adminToken: args.adminToken ?? securityMode === "env",
                  renewBeforeShare: tokenRenewBefore,
              })
            : [];
    const { tokens: tenantTokens, tenancy } = resolveTenancy(args, {
        operatorMode: securityMode === "operator",
        ...(selfSigned ? { issuer: selfSigned.issuer } : {}),
        signingKey,
        usernameClaim,
        renewBeforeShare: tokenRenewBefore,
        tokens,
    });

    const settings: Settings = {
        namespace,
        storageClusterName,
        secretName,
        publicKeysConfigMapName,
        fieldManager,
        enabled,
        securityMode,
        ...(selfSigned ? { selfSigned } : {}),
        ...(oidc ? { oidc } : {}),
        usernameClaim,
        stork,
        storkKeyPairing,
        rotation,
        ...(operator ? { operator } : {}),
        pairedClusters,
        takeOverExistingAuth,
        allowUnsettledCluster,
        tokens: [...tokens, ...tenantTokens],
        tokenRenewBefore,
        ...(tenancy ? { tenancy } : {}),
    };
    const collision = findCollision(settings);
    if (collision) throw new ConfigError(collision.field, collision.problem, collision.fix);
    return settings;
}
