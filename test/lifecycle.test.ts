// Rotation, turning authorization off and on, the operator's security mode, the upgrade of a
// running cluster, and idempotency: the component under the mock engine.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { resolveSettings } from "../components/args";
import { buildPlan } from "../components/plan";
import { clusterAfter, find, recordedOptions, runScenario, sampleLive, unwrapSecrets, type Recorded } from "./harness";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};

type Env = { name: string; value?: string; valueFrom?: unknown };
type Spec = { env?: Env[]; stork?: { env?: Env[] }; volumes?: { name: string }[]; security?: Record<string, unknown> };

async function run(args: PortworxAuthArgs, live: Record<string, unknown>, preview = false) {
    return runScenario({ preview, live }, () => new PortworxAuth("px", args));
}
const spec = (r: Recorded[]) => unwrapSecrets(find(r, ":StorageClusterPatch").inputs.spec) as Spec;
const secretData = (r: Recorded[], name = "px-keys") =>
    unwrapSecrets(find(r, ":SecretPatch", name).inputs.data) as Record<string, string>;
const marker = (env: Env[] | undefined) => env?.find((e) => e.name === "PX_AUTH_KEYS_REVISION")?.value;

/** The live StorageCluster after the server applied a run's patch, with the Secrets it wrote. */
const applied = (r: Recorded[], base = sampleLive()) => clusterAfter(r, base);

describe("rotation", () => {
    const ROLES = {
        systemKey: { env: "PORTWORX_AUTH_SYSTEM_KEY", secret: "px-system-keys", base: "system-secret" },
        appsKey: { env: "PORTWORX_AUTH_SYSTEM_APPS_KEY", secret: "px-system-keys", base: "apps-secret" },
        storkKey: { env: "PORTWORX_AUTH_STORK_KEY", secret: "px-system-keys", base: "stork-secret" },
        sharedSecret: { env: "PORTWORX_AUTH_JWT_SHAREDSECRET", secret: "px-keys", base: "shared-secret" },
    } as const;
    const refKey = (env: Env[] | undefined, name: string) =>
        (env?.find((e) => e.name === name)?.valueFrom as { secretKeyRef: { key: string } } | undefined)?.secretKeyRef
            .key;
    for (const key of ["systemKey", "appsKey", "storkKey", "sharedSecret"] as const) {
        test(`rotating ${key} writes a new data key, keeps the old one readable through the roll, then drops it`, async () => {
            const role = ROLES[key];
            const first = await run(BASE, sampleLive());
            const live = applied(first.recorded);
            const second = await run({ ...BASE, rotation: { [key]: "2" } }, live);
            assert.deepEqual(second.rejections, []);
            const [s1, s2] = [spec(first.recorded), spec(second.recorded)];
            // The env now reads the new data key: that pod spec change is what rolls the pods.
            assert.equal(refKey(s1.env, role.env), `${role.base}.1`);
            assert.equal(refKey(s2.env, role.env), `${role.base}.2`);
            const [a, b] = [secretData(first.recorded, role.secret), secretData(second.recorded, role.secret)];
            assert.equal(b[`${role.base}.1`], a[`${role.base}.1`], "the old key stays readable, unchanged");
            assert.ok(b[`${role.base}.2`] && b[`${role.base}.2`] !== a[`${role.base}.1`], "a new key");
            assert.equal(b[role.base], a[role.base], "the alias names the key the pods run with until the roll");
            for (const other of Object.values(ROLES).filter((r) => r !== role)) {
                const [x, y] = [secretData(first.recorded, other.secret), secretData(second.recorded, other.secret)];
                assert.equal(y[`${other.base}.1`], x[`${other.base}.1`], `${other.base} must not change`);
                assert.equal(refKey(s2.env, other.env), `${other.base}.1`);
            }
            assert.notEqual(marker(s2.env), marker(s1.env), "Portworx's marker changes, so its pods roll");
            assert.equal(
                marker(s2.stork?.env) !== marker(s1.stork?.env),
                key === "storkKey",
                "Stork's marker changes with its own key only",
            );
            assert.ok(recordedOptions.get("px-storagecluster")?.dependsOn.includes(role.secret));
            const plan = buildPlan(resolveSettings({ ...BASE, rotation: { [key]: "2" } }), live);
            assert.equal(plan.notes.length, 2, plan.notes.join("\n"));
            assert.match(plan.notes[0], /^Rotation: /);
            assert.match(plan.notes[1], /^Keys: .*\(version 2\): rotated from version 1 .*stays readable/);
            if (key === "systemKey") assert.match(plan.notes[0], /reject each other's node-to-node tokens/);
            assert.equal(plan.keys.keys.filter((k) => k.origin === "rotated").length, 1);

            // A third run with the same rotation and a lost state keeps the rotated key, and, the
            // cluster having settled, drops the old one that nothing refers to any more.
            const third = await runScenario(
                { preview: false, live: applied(second.recorded, live), seed: "another state" },
                () => new PortworxAuth("px", { ...BASE, rotation: { [key]: "2" } }),
            );
            assert.deepEqual(third.rejections, []);
            const c = secretData(third.recorded, role.secret);
            assert.equal(c[`${role.base}.2`], b[`${role.base}.2`], "the rotated key is kept");
            // Stork's own key has no alias: nothing reads an unversioned one.
            if (key === "storkKey") assert.equal(c[role.base], undefined);
            else assert.equal(c[role.base], b[`${role.base}.2`], "the alias moves to the new key");
            assert.equal(c[`${role.base}.1`], undefined, "the old key is gone once nothing refers to it");
            assert.deepEqual(spec(third.recorded).env, s2.env);
        });
    }

    test("a deployment-mode Stork rolls with its key too", async () => {
        const live = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
        live.spec.stork = { enabled: false };
        const args: PortworxAuthArgs = { ...BASE, stork: { mode: "deployment" } };
        const envOf = (r: Recorded[]) =>
            (
                unwrapSecrets(find(r, ":DeploymentPatch").inputs) as {
                    spec: { template: { spec: { containers: { env: Env[] }[] } } };
                }
            ).spec.template.spec.containers[0].env;
        const a = await run(args, live);
        const b = await run({ ...args, rotation: { storkKey: "2" } }, live);
        assert.notEqual(marker(envOf(b.recorded)), marker(envOf(a.recorded)));
        const c = await run({ ...args, rotation: { systemKey: "2" } }, live);
        assert.equal(marker(envOf(c.recorded)), marker(envOf(a.recorded)));
    });
});

describe("turning authorization off and on", () => {
    test("enabled: false removes exactly our entries and volume, keeps the rest and the key Secret", async () => {
        const pem = crypto
            .generateKeyPairSync("ec", { namedCurve: "P-256" })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString();
        const args: PortworxAuthArgs = { ...BASE, selfSigned: { issuer: "px.example.com", ecdsaPublicKey: pem } };
        const on = await run(args, sampleLive());
        const live = applied(on.recorded);
        const off = await run({ ...args, enabled: false }, live);
        assert.deepEqual(off.rejections, []);
        const original = sampleLive() as { spec: Spec };
        const s = spec(off.recorded);
        assert.deepEqual(s.env, original.spec.env);
        assert.deepEqual(s.stork?.env, original.spec.stork?.env);
        assert.deepEqual(s.volumes, original.spec.volumes);
        assert.ok(
            off.recorded.some((r) => r.name === "px-system-keys"),
            "the key Secret is kept",
        );
        const plan = buildPlan(resolveSettings({ ...args, enabled: false }), live);
        assert.match(plan.notes.join("\n"), /Authorization turns off: every Portworx node restarts once/);
        assert.match(plan.restarts.portworx ?? "", /removes PORTWORX_AUTH_SYSTEM_KEY/);
    });

    for (const preview of [false, true]) {
        test(`off and on again returns to the same patch (preview=${preview})`, async () => {
            const on = await run(BASE, sampleLive(), preview);
            const off = await run({ ...BASE, enabled: false }, applied(on.recorded), preview);
            const again = await run(BASE, applied(off.recorded), preview);
            assert.equal(JSON.stringify(spec(again.recorded)), JSON.stringify(spec(on.recorded)));
        });
    }
});

describe("the operator's security mode", () => {
    const args: PortworxAuthArgs = {
        ...BASE,
        securityMode: "operator",
        oidc: { issuer: "https://id.example.com", clientId: "px" },
        usernameClaim: "email",
        guestAccess: "Disabled",
        tokenLifetime: "12h",
    };

    test("pre-creates the Secrets the operator adopts, with its annotation only, and sets spec.security explicitly", async () => {
        const { recorded, rejections } = await run(args, sampleLive());
        assert.deepEqual(rejections, []);
        const system = find(recorded, ":SecretPatch", "px-system-keys").inputs as {
            metadata: { name: string; namespace: string; labels?: unknown; annotations: Record<string, string> };
        };
        assert.equal(system.metadata.name, "px-system-secrets");
        assert.equal(system.metadata.namespace, "portworx");
        assert.equal(system.metadata.labels, undefined);
        assert.equal(system.metadata.annotations["stork.libopenstorage.org/skip-resource"], "true");
        assert.deepEqual(Object.keys(secretData(recorded, "px-system-keys")).sort(), ["apps-secret", "system-secret"]);
        assert.deepEqual(Object.keys(secretData(recorded, "px-keys")), ["shared-secret"]);
        const s = spec(recorded);
        assert.deepEqual(s.security, {
            enabled: true,
            auth: {
                guestAccess: "Disabled",
                selfSigned: { issuer: "px.example.com", tokenLifetime: "12h", sharedSecret: "pxkeys" },
            },
        });
        const names = (s.env ?? []).map((e) => e.name);
        for (const refused of [
            "PORTWORX_AUTH_JWT_ISSUER",
            "PORTWORX_AUTH_JWT_SHAREDSECRET",
            "PORTWORX_AUTH_SYSTEM_KEY",
            "PORTWORX_AUTH_SYSTEM_APPS_KEY",
            "PORTWORX_AUTH_STORK_KEY",
        ]) {
            assert.ok(!names.includes(refused), `${refused} is the operator's`);
        }
        for (const kept of [
            "PORTWORX_AUTH_OIDC_ISSUER",
            "PORTWORX_AUTH_OIDC_CLIENTID",
            "PORTWORX_AUTH_USERNAME_CLAIM",
        ]) {
            assert.ok(names.includes(kept), kept);
        }
        const storkNames = (s.stork?.env ?? []).map((e) => e.name);
        assert.ok(!storkNames.includes("PX_SHARED_SECRET") && !storkNames.includes("PX_JWT_ISSUER"));
    });

    test("moving a cluster from env mode removes the env vars the operator overrides", async () => {
        const envRun = await run(BASE, sampleLive());
        const live = applied(envRun.recorded);
        const { recorded } = await run(args, live);
        const names = (spec(recorded).env ?? []).map((e) => e.name);
        assert.ok(!names.includes("PORTWORX_AUTH_SYSTEM_KEY") && !names.includes("PORTWORX_AUTH_JWT_ISSUER"));
        assert.ok(!(spec(recorded).stork?.env ?? []).some((e) => e.name === "PX_SHARED_SECRET"));
    });

    test("a cluster secured outside this project is refused unless taken over, and the plan says what that costs", async () => {
        const live = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
        live.spec.security = { enabled: true };
        const refused = await run(args, live);
        assert.match(
            refused.rejections[0]?.message ?? "",
            /takeOverExistingAuth: .*spec\.security\.enabled is true.*replaces its system key, apps key, Stork key and shared secret.*Stork restarts/,
        );
        assert.ok(!refused.recorded.some((r) => r.type.endsWith("Patch")));
        const taken = await run({ ...args, takeOverExistingAuth: true }, live);
        assert.deepEqual(taken.rejections, []);
        const notes = buildPlan(resolveSettings({ ...args, takeOverExistingAuth: true }), live as never).notes.join(
            "\n",
        );
        assert.match(notes, /Takeover: .*keys are replaced: .*the Stork key \(Stork restarts\)/);
        assert.match(notes, /reject each other's node-to-node tokens/);
        // Hand-set env keys count too, in env mode.
        const manual = structuredClone(sampleLive()) as { spec: { env: unknown[] } };
        manual.spec.env.push({
            name: "PORTWORX_AUTH_SYSTEM_KEY",
            valueFrom: { secretKeyRef: { name: "pxkeys", key: "system-secret" } },
        });
        assert.match(
            (await run(BASE, manual)).rejections[0]?.message ?? "",
            /takeOverExistingAuth: .*PORTWORX_AUTH_SYSTEM_KEY/,
        );
    });

    test("spec.stork keeps enabled: true when the operator defaulted it", () => {
        const live = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
        delete live.spec.stork;
        const plan = buildPlan(resolveSettings(BASE), live as never);
        assert.equal((plan.storageClusterPatch.spec as { stork: { enabled?: boolean } }).stork.enabled, true);
    });

    test("a Degraded cluster can still be switched off, and a no-op run is not refused", async () => {
        const on = await run(BASE, sampleLive());
        const degraded = applied(on.recorded) as { status: Record<string, unknown> };
        degraded.status = { phase: "Degraded" };
        assert.deepEqual((await run({ ...BASE, enabled: false }, degraded)).rejections, []);
        assert.deepEqual((await run(BASE, degraded)).rejections, []);
    });

    test("exposes px-admin-token as a secret output when asked", async () => {
        const pulumi = await import("@pulumi/pulumi");
        let c: PortworxAuth | undefined;
        const { recorded, rejections } = await runScenario(
            {
                preview: false,
                live: sampleLive(),
                reads: {
                    "portworx/px-admin-token": {
                        data: { "auth-token": Buffer.from("jwt.admin.token").toString("base64") },
                    },
                },
            },
            () => (c = new PortworxAuth("px", { ...args, operatorAdminToken: true })),
        );
        assert.deepEqual(rejections, []);
        assert.equal(find(recorded, ":Secret", "px-admin-token").id, "portworx/px-admin-token");
        const adminToken = (c as PortworxAuth).adminToken;
        assert.equal(await pulumi.isSecret(adminToken), true);
        assert.equal(await (adminToken as unknown as { promise(): Promise<string> }).promise(), "jwt.admin.token");
    });

    test("refused settings name the field", () => {
        assert.throws(() => resolveSettings({ ...args, selfSigned: undefined }), /^ConfigError: selfSigned\.issuer: /);
        assert.throws(() => resolveSettings({ ...args, stork: { mode: "deployment" } }), /^ConfigError: stork\.mode: /);
        assert.throws(() => resolveSettings({ ...args, storkKeyPairing: "apps" }), /^ConfigError: storkKeyPairing: /);
        assert.throws(() => resolveSettings({ ...args, tokenLifetime: "1 day" }), /^ConfigError: tokenLifetime: /);
        assert.throws(
            () => resolveSettings({ ...args, guestAccess: "enabled" as never }),
            /^ConfigError: guestAccess: /,
        );
        assert.throws(
            () => resolveSettings({ ...BASE, guestAccess: "Enabled" }),
            /^ConfigError: guestAccess: only applies/,
        );
    });

    test("guest access and token lifetime restart nothing; the issuer does", () => {
        const first = buildPlan(resolveSettings(args), sampleLive());
        const secured = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
        const sp = first.storageClusterPatch.spec as Spec;
        secured.spec.env = sp.env;
        secured.spec.security = sp.security;
        secured.spec.stork = { enabled: true, env: sp.stork?.env };
        const calm = buildPlan(resolveSettings({ ...args, guestAccess: "Enabled", tokenLifetime: "1d" }), secured);
        assert.deepEqual(calm.restarts, {});
        const moved = buildPlan(resolveSettings({ ...args, selfSigned: { issuer: "other.example.com" } }), secured);
        assert.match(moved.restarts.portworx ?? "", /the self-signed issuer changes/);
    });
});

describe("upgrading a running cluster", () => {
    test("the plan states the impact, and the paired-cluster steps when asked", () => {
        const plan = buildPlan(resolveSettings({ ...BASE, pairedClusters: true }), sampleLive());
        const text = plan.notes.join("\n");
        assert.match(text, /every Portworx node restarts once, one at a time/);
        assert.match(text, /Guest access .* keeps public volumes/);
        assert.match(text, /pxctl cluster token reset/);
        assert.match(text, /ClusterPair/);
        assert.doesNotMatch(buildPlan(resolveSettings(BASE), sampleLive()).notes.join("\n"), /token reset/);
    });

    for (const phase of ["Initializing", "Updating", "Degraded"]) {
        test(`a StorageCluster that is ${phase} is refused`, async () => {
            const live = structuredClone(sampleLive()) as { status: Record<string, unknown> };
            live.status.phase = phase;
            const { recorded, rejections } = await run(BASE, live);
            assert.match(
                rejections[0]?.message ?? "",
                new RegExp(`status\\.phase: StorageCluster portworx/px-cluster is ${phase}`),
            );
            assert.ok(!recorded.some((r) => r.type.endsWith("Patch")));
        });
    }
});

describe("idempotency", () => {
    for (const preview of [false, true]) {
        test(`a change that touches nothing a pod reads changes no pod-affecting field (preview=${preview})`, async () => {
            const first = await run(BASE, sampleLive(), preview);
            const second = await run({ ...BASE, fieldManager: "platform-team" }, applied(first.recorded), preview);
            const [a, b] = [spec(first.recorded), spec(second.recorded)];
            assert.deepEqual(b.env, a.env);
            assert.deepEqual(b.stork, a.stork);
            assert.deepEqual(b.volumes, a.volumes);
        });
    }
});

describe("a new public key reaches the pods", () => {
    const pem = () =>
        crypto
            .generateKeyPairSync("rsa", { modulusLength: 2048 })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString();
    test("changing the RSA public key's text rolls Portworx, not Stork, and the plan says why", async () => {
        const [a, b] = [pem(), pem()];
        const first = await run({ ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: a } }, sampleLive());
        const live = applied(first.recorded);
        const second = await run({ ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: b } }, live);
        const [s1, s2] = [spec(first.recorded), spec(second.recorded)];
        assert.match(marker(s1.env) ?? "", /;pubkeys=[0-9a-f]{12}$/);
        assert.notEqual(marker(s2.env), marker(s1.env));
        assert.equal(marker(s2.stork?.env), marker(s1.stork?.env));
        const plan = buildPlan(
            resolveSettings({ ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: b } }),
            live as never,
        );
        assert.match(plan.notes.join("\n"), /Rotation: the public keys change/);
        const same = await run({ ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: a } }, live);
        assert.equal(marker(spec(same.recorded).env), marker(s1.env));
    });
});

describe("second review: ownership, literals, markers, overrides", () => {
    test("the live reads keep spec and metadata secret in state", async () => {
        const { readSecretOutputs } = await import("./harness");
        await run(
            { ...BASE, stork: { mode: "deployment" } },
            (() => {
                const l = structuredClone(sampleLive()) as { spec: Record<string, unknown> };
                l.spec.stork = { enabled: false };
                return l;
            })(),
        );
        for (const n of ["px-live", "px-stork-live"]) {
            assert.deepEqual(readSecretOutputs.get(n)?.sort(), ["metadata", "spec"], n);
        }
    });

    test("turning authorization off on a cluster secured by someone else is refused too", async () => {
        const manual = structuredClone(sampleLive()) as { spec: { env: unknown[] } };
        manual.spec.env.push({
            name: "PORTWORX_AUTH_SYSTEM_KEY",
            valueFrom: { secretKeyRef: { name: "px-keys-by-hand", key: "k" } },
        });
        assert.match(
            (await run({ ...BASE, enabled: false }, manual)).rejections[0]?.message ?? "",
            /takeOverExistingAuth: /,
        );
    });

    test("ownership is read from content: our Secret and marker pass, another Secret does not, even with a marker", async () => {
        const ours = applied((await run(BASE, sampleLive())).recorded) as {
            spec: { env: { name: string; valueFrom?: unknown }[] };
        };
        assert.deepEqual((await run(BASE, ours)).rejections, []);
        const other = structuredClone(ours);
        other.spec.env = other.spec.env.map((e) =>
            e.name === "PORTWORX_AUTH_SYSTEM_KEY"
                ? { ...e, valueFrom: { secretKeyRef: { name: "someone-else", key: "system-secret" } } }
                : e,
        );
        assert.match(
            (await run(BASE, other)).rejections[0]?.message ?? "",
            /PORTWORX_AUTH_SYSTEM_KEY from another Secret/,
        );
    });

    test("a marker that gains a field says so: one roll, no key changed", () => {
        const pem = crypto
            .generateKeyPairSync("rsa", { modulusLength: 2048 })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString();
        const live = structuredClone(sampleLive()) as { spec: { env: Env[] } };
        const args = { ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: pem } };
        live.spec.env = [
            ...(buildPlan(resolveSettings(args), sampleLive()).storageClusterPatch.spec as Spec).env!.filter(
                (e) => e.name !== "PX_AUTH_KEYS_REVISION",
            ),
            { name: "PX_AUTH_KEYS_REVISION", value: "system=1;apps=1;stork=1;shared=1" },
        ];
        assert.match(
            buildPlan(resolveSettings(args), live as never).notes.join("\n"),
            /gains pubkeys .*no key changed/,
        );
    });

    test("adding a public key says so, not that portworx-auth is newer", () => {
        const pem = crypto
            .generateKeyPairSync("rsa", { modulusLength: 2048 })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString();
        const live = structuredClone(sampleLive()) as { spec: { env: Env[] } };
        live.spec.env = (buildPlan(resolveSettings(BASE), sampleLive()).storageClusterPatch.spec as Spec).env!;
        const args = { ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: pem } };
        const notes = buildPlan(resolveSettings(args), live as never).notes.join("\n");
        assert.match(notes, /Public keys are added: Portworx reads them only at start/);
        assert.doesNotMatch(notes, /newer portworx-auth/);
    });

    test("the public key fingerprint ignores line endings", () => {
        const pem = crypto
            .generateKeyPairSync("ec", { namedCurve: "P-256" })
            .publicKey.export({ type: "spki", format: "pem" })
            .toString();
        const fp = (p: string) =>
            resolveSettings({ ...BASE, selfSigned: { issuer: "a.b", ecdsaPublicKey: p } }).selfSigned
                ?.publicKeysRevision;
        assert.equal(fp(pem.replace(/\n/g, "\r\n")), fp(pem));
        assert.match(fp(pem) ?? "", /^[0-9a-f]{12}$/);
    });

    test("an unsettled cluster can be rolled on purpose", async () => {
        const live = structuredClone(sampleLive()) as { status: Record<string, unknown> };
        live.status.phase = "Degraded";
        assert.match((await run(BASE, live)).rejections[0]?.message ?? "", /allowUnsettledCluster/);
        assert.deepEqual((await run({ ...BASE, allowUnsettledCluster: true }, live)).rejections, []);
    });
});

describe("a note for every switch that rolls pods or stops tokens working", () => {
    const rsa = crypto
        .generateKeyPairSync("rsa", { modulusLength: 2048 })
        .publicKey.export({ type: "spki", format: "pem" })
        .toString();
    const OP: PortworxAuthArgs = { ...BASE, securityMode: "operator" };
    const cases: [string, PortworxAuthArgs, PortworxAuthArgs, RegExp][] = [
        [
            "shared secret to public key only",
            BASE,
            { ...BASE, selfSigned: { issuer: "px.example.com", rsaPublicKey: rsa }, adminToken: false },
            /shared secret is no longer configured.*stop working/,
        ],
        ["env to operator mode", BASE, OP, /securityMode changes from env to operator/],
        ["Stork pairing", BASE, { ...BASE, storkKeyPairing: "apps" }, /storkKeyPairing changes Stork's issuer/],
        ["guest access Enabled to Disabled", OP, { ...OP, guestAccess: "Disabled" }, /guestAccess becomes Disabled/],
    ];
    for (const [what, from, to, note] of cases) {
        test(what, async () => {
            const first = await run(from, sampleLive());
            const live = applied(first.recorded);
            const notes = buildPlan(resolveSettings(to), live).notes;
            assert.ok(
                notes.some((n) => note.test(n)),
                notes.join("\n"),
            );
            // The same configuration again says nothing of a switch.
            const again = buildPlan(resolveSettings(from), live).notes;
            assert.ok(!again.some((n) => note.test(n)), again.join("\n"));
        });
    }

    test("the guest-access note only when it applies", () => {
        const on = buildPlan(resolveSettings(BASE), sampleLive()).notes;
        assert.ok(on.some((n) => /keeps public volumes/.test(n)));
        const disabled = buildPlan(
            resolveSettings({ ...BASE, securityMode: "operator", guestAccess: "Disabled" }),
            sampleLive(),
        ).notes;
        assert.ok(!disabled.some((n) => /keeps public volumes/.test(n)), disabled.join("\n"));
        assert.ok(disabled.some((n) => /Guest access is Disabled/.test(n)));
    });
});
