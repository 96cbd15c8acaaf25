// The env vars and volumes this project owns on Portworx and Stork, derived from settings.
// Pure: no Pulumi, no I/O.
import type { Settings } from "./args";

export interface SecretKeyRef {
    name: string;
    key: string;
    optional?: boolean;
}

/** A Kubernetes EnvVar as the StorageCluster CRD and core/v1 accept it. */
export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        secretKeyRef?: SecretKeyRef;
        configMapKeyRef?: { name?: string; key: string; optional?: boolean };
        fieldRef?: { apiVersion?: string; fieldPath: string };
        resourceFieldRef?: { containerName?: string; divisor?: string; resource: string };
    };
}

/** A StorageCluster `spec.volumes` entry. */
export interface Volume {
    name: string;
    mountPath?: string;
    readOnly?: boolean;
    [field: string]: unknown;
}

/** Keys inside the key Secret. */
export const SECRET_KEYS = {
    system: "system-secret",
    stork: "stork-secret",
    shared: "shared-secret",
} as const;

/** Portworx env names. The component owns all of them: any it does not want is removed. */
export const PX_ENV = {
    systemKey: "PORTWORX_AUTH_SYSTEM_KEY",
    storkKey: "PORTWORX_AUTH_STORK_KEY",
    appsKey: "PORTWORX_AUTH_SYSTEM_APPS_KEY",
    jwtIssuer: "PORTWORX_AUTH_JWT_ISSUER",
    jwtSharedSecret: "PORTWORX_AUTH_JWT_SHAREDSECRET",
    jwtRsaPubkey: "PORTWORX_AUTH_JWT_RSA_PUBKEY",
    jwtEcdsPubkey: "PORTWORX_AUTH_JWT_ECDS_PUBKEY",
    oidcIssuer: "PORTWORX_AUTH_OIDC_ISSUER",
    oidcClientId: "PORTWORX_AUTH_OIDC_CLIENTID",
    oidcCustomNamespace: "PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE",
    usernameClaim: "PORTWORX_AUTH_USERNAME_CLAIM",
} as const;

/** Stork env names the component owns. */
export const STORK_ENV = {
    sharedSecret: "PX_SHARED_SECRET",
    jwtIssuer: "PX_JWT_ISSUER",
} as const;

/**
 * A non-secret marker in both Portworx's and Stork's env. It changes with the key versions, so
 * that a rotation changes the pod spec and the operator rolls the pods (a Secret change alone
 * restarts nothing). Outside the PORTWORX_AUTH_ prefix so Portworx never reads it.
 */
export const KEYS_REVISION_ENV = "PX_AUTH_KEYS_REVISION";

/** Issuers Stork signs with, per pairing (facts §6). */
export const STORK_ISSUERS = {
    stork: "stork.openstorage.io",
    apps: "apps.portworx.io",
} as const;

export const PUBLIC_KEYS_VOLUME = "portworx-auth-public-keys";
export const PUBLIC_KEYS_MOUNT = "/etc/portworx-auth";
export const PUBLIC_KEY_FILES = { rsa: "rsa-public.pem", ecdsa: "ecdsa-public.pem" } as const;

export const OWNED_PX_ENV: readonly string[] = [...Object.values(PX_ENV), KEYS_REVISION_ENV];
export const OWNED_STORK_ENV: readonly string[] = [...Object.values(STORK_ENV), KEYS_REVISION_ENV];
export const OWNED_VOLUMES: readonly string[] = [PUBLIC_KEYS_VOLUME];

function fromSecret(name: string, secretName: string, key: string): EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/**
 * The marker values: the versions of the keys each workload reads, never the keys. Portworx
 * reads all three; Stork only its own, so rotating another key does not restart it.
 */
export function keysRevision(s: Settings, workload: "portworx" | "stork"): string {
    const r = s.rotation;
    if (workload === "stork") return `stork=${r.storkKey}`;
    const pub = s.selfSigned?.publicKeysRevision;
    return `system=${r.systemKey};stork=${r.storkKey};shared=${r.sharedSecret}${pub ? `;pubkeys=${pub}` : ""}`;
}

/** Parses a marker value back into versions; unknown text gives an empty map. */
export function parseKeysRevision(value: string | undefined): Record<string, string> {
    return Object.fromEntries(
        (value ?? "")
            .split(";")
            .map((p) => p.split("="))
            .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== "" && kv[1] !== ""),
    );
}

/** The env vars Portworx must carry, in a fixed order. Empty when authorization is off. */
export function desiredPortworxEnv(s: Settings): EnvVar[] {
    if (!s.enabled) return [];
    const env: EnvVar[] = [];
    if (s.securityMode === "env") {
        env.push(fromSecret(PX_ENV.systemKey, s.secretName, SECRET_KEYS.system));
        const storkKeyEnv = s.storkKeyPairing === "apps" ? PX_ENV.appsKey : PX_ENV.storkKey;
        env.push(fromSecret(storkKeyEnv, s.secretName, SECRET_KEYS.stork));
    }
    const ss = s.selfSigned;
    if (ss) {
        if (s.securityMode === "env") {
            env.push({ name: PX_ENV.jwtIssuer, value: ss.issuer });
            if (ss.sharedSecret !== "none") {
                env.push(fromSecret(PX_ENV.jwtSharedSecret, s.secretName, SECRET_KEYS.shared));
            }
        }
        if (ss.rsaPublicKey) {
            env.push({ name: PX_ENV.jwtRsaPubkey, value: `${PUBLIC_KEYS_MOUNT}/${PUBLIC_KEY_FILES.rsa}` });
        }
        if (ss.ecdsaPublicKey) {
            env.push({
                name: PX_ENV.jwtEcdsPubkey,
                value: `${PUBLIC_KEYS_MOUNT}/${PUBLIC_KEY_FILES.ecdsa}`,
            });
        }
    }
    if (s.oidc) {
        env.push({ name: PX_ENV.oidcIssuer, value: s.oidc.issuer });
        env.push({ name: PX_ENV.oidcClientId, value: s.oidc.clientId });
        if (s.oidc.customClaimNamespace !== undefined) {
            env.push({ name: PX_ENV.oidcCustomNamespace, value: s.oidc.customClaimNamespace });
        }
    }
    env.push({ name: PX_ENV.usernameClaim, value: s.usernameClaim });
    env.push({ name: KEYS_REVISION_ENV, value: keysRevision(s, "portworx") });
    return env;
}

/**
 * The env vars Stork must carry. Empty when Stork is not wired. In operator security mode the
 * operator wires the key and issuer itself, so only the marker goes in. A Stork in another
 * namespace reads a copy of the key Secret under the same name there.
 */
export function desiredStorkEnv(s: Settings): EnvVar[] {
    if (!s.enabled || s.stork.mode === "none") return [];
    const marker = { name: KEYS_REVISION_ENV, value: keysRevision(s, "stork") };
    if (s.securityMode === "operator") return [marker];
    return [
        fromSecret(STORK_ENV.sharedSecret, s.secretName, SECRET_KEYS.stork),
        { name: STORK_ENV.jwtIssuer, value: STORK_ISSUERS[s.storkKeyPairing] },
        marker,
    ];
}

/** The volumes Portworx must mount: the public keys, when any is configured. */
export function desiredVolumes(s: Settings): Volume[] {
    const ss = s.selfSigned;
    if (!s.enabled || !ss || (!ss.rsaPublicKey && !ss.ecdsaPublicKey)) return [];
    return [
        {
            name: PUBLIC_KEYS_VOLUME,
            mountPath: PUBLIC_KEYS_MOUNT,
            readOnly: true,
            configMap: { name: s.publicKeysConfigMapName },
        },
    ];
}
