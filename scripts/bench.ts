// `npm run bench [-- --quick] [--json] [--live] [--stack dev] [--rounds N]`: what the component costs next to
// the program a user would write by hand to register the same resources. A command, never a test.
//
// 1. Builds dist/ (`npm run build`) and runs the component program (scripts/bench-engine.ts: stack
//    config read as index.ts reads it, one PortworxAuth per cluster) under Pulumi's mock engine,
//    recording every request it sends the engine.
// 2. Generates bench-out/hand.js from that recording: a function per cluster that registers the same
//    resources, with the recorded inputs as literals (secret where the component made them secret),
//    under the same parent, with the same dependsOn, retainOnDelete, additionalSecretOutputs and read
//    ids; then records it too and refuses to go on unless both programs send the engine the same
//    requests, inputs byte for byte (propertyDependencies aside: literals have none).
// 3. Times both as whole processes under plain Node, paired and interleaved, at 1, 10 and 100
//    clusters in one program; `npm run plan` against live StorageClusters with 10, 1,000 and
//    10,000 user env entries; and `npm run plan -- --all` over 100 stacks (copies of the project's,
//    in a copy of the checkout under bench-out/fleet).
//
// 4. With --live, the same comparison with the real Pulumi CLI, Kubernetes provider and API server
//    (scripts/bench-live.ts), reported under `live`.
//
// Scenarios: `first`, against examples/storagecluster.yaml as a first `pulumi up` sees it; `again`
// (not with --quick), against the cluster that run left (keys kept, so the live Secrets are read).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as ts from "typescript";
import * as YAML from "yaml";
import { runCommand } from "../cli/io";
import { stackConfig } from "../cli/plan";
import { clusterAfter, unwrapSecrets } from "../test/harness";
import { clusterName, type Request, type Setup } from "./bench-engine";
import { liveBench, liveTable } from "./bench-live";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "bench-out");
const SIZES = [1, 10, 100];
const PLAN_SIZES = [10, 1000, 10000];
/** Stacks in the project `npm run plan -- --all` plans. */
const FLEET = 100;
/** @pulumi/pulumi's wrapper of a secret value, as the engine receives it. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Running processes

interface Sample {
    ms: number;
    cpuMs: number;
    rssKiB: number;
}

/** Runs `node file ...argv` in bench-out/ under plain Node, and times it as a whole. */
function run(file: string, argv: string[], env: Record<string, string> = {}): Promise<Sample> {
    const stats = path.join(OUT, `stats-${path.basename(file)}.json`);
    fs.rmSync(stats, { force: true });
    return new Promise((resolve, reject) => {
        const t0 = performance.now();
        // No NODE_OPTIONS: the tsx loader this script runs under must not transpile the children.
        const child = spawn(process.execPath, [file, ...argv], {
            cwd: OUT,
            env: { ...process.env, NODE_OPTIONS: "", BENCH_STATS: stats, ...env },
            stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
            stderr = (stderr + d.toString()).slice(-4000);
        });
        child.on("error", reject);
        child.on("close", (code) => {
            const ms = performance.now() - t0;
            if (code !== 0) {
                reject(new Error(`${path.basename(file)} ${argv.join(" ")} exited ${code}:\n${stderr}`));
                return;
            }
            const s = fs.existsSync(stats) ? (JSON.parse(fs.readFileSync(stats, "utf8")) as Obj) : {};
            resolve({ ms, cpuMs: Number(s.cpuMs ?? NaN), rssKiB: Number(s.maxRssKiB ?? NaN) });
        });
    });
}

/** Runs a program under the recorder and returns the requests it sent the engine. */
export async function record(file: string, clusters: number, setupFile: string): Promise<Request[]> {
    const out = path.join(OUT, `record-${path.basename(file, ".js")}-${clusters}.jsonl`);
    await run(file, [String(clusters)], { BENCH_SETUP: setupFile, BENCH_RECORD: out });
    return fs
        .readFileSync(out, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Request);
}

// ---------------------------------------------------------------------------------------------
// The hand-written program

/** Sorted keys, so that two requests compare by content and not by the order fields were set. */
function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (isObj(v)) {
        return `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v) ?? "undefined";
}

const lastSegment = (urn: string) => urn.split("::").pop() as string;
const keyOf = (r: Request) => `${r.rpc} ${(r.name as string | undefined) ?? lastSegment(r.urn as string)}`;

/**
 * Every request of `got` that is not in `want` and the other way round, as readable lines.
 * `ignore`: fields left out of the comparison.
 */
export function differences(want: Request[], got: Request[], ignore: string[] = []): string[] {
    const index = (rs: Request[]) =>
        new Map(
            rs.map((r) => [
                keyOf(r),
                canonical(Object.fromEntries(Object.entries(r).filter(([k]) => !ignore.includes(k)))),
            ]),
        );
    const a = index(want);
    const b = index(got);
    const out: string[] = [];
    for (const [k, v] of a) {
        if (!b.has(k)) out.push(`missing: ${k}`);
        else if (b.get(k) !== v) out.push(`differs: ${k}\n  component: ${v}\n  hand:      ${b.get(k)}`);
    }
    for (const k of b.keys()) if (!a.has(k)) out.push(`extra: ${k}`);
    if (want.length !== got.length) out.push(`${want.length} requests against ${got.length}`);
    return out;
}

/** A JS expression for a recorded value: secrets through pulumi.secret, the cluster's name through `name`. */
function literal(v: unknown, name0: string): string {
    if (typeof v === "string") {
        if (!v.includes(name0)) return JSON.stringify(v);
        return v
            .split(name0)
            .flatMap((s, i) => [...(i ? ["name"] : []), ...(s ? [JSON.stringify(s)] : [])])
            .join(" + ");
    }
    if (Array.isArray(v)) return `[${v.map((x) => literal(x, name0)).join(", ")}]`;
    if (isObj(v)) {
        if (SIG in v) {
            if (v[SIG] !== SECRET) throw new Error(`the bench cannot write a ${String(v[SIG])} value by hand`);
            return `pulumi.secret(${literal(v.value, name0)})`;
        }
        return `{ ${Object.entries(v)
            .map(([k, x]) => `${JSON.stringify(k)}: ${literal(x, name0)}`)
            .join(", ")} }`;
    }
    return JSON.stringify(v);
}

/** The SDK class a hand-written program would use for a type token, as an expression. */
function classFor(token: string, packages: Map<string, string>): { expr: string; crd?: "resource" | "patch" } {
    const [pkg, mod, cls] = token.split(":");
    const module = pkg === "kubernetes" ? "@pulumi/kubernetes" : `@pulumi/${pkg}`;
    const local = pkg === "kubernetes" ? "k8s" : pkg.replace(/[^A-Za-z0-9]/g, "_");
    packages.set(local, module);
    // Modules as the SDKs lay them out: `core/v1` is k8s.core.v1; `index/x` is the package root.
    const at = mod.startsWith("index") ? [] : mod.split("/").map((p, i) => (i === 0 ? p.split(".")[0] : p));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    let o: unknown = require(require.resolve(module, { paths: [ROOT] }));
    for (const p of [...at, cls]) o = (o as Obj | undefined)?.[p];
    if ((o as { __pulumiType?: string } | undefined)?.__pulumiType === token) {
        return { expr: [local, ...at, cls].join(".") };
    }
    if (pkg === "kubernetes") {
        // A custom resource: no class of its own.
        return cls.endsWith("Patch")
            ? { expr: `${local}.apiextensions.CustomResourcePatch`, crd: "patch" }
            : { expr: `${local}.apiextensions.CustomResource`, crd: "resource" };
    }
    throw new Error(`the bench knows no class for ${token}: teach classFor in scripts/bench.ts`);
}

/** Options a request carries that the generated program does not set, so it must not differ from their defaults. */
const REPLAYED = new Set([
    "rpc",
    "type",
    "name",
    "parent",
    "custom",
    "object",
    "properties",
    "outputs",
    "urn",
    "id",
    "dependenciesList",
    "retainondelete",
    "protect",
    "deletebeforereplace",
    "deletebeforereplacedefined",
    "ignorechangesList",
    "replaceonchangesList",
    "additionalsecretoutputsList",
    "version",
    "aliasesList",
    "acceptsecrets",
    "acceptresources",
    "supportspartialvalues",
    "aliasspecs",
    "supportsresultreporting",
    // Literals depend on nothing: left out of the comparison.
    "propertydependenciesMap",
]);

/**
 * The hand-written program for one cluster's requests (`name0` is its component's name): a
 * function per cluster and a loop over `process.argv[2]` clusters. `extraSecretOutputs` are those
 * the component asked for on top of what each SDK class asks for by itself, by resource name.
 * With `live`, the same registrations as a TypeScript Pulumi program a user would keep in a
 * project (imports, types, no mock engine) that calls the function once, with `live.name`.
 */
export function handProgram(
    requests: Request[],
    name0: string,
    extraSecretOutputs: Map<string, string[]>,
    live?: { name: string },
): string {
    const packages = new Map<string, string>();
    const vars = new Map<string, string>();
    const body: string[] = [];
    const nameExpr = (n: string) => literal(n, name0);
    // Only what is referred to gets a variable: the project's tsconfig has noUnusedLocals.
    const referred = new Set<string>();
    for (const r of requests) {
        if (r.parent) referred.add(lastSegment(r.parent as string));
        for (const u of (r.dependenciesList as string[] | undefined) ?? []) referred.add(lastSegment(u));
        if (r.rpc === "registerResourceOutputs") referred.add(lastSegment(r.urn as string));
    }
    const declare = (name: string, v: string) => (!live || referred.has(name) ? `const ${v} = ` : "");
    for (const r of requests) {
        for (const [k, v] of Object.entries(r)) {
            const unset = v === "" || v === false || v === undefined || (Array.isArray(v) && v.length === 0);
            const emptyTimeouts = k === "customtimeouts" && isObj(v) && Object.values(v).every((x) => x === "");
            if (!REPLAYED.has(k) && !unset && !emptyTimeouts) {
                throw new Error(`${keyOf(r)} sets ${k}, which the bench does not write by hand: teach handProgram`);
            }
        }
    }
    for (const r of requests.filter((x) => x.rpc !== "registerResourceOutputs")) {
        const name = r.name as string;
        const v = `r${vars.size}`;
        vars.set(name, v);
        const opts: string[] = [];
        if (r.parent) opts.push(`parent: ${vars.get(lastSegment(r.parent as string))}`);
        const deps = (r.dependenciesList as string[]).map((u) => vars.get(lastSegment(u)));
        if (deps.length) opts.push(`dependsOn: [${deps.join(", ")}]`);
        if (r.retainondelete) opts.push("retainOnDelete: true");
        if (r.protect) opts.push("protect: true");
        if (r.deletebeforereplacedefined) opts.push(`deleteBeforeReplace: ${String(r.deletebeforereplace)}`);
        for (const [field, option] of [
            ["ignorechangesList", "ignoreChanges"],
            ["replaceonchangesList", "replaceOnChanges"],
        ]) {
            const list = r[field] as string[] | undefined;
            if (list?.length) opts.push(`${option}: ${JSON.stringify(list)}`);
        }
        const aso = extraSecretOutputs.get(name) ?? [];
        if (aso.length) opts.push(`additionalSecretOutputs: ${JSON.stringify(aso)}`);
        const o = `{ ${opts.join(", ")} }`;
        if (r.rpc === "registerResource" && !r.custom) {
            body.push(
                live
                    ? `${declare(name, v)}new Component(${JSON.stringify(r.type)}, ${nameExpr(name)}, ${o});`
                    : `const ${v} = new pulumi.ComponentResource(${JSON.stringify(r.type)}, ${nameExpr(name)}, {}, ${o});`,
            );
            continue;
        }
        const c = classFor(r.type as string, packages);
        if (r.rpc === "readResource") {
            if (c.crd) {
                const [, apiVersion, kind] = (r.type as string).split(":");
                const crdOpts = `{ apiVersion: ${JSON.stringify(apiVersion)}, kind: ${JSON.stringify(kind)}, id: ${JSON.stringify(r.id)}, ${opts.join(", ")} }`;
                body.push(`${declare(name, v)}${c.expr}.get(${nameExpr(name)}, ${crdOpts});`);
            } else {
                body.push(`${declare(name, v)}${c.expr}.get(${nameExpr(name)}, ${literal(r.id, name0)}, ${o});`);
            }
            continue;
        }
        body.push(`${declare(name, v)}new ${c.expr}(${nameExpr(name)}, ${literal(r.object, name0)}, ${o});`);
    }
    for (const r of requests.filter((x) => x.rpc === "registerResourceOutputs")) {
        const method = live ? "done" : "registerOutputs";
        body.push(`${vars.get(lastSegment(r.urn as string))}.${method}(${literal(r.outputs, name0)});`);
    }
    if (live) {
        return [
            "// Generated by scripts/bench.ts from what the component registered: the program a user would",
            "// write by hand to register the same resources with the same inputs and options.",
            'import * as pulumi from "@pulumi/pulumi";',
            ...[...packages].map(([local, module]) => `import * as ${local} from ${JSON.stringify(module)};`),
            "",
            "class Component extends pulumi.ComponentResource {",
            "    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {",
            "        super(type, name, {}, opts);",
            "    }",
            "    done(outputs: pulumi.Inputs): void {",
            "        this.registerOutputs(outputs);",
            "    }",
            "}",
            "",
            "function cluster(name: string): void {",
            ...body.map((l) => `    ${l}`),
            "}",
            "",
            `cluster(${JSON.stringify(live.name)});`,
            "",
        ].join("\n");
    }
    return [
        "// Generated by scripts/bench.ts from what the component registered: the program a user would",
        "// write by hand to register the same resources with the same inputs and options.",
        '"use strict";',
        'const pulumi = require("@pulumi/pulumi");',
        ...[...packages].map(([local, module]) => `const ${local} = require(${JSON.stringify(module)});`),
        'require("./bench-engine").startEngine();',
        "",
        "function cluster(name) {",
        ...body.map((l) => `    ${l}`),
        "}",
        "",
        'const clusters = Number(process.argv[2] ?? "1");',
        `for (let i = 0; i < clusters; i++) cluster(${JSON.stringify(name0.replace(/0$/, ""))} + i);`,
        "",
    ].join("\n");
}

/** What the component asked for on top of what the class asks for by itself (which comes last). */
function extraSecretOutputs(component: Request[], bare: Request[]): Map<string, string[]> {
    const mine = new Map(bare.map((r) => [keyOf(r), (r.additionalsecretoutputsList as string[] | undefined) ?? []]));
    const extra = new Map<string, string[]>();
    for (const r of component) {
        const want = (r.additionalsecretoutputsList as string[] | undefined) ?? [];
        const own = mine.get(keyOf(r)) ?? [];
        const head = want.slice(0, want.length - own.length);
        if (canonical(want.slice(head.length)) !== canonical(own)) {
            throw new Error(`${keyOf(r)}: additionalSecretOutputs ${want.join(",")} do not end with the class's own`);
        }
        if (head.length) extra.set(r.name as string, head);
    }
    return extra;
}

/** A cluster's requests to the engine, and what its hand-written program needs on top of them. */
export interface Recording {
    requests: Request[];
    extraSecretOutputs: Map<string, string[]>;
}

/**
 * Builds bench-out/hand-<scenario>.js and checks it against the component at 2 clusters; returns
 * the one-cluster recording it was written from.
 */
export async function writeHand(setupFile: string, out: string): Promise<Recording> {
    const component = path.join(OUT, "bench-engine.js");
    const one = await record(component, 1, setupFile);
    // First without extra secret outputs: what the SDK classes ask for by themselves.
    fs.writeFileSync(out, handProgram(one, clusterName(0), new Map()));
    const bare = await record(out, 1, setupFile);
    const extra = extraSecretOutputs(one, bare);
    fs.writeFileSync(out, handProgram(one, clusterName(0), extra));
    // Two clusters: the first as recorded, the second through the loop's other name. A hand-written
    // program passes literals, so no input of it depends on another resource.
    const [want, got] = await Promise.all([record(component, 2, setupFile), record(out, 2, setupFile)]);
    const diff = differences(want, got, ["propertydependenciesMap"]);
    if (diff.length) {
        throw new Error(`the hand-written program does not register what the component does:\n${diff.join("\n")}`);
    }
    return { requests: one, extraSecretOutputs: extra };
}

// ---------------------------------------------------------------------------------------------
// Scenarios and the plan

/** Every Secret a run wrote, by `namespace/name`, as a read of it returns it. */
function secretsWritten(requests: Request[]): Record<string, Obj> {
    const out: Record<string, Obj> = {};
    for (const r of requests.filter(
        (x) => x.rpc === "registerResource" && x.type === "kubernetes:core/v1:SecretPatch",
    )) {
        const o = unwrapSecrets(r.object) as { metadata: { name: string; namespace: string }; data: Obj };
        out[`${o.metadata.namespace}/${o.metadata.name}`] = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: o.metadata,
            data: o.data,
        };
    }
    return out;
}

/**
 * A copy of the checkout's tracked files whose stack directory holds `n` stacks, copies of the
 * project's own in turn, for `npm run plan -- --all`; its node_modules is the checkout's.
 */
function fleet(n: number): string {
    const dir = path.join(OUT, "fleet");
    const tracked = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    if (tracked.status !== 0) throw new Error("plan --all: git ls-files failed; run the bench in a git checkout");
    const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { stackConfigDir?: string };
    const stackDir = project.stackConfigDir ?? ".";
    const isStack = (f: string) =>
        path.dirname(f) === path.normalize(stackDir) && /^Pulumi\..+\.yaml$/.test(path.basename(f));
    const files = tracked.stdout.split("\0").filter(Boolean);
    const stacks = files.filter(isStack).sort();
    if (stacks.length === 0) throw new Error(`plan --all: no stack files in ${stackDir}`);
    for (const f of files.filter((x) => !isStack(x) && fs.existsSync(path.join(ROOT, x)))) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    }
    fs.mkdirSync(path.join(dir, stackDir), { recursive: true });
    for (let i = 0; i < n; i++) {
        const from = stacks[i % stacks.length];
        fs.copyFileSync(
            path.join(ROOT, from),
            path.join(dir, stackDir, `Pulumi.bench-${String(i).padStart(3, "0")}.yaml`),
        );
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

/** The sample StorageCluster with `n` user env entries on top of its own. */
function liveWithEnv(sample: Obj, n: number): Obj {
    const live = structuredClone(sample) as { spec: { env?: unknown[] } };
    const env = live.spec.env ?? [];
    for (let i = 0; env.length < n; i++) env.push({ name: `USER_SETTING_${i}`, value: `value-${i}` });
    live.spec.env = env;
    return live;
}

// ---------------------------------------------------------------------------------------------
// Statistics and the report

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (xs: number[]) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
type Summary = ReturnType<typeof summary>;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

interface Cell {
    component: Sample[];
    hand: Sample[];
}

interface SizeResult {
    clusters: number;
    componentMs: Summary;
    handMs: Summary;
    /** Component / hand-written wall time, one per pair. */
    ratio: Summary;
    /** The same for CPU time (user + system), less sensitive to other work on the machine. */
    cpuRatio: Summary;
    componentMiB: number;
    handMiB: number;
}

function sizeResult(clusters: number, c: Cell): SizeResult {
    const pairs = c.component.map((x, i) => ({ a: x, b: c.hand[i] }));
    return {
        clusters,
        componentMs: summary(c.component.map((x) => x.ms)),
        handMs: summary(c.hand.map((x) => x.ms)),
        ratio: summary(pairs.map((p) => p.a.ms / p.b.ms)),
        cpuRatio: summary(pairs.map((p) => p.a.cpuMs / p.b.cpuMs)),
        componentMiB: median(c.component.map((x) => x.rssKiB)) / 1024,
        handMiB: median(c.hand.map((x) => x.rssKiB)) / 1024,
    };
}

function scenarioResult(cells: Map<number, Cell>) {
    const sizes = SIZES.map((n) => sizeResult(n, cells.get(n) as Cell));
    const first = sizes[0];
    const last = sizes[sizes.length - 1];
    const span = last.clusters - first.clusters;
    const per = (f: (s: SizeResult) => number) => (f(last) - f(first)) / span;
    const marginalMsComponent = per((s) => s.componentMs.median);
    const marginalMsHand = per((s) => s.handMs.median);
    const marginalMiBComponent = per((s) => s.componentMiB);
    const marginalMiBHand = per((s) => s.handMiB);
    return {
        sizes,
        marginalMsComponent,
        marginalMsHand,
        marginalMiBComponent,
        marginalMiBHand,
    };
}

const ms = (x: number) => x.toFixed(0).padStart(6);
const triple = (s: Summary, f: (x: number) => string) => `${f(s.min)} ${f(s.median)} ${f(s.max)}`;

function table(name: string, r: ReturnType<typeof scenarioResult>): string {
    const rows = [
        `scenario ${name}: wall ms (min median max), ratios component / hand-written per pair (min median max)`,
        "clusters |  component ms min/med/max |       hand ms min/med/max |  wall ratio min/med/max |   cpu ratio min/med/max | MiB comp | MiB hand",
        ...r.sizes.map(
            (s) =>
                `${String(s.clusters).padStart(8)} | ${triple(s.componentMs, ms).padStart(25)} | ${triple(s.handMs, ms).padStart(25)} | ${triple(s.ratio, (x) => x.toFixed(2).padStart(6)).padStart(23)} | ${triple(s.cpuRatio, (x) => x.toFixed(2).padStart(6)).padStart(23)} | ${s.componentMiB.toFixed(0).padStart(8)} | ${s.handMiB.toFixed(0).padStart(8)}`,
        ),
        `per cluster (${SIZES[0]} to ${SIZES[SIZES.length - 1]}, medians): component ${r.marginalMsComponent.toFixed(1)} ms, ${r.marginalMiBComponent.toFixed(2)} MiB; hand-written ${r.marginalMsHand.toFixed(1)} ms, ${r.marginalMiBHand.toFixed(2)} MiB; ratio ${(r.marginalMsComponent / r.marginalMsHand).toFixed(2)} (time), ${(r.marginalMiBComponent / r.marginalMiBHand).toFixed(2)} (memory)`,
    ];
    return rows.join("\n");
}

// ---------------------------------------------------------------------------------------------

function build(): void {
    const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
    if (r.status !== 0) throw new Error("npm run build failed");
}

function transpile(src: string, out: string): void {
    const js = ts.transpileModule(fs.readFileSync(src, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.writeFileSync(out, js);
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            quick: { type: "boolean", default: false },
            json: { type: "boolean", default: false },
            stack: { type: "string", default: "dev" },
            rounds: { type: "string" },
            live: { type: "boolean", default: false },
        },
    });
    const quick = values.quick === true;
    // Five quick rounds: with three, one noisy pair moved the 100-cluster median by 0.1 on an idle machine.
    const rounds = Number(values.rounds ?? (quick ? 5 : 10));
    if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds: a whole number of at least 1");
    const say = (s: string) => process.stderr.write(`${s}\n`);
    const started = performance.now();
    const loadBefore = os.loadavg();

    say("bench: building dist/ (npm run build)");
    build();
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(OUT, { recursive: true });
    transpile(path.join(__dirname, "bench-engine.ts"), path.join(OUT, "bench-engine.js"));

    const stack = values.stack as string;
    const config = stackConfig(stack).values;
    const readYaml = (p: string) => YAML.parse(fs.readFileSync(path.join(ROOT, p), "utf8")) as Obj;
    const sample = readYaml("examples/storagecluster.yaml");
    const base: Setup = {
        live: sample,
        stork: readYaml("test/fixtures/stork-deployment.yaml"),
        reads: {},
        config,
        root: ROOT,
    };
    const writeSetup = (name: string, s: Setup) => {
        const f = path.join(OUT, `setup-${name}.json`);
        fs.writeFileSync(f, JSON.stringify(s));
        return f;
    };
    say(`bench: recording the component (stack ${stack}) and generating the hand-written program`);
    const firstSetup = writeSetup("first", base);
    await writeHand(firstSetup, path.join(OUT, "hand-first.js"));
    const files = [{ name: "first", setup: firstSetup, hand: path.join(OUT, "hand-first.js") }];
    if (!quick) {
        // The cluster as the first run left it: its patch applied, its Secrets written.
        const firstRun = await record(path.join(OUT, "bench-engine.js"), 1, firstSetup);
        const recorded = firstRun
            .filter((r) => r.rpc === "registerResource")
            .map((r) => ({ type: r.type as string, name: r.name as string, inputs: r.object as Obj }));
        const again: Setup = { ...base, live: clusterAfter(recorded, sample), reads: secretsWritten(firstRun) };
        const setup = writeSetup("again", again);
        await writeHand(setup, path.join(OUT, "hand-again.js"));
        files.push({ name: "again", setup, hand: path.join(OUT, "hand-again.js") });
    }

    const livePaths = new Map<number, string>();
    for (const n of PLAN_SIZES) {
        const p = path.join(OUT, `live-${n}.yaml`);
        fs.writeFileSync(p, YAML.stringify(liveWithEnv(sample, n)));
        livePaths.set(n, p);
    }
    const tsx = require.resolve("tsx/cli", { paths: [ROOT] });
    const planRun = (n: number) =>
        run(tsx, [path.join(ROOT, "cli", "plan.ts"), "--stack", stack, "--live", livePaths.get(n) as string]);
    const fleetPlan = path.join(fleet(FLEET), "cli", "plan.ts");
    const planAll: Sample[] = [];

    const cells = new Map(
        files.map((f) => [f.name, new Map(SIZES.map((n) => [n, { component: [], hand: [] } as Cell]))]),
    );
    const plans = new Map<number, Sample[]>(PLAN_SIZES.map((n) => [n, []]));
    const component = path.join(OUT, "bench-engine.js");
    for (let r = 0; r < rounds; r++) {
        say(`bench: round ${r + 1} of ${rounds}`);
        // Interleaved: each round visits every size, starting at a different one; the pair's order alternates.
        for (let k = 0; k < SIZES.length; k++) {
            const n = SIZES[(k + r) % SIZES.length];
            for (const f of files) {
                const env = { BENCH_SETUP: f.setup };
                const cell = cells.get(f.name)?.get(n) as Cell;
                if (r % 2 === 0) {
                    cell.component.push(await run(component, [String(n)], env));
                    cell.hand.push(await run(f.hand, [String(n)], env));
                } else {
                    cell.hand.push(await run(f.hand, [String(n)], env));
                    cell.component.push(await run(component, [String(n)], env));
                }
            }
            const p = PLAN_SIZES[(k + r) % PLAN_SIZES.length];
            plans.get(p)?.push(await planRun(p));
        }
        planAll.push(await run(tsx, [fleetPlan, "--all"]));
    }
    // A copy of the checkout: nothing to keep, and linters and searches would find it.
    fs.rmSync(path.dirname(path.dirname(fleetPlan)), { recursive: true, force: true });

    const live = values.live
        ? await liveBench({
              rounds: Number(values.rounds ?? (quick ? 3 : 7)),
              stack,
              say,
              writeSetup,
              recordHand: writeHand,
              handTs: (requests, extra, name) => handProgram(requests, clusterName(0), extra, { name }),
              out: OUT,
          })
        : undefined;

    const results = Object.fromEntries(
        files.map((f) => [f.name, scenarioResult(cells.get(f.name) as Map<number, Cell>)]),
    );
    const first = results.first;
    const planMs = Object.fromEntries(PLAN_SIZES.map((n) => [n, summary((plans.get(n) as Sample[]).map((s) => s.ms))]));
    const cpu = os.cpus();
    const machine = {
        cpus: cpu.length,
        model: cpu[0]?.model ?? "unknown",
        memoryGiB: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.type()} ${os.release()}`,
        loadAverageBefore: loadBefore.map((x) => round(x, 2)),
        loadAverageAfter: os.loadavg().map((x) => round(x, 2)),
    };
    const at = (n: number) => first.sizes.find((s) => s.clusters === n) as SizeResult;
    const json = {
        ratio1: round(at(1).ratio.median),
        ratio10: round(at(10).ratio.median),
        ratio100: round(at(100).ratio.median),
        // The spread over the rounds, and CPU time (less sensitive to other work on the machine).
        ratio100Range: [round(at(100).ratio.min), round(at(100).ratio.max)],
        cpuRatio1: round(at(1).cpuRatio.median),
        cpuRatio100: round(at(100).cpuRatio.median),
        cpuRatio100Range: [round(at(100).cpuRatio.min), round(at(100).cpuRatio.max)],
        marginalMsComponent: round(first.marginalMsComponent, 2),
        marginalMsHand: round(first.marginalMsHand, 2),
        marginalMiBComponent: round(first.marginalMiBComponent, 3),
        marginalMiBHand: round(first.marginalMiBHand, 3),
        memoryRatio: round(first.marginalMiBComponent / first.marginalMiBHand),
        planMs10: round(planMs[10].median, 0),
        planMs1000: round(planMs[1000].median, 0),
        planMs10000: round(planMs[10000].median, 0),
        planAllMs100: round(median(planAll.map((x) => x.ms)), 0),
        stack,
        quick,
        rounds,
        seconds: round((performance.now() - started) / 1000, 1),
        machine,
        scenarios: results,
        plan: { ...planMs, all100: summary(planAll.map((x) => x.ms)) },
        ...(live ? { live } : {}),
    };
    if (values.json) {
        process.stdout.write(`${JSON.stringify(json)}\n`);
        return;
    }
    const lines = [
        `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverageBefore.join(" ")} before, ${machine.loadAverageAfter.join(" ")} after`,
        `stack ${stack}, ${rounds} rounds, plain Node on dist/, Pulumi's mock engine`,
        "",
        ...files.map((f) => `${table(f.name, results[f.name])}\n`),
        "npm run plan, wall ms (min median max):",
        ...PLAN_SIZES.map((n) => `${String(n).padStart(6)} user env entries: ${triple(planMs[n], ms)}`),
        `npm run plan -- --all, ${FLEET} stacks: ${triple(json.plan.all100, ms)}`,
        "",
        ...(live ? [liveTable(live), ""] : []),
        `ratio1 ${json.ratio1}, ratio100 ${json.ratio100} (${json.ratio100Range.join(" to ")}), cpu ratio100 ${json.cpuRatio100} (${json.cpuRatio100Range.join(" to ")})${live ? `, live preview ${live.previewRatio}, up ${live.upRatio}, no-change preview ${live.noChangePreviewRatio}` : ""}, ${json.seconds} s in all`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
}

if (require.main === module) {
    runCommand(async () => {
        try {
            await main();
            return 0;
        } catch (e) {
            process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
            return 1;
        }
    });
}
