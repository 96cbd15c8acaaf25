// Stack config: one declaration per key. From it come the program's reading (index.ts), the
// offline plan's reading (cli/plan.ts), the unknown-key check, Pulumi.yaml's `config:` block and
// the README's config reference (`npm run docs`). Pure: values come in through a ConfigSource.
//
// Values arrive as Pulumi hands them to a program: every value a string (PULUMI_CONFIG), booleans
// only as "true" or "false" (what `Config.getBoolean` accepts), structured values as JSON text.
import type * as pulumi from "@pulumi/pulumi";
import type { PortworxAuthArgs } from "./args";
import { ConfigError, nameFieldsAs, type FieldNamer } from "./errors";

/** The Pulumi project name: stack files hold keys as `portworx-auth:KEY`. */
export const PROJECT = "portworx-auth";

/** How a key's text is read: as Pulumi.yaml types it, or `json` for structured keys. */
export type ConfigType = "string" | "boolean" | "integer" | "json";

/** One stack config key. */
export interface ConfigKey {
    /** The key, as in `pulumi config set KEY`. */
    key: string;
    type: ConfigType;
    /** Declared in Pulumi.yaml's `config:` block (typed and defaulted by Pulumi). */
    declared: boolean;
    /** Pulumi.yaml's default; a declared key without one is required. */
    default?: string | boolean | number;
    /** Read with `getSecret`, kept secret, never printed. Set with `pulumi config set --secret`. */
    secret?: boolean;
    /** The component argument it sets, such as `selfSigned.issuer`. */
    arg: string;
    /** One line for Pulumi.yaml and the README. */
    doc: string;
    /** How to set it, for keys outside Pulumi.yaml (README). */
    howToSet?: string;
    /**
     * The argument's value from the key's typed value (never "" or undefined: those leave the
     * argument unset). Default: the value itself.
     */
    toArg?: (value: string | boolean | number | unknown, read: { readFile(path: string): string }) => unknown;
}

const readPem = (p: unknown, read: { readFile(path: string): string }) => read.readFile(String(p));

/**
 * Every stack config key, in the order of Pulumi.yaml and the README. To add one: add it here,
 * run `npm run docs` (Pulumi.yaml's `config:` block and the README follow), and give the component
 * the argument it sets. A structured key is `type: "json"`, `declared: false`, with `howToSet`.
 */
export const CONFIG_KEYS: readonly ConfigKey[] = [
    {
        key: "namespace",
        type: "string",
        declared: true,
        default: "portworx",
        arg: "namespace",
        doc: "Namespace of the StorageCluster, the key Secret and (unless storkNamespace) Stork.",
    },
    {
        key: "storageClusterName",
        type: "string",
        declared: true,
        arg: "storageClusterName",
        doc: "Name of the live StorageCluster to wire (required).",
    },
    {
        key: "secretName",
        type: "string",
        declared: true,
        default: "pxkeys",
        arg: "secretName",
        doc: "Secret holding the shared secret (shared-secret); the system and apps keys are in px-system-secrets.",
    },
    {
        key: "enabled",
        type: "boolean",
        declared: true,
        default: true,
        arg: "enabled",
        doc: "false removes exactly this project's env entries and volumes and keeps the key Secret.",
    },
    {
        key: "securityMode",
        type: "string",
        declared: true,
        default: "env",
        arg: "securityMode",
        doc: "env: wire PORTWORX_AUTH_* env vars. operator: drive the operator's spec.security.",
    },
    {
        key: "selfSignedIssuer",
        type: "string",
        declared: true,
        default: "",
        arg: "selfSigned.issuer",
        doc: "Issuer of self-signed tokens (PORTWORX_AUTH_JWT_ISSUER); a plain name, not an https URL.",
    },
    {
        key: "rsaPublicKeyFile",
        type: "string",
        declared: true,
        default: "",
        arg: "selfSigned.rsaPublicKey",
        doc: "Path to a PEM RSA public key (2048 bits or more) that verifies RS256/384/512 tokens.",
        toArg: readPem,
    },
    {
        key: "ecdsaPublicKeyFile",
        type: "string",
        declared: true,
        default: "",
        arg: "selfSigned.ecdsaPublicKey",
        doc: "Path to a PEM EC public key (P-256, P-384 or P-521) that verifies ES256/384/512 tokens.",
        toArg: readPem,
    },
    {
        key: "oidcIssuer",
        type: "string",
        declared: true,
        default: "",
        arg: "oidc.issuer",
        doc: "OIDC issuer URL (https, no query or fragment), equal to the iss of its tokens.",
    },
    {
        key: "oidcClientId",
        type: "string",
        declared: true,
        default: "",
        arg: "oidc.clientId",
        doc: "OIDC client id issued for Portworx.",
    },
    {
        key: "oidcCustomClaimNamespace",
        type: "string",
        declared: true,
        default: "",
        arg: "oidc.customClaimNamespace",
        doc: "Prefix under which the OIDC provider puts custom claims.",
    },
    {
        key: "usernameClaim",
        type: "string",
        declared: true,
        default: "sub",
        arg: "usernameClaim",
        doc: "Claim used as the user's id: sub, email or name.",
    },
    {
        key: "storkMode",
        type: "string",
        declared: true,
        default: "operator",
        arg: "stork.mode",
        doc: "operator: spec.stork.env. deployment: patch a Stork Deployment installed on its own. none: no Stork wiring.",
    },
    {
        key: "storkDeploymentName",
        type: "string",
        declared: true,
        default: "",
        arg: "stork.deploymentName",
        doc: "Stork Deployment name in deployment mode (default stork).",
    },
    {
        key: "storkNamespace",
        type: "string",
        declared: true,
        default: "",
        arg: "stork.namespace",
        doc: "Stork's namespace in deployment mode (default namespace).",
    },
    {
        key: "storkContainerName",
        type: "string",
        declared: true,
        default: "",
        arg: "stork.containerName",
        doc: "Stork's container name in deployment mode (default stork).",
    },
    {
        key: "storkKeyPairing",
        type: "string",
        declared: true,
        default: "",
        arg: "storkKeyPairing",
        doc: "Env mode. stork (default): PORTWORX_AUTH_STORK_KEY with issuer stork.openstorage.io. apps: PORTWORX_AUTH_SYSTEM_APPS_KEY with apps.portworx.io (PX >= 2.6, Stork >= 2.5).",
    },
    {
        key: "rotationSystemKey",
        type: "string",
        declared: true,
        default: "",
        arg: "rotation.systemKey",
        doc: "Version of the system key; changing it regenerates that key and rolls Portworx. Quote it in YAML: 2026.10 unquoted is the number 2026.1.",
    },
    {
        key: "rotationAppsKey",
        type: "string",
        declared: true,
        default: "",
        arg: "rotation.appsKey",
        doc: "Version of the apps key (apps-secret): the operator, Autopilot and, paired apps, Stork sign with it; a change rolls Portworx and can stall the operator (Runbook).",
    },
    {
        key: "rotationStorkKey",
        type: "string",
        declared: true,
        default: "",
        arg: "rotation.storkKey",
        doc: "Env mode, storkKeyPairing stork: version of Stork's own key; a change regenerates it and rolls Portworx and Stork, never the operator's key.",
    },
    {
        key: "rotationSharedSecret",
        type: "string",
        declared: true,
        default: "",
        arg: "rotation.sharedSecret",
        doc: "Version of the generated shared secret; changing it regenerates it and rolls Portworx.",
    },
    {
        key: "guestAccess",
        type: "string",
        declared: true,
        default: "",
        arg: "guestAccess",
        doc: "securityMode operator: spec.security.auth.guestAccess, Enabled (default), Disabled or Managed.",
    },
    {
        key: "tokenLifetime",
        type: "string",
        declared: true,
        default: "",
        arg: "tokenLifetime",
        doc: "securityMode operator: lifetime of the operator's own tokens, such as 24h (default) or 7d.",
    },
    {
        key: "operatorAdminToken",
        type: "boolean",
        declared: true,
        default: false,
        arg: "operatorAdminToken",
        doc: "securityMode operator: read the operator's px-admin-token into the adminToken output (turn on once it exists).",
        // Pulumi always passes the default, false, which must not count as set outside operator mode.
        toArg: (v) => (v === true ? true : undefined),
    },
    {
        key: "pairedClusters",
        type: "boolean",
        declared: true,
        default: false,
        arg: "pairedClusters",
        doc: "The cluster pairs or migrates with others; plans and previews carry the cluster token reset steps.",
    },
    {
        key: "adminToken",
        type: "string",
        declared: true,
        default: "auto",
        arg: "adminToken",
        doc: "Mint an admin token (system.admin, groups *) into the Secret px-token-admin: auto (on in env mode when a signing key exists), true or false.",
        toArg: (v) => {
            if (v === "auto") return undefined;
            if (v === "true" || v === "false") return v === "true";
            throw new ConfigError(
                "adminToken",
                `is "${String(v)}"; it must be auto, true or false`,
                "pulumi config set adminToken auto",
            );
        },
    },
    {
        key: "tokenRenewBeforePercent",
        type: "integer",
        declared: true,
        default: 25,
        arg: "tokenRenewBefore",
        doc: "pulumi up renews a token when less than this percentage of its lifetime is left (1 to 99).",
        toArg: (v) => {
            if (typeof v !== "number" || v < 1 || v > 99) {
                throw new ConfigError(
                    "tokenRenewBeforePercent",
                    `is ${String(v)}%; it must be a whole percentage from 1 to 99`,
                    "pulumi config set tokenRenewBeforePercent 25 (the default)",
                );
            }
            return v / 100;
        },
    },
    {
        key: "takeOverExistingAuth",
        type: "boolean",
        declared: true,
        default: false,
        arg: "takeOverExistingAuth",
        doc: "The StorageCluster already has authorization set up outside this project: replace its keys (every node restarts, existing tokens stop working). false refuses.",
    },
    {
        key: "allowUnsettledCluster",
        type: "boolean",
        declared: true,
        default: false,
        arg: "allowUnsettledCluster",
        doc: "Roll Portworx even while the StorageCluster is Initializing, Updating, Degraded or Failed (an emergency rotation).",
    },
    {
        key: "sharedSecret",
        type: "string",
        declared: false,
        secret: true,
        arg: "selfSigned.sharedSecret",
        doc: "The self-signed HMAC key, at least 32 bytes; generated when no key of any kind is given.",
        howToSet: 'pulumi config set --secret sharedSecret "$(openssl rand -hex 32)"',
    },
    {
        key: "rsaPrivateKey",
        type: "string",
        declared: false,
        secret: true,
        arg: "selfSigned.rsaPrivateKey",
        doc: "Signs this project's tokens with RS256; the pair of rsaPublicKeyFile.",
        howToSet: "pulumi config set --secret rsaPrivateKey < key.pem",
    },
    {
        key: "tokens",
        type: "json",
        declared: false,
        arg: "tokens",
        doc: 'The tokens to mint: a list of { name, roles, lifetime, ... }; see "Tokens".',
        howToSet: "pulumi config set --path 'tokens[0].name' ci (and .roles[0], .lifetime, ...)",
    },
    {
        key: "tenants",
        type: "json",
        declared: false,
        arg: "tenants",
        doc: 'Tenant namespaces, each given px-user-token with a token of its own: a list of { namespace, roles?, groups?, lifetime?, name? }; see "Tenants".',
        howToSet: "pulumi config set --path 'tenants[0].namespace' team-a (and .roles[0], .lifetime, .name, ...)",
    },
    {
        key: "storageClasses",
        type: "json",
        declared: false,
        arg: "storageClasses",
        doc: 'StorageClasses whose volumes authenticate with px-user-token in the PVC\'s namespace: a list of { name, parameters?, csi?, isDefault?, ... }; parameters are strings (--path stores integers as numbers: add --type string); see "Tenants".',
        howToSet:
            "pulumi config set --path 'storageClasses[0].name' px-tenant (and .isDefault, .parameters.repl 3 --type string, ...)",
    },
    {
        key: "volumeSnapshotClass",
        type: "json",
        declared: false,
        arg: "volumeSnapshotClass",
        doc: 'The CSI VolumeSnapshotClass, { name, deletionPolicy? }, authenticating with px-user-token in the VolumeSnapshot\'s namespace; see "Tenants".',
        howToSet: "pulumi config set --path 'volumeSnapshotClass.name' px-tenant-snapshots",
    },
];

const BY_KEY = new Map(CONFIG_KEYS.map((k) => [k.key, k]));

/**
 * Names a field by the stack config key that sets it: `selfSigned.issuer` is `selfSignedIssuer`,
 * `tokens[1].roles` stays `tokens[1].roles`. Paths no key sets keep their argument name.
 */
export const configNames: FieldNamer = (argPath) => {
    let best: ConfigKey | undefined;
    for (const k of CONFIG_KEYS) {
        const at = argPath.slice(k.arg.length, k.arg.length + 1);
        if (argPath.startsWith(k.arg) && (at === "" || at === "." || at === "[")) {
            if (!best || k.arg.length > best.arg.length) best = k;
        }
    }
    return best ? best.key + argPath.slice(best.arg.length) : argPath;
};

/** Where config values come from: `pulumi.Config` in the program, the stack file in the plan. */
export interface ConfigSource {
    /** Every key set in this project's namespace (without the `portworx-auth:` prefix). */
    keys(): string[];
    /** A value as Pulumi hands it to the program: a string, or undefined when unset. */
    get(key: string): string | undefined;
    /** A secret value, never as plain text. The plan's is a placeholder when it is encrypted. */
    getSecret(key: string): pulumi.Input<string> | undefined;
    /** Reads a file named in config (relative to the project directory). */
    readFile(path: string): string;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = d[0];
        d[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const keep = d[j];
            d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = keep;
        }
    }
    return d[b.length];
}

/** The known key nearest to a mistyped one, or undefined when none is close. */
export function nearestKey(key: string): string | undefined {
    let best: { key: string; d: number } | undefined;
    for (const k of CONFIG_KEYS) {
        const d = distance(key.toLowerCase(), k.key.toLowerCase());
        if (!best || d < best.d) best = { key: k.key, d };
    }
    return best && best.d <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

/** Refuses keys no declaration knows: a typo'd key would otherwise be silently dropped. */
export function checkKnownKeys(keys: readonly string[]): void {
    for (const key of [...keys].sort()) {
        if (BY_KEY.has(key)) continue;
        const near = nearestKey(key);
        throw new ConfigError(
            key,
            `is not a ${PROJECT} config key, so it would be ignored`,
            near
                ? `did you mean ${near}? pulumi config rm ${key} && pulumi config set ${near} VALUE`
                : `remove it (pulumi config rm ${key}); the keys are listed in docs/config-reference.md`,
        );
    }
}

const TYPE_WORDS: Record<ConfigType, string> = {
    string: "a string",
    boolean: "true or false",
    integer: "a whole number",
    json: "structured config (pulumi config set --path)",
};

/** What JSON text holds, in words, when it is a list or a map. */
function structured(text: string): "a list" | "a map" | undefined {
    if (!/^\s*[[{]/.test(text)) return undefined;
    try {
        const v: unknown = JSON.parse(text);
        return Array.isArray(v) ? "a list" : v !== null && typeof v === "object" ? "a map" : undefined;
    } catch {
        return undefined;
    }
}

/** A key's text as its type, as the Pulumi SDK reads it, or a ConfigError saying what was expected. */
export function typedValue(k: ConfigKey, text: string): string | boolean | number | unknown {
    const shown = k.secret ? "" : ` "${text.length > 40 ? `${text.slice(0, 40)}...` : text}"`;
    const wrong = (what: string, fix: string) =>
        new ConfigError(k.key, `is${shown}${what}, but ${TYPE_WORDS[k.type]} is expected`, fix);
    switch (k.type) {
        case "boolean":
            // Config.getBoolean accepts exactly these two words; `pulumi up` refuses anything else.
            if (text === "true" || text === "false") return text === "true";
            throw wrong("", `pulumi config set ${k.key} true (or false); YAML's yes, on and True are not read as true`);
        case "integer":
            if (/^[+-]?[0-9]+$/.test(text)) return Number(text);
            throw wrong("", `pulumi config set ${k.key} ${String(k.default ?? 1)}`);
        case "json":
            try {
                return JSON.parse(text) as unknown;
            } catch {
                throw wrong(" not structured", `set it with ${k.howToSet ?? `pulumi config set --path '${k.key}...'`}`);
            }
        case "string": {
            const kind = k.secret ? undefined : structured(text);
            if (kind) {
                throw new ConfigError(
                    k.key,
                    `is ${kind}, but a string is expected`,
                    `pulumi config set ${k.key} VALUE (a single value, not --path)`,
                );
            }
            return text;
        }
    }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const parts = path.split(".");
    let at = target;
    for (const p of parts.slice(0, -1)) {
        at[p] ??= {};
        at = at[p] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = value;
}

/** A file named by a config key, or a ConfigError naming the key and the file, never an errno trace. */
function readConfigFile(c: ConfigSource, key: string, file: string): string {
    try {
        return c.readFile(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why =
            code === "ENOENT"
                ? "there is no such file"
                : code === "EISDIR"
                  ? "it is a directory"
                  : code === "EACCES" || code === "EPERM"
                    ? "permission is denied"
                    : `it cannot be read (${code ?? "error"})`;
        throw new ConfigError(
            key,
            `names ${file}, but ${why} (paths are relative to the project directory, where Pulumi.yaml is)`,
            `point ${key} at a PEM public key file, or unset it (pulumi config rm ${key})`,
        );
    }
}

/**
 * Builds the component's arguments from stack config. Refuses unknown keys, values of the wrong
 * type and unreadable files with a ConfigError naming the key; errors the component raises later
 * name stack config keys too.
 *
 * @example
 * const args = argsFromConfig(source); // { namespace: "portworx", storageClusterName: ..., ... }
 */
export function argsFromConfig(c: ConfigSource): PortworxAuthArgs {
    checkKnownKeys(c.keys());
    const args: Record<string, unknown> = {};
    const read = { readFile: (p: string) => p };
    for (const k of CONFIG_KEYS) {
        if (k.secret) {
            const v = c.getSecret(k.key);
            if (v !== undefined && v !== "") setPath(args, k.arg, v);
            continue;
        }
        const text = c.get(k.key);
        if (text === undefined) {
            if (k.declared && k.default === undefined) {
                throw new ConfigError(
                    k.key,
                    "is not set, and Pulumi.yaml declares it without a default, so Pulumi refuses to run",
                    `pulumi config set ${k.key} VALUE`,
                );
            }
            continue;
        }
        if (text === "" && k.type !== "json") continue;
        const value = typedValue(k, text);
        read.readFile = (p) => readConfigFile(c, k.key, p);
        const arg = k.toArg ? k.toArg(value, read) : value;
        if (arg !== undefined) setPath(args, k.arg, arg);
    }
    const result = args as unknown as PortworxAuthArgs;
    nameFieldsAs(result, configNames);
    return result;
}
