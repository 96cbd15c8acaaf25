// Every command's output through a real pipe is the same bytes as written to a file, however long
// (a pipe takes 64 KiB at a time), and a reader that stops early (`| head -c 100`) ends the command
// quietly: nothing on stderr, and the exit code the command has when every byte is read.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as jose from "jose";
import * as YAML from "yaml";
import { main as tokenMain } from "../cli/token";
import { checkout, PLAN_FILES, ROOT } from "./checkout";

const PIPE_BUFFER = 64 * 1024;
/** Fixes the clock of a child process, so two token runs print the same bytes. */
const NOW = 1_800_000_000;
const FIXED_CLOCK = `data:text/javascript,Date.now=()=>${NOW * 1000}`;

interface Run {
    status: number | null;
    stdout: Buffer;
    stderr: string;
}

/**
 * Runs `node ARGS` in `cwd` under bash, its stdout into `sink`: `> "$OUT"` (a file),
 * `| cat` or `| head -c 100` (real pipes). pipefail makes the status the command's own.
 */
function sh(cwd: string, args: string[], sink: string, opts: { input?: string; out?: string } = {}): Run {
    const r = spawnSync("bash", ["-c", `set -o pipefail; "$@" ${sink}`, "bash", process.execPath, ...args], {
        cwd,
        input: opts.input,
        env: { ...process.env, OUT: opts.out ?? "" },
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/** The command's stdout written to a file, then through `| cat`; both runs must pass and print nothing else. */
function fileAndPipe(cwd: string, args: string[], input?: string): { file: Buffer; piped: Buffer } {
    return { file: toFile(cwd, args, input), piped: clean(sh(cwd, args, "| cat", { input })) };
}

function toFile(cwd: string, args: string[], input?: string): Buffer {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-out-")), "stdout");
    clean(sh(cwd, args, '> "$OUT"', { input, out }));
    const file = fs.readFileSync(out);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    return file;
}

/** A run that passed and wrote nothing to stderr; its stdout. */
function clean(r: Run): Buffer {
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    return r.stdout;
}

function assertSameBytes(piped: Buffer, file: Buffer): void {
    assert.equal(piped.length, file.length, "piped output is not as long as the file");
    assert.ok(piped.equals(file), "piped output differs from the file");
}

/** `| head -c 100` ends the command quietly, with the exit code it has when every byte is read. */
function assertQuietHead(cwd: string, args: string[], whole: Buffer, input?: string): void {
    const r = sh(cwd, args, "| head -c 100", { input });
    assert.equal(r.stderr, "", "no EPIPE stack trace");
    assert.equal(r.status, 0);
    assert.ok(r.stdout.equals(whole.subarray(0, 100)));
}

describe("output through pipes", { concurrency: false }, () => {
    let tmp: string;
    const plan = ["--import", "tsx", "cli/plan.ts", "--stack", "dev"];
    /** A checkout whose dev stack plans against a StorageCluster with 10,000 user env entries. */
    let big: string;
    /** Its plan, written straight to a file. */
    let planFile: Buffer;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-pipes-"));
        big = checkout(path.join(tmp, "big"), [...PLAN_FILES, "scripts", "docs", ".prettierrc.json"]);
        for (const f of fs.readdirSync(path.join(big, "stacks"))) {
            if (f !== "Pulumi.dev.yaml") fs.rmSync(path.join(big, "stacks", f));
        }
        const sample = path.join(big, "examples", "storagecluster.yaml");
        const live = YAML.parse(fs.readFileSync(sample, "utf8")) as { spec: { env: unknown[] } };
        for (let i = 0; i < 10_000; i++) live.spec.env.push({ name: `USER_VAR_${i}`, value: `value-${i}` });
        fs.writeFileSync(sample, YAML.stringify(live));
        planFile = toFile(big, plan);
        assert.ok(planFile.length > 4 * PIPE_BUFFER, `the plan is only ${planFile.length} bytes`);
        assert.match(planFile.toString("utf8"), /name: USER_VAR_9999\n\s+value: value-9999\n/);
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    test("plan of a 10,000-entry StorageCluster: piped, the same bytes as to a file", () => {
        assertSameBytes(clean(sh(big, plan, "| cat")), planFile);
    });

    test("plan | head -c 100 ends quietly", () => {
        assertQuietHead(big, plan, planFile);
    });

    test("plan-diff reads the whole plan through its pipe and prints its summary through one", () => {
        // No Pulumi.yaml, so no stacks: only the head plans.
        const empty = path.join(tmp, "empty");
        fs.mkdirSync(empty);
        const out = path.join(tmp, "plan-out");
        const r = sh(
            ROOT,
            ["--import", "tsx", "scripts/plan-diff.ts", "--base", empty, "--head", big, "--out", out],
            "| cat",
        );
        assert.equal(
            clean(r).toString("utf8"),
            `dev: base no stack, head passed, changed\nwrote ${path.relative(ROOT, out)}/{plan.diff,comment.md}\n`,
        );
        assertSameBytes(
            fs.readFileSync(path.join(out, "dev.head.txt")),
            Buffer.concat([planFile, Buffer.from("--- passed ---\n")]),
        );
    });

    test("token mint of a 190 KB token: piped, the same bytes as to a file, and verifiable", async () => {
        const secret = "pipes-test-shared-secret-of-at-least-32-bytes";
        const groups = Array.from({ length: 16_000 }, (_, i) => `g${String(i).padStart(5, "0")}`);
        const args = [
            "--import",
            FIXED_CLOCK,
            "--import",
            "tsx",
            "cli/token.ts",
            "mint",
            ...["--issuer", "px.example.com", "--name", "ci", "--roles", "system.view", "--lifetime", "1h"],
            ...["--groups", groups.join(",")],
        ];
        const { file, piped } = fileAndPipe(ROOT, args, `${secret}\n`);
        assert.ok(file.length > 2 * PIPE_BUFFER, `the token is only ${file.length} bytes`);
        assertSameBytes(piped, file);
        // The same bytes the CLI prints in-process with the same clock.
        let inProcess = "";
        const code = await tokenMain(args.slice(args.indexOf("mint")), {
            readStdin: async () => `${secret}\n`,
            readFile: () => assert.fail("reads no file"),
            stdout: (t) => void (inProcess += t),
            stderr: (t) => assert.fail(t),
            now: () => NOW,
        });
        assert.equal(code, 0);
        assert.equal(piped.toString("utf8"), inProcess);
        const { payload } = await jose.jwtVerify(piped.toString("utf8").trim(), new TextEncoder().encode(secret), {
            currentDate: new Date(NOW * 1000),
        });
        assert.deepEqual(payload.groups, groups);
        assertQuietHead(ROOT, args, file, `${secret}\n`);
    });

    test("docs: piped, its whole line and a clean exit", () => {
        const r = sh(big, ["--import", "tsx", "scripts/config-reference.ts"], "| cat");
        assert.match(
            clean(r).toString("utf8"),
            /^Pulumi\.yaml (already up to date|updated)\ndocs\/config-reference\.md (already up to date|updated)\n$/,
        );
    });
});

test("every command ends through runCommand, never process.exit()", () => {
    const commands = ["cli", "scripts"].flatMap((dir) =>
        fs
            .readdirSync(path.join(ROOT, dir))
            .filter((f) => f.endsWith(".ts"))
            .map((f) => path.join(dir, f))
            // A Pulumi program the bench times, transpiled alone: it prints nothing and imports no command helper.
            .filter((f) => f !== path.join("scripts", "bench-engine.ts")),
    );
    let mains = 0;
    for (const file of commands) {
        const src = fs.readFileSync(path.join(ROOT, file), "utf8");
        // Code, not the comments that explain why (those quote it in backticks).
        assert.doesNotMatch(src, /(?<!`)process\.exit\(/, file);
        if (!/^if \(require\.main === module\)/m.test(src)) continue;
        mains++;
        assert.match(
            src,
            /^if \(require\.main === module\)[^]*runCommand\(/m,
            `${file} does not end through runCommand`,
        );
    }
    assert.ok(mains >= 5, `found ${mains} commands`);
});
