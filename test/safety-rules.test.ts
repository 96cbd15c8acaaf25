// Safety rules that once had no test (code review 2026-12, mutants M11, M17, M18, M21): each test
// here fails when the rule's line is removed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { find, runScenario, sampleLive, value } from "./harness";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};
const OPERATOR: PortworxAuthArgs = { ...BASE, securityMode: "operator" };

async function run(args: PortworxAuthArgs, live: Record<string, unknown>) {
    let component: PortworxAuth | undefined;
    const scenario = await runScenario({ preview: false, live }, () => {
        component = new PortworxAuth("px", args);
    });
    return { ...scenario, component: component as PortworxAuth };
}
const wrote = (r: { type: string }[]) => r.some((x) => x.type.endsWith("Patch") || x.type.includes("random"));

describe("safety rules", () => {
    // M11: the operator is taking the cluster apart; a roll now would race it.
    for (const phase of ["Uninstalling", "Deleting"]) {
        test(`a StorageCluster that is ${phase} is refused, nothing written`, async () => {
            const live = structuredClone(sampleLive()) as { status: Record<string, unknown> };
            live.status.phase = phase;
            const { recorded, rejections } = await run(BASE, live);
            assert.match(rejections[0]?.message ?? "", new RegExp(`status\\.phase: .* is ${phase}`));
            assert.ok(!wrote(recorded));
        });
    }

    // M17: the operator's docs name the Secret `pxkeys` too, so the name alone proves nothing.
    test("an operator-secured cluster whose Secret has this project's name but no marker is not taken over", async () => {
        const live = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
        live.spec.security = {
            enabled: true,
            auth: { selfSigned: { issuer: "px.example.com", sharedSecret: "pxkeys" } },
        };
        const refused = await run(OPERATOR, live);
        assert.match(refused.rejections[0]?.message ?? "", /takeOverExistingAuth: .*set up by someone else/);
        assert.ok(!wrote(refused.recorded));
        const taken = await run({ ...OPERATOR, takeOverExistingAuth: true }, live);
        assert.deepEqual(taken.rejections, []);
    });

    // M18: the operator adopts the shared secret's Secret in its mode and rewrites anything else.
    test("operator mode: the shared secret's Secret has the operator's shape, as px-system-secrets has", async () => {
        const { recorded, rejections } = await run(OPERATOR, sampleLive());
        assert.deepEqual(rejections, []);
        type Md = { metadata: { name: string; labels?: unknown; annotations?: Record<string, string> } };
        const shared = find(recorded, ":SecretPatch", "px-keys").inputs as Md;
        const system = find(recorded, ":SecretPatch", "px-system-keys").inputs as Md;
        assert.equal(shared.metadata.name, "pxkeys");
        assert.equal(shared.metadata.labels, undefined, "the operator drops labels: a drift on every refresh");
        assert.deepEqual(shared.metadata.annotations, system.metadata.annotations);
        // Env mode keeps this project's labels on its own Secret, so the rule is the mode's.
        const env = await run(BASE, sampleLive());
        assert.ok((find(env.recorded, ":SecretPatch", "px-keys").inputs as Md).metadata.labels);
    });

    // M21: the mock's RandomBytes honours `length` (test/harness.ts), so a shorter key shows here.
    test("generated keys have 256 bits", async () => {
        const { component, rejections } = await run(BASE, sampleLive());
        assert.deepEqual(rejections, []);
        for (const k of [component.systemKey, component.storkKey, component.sharedSecret]) {
            assert.match((await value(k)) ?? "", /^[0-9a-f]{64}$/);
        }
    });
});
