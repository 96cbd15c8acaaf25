// One definition of a cluster that has not settled: preflight refuses to roll it, and the keys it may still read
// are kept. Every unsettled phase counts for both.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { resolveSettings } from "../components/args";
import { clusterRolling, unsettled } from "../components/preflight";
import { clusterAfter, find, runScenario, sampleLive, unwrapSecrets, type Recorded } from "./harness";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};

async function run(args: PortworxAuthArgs, live: Record<string, unknown>): Promise<Recorded[]> {
    const scenario = await runScenario({ preview: false, live }, () => new PortworxAuth("px", args));
    assert.deepEqual(scenario.rejections, []);
    return scenario.recorded;
}

const UNSETTLED = ["Initializing", "Updating", "Degraded", "Failed", "Uninstalling", "Deleting"];

describe("an unsettled StorageCluster", () => {
    test("is refused by preflight, and taken as rolling, in every unsettled phase and no settled one", () => {
        const s = resolveSettings(BASE);
        for (const phase of [...UNSETTLED, "Running", "Online"]) {
            const live = { ...sampleLive(), status: { phase } };
            const expected = UNSETTLED.includes(phase);
            assert.equal(unsettled(s, live) !== undefined, expected, phase);
            assert.equal(clusterRolling(live), expected, phase);
        }
    });

    for (const phase of UNSETTLED) {
        test(`keeps the old data key while ${phase}`, async () => {
            const first = await run(BASE, sampleLive());
            const rotated = await run({ ...BASE, rotation: { systemKey: "2" } }, clusterAfter(first));
            const live = clusterAfter(rotated, clusterAfter(first)) as { status: Record<string, unknown> };
            live.status = { phase };
            const third = await run({ ...BASE, rotation: { systemKey: "2" }, allowUnsettledCluster: true }, live);
            const data = unwrapSecrets(find(third, ":SecretPatch", "px-system-keys").inputs.data) as Record<
                string,
                string
            >;
            assert.ok(data["system-secret.1"], "the old key stays while pods may still read it");
            assert.ok(data["system-secret.2"]);
        });
    }
});
