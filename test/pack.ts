// `npm pack` of this checkout, as both package tests make it.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");

/** The package's own manifest, as packed. */
export interface Manifest {
    version: string;
    main: string;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
    exports: Record<string, Record<string, string>>;
}

/** The environment without npm's per-script variables (they name this repository) or tsx. */
export function cleanEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "NODE_OPTIONS"));
}

export function run(cmd: string, args: string[], opts: SpawnSyncOptions): string {
    const r = spawnSync(cmd, args, { encoding: "utf8", env: cleanEnv(), maxBuffer: 64 * 1024 * 1024, ...opts });
    if (r.error) throw r.error;
    assert.equal(r.status, 0, `${cmd} ${args.join(" ")} failed:\n${String(r.stdout)}\n${String(r.stderr)}`);
    return String(r.stdout);
}

/**
 * Packs a copy of the work tree into `tmp` (tests and all, so `files` is what keeps them out), leaving
 * this repository's dist/ alone; the prepare script builds dist/ in the copy first.
 */
export function pack(tmp: string): { source: string; tarball: string; entries: string[]; manifest: Manifest } {
    const source = path.join(tmp, "source");
    const skip = new Set(["node_modules", ".git", "dist", "plan-out", "bench-out"]);
    fs.cpSync(ROOT, source, {
        recursive: true,
        filter: (src) => !skip.has(path.basename(src)) && !src.endsWith(".tgz"),
    });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(source, "node_modules"));
    assert.ok(fs.existsSync(path.join(source, "test", "package.test.ts")));
    run("npm", ["pack", "--pack-destination", tmp, "--no-fund"], { cwd: source });
    const tarballs = fs.readdirSync(tmp).filter((f) => f.endsWith(".tgz"));
    assert.equal(tarballs.length, 1, tarballs.join(", "));
    const tarball = path.join(tmp, tarballs[0]!);
    const entries = run("tar", ["-tzf", tarball], { cwd: tmp })
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.replace(/^package\//, ""));
    const manifest = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], { cwd: tmp })) as Manifest;
    return { source, tarball, entries, manifest };
}

/**
 * JavaScript for a consumer's script: the mock engine, with the live StorageCluster read returning
 * `live` and every registration's type pushed to `registered` (both declared by the script).
 */
export const CONSUMER_MOCKS = `    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                registered.push(args.type);
                if (args.id) return { id: args.id, state: live };
                if (args.type === "random:index/randomBytes:RandomBytes") {
                    const hex = "ab".repeat(32);
                    return { id: args.name, state: { ...args.inputs, hex, base64: Buffer.from(hex, "hex").toString("base64") } };
                }
                return { id: args.name + "-id", state: args.inputs };
            },
            call(args) {
                throw new Error("unexpected call " + args.token);
            },
        },
        "consumer",
        "test",
        false,
    );
`;
