// Keys in use are never replaced by accident: the cluster is the source of truth, rotations keep
// the old key readable through the roll, and no switch removes a key a live pod reads. The
// component under the mock engine, which has no state between runs, like a lost state.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import * as jose from "jose";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { resolveSettings } from "../components/args";
import { buildPlan, renderPlan } from "../components/plan";
import {
    clusterAfter,
    find,
    resolveEnv,
    resolveRef,
    runScenario,
    sampleLive,
    unwrapSecrets,
    value,
    type Recorded,
} from "./harness";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Spec = { env?: Env[]; stork?: { env?: Env[] }; autopilot?: { env?: Env[] } };

async function run(args: PortworxAuthArgs, live: Record<string, unknown>, seed = "seed") {
    let component: PortworxAuth | undefined;
    const scenario = await runScenario({ preview: false, live, seed }, () => {
        component = new PortworxAuth("px", args);
    });
    assert.deepEqual(scenario.rejections, []);
    return { ...scenario, component: component as PortworxAuth };
}
const spec = (r: Recorded[]) => unwrapSecrets(find(r, ":StorageClusterPatch").inputs.spec) as Spec;
const keysOf = async (c: PortworxAuth) => ({
    system: await value(c.systemKey),
    apps: await value(c.appsKey),
    stork: await value(c.storkKey),
    shared: await value(c.sharedSecret),
});

describe("env mode in the operator's layout", () => {
    for (const pairing of ["stork", "apps"] as const) {
        test(`each key resolves to one value through the registered Secrets (pairing ${pairing})`, async () => {
            const { recorded, component } = await run({ ...BASE, storkKeyPairing: pairing }, sampleLive());
            const sp = spec(recorded);
            const k = await keysOf(component);
            const at = (name: string, key: string) => resolveRef(recorded, "portworx", { name, key });
            assert.equal(at("px-system-secrets", "system-secret"), k.system);
            assert.equal(resolveEnv(recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_SYSTEM_KEY"), k.system);
            // The operator and Autopilot sign with the apps key; Stork with its own in the stork pairing.
            assert.equal(at("px-system-secrets", "apps-secret"), k.apps);
            assert.equal(resolveEnv(recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_SYSTEM_APPS_KEY"), k.apps);
            assert.equal(resolveEnv(recorded, "portworx", sp.autopilot?.env ?? [], "PX_SHARED_SECRET"), k.apps);
            assert.equal(resolveEnv(recorded, "portworx", sp.stork?.env ?? [], "PX_SHARED_SECRET"), k.stork);
            if (pairing === "stork") assert.notEqual(k.stork, k.apps);
            else assert.equal(k.stork, k.apps);
            assert.equal(
                resolveEnv(recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_STORK_KEY"),
                pairing === "stork" ? k.stork : undefined,
            );
            assert.equal(resolveEnv(recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_JWT_SHAREDSECRET"), k.shared);
            // storkctl and `kubectl px` find an admin token where they look for one.
            const token = at("px-admin-token", "auth-token") as string;
            const { payload } = await jose.jwtVerify(token, new TextEncoder().encode(k.shared), {
                issuer: "px.example.com",
            });
            assert.deepEqual(payload.roles, ["system.admin"]);
        });
    }

    test("Autopilot's user entries are kept in order in env mode, operator mode and off", async () => {
        const live = sampleLive() as { spec: { autopilot: { env: Env[] } } };
        live.spec.autopilot.env = [
            { name: "A", value: "1" },
            { name: "PX_SHARED_SECRET", value: "hand-set" },
            { name: "B", value: "2" },
        ];
        const on = await run(BASE, live);
        assert.deepEqual(
            spec(on.recorded).autopilot?.env?.map((e) => e.name),
            ["A", "PX_SHARED_SECRET", "B"],
            "ours replaces the hand-set entry in place",
        );
        for (const args of [
            { ...BASE, enabled: false },
            { ...BASE, securityMode: "operator" as const },
        ]) {
            const next = await run(args, clusterAfter(on.recorded, live));
            assert.deepEqual(spec(next.recorded).autopilot?.env, [
                { name: "A", value: "1" },
                { name: "B", value: "2" },
            ]);
        }
    });

    test("no Autopilot, no Autopilot entry", async () => {
        const live = sampleLive() as { spec: Record<string, unknown> };
        delete live.spec.autopilot;
        const { recorded } = await run(BASE, live);
        assert.equal(spec(recorded).autopilot, undefined);
    });
});

describe("the cluster is the source of truth for keys in use", () => {
    test("a run with no state over a secured cluster keeps every key, and earlier tokens still verify", async () => {
        const first = await run(BASE, sampleLive());
        const before = await keysOf(first.component);
        const token = (await value(first.component.tokens))?.admin as string;
        // Another seed: the generators would give other values, as after a lost or re-created state.
        const second = await run(BASE, clusterAfter(first.recorded), "a re-created stack");
        const after = await keysOf(second.component);
        assert.deepEqual(after, before);
        await jose.jwtVerify(token, new TextEncoder().encode(after.shared), { issuer: "px.example.com" });
        assert.deepEqual(spec(second.recorded), spec(first.recorded));
        const plan = buildPlan(resolveSettings(BASE), clusterAfter(first.recorded));
        assert.deepEqual(
            plan.keys.keys.map((k) => [k.role, k.origin]),
            [
                ["system", "kept"],
                ["apps", "kept"],
                ["stork", "kept"],
                ["shared", "kept"],
            ],
        );
        assert.match(renderPlan(plan, "t"), /system key \(version 1\): kept from the cluster/);
    });

    test("the same run without the cluster's keys would have generated others (the test can fail)", async () => {
        const a = await run(BASE, sampleLive());
        const b = await run(BASE, sampleLive(), "a re-created stack");
        assert.notEqual(await value(b.component.systemKey), await value(a.component.systemKey));
    });

    test("a supplied shared secret is used as given; generated keys are still kept", async () => {
        const args = { ...BASE, selfSigned: { issuer: "px.example.com", sharedSecret: "s".repeat(40) } };
        const first = await run(args, sampleLive());
        const second = await run(args, clusterAfter(first.recorded), "other");
        assert.equal(await value(second.component.sharedSecret), "s".repeat(40));
        assert.equal(await value(second.component.systemKey), await value(first.component.systemKey));
    });

    test("moving to operator mode hands the operator the same keys, and keeps the old data keys readable", async () => {
        const env = await run(BASE, sampleLive());
        const k = await keysOf(env.component);
        const live = clusterAfter(env.recorded);
        const op = await run({ ...BASE, securityMode: "operator" }, live, "other");
        const at = (name: string, key: string) => resolveRef(op.recorded, "portworx", { name, key });
        assert.equal(at("px-system-secrets", "system-secret"), k.system);
        assert.equal(at("px-system-secrets", "apps-secret"), k.apps);
        assert.equal(at("pxkeys", "shared-secret"), k.shared);
        // The live env still reads the versioned keys until the roll: they stay.
        assert.equal(at("px-system-secrets", "system-secret.1"), k.system);
    });

    test("a cluster secured with the old layout moves to px-system-secrets with the same keys", async () => {
        const [system, stork, shared] = ["a", "b", "c"].map((c) => c.repeat(64));
        const b64 = (v: string) => Buffer.from(v).toString("base64");
        const ref = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: "pxkeys", key } } });
        const live = sampleLive() as { spec: Record<string, unknown> & { env: Env[]; stork: { env: Env[] } } };
        live.spec.env = [
            ...live.spec.env,
            ref("PORTWORX_AUTH_SYSTEM_KEY", "system-secret"),
            ref("PORTWORX_AUTH_STORK_KEY", "stork-secret"),
            { name: "PORTWORX_AUTH_JWT_ISSUER", value: "px.example.com" },
            ref("PORTWORX_AUTH_JWT_SHAREDSECRET", "shared-secret"),
            { name: "PX_AUTH_KEYS_REVISION", value: "system=1;stork=1;shared=1" },
        ];
        live.spec.stork.env = [...live.spec.stork.env, ref("PX_SHARED_SECRET", "stork-secret")];
        const secret = {
            data: { "system-secret": b64(system), "stork-secret": b64(stork), "shared-secret": b64(shared) },
        };
        let component: PortworxAuth | undefined;
        const moved = await runScenario(
            { preview: false, live, reads: { "portworx/pxkeys": secret }, seed: "other" },
            () => (component = new PortworxAuth("px", BASE)),
        );
        assert.deepEqual(moved.rejections, []);
        // The old layout had no apps key: it is new; Stork keeps the key it reads.
        const k = await keysOf(component as PortworxAuth);
        assert.deepEqual({ system: k.system, stork: k.stork, shared: k.shared }, { system, stork, shared });
        const old = unwrapSecrets(find(moved.recorded, ":SecretPatch", "px-keys").inputs.data) as Record<
            string,
            string
        >;
        assert.deepEqual(Object.keys(old).sort(), [
            "shared-secret",
            "shared-secret.1",
            "stork-secret",
            "system-secret",
        ]);
        const plan = buildPlan(resolveSettings(BASE), live);
        assert.ok(
            plan.notes.some((n) => n.startsWith("Key layout:")),
            plan.notes.join("\n"),
        );
        // Once the roll has finished, the next run drops the old data keys.
        const after = clusterAfter(moved.recorded, live);
        const done = await run(BASE, after, "third");
        const left = unwrapSecrets(find(done.recorded, ":SecretPatch", "px-keys").inputs.data) as Record<
            string,
            string
        >;
        assert.deepEqual(Object.keys(left).sort(), ["shared-secret", "shared-secret.1"]);
        const d = await keysOf(done.component);
        assert.deepEqual({ system: d.system, stork: d.stork, shared: d.shared }, { system, stork, shared });
    });

    test("while the cluster is still rolling, old data keys are kept even when the spec no longer names them", async () => {
        const first = await run(BASE, sampleLive());
        const rotated = await run({ ...BASE, rotation: { systemKey: "2" } }, clusterAfter(first.recorded));
        const rolling = clusterAfter(rotated.recorded, clusterAfter(first.recorded)) as {
            status: Record<string, unknown>;
        };
        rolling.status = { phase: "Updating" };
        const third = await run({ ...BASE, rotation: { systemKey: "2" }, allowUnsettledCluster: true }, rolling);
        const data = unwrapSecrets(find(third.recorded, ":SecretPatch", "px-system-keys").inputs.data) as Record<
            string,
            string
        >;
        assert.ok(data["system-secret.1"], "the old key stays while pods may still read it");
        assert.ok(data["system-secret.2"]);
    });

    test("a key written by an earlier run that never patched the cluster is reused, not generated again", async () => {
        const first = await run(BASE, sampleLive());
        const live = clusterAfter(first.recorded);
        const half = await run({ ...BASE, rotation: { appsKey: "2" } }, live, "run that failed later");
        const written = resolveRef(half.recorded, "portworx", { name: "px-system-secrets", key: "apps-secret.2" });
        // The cluster got the Secret but not the patch: the live spec still reads version 1.
        const secrets = clusterAfter(half.recorded, live);
        const again = await run({ ...BASE, rotation: { appsKey: "2" } }, secrets, "yet another state");
        assert.equal(await value(again.component.appsKey), written);
    });

    test("a key the cluster refers to but its Secret lacks is an error, and no key is generated in its place", async () => {
        const first = await run(BASE, sampleLive());
        const live = clusterAfter(first.recorded);
        const broken = { "portworx/px-system-secrets": { data: {} } };
        const r = await runScenario({ preview: false, live, reads: broken }, () => new PortworxAuth("px", BASE));
        assert.ok(r.rejections.some((e) => /system-secret\.1 of Secret portworx\/px-system-secrets/.test(e.message)));
        assert.ok(!r.recorded.some((x) => x.type.endsWith("Patch")), "nothing is written");
    });
});

describe("no run removes a Secret key that the live lists still read", () => {
    const pem = () =>
        // A real key: the component parses it.
        crypto
            .generateKeyPairSync("rsa", { modulusLength: 2048 })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString() as string;
    const rsa = pem();
    const transitions: [string, PortworxAuthArgs][] = [
        ["rotate the system key", { ...BASE, rotation: { systemKey: "2" } }],
        ["rotate the Stork key", { ...BASE, rotation: { storkKey: "2" } }],
        ["rotate the shared secret", { ...BASE, rotation: { sharedSecret: "2" } }],
        ["env to operator mode", { ...BASE, securityMode: "operator" }],
        [
            "generated shared secret to a public key only",
            { ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: rsa }, adminToken: false },
        ],
        ["turn authorization off", { ...BASE, enabled: false }],
        ["stork pairing to apps", { ...BASE, storkKeyPairing: "apps" }],
    ];
    for (const [what, next] of transitions) {
        test(what, async () => {
            const first = await run(BASE, sampleLive());
            const live = clusterAfter(first.recorded) as { spec: Spec };
            const after = await run(next, live, "other");
            const lists = [live.spec.env, live.spec.stork?.env, live.spec.autopilot?.env];
            for (const e of lists.flat()) {
                const ref = e?.valueFrom?.secretKeyRef;
                if (!ref || !["px-system-secrets", "pxkeys"].includes(ref.name)) continue;
                const written = after.recorded.some(
                    (r) => r.type.endsWith(":SecretPatch") && (r.inputs.metadata as { name: string }).name === ref.name,
                );
                // A Secret this run does not write is left as it is in the cluster.
                if (!written) continue;
                assert.equal(
                    resolveRef(after.recorded, "portworx", ref),
                    resolveRef(first.recorded, "portworx", ref),
                    `${e?.name} reads ${ref.name}/${ref.key}`,
                );
            }
        });
    }
});
