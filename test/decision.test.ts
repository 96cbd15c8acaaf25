// Which value each key Secret's data key holds, decided on plain data: no mock engine. The
// component's shell registers exactly this (test/portworxAuth.test.ts and test/keys.test.ts check
// the registered result).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveSettings } from "../components/args";
import { decide, keyMaterial, keyValue, Refusal, secretsToRead, type SecretRead } from "../components/decision";
import type { PortworxAuthArgs } from "../components";
import type { LiveStorageCluster } from "../components/preflight";
import { sampleLive } from "./harness";

const ARGS: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};
const s = resolveSettings(ARGS);
const FIRST = { system: "sys-1", apps: "apps-1", stork: "stork-1", shared: "shared-1" };
const OTHER = { system: "sys-2", apps: "apps-2", stork: "stork-2", shared: "shared-2" };
const b64 = (v: string) => Buffer.from(v).toString("base64");
const unb64 = (v: string) => Buffer.from(v, "base64").toString();

/** The cluster as a first run leaves it, and the key Secrets' data it wrote. */
function afterFirstRun() {
    const live = sampleLive() as LiveStorageCluster;
    const d = decide(s, live, undefined, []);
    const m = keyMaterial(d, { generated: FIRST });
    const p = d.plan.storageClusterPatch;
    const cluster: LiveStorageCluster = {
        ...live,
        metadata: { ...live.metadata, ...(p.metadata as object) },
        spec: { ...live.spec, ...(p.spec as object) },
        status: { phase: "Running" },
    };
    const data = Object.fromEntries(
        d.plan.keys.secrets.map((ks) => [`${ks.namespace}/${ks.name}`, m.secretData[ks.role]]),
    );
    const read = (c: LiveStorageCluster): SecretRead[] =>
        secretsToRead(s, c).map((r) => ({ ...r, data: data[`${r.namespace}/${r.name}`] }));
    return { cluster, read, first: m };
}

describe("key material on plain data", () => {
    test("a first run takes every value from its generator, under the versioned data key and its alias", () => {
        const d = decide(s, sampleLive() as LiveStorageCluster, undefined, []);
        const m = keyMaterial(d, { generated: FIRST });
        assert.deepEqual(m.values, FIRST);
        const system = m.secretData["system-keys"] as Record<string, string>;
        assert.equal(unb64(system["system-secret.1"]), "sys-1");
        assert.equal(unb64(system["system-secret"]), "sys-1");
        assert.equal(unb64(system["apps-secret.1"]), "apps-1");
        assert.equal(unb64(system["stork-secret.1"]), "stork-1");
        assert.equal(unb64((m.secretData.keys as Record<string, string>)["shared-secret.1"]), "shared-1");
        // Every data key holds a value: none is left out or empty.
        for (const ks of d.plan.keys.secrets) {
            assert.deepEqual(Object.keys(m.secretData[ks.role] ?? {}).sort(), ks.data.map(([k]) => k).sort());
        }
    });

    test("a later run keeps every key the cluster runs with, whatever its generators now give", () => {
        const { cluster, read, first } = afterFirstRun();
        const reads = secretsToRead(s, cluster);
        assert.deepEqual(
            reads.map((r) => `${r.namespace}/${r.name}`),
            ["portworx/px-system-secrets", "portworx/pxkeys"],
        );
        const d = decide(s, cluster, undefined, read(cluster));
        const m = keyMaterial(d, { generated: OTHER });
        assert.deepEqual(m.values, FIRST);
        assert.deepEqual(m.secretData, first.secretData);
        assert.equal(keyValue(d, "system", { generated: OTHER }), "sys-1");
    });

    test("a rotation takes the new generator's value and keeps the old key readable through the roll", () => {
        const { cluster, read } = afterFirstRun();
        const rotated = resolveSettings({ ...ARGS, rotation: { systemKey: "2" } });
        const d = decide(rotated, cluster, undefined, read(cluster));
        const m = keyMaterial(d, { generated: OTHER });
        assert.equal(m.values.system, "sys-2");
        assert.equal(m.values.apps, "apps-1");
        const system = m.secretData["system-keys"] as Record<string, string>;
        assert.equal(unb64(system["system-secret.2"]), "sys-2");
        assert.equal(unb64(system["system-secret.1"]), "sys-1");
    });

    test("a supplied shared secret is the config's value, never a generator's", () => {
        const supplied = resolveSettings({ ...ARGS, selfSigned: { issuer: "px.example.com", sharedSecret: "x" } });
        const d = decide(supplied, sampleLive() as LiveStorageCluster, undefined, []);
        const c = { generated: FIRST, givenSharedSecret: "given-secret" };
        assert.equal(keyValue(d, "shared", c), "given-secret");
        assert.equal(
            unb64((keyMaterial(d, c).secretData.keys as Record<string, string>)["shared-secret.1"]),
            "given-secret",
        );
    });

    test("a role this configuration has no key for has no value", () => {
        const paired = resolveSettings({ ...ARGS, storkKeyPairing: "apps" });
        const d = decide(paired, sampleLive() as LiveStorageCluster, undefined, []);
        assert.equal(keyValue(d, "stork", { generated: FIRST }), undefined);
        assert.equal(keyMaterial(d, { generated: FIRST }).values.stork, undefined);
    });

    test("a key in use missing from its Secret is refused by name, never by value, before any value is chosen", () => {
        const { cluster, read } = afterFirstRun();
        const gone = read(cluster).map((r) => {
            if (r.name !== "px-system-secrets") return r;
            const data = { ...r.data };
            delete data["system-secret.1"];
            return { ...r, data };
        });
        assert.throws(
            () => decide(s, cluster, undefined, gone),
            (e: unknown) =>
                e instanceof Refusal &&
                e.message.includes("data key system-secret.1 of Secret portworx/px-system-secrets") &&
                !e.message.includes("sys-1") &&
                !e.message.includes(b64("sys-1")),
        );
    });

    test("a plan with findings is refused, naming the field, and nothing is decided", () => {
        const { cluster, read } = afterFirstRun();
        // Back to version 1 after rotating away from it: a retired version.
        const retired = {
            ...cluster,
            metadata: { ...cluster.metadata, annotations: { "portworx-auth/retired-key-versions": "system=1" } },
        };
        const back = resolveSettings({ ...ARGS, rotation: { systemKey: "1" } });
        assert.throws(
            () => decide(back, retired, undefined, read(retired)),
            (e: unknown) =>
                e instanceof Refusal &&
                /preflight failed, nothing was written:\n {2}- rotation\.systemKey:/.test(e.message),
        );
    });

    test("a live object of the wrong shape is refused before any Secret is read", () => {
        const bad = { ...sampleLive(), spec: { env: "not a list" } } as unknown as LiveStorageCluster;
        assert.throws(
            () => secretsToRead(s, bad),
            (e: unknown) => e instanceof Refusal && /spec\.env/.test(e.message),
        );
    });
});
