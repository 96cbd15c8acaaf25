/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// `npm run bench -- --live`: the component's program and the hand-written program generated from
// the same recording, run by the real Pulumi CLI with the Kubernetes provider against the live
// suite's kube-apiserver (test/live: its cluster, objects and Pulumi helpers). Per round, for each
// program in turn (the order alternates): a fresh StorageCluster and stack, `pulumi preview`,
// `pulumi up --skip-preview`, then a `pulumi preview --expect-no-changes` (a pull request's case).
// Beside them: a program that only reads the StorageCluster with the same provider (the floor), an
// empty program (the CLI and Node.js host alone) and `pulumi version` (the CLI alone). Requests are
// counted from kube-apiserver's audit log, by the provider's user agent.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as YAML from "yaml";
import { liveToolsPath, startCluster, type Cluster, type Kube } from "../test/live/cluster";
import { scPath } from "../test/live/expect";
import { createNamespace, createStorageCluster, installStorageClusterCrd, liveOf } from "../test/live/objects";
import { removeTemp, tempDir } from "../test/live/procs";
import { Project, type StackConfig } from "../test/live/pulumi";
import { stackConfig } from "../cli/plan";
import type { Request, Setup } from "./bench-engine";

const ROOT = path.resolve(__dirname, "..");
/** The released operator's CRD, as most clusters run it. */
const CRD = "storagecluster-crd-operator-26.2.1.yaml";
/** index.ts's name for its component: the hand-written program takes the same. */
const COMPONENT_NAME = "portworx-auth";
/** The user agent of every request the Kubernetes provider sends (`pulumi-kubernetes/4.25.0 (linux/amd64) client-go/...`). */
const PROVIDER_AGENT = "pulumi-kubernetes/";

type Obj = Record<string, unknown>;

export interface LiveContext {
    rounds: number;
    /** The stack whose config the component runs with (its kubernetes:context dropped). */
    stack: string;
    say: (s: string) => void;
    /** Writes a mock-engine setup and returns its file. */
    writeSetup: (name: string, s: Setup) => string;
    /** Records the component under the mock engine with a setup and writes its hand-written program (JS). */
    recordHand: (
        setupFile: string,
        out: string,
    ) => Promise<{ requests: Request[]; extraSecretOutputs: Map<string, string[]> }>;
    /** The hand-written program as a TypeScript project's program. */
    handTs: (requests: Request[], extraSecretOutputs: Map<string, string[]>, name: string) => string;
    out: string;
}

/** What kube-apiserver saw of one run, from the provider. */
export interface Requests {
    total: number;
    /** Non-resource paths: /api, /apis, /openapi/..., /version. */
    discovery: number;
    /** get, list, watch of objects. */
    reads: number;
    /** create, update, patch, delete. */
    writes: number;
    /** `verb resource` (or `verb path`) and how many. */
    byKind: Record<string, number>;
}

interface Run {
    ms: number;
    requests: Requests;
    /** From the command's start to the provider's first request: CLI, program and plugin start. */
    toFirstMs: number;
    /** From the first request's start to the last request's end. */
    apiMs: number;
    /** From the last request's end to the command's exit: engine, state, plugin shutdown. */
    afterLastMs: number;
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = (xs: number[]) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
const r0 = (x: number) => Math.round(x);
const r3 = (x: number) => Number(x.toFixed(3));

/** The audit log's events from `offset` on, and the new offset. */
function auditSince(file: string, offset: number): { events: any[]; offset: number } {
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size <= offset) return { events: [], offset };
    const fd = fs.openSync(file, "r");
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    const text = buf.toString("utf8");
    // Only whole lines: a line being written is read next time.
    const end = text.lastIndexOf("\n") + 1;
    const events = text
        .slice(0, end)
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    return { events, offset: offset + Buffer.byteLength(text.slice(0, end)) };
}

export function countRequests(events: any[]): Requests {
    const out: Requests = { total: 0, discovery: 0, reads: 0, writes: 0, byKind: {} };
    for (const e of events) {
        out.total++;
        const ref = e.objectRef;
        if (!ref?.resource) {
            out.discovery++;
            // /openapi/v3/apis/apps/v1?hash=...: the path's first two segments say enough.
            const p = String(e.requestURI).split("?")[0].split("/").slice(0, 3).join("/");
            out.byKind[`${e.verb} ${p}`] = (out.byKind[`${e.verb} ${p}`] ?? 0) + 1;
            continue;
        }
        if (["get", "list", "watch"].includes(e.verb)) out.reads++;
        else out.writes++;
        const k = `${e.verb} ${ref.resource}${ref.subresource ? `/${ref.subresource}` : ""}`;
        out.byKind[k] = (out.byKind[k] ?? 0) + 1;
    }
    return out;
}

/** A Pulumi.yaml for a program of the bench's own. */
const projectYaml = (name: string, main: string) =>
    YAML.stringify({
        name,
        runtime: { name: "nodejs", options: { packagemanager: "npm" } },
        main,
        stackConfigDir: "stacks",
    });

const FLOOR_PROGRAM = (
    id: string,
) => `// The floor: only the read every program of this project starts with, with the same provider.
import * as k8s from "@pulumi/kubernetes";

k8s.apiextensions.CustomResource.get("storagecluster", {
    apiVersion: "core.libopenstorage.org/v1",
    kind: "StorageCluster",
    id: ${JSON.stringify(id)},
});
`;
const EMPTY_PROGRAM = `// Nothing: the Pulumi CLI, its Node.js host and the SDK alone.
import * as pulumi from "@pulumi/pulumi";

export const project = pulumi.getProject();
`;

function stackFileConfig(stack: string): StackConfig {
    const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    const config = { ...((YAML.parse(fs.readFileSync(file, "utf8")) as { config?: StackConfig }).config ?? {}) };
    // The bench's kubeconfig has one context, the current one.
    delete config["kubernetes:context"];
    return config;
}

/** The objects a first run of the recording writes, as API paths to delete between runs. */
function writtenPaths(requests: Request[]): string[] {
    const paths: string[] = [];
    for (const r of requests.filter((x) => x.rpc === "registerResource" && x.custom)) {
        const type = r.type as string;
        const md = (r.object as { metadata?: { name?: string; namespace?: string } } | undefined)?.metadata;
        if (type === "kubernetes:core/v1:SecretPatch") {
            paths.push(`/api/v1/namespaces/${md?.namespace}/secrets/${md?.name}`);
        } else if (type === "kubernetes:core/v1:ConfigMapPatch") {
            paths.push(`/api/v1/namespaces/${md?.namespace}/configmaps/${md?.name}`);
        } else if (
            type.startsWith("random:") ||
            type.startsWith("kubernetes:core.libopenstorage.org/v1:StorageCluster")
        ) {
            // Random bytes live in state only; the StorageCluster is made anew.
        } else {
            throw new Error(
                `the live bench cannot undo a ${type} between runs: teach writtenPaths in scripts/bench-live.ts`,
            );
        }
    }
    return paths;
}

export async function liveBench(ctx: LiveContext) {
    const { say } = ctx;
    const started = performance.now();
    const loadBefore = os.loadavg();
    let tools: string;
    try {
        tools = liveToolsPath();
    } catch {
        throw new Error("--live needs the live suite's tools: run `npm run live-tools` first (see README, Live suite)");
    }
    const config = stackFileConfig(ctx.stack);
    const ns = String(config["portworx-auth:namespace"] ?? "portworx");
    const scName = String(config["portworx-auth:storageClusterName"]);
    if ((config["portworx-auth:storkMode"] ?? "operator") === "deployment") {
        throw new Error(
            `--live: stack ${ctx.stack} wires a Stork Deployment; the live bench runs operator-run Stork only`,
        );
    }

    const home = tempDir("portworx-auth-bench-");
    const auditLog = path.join(home, "audit.log");
    let cluster: Cluster | undefined;
    try {
        say("bench --live: starting etcd, kube-apiserver and kube-controller-manager");
        cluster = await startCluster(home, tools, { auditLog });
        const kube: Kube = cluster.kube;
        await installStorageClusterCrd(kube, CRD);
        await createNamespace(kube, ns);
        const reset = async (deletes: string[]) => {
            for (const p of [scPath(ns, scName), ...deletes]) {
                const r = await kube.request("DELETE", p);
                if (r.status !== 200 && r.status !== 202 && r.status !== 404) {
                    throw new Error(`DELETE ${p}: ${r.status} ${JSON.stringify(r.body)}`);
                }
            }
            // Without the operator's finalizer, so that the delete above is immediate.
            await createStorageCluster(kube, ns, scName, { stork: true, finalizer: false });
        };
        await reset([]);

        // The hand-written program, from the component's recording against this very StorageCluster.
        const setupOf = async (name: string, withSecrets: boolean) => {
            const reads: Record<string, Obj> = {};
            if (withSecrets) {
                for (const s of (await kube.get(`/api/v1/namespaces/${ns}/secrets`)).items as any[]) {
                    reads[`${ns}/${s.metadata.name}`] = { apiVersion: "v1", kind: "Secret", ...s };
                }
            }
            const setup: Setup = {
                live: liveOf(await kube.get(scPath(ns, scName))),
                stork: {},
                reads,
                config: stackConfig(ctx.stack).values,
                root: ROOT,
            };
            return ctx.writeSetup(name, setup);
        };
        say("bench --live: recording the component against the live StorageCluster; generating hand-first.ts");
        const first = await ctx.recordHand(
            await setupOf("live-first", false),
            path.join(ctx.out, "hand-live-first.js"),
        );
        const handFirst = ctx.handTs(first.requests, first.extraSecretOutputs, COMPONENT_NAME);
        // Kept in bench-out/ to read.
        fs.writeFileSync(path.join(ctx.out, "hand-first.ts"), handFirst);
        const deletes = writtenPaths(first.requests);

        const kubeconfig = cluster.kubeconfig;
        const component = await Project.create(home, tools, kubeconfig, { dir: "component" });
        const hand = await Project.create(home, tools, kubeconfig, {
            dir: "hand",
            files: { "Pulumi.yaml": projectYaml("portworx-auth-hand", "hand-first.ts"), "hand-first.ts": handFirst },
        });
        const floor = await Project.create(home, tools, kubeconfig, {
            dir: "floor",
            files: {
                "Pulumi.yaml": projectYaml("portworx-auth-floor", "floor.ts"),
                "floor.ts": FLOOR_PROGRAM(`${ns}/${scName}`),
            },
        });
        const empty = await Project.create(home, tools, kubeconfig, {
            dir: "empty",
            files: { "Pulumi.yaml": projectYaml("portworx-auth-empty", "empty.ts"), "empty.ts": EMPTY_PROGRAM },
        });
        const handMain = (main: string) =>
            fs.writeFileSync(path.join(hand.dir, "Pulumi.yaml"), projectYaml("portworx-auth-hand", main));
        const pulumiVersion = (await component.must(["version"])).stdout.trim();

        let offset = 0;
        /** Runs `pulumi <args>` in a project, timed as a whole, with the provider's requests it caused. */
        const timed = async (p: Project, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> => {
            offset = auditSince(auditLog, offset).offset;
            const wall0 = Date.now();
            const t0 = performance.now();
            const r = await p.pulumi(args, 600_000, env);
            const ms = performance.now() - t0;
            if (r.code !== 0) {
                throw new Error(
                    `pulumi ${args.join(" ")} (${path.basename(p.dir)}) exited ${r.code}\n${r.stdout}\n${r.stderr}`,
                );
            }
            // The last request's event is written as it ends; give the server a moment to have written it.
            await new Promise((res) => setTimeout(res, 300));
            const got = auditSince(auditLog, offset);
            offset = got.offset;
            const mine = got.events.filter((e) => String(e.userAgent ?? "").startsWith(PROVIDER_AGENT));
            const starts = mine.map((e) => Date.parse(e.requestReceivedTimestamp));
            const ends = mine.map((e) => Date.parse(e.stageTimestamp));
            const firstStart = mine.length ? Math.min(...starts) : NaN;
            const lastEnd = mine.length ? Math.max(...ends) : NaN;
            return {
                ms,
                requests: countRequests(mine),
                toFirstMs: firstStart - wall0,
                apiMs: lastEnd - firstStart,
                afterLastMs: wall0 + ms - lastEnd,
            };
        };

        type Step = "preview" | "up" | "noChangePreview" | "noChangePreviewColdCache";
        const STEPS: Step[] = ["preview", "up", "noChangePreview", "noChangePreviewColdCache"];
        const steps0 = () => ({
            preview: [] as Run[],
            up: [] as Run[],
            noChangePreview: [] as Run[],
            noChangePreviewColdCache: [] as Run[],
        });
        const runs = { component: steps0(), hand: steps0() };
        const floorRuns = { preview: [] as Run[], up: [] as Run[], previewColdCache: [] as Run[] };
        const emptyRuns: Run[] = [];
        const versionMs: number[] = [];
        let handAgain = false;

        /** One program's sequence on a fresh StorageCluster and stack. */
        const sequence = async (which: "component" | "hand", stack: string, keep: boolean) => {
            const p = which === "component" ? component : hand;
            await reset(deletes);
            await p.initStack(stack, which === "component" ? config : {});
            const preview = await timed(p, ["preview", "--stack", stack]);
            const up = await timed(p, ["up", "--yes", "--skip-preview", "--stack", stack]);
            if (which === "hand" && !handAgain) {
                // The same program as the component's second run registers it: keys read back from
                // the cluster the first run left (the hand-written literals), and those reads.
                say("bench --live: recording the component's second run; generating hand-again.ts");
                const again = await ctx.recordHand(
                    await setupOf("live-again", true),
                    path.join(ctx.out, "hand-live-again.js"),
                );
                const text = ctx.handTs(again.requests, again.extraSecretOutputs, COMPONENT_NAME);
                fs.writeFileSync(path.join(hand.dir, "hand-again.ts"), text);
                fs.writeFileSync(path.join(ctx.out, "hand-again.ts"), text);
                handAgain = true;
            }
            if (which === "hand") handMain("hand-again.ts");
            const noChange = await timed(p, ["preview", "--expect-no-changes", "--stack", stack]);
            // As on a fresh CI runner: the Pulumi SDK's ts-node (7.0.1, type-checking) caches what it
            // compiled in the temp dir, and a fresh runner has none of it.
            const cold = await timed(p, ["preview", "--expect-no-changes", "--stack", stack], {
                TS_NODE_CACHE: "false",
            });
            if (which === "hand") handMain("hand-first.ts");
            await p.must(["stack", "rm", "--force", "--yes", "--stack", stack]);
            if (keep) {
                runs[which].preview.push(preview);
                runs[which].up.push(up);
                runs[which].noChangePreview.push(noChange);
                runs[which].noChangePreviewColdCache.push(cold);
            }
        };

        await floor.initStack("floor", {});
        await empty.initStack("empty", {});
        // Round 0 warms caches (ts-node's, the page cache) and is not kept.
        for (let r = 0; r <= ctx.rounds; r++) {
            const keep = r > 0;
            say(keep ? `bench --live: round ${r} of ${ctx.rounds}` : "bench --live: warm-up round (not counted)");
            const order: ("component" | "hand")[] = r % 2 === 0 ? ["component", "hand"] : ["hand", "component"];
            for (const which of order) await sequence(which, `${which}-${r}`, keep);
            const fp = await timed(floor, ["preview", "--stack", "floor"]);
            const fu = await timed(floor, ["up", "--yes", "--skip-preview", "--stack", "floor"]);
            const fc = await timed(floor, ["preview", "--stack", "floor"], { TS_NODE_CACHE: "false" });
            const e = await timed(empty, ["preview", "--stack", "empty"]);
            const t0 = performance.now();
            await component.must(["version"]);
            const v = performance.now() - t0;
            if (keep) {
                floorRuns.preview.push(fp);
                floorRuns.up.push(fu);
                floorRuns.previewColdCache.push(fc);
                emptyRuns.push(e);
                versionMs.push(v);
            }
        }

        const stepResult = (step: Step) => {
            const c = runs.component[step];
            const h = runs.hand[step];
            const f =
                step === "up"
                    ? floorRuns.up
                    : step === "noChangePreviewColdCache"
                      ? floorRuns.previewColdCache
                      : floorRuns.preview;
            const phases = (rs: Run[]) => ({
                toFirstRequestMs: r0(median(rs.map((x) => x.toFirstMs))),
                requestsMs: r0(median(rs.map((x) => x.apiMs))),
                afterLastRequestMs: r0(median(rs.map((x) => x.afterLastMs))),
            });
            const reqs = (rs: Run[]) => ({
                ...rs[rs.length - 1].requests,
                medianTotal: median(rs.map((x) => x.requests.total)),
            });
            return {
                componentMs: summary(c.map((x) => r0(x.ms))),
                handMs: summary(h.map((x) => r0(x.ms))),
                floorMs: summary(f.map((x) => r0(x.ms))),
                ratio: summary(c.map((x, i) => r3(x.ms / h[i].ms))),
                requests: { component: reqs(c), hand: reqs(h), floor: reqs(f) },
                phases: { component: phases(c), hand: phases(h), floor: phases(f) },
            };
        };
        const steps = Object.fromEntries(STEPS.map((s) => [s, stepResult(s)])) as Record<
            Step,
            ReturnType<typeof stepResult>
        >;
        const count = (s: Step) => ({
            component: steps[s].requests.component.medianTotal,
            hand: steps[s].requests.hand.medianTotal,
            floor: steps[s].requests.floor.medianTotal,
        });
        return {
            previewRatio: r3(steps.preview.ratio.median),
            upRatio: r3(steps.up.ratio.median),
            noChangePreviewRatio: r3(steps.noChangePreview.ratio.median),
            noChangePreviewColdCacheRatio: r3(steps.noChangePreviewColdCache.ratio.median),
            requests: { preview: count("preview"), up: count("up"), noChangePreview: count("noChangePreview") },
            floorMs: {
                preview: steps.preview.floorMs.median,
                up: steps.up.floorMs.median,
                previewColdCache: steps.noChangePreviewColdCache.floorMs.median,
            },
            emptyPreviewMs: r0(median(emptyRuns.map((x) => x.ms))),
            cliVersionMs: r0(median(versionMs)),
            rounds: ctx.rounds,
            versions: { ...cluster.versions, pulumi: pulumiVersion },
            stack: ctx.stack,
            loadAverageBefore: loadBefore.map((x) => Number(x.toFixed(2))),
            loadAverageAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
            seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
            steps,
        };
    } finally {
        await cluster?.stop();
        removeTemp(home);
    }
}

export type LiveResult = Awaited<ReturnType<typeof liveBench>>;

/** The live part of the bench's text report. */
export function liveTable(l: LiveResult): string {
    const t = (s: { min: number; median: number; max: number }) => `${s.min} ${s.median} ${s.max}`.padStart(18);
    const rows = [
        `live: pulumi ${l.versions.pulumi}, kube-apiserver ${l.versions.kubernetes}, etcd ${l.versions.etcd}; ${l.rounds} rounds, load average ${l.loadAverageBefore.join(" ")} before, ${l.loadAverageAfter.join(" ")} after`,
        `${"step".padEnd(24)} |  component ms min/med/max |  hand ms min/med/max | ratio med | floor ms med | API requests component / hand / floor`,
    ];
    for (const [name, s] of Object.entries(l.steps)) {
        rows.push(
            `${name.padEnd(24)} | ${t(s.componentMs).padStart(25)} | ${t(s.handMs).padStart(20)} | ${s.ratio.median.toFixed(2).padStart(9)} | ${String(s.floorMs.median).padStart(12)} | ${s.requests.component.medianTotal} / ${s.requests.hand.medianTotal} / ${s.requests.floor.medianTotal}`,
        );
    }
    rows.push(`empty program preview ${l.emptyPreviewMs} ms; pulumi version ${l.cliVersionMs} ms`);
    for (const [name, s] of Object.entries(l.steps)) {
        for (const who of ["component", "hand", "floor"] as const) {
            const ph = s.phases[who];
            const rq = s.requests[who];
            rows.push(
                `  ${name} ${who}: ${ph.toFirstRequestMs} ms to the first request, ${ph.requestsMs} ms of requests, ${ph.afterLastRequestMs} ms after; ${rq.discovery} discovery, ${rq.reads} reads, ${rq.writes} writes: ${Object.entries(
                    rq.byKind,
                )
                    .map(([k, n]) => `${k} ${n}`)
                    .join(", ")}`,
            );
        }
    }
    return rows.join("\n");
}
