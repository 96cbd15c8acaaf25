// A second preview is empty: what the component registers so that the provider's diff stays quiet
// once the cluster holds what was applied (README "Stork", "Operator mode"), and still speaks when
// someone changes our entries by hand.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import {
    clusterAfter,
    find,
    fixture,
    recordedOptions,
    runScenario,
    sampleLive,
    unwrapSecrets,
    type Recorded,
} from "./harness";

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Dep = {
    metadata: Record<string, unknown>;
    spec: { template: { spec: { containers: { name: string; env: Env[] }[] } } };
};

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};
const DEPLOYMENT: PortworxAuthArgs = { ...BASE, stork: { mode: "deployment" } };
const OURS = ["PX_SHARED_SECRET", "PX_JWT_ISSUER", "PX_AUTH_KEYS_REVISION"];

function liveCluster(): Record<string, unknown> {
    const live = sampleLive() as { spec: Record<string, unknown> };
    live.spec = { ...live.spec, stork: { enabled: false } };
    return live;
}

/** Stork installed on its own, as the fixture has it, in the component's namespace. */
function storkDeployment(): Dep {
    const d = YAML.parse(fixture("stork-deployment.yaml")) as Dep;
    return { ...d, metadata: { ...d.metadata, namespace: "portworx" } };
}

const patchEnv = (r: Recorded[]) =>
    (unwrapSecrets(find(r, ":DeploymentPatch").inputs) as Dep).spec.template.spec.containers[0].env;

/** What server-side apply leaves: Stork's own entries first, then the patch's, each replacing one of its name. */
function applied(stork: Dep, ours: Env[]): Dep {
    const c = stork.spec.template.spec.containers[0];
    const own = c.env.filter((e) => !ours.some((o) => o.name === e.name));
    const copy = structuredClone(stork);
    copy.spec.template.spec.containers[0].env = [...own, ...structuredClone(ours)];
    return copy;
}

async function run(args: PortworxAuthArgs, live: Record<string, unknown>, stork: Dep, preview = false) {
    return runScenario(
        { preview, live, reads: { "portworx/stork": stork as never } },
        () => new PortworxAuth("px", args),
    );
}

describe("deployment mode: the Stork patch", () => {
    for (const preview of [false, true]) {
        test(`applies only our entries, and asks the provider's diff only while Stork's differ (preview=${preview})`, async () => {
            const stork = storkDeployment();
            const first = await run(DEPLOYMENT, liveCluster(), stork);
            assert.deepEqual(first.rejections, []);
            const env = patchEnv(first.recorded);
            // Only our names: applying Stork's own entries would make us co-own them under SSA.
            assert.deepEqual(
                env.map((e) => e.name),
                OURS,
            );
            assert.deepEqual(recordedOptions.get("px-stork")?.ignoreChanges, [], "Stork lacks our entries: diff it");

            const live = clusterAfter(first.recorded, liveCluster());
            const after = applied(stork, env);
            // The live list now starts with Stork's own entries: the provider would pair those with ours.
            assert.notEqual(after.spec.template.spec.containers[0].env[0].name, OURS[0]);
            const second = await run(DEPLOYMENT, live, after, preview);
            assert.deepEqual(second.rejections, []);
            assert.deepEqual(patchEnv(second.recorded), env, "the same inputs");
            assert.deepEqual(recordedOptions.get("px-stork")?.ignoreChanges, ["spec"]);
            assert.ok(recordedOptions.get("px-storagecluster")?.dependsOn.includes("px-stork"));
            assert.equal(recordedOptions.get("px-stork")?.retainOnDelete, true);
        });
    }

    const edits: [string, (env: Env[]) => Env[]][] = [
        ["PX_SHARED_SECRET removed", (env) => env.filter((e) => e.name !== "PX_SHARED_SECRET")],
        [
            "PX_SHARED_SECRET pointed at another key",
            (env) =>
                env.map((e) =>
                    e.name === "PX_SHARED_SECRET"
                        ? { name: e.name, valueFrom: { secretKeyRef: { name: "px-system-secrets", key: "other" } } }
                        : e,
                ),
        ],
        ["PX_JWT_ISSUER edited", (env) => env.map((e) => (e.name === "PX_JWT_ISSUER" ? { ...e, value: "x" } : e))],
    ];
    for (const [what, edit] of edits) {
        test(`a hand edit is a change again: ${what}`, async () => {
            const stork = storkDeployment();
            const first = await run(DEPLOYMENT, liveCluster(), stork);
            const live = clusterAfter(first.recorded, liveCluster());
            const after = applied(stork, patchEnv(first.recorded));
            const c = after.spec.template.spec.containers[0];
            c.env = edit(c.env);
            const second = await run(DEPLOYMENT, live, after, true);
            assert.deepEqual(second.rejections, []);
            assert.deepEqual(recordedOptions.get("px-stork")?.ignoreChanges, []);
            assert.deepEqual(patchEnv(second.recorded), patchEnv(first.recorded), "and the patch writes ours back");
        });
    }

    test("a rotation of the Stork key is a change, although Stork holds the old entries exactly", async () => {
        const stork = storkDeployment();
        const first = await run(DEPLOYMENT, liveCluster(), stork);
        const live = clusterAfter(first.recorded, liveCluster());
        const after = applied(stork, patchEnv(first.recorded));
        const second = await run({ ...DEPLOYMENT, rotation: { storkKey: "2" } }, live, after, true);
        assert.deepEqual(second.rejections, []);
        assert.deepEqual(recordedOptions.get("px-stork")?.ignoreChanges, []);
        assert.notDeepEqual(patchEnv(second.recorded), patchEnv(first.recorded));
    });
});

describe("operator mode: the Secrets the operator adopts", () => {
    const OP: PortworxAuthArgs = { ...BASE, securityMode: "operator" };
    const ANNOTATIONS = [
        'metadata.annotations["pulumi.com/patchFieldManager"]',
        'metadata.annotations["pulumi.com/patchForce"]',
    ];
    for (const preview of [false, true]) {
        test(`ignore only the pulumi.com/patch* annotations the operator replaces, and still write them (preview=${preview})`, async () => {
            const r = await runScenario({ preview, live: sampleLive() }, () => new PortworxAuth("px", OP));
            assert.deepEqual(r.rejections, []);
            const keySecrets = r.recorded.filter((x) => x.type === "kubernetes:core/v1:SecretPatch");
            // px-system-secrets and the shared secret's Secret: both are CreateOrAppendToSecret's.
            assert.deepEqual(keySecrets.map((x) => (x.inputs.metadata as { name: string }).name).sort(), [
                "px-system-secrets",
                "pxkeys",
            ]);
            for (const ks of keySecrets) {
                assert.deepEqual(recordedOptions.get(ks.name)?.ignoreChanges, ANNOTATIONS, ks.name);
                // The provider reads its field manager and force from these: they stay in the inputs.
                const a = (ks.inputs.metadata as { annotations: Record<string, string> }).annotations;
                assert.equal(a["pulumi.com/patchForce"], "true");
                assert.ok(a["pulumi.com/patchFieldManager"]);
                assert.equal(a["stork.libopenstorage.org/skip-resource"], "true");
            }
        });
    }

    test("env mode ignores nothing: the operator does not rewrite the Secrets there", async () => {
        const r = await runScenario({ preview: false, live: sampleLive() }, () => new PortworxAuth("px", BASE));
        assert.deepEqual(r.rejections, []);
        for (const x of r.recorded.filter((y) => y.type === "kubernetes:core/v1:SecretPatch")) {
            assert.deepEqual(recordedOptions.get(x.name)?.ignoreChanges, [], x.name);
        }
    });
});
