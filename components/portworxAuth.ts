// The thin shell: turns the pure core's plan into Pulumi resources.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { resolveSettings, type PortworxAuthArgs, type Settings } from "./args";
import { ConfigError, fieldNamer } from "./errors";
import { PUBLIC_KEY_FILES, storkKeyRole, type KeyRole } from "./env";
import { liveShapeRefusal } from "./liveShape";
import { planKeys, type KeySource, type LiveSecretKeys, type SecretId } from "./keys";
import {
    buildPlan,
    keySecretIgnoreChanges,
    keySecretManifest,
    objectManifests,
    STORAGE_CLUSTER_API_VERSION,
    type Plan,
    type Restarts,
} from "./plan";
import type { LiveDeployment, LiveStorageCluster } from "./preflight";
import { registerClusterChecks, registerTenancyClasses } from "./tenantResources";
import { tenancyChecks } from "./tenants";
import { ADMIN_TOKEN_SECRET, mintToken, signingKeyFor, TOKEN_SECRET_KEY, tokenTimes, type TokenTimes } from "./tokens";
import { checkSuppliedValues } from "./trust";

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

/** A key read back from a live Secret, or a ResourceError naming the missing data key (never a value). */
function readKey(
    secrets: Record<SecretId, Record<string, string>>,
    at: { secret: SecretId; key: string },
    resource: pulumi.Resource,
): string {
    const b64 = secrets[at.secret]?.[at.key];
    if (b64 === undefined) {
        throw new pulumi.ResourceError(
            `the live cluster refers to data key ${at.key} of Secret ${at.secret}, which has no such key, so the key in use cannot be kept. Fix: restore that data key (pods that restart now fail to start), or remove the reference from the StorageCluster and run again to generate a new key`,
            resource,
            true,
        );
    }
    return Buffer.from(b64, "base64").toString("utf8");
}

/** A supplied secret as a secret Output; unset stays unset. */
function secretInput(v: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
    return v === undefined ? undefined : pulumi.secret(v);
}

function base64(value: string): string {
    return Buffer.from(value, "utf8").toString("base64");
}

/**
 * The named outputs of one resource as one object. They share their resources, so nested applies
 * keep all that pulumi.all would (it makes two more Outputs per field, and copies each value).
 */
function fieldsOf<R extends pulumi.Resource>(
    r: R,
    names: (keyof R & string)[],
): pulumi.Output<Record<string, unknown>> {
    const step = (i: number, acc: Record<string, unknown>): pulumi.Output<Record<string, unknown>> =>
        (r[names[i]] as pulumi.Output<unknown>).apply((v) =>
            i + 1 === names.length ? { ...acc, [names[i]]: v } : step(i + 1, { ...acc, [names[i]]: v }),
        );
    return step(0, {});
}

/** What one run decided from the live objects: the plan, and the values of the Secrets it reads keys from. */
interface Decision {
    plan: Plan;
    secrets: Record<SecretId, Record<string, string>>;
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
 * Turns on Portworx authorization for one StorageCluster: keeps the system and Stork keys (and a
 * JWT shared secret) the cluster already runs, or generates them, in two Secrets (the system and
 * Stork keys in `px-system-secrets`, the shared secret in `secretName`), and wires them into the
 * StorageCluster (`spec.env` or the operator's `spec.security`), Autopilot and Stork, merging with
 * the live lists so that no user entry is lost; mints tokens and writes tenants' classes when asked.
 *
 * Nothing is written when the arguments are invalid or the live StorageCluster cannot take them.
 * The Secret and the patches are kept on `pulumi destroy`; set `enabled: false` to turn
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
        const names = fieldNamer(args);
        const refuse = (e: unknown) =>
            e instanceof ConfigError ? new pulumi.ResourceError(e.describe(names), this, true) : e;
        let settings: Settings;
        try {
            settings = resolveSettings(args);
        } catch (e) {
            throw refuse(e);
        }
        const s = settings;

        const live = new StorageClusterRead(`${name}-live`, `${s.namespace}/${s.storageClusterName}`, { parent: this });
        // Deployment mode: read Stork's Deployment too, so a wrong name fails before anything is written.
        const wiresDeployment = s.securityMode === "env" && s.stork.mode === "deployment";
        const storkLive = wiresDeployment
            ? k8s.apps.v1.Deployment.get(`${name}-stork-live`, `${s.stork.namespace}/${s.stork.deploymentName}`, {
                  parent: this,
                  additionalSecretOutputs: ["metadata", "spec"],
              })
            : undefined;
        // Tenant namespaces and class names, checked on the cluster before anything is written.
        const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
        const checks = registerClusterChecks(name, tenancyChecks(s.tenancy, owner), { parent: this });
        const reads: pulumi.Resource[] = [live, ...(storkLive ? [storkLive] : []), ...(checks ? [checks] : [])];
        const cluster = fieldsOf(live, ["apiVersion", "kind", "metadata", "spec", "status"]);
        const liveObjects: pulumi.Output<{ cluster: LiveStorageCluster; stork?: LiveDeployment }> = storkLive
            ? pulumi
                  .all([cluster, fieldsOf(storkLive, ["metadata", "spec"])])
                  .apply(([c, stork]) => ({ cluster: c as LiveStorageCluster, stork: stork as LiveDeployment }))
            : cluster.apply((c) => ({ cluster: c as LiveStorageCluster, stork: undefined }));
        // The run's decision, made once: the cluster is the source of truth for keys in use, so read
        // exactly the Secrets the live objects refer to (a read of a missing Secret fails the program),
        // keep their values, and plan with their data key names. Outputs carry the decision as a
        // function: pulumi.all copies, and every Output walks, a value that is an object. Secret, and
        // so is everything it flows into.
        const decided: pulumi.Output<() => Decision> = liveObjects.apply(({ cluster: c, stork }) => {
            const shape = liveShapeRefusal(s, c, stork);
            if (shape) throw new pulumi.ResourceError(shape, this, true);
            const list = planKeys(s, c, stork).reads;
            const decide = (data: (Record<string, string> | undefined)[]) => {
                const secrets = Object.fromEntries(list.map((r, i) => [`${r.namespace}/${r.name}`, data[i] ?? {}]));
                const keys: LiveSecretKeys = Object.fromEntries(
                    Object.entries(secrets).map(([id, d]) => [id, Object.keys(d)]),
                );
                const plan = buildPlan(s, c, stork, keys);
                if (plan.findings.length > 0) {
                    throw new pulumi.ResourceError(
                        `preflight failed, nothing was written:\n${plan.findings.map((f) => `  - ${f.field}: ${f.message}`).join("\n")}`,
                        this,
                        true,
                    );
                }
                const decision: Decision = { plan, secrets };
                return pulumi.secret(() => decision);
            };
            if (list.length === 0) return decide([]);
            return pulumi
                .all(
                    list.map(
                        (r) =>
                            k8s.core.v1.Secret.get(
                                `${name}-read-${r.namespace}-${r.name}`,
                                `${r.namespace}/${r.name}`,
                                { parent: this, additionalSecretOutputs: ["data", "stringData"] },
                            ).data,
                    ),
                )
                .apply(decide);
        });
        // What the plan keeps of the live objects is names and our own entries; a user's literal
        // secrets make the patch secret below, so the plan itself need not be.
        const planned = pulumi.unsecret(decided);
        const fromPlan = <T>(f: (p: Plan) => T) => planned.apply((d) => f(d().plan));
        // Secret inputs are secret from here on, whatever the caller passed: another language's
        // plain string arrives plain, since the inferred package schema cannot mark it secret.
        const selfSigned = args.selfSigned && {
            ...args.selfSigned,
            sharedSecret: secretInput(args.selfSigned.sharedSecret),
            rsaPrivateKey: secretInput(args.selfSigned.rsaPrivateKey),
        };
        const given = {
            sharedSecret: selfSigned?.sharedSecret,
            rsaPublicKey: selfSigned?.rsaPublicKey,
            ecdsaPublicKey: selfSigned?.ecdsaPublicKey,
            rsaPrivateKey: selfSigned?.rsaPrivateKey,
        };
        const supplied = Object.values(given).some((v) => v !== undefined)
            ? pulumi.all(given).apply(async (values) => {
                  try {
                      await checkSuppliedValues(values);
                  } catch (e) {
                      throw refuse(e);
                  }
              })
            : undefined;
        // Every key the plan reads back from the cluster must be there.
        const liveKeysPresent = decided.apply((d) => {
            const { plan: p, secrets } = d();
            for (const k of p.keys.keys) if (k.origin === "kept" && k.live) readKey(secrets, k.live, this);
            for (const ks of p.keys.secrets) {
                for (const [, src] of ks.data) if ("copy" in src) readKey(secrets, src.copy, this);
            }
        });
        // Every child waits for all three checks (the plan's is in the keys' check): a failure
        // registers nothing. Through the gate's own resources, children depend on the Secrets read too.
        // The gate resolves to no resource and stands in a plain list: pulumi walks a dependsOn value
        // at each use (a Resource's whole object graph), and turns a dependsOn that is itself an
        // Output into three more Outputs per child.
        const gate = (supplied
            ? pulumi.all([supplied, liveKeysPresent]).apply(() => undefined)
            : liveKeysPresent) as unknown as pulumi.Output<pulumi.Resource>;
        const child = (extra: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn: [gate, ...reads, ...extra],
        });
        // Kept on destroy: pods must never refer to a deleted Secret, and releasing the
        // StorageCluster's atomic lists would drop the user's entries with ours.
        const kept = (extra: pulumi.Input<pulumi.Resource>[] = []): pulumi.CustomResourceOptions => ({
            ...child(extra),
            retainOnDelete: true,
        });

        // A generator per key, always registered so that a second run changes nothing; its value
        // is used only when the cluster holds no key of that version.
        const newKey = (role: string, version: string) =>
            new random.RandomBytes(`${name}-${role}`, { length: KEY_BYTES, keepers: { version } }, child()).hex;
        const generated: Record<KeyRole, pulumi.Output<string> | undefined> = {
            system: newKey("system-key", s.rotation.systemKey),
            apps: newKey("apps-key", s.rotation.appsKey),
            stork: storkKeyRole(s) === "stork" ? newKey("stork-key", s.rotation.storkKey) : undefined,
            shared:
                s.selfSigned?.sharedSecret === "generated"
                    ? newKey("shared-secret", s.rotation.sharedSecret)
                    : undefined,
        };
        const givenShared = selfSigned?.sharedSecret;
        const pick = (d: Decision, role: KeyRole, fresh: string | undefined, given?: string): string => {
            const k = d.plan.keys.keys.find((x) => x.role === role);
            if (k?.origin === "kept" && k.live) return readKey(d.secrets, k.live, this);
            if (k?.origin === "supplied") return given as string;
            return fresh as string;
        };
        // Secret, as everything `decided` flows into. Known as soon as the decision and this key's
        // generator are: nested applies, where pulumi.all would make two more Outputs per value.
        const keyValue = (role: "system" | "apps" | "stork") =>
            decided.apply((d) => (generated[role] as pulumi.Output<string>).apply((fresh) => pick(d(), role, fresh)));
        this.systemKey = keyValue("system");
        this.appsKey = keyValue("apps");
        this.storkKey = storkKeyRole(s) === "stork" ? keyValue("stork") : this.appsKey;
        const hasShared = s.selfSigned !== undefined && s.selfSigned.sharedSecret !== "none";
        // The tokens signed with the shared secret depend on exactly what it does: the decision, its
        // generator and the value given.
        this.sharedSecret = hasShared
            ? pulumi
                  .all([decided, generated.shared, givenShared])
                  .apply(([d, fresh, given]) => pick(d(), "shared", fresh, given))
            : pulumi.secret(pulumi.output(undefined));

        const objects = objectManifests(s);
        const source = (
            src: KeySource,
            secrets: Record<SecretId, Record<string, string>>,
            v: Record<KeyRole, string | undefined>,
        ) => ("role" in src ? (v[src.role] as string) : readKey(secrets, src.copy, this));
        const before: pulumi.Resource[] = [];
        const keySecrets: k8s.core.v1.SecretPatch[] = [];
        const tokenSecrets: k8s.core.v1.SecretPatch[] = [];
        // What every key Secret holds, from the decision and every key's generator at once.
        const keySecretData = pulumi
            .all([decided, generated.system, generated.apps, generated.stork, generated.shared, givenShared])
            .apply(([d, system, apps, stork, shared, given]) => {
                const v = d();
                const values: Record<KeyRole, string | undefined> = {
                    system: pick(v, "system", system),
                    apps: pick(v, "apps", apps),
                    stork: stork === undefined ? undefined : pick(v, "stork", stork),
                    shared: hasShared ? pick(v, "shared", shared, given) : undefined,
                };
                return Object.fromEntries(
                    v.plan.keys.secrets.map((ks) => [
                        ks.role,
                        Object.fromEntries(ks.data.map(([k, src]) => [k, base64(source(src, v.secrets, values))])),
                    ]),
                );
            });
        // Which key Secrets exist follows the settings; what each holds follows the cluster too. A
        // SecretPatch keeps its data secret itself.
        for (const ks of planKeys(s, undefined).secrets) {
            const ignoreChanges = keySecretIgnoreChanges(s, ks);
            keySecrets.push(
                new k8s.core.v1.SecretPatch(
                    `${name}-${ks.role}`,
                    {
                        metadata: keySecretManifest(s, ks).metadata,
                        type: "Opaque",
                        data: keySecretData.apply((all) => all[ks.role]),
                    },
                    ignoreChanges.length ? { ...kept(), ignoreChanges } : kept(),
                ),
            );
        }
        before.push(...keySecrets);
        const now = clock ?? Math.floor(Date.now() / 1000);
        if (!Number.isInteger(now) || now < 0) {
            throw new pulumi.ResourceError(
                "now: must be whole unix seconds. Fix: pass Math.floor(Date.now() / 1000), or leave it unset",
                this,
                true,
            );
        }
        const mint = async (sharedSecret?: string, privateKeyPem?: string, publicKeyPem?: string) => {
            const key = signingKeyFor({ sharedSecret, privateKeyPem, publicKeyPem }, "selfSigned.rsaPrivateKey");
            const out: Record<string, string> = {};
            for (const t of s.tokens) {
                out[t.name] = await mintToken(t, {
                    issuer: s.selfSigned?.issuer as string,
                    key: key as NonNullable<typeof key>,
                    now,
                    renewBeforeShare: s.tokenRenewBefore,
                });
            }
            return out;
        };
        const rsa = [selfSigned?.rsaPrivateKey, selfSigned?.rsaPublicKey] as const;
        // Secret, as `sharedSecret` is even when unset.
        this.tokens =
            s.tokens.length === 0 || !s.selfSigned
                ? pulumi.secret<Record<string, string>>({})
                : rsa.every((v) => v === undefined)
                  ? this.sharedSecret.apply((shared) => mint(shared))
                  : pulumi.all([this.sharedSecret, ...rsa]).apply(([shared, pem, pub]) => mint(shared, pem, pub));
        s.tokens.forEach((t, i) => {
            const patch = new k8s.core.v1.SecretPatch(
                `${name}-token-${t.name}`,
                {
                    metadata: objects.tokenSecrets[i].metadata,
                    type: "Opaque",
                    data: this.tokens.apply((m) => ({ [TOKEN_SECRET_KEY]: base64(m[t.name]) })),
                },
                // A tenant's volumes name its Secret in their PVs: never empty it under them.
                t.tenant ? kept() : child(),
            );
            tokenSecrets.push(patch);
        });
        if (objects.adminTokenSecret) {
            const patch = new k8s.core.v1.SecretPatch(
                `${name}-px-admin-token`,
                {
                    metadata: objects.adminTokenSecret.metadata,
                    type: "Opaque",
                    data: this.tokens.apply((m) => ({ [TOKEN_SECRET_KEY]: base64(m.admin) })),
                },
                child(),
            );
            tokenSecrets.push(patch);
        }
        registerTenancyClasses(name, objects, owner, child());

        if (objects.publicKeys) {
            const pems: Record<string, pulumi.Input<string> | undefined> = {
                [PUBLIC_KEY_FILES.rsa]: selfSigned?.rsaPublicKey,
                [PUBLIC_KEY_FILES.ecdsa]: selfSigned?.ecdsaPublicKey,
            };
            before.push(
                new k8s.core.v1.ConfigMapPatch(
                    `${name}-public-keys`,
                    {
                        metadata: objects.publicKeys.metadata,
                        data: Object.fromEntries(
                            Object.keys(objects.publicKeys.data as object).map((k) => [
                                k,
                                pulumi.output(pems[k] as pulumi.Input<string>),
                            ]),
                        ),
                    },
                    kept(),
                ),
            );
        }

        // Stork first: a Stork that sends tokens to Portworx without auth does no harm, while
        // Portworx with auth and an unwired Stork refuses Stork's calls.
        // Registered once the live Deployment is read: while it holds exactly our entries, the
        // provider's diff is not asked, since it pairs our entries with Stork's own by index.
        const storkManifest = objects.storkPatch;
        const storkPatch = storkManifest
            ? fromPlan(
                  (p) =>
                      new k8s.apps.v1.DeploymentPatch(
                          `${name}-stork`,
                          {
                              metadata: storkManifest.metadata,
                              spec: storkManifest.spec as k8s.types.input.apps.v1.DeploymentSpecPatch,
                          },
                          p.storkPatchSettled ? { ...kept(before), ignoreChanges: ["spec"] } : kept(before),
                      ),
              )
            : undefined;
        const storageClusterPatch = new k8s.apiextensions.CustomResourcePatch(
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
            kept(storkPatch ? [...before, storkPatch] : before),
        );

        childrenOf.set(this, { storageClusterPatch, keySecrets, tokenSecrets });

        this.secretName = pulumi.output(s.secretName);
        // Say it in every preview and update: nodes restart, keys rotate, clusters need steps. In the
        // restarts' own apply: one apply fewer per cluster.
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
        this.adminToken = s.operator?.readAdminToken
            ? pulumi.secret(
                  k8s.core.v1.Secret.get(
                      `${name}-admin-token`,
                      `${s.namespace}/${ADMIN_TOKEN_SECRET}`,
                      child(),
                  ).data.apply((d) => Buffer.from(d?.[TOKEN_SECRET_KEY] ?? "", "base64").toString("utf8") || undefined),
              )
            : this.tokens.apply((m) => m.admin);
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
