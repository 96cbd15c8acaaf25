// The base-vs-head offline plan behind the pull-request comment.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
    changedLines,
    COMMENT_LIMIT,
    COMMENT_MARKER,
    exitCode,
    planDiff,
    renderComment,
    status,
    transcript,
    type PlanRun,
    type StackDiff,
} from "../scripts/plan-diff";
import { checkout, ROOT } from "./checkout";

const ok = (stdout: string): PlanRun => ({ present: true, code: 0, stdout, stderr: "" });
const absent: PlanRun = { present: false, code: null, stdout: "", stderr: "" };

describe("plan-diff, pure parts", () => {
    it("names each outcome", () => {
        assert.equal(status(ok("")), "passed");
        assert.equal(status({ ...ok(""), code: 1 }), "preflight failed");
        assert.equal(status({ ...ok(""), code: 2 }), "config error");
        assert.equal(status({ ...ok(""), code: 3 }), "crashed (exit 3)");
        assert.equal(status({ ...ok(""), code: 127 }), "crashed (exit 127)");
        assert.equal(status({ ...ok(""), code: null }), "crashed (killed)");
        assert.equal(status(absent), "no stack");
    });

    it("keeps a refused plan's output, its one-line config error and its outcome in the transcript", () => {
        const t = transcript({ present: true, code: 1, stdout: "plan\nPreflight: failed", stderr: "" });
        assert.equal(t, "plan\nPreflight: failed\n--- preflight failed ---\n");
        const bad = transcript({
            present: true,
            code: 2,
            stdout: "",
            stderr: 'portworx-auth: enabled: is "yes", but true or false is expected. Fix: ...\nnpm ERR! noise\n',
        });
        assert.equal(
            bad,
            '--- stderr ---\nportworx-auth: enabled: is "yes", but true or false is expected. Fix: ...\n--- config error ---\n',
        );
        assert.equal(transcript(absent), "");
    });

    it("never puts a crash's output, such as a stack trace, into the transcript", () => {
        const trace = "TypeError: x is undefined\n    at buildPlan (/repo/components/plan.ts:1:1)\n";
        const t = transcript(
            { present: true, code: 3, stdout: "# portworx-auth plan\n", stderr: trace },
            "dev.head.stderr.txt",
        );
        assert.equal(t, "--- crashed (exit 3): the plan did not run to the end; see dev.head.stderr.txt ---\n");
        const c = renderComment(
            [
                {
                    stack: "dev",
                    base: ok("a\n"),
                    head: { present: true, code: 3, stdout: "", stderr: trace },
                    diff: "-a\n+x\n",
                },
            ],
            { base: "b", head: "h" },
        );
        assert.match(c, /\| dev \| passed \| crashed \(exit 3\) \|/);
        assert.doesNotMatch(c, /at buildPlan/);
    });

    it("renders a summary table and only the stacks that changed", () => {
        const diffs: StackDiff[] = [
            { stack: "dev", base: ok("a\n"), head: ok("a\n"), diff: "" },
            {
                stack: "prod",
                base: ok("a\n"),
                head: { ...ok("b\n"), code: 1 },
                diff: "--- base/prod\n+++ head/prod\n@@ -1 +1 @@\n-a\n+b\n",
            },
        ];
        const c = renderComment(diffs, { base: "abc", head: "def" });
        assert.ok(c.startsWith(`${COMMENT_MARKER}\n`));
        assert.match(c, /\| dev \| passed \| passed \| none \|/);
        assert.match(c, /\| prod \| passed \| preflight failed \| 2 lines \|/);
        assert.match(c, /<summary>prod<\/summary>\n\n```diff\n--- base\/prod\n/);
        assert.doesNotMatch(c, /<summary>dev<\/summary>/);
    });

    it("fences a diff that contains backticks, and cuts what GitHub would refuse", () => {
        const fenced = renderComment([{ stack: "s", base: ok(""), head: ok(""), diff: "+```\n" }], {
            base: "b",
            head: "h",
        });
        assert.match(fenced, /````diff\n\+```\n````/);
        const huge = "+x\n".repeat(COMMENT_LIMIT);
        const cut = renderComment(
            [
                { stack: "big", base: ok(""), head: ok(""), diff: huge },
                { stack: "small", base: ok(""), head: ok(""), diff: "+y\n" },
            ],
            { base: "b", head: "h" },
        );
        assert.ok(cut.length <= COMMENT_LIMIT);
        assert.match(cut, /<summary>small<\/summary>/);
        assert.match(cut, /too long for a comment: see the plan-diff artifact/);
    });

    it("counts changed lines in hunks only, including a changed outcome line", () => {
        const diff = "--- base/dev\n+++ head/dev\n@@ -1,2 +1,2 @@\n same\n---- passed ---\n+--- preflight failed ---\n";
        assert.equal(changedLines(diff), 2);
        assert.equal(changedLines(""), 0);
    });

    it("fails only on a head plan that failed", () => {
        const d = (base: PlanRun, head: PlanRun): StackDiff => ({ stack: "s", base, head, diff: "" });
        assert.equal(exitCode([d(ok(""), ok(""))]), 0);
        assert.equal(exitCode([d({ ...ok(""), code: 1 }, ok(""))]), 0);
        assert.equal(exitCode([d(ok(""), absent)]), 0);
        assert.equal(exitCode([d(ok(""), { ...ok(""), code: 1 })]), 1);
    });
});

describe("plan-diff on two checkouts", () => {
    let tmp: string;
    const stackFile = (dir: string, stack: string) => path.join(dir, "stacks", `Pulumi.${stack}.yaml`);
    let diffs: StackDiff[];

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        const base = checkout(path.join(tmp, "base"));
        const head = checkout(path.join(tmp, "head"));
        for (const dir of [base, head]) {
            for (const f of fs.readdirSync(path.join(dir, "stacks"))) fs.rmSync(path.join(dir, "stacks", f));
        }
        const dev = fs.readFileSync(stackFile(ROOT, "dev"), "utf8");
        fs.writeFileSync(stackFile(base, "dev"), dev);
        fs.writeFileSync(stackFile(base, "gone"), dev);
        // On the head, dev wants to patch a Stork Deployment the operator runs: preflight fails.
        fs.writeFileSync(stackFile(head, "dev"), `${dev}  portworx-auth:storkMode: deployment\n`);
        fs.writeFileSync(stackFile(head, "added"), dev);
        diffs = planDiff(base, head, path.join(tmp, "out"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("plans the union of both sides' stacks", () => {
        assert.deepEqual(
            diffs.map((d) => [d.stack, status(d.base), status(d.head)]),
            [
                ["added", "no stack", "passed"],
                ["dev", "passed", "preflight failed"],
                ["gone", "passed", "no stack"],
            ],
        );
        assert.equal(exitCode(diffs), 1);
    });

    it("keeps the failing plan's output in the diff", () => {
        const dev = diffs.find((d) => d.stack === "dev")!;
        assert.match(dev.diff, /^--- base\/dev\n\+\+\+ head\/dev\n/);
        assert.match(dev.diff, /^-Stork: operator; key pairing: stork$/m);
        assert.match(dev.diff, /^\+Stork: deployment \(portworx\/stork, container stork\); key pairing: stork$/m);
        assert.match(dev.diff, /^---- passed ---$/m);
        assert.match(dev.diff, /^\+--- preflight failed ---$/m);
    });

    it("diffs a stack on one side only against nothing", () => {
        const added = diffs.find((d) => d.stack === "added")!;
        assert.match(added.diff, /^--- base\/added \(no stack file\)\n\+\+\+ head\/added\n@@ -0,0 \+1,\d+ @@\n/);
        const gone = diffs.find((d) => d.stack === "gone")!;
        assert.match(gone.diff, /^--- base\/gone\n\+\+\+ head\/gone \(no stack file\)\n@@ -1,\d+ \+0,0 @@\n/);
    });

    it("writes each side's plan, each diff and the whole diff", () => {
        const out = path.join(tmp, "out");
        for (const f of ["added.head.txt", "dev.base.txt", "dev.head.txt", "gone.base.txt", "dev.diff", "plan.diff"]) {
            assert.ok(fs.existsSync(path.join(out, f)), f);
        }
        assert.ok(!fs.existsSync(path.join(out, "added.base.txt")));
        assert.equal(fs.readFileSync(path.join(out, "plan.diff"), "utf8"), diffs.map((d) => d.diff).join(""));
    });

    it("shows no secret value: the plan redacts them", () => {
        for (const d of diffs) assert.doesNotMatch(d.diff, /^[+-]\s+(system|stork|shared)-secret: (?!\(secret\))/m);
    });
});
