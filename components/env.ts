// The env vars and volumes this project owns on Portworx and Stork, derived from settings.
// Pure: no Pulumi, no I/O.
import type { Settings } from "./settings";
import { STORK_ISSUERS } from "./stork";

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

/**
 * The Secret the operator keeps its system and apps keys in (facts §2.2), in both security modes:
 * the operator signs its own calls with `apps-secret`, and reads both when security mode starts.
 */
export const SYSTEM_SECRET = "px-system-secrets";

/**
 * The keys this project holds, by role, and their base data keys. `apps`: the operator and
 * Autopilot sign with it (issuer `apps.portworx.io`), and Stork in the `apps` pairing. `stork`:
 * Stork's own key in the `stork` pairing (issuer `stork.openstorage.io`), so that rotating it never
 * touches the key the operator signs with (upstream-check §1.6).
 */
export const SECRET_KEYS = {
    system: "system-secret",
    apps: "apps-secret",
    stork: "stork-secret",
    shared: "shared-secret",
} as const;
export type KeyRole = keyof typeof SECRET_KEYS;

/** The data key of the pre-0.2 layout that held the Stork key in the key Secret. */
export const LEGACY_STORK_KEY = SECRET_KEYS.stork;

/** The key Stork signs with: its own in env mode's `stork` pairing, else the apps key. */
export function storkKeyRole(s: Settings): "stork" | "apps" {
    return s.securityMode === "env" && s.storkKeyPairing === "stork" ? "stork" : "apps";
}

/** The version each role asks for (`rotation.*`). */
export function desiredVersion(s: Settings, role: KeyRole): string {
    const r = s.rotation;
    return { system: r.systemKey, apps: r.appsKey, stork: r.storkKey, shared: r.sharedSecret }[role];
}

/**
 * The data key a version of a key lives under, such as `system-secret.2`. A rotation writes a new
 * data key and points the env at it: the pod spec change is what rolls the pods, and a container
 * that restarts before its pod is rolled still reads the old key.
 */
export function versionedKey(role: KeyRole, version: string): string {
    return `${SECRET_KEYS[role]}.${version}`;
}

/** The prefix Portworx reads its auth settings under: every PX_ENV name starts with it. */
export const PX_AUTH_PREFIX = "PORTWORX_AUTH_";

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

/** Autopilot env names the component owns (env mode; the operator wires them in its own mode). */
export const AUTOPILOT_ENV = { sharedSecret: "PX_SHARED_SECRET" } as const;

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

export { STORK_ISSUERS };

export const PUBLIC_KEYS_VOLUME = "portworx-auth-public-keys";
export const PUBLIC_KEYS_MOUNT = "/etc/portworx-auth";
export const PUBLIC_KEY_FILES = { rsa: "rsa-public.pem", ecdsa: "ecdsa-public.pem" } as const;

export const OWNED_PX_ENV: readonly string[] = [...Object.values(PX_ENV), KEYS_REVISION_ENV];
export const OWNED_STORK_ENV: readonly string[] = [...Object.values(STORK_ENV), KEYS_REVISION_ENV];
export const OWNED_AUTOPILOT_ENV: readonly string[] = Object.values(AUTOPILOT_ENV);
export const OWNED_VOLUMES: readonly string[] = [PUBLIC_KEYS_VOLUME];

function fromSecret(name: string, secretName: string, key: string): EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/**
 * The marker values: the versions of the keys each workload reads, never the keys. Portworx
 * reads them all; Stork only its own, so rotating another key does not restart it.
 */
export function keysRevision(s: Settings, workload: "portworx" | "stork"): string {
    const r = s.rotation;
    const stork = storkKeyRole(s);
    if (workload === "stork") return `${stork}=${desiredVersion(s, stork)}`;
    const pub = s.selfSigned?.publicKeysRevision;
    return `system=${r.systemKey};apps=${r.appsKey}${stork === "stork" ? `;stork=${r.storkKey}` : ""};shared=${r.sharedSecret}${pub ? `;pubkeys=${pub}` : ""}`;
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
        env.push(fromSecret(PX_ENV.systemKey, SYSTEM_SECRET, versionedKey("system", s.rotation.systemKey)));
        // The apps key checks the operator's and Autopilot's tokens (and Stork's in the apps pairing);
        // the Stork key, Stork's in the stork pairing. Two keys: rotating Stork's never stalls the operator.
        env.push(fromSecret(PX_ENV.appsKey, SYSTEM_SECRET, versionedKey("apps", s.rotation.appsKey)));
        if (s.storkKeyPairing === "stork") {
            env.push(fromSecret(PX_ENV.storkKey, SYSTEM_SECRET, versionedKey("stork", s.rotation.storkKey)));
        }
    }
    const ss = s.selfSigned;
    if (ss) {
        if (s.securityMode === "env") {
            env.push({ name: PX_ENV.jwtIssuer, value: ss.issuer });
            if (ss.sharedSecret !== "none") {
                env.push(
                    fromSecret(PX_ENV.jwtSharedSecret, s.secretName, versionedKey("shared", s.rotation.sharedSecret)),
                );
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
 * namespace reads a copy of its key in a Secret named `secretName` there.
 */
export function desiredStorkEnv(s: Settings): EnvVar[] {
    if (!s.enabled || s.stork.mode === "none") return [];
    const marker = { name: KEYS_REVISION_ENV, value: keysRevision(s, "stork") };
    if (s.securityMode === "operator") return [marker];
    return [
        fromSecret(
            STORK_ENV.sharedSecret,
            s.stork.mode === "deployment" && s.stork.namespace !== s.namespace ? s.secretName : SYSTEM_SECRET,
            versionedKey(storkKeyRole(s), desiredVersion(s, storkKeyRole(s))),
        ),
        { name: STORK_ENV.jwtIssuer, value: STORK_ISSUERS[s.storkKeyPairing] },
        marker,
    ];
}

/**
 * The env vars Autopilot must carry, when the operator runs it: in env mode the operator gives it
 * no key (it does only in its own security mode), so its calls would carry no token.
 */
export function desiredAutopilotEnv(s: Settings): EnvVar[] {
    if (!s.enabled || s.securityMode !== "env") return [];
    return [fromSecret(AUTOPILOT_ENV.sharedSecret, SYSTEM_SECRET, versionedKey("apps", s.rotation.appsKey))];
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

/** Everything this configuration wants in the StorageCluster's lists and Stork's env, computed once per plan. */
export interface Desired {
    portworxEnv: EnvVar[];
    storkEnv: EnvVar[];
    autopilotEnv: EnvVar[];
    volumes: Volume[];
}

/**
 * The desired env and volumes of one configuration.
 *
 * @example
 * desiredState(resolveSettings(args)).storkEnv; // [PX_SHARED_SECRET, PX_JWT_ISSUER, PX_AUTH_KEYS_REVISION]
 */
export function desiredState(s: Settings): Desired {
    return {
        portworxEnv: desiredPortworxEnv(s),
        storkEnv: desiredStorkEnv(s),
        autopilotEnv: desiredAutopilotEnv(s),
        volumes: desiredVolumes(s),
    };
}
