// The library's public surface. Importing it creates nothing.
export { PortworxAuth, KEY_BYTES } from "./portworxAuth";
export {
    ConfigError,
    resolveSettings,
    type OidcArgs,
    type PortworxAuthArgs,
    type RotationArgs,
    type SecurityMode,
    type SelfSignedArgs,
    type Settings,
    type StorkArgs,
    type StorkKeyPairing,
    type StorkMode,
    type UsernameClaim,
} from "./args";
export { buildPlan, renderPlan, type Plan } from "./plan";
export type { LiveStorageCluster, Finding } from "./preflight";
