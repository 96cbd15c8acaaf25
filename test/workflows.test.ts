// The GitHub workflows: valid for actionlint, one preview per stack, and in step with .ci/run.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as YAML from "yaml";
import { listStacks } from "../cli/plan";
import { COMMENT_MARKER } from "../scripts/plan-diff";
import { lintWorkflow, workflowFiles } from "../scripts/lint-workflows";

const ROOT = path.resolve(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const PREVIEW = ".github/workflows/preview.yml";
const CI = ".github/workflows/ci.yml";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    permissions?: Record<string, string>;
    strategy?: { matrix?: { include?: Record<string, string>[] } };
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}
const workflow = (f: string) => YAML.parse(read(f)) as Workflow;

describe("workflows", () => {
    it("pass actionlint", async () => {
        const files = workflowFiles(ROOT);
        assert.ok(files.includes(CI) && files.includes(PREVIEW), files.join(", "));
        for (const f of files) assert.deepEqual(await lintWorkflow(read(f), f), [], f);
    });

    it("actionlint catches a broken workflow", async () => {
        const broken = read(PREVIEW)
            .replace("command: preview", "comand: preview")
            .replace("needs: plan-diff", "needs: plan-dif")
            .replace("stack-name: ${{ matrix.stack }}", "stack-name: ${{ matrix.stak }}");
        const problems = await lintWorkflow(broken, "broken.yml");
        const kinds = problems.map((p) => `${p.kind}: ${p.message}`);
        assert.ok(
            kinds.some((k) => /^action: input "comand" is not defined in action "pulumi\/actions@v6"/.test(k)),
            kinds.join("\n"),
        );
        assert.ok(
            kinds.some((k) => /^job-needs: .*"plan-dif"/.test(k)),
            kinds.join("\n"),
        );
        assert.ok(
            kinds.some((k) => /^expression: property "stak" is not defined/.test(k)),
            kinds.join("\n"),
        );
    });

    it("preview one matrix entry per stack file, each with its own kubeconfig secret", () => {
        const include = workflow(PREVIEW).jobs["pulumi-preview"]!.strategy!.matrix!.include!;
        const stacks = listStacks(ROOT);
        assert.ok(stacks.length > 0);
        assert.deepEqual(
            include.map((e) => e.stack).sort(),
            stacks,
            "preview.yml's matrix must list every stack in stacks/",
        );
        for (const e of include) {
            assert.equal(e.kubeconfig, `KUBECONFIG_${e.stack!.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`);
        }
    });

    it("preview runs pulumi/actions with a diff, a PR comment and only the listed secrets", () => {
        const wf = workflow(PREVIEW);
        assert.deepEqual(Object.keys(wf.on), ["pull_request"]);
        assert.equal(wf.permissions?.["pull-requests"], "write");
        const step = wf.jobs["pulumi-preview"]!.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.ok(step);
        assert.equal(step.with?.command, "preview");
        assert.equal(step.with?.["comment-on-pr"], true);
        assert.equal(step.with?.diff, true);
        assert.equal(step.with?.["stack-name"], "${{ matrix.stack }}");
        assert.equal(step.with?.["cloud-url"], "${{ secrets.PULUMI_BACKEND_URL }}");
        assert.equal(step.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        // Every secret the workflow reads is listed in the README, under its exact name.
        const named = [...new Set([...read(PREVIEW).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]))];
        assert.ok(named.includes("PULUMI_BACKEND_URL") && named.includes("PULUMI_CONFIG_PASSPHRASE"));
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const n of named) assert.ok(readme.includes(`\`${n}\``), `README does not list the secret ${n}`);
        assert.match(read(PREVIEW), /\$\{\{ secrets\[matrix\.kubeconfig\] \}\}/);
    });

    it("the offline plan job runs without write access or secrets, and the comment job finds its own comment", () => {
        const wf = workflow(PREVIEW);
        const plan = wf.jobs["plan-diff"]!;
        assert.deepEqual(plan.permissions, { contents: "read" });
        assert.doesNotMatch(YAML.stringify(plan), /secrets\./);
        assert.ok(plan.steps.some((s) => s.run?.includes("npm run --silent plan-diff")));
        assert.ok(JSON.parse(read("package.json")).scripts["plan-diff"]);
        const comment = wf.jobs["plan-comment"]!.steps.find((s) => s.uses?.startsWith("actions/github-script@"));
        assert.ok(String(comment?.with?.script).includes(`const marker = "${COMMENT_MARKER}";`));
    });

    it("ci.yml runs every command of .ci/run", () => {
        const commands = read(".ci/run")
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "" && !l.startsWith("#") && !/^(set|cd) /.test(l));
        assert.ok(commands.includes("npm test"));
        const runs = workflow(CI).jobs.check!.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
        assert.deepEqual(runs, commands);
    });
});
