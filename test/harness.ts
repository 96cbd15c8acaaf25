// Runs the real component under Pulumi's mock engine and records every resource it registers.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { checkCluster, type ClusterCheck, type LiveObject } from "../components/tenants";

// Internal to the SDK (not in its typings): the set its exit handler reports as leaks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { leakedPromises } = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): [Set<unknown>, string] };

export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** How the mock engine passes a value unknown during a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    id?: string;
}

/** Options the mock engine sees but does not pass to `newResource`, by resource name. */
export interface RecordedOptions {
    retainOnDelete: boolean;
    /** Names (last URN segment) of the resources this one depends on. */
    dependsOn: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    ignoreChanges: string[];
}

export interface MockOptions {
    preview: boolean;
    /** State the StorageCluster read returns; `null` makes the read fail as "not found". */
    live?: Record<string, unknown> | null;
    /** Seed for the fake random bytes, so a rotation test can tell runs apart. */
    seed?: string;
    /** State for other reads, by id (`namespace/name`). */
    reads?: Record<string, Record<string, unknown>>;
    /**
     * The cluster's namespaces and classes, which the check chart looks up (its rule is
     * `checkCluster`'s); unset, every check passes.
     */
    clusterObjects?: LiveObject[];
}

export function fixture(name: string): string {
    return fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
}

export function sampleLive(): Record<string, unknown> {
    return YAML.parse(fs.readFileSync(path.join(__dirname, "..", "examples", "storagecluster.yaml"), "utf8"));
}

/**
 * Fake random bytes: `length` bytes (as RandomBytes makes) hashed from the name and keepers, as hex,
 * so runs are reproducible and a wrong length shows.
 */
function fakeHex(name: string, inputs: Record<string, unknown>, seed: string): string {
    const length = Number(unwrapSecrets(inputs.length));
    if (!Number.isInteger(length) || length < 1) throw new Error(`RandomBytes ${name}: length ${String(length)}`);
    let hex = "";
    for (let block = 0; hex.length < 2 * length; block++) {
        hex += crypto
            .createHash("sha256")
            .update(`${seed}/${name}/${JSON.stringify(unwrapSecrets(inputs.keepers))}${block ? `/${block}` : ""}`)
            .digest("hex");
    }
    return hex.slice(0, 2 * length);
}

/** Every string in `v` that is not inside a secret wrapper, with its path. */
export function plainStrings(v: unknown, path = "", out: [string, string][] = []): [string, string][] {
    if (typeof v === "string") out.push([path, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => plainStrings(x, `${path}[${i}]`, out));
    else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] !== undefined) return out;
        for (const [k, x] of Object.entries(o)) plainStrings(x, `${path}.${k}`, out);
    }
    return out;
}

/** Removes the mock engine's secret wrappers, leaving plain values. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] !== undefined) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

/** Stork as the operator renders it, under the name and namespace asked for. */
function storkDeployment(namespace: string, name: string): Record<string, unknown> {
    const stork = YAML.parse(fixture("stork-deployment.yaml"));
    return { ...stork, metadata: { ...stork.metadata, name, namespace } };
}
/** The Stork env names this project owns (a copy: the harness stands for the API server). */
const STORK_OWNED = ["PX_SHARED_SECRET", "PX_JWT_ISSUER", "PX_AUTH_KEYS_REVISION"];

/** The Secrets (and Stork's Deployment) a simulated cluster holds, by the live StorageCluster object that stands for it. */
const clusterSecrets = new WeakMap<object, Record<string, Record<string, unknown>>>();

type SpecLike = { env?: unknown[]; stork?: object; autopilot?: object; volumes?: unknown[]; security?: object };

/**
 * The cluster after the API server applied a run: the live StorageCluster with the run's patch
 * (atomic lists replaced whole) and every Secret the run wrote, which the next run can read.
 */
export function clusterAfter(
    recorded: Recorded[],
    base: Record<string, unknown> = sampleLive(),
): Record<string, unknown> {
    const live = structuredClone(base) as {
        metadata?: { annotations?: Record<string, string> };
        spec: Record<string, unknown>;
    };
    const patch = recorded.find((r) => r.type.endsWith(":StorageClusterPatch"));
    const sp = (patch ? unwrapSecrets(patch.inputs.spec) : {}) as SpecLike;
    // Server-side apply: the annotations this field manager wrote replace its earlier ones.
    const ours = (k: string) => k.startsWith("pulumi.com/") || k.startsWith("portworx-auth/");
    const patchAnnotations = (unwrapSecrets(patch?.inputs.metadata) as { annotations?: Record<string, string> })
        ?.annotations;
    if (patch && live.metadata) {
        live.metadata.annotations = {
            ...Object.fromEntries(Object.entries(live.metadata.annotations ?? {}).filter(([k]) => !ours(k))),
            ...patchAnnotations,
        };
    }
    live.spec = {
        ...live.spec,
        ...(sp.env ? { env: sp.env } : {}),
        ...(sp.volumes ? { volumes: sp.volumes } : {}),
        ...(sp.security ? { security: sp.security } : {}),
        stork: { ...(live.spec.stork as object), ...(sp.stork ?? {}) },
        ...(sp.autopilot ? { autopilot: { ...(live.spec.autopilot as object), ...sp.autopilot } } : {}),
    };
    const secrets = { ...(clusterSecrets.get(base) ?? {}) };
    for (const r of recorded.filter((x) => x.type === "kubernetes:core/v1:SecretPatch")) {
        const metadata = r.inputs.metadata as { name: string; namespace: string };
        const id = `${metadata.namespace}/${metadata.name}`;
        // Server-side apply: the keys this field manager wrote replace its earlier ones.
        // A preview's new keys are unknown (its data as a whole, even): the simulated cluster holds
        // stand-ins for them, under every data key the patch refers to.
        const raw = unwrapSecrets(r.inputs.data);
        const refs = [sp.env, (sp.stork as SpecLike | undefined)?.env, (sp.autopilot as SpecLike | undefined)?.env]
            .flat()
            .map(
                (e) => (e as { valueFrom?: { secretKeyRef?: { name: string; key: string } } })?.valueFrom?.secretKeyRef,
            )
            .filter((ref) => ref?.name === metadata.name)
            .map((ref) => ref?.key as string);
        const whole = raw && typeof raw === "object" && !("__pulumiUnknown" in raw);
        const known = whole ? (raw as Record<string, unknown>) : {};
        const keys = [...new Set([...Object.keys(known), ...(whole ? [] : refs)])];
        const data = Object.fromEntries(
            keys.map((k) => [
                k,
                typeof known[k] === "string" && known[k] !== UNKNOWN
                    ? known[k]
                    : Buffer.from(`unknown in preview: ${k}`).toString("base64"),
            ]),
        );
        secrets[id] = { apiVersion: "v1", kind: "Secret", metadata, data };
    }
    // Stork's Deployment as the DeploymentPatch leaves it: our env entries replace our earlier ones.
    for (const r of recorded.filter((x) => x.type === "kubernetes:apps/v1:DeploymentPatch")) {
        const md = r.inputs.metadata as { name: string; namespace: string };
        const id = `${md.namespace}/${md.name}`;
        const before = (secrets[id] as Record<string, unknown> | undefined) ?? storkDeployment(md.namespace, md.name);
        const dep = structuredClone(before) as {
            spec: { template: { spec: { containers: { name: string; env?: { name: string }[] }[] } } };
        };
        const want = (unwrapSecrets(r.inputs.spec) as typeof dep.spec).template.spec.containers;
        for (const w of want) {
            const c = dep.spec.template.spec.containers.find((x) => x.name === w.name);
            if (!c) continue;
            const names = new Set((w.env ?? []).map((e) => e.name));
            c.env = [
                ...(c.env ?? []).filter((e) => !names.has(e.name) && !STORK_OWNED.includes(e.name)),
                ...(w.env ?? []),
            ];
        }
        secrets[id] = dep as unknown as Record<string, unknown>;
    }
    clusterSecrets.set(live, secrets);
    return live;
}

/** Filled by the monitor wrapper installed in {@link setupMocks}. */
export const recordedOptions = new Map<string, RecordedOptions>();
/** The outputs each read asks the engine to keep secret, by resource name. */
export const readSecretOutputs = new Map<string, string[]>();

export async function setupMocks(opts: MockOptions): Promise<Recorded[]> {
    const recorded: Recorded[] = [];
    recordedOptions.clear();
    readSecretOutputs.clear();
    const seed = opts.seed ?? "seed";
    opts = { ...opts, reads: { ...(opts.live ? clusterSecrets.get(opts.live) : {}), ...opts.reads } };
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                recorded.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    ...(args.id ? { id: args.id } : {}),
                });
                if (args.id !== undefined && args.id !== "" && opts.reads?.[args.id]) {
                    return { id: args.id, state: opts.reads[args.id] };
                }
                if (args.type === "kubernetes:core/v1:Secret" && args.id) {
                    // As the API server does: a read of a Secret that is not there fails.
                    throw new Error(`resource '${args.id}' does not exist`);
                }
                if (args.type === "kubernetes:apps/v1:Deployment" && args.id) {
                    const [namespace, name] = args.id.split("/");
                    return { id: args.id, state: storkDeployment(namespace, name) };
                }
                if (args.id !== undefined && args.id !== "") {
                    if (opts.live === null) throw new Error(`resource '${args.id}' does not exist`);
                    return { id: args.id, state: opts.live ?? {} };
                }
                if (args.type === "kubernetes:helm.sh/v4:Chart" && opts.clusterObjects) {
                    // As Helm's `fail` stops the render: the first check that does not hold.
                    const checks = (args.inputs.values as { checks: ClusterCheck[] }).checks;
                    const refused = checkCluster(checks, opts.clusterObjects);
                    if (refused.length) throw new Error(`execution error at (checks.yaml): ${refused[0]}`);
                }
                if (args.type === "random:index/randomBytes:RandomBytes") {
                    // In a real preview a new random value is unknown: leave it out.
                    if (opts.preview) return { id: `${args.name}-id`, state: { ...args.inputs } };
                    const hex = fakeHex(args.name, args.inputs, seed);
                    return {
                        id: `${args.name}-id`,
                        state: { ...args.inputs, hex, base64: Buffer.from(hex, "hex").toString("base64") },
                    };
                }
                return { id: `${args.name}-id`, state: { ...args.inputs } };
            },
            call(args) {
                throw new Error(`unexpected call ${args.token}`);
            },
        },
        "portworx-auth",
        "test",
        opts.preview,
    );
    type Req = {
        getName(): string;
        getRetainondelete(): boolean | undefined;
        getDependenciesList(): string[];
        getDeletebeforereplace(): boolean;
        getReplaceonchangesList(): string[];
        getIgnorechangesList(): string[];
    };
    type ReadReq = { getName(): string; getAdditionalsecretoutputsList(): string[] };
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: Req, cb: unknown): unknown;
        readResource(req: ReadReq, cb: unknown): unknown;
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req: ReadReq, cb: unknown) => {
        readSecretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
        return read(req, cb);
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: Req, cb: unknown) => {
        recordedOptions.set(req.getName(), {
            retainOnDelete: req.getRetainondelete() === true,
            dependsOn: req.getDependenciesList().map((urn) => urn.split("::").pop() ?? urn),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            replaceOnChanges: req.getReplaceonchangesList(),
            ignoreChanges: req.getIgnorechangesList(),
        });
        return register(req, cb);
    };
    return recorded;
}

/**
 * Waits until the mock engine has seen every registration the program will make: first for every
 * registration in flight (signing tokens runs on libuv's thread pool, so a fixed number of turns
 * is not enough under load), then until no new registration shows up.
 */
export async function settle(recorded: Recorded[], failed?: Promise<void>): Promise<void> {
    // A failed program never finishes its registrations: stop waiting at its first error.
    const rpcs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    await (failed ? Promise.race([rpcs, failed]) : rpcs);
    let stable = 0;
    let last = -1;
    while (stable < 50) {
        await new Promise((r) => setImmediate(r));
        if (recorded.length === last) stable++;
        else {
            stable = 0;
            last = recorded.length;
        }
    }
}

/** Resolves an Output (or undefined when unknown in preview). */
export function value<T>(o: pulumi.Output<T>): Promise<T | undefined> {
    return (o as unknown as { promise(): Promise<T | undefined> }).promise();
}

export interface Scenario {
    recorded: Recorded[];
    /** Errors the program raised asynchronously (as the Pulumi host would report them). */
    rejections: Error[];
    /** Everything written to stdout/stderr while the program ran. */
    logs: string;
    /** Pulumi promises still pending once the program settled (the host fails a run that leaks). */
    leaks: number;
}

/**
 * Runs `program` under fresh mocks, waits for it to settle, and collects the errors it raised.
 * node:test's own unhandled-rejection listener is set aside meanwhile, so an expected failure
 * does not fail the test that asserts on it.
 */
export async function runScenario(opts: MockOptions, program: () => unknown): Promise<Scenario & { result: unknown }> {
    const recorded = await setupMocks(opts);
    const rejections: Error[] = [];
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    let failedNow: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (failedNow = resolve));
    const onRejection = (e: unknown) => {
        rejections.push(e instanceof Error ? e : new Error(String(e)));
        failedNow();
    };
    process.on("unhandledRejection", onRejection);
    const chunks: string[] = [];
    const writes = { out: process.stdout.write, err: process.stderr.write };
    const capture =
        (orig: typeof process.stdout.write) =>
        (chunk: unknown, ...rest: unknown[]): boolean => {
            chunks.push(String(chunk));
            return (orig as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
        };
    process.stdout.write = capture(writes.out) as typeof process.stdout.write;
    process.stderr.write = capture(writes.err) as typeof process.stderr.write;
    let result: unknown;
    try {
        try {
            result = program();
        } catch (e) {
            onRejection(e);
        }
        await settle(recorded, failed);
    } finally {
        process.stdout.write = writes.out;
        process.stderr.write = writes.err;
        process.off("unhandledRejection", onRejection);
        for (const l of saved) process.on("unhandledRejection", l);
    }
    // One registry of writes: no two registered objects may be the same (kind, namespace, name).
    const written = new Map<string, string>();
    for (const r of recorded.filter((x) => x.id === undefined && x.inputs.metadata)) {
        const md = r.inputs.metadata as { name?: string; namespace?: string };
        const kind = r.type
            .split(":")
            .pop()
            ?.replace(/Patch$/, "");
        const id = `${kind} ${md.namespace}/${md.name}`;
        if (written.has(id)) throw new Error(`${r.name} and ${written.get(id)} both write ${id}`);
        written.set(id, r.name);
    }
    // As the Pulumi host does for a failed program, an expected failure's pending promises are
    // not leaks; a successful program must leave none.
    const [leaked] = leakedPromises();
    return { recorded, rejections, logs: chunks.join(""), leaks: rejections.length ? 0 : leaked.size, result };
}

/** The recorded registration of a type (suffix match), or a failed assertion. */
export function find(recorded: Recorded[], typeSuffix: string, name?: string): Recorded {
    const r = recorded.find((x) => x.type.endsWith(typeSuffix) && (name === undefined || x.name === name));
    if (!r) {
        throw new Error(
            `no ${typeSuffix}${name ? ` named ${name}` : ""} among ${recorded.map((x) => x.type).join(", ")}`,
        );
    }
    return r;
}

/**
 * The value a `secretKeyRef` resolves to through the Secrets a run registered (as the kubelet
 * would read it), or undefined when no registered Secret has that key.
 */
export function resolveRef(
    recorded: Recorded[],
    namespace: string,
    ref: { name: string; key: string } | undefined,
): string | undefined {
    if (!ref) return undefined;
    const secret = recorded.find((r) => {
        const md = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return r.type === "kubernetes:core/v1:SecretPatch" && md?.name === ref.name && md.namespace === namespace;
    });
    const b64 = (unwrapSecrets(secret?.inputs.data) as Record<string, string> | undefined)?.[ref.key];
    return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("utf8");
}

/** The value env var `name` of `env` resolves to through the registered Secrets. */
export function resolveEnv(
    recorded: Recorded[],
    namespace: string,
    env: { name: string; valueFrom?: unknown }[],
    name: string,
): string | undefined {
    const e = env.find((x) => x.name === name);
    return resolveRef(
        recorded,
        namespace,
        (e?.valueFrom as { secretKeyRef?: { name: string; key: string } })?.secretKeyRef,
    );
}

/** What a read of `id` (`namespace/name`) returns in the simulated cluster `live` stands for. */
export function simulatedRead(live: object, id: string): Record<string, unknown> | undefined {
    return clusterSecrets.get(live)?.[id];
}
