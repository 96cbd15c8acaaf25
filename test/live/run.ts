// Runs the live suite under node:test (TAP, one line per scenario) and closes with a plain
// "N passed, M failed" line; exits non-zero on any failure or when no scenario ran.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const dir = __dirname;
const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".live.ts"))
    .sort()
    .map((f) => path.join(dir, f));
const child = spawn(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=tap", "--test-concurrency=1", ...files],
    { stdio: ["ignore", "pipe", "inherit"] },
);
let pass = 0;
let fail = 0;
let buffered = "";
child.stdout.on("data", (d: Buffer) => {
    process.stdout.write(d);
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
        const m = /^# (pass|fail) (\d+)$/.exec(line);
        if (m?.[1] === "pass") pass = Number(m[2]);
        if (m?.[1] === "fail") fail = Number(m[2]);
    }
});
// Forwarded so the suite's own handlers stop what it started; this runner starts nothing else.
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("close", (code) => {
    console.log(`${pass} passed, ${fail} failed`);
    process.exit(code === 0 && fail === 0 && pass > 0 ? 0 : 1);
});
