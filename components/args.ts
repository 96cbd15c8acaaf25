// The component's arguments, their defaults, and their validation. Plain values are checked
// synchronously into `Settings`; values that may be unknown at preview (supplied secrets, PEM
// text) are checked by `checkSuppliedValues` once known. Pure: no Pulumi runtime calls.
import * as crypto from "node:crypto";
import * as jose from "jose";
import type * as pulumi from "@pulumi/pulumi";
import { STORK_ISSUERS } from "./env";
import { findCollision } from "./writes";
import {
    checkRenewBeforeShare,
    DEFAULT_RENEW_BEFORE_SHARE,
    resolveTokens,
    type ResolvedToken,
    type TokenArgs,
} from "./tokens";
import {
    resolveTenancy,
    type StorageClassArgs,
    type Tenancy,
    type TenantArgs,
    type VolumeSnapshotClassArgs,
} from "./tenants";

export type StorkMode = "operator" | "deployment" | "none";
export type StorkKeyPairing = "stork" | "apps";
export type UsernameClaim = "sub" | "email" | "name";
export type SecurityMode = "env" | "operator";
export type GuestAccess = "Enabled" | "Disabled" | "Managed";

/**
 * Self-signed tokens: an issuer plus a shared secret and/or a public key.
 *
 * @example
 * { issuer: "portworx.example.com" } // a shared secret is generated
 */
export interface SelfSignedArgs {
    /** `PORTWORX_AUTH_JWT_ISSUER`: must equal the `iss` of self-signed tokens. Not an `https://` URL. */
    issuer: string;
    /** HMAC key for HS256/384/512 tokens, at least 32 bytes. Generated when no key of any kind is given. */
    sharedSecret?: pulumi.Input<string>;
    /** PEM `PUBLIC KEY` (RSA, at least 2048 bits) for RS256/384/512 tokens. */
    rsaPublicKey?: pulumi.Input<string>;
    /** PEM `PUBLIC KEY` (EC P-256, P-384 or P-521) for ES256/384/512 tokens. */
    ecdsaPublicKey?: pulumi.Input<string>;
    /**
     * PEM RSA private key (secret) that signs this project's tokens with RS256 instead of the shared
     * secret. Must be the pair of `rsaPublicKey`.
     */
    rsaPrivateKey?: pulumi.Input<string>;
}

/**
 * OpenID Connect.
 *
 * @example
 * { issuer: "https://login.example.com/realms/storage", clientId: "portworx" }
 */
export interface OidcArgs {
    /** `PORTWORX_AUTH_OIDC_ISSUER`: absolute `https` URL, no query or fragment. */
    issuer: string;
    /** `PORTWORX_AUTH_OIDC_CLIENTID`. */
    clientId: string;
    /** `PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE`: prefix under which the provider puts custom claims. */
    customClaimNamespace?: string;
}

/**
 * Where Stork runs and how it is wired.
 *
 * @example
 * { mode: "deployment", namespace: "kube-system" } // Stork installed without the operator
 */
export interface StorkArgs {
    /** `operator` (default): `spec.stork.env`; `deployment`: patch Stork's Deployment; `none`: no wiring. */
    mode?: StorkMode;
    /** Stork Deployment name (`deployment` mode). Default `stork`. */
    deploymentName?: string;
    /** Stork's namespace (`deployment` mode). Default: `namespace`. */
    namespace?: string;
    /** Stork's container name (`deployment` mode). Default `stork`. */
    containerName?: string;
}

/**
 * Opaque key versions: changing one regenerates that key only and rolls the pods that read it.
 *
 * @example
 * { systemKey: "2026-11" }
 */
export interface RotationArgs {
    systemKey?: string;
    storkKey?: string;
    sharedSecret?: string;
}

/**
 * Arguments of {@link PortworxAuth}.
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
     * Secret holding `system-secret`, `stork-secret` and `shared-secret`. Default `pxkeys`.
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
     * Key versions; see {@link RotationArgs}.
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
    /**
     * Unix seconds standing for "now" when choosing token issue times. Default: the clock. For tests.
     *
     * @example
     * now: Math.floor(Date.parse("2026-11-29T00:00:00Z") / 1000)
     */
    now?: number;
}

/** Plain, validated, defaulted settings: what the pure core works from. */
export interface Settings {
    namespace: string;
    storageClusterName: string;
    secretName: string;
    publicKeysConfigMapName: string;
    fieldManager: string;
    enabled: boolean;
    securityMode: SecurityMode;
    selfSigned?: {
        issuer: string;
        /** Where the shared secret comes from; `none` when only public keys are used. */
        sharedSecret: "generated" | "supplied" | "none";
        rsaPublicKey: boolean;
        ecdsaPublicKey: boolean;
        /** Tokens are signed with RS256 and this key rather than HS256 and the shared secret. */
        rsaPrivateKey: boolean;
        /**
         * A short fingerprint of the public keys' text, when given as plain strings: Portworx reads
         * the files only at start, so a new key must roll the pods.
         */
        publicKeysRevision?: string;
    };
    oidc?: { issuer: string; clientId: string; customClaimNamespace?: string };
    usernameClaim: UsernameClaim;
    stork: { mode: StorkMode; deploymentName: string; namespace: string; containerName: string };
    storkKeyPairing: StorkKeyPairing;
    rotation: Required<RotationArgs>;
    /** Operator security mode only. */
    operator?: { guestAccess: GuestAccess; tokenLifetime: string; readAdminToken: boolean };
    pairedClusters: boolean;
    takeOverExistingAuth: boolean;
    allowUnsettledCluster: boolean;
    /** Tokens this project mints, admin and tenant tokens included. */
    tokens: ResolvedToken[];
    tokenRenewBefore: number;
    /** Tenants, StorageClasses and the VolumeSnapshotClass, when any is asked for. */
    tenancy?: Tenancy;
}

/** A bad argument: names the field and the fix, never the value of a secret. */
export class ConfigError extends Error {
    constructor(
        readonly field: string,
        problem: string,
        fix: string,
    ) {
        super(`${field}: ${problem}. Fix: ${fix}`);
        this.name = "ConfigError";
    }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Bytes an HMAC key must have at least (RFC 7518 §3.2: no shorter than the hash). */
export const MIN_SHARED_SECRET_BYTES = 32;
/** Durations as Portworx parses them: an integer and one of s, m, h, d, y. */
export const DURATION = /^[1-9][0-9]*[smhdy]$/;

/** A Kubernetes namespace (or other DNS-1123 label) name, or a ConfigError naming `field`. */
export function label(field: string, v: unknown): string {
    if (typeof v !== "string" || v.length > 63 || !DNS_LABEL.test(v)) {
        throw new ConfigError(
            field,
            "is not a valid Kubernetes name (a DNS-1123 label)",
            "use lowercase letters, digits and '-', at most 63 characters",
        );
    }
    return v;
}

/** A Kubernetes object (DNS-1123 subdomain) name, or a ConfigError naming `field`. */
export function subdomain(field: string, v: unknown): string {
    if (typeof v !== "string" || v.length > 253 || !DNS_SUBDOMAIN.test(v)) {
        throw new ConfigError(
            field,
            "is not a valid Kubernetes object name",
            "use lowercase letters, digits, '-' and '.', at most 253 characters",
        );
    }
    return v;
}

function token(field: string, v: unknown, what: string): string {
    if (typeof v !== "string" || v.length === 0) {
        throw new ConfigError(field, "is missing or empty", `set ${what}`);
    }
    if (/\s/.test(v)) {
        throw new ConfigError(field, "contains whitespace", `remove the spaces and line breaks from ${what}`);
    }
    return v;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[], dflt: T): T {
    if (v === undefined) return dflt;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
        throw new ConfigError(
            field,
            `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
            `set it to one of those, or leave it unset for "${dflt}"`,
        );
    }
    return v as T;
}

/** A public key's DER, so line endings and wrapping never count as a new key; else its normalised text. */
function canonicalPublicKey(pem: string): Buffer {
    try {
        return crypto.createPublicKey({ key: pem, format: "pem" }).export({ type: "spki", format: "der" });
    } catch {
        return Buffer.from(pem.replace(/\r\n/g, "\n").trim());
    }
}

/** Validates the self-signed issuer on its own (also used by property tests). */
export function checkSelfSignedIssuer(issuer: unknown, field = "selfSigned.issuer"): string {
    const v = token(
        field,
        issuer,
        "the issuer your self-signed tokens carry in `iss`, for example portworx.example.com",
    );
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
        throw new ConfigError(
            field,
            "looks like a URL; a self-signed issuer is a plain name, and https:// URLs are for OIDC",
            "use a name such as portworx.example.com, or move this URL to oidc.issuer",
        );
    }
    const storkIssuers: readonly string[] = Object.values(STORK_ISSUERS);
    if (storkIssuers.includes(v)) {
        throw new ConfigError(
            field,
            `"${v}" is an issuer Stork signs its own tokens with`,
            "choose an issuer of your own, such as portworx.example.com",
        );
    }
    return v;
}

/** Validates an OIDC issuer URL on its own. */
export function checkOidcIssuer(issuer: unknown, field = "oidc.issuer"): string {
    const v = token(field, issuer, "the https URL of your OIDC provider, equal to the `iss` of its tokens");
    let url: URL;
    try {
        url = new URL(v);
    } catch {
        throw new ConfigError(
            field,
            "is not an absolute URL",
            "use the provider's issuer URL, for example https://accounts.google.com",
        );
    }
    if (url.protocol !== "https:") {
        throw new ConfigError(field, "must use https", "use the provider's https issuer URL");
    }
    if (url.search !== "" || url.hash !== "" || v.includes("?") || v.includes("#")) {
        throw new ConfigError(
            field,
            "must not have a query or fragment",
            "use the bare issuer URL, exactly as the `iss` claim of its tokens",
        );
    }
    return v;
}

/** Validates a username claim on its own. */
export function checkUsernameClaim(v: unknown, field = "usernameClaim"): UsernameClaim {
    return oneOf(field, v, ["sub", "email", "name"] as const, "sub");
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
    const namespace = label("namespace", args.namespace);
    const storageClusterName = subdomain("storageClusterName", args.storageClusterName);
    const secretName = subdomain("secretName", args.secretName ?? "pxkeys");
    const publicKeysConfigMapName = subdomain(
        "publicKeysConfigMapName",
        args.publicKeysConfigMapName ?? "px-auth-public-keys",
    );
    const fieldManager = token("fieldManager", args.fieldManager ?? "portworx-auth", "a field manager name");
    if (args.enabled !== undefined && typeof args.enabled !== "boolean") {
        throw new ConfigError("enabled", "must be true or false", "set enabled to true or false");
    }
    const securityMode = oneOf("securityMode", args.securityMode, ["env", "operator"] as const, "env");

    if (!args.selfSigned && !args.oidc) {
        throw new ConfigError(
            "selfSigned",
            "neither selfSigned nor oidc is set, so no user could ever be authenticated",
            "set selfSigned.issuer, or oidc.issuer and oidc.clientId, or both",
        );
    }

    let selfSigned: Settings["selfSigned"];
    if (args.selfSigned) {
        const issuer = checkSelfSignedIssuer(args.selfSigned.issuer);
        const rsaPublicKey = args.selfSigned.rsaPublicKey !== undefined;
        const ecdsaPublicKey = args.selfSigned.ecdsaPublicKey !== undefined;
        const supplied = args.selfSigned.sharedSecret !== undefined;
        const rsaPrivateKey = args.selfSigned.rsaPrivateKey !== undefined;
        if (rsaPrivateKey && !rsaPublicKey) {
            throw new ConfigError(
                "selfSigned.rsaPrivateKey",
                "has no public half configured, so Portworx could not verify its tokens",
                "set selfSigned.rsaPublicKey to its public key (openssl pkey -in KEY.pem -pubout)",
            );
        }
        const pems = [args.selfSigned.rsaPublicKey, args.selfSigned.ecdsaPublicKey].filter((p) => p !== undefined);
        const publicKeysRevision =
            pems.length > 0 && pems.every((p) => typeof p === "string")
                ? crypto
                      .createHash("sha256")
                      .update(Buffer.concat(pems.map((p) => canonicalPublicKey(p as string))))
                      .digest("hex")
                      .slice(0, 12)
                : undefined;
        selfSigned = {
            issuer,
            // The operator always signs its own tokens with a shared secret, so it is generated there.
            sharedSecret: supplied
                ? "supplied"
                : (rsaPublicKey || ecdsaPublicKey) && securityMode === "env"
                  ? "none"
                  : "generated",
            rsaPublicKey,
            ecdsaPublicKey,
            rsaPrivateKey,
            ...(publicKeysRevision ? { publicKeysRevision } : {}),
        };
    }

    let oidc: Settings["oidc"];
    if (args.oidc) {
        const issuer = checkOidcIssuer(args.oidc.issuer);
        const clientId = token(
            "oidc.clientId",
            args.oidc.clientId,
            "the client id your OIDC provider issued for Portworx",
        );
        const customClaimNamespace =
            args.oidc.customClaimNamespace === undefined
                ? undefined
                : token(
                      "oidc.customClaimNamespace",
                      args.oidc.customClaimNamespace,
                      "the claim namespace, or leave it unset",
                  );
        oidc = { issuer, clientId, ...(customClaimNamespace === undefined ? {} : { customClaimNamespace }) };
    }
    // The two issuers never collide: a self-signed one is not a URL and an OIDC one must be.

    const usernameClaim = checkUsernameClaim(args.usernameClaim);
    const storkArgs = args.stork ?? {};
    const stork = {
        mode: oneOf("stork.mode", storkArgs.mode, ["operator", "deployment", "none"] as const, "operator"),
        deploymentName: subdomain("stork.deploymentName", storkArgs.deploymentName ?? "stork"),
        namespace: label("stork.namespace", storkArgs.namespace ?? namespace),
        containerName: label("stork.containerName", storkArgs.containerName ?? "stork"),
    };
    if (stork.mode !== "deployment") {
        for (const f of ["deploymentName", "namespace", "containerName"] as const) {
            if (storkArgs[f] !== undefined) {
                throw new ConfigError(
                    `stork.${f}`,
                    `only applies when stork.mode is "deployment"`,
                    `remove stork.${f}, or set stork.mode to "deployment"`,
                );
            }
        }
    }
    const storkKeyPairing = oneOf("storkKeyPairing", args.storkKeyPairing, ["stork", "apps"] as const, "stork");

    const rotation = { systemKey: "1", storkKey: "1", sharedSecret: "1" };
    for (const k of Object.keys(rotation) as (keyof RotationArgs)[]) {
        const v = args.rotation?.[k];
        if (v === undefined) continue;
        if (typeof v !== "string" || !VERSION.test(v)) {
            throw new ConfigError(
                `rotation.${k}`,
                "must be a short version string",
                "use letters, digits, '.', '_' or '-', such as 2026-11 or v2",
            );
        }
        rotation[k] = v;
    }

    const operatorOnly = ["guestAccess", "tokenLifetime", "operatorAdminToken"] as const;
    let operator: Settings["operator"];
    if (securityMode === "operator") {
        if (!selfSigned) {
            throw new ConfigError(
                "selfSigned",
                'securityMode "operator" needs selfSigned.issuer: the operator signs its own tokens with it',
                "set selfSigned.issuer (a shared secret is generated unless you give one)",
            );
        }
        if (stork.mode === "deployment") {
            throw new ConfigError(
                "stork.mode",
                'the operator wires only the Stork it runs, so "deployment" does not apply in securityMode "operator"',
                'set stork.mode to "operator" or "none"',
            );
        }
        if (args.storkKeyPairing !== undefined) {
            throw new ConfigError(
                "storkKeyPairing",
                'in securityMode "operator" the operator pairs Stork with the apps key itself',
                "remove storkKeyPairing",
            );
        }
        const tokenLifetime = args.tokenLifetime ?? "24h";
        if (typeof tokenLifetime !== "string" || !DURATION.test(tokenLifetime)) {
            throw new ConfigError(
                "tokenLifetime",
                "is not a Portworx duration",
                "use a whole number and s, m, h, d or y, such as 24h or 7d",
            );
        }
        if (args.operatorAdminToken !== undefined && typeof args.operatorAdminToken !== "boolean") {
            throw new ConfigError("operatorAdminToken", "must be true or false", "set it to true or false");
        }
        operator = {
            guestAccess: oneOf("guestAccess", args.guestAccess, ["Enabled", "Disabled", "Managed"] as const, "Enabled"),
            tokenLifetime,
            readAdminToken: args.operatorAdminToken ?? false,
        };
    } else {
        for (const f of operatorOnly) {
            if (args[f] !== undefined) {
                throw new ConfigError(
                    f,
                    'only applies when securityMode is "operator"',
                    `remove ${f}, or set securityMode to "operator"`,
                );
            }
        }
    }
    for (const f of ["takeOverExistingAuth", "allowUnsettledCluster"] as const) {
        if (args[f] !== undefined && typeof args[f] !== "boolean") {
            throw new ConfigError(f, "must be true or false", "set it to true or false");
        }
    }
    if (args.pairedClusters !== undefined && typeof args.pairedClusters !== "boolean") {
        throw new ConfigError("pairedClusters", "must be true or false", "set it to true or false");
    }

    const signingKey = selfSigned !== undefined && (selfSigned.sharedSecret !== "none" || selfSigned.rsaPrivateKey);
    if (args.adminToken !== undefined && typeof args.adminToken !== "boolean") {
        throw new ConfigError("adminToken", "must be true or false", "set it to true or false");
    }
    const wantsTokens = (Array.isArray(args.tokens) && args.tokens.length > 0) || args.adminToken === true;
    if (wantsTokens && !signingKey) {
        throw new ConfigError(
            args.adminToken === true ? "adminToken" : "tokens",
            "no self-signed key can sign tokens here",
            "set selfSigned.issuer with a shared secret (generated by default) or selfSigned.rsaPrivateKey, or remove the tokens",
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
        enabled: args.enabled ?? true,
        securityMode,
        ...(selfSigned ? { selfSigned } : {}),
        ...(oidc ? { oidc } : {}),
        usernameClaim,
        stork,
        storkKeyPairing,
        rotation,
        ...(operator ? { operator } : {}),
        pairedClusters: args.pairedClusters ?? false,
        takeOverExistingAuth: args.takeOverExistingAuth ?? false,
        allowUnsettledCluster: args.allowUnsettledCluster ?? false,
        tokens: [...tokens, ...tenantTokens],
        tokenRenewBefore,
        ...(tenancy ? { tenancy } : {}),
    };
    const collision = findCollision(settings);
    if (collision) throw new ConfigError(collision.field, collision.problem, collision.fix);
    return settings;
}

/** Checks a supplied shared secret once its value is known. Never echoes it. */
export function checkSharedSecret(value: string, field = "selfSigned.sharedSecret"): void {
    if (Buffer.byteLength(value, "utf8") < MIN_SHARED_SECRET_BYTES) {
        throw new ConfigError(
            field,
            `is shorter than ${MIN_SHARED_SECRET_BYTES} bytes`,
            "use at least 32 random bytes, for example `openssl rand -hex 32`",
        );
    }
    if (/[\r\n]/.test(value)) {
        throw new ConfigError(
            field,
            "contains a line break",
            "remove the trailing newline (pulumi config set --secret reads it from the argument, not a file)",
        );
    }
}

/** JWS algorithms Portworx's helpers sign with per EC curve (node:crypto's curve names). */
export const EC_ALGS: Record<string, "ES256" | "ES384" | "ES512"> = {
    prime256v1: "ES256",
    secp384r1: "ES384",
    secp521r1: "ES512",
};

/**
 * The JWS algorithm for an RSA (2048 bits or more) or EC (P-256/384/521) key, public or private,
 * as Portworx picks it; otherwise a ConfigError naming `field`. Never echoes the key.
 */
export function keyAlg(key: crypto.KeyObject, field: string): "RS256" | "ES256" | "ES384" | "ES512" {
    if (key.asymmetricKeyType === "rsa") {
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        if (bits < 2048) {
            throw new ConfigError(
                field,
                `is a ${bits}-bit RSA key; at least 2048 bits are required`,
                "generate a 2048-bit or larger RSA key pair",
            );
        }
        return "RS256";
    }
    if (key.asymmetricKeyType === "ec") {
        const alg = EC_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ""];
        if (!alg) throw new ConfigError(field, "is on a curve Portworx does not accept", "use P-256, P-384 or P-521");
        return alg;
    }
    throw new ConfigError(
        field,
        `is a ${key.asymmetricKeyType ?? "unknown"} key; Portworx accepts RSA and EC keys`,
        "use an RSA (2048 bits or more) or EC (P-256, P-384, P-521) key",
    );
}

/**
 * Checks a public key PEM for the given field once its text is known, with node:crypto and with
 * jose. Returns the JWS algorithm Portworx's helpers sign with for it. Never echoes key material.
 */
export async function checkPublicKey(pem: string, kind: "rsa" | "ecdsa", field: string): Promise<string> {
    const fix =
        kind === "rsa"
            ? "give the PEM of an RSA public key (openssl pkey -pubout)"
            : "give the PEM of an EC public key on P-256, P-384 or P-521 (openssl pkey -pubout)";
    if (typeof pem !== "string" || pem.trim() === "") throw new ConfigError(field, "is empty", fix);
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
        throw new ConfigError(
            field,
            "holds a private key, which must never leave its owner",
            "give its public half instead: openssl pkey -in KEY.pem -pubout",
        );
    }
    if (!pem.includes("-----BEGIN PUBLIC KEY-----")) {
        throw new ConfigError(
            field,
            "is not a PEM 'PUBLIC KEY' (SPKI) block",
            `${fix}; convert a certificate or an 'RSA PUBLIC KEY' block with openssl pkey -pubin -pubout`,
        );
    }
    let key: crypto.KeyObject;
    try {
        key = crypto.createPublicKey({ key: pem, format: "pem" });
    } catch {
        throw new ConfigError(field, "could not be parsed as a PEM public key", fix);
    }
    const want = kind === "rsa" ? "rsa" : "ec";
    if (key.asymmetricKeyType !== want) {
        const other =
            key.asymmetricKeyType === "ec"
                ? "EC keys in selfSigned.ecdsaPublicKey"
                : "RSA keys in selfSigned.rsaPublicKey";
        throw new ConfigError(
            field,
            `holds a ${key.asymmetricKeyType ?? "non-" + want.toUpperCase()} key, not an ${want.toUpperCase()} key`,
            key.asymmetricKeyType === "ec" || key.asymmetricKeyType === "rsa" ? `put ${other}` : fix,
        );
    }
    const alg = keyAlg(key, field);
    try {
        await jose.importSPKI(pem.trim(), alg);
    } catch {
        throw new ConfigError(field, "was refused by the JOSE parser", fix);
    }
    return alg;
}

/** The values of supplied Inputs, once known, in the shape `checkSuppliedValues` takes. */
export interface SuppliedValues {
    sharedSecret?: string;
    rsaPublicKey?: string;
    ecdsaPublicKey?: string;
}

/** Checks every supplied secret or PEM. Throws the first {@link ConfigError}. */
export async function checkSuppliedValues(v: SuppliedValues): Promise<void> {
    if (v.sharedSecret !== undefined) checkSharedSecret(v.sharedSecret);
    if (v.rsaPublicKey !== undefined) await checkPublicKey(v.rsaPublicKey, "rsa", "selfSigned.rsaPublicKey");
    if (v.ecdsaPublicKey !== undefined) await checkPublicKey(v.ecdsaPublicKey, "ecdsa", "selfSigned.ecdsaPublicKey");
}
