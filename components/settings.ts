// The settings the pure core works from: the arguments checked and defaulted by resolveSettings
// (args.ts). Types only, so every module can name them without importing the checks.
import type { OperatorSettings, SecurityMode } from "./operator";
import type { StorkKeyPairing, StorkSettings } from "./stork";
import type { Tenancy } from "./tenants";
import type { ResolvedToken } from "./tokens";
import type { OidcSettings, SelfSignedSettings, UsernameClaim } from "./trust";

/**
 * Opaque key versions: changing one regenerates that key only and rolls the pods that read it.
 *
 * @example
 * { systemKey: "2026-11" }
 */
export interface RotationArgs {
    /** Version of the system key (`PORTWORX_AUTH_SYSTEM_KEY`); a change rolls Portworx. Default `1`. */
    systemKey?: string;
    /**
     * Version of the apps key (`px-system-secrets/apps-secret`, `PORTWORX_AUTH_SYSTEM_APPS_KEY`),
     * which the operator and Autopilot sign with, and Stork in the `apps` pairing; a change rolls
     * Portworx, Autopilot (and Stork in the `apps` pairing). Default `1`.
     */
    appsKey?: string;
    /**
     * Version of Stork's own key (`PORTWORX_AUTH_STORK_KEY`), env mode with `storkKeyPairing`
     * `stork` only; a change rolls Portworx and Stork, never the operator's key. Default `1`.
     */
    storkKey?: string;
    /** Version of the generated shared secret; a change rolls Portworx and renews the tokens. Default `1`. */
    sharedSecret?: string;
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
    selfSigned?: SelfSignedSettings;
    oidc?: OidcSettings;
    usernameClaim: UsernameClaim;
    stork: StorkSettings;
    storkKeyPairing: StorkKeyPairing;
    rotation: Required<RotationArgs>;
    /** Operator security mode only. */
    operator?: OperatorSettings;
    pairedClusters: boolean;
    takeOverExistingAuth: boolean;
    allowUnsettledCluster: boolean;
    /** Tokens this project mints, admin and tenant tokens included. */
    tokens: ResolvedToken[];
    tokenRenewBefore: number;
    /** Tenants, StorageClasses and the VolumeSnapshotClass, when any is asked for. */
    tenancy?: Tenancy;
}
