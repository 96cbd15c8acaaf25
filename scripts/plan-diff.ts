// `npm run plan-diff -- --base DIR [--head DIR] [--out DIR]`: the offline plan of every stack on
// two checkouts (each with its own node_modules) and their unified diff, for reviewers. Needs no
// credentials: plans redact every secret value. The pull-request workflow posts comment.md.
//
// Exit status: 0 when every head plan passed, 1 when one failed (preflight or config), after
// writing everything, so CI shows red without losing the output; 2 on bad usage.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { runCommand } from "../cli/io";
import { listStacks } from "../cli/plan";

/** One side's run of `npm run plan` for one stack. */
export interface PlanRun {
    /** False when the stack file does not exist on this side. */
    present: boolean;
    /** Exit status; `null` when the stack is absent or the process was killed. */
    code: number | null;
    stdout: string;
    stderr: string;
}

export interface StackDiff {
    stack: string;
    base: PlanRun;
    head: PlanRun;
    /** `diff -u` of the two transcripts; empty when they are equal. */
    diff: string;
}

const ABSENT: PlanRun = { present: false, code: null, stdout: "", stderr: "" };
/** GitHub rejects comments over 65,536 characters; stay well below. */
export const COMMENT_LIMIT = 60_000;
/** Lets the workflow find and update its own comment, and no other. */
export const COMMENT_MARKER = "<!-- portworx-auth:plan-diff -->";

/** Runs the checkout's own `npm run plan` for a stack. */
export function runPlan(root: string, stack: string): PlanRun {
    const r = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", stack], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { present: true, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The plan's outcome: its exit codes are 0 passed, 1 preflight refused, 2 bad config; anything else is a crash. */
export function status(run: PlanRun): string {
    if (!run.present) return "no stack";
    if (run.code === 0) return "passed";
    if (run.code === 1) return "preflight failed";
    if (run.code === 2) return "config error";
    return run.code === null ? "crashed (killed)" : `crashed (exit ${run.code})`;
}

/** Whether the plan itself failed, as opposed to refusing the stack's config or cluster. */
export function crashed(run: PlanRun): boolean {
    return run.present && run.code !== 0 && run.code !== 1 && run.code !== 2;
}

/**
 * What is diffed: the plan, then its one-line config error if any, then the outcome, so a change
 * of outcome shows. A crash's output (a stack trace, maybe) stays out of the diff and the comment:
 * it is kept in the artifact as STACK.SIDE.stderr.txt.
 */
export function transcript(run: PlanRun, stderrFile = "its .stderr.txt file in the artifact"): string {
    if (!run.present) return "";
    if (crashed(run)) return `--- ${status(run)}: the plan did not run to the end; see ${stderrFile} ---\n`;
    let t = run.stdout;
    if (t !== "" && !t.endsWith("\n")) t += "\n";
    // A config error is one line naming the key and the fix; nothing else of stderr is shown.
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("portworx-auth: "));
    if (errors.length) t += `--- stderr ---\n${errors.join("\n")}\n`;
    return `${t}--- ${status(run)} ---\n`;
}

/** `diff -u` of two transcripts, labelled base/STACK and head/STACK; "" when equal. */
export function unifiedDiff(stack: string, base: PlanRun, head: PlanRun, tmp: string): string {
    const file = (side: string, run: PlanRun) => {
        if (!run.present) return "/dev/null";
        const p = path.join(tmp, `${stack}.${side}.txt`);
        const err = `${stack}.${side}.stderr.txt`;
        if (run.stderr !== "") fs.writeFileSync(path.join(tmp, err), run.stderr);
        fs.writeFileSync(p, transcript(run, `${err} in the artifact`));
        return p;
    };
    const label = (side: string, run: PlanRun) => `${side}/${stack}${run.present ? "" : " (no stack file)"}`;
    const r = spawnSync(
        "diff",
        ["-u", "--label", label("base", base), "--label", label("head", head), file("base", base), file("head", head)],
        { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.error) throw r.error;
    // diff: 0 equal, 1 different, 2 trouble.
    if (r.status !== 0 && r.status !== 1) throw new Error(`diff failed for ${stack}: ${r.stderr}`);
    return r.stdout;
}

/** Added and removed lines; the `---`/`+++` file header comes before the first hunk, so only hunks count. */
export function changedLines(diff: string): number {
    const lines = diff.split("\n");
    const firstHunk = lines.findIndex((l) => l.startsWith("@@"));
    if (firstHunk < 0) return 0;
    return lines.slice(firstHunk).filter((l) => l.startsWith("+") || l.startsWith("-")).length;
}

/** A code fence longer than any run of backticks in the text. */
function fence(text: string): string {
    let f = "```";
    while (text.includes(f)) f += "`";
    return f;
}

/** The pull-request comment: a summary table, then each stack's diff, cut to fit GitHub's limit. */
export function renderComment(diffs: StackDiff[], opts: { base: string; head: string; artifact?: string }): string {
    const artifact = opts.artifact ?? "the plan-diff artifact";
    const head = [
        COMMENT_MARKER,
        "### Offline plan per stack: base → head",
        "",
        `Base \`${opts.base}\`, head \`${opts.head}\`. Computed from the stack files and \`examples/storagecluster.yaml\`, ` +
            `with no cluster and no credentials; secret values are never in a plan. Full plans: ${artifact}.`,
        "",
        "| stack | base | head | change |",
        "| --- | --- | --- | --- |",
        ...diffs.map(
            (d) =>
                `| ${d.stack} | ${status(d.base)} | ${status(d.head)} | ${d.diff === "" ? "none" : `${changedLines(d.diff)} lines`} |`,
        ),
        "",
    ].join("\n");
    let body = "";
    let cut = false;
    for (const d of diffs.filter((x) => x.diff !== "")) {
        const f = fence(d.diff);
        const section = `<details open><summary>${d.stack}</summary>\n\n${f}diff\n${d.diff}${f}\n\n</details>\n\n`;
        if (head.length + body.length + section.length > COMMENT_LIMIT) {
            cut = true;
            continue;
        }
        body += section;
    }
    const note = cut ? `Some diffs are too long for a comment: see ${artifact}.\n` : "";
    return `${head}\n${body}${note}`;
}

/** 1 when a head plan failed: the change would not apply as it stands. */
export function exitCode(diffs: StackDiff[]): number {
    return diffs.some((d) => d.head.present && d.head.code !== 0) ? 1 : 0;
}

/** Plans every stack found on either side and writes the transcripts, the diffs and the comment. */
export function planDiff(baseRoot: string, headRoot: string, out: string): StackDiff[] {
    fs.mkdirSync(out, { recursive: true });
    const stacks = [...new Set([...listStacks(baseRoot), ...listStacks(headRoot)])].sort();
    const diffs: StackDiff[] = [];
    for (const stack of stacks) {
        const base = listStacks(baseRoot).includes(stack) ? runPlan(baseRoot, stack) : ABSENT;
        const head = listStacks(headRoot).includes(stack) ? runPlan(headRoot, stack) : ABSENT;
        const diff = unifiedDiff(stack, base, head, out);
        fs.writeFileSync(path.join(out, `${stack}.diff`), diff);
        diffs.push({ stack, base, head, diff });
    }
    fs.writeFileSync(path.join(out, "plan.diff"), diffs.map((d) => d.diff).join(""));
    return diffs;
}

function main(): number {
    const { values } = parseArgs({
        options: {
            base: { type: "string" },
            head: { type: "string", default: "." },
            out: { type: "string", default: "plan-out" },
            "base-label": { type: "string" },
            "head-label": { type: "string" },
        },
        allowPositionals: false,
    });
    if (!values.base) {
        process.stderr.write("usage: npm run plan-diff -- --base DIR [--head DIR] [--out DIR]\n");
        return 2;
    }
    const out = path.resolve(values.out);
    const diffs = planDiff(path.resolve(values.base), path.resolve(values.head), out);
    const comment = renderComment(diffs, {
        base: values["base-label"] ?? values.base,
        head: values["head-label"] ?? values.head,
    });
    fs.writeFileSync(path.join(out, "comment.md"), comment);
    for (const d of diffs) {
        process.stdout.write(
            `${d.stack}: base ${status(d.base)}, head ${status(d.head)}, ${d.diff === "" ? "no change" : "changed"}\n`,
        );
    }
    process.stdout.write(`wrote ${path.relative(process.cwd(), out) || "."}/{plan.diff,comment.md}\n`);
    return exitCode(diffs);
}

if (require.main === module) runCommand(main);
