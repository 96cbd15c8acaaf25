// The npm package installed as a user installs it: the tarball and, from the npm registry, the
// Pulumi peers at versions other than this repository's, the lowest and the highest each declared
// range allows. Its child resources must be the consumer's own classes (one copy of each peer), so a
// program can depend on them. Needs the npm registry: `npm run test:package`, in CI after `npm test`.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as YAML from "yaml";
import { CONSUMER_MOCKS, pack, ROOT, run, type Manifest } from "../pack";

const PEERS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random"] as const;

// Plain `node` in the consumer: the component, then a ConfigMap that depends on its child resources.
const CONSUMER_SCRIPT = `"use strict";
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");

async function main() {
    const live = JSON.parse(fs.readFileSync("live.json", "utf8"));
    const registered = [];
${CONSUMER_MOCKS}    // The dependencies the engine is sent for each registration, by name.
    const deps = {};
    const monitor = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        deps[req.getName()] = req.getDependenciesList().map((urn) => urn.split("::").pop());
        return register(req, cb);
    };
    const { PortworxAuth } = require("portworx-auth");
    const auth = new PortworxAuth("px", {
        namespace: "portworx",
        storageClusterName: "px-cluster",
        selfSigned: { issuer: "portworx.example.com" },
        tokens: [{ name: "ci", roles: ["system.view"] }],
    });
    const children = [auth.storageClusterPatch, ...auth.keySecrets, ...auth.tokenSecrets];
    new k8s.core.v1.ConfigMap("after", { data: {} }, { dependsOn: children });
    await new Promise((resolve) => auth.secretName.apply(resolve));
    // Registrations go on after the outputs resolve: wait until none has come for a while.
    let seen = -1;
    for (let quiet = 0; quiet < 50; ) {
        await new Promise((r) => setImmediate(r));
        quiet = registered.length === seen ? quiet + 1 : 0;
        seen = registered.length;
    }
    const out = {
        versions: Object.fromEntries(
            ${JSON.stringify(PEERS)}.map((p) => [p, require(p + "/package.json").version]),
        ),
        patchIsConsumers: auth.storageClusterPatch instanceof k8s.apiextensions.CustomResourcePatch,
        secretsAreConsumers: [...auth.keySecrets, ...auth.tokenSecrets].every((s) => s instanceof k8s.core.v1.SecretPatch),
        resources: children.every((c) => pulumi.CustomResource.isInstance(c)),
        after: (deps.after || []).sort(),
    };
    fs.writeFileSync("result.json", JSON.stringify(out));
}
main().catch((e) => {
    console.error(e);
    process.exit(1);
});
`;

/** The lowest and the highest published version each peer range allows. */
function peerSets(manifest: Manifest): Record<string, string>[] {
    const bounds = PEERS.map((p) => {
        const range = manifest.peerDependencies[p]!;
        const published = JSON.parse(run("npm", ["view", `${p}@${range}`, "version", "--json"], { cwd: os.tmpdir() }));
        const versions = ([] as string[]).concat(published);
        return [p, versions[0]!, versions[versions.length - 1]!] as const;
    });
    return [
        Object.fromEntries(bounds.map(([p, low]) => [p, low])),
        Object.fromEntries(bounds.map(([p, , high]) => [p, high])),
    ];
}

describe("npm package from the registry", { timeout: 600_000 }, () => {
    let tmp: string;
    let tarball: string;
    let manifest: Manifest;
    let sets: Record<string, string>[];
    const dev = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).devDependencies as Record<
        string,
        string
    >;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portworx-auth-registry-"));
        ({ tarball, manifest } = pack(tmp));
        sets = peerSets(manifest);
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("tries, for every Pulumi peer, a version other than the one this repository tests with", () => {
        for (const p of PEERS) {
            assert.ok(
                sets.some((s) => s[p] !== dev[p]),
                `${p}: its range ${manifest.peerDependencies[p]} allows only ${dev[p]}`,
            );
        }
    });

    for (const which of ["lowest", "highest"] as const) {
        it(`installs with the ${which} peers each range allows, and a program depends on its child resources`, () => {
            const versions = sets[which === "lowest" ? 0 : 1]!;
            const consumer = path.join(tmp, which);
            fs.mkdirSync(consumer);
            fs.writeFileSync(
                path.join(consumer, "package.json"),
                JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
            );
            // --ignore-scripts: the providers' install scripts fetch plugins, which the mock engine never runs.
            run(
                "npm",
                [
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    tarball,
                    ...PEERS.map((p) => `${p}@${versions[p]}`),
                ],
                { cwd: consumer },
            );
            // One copy of each peer: none nested under the package.
            for (const p of PEERS) {
                assert.ok(!fs.existsSync(path.join(consumer, "node_modules", "portworx-auth", "node_modules", p)), p);
            }
            const live = YAML.parse(fs.readFileSync(path.join(ROOT, "examples", "storagecluster.yaml"), "utf8"));
            fs.writeFileSync(path.join(consumer, "live.json"), JSON.stringify(live));
            fs.writeFileSync(path.join(consumer, "check.cjs"), CONSUMER_SCRIPT);
            run(process.execPath, ["check.cjs"], { cwd: consumer });
            const result = JSON.parse(fs.readFileSync(path.join(consumer, "result.json"), "utf8"));
            assert.deepEqual(result.versions, versions);
            assert.equal(result.patchIsConsumers, true);
            assert.equal(result.secretsAreConsumers, true);
            assert.equal(result.resources, true);
            assert.deepEqual(result.after, [
                "px-keys",
                "px-px-admin-token",
                "px-storagecluster",
                "px-system-keys",
                "px-token-admin",
                "px-token-ci",
            ]);
        });
    }
});
