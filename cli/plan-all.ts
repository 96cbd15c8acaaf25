// `npm run plan -- --all [--live-dir DIR] [--now TIME]`: the offline plan of every stack in the
// project's stack directory, in one process: one section per stack, as `--stack` prints it, then a
// summary table (stack, cluster, preflight verdict, what restarts, earliest token renew-by date).
//
// Live objects per stack: DIR/<stack>.yaml, the output of `kubectl get storagecluster NAME -n NS
// -o yaml` for that stack's cluster, and DIR/<stack>.stork.yaml when it exists (Stork's
// Deployment, for storkMode deployment). Without --live-dir every stack is planned against the
// sample, as `--stack` is without --live, and the report says so.
//
// Token dates are those of the tokens a `pulumi up` at --now (default: the clock) would write.
// Exit status: the worst of the stacks': 3 a bug, 2 bad config or file, 1 preflight refused a
// cluster, 0 every stack planned.
import * as fs from "node:fs";
import * as path from "node:path";
import { configNames, PROJECT } from "../components/config";
import { ConfigError } from "../components/errors";
import { isoTime, tokenTimes } from "../components/tokens";
import { listStacks, planConfig, SAMPLE_LIVE, stackConfig } from "./stack-plan";
import type { PulumiConfig } from "./stack-config";

/** Options of {@link planStacks}. */
export interface FleetOptions {
    root: string;
    /** Holds `<stack>.yaml` (and `<stack>.stork.yaml`); unset: the sample for every stack. */
    liveDir?: string;
    /** Unix seconds the token dates are computed for. */
    now: number;
}

/** One stack's outcome. */
export interface StackReport {
    stack: string;
    /** `kubernetes:context`, and the StorageCluster when the config could be read. */
    cluster: string;
    verdict: "passed" | "refused" | "bad config" | "bug";
    /** 0 planned, 1 refused, 2 bad config or file, 3 a bug. */
    code: 0 | 1 | 2 | 3;
    /** The workloads this update restarts, or "none"; "-" when there is no plan. */
    restarts: string;
    /** The earliest expiry among the tokens the update would write, and whose. */
    renewBy?: { at: string; token: string };
    /** The section: the plan as `--stack` prints it, or the error under the same title. */
    text: string;
    /** The one-line error of a stack that could not be planned. */
    error?: string;
}

/**
 * The live files of a stack under the --live-dir convention, or the sample. `config` names the
 * StorageCluster in the message when the file is missing.
 */
export function liveFiles(
    stack: string,
    root: string,
    liveDir: string | undefined,
    config: PulumiConfig,
): { live: string; storkLive?: string } {
    if (liveDir === undefined) return { live: path.join(root, SAMPLE_LIVE) };
    const live = path.join(liveDir, `${stack}.yaml`);
    if (!fs.existsSync(live)) {
        const name = config.values[`${PROJECT}:storageClusterName`] ?? "NAME";
        const namespace = config.values[`${PROJECT}:namespace`] ?? "NAMESPACE";
        throw new ConfigError(
            "--live-dir",
            `has no ${stack}.yaml for stack ${stack}`,
            `write it against that stack's cluster with kubectl get storagecluster ${name} -n ${namespace} -o yaml > ${live}, or leave --live-dir out to plan against the sample`,
        );
    }
    const stork = path.join(liveDir, `${stack}.stork.yaml`);
    return { live, ...(fs.existsSync(stork) ? { storkLive: stork } : {}) };
}

/** Plans one stack; every failure becomes its report, so the other stacks are still planned. */
async function planOne(stack: string, opts: FleetOptions): Promise<StackReport> {
    let cluster = "?";
    try {
        const config = stackConfig(stack, opts.root);
        cluster = config.values["kubernetes:context"] ?? "(the default kubeconfig context)";
        const files = liveFiles(stack, opts.root, opts.liveDir, config);
        const { text, ok, plan } = await planConfig(config, stack, files.live, opts.root, files.storkLive);
        const s = plan.settings;
        cluster = `${cluster} (${s.namespace}/${s.storageClusterName})`;
        const restarts = ok
            ? [
                  ...(plan.restarts.portworx ? ["Portworx"] : []),
                  ...(plan.restarts.stork ? ["Stork"] : []),
                  ...(plan.restarts.autopilot ? ["Autopilot"] : []),
              ].join(", ") || "none"
            : "-";
        const times = s.tokens.map((t) => tokenTimes(t, opts.now, s.tokenRenewBefore));
        const first = [...times].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
        const tokenLines = times.map(
            (t) =>
                `  ${t.name} (Secret ${t.namespace}/${t.secretName}): issued ${t.issuedAt}, renewed by a pulumi up from ${t.renewFrom}, expires ${t.expiresAt}`,
        );
        const section =
            tokenLines.length > 0
                ? `${text}\nTokens a pulumi up at ${isoTime(opts.now)} would write:\n${tokenLines.join("\n")}\n`
                : text;
        return {
            stack,
            cluster,
            verdict: ok ? "passed" : "refused",
            code: ok ? 0 : 1,
            restarts,
            ...(first ? { renewBy: { at: first.expiresAt, token: first.name } } : {}),
            text: section,
        };
    } catch (e) {
        const failed = (verdict: "bad config" | "bug", code: 2 | 3, error: string): StackReport => ({
            stack,
            cluster,
            verdict,
            code,
            restarts: "-",
            text: `# portworx-auth plan: stack ${stack}\n\nNot planned: ${error}\n`,
            error,
        });
        if (e instanceof ConfigError) return failed("bad config", 2, `portworx-auth: ${e.describe(configNames)}`);
        // A bug: one line, no stack trace (it could quote an input), as `--stack` reports it.
        if (process.env.PORTWORX_AUTH_DEBUG === "1") {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
        }
        return failed(
            "bug",
            3,
            `portworx-auth: internal error (${e instanceof Error ? e.name : "error"}); please report it. Set PORTWORX_AUTH_DEBUG=1 for the stack trace.`,
        );
    }
}

/** Every stack's report, in stack order. */
export async function planStacks(opts: FleetOptions): Promise<StackReport[]> {
    const reports: StackReport[] = [];
    for (const stack of listStacks(opts.root)) reports.push(await planOne(stack, opts));
    return reports;
}

/** An aligned table, readable as text and as Markdown. */
function table(head: string[], rows: string[][]): string[] {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
    return [line(head), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)];
}

/** The report: one section per stack, then the summary. */
export function renderFleet(reports: StackReport[], opts: FleetOptions): string {
    const out: string[] = [];
    for (const r of reports) out.push(r.text.trimEnd(), "");
    out.push(`# Summary: ${reports.length} stacks`, "");
    out.push(
        opts.liveDir === undefined
            ? `Every stack was planned against ${SAMPLE_LIVE}, a sample, not your clusters: pass --live-dir DIR holding <stack>.yaml for each.`
            : `Live objects from ${opts.liveDir}: <stack>.yaml, and <stack>.stork.yaml where present.`,
    );
    out.push(`Token dates are for a pulumi up at ${isoTime(opts.now)}.`, "");
    out.push(
        ...table(
            ["stack", "cluster", "preflight", "restarts", "earliest token renew-by"],
            reports.map((r) => [
                r.stack,
                r.cluster,
                r.verdict,
                r.restarts,
                r.renewBy ? `${r.renewBy.at} (${r.renewBy.token})` : "-",
            ]),
        ),
    );
    return `${out.join("\n")}\n`;
}

/** Reads --now: ISO 8601 or unix seconds; the clock when unset. */
export function parseNow(text: string | undefined, clock = Date.now()): number {
    if (text === undefined) return Math.floor(clock / 1000);
    const ms = /^[0-9]+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
    if (!Number.isSafeInteger(ms) || ms < 0) {
        throw new ConfigError(
            "--now",
            `"${text}" is not a time`,
            "give an ISO 8601 time such as 2026-12-01T00:00:00Z, or unix seconds",
        );
    }
    return Math.floor(ms / 1000);
}

/** `--all`: prints the report and returns the exit status; per-stack errors also go to stderr. */
export async function fleetMain(root: string, flags: { liveDir?: string; now?: string }): Promise<number> {
    const opts: FleetOptions = {
        root,
        now: parseNow(flags.now),
        ...(flags.liveDir === undefined ? {} : { liveDir: flags.liveDir }),
    };
    if (opts.liveDir !== undefined && !fs.statSync(opts.liveDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new ConfigError(
            "--live-dir",
            `${opts.liveDir} is not a directory`,
            "name a directory holding <stack>.yaml",
        );
    }
    const reports = await planStacks(opts);
    if (reports.length === 0) {
        throw new ConfigError("--all", "found no stack files", "add stacks/Pulumi.<stack>.yaml");
    }
    process.stdout.write(renderFleet(reports, opts));
    for (const r of reports) if (r.error) process.stderr.write(`stack ${r.stack}: ${r.error}\n`);
    return Math.max(...reports.map((r) => r.code));
}
