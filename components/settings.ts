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
    /** Version of the Stork (apps) key; a change rolls Portworx, Stork and Autopilot. Default `1`. */
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
