// The bench's side of a timed process: Pulumi's mock engine standing in for a cluster, an optional
// recorder of every request the program sends it, and the component program itself. scripts/bench.ts
// transpiles this file next to the hand-written programs it generates and runs both under plain Node
// on the built dist/. Nothing here is timed apart from the process as a whole.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as Components from "../components";
import type * as Config from "../components/config";

/** What the orchestrator hands a process, as JSON in the file BENCH_SETUP names. */
export interface Setup {
    /** The live StorageCluster every read of one returns, under the name and namespace read. */
    live: Record<string, unknown>;
    /** Stork's Deployment as the operator renders it, for reads of a Deployment. */
    stork: Record<string, unknown>;
    /** Other objects a read returns, by `namespace/name` (Secrets); a Secret not here is not found. */
    reads: Record<string, Record<string, unknown>>;
    /** The stack config the program is handed (`portworx-auth:namespace` to its text). */
    config: Record<string, string>;
    /** The project root, where dist/ is. */
    root: string;
}

/** The name of cluster i's component: `bench${i}`, a word no input holds by itself. */
export const clusterName = (i: number): string => `bench${i}`;
const CLUSTER_PREFIX = /^bench[0-9]+-/;

/** One request the program sent the engine, as the engine received it. */
export interface Request {
    rpc: "registerResource" | "readResource" | "registerResourceOutputs";
    [field: string]: unknown;
}

/** Fields that say where in the source a request came from. */
const UNRECORDED = ["sourceposition", "stacktrace", "parentstacktracehandle"];

type Message = { toObject(): Record<string, unknown> } & Record<string, () => unknown>;

function normalise(rpc: Request["rpc"], req: Message): Request {
    const o: Record<string, unknown> = { rpc, ...req.toObject() };
    for (const f of UNRECORDED) delete o[f];
    // The properties as the engine receives them: secrets wrapped, every value serialized.
    for (const [field, getter] of [
        ["object", "getObject"],
        ["properties", "getProperties"],
        ["outputs", "getOutputs"],
    ]) {
        if (field in o) o[field] = (req[getter]() as { toJavaScript(): unknown } | undefined)?.toJavaScript();
    }
    if (Array.isArray(o.dependenciesList)) o.dependenciesList = [...o.dependenciesList].sort();
    return o as Request;
}

function readSetup(): Setup {
    const file = process.env.BENCH_SETUP;
    if (!file) throw new Error("BENCH_SETUP is not set: run npm run bench");
    return JSON.parse(fs.readFileSync(file, "utf8")) as Setup;
}

/**
 * Starts the mock engine for this process. With BENCH_RECORD set, every request is appended to
 * that file (as JSON lines) when the process exits; with BENCH_STATS set, the process's peak
 * memory and CPU time are written there.
 */
export function startEngine(): Setup {
    const setup = readSetup();
    void pulumi.runtime.setMocks(
        {
            newResource(args) {
                if (args.id) {
                    const read = setup.reads[args.id];
                    if (read) return { id: args.id, state: read };
                    const [namespace, name] = args.id.split("/");
                    if (args.type === "kubernetes:core/v1:Secret") {
                        throw new Error(`resource '${args.id}' does not exist`);
                    }
                    const base = args.type === "kubernetes:apps/v1:Deployment" ? setup.stork : setup.live;
                    const metadata = { ...(base.metadata as object), name, namespace };
                    return { id: args.id, state: { ...base, metadata } };
                }
                if (args.type === "random:index/randomBytes:RandomBytes") {
                    // Reproducible bytes, a function of the name within its cluster and the keepers, so
                    // that every cluster registers the same values and one hand-written function fits all.
                    const hex = crypto
                        .createHash("sha256")
                        .update(`bench/${args.name.replace(CLUSTER_PREFIX, "")}/${JSON.stringify(args.inputs.keepers)}`)
                        .digest("hex");
                    const base64 = Buffer.from(hex, "hex").toString("base64");
                    return { id: `${args.name}-id`, state: { ...args.inputs, hex, base64 } };
                }
                return { id: `${args.name}-id`, state: { ...args.inputs } };
            },
            call(args) {
                throw new Error(`unexpected call ${args.token}`);
            },
        },
        "portworx-auth",
        "bench",
        false,
    );
    const recordFile = process.env.BENCH_RECORD;
    if (recordFile) {
        const requests: Request[] = [];
        const monitor = pulumi.runtime.getMonitor() as unknown as Record<
            string,
            (req: Message, cb: unknown) => unknown
        >;
        for (const rpc of ["registerResource", "readResource", "registerResourceOutputs"] as const) {
            const send = monitor[rpc].bind(monitor);
            monitor[rpc] = (req, cb) => {
                requests.push(normalise(rpc, req));
                return send(req, cb);
            };
        }
        process.on("exit", () => fs.writeFileSync(recordFile, requests.map((r) => JSON.stringify(r)).join("\n")));
    }
    const statsFile = process.env.BENCH_STATS;
    if (statsFile) {
        process.on("exit", () => {
            const u = process.resourceUsage();
            // maxRSS is in KiB; CPU times in microseconds.
            fs.writeFileSync(
                statsFile,
                JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
            );
        });
    }
    return setup;
}

/** The component program: index.ts's reading of stack config, and one PortworxAuth per cluster. */
function componentProgram(clusters: number): void {
    const setup = startEngine();
    const dist = path.join(setup.root, "dist", "components");
    // Loaded at run time: dist/ is built by the bench, after this file is type-checked.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PortworxAuth } = require(dist) as typeof Components;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { argsFromConfig } = require(path.join(dist, "config")) as typeof Config;
    const prefix = "portworx-auth:";
    const args = argsFromConfig({
        keys: () =>
            Object.keys(setup.config)
                .filter((k) => k.startsWith(prefix))
                .map((k) => k.slice(prefix.length)),
        get: (k) => setup.config[prefix + k],
        getSecret: (k) =>
            setup.config[prefix + k] === undefined ? undefined : pulumi.secret(setup.config[prefix + k]),
        readFile: (p) => fs.readFileSync(path.resolve(setup.root, p), "utf8"),
    });
    for (let i = 0; i < clusters; i++) new PortworxAuth(clusterName(i), args);
}

if (require.main === module) componentProgram(Number(process.argv[2] ?? "1"));
