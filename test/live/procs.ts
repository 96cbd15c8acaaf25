// Child processes of the live suite: each started in a session of its own and stopped by its id,
// also when the suite fails or is interrupted. Nothing is ever stopped by name.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const running = new Map<number, ChildProcess>();

/**
 * The processes of the session `sid`. A child started with `detached: true` leads a session of
 * its own; Pulumi starts each plugin in a process group of its own, but in that same session.
 */
function sessionMembers(sid: number): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // Fields after the command name (which may hold spaces): state ppid pgrp session ...
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            if (Number(fields[3]) === sid) pids.push(Number(entry));
        } catch {
            // Gone meanwhile.
        }
    }
    return pids;
}

/** Signals the child's process group and every process left in its session, each by id. */
function signal(pid: number, sig: NodeJS.Signals): void {
    const targets = [-pid, ...sessionMembers(pid).filter((p) => p !== pid)];
    for (const target of targets) {
        try {
            process.kill(target, sig);
        } catch {
            // Already gone.
        }
    }
}

/** Starts a long-running process (etcd, kube-apiserver), its output appended to `logFile`. */
export function startDaemon(cmd: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
    const out = fs.openSync(logFile, "a");
    const child = spawn(cmd, args, { detached: true, stdio: ["ignore", out, out], env: env ?? process.env });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    const pid = child.pid;
    running.set(pid, child);
    child.on("exit", () => running.delete(pid));
    return child;
}

/** Stops one process group by id: SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
    const pid = child.pid;
    if (pid === undefined || !running.has(pid)) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    signal(pid, "SIGTERM");
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([exited, timer])) === "timeout") {
        signal(pid, "SIGKILL");
        await exited;
    }
    running.delete(pid);
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command to its end (bounded by `timeoutMs`), in its own process group. */
export function run(
    cmd: string,
    args: string[],
    opts: SpawnOptions & { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
    const { timeoutMs = 600_000, input, ...spawnOpts } = opts;
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { ...spawnOpts, detached: true, stdio: ["pipe", "pipe", "pipe"] });
        if (child.pid === undefined) {
            reject(new Error(`could not start ${cmd}`));
            return;
        }
        const pid = child.pid;
        running.set(pid, child);
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        // A command that exits without reading its input closes the pipe first: that is not a failure.
        child.stdin?.on("error", (e: NodeJS.ErrnoException) => {
            if (e.code !== "EPIPE") stderr += `\n[live suite] ${cmd}: stdin: ${e.message}\n`;
        });
        child.stdin?.end(input ?? "");
        const timer = setTimeout(() => {
            stderr += `\n[live suite] ${cmd} ${args.join(" ")}: stopped after ${timeoutMs} ms\n`;
            signal(pid, "SIGKILL");
        }, timeoutMs);
        child.on("error", reject);
        child.on("close", (code, sig) => {
            clearTimeout(timer);
            running.delete(pid);
            // Whatever the run left in its group (a plugin that outlived the CLI) goes too.
            signal(pid, "SIGKILL");
            resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr });
        });
    });
}

const temps = new Set<string>();

/** A temporary directory, removed by {@link removeTemp} or, at the latest, when the suite exits. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temps.add(dir);
    return dir;
}

export function removeTemp(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
    temps.delete(dir);
}

/** Last resort on exit: every process group still running is killed, by id, and temp dirs go. */
function killAll(): void {
    for (const pid of running.keys()) signal(pid, "SIGKILL");
    running.clear();
    for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
    temps.clear();
}
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
        killAll();
        process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
}
