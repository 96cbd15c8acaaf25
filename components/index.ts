// The library's public surface. Importing it creates nothing.
export { PortworxAuth, type PortworxAuthOptions } from "./portworxAuth";
export {
    ConfigError,
    resolveSettings,
    GuestAccess,
    type OidcArgs,
    type PortworxAuthArgs,
    type RotationArgs,
    SecurityMode,
    type SelfSignedArgs,
    type Settings,
    type StorkArgs,
    StorkKeyPairing,
    StorkMode,
    UsernameClaim,
} from "./args";
export { buildPlan, renderPlan, type Plan } from "./plan";
export type { LiveDeployment, LiveStorageCluster, Finding } from "./preflight";
export { verifyToken, type TokenArgs, type TokenTimes, type VerifyResult } from "./tokens";
export {
    ReclaimPolicy,
    VolumeBindingMode,
    type StorageClassArgs,
    type TenantArgs,
    type VolumeSnapshotClassArgs,
} from "./tenants";
