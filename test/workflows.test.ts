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
const DRIFT = ".github/workflows/drift.yml";

/**
 * The inputs pulumi/actions v7.0.0 declares (its action.yml). actionlint 1.7.7 knows the action's
 * inputs only up to v6, so this list is what catches a misspelt input.
 */
const PULUMI_ACTION_V7_INPUTS = [
    "command",
    "stack-name",
    "pulumi-version",
    "pulumi-version-file",
    "work-dir",
    "comment-on-pr",
    "comment-on-pr-number",
    "comment-on-summary",
    "github-token",
    "cloud-url",
    "secrets-provider",
    "parallel",
    "message",
    "config-map",
    "expect-no-changes",
    "diff",
    "replace",
    "exclude",
    "exclude-dependents",
    "target",
    "target-dependents",
    "policyPacks",
    "policyPackConfigs",
    "refresh",
    "upsert",
    "remove",
    "edit-pr-comment",
    "color",
    "exclude-protected",
    "plan",
    "suppress-outputs",
    "suppress-progress",
    "always-include-summary",
    "continue-on-error",
    "log-verbosity",
    "log-flow",
    "debug",
];

/** Every pulumi/actions step of a workflow that is not v7 or sets an input v7 does not declare. */
function pulumiActionProblems(text: string): string[] {
    const wf = YAML.parse(text) as Workflow;
    return Object.entries(wf.jobs).flatMap(([job, j]) =>
        j.steps
            .filter((st) => st.uses?.startsWith("pulumi/actions@"))
            .flatMap((st) => [
                ...(st.uses === "pulumi/actions@v7" ? [] : [`${job}: ${st.uses} is not pulumi/actions@v7`]),
                ...Object.keys(st.with ?? {})
                    .filter((k) => !PULUMI_ACTION_V7_INPUTS.includes(k))
                    .map((k) => `${job}: input "${k}" is not defined in pulumi/actions@v7`),
            ]),
    );
}

interface Step {
    id?: string;
    name?: string;
    if?: string;
    "continue-on-error"?: boolean;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    name?: string;
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
        assert.ok(files.includes(CI) && files.includes(PREVIEW) && files.includes(DRIFT), files.join(", "));
        for (const f of files) assert.deepEqual(await lintWorkflow(read(f), f), [], f);
    });

    it("actionlint catches a broken workflow", async () => {
        const broken = read(PREVIEW)
            .replace("command: preview", "comand: preview")
            .replace("needs: plan-diff", "needs: plan-dif")
            .replace("stack-name: ${{ matrix.stack }}", "stack-name: ${{ matrix.stak }}");
        const problems = await lintWorkflow(broken, "broken.yml");
        const kinds = problems.map((p) => `${p.kind}: ${p.message}`);
        // actionlint does not know v7's inputs; our own check does.
        assert.deepEqual(pulumiActionProblems(broken), [
            'pulumi-preview: input "comand" is not defined in pulumi/actions@v7',
        ]);
        assert.ok(
            kinds.some((k) => /^job-needs: .*"plan-dif"/.test(k)),
            kinds.join("\n"),
        );
        assert.ok(
            kinds.some((k) => /^expression: property "stak" is not defined/.test(k)),
            kinds.join("\n"),
        );
    });

    for (const [file, job] of [
        [PREVIEW, "pulumi-preview"],
        [DRIFT, "drift"],
    ] as const) {
        it(`${path.basename(file)}: one matrix entry per stack file, each with its own kubeconfig secret`, () => {
            const include = workflow(file).jobs[job]!.strategy!.matrix!.include!;
            const stacks = listStacks(ROOT);
            assert.ok(stacks.length > 0);
            assert.deepEqual(
                include.map((e) => e.stack).sort(),
                stacks,
                `${file}'s matrix must list every stack in stacks/`,
            );
            for (const e of include) {
                assert.equal(e.kubeconfig, `KUBECONFIG_${e.stack!.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`);
            }
            assert.match(read(file), /\$\{\{ secrets\[matrix\.kubeconfig\] \}\}/);
        });
    }

    it("every pulumi/actions step is v7 and sets only inputs v7 declares", () => {
        for (const f of workflowFiles(ROOT)) assert.deepEqual(pulumiActionProblems(read(f)), [], f);
        assert.deepEqual(pulumiActionProblems(read(PREVIEW).replace("pulumi/actions@v7", "pulumi/actions@v6")), [
            "pulumi-preview: pulumi/actions@v6 is not pulumi/actions@v7",
        ]);
    });

    it("drift runs daily: a refreshed preview expecting no changes per stack, then the tokens' expiry, failing with the stack named", () => {
        const wf = workflow(DRIFT);
        assert.deepEqual(Object.keys(wf.on).sort(), ["schedule", "workflow_dispatch"]);
        const [cron] = (wf.on.schedule as { cron: string }[]).map((c) => c.cron);
        assert.match(cron ?? "", /^[0-5]?[0-9] (1?[0-9]|2[0-3]) \* \* \*$/, "once a day");
        assert.deepEqual(wf.permissions, { contents: "read" });
        const job = wf.jobs.drift!;
        assert.match(job.name ?? "", /\$\{\{ matrix\.stack \}\}/);
        const preview = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.equal(preview.uses, "pulumi/actions@v7");
        assert.equal(preview.with?.command, "preview");
        assert.equal(preview.with?.refresh, true);
        assert.equal(preview.with?.["expect-no-changes"], true);
        assert.equal(preview.with?.["stack-name"], "${{ matrix.stack }}");
        assert.equal(preview.with?.["cloud-url"], "${{ secrets.PULUMI_BACKEND_URL }}");
        // Exit code 7 for --expect-no-changes came with CLI 3.227.0.
        assert.match(String(preview.with?.["pulumi-version"]), /^\^3\.(22[7-9]|2[3-9][0-9])\.[0-9]+$/);
        assert.equal(preview["continue-on-error"], true);
        const tokens = job.steps.find((s) => s.run?.includes("npm run --silent token-expiry"))!;
        assert.ok(job.steps.indexOf(tokens) > job.steps.indexOf(preview));
        assert.match(tokens.run!, /pulumi stack output --stack "\$STACK" --json > "\$RUNNER_TEMP\/outputs\.json"/);
        assert.match(
            tokens.run!,
            /--stack "\$STACK" --outputs "\$RUNNER_TEMP\/outputs\.json" --within (2[4-9]|3[0-9])h/,
        );
        assert.equal(tokens.env?.STACK, "${{ matrix.stack }}");
        assert.equal(tokens["continue-on-error"], true);
        assert.ok(JSON.parse(read("package.json")).scripts["token-expiry"]);
        const last = job.steps[job.steps.length - 1]!;
        assert.equal(last.if, "${{ !cancelled() }}");
        assert.equal(last.env?.PREVIEW, `\${{ steps.${preview.id}.outcome }}`);
        assert.equal(last.env?.TOKENS, `\${{ steps.${tokens.id}.outcome }}`);
        assert.match(
            last.run!,
            /if \[ "\$PREVIEW" = "failure" \]; then\n\s+echo "::error title=Drift in stack \$STACK::/,
        );
        assert.match(
            last.run!,
            /if \[ "\$TOKENS" = "failure" \]; then\n\s+echo "::error title=Token expiry in stack \$STACK::/,
        );
        assert.match(last.run!, /exit "\$status"/);
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
        // Every secret the workflow reads is listed in the docs, under its exact name.
        const readme = fs.readFileSync(path.join(ROOT, "docs", "previews-and-drift.md"), "utf8");
        for (const f of [PREVIEW, DRIFT]) {
            const named = [...new Set([...read(f).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]))];
            assert.ok(named.includes("PULUMI_BACKEND_URL") && named.includes("PULUMI_CONFIG_PASSPHRASE"), f);
            for (const n of named) assert.ok(readme.includes(`\`${n}\``), `README does not list the secret ${n}`);
        }
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
