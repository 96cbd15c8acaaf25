import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveSettings } from "../components/args";
import { operatorManagesStork, preflight } from "../components/preflight";
import { sampleLive } from "./harness";

const settings = resolveSettings({
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "a.b" },
});

test("the operator manages Stork when spec.stork is absent or enabled, not when present without enabled", () => {
    assert.equal(operatorManagesStork({ spec: {} }), true);
    assert.equal(operatorManagesStork({ spec: { stork: { enabled: true } } }), true);
    assert.equal(operatorManagesStork({ spec: { stork: { enabled: false } } }), false);
    assert.equal(operatorManagesStork({ spec: { stork: { image: "x" } } }), false);
});

test("the sample live StorageCluster passes", () => {
    assert.deepEqual(preflight(settings, sampleLive()), []);
});

test("every problem is reported, not only the first", () => {
    const live = sampleLive() as { spec: Record<string, unknown> };
    live.spec.security = { enabled: true };
    live.spec.stork = { enabled: false };
    live.spec.nodes = [
        { env: [{ name: "PORTWORX_AUTH_SYSTEM_KEY", value: "x" }, { name: "PORTWORX_AUTH_JWT_ISSUER" }] },
    ];
    assert.deepEqual(
        preflight(settings, live).map((f) => f.field),
        ["securityMode", "spec.nodes[0].env[0]", "spec.nodes[0].env[1]", "takeOverExistingAuth", "stork.mode"],
    );
});

test("a live object of another name or kind is refused", () => {
    const other = sampleLive() as { kind: string; metadata: { name: string } };
    other.metadata.name = "elsewhere";
    assert.equal(preflight(settings, other)[0]?.field, "storageClusterName");
    const wrongKind = sampleLive() as { kind: string };
    wrongKind.kind = "Deployment";
    assert.match(preflight(settings, wrongKind)[0]?.message ?? "", /is a Deployment, not a StorageCluster/);
});

test("no finding ever carries a value from spec.env", () => {
    const live = sampleLive() as { spec: Record<string, unknown> };
    live.spec.nodes = [{ env: [{ name: "PORTWORX_AUTH_JWT_SHAREDSECRET", value: "sentinel-node-secret" }] }];
    for (const f of preflight(settings, live)) assert.doesNotMatch(f.message, /sentinel/);
});

test("moving from operator to env mode: the fix is a command to run, then pulumi up", () => {
    const live = sampleLive() as { spec: Record<string, unknown> };
    live.spec.security = { enabled: true, auth: { enabled: true } };
    const f = preflight(settings, live).find((x) => x.field === "securityMode");
    assert.match(
        f?.message ?? "",
        /Fix: .*\(1\) .*kubectl patch storagecluster px-cluster -n portworx --type merge -p '\{"spec":\{"security":\{"auth":\{"enabled":false\}\}\}\}'.*\(2\) run pulumi up again with securityMode: "env"/,
    );
});
