// Stork's arguments and the rules on them. Pure.
import { ConfigError } from "./errors";
import { label, oneOf, subdomain } from "./names";

export type StorkMode = "operator" | "deployment" | "none";
export type StorkKeyPairing = "stork" | "apps";

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
        mode: oneOf("stork.mode", a.mode, ["operator", "deployment", "none"] as const, "operator"),
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
    return oneOf("storkKeyPairing", v, ["stork", "apps"] as const, "stork");
}
