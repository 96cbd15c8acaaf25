// The thin shell: registers what the pure core decided.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { resolveSettings, type PortworxAuthArgs, type Settings } from "./args";
import {
    decide as decideRun,
    keyMaterial,
    keyValue,
    Refusal,
    secretsToRead,
    type Candidates,
    type Decision,
    type KeyMaterial,
    type SecretRead,
} from "./decision";
import { ConfigError, fieldNamer, type FieldNamer } from "./errors";
import { desiredStorkEnv, PUBLIC_KEY_FILES, storkKeyRole, type KeyRole } from "./env";
import { planKeys } from "./keys";
import {
    keySecretIgnoreChanges,
    keySecretManifest,
    objectManifests,
    STORAGE_CLUSTER_API_VERSION,
    type Manifest,
    type ObjectManifests,
    type Plan,
    type Restarts,
} from "./plan";
import type { LiveDeployment, LiveStorageCluster } from "./preflight";
import { registerClusterChecks, registerTenancyClasses } from "./tenantResources";
import { tenancyChecks } from "./tenants";
import { ADMIN_TOKEN_SECRET, mintTokens, TOKEN_SECRET_KEY, tokenTimes, type TokenTimes } from "./tokens";
import { checkSuppliedValues, type SuppliedValues } from "./trust";

/** Bytes of entropy in each generated key; hex-encoded, so safe in env vars and YAML. */
const KEY_BYTES = 32;

/** Reads the live StorageCluster, declaring the fields `CustomResource.get` leaves out. */
class StorageClusterRead extends k8s.apiextensions.CustomResource {
    declare readonly spec: pulumi.Output<LiveStorageCluster["spec"]>;
    declare readonly status: pulumi.Output<LiveStorageCluster["status"]>;

    constructor(name: string, id: string, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            {
                apiVersion: STORAGE_CLUSTER_API_VERSION,
                kind: "StorageCluster",
                metadata: undefined,
                spec: undefined,
                status: undefined,
            },
            // The live object may hold a user's literal secrets: keep it encrypted in state.
            { ...opts, id, additionalSecretOutputs: ["metadata", "spec"] },
        );
    }
}

/** A supplied secret as a secret Output; unset stays unset. */
function secretInput(v: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
    return v === undefined ? undefined : pulumi.secret(v);
}

function base64(value: string): string {
    return Buffer.from(value, "utf8").toString("base64");
}

/**
 * `f` of several inputs' values (undefined stays undefined, plain values cost nothing), through one
 * nested apply per Output: pulumi.all makes two more Outputs per value, and copies each value.
 */
function joined<T>(
    inputs: (pulumi.Input<unknown> | undefined)[],
    f: (values: unknown[]) => pulumi.Input<T> | Promise<pulumi.Output<T>>,
): pulumi.Output<T> {
    // An apply awaits its callback and lifts an Output it returns, a promised one too.
    const step = (i: number, acc: unknown[]): pulumi.Input<T> => {
        for (; i < inputs.length; i++) {
            const v = inputs[i];
            // An Output's own apply: pulumi.output(o) would make another Output and apply.
            const o = pulumi.Output.isInstance(v) ? v : v instanceof Promise ? pulumi.output(v) : undefined;
            if (o) return (o as pulumi.Output<unknown>).apply((x) => step(i + 1, [...acc, x])) as pulumi.Output<T>;
            acc = [...acc, v];
        }
        return f(acc) as pulumi.Input<T>;
    };
    const out = step(0, []);
    return pulumi.Output.isInstance(out) ? (out as pulumi.Output<T>) : (pulumi.output(out as T) as pulumi.Output<T>);
}

/**
 * A promise of an Output's value (undefined while unknown) that fails with it. Children wait for it
 * in `dependsOn`: an Output there costs every child one more apply and a walk of its resources. Every
 * Output has a `promise()` (the SDK serializes with it), though its typings leave it out.
 */
function settled(o: pulumi.Output<unknown>): Promise<unknown> {
    return (o as unknown as { promise(): Promise<unknown> }).promise();
}

/** A core refusal as the user's error on this component, with no stack; anything else as it is. */
function refusing(resource: pulumi.Resource, names: FieldNamer) {
    return (e: unknown): unknown =>
        e instanceof ConfigError
            ? new pulumi.ResourceError(e.describe(names), resource, true)
            : e instanceof Refusal
              ? new pulumi.ResourceError(e.message, resource, true)
              : e;
}

/** `f`'s result, or its error as `refuse` turns it. */
function refused<T>(f: () => T, refuse: (e: unknown) => unknown): T {
    try {
        return f();
    } catch (e) {
        throw refuse(e);
    }
}

/**
 * Registers the reads: the StorageCluster, Stork's Deployment in deployment mode (a wrong name
 * fails before anything is written) and the tenancy's namespaces and class names; then the run's
 * decision (./decision.ts), made once: it reads exactly the key Secrets the live objects refer to (a
 * read of a missing Secret fails the program) and decides with their values. The decision is
 * carried as a function, since every Output walks an object value; secret, as its key values are.
 */
function readAndDecide(
    name: string,
    s: Settings,
    owner: string,
    parent: pulumi.Resource,
    refuse: (e: unknown) => unknown,
): { reads: pulumi.Resource[]; secretReads: pulumi.Resource[]; decided: pulumi.Output<() => Decision> } {
    const live = new StorageClusterRead(`${name}-live`, `${s.namespace}/${s.storageClusterName}`, { parent });
    const storkLive =
        s.securityMode === "env" && s.stork.mode === "deployment"
            ? k8s.apps.v1.Deployment.get(`${name}-stork-live`, `${s.stork.namespace}/${s.stork.deploymentName}`, {
                  parent,
                  additionalSecretOutputs: ["metadata", "spec"],
              })
            : undefined;
    const checks = registerClusterChecks(name, tenancyChecks(s.tenancy, owner), { parent });
    const reads: pulumi.Resource[] = [live, ...(storkLive ? [storkLive] : []), ...(checks ? [checks] : [])];
    const secretReads: pulumi.Resource[] = [];
    // One apply per read: a read's fields resolve together, from one response, with one dependency.
    const decided = joined<() => Decision>([live.spec, storkLive?.spec], async ([spec, storkSpec]) => {
        const [metadata, status, storkMetadata] = await Promise.all([
            settled(live.metadata),
            settled(live.status),
            storkLive && settled(storkLive.metadata),
        ]);
        const kind = "StorageCluster";
        const cluster = { apiVersion: STORAGE_CLUSTER_API_VERSION, kind, metadata, spec, status } as LiveStorageCluster;
        const stork = storkLive && ({ metadata: storkMetadata, spec: storkSpec } as LiveDeployment);
        const list = refused(() => secretsToRead(s, cluster, stork), refuse);
        const data = list.map((r) => {
            const id = `${r.namespace}/${r.name}`;
            const opts = { parent, additionalSecretOutputs: ["data", "stringData"] };
            const read = k8s.core.v1.Secret.get(`${name}-read-${r.namespace}-${r.name}`, id, opts);
            secretReads.push(read);
            return read.data;
        });
        return joined(data, (values) => {
            const read: SecretRead[] = list.map((r, i) => ({ ...r, data: values[i] as Record<string, string> }));
            const d = refused(() => decideRun(s, cluster, stork, read), refuse);
            return pulumi.secret(() => d);
        });
    });
    return { reads, secretReads, decided };
}

/** Checks every supplied secret and PEM once known; undefined when none is supplied. */
function checkSupplied(
    v:
        | {
              sharedSecret?: pulumi.Input<string>;
              rsaPublicKey?: pulumi.Input<string>;
              ecdsaPublicKey?: pulumi.Input<string>;
              rsaPrivateKey?: pulumi.Input<string>;
          }
        | undefined,
    refuse: (e: unknown) => unknown,
): pulumi.Output<void> | undefined {
    const given = [v?.sharedSecret, v?.rsaPublicKey, v?.ecdsaPublicKey, v?.rsaPrivateKey];
    if (given.every((x) => x === undefined)) return undefined;
    return joined<void>(given, async ([sharedSecret, rsaPublicKey, ecdsaPublicKey, rsaPrivateKey]) => {
        try {
            await checkSuppliedValues({ sharedSecret, rsaPublicKey, ecdsaPublicKey, rsaPrivateKey } as SuppliedValues);
        } catch (e) {
            throw refuse(e);
        }
    });
}

/** The key Secrets registered, and the outputs of each key's value (secret). */
interface Keys {
    secrets: k8s.core.v1.SecretPatch[];
    systemKey: pulumi.Output<string>;
    appsKey: pulumi.Output<string>;
    storkKey: pulumi.Output<string>;
    sharedSecret: pulumi.Output<string | undefined>;
}

/**
 * Registers a generator per key, always, so that a second run changes nothing (its value is used
 * only when the cluster holds no key of that version), and the key Secrets with the values the
 * core's `keyMaterial` gives them.
 */
function registerKeys(
    name: string,
    s: Settings,
    decided: pulumi.Output<() => Decision>,
    givenShared: pulumi.Output<string> | undefined,
    child: pulumi.CustomResourceOptions,
    retained: pulumi.CustomResourceOptions,
): Keys {
    const newKey = (role: string, version: string) =>
        new random.RandomBytes(`${name}-${role}`, { length: KEY_BYTES, keepers: { version } }, child).hex;
    const storkOwn = storkKeyRole(s) === "stork";
    const hasShared = s.selfSigned !== undefined && s.selfSigned.sharedSecret !== "none";
    const generated = {
        system: newKey("system-key", s.rotation.systemKey),
        apps: newKey("apps-key", s.rotation.appsKey),
        stork: storkOwn ? newKey("stork-key", s.rotation.storkKey) : undefined,
        shared:
            s.selfSigned?.sharedSecret === "generated" ? newKey("shared-secret", s.rotation.sharedSecret) : undefined,
    };
    const inputs = [decided, generated.system, generated.apps, generated.stork, generated.shared, givenShared];
    const material = joined<() => KeyMaterial>(inputs, ([d, system, apps, stork, shared, given]) => {
        const m = keyMaterial((d as () => Decision)(), {
            generated: { system, apps, stork, shared } as Candidates["generated"],
            givenSharedSecret: given as string | undefined,
        });
        return () => m;
    });
    const valueOf = (role: KeyRole) => material.apply((m) => m().values[role] as string);
    const appsKey = valueOf("apps");
    const secrets = planKeys(s, undefined).secrets.map((ks) => {
        const ignoreChanges = keySecretIgnoreChanges(s, ks);
        const data = material.apply((m) => m().secretData[ks.role] as Record<string, string>);
        const args = { metadata: keySecretManifest(s, ks).metadata, type: "Opaque", data };
        // Which key Secrets exist follows the settings; what each holds follows the cluster too.
        return new k8s.core.v1.SecretPatch(
            `${name}-${ks.role}`,
            args,
            ignoreChanges.length ? { ...retained, ignoreChanges } : retained,
        );
    });
    return {
        secrets,
        systemKey: valueOf("system"),
        appsKey,
        storkKey: storkOwn ? valueOf("stork") : appsKey,
        // Only what the shared secret depends on: the tokens signed with it stay known in a preview
        // that rotates another key.
        sharedSecret: hasShared
            ? joined([decided, generated.shared, givenShared], ([d, fresh, given]) =>
                  keyValue((d as () => Decision)(), "shared", {
                      generated: { shared: fresh as string | undefined },
                      givenSharedSecret: given as string | undefined,
                  }),
              )
            : pulumi.secret(pulumi.output(undefined)),
    };
}

/** Mints the tokens (secret) and registers their Secrets, and storkctl's `px-admin-token` copy. */
function registerTokens(
    name: string,
    s: Settings,
    objects: ObjectManifests,
    now: number,
    sharedSecret: pulumi.Output<string | undefined>,
    selfSigned: { rsaPrivateKey?: pulumi.Input<string>; rsaPublicKey?: pulumi.Input<string> } | undefined,
    child: () => pulumi.CustomResourceOptions,
    retained: () => pulumi.CustomResourceOptions,
): {
    tokens: pulumi.Output<Record<string, string>>;
    secrets: k8s.core.v1.SecretPatch[];
    adminToken: pulumi.Output<string | undefined>;
} {
    const hasShared = s.selfSigned !== undefined && s.selfSigned.sharedSecret !== "none";
    const issuer = s.selfSigned?.issuer as string;
    // Secret, as `sharedSecret` is even when unset.
    const tokens =
        s.tokens.length === 0 || !s.selfSigned
            ? pulumi.secret<Record<string, string>>({})
            : joined<Record<string, string>>(
                  [hasShared ? sharedSecret : undefined, selfSigned?.rsaPrivateKey, selfSigned?.rsaPublicKey],
                  ([shared, privateKeyPem, publicKeyPem]) =>
                      mintTokens(
                          s.tokens,
                          {
                              issuer,
                              renewBeforeShare: s.tokenRenewBefore,
                              sharedSecret: shared as string | undefined,
                              privateKeyPem: privateKeyPem as string | undefined,
                              publicKeyPem: publicKeyPem as string | undefined,
                          },
                          now,
                      ),
              );
    const patch = (role: string, m: Manifest, token: string, opts: pulumi.CustomResourceOptions) =>
        new k8s.core.v1.SecretPatch(
            `${name}-${role}`,
            {
                metadata: m.metadata,
                type: "Opaque",
                data: tokens.apply((t) => ({ [TOKEN_SECRET_KEY]: base64(t[token]) })),
            },
            opts,
        );
    // A tenant's volumes name its Secret in their PVs: never empty it under them.
    const secrets = s.tokens.map((t, i) =>
        patch(`token-${t.name}`, objects.tokenSecrets[i], t.name, t.tenant ? retained() : child()),
    );
    if (objects.adminTokenSecret) secrets.push(patch("px-admin-token", objects.adminTokenSecret, "admin", child()));
    // Operator mode: the operator's own admin token, read back.
    const adminToken = s.operator?.readAdminToken
        ? pulumi.secret(
              k8s.core.v1.Secret.get(`${name}-admin-token`, `${s.namespace}/${ADMIN_TOKEN_SECRET}`, child()).data.apply(
                  (d) => Buffer.from(d?.[TOKEN_SECRET_KEY] ?? "", "base64").toString("utf8") || undefined,
              ),
          )
        : tokens.apply((m) => m.admin);
    return { tokens, secrets, adminToken };
}

/** The public keys' ConfigMap, when a public key is configured. */
function registerPublicKeys(
    name: string,
    objects: ObjectManifests,
    selfSigned: { rsaPublicKey?: pulumi.Input<string>; ecdsaPublicKey?: pulumi.Input<string> } | undefined,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.ConfigMapPatch | undefined {
    if (!objects.publicKeys) return undefined;
    const pems: Record<string, pulumi.Input<string> | undefined> = {
        [PUBLIC_KEY_FILES.rsa]: selfSigned?.rsaPublicKey,
        [PUBLIC_KEY_FILES.ecdsa]: selfSigned?.ecdsaPublicKey,
    };
    const data = Object.fromEntries(
        Object.keys(objects.publicKeys.data as object).map((k) => [k, pems[k] as pulumi.Input<string>]),
    );
    return new k8s.core.v1.ConfigMapPatch(`${name}-public-keys`, { metadata: objects.publicKeys.metadata, data }, opts);
}

/**
 * Registers Stork's Deployment patch (deployment mode), then the StorageCluster's, after `before`.
 * Stork first: a Stork that sends tokens to Portworx without auth does no harm, while Portworx with
 * auth and an unwired Stork refuses Stork's calls.
 */
function registerPatches(
    name: string,
    objects: ObjectManifests,
    fromPlan: <T>(f: (p: Plan) => T) => pulumi.Output<T>,
    before: pulumi.Resource[],
    retained: (extra?: pulumi.Input<pulumi.Resource>[]) => pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResourcePatch {
    const stork = objects.storkPatch;
    // Registered once the live Deployment is read: while it holds exactly our entries, the
    // provider's diff is not asked, since it pairs our entries with Stork's own by index.
    const storkPatch =
        stork &&
        fromPlan((p) => {
            const spec = stork.spec as k8s.types.input.apps.v1.DeploymentSpecPatch;
            const o = retained(before);
            const opts = p.storkPatchSettled ? { ...o, ignoreChanges: ["spec"] } : o;
            return new k8s.apps.v1.DeploymentPatch(`${name}-stork`, { metadata: stork.metadata, spec }, opts);
        });
    return new k8s.apiextensions.CustomResourcePatch(
        `${name}-storagecluster`,
        {
            apiVersion: STORAGE_CLUSTER_API_VERSION,
            kind: "StorageCluster",
            metadata: fromPlan((p) => p.storageClusterPatch.metadata),
            // A user's literal secret in the lists we write back stays secret in state.
            spec: fromPlan((p) =>
                p.literalSecrets.length ? pulumi.secret(p.storageClusterPatch.spec) : p.storageClusterPatch.spec,
            ),
        },
        retained(storkPatch ? [...before, storkPatch] : before),
    );
}

/** The child resources a program may depend on, by component. */
interface Children {
    storageClusterPatch: k8s.apiextensions.CustomResourcePatch;
    keySecrets: k8s.core.v1.SecretPatch[];
    tokenSecrets: k8s.core.v1.SecretPatch[];
}

// Outside the class: the package schema is inferred from its properties, and a Patch resource has no
// schema type other languages could name.
const childrenOf = new WeakMap<PortworxAuth, Children>();

/** Resource options of `PortworxAuth`, and the clock tests pin. */
export interface PortworxAuthOptions extends pulumi.ComponentResourceOptions {
    /**
     * Unix seconds standing for "now" when choosing token issue times. Default: the clock. For
     * tests; an option rather than an argument, so it is not in the package schema.
     */
    now?: number;
}

/**
 * Turns on Portworx authorization for one StorageCluster: keeps the system, apps and Stork keys (and
 * a JWT shared secret) the cluster already runs, or generates them, in two Secrets (the system, apps
 * and Stork keys in `px-system-secrets`, the shared secret in `secretName`), and wires them into the
 * StorageCluster (`spec.env` or the operator's `spec.security`), Autopilot and Stork, merging with
 * the live lists so that no user entry is lost; mints tokens and writes tenants' classes when asked.
 *
 * Nothing is written when the arguments are invalid or the live StorageCluster cannot take them.
 * The Secret and the patches are retained on `pulumi destroy`; set `enabled: false` to turn
 * authorization off on purpose.
 *
 * @example
 * import { PortworxAuth } from "portworx-auth";
 *
 * const auth = new PortworxAuth("px-auth", {
 *     namespace: "portworx",
 *     storageClusterName: "px-cluster",
 *     selfSigned: { issuer: "portworx.example.com" },
 * });
 * export const sharedSecret = auth.sharedSecret; // secret
 */
export class PortworxAuth extends pulumi.ComponentResource {
    /** Name of the Secret that holds the JWT shared secret (`secretName`). */
    public readonly secretName: pulumi.Output<string>;
    /** `PORTWORX_AUTH_SYSTEM_KEY` (secret). */
    public readonly systemKey: pulumi.Output<string>;
    /** The Stork key, equal to Stork's `PX_SHARED_SECRET` (secret): the apps key outside the `stork` pairing. */
    public readonly storkKey: pulumi.Output<string>;
    /** The apps key, `px-system-secrets/apps-secret`, which the operator and Autopilot sign with (secret). */
    public readonly appsKey: pulumi.Output<string>;
    /** The self-signed JWT shared secret, when one is used (secret). */
    public readonly sharedSecret: pulumi.Output<string | undefined>;
    /** Which workloads this update restarts and why. */
    public readonly restarts: pulumi.Output<Restarts>;
    /** Rotation, upgrade and paired-cluster notes for this update. */
    public readonly notes: pulumi.Output<string[]>;
    /** The tokens this project minted, by name (secret). */
    public readonly tokens: pulumi.Output<Record<string, string>>;
    /**
     * An admin token (secret): the minted `admin` token in env mode, or the operator's
     * `px-admin-token` in operator mode with `operatorAdminToken`.
     */
    public readonly adminToken: pulumi.Output<string | undefined>;
    /**
     * When each minted token was issued, when a `pulumi up` starts renewing it, and when it
     * expires (ISO 8601, UTC). Not secret: names and times, never a token.
     */
    public readonly tokenTimes: pulumi.Output<TokenTimes[]>;

    /**
     * The patch of the StorageCluster, registered after the key Secrets and Stork's wiring: depend on
     * it to run once the cluster has been asked to turn authorization on. TypeScript only.
     *
     * @example
     * new k8s.core.v1.ConfigMap("after-auth", { data: {} }, { dependsOn: [auth.storageClusterPatch] });
     */
    get storageClusterPatch(): k8s.apiextensions.CustomResourcePatch {
        return (childrenOf.get(this) as Children).storageClusterPatch;
    }

    /** The patches of the Secrets that hold the keys (`px-system-secrets`, and `secretName` when it holds one). TypeScript only. */
    get keySecrets(): k8s.core.v1.SecretPatch[] {
        return [...(childrenOf.get(this) as Children).keySecrets];
    }

    /** The patches of the Secrets that hold minted tokens (`tokens[i].secretName`, then `px-admin-token`). TypeScript only. */
    get tokenSecrets(): k8s.core.v1.SecretPatch[] {
        return [...(childrenOf.get(this) as Children).tokenSecrets];
    }

    constructor(name: string, args: PortworxAuthArgs, opts?: PortworxAuthOptions) {
        const { now: clock, ...resourceOptions } = opts ?? {};
        // Nothing from args goes to super: they may hold secrets.
        super("portworx-auth:index:PortworxAuth", name, {}, resourceOptions);
        // A bad input is the user's to fix, not ours to debug: its message, named as they set it, and no stack.
        const refuse = refusing(this, fieldNamer(args));
        const s = refused(() => resolveSettings(args), refuse);
        const now = clock ?? Math.floor(Date.now() / 1000);
        if (!Number.isInteger(now) || now < 0) {
            const fix = "pass Math.floor(Date.now() / 1000), or leave it unset";
            throw new pulumi.ResourceError(`now: must be whole unix seconds. Fix: ${fix}`, this, true);
        }

        const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
        const { reads, secretReads, decided } = readAndDecide(name, s, owner, this, refuse);
        // Secret inputs are secret from here on, whatever the caller passed: another language's
        // plain string arrives plain, since the inferred package schema cannot mark it secret.
        const selfSigned = args.selfSigned && {
            ...args.selfSigned,
            sharedSecret: secretInput(args.selfSigned.sharedSecret),
            rsaPrivateKey: secretInput(args.selfSigned.rsaPrivateKey),
        };
        const supplied = checkSupplied(selfSigned, refuse);
        // Every child waits for the decision and the supplied values' check: a failure registers
        // nothing. Through the gate, children depend on the Secrets read too.
        const gate = Promise.all([settled(decided), supplied && settled(supplied)]).then(() => secretReads);
        const child = (extra: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn: [gate as unknown as Promise<pulumi.Resource>, ...reads, ...extra],
        });
        // Retained on destroy: pods must never refer to a deleted Secret, and releasing the
        // StorageCluster's atomic lists would drop the user's entries with ours.
        const retained = (extra: pulumi.Input<pulumi.Resource>[] = []) => ({ ...child(extra), retainOnDelete: true });

        const keys = registerKeys(name, s, decided, selfSigned?.sharedSecret, child(), retained());
        this.systemKey = keys.systemKey;
        this.appsKey = keys.appsKey;
        this.storkKey = keys.storkKey;
        this.sharedSecret = keys.sharedSecret;
        const objects = objectManifests(s, { storkEnv: desiredStorkEnv(s) });
        const tokens = registerTokens(name, s, objects, now, this.sharedSecret, selfSigned, child, retained);
        this.tokens = tokens.tokens;
        registerTenancyClasses(name, objects, owner, child());
        const publicKeys = registerPublicKeys(name, objects, selfSigned, retained());
        // What the plan keeps of the live objects is names and our own entries; a user's literal
        // secrets make the patch secret, so the plan itself need not be.
        const planned = pulumi.unsecret(decided);
        const fromPlan = <T>(f: (p: Plan) => T) => planned.apply((d) => f(d().plan));
        const before = [...keys.secrets, ...(publicKeys ? [publicKeys] : [])];
        const storageClusterPatch = registerPatches(name, objects, fromPlan, before, retained);
        childrenOf.set(this, { storageClusterPatch, keySecrets: keys.secrets, tokenSecrets: tokens.secrets });

        this.secretName = pulumi.output(s.secretName);
        // Say it in every preview and update: nodes restart, keys rotate, clusters need steps.
        this.restarts = fromPlan((p) => {
            const lines = [
                ...(p.restarts.portworx ? [`Portworx: ${p.restarts.portworx}`] : []),
                ...(p.restarts.stork ? [`Stork: ${p.restarts.stork}`] : []),
                ...p.notes,
            ];
            if (lines.length) void pulumi.log.warn(lines.join("\n"), this);
            return p.restarts;
        });
        this.notes = fromPlan((p) => p.notes);
        this.adminToken = tokens.adminToken;
        this.tokenTimes = pulumi.output(s.tokens.map((t) => tokenTimes(t, now, s.tokenRenewBefore)));
        this.registerOutputs({
            secretName: this.secretName,
            systemKey: this.systemKey,
            storkKey: this.storkKey,
            appsKey: this.appsKey,
            sharedSecret: this.sharedSecret,
            restarts: this.restarts,
            notes: this.notes,
            tokens: this.tokens,
            adminToken: this.adminToken,
            tokenTimes: this.tokenTimes,
        });
    }
}
