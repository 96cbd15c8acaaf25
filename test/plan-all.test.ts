// `npm run plan -- --all`: every stack in one process, one section each, a summary table, and the
// worst stack's exit status.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { tokenTimes } from "../components/tokens";
import { fleetMain, parseNow, planStacks, renderFleet } from "../cli/plan-all";
import { listStacks, settingsFromConfig, stackConfig } from "../cli/plan";
import { sampleLive } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const NOW = "2026-12-01T00:00:00Z";

function plan(...args: string[]) {
    return spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts", ...args], { cwd: ROOT, encoding: "utf8" });
}

/** A project with this repository's Pulumi.yaml and the given stacks' config (keys without the project prefix). */
function tmpProject(stacks: Record<string, Record<string, unknown>>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-fleet-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.mkdirSync(path.join(root, "stacks"));
    fs.mkdirSync(path.join(root, "examples"));
    fs.copyFileSync(
        path.join(ROOT, "examples", "storagecluster.yaml"),
        path.join(root, "examples", "storagecluster.yaml"),
    );
    for (const [stack, config] of Object.entries(stacks)) {
        const entries = Object.fromEntries(
            Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `portworx-auth:${k}`, v]),
        );
        fs.writeFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), YAML.stringify({ config: entries }));
    }
    return root;
}

const SELF = { storageClusterName: "px-cluster", selfSignedIssuer: "px.example.com" };

/** Captures what fleetMain writes. */
async function capture(run: () => Promise<number>) {
    const out: string[] = [];
    const err: string[] = [];
    const writes = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((c: unknown) => out.push(String(c)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((c: unknown) => err.push(String(c)) > 0) as typeof process.stderr.write;
    try {
        const code = await run();
        return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = writes.out;
        process.stderr.write = writes.err;
    }
}

describe("npm run plan -- --all", () => {
    test("plans every stack in stacks/, says it used the sample, and ends with the summary table", () => {
        const r = plan("--all", "--now", NOW);
        assert.equal(r.status, 0, r.stderr);
        const stacks = listStacks(ROOT);
        assert.deepEqual(stacks, ["dev", "prod"]);
        const titles = [...r.stdout.matchAll(/^# portworx-auth plan: stack (\S+?),/gm)].map((m) => m[1]);
        assert.deepEqual(titles, stacks);
        const summary = r.stdout.slice(r.stdout.indexOf("# Summary: 2 stacks"));
        assert.match(summary, /planned against examples\/storagecluster\.yaml, a sample, not your clusters/);
        assert.match(summary, /\| stack +\| cluster +\| preflight +\| restarts +\| earliest token renew-by +\|/);
        for (const stack of stacks) {
            assert.match(
                summary,
                new RegExp(`^\\| ${stack} +\\| ${stack} \\(portworx/px-cluster\\) +\\| passed +\\|`, "m"),
            );
        }
        assert.equal(plan("--all", "--now", NOW).stdout, r.stdout, "same --now, same bytes");
    });

    test("the renew-by date is the earliest expiry among the tokens a pulumi up at --now would write", async () => {
        const now = parseNow(NOW);
        const s = await settingsFromConfig(stackConfig("dev", ROOT), ROOT);
        const expiries = s.tokens.map((t) => tokenTimes(t, now, s.tokenRenewBefore));
        assert.deepEqual(
            expiries.map((t) => t.name),
            ["admin", "ci"],
        );
        const first = [...expiries].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0]!;
        const r = plan("--all", "--now", NOW);
        assert.match(r.stdout, new RegExp(`^\\| dev .*\\| ${first.expiresAt} \\(${first.name}\\) \\|$`, "m"));
        assert.match(r.stdout, /^\| prod .*\| - +\|$/m, "prod mints no token");
        for (const t of expiries) {
            assert.ok(r.stdout.includes(`${t.name} (Secret ${t.namespace}/${t.secretName}): issued ${t.issuedAt}`));
        }
        // A later --now moves into the next window: a later date.
        const later = plan("--all", "--now", "2027-06-01T00:00:00Z");
        const date = (text: string) => /^\| dev .*\| (\S+) \(\w+\) \|$/m.exec(text)?.[1] ?? "";
        assert.ok(date(later.stdout) > date(r.stdout), `${date(later.stdout)} > ${date(r.stdout)}`);
    });

    test("--live-dir: <stack>.yaml per stack; one refused stack exits 1, and the others are still planned", async () => {
        const root = tmpProject({ a: SELF, b: SELF, c: SELF });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-live-"));
        const live = sampleLive() as { spec: Record<string, unknown> };
        fs.writeFileSync(path.join(dir, "a.yaml"), YAML.stringify(live));
        fs.writeFileSync(
            path.join(dir, "b.yaml"),
            YAML.stringify({ ...live, spec: { ...live.spec, security: { enabled: true } } }),
        );
        fs.writeFileSync(path.join(dir, "c.yaml"), YAML.stringify(live));
        const r = await capture(() => fleetMain(root, { liveDir: dir, now: NOW }));
        assert.equal(r.code, 1);
        assert.match(r.stdout, /# portworx-auth plan: stack b, live .*b\.yaml\n[\s\S]*Preflight: FAILED/);
        assert.match(r.stdout, /^\| a +\| .*\| passed +\|/m);
        assert.match(r.stdout, /^\| b +\| .*\| refused +\| - +\|/m);
        assert.match(r.stdout, /^\| c +\| .*\| passed +\|/m);
        assert.match(r.stdout, new RegExp(`Live objects from ${dir}: <stack>\\.yaml`));
        assert.doesNotMatch(r.stdout, /a sample/);
        assert.equal(r.stderr, "");
    });

    test("a stack with bad config or no live file exits 2, names it, and the rest are planned", async () => {
        const root = tmpProject({ a: SELF, b: { ...SELF, usernameClaim: "mail" }, c: SELF });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-live-"));
        fs.writeFileSync(path.join(dir, "a.yaml"), YAML.stringify(sampleLive()));
        fs.writeFileSync(path.join(dir, "b.yaml"), YAML.stringify(sampleLive()));
        const r = await capture(() => fleetMain(root, { liveDir: dir, now: NOW }));
        assert.equal(r.code, 2);
        assert.match(r.stdout, /^\| a +\| .*\| passed +\|/m);
        assert.match(r.stdout, /^\| b +\| .*\| bad config +\|/m);
        assert.match(r.stdout, /^\| c +\| .*\| bad config +\|/m);
        assert.match(r.stderr, /^stack b: portworx-auth: usernameClaim: must be one of "sub", "email", "name"/m);
        assert.match(
            r.stderr,
            /^stack c: portworx-auth: --live-dir: has no c\.yaml for stack c\. Fix: write it against that stack's cluster with kubectl get storagecluster px-cluster -n portworx -o yaml > .*c\.yaml/m,
        );
        // The sample is never used in place of a missing file.
        assert.doesNotMatch(r.stdout, /stack c, live/);
    });

    test("stacks are planned in name order, and the summary shows each verdict", async () => {
        const root = tmpProject({ b: SELF, a: SELF });
        const reports = await planStacks({ root, now: parseNow(NOW) });
        assert.deepEqual(
            reports.map((r) => [r.stack, r.code]),
            [
                ["a", 0],
                ["b", 0],
            ],
        );
        const text = renderFleet([...reports, { ...reports[0]!, stack: "z", verdict: "refused", code: 1 }], {
            root,
            now: parseNow(NOW),
        });
        assert.match(text, /^\| z +\| .*\| refused +\|/m);
    });

    test("usage: --all excludes --stack and --live; --live-dir and --now need --all; a bad --now or --live-dir is named", () => {
        for (const [args, message] of [
            [["--all", "--stack", "dev"], /--stack does not go with --all/],
            [["--all", "--live", "x.yaml"], /--live does not go with --all/],
            [["--stack", "dev", "--live-dir", "."], /--live-dir goes only with --all/],
            [["--stack", "dev", "--now", NOW], /--now goes only with --all/],
            [["--all", "--now", "yesterday"], /--now: "yesterday" is not a time/],
            [["--all", "--live-dir", "/does/not/exist"], /--live-dir: \/does\/not\/exist is not a directory/],
        ] as const) {
            const r = plan(...args);
            assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message);
        }
        assert.equal(parseNow("1767225600"), 1767225600);
        assert.equal(parseNow(NOW), Date.UTC(2026, 11, 1) / 1000);
    });
});
