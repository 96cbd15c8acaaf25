// The npm package as another program gets it: `npm pack`, install the tarball into a fresh
// project, then `require("portworx-auth")` from plain Node (CommonJS, no tsx) and create the
// component under the mock engine. Offline: the tarball's dependencies are linked to this
// repository's node_modules, so npm resolves them without a registry (test/registry/ installs other
// versions from the registry). And the checkout as a
// Pulumi plugin: started as the Node.js language host starts it, it serves schema.json.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as YAML from "yaml";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { cleanEnv, CONSUMER_MOCKS, pack, ROOT, run, type Manifest } from "./pack";

// Runs in the consumer with plain `node`: the live StorageCluster read returns examples/storagecluster.yaml.
const CONSUMER_SCRIPT = `"use strict";
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");

async function main() {
    const live = JSON.parse(fs.readFileSync("live.json", "utf8"));
    const registered = [];
${CONSUMER_MOCKS}    const lib = require("portworx-auth");
    const auth = new lib.PortworxAuth("px", {
        namespace: "portworx",
        storageClusterName: "px-cluster",
        selfSigned: { issuer: "portworx.example.com" },
    });
    const secretName = await new Promise((resolve) => auth.secretName.apply(resolve));
    // Registrations go on after the outputs resolve: wait until none has come for a while.
    let seen = -1;
    for (let quiet = 0; quiet < 50; ) {
        await new Promise((r) => setImmediate(r));
        quiet = registered.length === seen ? quiet + 1 : 0;
        seen = registered.length;
    }
    const out = { resolved: require.resolve("portworx-auth"), exports: Object.keys(lib).sort(), secretName, registered };
    fs.writeFileSync("result.json", JSON.stringify(out));
}
main().catch((e) => {
    console.error(e);
    process.exit(1);
});
`;

// Type-checked against the installed declarations, as a TypeScript consumer would.
const CONSUMER_TS = `import { PortworxAuth, ConfigError, type PortworxAuthArgs } from "portworx-auth";
const args: PortworxAuthArgs = { namespace: "portworx", storageClusterName: "px-cluster", oidc: { issuer: "https://id.example.com", clientId: "px" } };
export const make = (): PortworxAuth => new PortworxAuth("px", args);
export const isConfigError = (e: unknown): boolean => e instanceof ConfigError;
`;

/** The schema a running provider serves, over the gRPC call the Pulumi CLI makes. */
function getSchema(port: string): Promise<string> {
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new Promise((resolve, reject) =>
        client.getSchema(new GetSchemaRequest(), (err, resp) => {
            client.close();
            if (err || !resp) reject(err ?? new Error("no response"));
            else resolve(resp.getSchema());
        }),
    );
}

describe("npm package", { timeout: 180_000 }, () => {
    let tmp: string;
    let source: string;
    let entries: string[];
    let consumer: string;
    let manifest: Manifest;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portworx-auth-pack-"));
        let tarball: string;
        ({ source, tarball, entries, manifest } = pack(tmp));

        // Every dependency and peer the package declares, and nothing else, comes from here:
        // one that is used but not declared fails to resolve.
        consumer = path.join(tmp, "consumer");
        fs.mkdirSync(consumer);
        const linked = [
            ...Object.keys(manifest.dependencies),
            ...Object.keys(manifest.peerDependencies),
            "@types/node",
        ];
        const dependencies = Object.fromEntries(
            linked.map((name) => [name, `file:${path.join(ROOT, "node_modules", name)}`]),
        );
        fs.writeFileSync(
            path.join(consumer, "package.json"),
            JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }),
        );
        run(
            "npm",
            [
                "install",
                "--offline",
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                tarball,
            ],
            { cwd: consumer },
        );
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("packs the built library with its declarations and nothing else", () => {
        for (const f of [
            "package.json",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "dist/components/index.js",
            "dist/components/index.d.ts",
            "dist/components/portworxAuth.d.ts",
        ]) {
            assert.ok(entries.includes(f), `${f} missing from the tarball`);
        }
        const stray = entries.filter(
            (f) =>
                /(^|\/)(test|node_modules|cli|scripts|stacks|examples)\//.test(f) ||
                (f.endsWith(".ts") && !f.endsWith(".d.ts")),
        );
        assert.deepEqual(stray, []);
        assert.ok(
            entries.every((f) => !f.startsWith("dist/") || f.startsWith("dist/components/")),
            entries.join("\n"),
        );
    });

    it("declares the Pulumi packages as peers, every dependency as a caret range, and points exports at the library", () => {
        assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), [
            "@pulumi/kubernetes",
            "@pulumi/pulumi",
            "@pulumi/random",
        ]);
        for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
            assert.match(range, /^\^[0-9]+\.[0-9]+\.[0-9]+$/, `${name} ${range}`);
        }
        assert.deepEqual(
            Object.keys(manifest.dependencies).filter((d) => d.startsWith("@pulumi/")),
            [],
        );
        assert.deepEqual(manifest.exports["."], {
            types: "./dist/components/index.d.ts",
            require: "./dist/components/index.js",
            default: "./dist/components/index.js",
        });
    });

    it("keeps `pulumi up` on the program: Pulumi.yaml's main wins over package.json", () => {
        // @pulumi/pulumi's run.js reads package.json's exports or main only when Pulumi.yaml names
        // no entry point; exports["."] is the library, which would register nothing.
        assert.equal(YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).main, "index.ts");
        assert.ok(fs.existsSync(path.join(ROOT, "index.ts")));
    });

    it("runs as a Pulumi plugin: started as the language host starts it, it serves schema.json", async () => {
        // pulumi-language-nodejs runs `node @pulumi/pulumi/cmd/run-plugin <dir> <engine>` after
        // `npm install` there (which ran prepare, as npm pack did here); the host prints its port.
        const runPlugin = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
        const child = spawn(process.execPath, [runPlugin, source, "127.0.0.1:1"], { cwd: tmp, env: cleanEnv() });
        try {
            let out = "";
            let err = "";
            child.stderr.on("data", (d) => (err += String(d)));
            const port = await new Promise<string>((resolve, reject) => {
                child.stdout.on("data", (d) => {
                    out += String(d);
                    const m = /^(\d+)\n/.exec(out);
                    if (m) resolve(m[1]!);
                });
                child.on("exit", (code) => reject(new Error(`plugin exited with ${code}: ${out}${err}`)));
            });
            const served = JSON.parse(await getSchema(port)) as Record<string, unknown>;
            assert.equal(served.version, manifest.version);
            delete served.version;
            assert.deepEqual(served, JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")));
        } finally {
            child.kill();
        }
    });

    it("is required from plain Node and creates the component under the mock engine", () => {
        const live = YAML.parse(fs.readFileSync(path.join(ROOT, "examples", "storagecluster.yaml"), "utf8"));
        fs.writeFileSync(path.join(consumer, "live.json"), JSON.stringify(live));
        fs.writeFileSync(path.join(consumer, "check.cjs"), CONSUMER_SCRIPT);
        run(process.execPath, ["check.cjs"], { cwd: consumer });
        const result = JSON.parse(fs.readFileSync(path.join(consumer, "result.json"), "utf8"));
        assert.equal(
            fs.realpathSync(result.resolved),
            fs.realpathSync(path.join(consumer, "node_modules", "portworx-auth", "dist", "components", "index.js")),
        );
        assert.ok(result.exports.includes("PortworxAuth"), result.exports.join(", "));
        assert.equal(result.secretName, "pxkeys");
        assert.ok(result.registered.includes("portworx-auth:index:PortworxAuth"), result.registered.join("\n"));
        assert.ok(
            result.registered.includes("kubernetes:core.libopenstorage.org/v1:StorageClusterPatch"),
            result.registered.join("\n"),
        );
    });

    it("type-checks a TypeScript consumer against the installed declarations", () => {
        fs.writeFileSync(path.join(consumer, "index.ts"), CONSUMER_TS);
        const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
        const check = (...flags: string[]) =>
            run(
                process.execPath,
                [tsc, "--noEmit", "--strict", "--target", "ES2022", "--types", "node", ...flags, "index.ts"],
                {
                    cwd: consumer,
                },
            );
        // node16 reads exports' "types", and this run also checks the shipped .d.ts files themselves.
        check("--module", "node16", "--moduleResolution", "node16");
        // The older node10 resolution reads the top-level "types"; the .d.ts files are checked above.
        check("--module", "commonjs", "--moduleResolution", "node10", "--skipLibCheck");
    });
});
