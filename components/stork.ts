// Stork's arguments and the rules on them. Pure.
import { ConfigError } from "./errors";
import { label, oneOf, subdomain } from "./names";

/** Where Stork's key goes (see README "Stork"). */
export const StorkMode = {
    /** `spec.stork.env` of the StorageCluster: the operator runs Stork (the default). */
    Operator: "operator",
    /** A server-side-apply patch of a Stork Deployment installed on its own. */
    Deployment: "deployment",
    /** No Stork wiring. */
    None: "none",
} as const;
export type StorkMode = (typeof StorkMode)[keyof typeof StorkMode];

/** Which key Stork signs with, and the issuer Portworx checks it under. */
export const StorkKeyPairing = {
    /** `PORTWORX_AUTH_STORK_KEY` with Stork's issuer `stork.openstorage.io` (the default). */
    Stork: "stork",
    /** `PORTWORX_AUTH_SYSTEM_APPS_KEY` with `apps.portworx.io` (Portworx 2.6+, Stork 2.5+). */
    Apps: "apps",
} as const;
export type StorkKeyPairing = (typeof StorkKeyPairing)[keyof typeof StorkKeyPairing];

/** Issuers Stork signs with, per pairing (facts §6). */
export const STORK_ISSUERS = {
    stork: "stork.openstorage.io",
    apps: "apps.portworx.io",
} as const;

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

/** Stork, checked and defaulted. */
export interface StorkSettings {
    mode: StorkMode;
    deploymentName: string;
    namespace: string;
    containerName: string;
}

/** Checks `stork` and applies its defaults; `namespace` is the component's. */
export function resolveStork(args: StorkArgs | undefined, namespace: string): StorkSettings {
    const a = args ?? {};
    if (typeof a !== "object" || a === null || Array.isArray(a)) {
        throw new ConfigError("stork", "must be an object", "give { mode, deploymentName, namespace, containerName }");
    }
    const stork = {
        mode: oneOf("stork.mode", a.mode, Object.values(StorkMode), StorkMode.Operator),
        deploymentName: subdomain("stork.deploymentName", a.deploymentName ?? "stork"),
        namespace: label("stork.namespace", a.namespace ?? namespace),
        containerName: label("stork.containerName", a.containerName ?? "stork"),
    };
    if (stork.mode !== "deployment") {
        for (const f of ["deploymentName", "namespace", "containerName"] as const) {
            if (a[f] !== undefined) {
                throw new ConfigError(
                    `stork.${f}`,
                    `only applies when {stork.mode} is "deployment"`,
                    `remove {stork.${f}}, or set {stork.mode} to "deployment"`,
                );
            }
        }
    }
    return stork;
}

/** Checks the Stork key pairing. */
export function checkStorkKeyPairing(v: unknown): StorkKeyPairing {
    return oneOf("storkKeyPairing", v, Object.values(StorkKeyPairing), StorkKeyPairing.Stork);
}
