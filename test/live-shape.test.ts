// A live object of a shape this project does not read is a named error (the plan: exit 2; the program: a
// ResourceError, nothing written), never a TypeError.
/* eslint-disable @typescript-eslint/no-explicit-any -- live objects are edited freely here */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { PortworxAuth } from "../components";
import { deploymentShape, storageClusterShape } from "../components/liveShape";
import { fixture, runScenario, sampleLive } from "./harness";

const ROOT = path.resolve(__dirname, "..");

const live = (mutate: (l: Record<string, any>) => void) => {
    const l = sampleLive() as Record<string, any>;
    mutate(l);
    return l;
};

/** Each malformed StorageCluster, and the field its error names. */
const MALFORMED: [string, (l: Record<string, any>) => void, string][] = [
    ["spec.autopilot.env as a map", (l) => (l.spec.autopilot.env = { A: "1" }), "spec.autopilot.env"],
    ["spec.autopilot.env as a string", (l) => (l.spec.autopilot.env = "A=1"), "spec.autopilot.env"],
    ["a nameless spec.autopilot.env entry", (l) => (l.spec.autopilot.env = [{ value: "1" }]), "spec.autopilot.env[0]"],
    ["spec.autopilot as a list", (l) => (l.spec.autopilot = [{ enabled: true }]), "spec.autopilot"],
    ["spec.env as a string", (l) => (l.spec.env = "A=1"), "spec.env"],
    ["spec.stork.env as a map", (l) => (l.spec.stork.env = { A: "1" }), "spec.stork.env"],
    ["spec.volumes entry without a name", (l) => (l.spec.volumes = [{ secret: {} }]), "spec.volumes[0]"],
    ["spec.security.auth as a string", (l) => (l.spec.security = { auth: "on" }), "spec.security.auth"],
    ["spec.security.tls as a list", (l) => (l.spec.security = { tls: [] }), "spec.security.tls"],
    [
        "spec.security.auth.selfSigned as a string",
        (l) => (l.spec.security = { auth: { selfSigned: "x" } }),
        "spec.security.auth.selfSigned",
    ],
    ["spec.nodes as a map", (l) => (l.spec.nodes = { a: {} }), "spec.nodes"],
    ["spec.nodes[0].env as a map", (l) => (l.spec.nodes = [{ env: { A: "1" } }]), "spec.nodes[0].env"],
];

describe("live shapes, in the pure core", () => {
    test("the sample StorageCluster and Stork Deployment are read as they are", () => {
        assert.equal(storageClusterShape(sampleLive()), undefined);
        assert.equal(deploymentShape(YAML.parse(fixture("stork-deployment.yaml"))), undefined);
    });

    for (const [title, mutate, field] of MALFORMED) {
        test(`${title} names ${field}`, () => assert.equal(storageClusterShape(live(mutate))?.field, field));
    }

    test("a Stork Deployment whose containers are not a list of named containers names the field", () => {
        const d = () => YAML.parse(fixture("stork-deployment.yaml"));
        const notList = d();
        notList.spec.template.spec.containers = { stork: {} };
        assert.equal(deploymentShape(notList)?.field, "spec.template.spec.containers");
        const badEnv = d();
        badEnv.spec.template.spec.containers[0].env = "A=1";
        assert.equal(deploymentShape(badEnv)?.field, "spec.template.spec.containers[0].env");
    });
});

describe("the plan: exit 2 naming the file and field, no trace", () => {
    for (const [title, mutate, field] of MALFORMED.slice(0, 5)) {
        test(title, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-shape-"));
            const file = path.join(dir, "live.yaml");
            fs.writeFileSync(file, YAML.stringify(live(mutate)));
            const r = spawnSync(
                process.execPath,
                ["--import", "tsx", "cli/plan.ts", "--stack", "dev", "--live", file],
                {
                    cwd: ROOT,
                    encoding: "utf8",
                },
            );
            assert.equal(r.status, 2, r.stderr);
            const at = field.replace(/[.[\]]/g, "\\$&");
            assert.match(
                r.stderr,
                new RegExp(`^portworx-auth: --live: .*live\\.yaml: ${at} is not .*Fix: fix ${at} in `),
            );
            assert.doesNotMatch(r.stderr, /TypeError|\n\s+at /);
        });
    }
});

describe("the program: a ResourceError naming the StorageCluster and field, nothing written", () => {
    const args = { namespace: "portworx", storageClusterName: "px-cluster", selfSigned: { issuer: "a.b" } };
    for (const preview of [false, true]) {
        for (const [title, mutate, field] of MALFORMED) {
            test(`${title} (preview=${preview})`, async () => {
                const { recorded, rejections } = await runScenario({ preview, live: live(mutate) }, () => {
                    new PortworxAuth("px", args);
                });
                const expected = `StorageCluster portworx/px-cluster: ${field} is not `;
                // Thrown as a ResourceError (as preflight's refusals are); the mock engine reports it inside its own.
                assert.ok(rejections.length > 0, "expected an error");
                for (const e of rejections) {
                    assert.ok(e.message.includes(expected), e.message);
                    assert.match(e.message, /nothing was written\. Fix: correct .*kubectl edit storagecluster/);
                    assert.doesNotMatch(e.message, /TypeError|Cannot read|is not a function/);
                }
                assert.deepEqual(
                    recorded.filter((r) => r.id === undefined).map((r) => r.type),
                    ["portworx-auth:index:PortworxAuth"],
                );
            });
        }
    }

    test("deployment mode: a Stork Deployment of the wrong shape names it", async () => {
        const stork = YAML.parse(fixture("stork-deployment.yaml"));
        stork.spec.template.spec.containers = "stork";
        const { rejections } = await runScenario(
            {
                preview: false,
                live: live((l) => (l.spec.stork = { enabled: false })),
                reads: { [`${stork.metadata.namespace}/${stork.metadata.name}`]: stork },
            },
            () => {
                new PortworxAuth("px", {
                    ...args,
                    stork: { mode: "deployment", namespace: stork.metadata.namespace },
                });
            },
        );
        assert.match(
            rejections[0]?.message ?? "",
            new RegExp(
                `Deployment ${stork.metadata.namespace}/stork: spec\\.template\\.spec\\.containers is not a list`,
            ),
        );
    });
});
