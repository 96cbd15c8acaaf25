// Stack config to component arguments, shared by the Pulumi program and the offline plan.
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError, type PortworxAuthArgs } from "./args";

/** Where config values come from: `pulumi.Config` in the program, the stack file in the plan. */
export interface ConfigSource {
    get(key: string): string | undefined;
    getBoolean(key: string): boolean | undefined;
    getNumber(key: string): number | undefined;
    /** A structured value (`pulumi config set --path`). */
    getObject(key: string): unknown;
    /** A secret value, never as plain text. */
    getSecret(key: string): pulumi.Input<string> | undefined;
    /** Reads a file named in config (public keys). */
    readFile(path: string): string;
}

/**
 * Builds the component's arguments from stack config (keys declared in Pulumi.yaml).
 *
 * @example
 * const args = argsFromConfig(source); // { namespace: "portworx", storageClusterName: ..., ... }
 */
export function argsFromConfig(c: ConfigSource): PortworxAuthArgs {
    const opt = <T>(v: T | undefined) => (v === undefined || v === "" ? undefined : v);
    const issuer = opt(c.get("selfSignedIssuer"));
    const sharedSecret = c.getSecret("sharedSecret");
    const rsaPrivateKey = c.getSecret("rsaPrivateKey");
    const admin = opt(c.get("adminToken"));
    if (admin !== undefined && !["auto", "true", "false"].includes(admin)) {
        throw new ConfigError("adminToken", "must be auto, true or false", "pulumi config set adminToken auto");
    }
    const renewPercent = c.getNumber("tokenRenewBeforePercent");
    const rsaFile = opt(c.get("rsaPublicKeyFile"));
    const ecdsaFile = opt(c.get("ecdsaPublicKeyFile"));
    const oidcIssuer = opt(c.get("oidcIssuer"));
    const oidcClientId = opt(c.get("oidcClientId"));
    const claimNs = opt(c.get("oidcCustomClaimNamespace"));
    const stork = {
        mode: opt(c.get("storkMode")),
        deploymentName: opt(c.get("storkDeploymentName")),
        namespace: opt(c.get("storkNamespace")),
        containerName: opt(c.get("storkContainerName")),
    };
    const rotation = {
        systemKey: opt(c.get("rotationSystemKey")),
        storkKey: opt(c.get("rotationStorkKey")),
        sharedSecret: opt(c.get("rotationSharedSecret")),
    };
    const defined = <T extends object>(o: T) =>
        Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
    const selfSignedGiven =
        issuer !== undefined || sharedSecret !== undefined || rsaFile !== undefined || ecdsaFile !== undefined;
    const oidcGiven = oidcIssuer !== undefined || oidcClientId !== undefined || claimNs !== undefined;
    return defined({
        namespace: c.get("namespace") ?? "portworx",
        storageClusterName: c.get("storageClusterName") as string,
        secretName: opt(c.get("secretName")),
        enabled: c.getBoolean("enabled"),
        securityMode: opt(c.get("securityMode")) as PortworxAuthArgs["securityMode"],
        selfSigned: selfSignedGiven
            ? defined({
                  issuer: issuer as string,
                  sharedSecret,
                  rsaPublicKey: rsaFile === undefined ? undefined : c.readFile(rsaFile),
                  ecdsaPublicKey: ecdsaFile === undefined ? undefined : c.readFile(ecdsaFile),
                  rsaPrivateKey,
              })
            : undefined,
        oidc: oidcGiven
            ? defined({ issuer: oidcIssuer as string, clientId: oidcClientId as string, customClaimNamespace: claimNs })
            : undefined,
        usernameClaim: opt(c.get("usernameClaim")) as PortworxAuthArgs["usernameClaim"],
        stork: defined(stork) as PortworxAuthArgs["stork"],
        storkKeyPairing: opt(c.get("storkKeyPairing")) as PortworxAuthArgs["storkKeyPairing"],
        rotation: defined(rotation),
        guestAccess: opt(c.get("guestAccess")) as PortworxAuthArgs["guestAccess"],
        tokenLifetime: opt(c.get("tokenLifetime")),
        // Pulumi.yaml defaults it to false, which must not count as set outside operator mode.
        operatorAdminToken: c.getBoolean("operatorAdminToken") || undefined,
        pairedClusters: c.getBoolean("pairedClusters"),
        takeOverExistingAuth: c.getBoolean("takeOverExistingAuth"),
        allowUnsettledCluster: c.getBoolean("allowUnsettledCluster"),
        tokens: c.getObject("tokens") as PortworxAuthArgs["tokens"],
        tenants: c.getObject("tenants") as PortworxAuthArgs["tenants"],
        storageClasses: c.getObject("storageClasses") as PortworxAuthArgs["storageClasses"],
        volumeSnapshotClass: c.getObject("volumeSnapshotClass") as PortworxAuthArgs["volumeSnapshotClass"],
        adminToken: admin === undefined || admin === "auto" ? undefined : admin === "true",
        tokenRenewBefore: renewPercent === undefined ? undefined : renewPercent / 100,
    });
}
