// Keys in use are never replaced by accident: the cluster is the source of truth, rotations keep
// the old key readable through the roll, and no switch removes a key a live pod reads. The
// component under the mock engine, which has no state between runs, like a lost state.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as jose from "jose";
import * as YAML from "yaml";
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
    simulatedRead,
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

/** Every secretKeyRef in the live lists (and Stork's Deployment, when there is one), with the namespace it resolves in. */
function liveReads(live: Record<string, unknown>, storkId?: string): { where: string; ns: string; ref: Ref }[] {
    const sp = (live as { spec: Spec }).spec;
    const out: { where: string; ns: string; ref: Ref }[] = [];
    const scan = (list: Env[] | undefined, at: string, ns: string) =>
        (list ?? []).forEach((e) => {
            if (e.valueFrom?.secretKeyRef) out.push({ where: `${at} ${e.name}`, ns, ref: e.valueFrom.secretKeyRef });
        });
    scan(sp.env, "spec.env", "portworx");
    scan(sp.stork?.env, "spec.stork.env", "portworx");
    scan(sp.autopilot?.env, "spec.autopilot.env", "portworx");
    if (storkId) {
        const dep = simulatedRead(live, storkId) as {
            spec: { template: { spec: { containers: { env?: Env[] }[] } } };
        };
        for (const c of dep.spec.template.spec.containers) scan(c.env, `Deployment ${storkId}`, storkId.split("/")[0]);
    }
    return out;
}
type Ref = { name: string; key: string };
const OURS = ["px-system-secrets", "pxkeys"];

describe("Stork has a key of its own: rotating it never touches the key the operator signs with", () => {
    const alias = (r: Recorded[]) => resolveRef(r, "portworx", { name: "px-system-secrets", key: "apps-secret" });

    test("stork pairing: every step leaves apps-secret, and what every node checks it with, unchanged", async () => {
        const first = await run(BASE, sampleLive());
        const apps = await value(first.component.appsKey);
        const live1 = clusterAfter(first.recorded);
        const rotate = { ...BASE, rotation: { storkKey: "2" } };
        const second = await run(rotate, live1, "other");
        const live2 = clusterAfter(second.recorded, live1) as { status?: unknown };
        live2.status = { phase: "Updating" };
        const third = await run({ ...rotate, allowUnsettledCluster: true }, live2, "third");
        const live3 = clusterAfter(third.recorded, live2) as { status?: unknown };
        live3.status = { phase: "Online" };
        const fourth = await run(rotate, live3, "fourth");
        assert.notEqual(await value(second.component.storkKey), await value(first.component.storkKey));
        for (const [step, r, l] of [
            ["rotation", second, live1],
            ["mid-roll", third, live2],
            ["settled", fourth, live3],
        ] as const) {
            assert.equal(alias(r.recorded), apps, `${step}: the operator's alias`);
            assert.equal(await value(r.component.appsKey), apps, `${step}: the apps key`);
            // Nodes not yet restarted (the live spec) and restarted ones (this run's) check the same apps key.
            for (const sp of [(l as { spec: Spec }).spec, spec(r.recorded)]) {
                assert.equal(resolveEnv(r.recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_SYSTEM_APPS_KEY"), apps);
                assert.equal(resolveEnv(r.recorded, "portworx", sp.autopilot?.env ?? [], "PX_SHARED_SECRET"), apps);
            }
        }
        const plan = buildPlan(resolveSettings(rotate), live1);
        assert.match(plan.notes.join("\n"), /Stork's own key rotates.*apps-secret\) does not change/);
        assert.doesNotMatch(plan.notes.join("\n"), /apps key rotates/);
    });

    test("apps pairing: the apps key's rotation keeps the alias on the key unrestarted nodes check, moves it on the next run, and says how the operator stalls", async () => {
        const args = { ...BASE, storkKeyPairing: "apps" as const };
        const first = await run(args, sampleLive());
        const old = await value(first.component.appsKey);
        const live1 = clusterAfter(first.recorded);
        const rotate = { ...args, rotation: { appsKey: "2" } };
        const second = await run(rotate, live1, "other");
        const fresh = await value(second.component.appsKey);
        assert.notEqual(fresh, old);
        assert.equal(await value(second.component.storkKey), fresh, "Stork signs with the apps key here");
        // Run 1: every node still runs the old key; the operator's alias stays on it.
        assert.equal(alias(second.recorded), old);
        const live2 = clusterAfter(second.recorded, live1) as { status?: unknown };
        live2.status = { phase: "Updating" };
        // The next run, at any point of the roll: the alias moves to what restarted nodes check, nothing
        // rolls, and the old key stays readable for nodes that have not restarted.
        const third = await run(rotate, live2, "third");
        assert.equal(alias(third.recorded), fresh);
        assert.equal(resolveRef(third.recorded, "portworx", { name: "px-system-secrets", key: "apps-secret.1" }), old);
        const mid = buildPlan(resolveSettings(rotate), live2 as never);
        assert.equal(mid.findings.length, 0, "the next pulumi up is not refused mid-roll");
        assert.equal(mid.restarts.portworx, undefined, "and restarts nothing");
        const notes = buildPlan(resolveSettings(rotate), live1).notes.join("\n");
        assert.match(notes, /apps key rotates.*pinned to one node.*leaves apps-secret on the old key/);
        assert.match(notes, /status\.phase staying Updating.*PermissionDenied/);
        assert.match(notes, /Way out: run `pulumi up` again\. It moves apps-secret to the new key/);
    });

    test("rotation.storkKey is refused where Stork signs with the apps key", () => {
        for (const args of [
            { ...BASE, storkKeyPairing: "apps" as const, rotation: { storkKey: "2" } },
            { ...BASE, securityMode: "operator" as const, rotation: { storkKey: "2" } },
        ]) {
            assert.throws(() => resolveSettings(args), /^ConfigError: rotation\.storkKey: .*rotation\.appsKey/);
        }
    });
});

describe("rotation versions only move forward", () => {
    const KEYS = [
        ["systemKey", "rotationSystemKey"],
        ["appsKey", "rotationAppsKey"],
        ["storkKey", "rotationStorkKey"],
        ["sharedSecret", "rotationSharedSecret"],
    ] as const;
    for (const [key, config] of KEYS) {
        test(`rotate ${key} to 2, apply, ask for 1 again: refused before anything is written`, async () => {
            const first = await run(BASE, sampleLive());
            const live1 = clusterAfter(first.recorded);
            const second = await run({ ...BASE, rotation: { [key]: "2" } }, live1, "other");
            // The roll has finished; the old data key is still in the Secret until the next run.
            const live2 = clusterAfter(second.recorded, live1);
            const back = { ...BASE, rotation: { [key]: "1" } };
            const reverted = await runScenario({ preview: false, live: live2, seed: "third" }, () => {
                new PortworxAuth("px", back);
            });
            const message = reverted.rejections.map((e) => e.message).join("\n");
            assert.match(message, new RegExp(`rotation\\.${key}: version "1" of the .* rotated away from`));
            assert.match(message, new RegExp(`stack config ${config}\\) to a version this cluster has never used`));
            assert.ok(!reverted.recorded.some((r) => r.type.endsWith("Patch")), "nothing is written");
            // The plan refuses it the same way.
            const plan = buildPlan(resolveSettings(back), live2);
            assert.deepEqual(
                plan.findings.map((f) => f.field),
                [`rotation.${key}`],
            );
            assert.match(renderPlan(plan, "t"), /Preflight: FAILED/);
            // Still refused once the old data key is gone.
            const settled = await run({ ...BASE, rotation: { [key]: "2" } }, live2, "fourth");
            const live3 = clusterAfter(settled.recorded, live2);
            assert.deepEqual(
                buildPlan(resolveSettings(back), live3).findings.map((f) => f.field),
                [`rotation.${key}`],
            );
            // Moving forward is fine.
            assert.deepEqual(buildPlan(resolveSettings({ ...BASE, rotation: { [key]: "3" } }), live3).findings, []);
        });
    }

    test("a data key no live object has moved away from is an unfinished write; one it has is not", async () => {
        const s = resolveSettings({ ...BASE, rotation: { systemKey: "2" } });
        const live1 = clusterAfter((await run(BASE, sampleLive())).recorded) as {
            metadata: { annotations: Record<string, string> };
        };
        // An earlier run wrote system-secret.2 and failed before patching the StorageCluster.
        const written = { "portworx/px-system-secrets": ["system-secret.1", "system-secret", "system-secret.2"] };
        const unfinished = buildPlan(s, live1 as never, undefined, written).keys.keys.find((k) => k.role === "system");
        assert.equal(unfinished?.origin, "kept");
        assert.equal(unfinished?.live?.key, "system-secret.2");
        // The same data key, on a cluster that has moved away from version 2: never taken back.
        const retired = structuredClone(live1);
        retired.metadata.annotations["portworx-auth/retired-key-versions"] = "system=2";
        assert.deepEqual(
            buildPlan(s, retired as never, undefined, written).findings.map((f) => f.field),
            ["rotation.systemKey"],
        );
    });
});

describe("no run removes a data key that Stork's Deployment still reads (Stork in another namespace)", () => {
    for (const pairing of ["stork", "apps"] as const) {
        test(`rotating the key Stork signs with keeps what its running Deployment reads (pairing ${pairing})`, async () => {
            const args: PortworxAuthArgs = {
                ...BASE,
                storkKeyPairing: pairing,
                stork: { mode: "deployment", namespace: "kube-system" },
            };
            const base = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
            base.spec.stork = { enabled: false };
            const first = await run(args, base);
            const live = clusterAfter(first.recorded, base);
            const reads = liveReads(live, "kube-system/stork");
            const copy = reads.find((r) => r.ns === "kube-system" && r.ref.name === "pxkeys");
            assert.ok(copy, "Stork reads the copy of its key in its own namespace");
            const rotation = pairing === "stork" ? { storkKey: "2" } : { appsKey: "2" };
            const after = await run({ ...args, rotation }, live, "other");
            for (const { where, ns, ref } of reads.filter((r) => OURS.includes(r.ref.name))) {
                const old = resolveRef(first.recorded, ns, ref);
                assert.ok(old, `${where} resolved before`);
                assert.equal(
                    resolveRef(after.recorded, ns, ref),
                    old,
                    `${where} still reads ${ns}/${ref.name} ${ref.key}`,
                );
            }
            // And the Deployment as this run leaves it reads the new key from its copy.
            const next = liveReads(clusterAfter(after.recorded, live), "kube-system/stork").find(
                (r) => r.ns === "kube-system" && r.ref.name === "pxkeys",
            );
            assert.equal(resolveRef(after.recorded, "kube-system", next?.ref), await value(after.component.storkKey));
            assert.notEqual(next?.ref.key, copy.ref.key);
        });
    }
});

describe("an existing cluster moves to the new layout", () => {
    /** A cluster as the layout before Stork had its own key left it: Stork read the apps key. */
    async function sharedLayout(version: string) {
        const rotation = { appsKey: version, storkKey: version };
        const first = await run({ ...BASE, rotation }, sampleLive());
        const live = clusterAfter(first.recorded) as { spec: Spec };
        const toApps = (list: Env[] | undefined, name: string, marker: string) =>
            (list ?? []).forEach((e) => {
                if (e.name === name && e.valueFrom?.secretKeyRef) {
                    e.valueFrom.secretKeyRef.key = `apps-secret.${version}`;
                }
                if (e.name === "PX_AUTH_KEYS_REVISION") e.value = marker;
            });
        toApps(live.spec.env, "PORTWORX_AUTH_STORK_KEY", `system=1;stork=${version};shared=1`);
        toApps(live.spec.stork?.env, "PX_SHARED_SECRET", `stork=${version}`);
        const data = (simulatedRead(live, "portworx/px-system-secrets") as { data: Record<string, string> }).data;
        delete data[`stork-secret.${version}`];
        const apps = Buffer.from(data[`apps-secret.${version}`], "base64").toString();
        return { live: live as unknown as Record<string, unknown>, apps };
    }

    test("one roll, the same key values, and no key a pod reads goes missing", async () => {
        const { live, apps } = await sharedLayout("1");
        const before = liveReads(live);
        const secretValue = (ref: Ref) => {
            const d = (simulatedRead(live, `portworx/${ref.name}`) as { data: Record<string, string> }).data;
            return Buffer.from(d[ref.key], "base64").toString();
        };
        const moved = await run(BASE, live, "a new version of portworx-auth");
        const k = await keysOf(moved.component);
        assert.equal(k.stork, apps, "Stork's key starts as the value Stork reads today");
        assert.equal(k.apps, apps, "the operator's key is unchanged");
        for (const { where, ref } of before.filter((r) => OURS.includes(r.ref.name))) {
            assert.equal(resolveRef(moved.recorded, "portworx", ref), secretValue(ref), where);
        }
        const sp = spec(moved.recorded);
        assert.equal(resolveEnv(moved.recorded, "portworx", sp.env ?? [], "PORTWORX_AUTH_STORK_KEY"), apps);
        assert.equal(resolveEnv(moved.recorded, "portworx", sp.stork?.env ?? [], "PX_SHARED_SECRET"), apps);
        const plan = buildPlan(resolveSettings(BASE), live as never);
        assert.deepEqual(plan.findings, []);
        assert.ok(plan.restarts.portworx, "one roll");
        assert.match(plan.notes.join("\n"), /Key layout: Stork gets a key of its own .*no token breaks/);
        // The roll done, the next run changes no pod spec: that was the only roll.
        const after = clusterAfter(moved.recorded, live);
        const next = buildPlan(resolveSettings(BASE), after as never);
        assert.equal(next.restarts.portworx, undefined);
        assert.equal(next.restarts.stork, undefined);
        const again = await run(BASE, after, "yet another state");
        assert.deepEqual(await keysOf(again.component), k);
    });

    test("an apps key versioned by rotationStorkKey before is not rotated by surprise", async () => {
        const { live } = await sharedLayout("2");
        const old = resolveSettings({ ...BASE, rotation: { storkKey: "2" } });
        const refused = buildPlan(old, live as never).findings;
        assert.equal(refused.length, 1);
        assert.equal(refused[0].field, "rotation.appsKey");
        assert.match(
            refused[0].message,
            /apps key .* is version "2".*Fix: set rotation\.appsKey \(stack config rotationAppsKey\) to "2"/,
        );
        const fixed = buildPlan(resolveSettings({ ...BASE, rotation: { storkKey: "2", appsKey: "2" } }), live as never);
        assert.deepEqual(fixed.findings, []);
        assert.deepEqual(
            fixed.keys.keys.map((x) => x.origin),
            ["kept", "kept", "kept", "kept"],
        );
    });

    test("env to operator mode leaves the Secrets in the layout the operator keeps once settled", async () => {
        const env = await run(BASE, sampleLive());
        const live1 = clusterAfter(env.recorded);
        const op = { ...BASE, securityMode: "operator" as const };
        const switched = await run(op, live1, "other");
        const live2 = clusterAfter(switched.recorded, live1);
        const settled = await run(op, live2, "third");
        const keys = (name: string) =>
            Object.keys(unwrapSecrets(find(settled.recorded, ":SecretPatch", name).inputs.data) as object).sort();
        assert.deepEqual(keys("px-system-keys"), ["apps-secret", "system-secret"]);
        assert.deepEqual(keys("px-keys"), ["shared-secret"]);
        const k = await keysOf(env.component);
        const at = (name: string, key: string) => resolveRef(settled.recorded, "portworx", { name, key });
        assert.deepEqual(
            [at("px-system-secrets", "system-secret"), at("px-system-secrets", "apps-secret")],
            [k.system, k.apps],
        );
    });
});

test("the plan command refuses a retired version, naming the stack config key, and writes no manifest", () => {
    const live = sampleLive() as { metadata: { annotations: Record<string, string> } };
    live.metadata.annotations["portworx-auth/retired-key-versions"] = "system=1;apps=0";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-")), "live.yaml");
    fs.writeFileSync(file, YAML.stringify(live));
    const r = spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts", "--stack", "dev", "--live", file], {
        cwd: path.join(__dirname, ".."),
        encoding: "utf8",
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
        r.stdout,
        /Preflight: FAILED\. Nothing would be written\.\n\s+- rotation\.systemKey: version "1" of the system key .*stack config rotationSystemKey/,
    );
    assert.doesNotMatch(r.stdout, /kind: Secret/);
});
