// The real component under Pulumi's mock engine, in update and preview modes.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as jose from "jose";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import {
    clusterAfter,
    find,
    plainStrings,
    resolveEnv,
    resolveRef,
    runScenario,
    sampleLive,
    SECRET_SIG,
    unwrapSecrets,
    value,
    recordedOptions,
    type MockOptions,
    type Recorded,
} from "./harness";

const RSA_PUBLIC = crypto
    .generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

async function run(args: PortworxAuthArgs, opts: Partial<MockOptions> & { preview: boolean }, name = "px") {
    let component: PortworxAuth | undefined;
    const scenario = await runScenario({ live: sampleLive(), ...opts }, () => {
        component = new PortworxAuth(name, args);
    });
    return { ...scenario, component };
}

function patchSpec(recorded: Recorded[]) {
    return unwrapSecrets(find(recorded, ":StorageClusterPatch").inputs.spec) as {
        env?: Env[];
        stork?: { env?: Env[] };
        volumes?: { name: string }[];
    };
}

function liveWith(spec: Record<string, unknown>): Record<string, unknown> {
    const live = sampleLive() as { spec: Record<string, unknown> };
    live.spec = { ...live.spec, ...spec };
    return live;
}

for (const preview of [false, true]) {
    describe(`PortworxAuth (preview=${preview})`, () => {
        test("registers the expected children, each named after the component, in the right namespace", async () => {
            const { recorded, rejections, leaks } = await run(BASE, { preview });
            assert.deepEqual(rejections, []);
            assert.equal(leaks, 0);
            // Registration order follows when inputs resolve: compare as a set.
            assert.deepEqual(
                recorded.map((r) => `${r.type} ${r.name}`).sort(),
                [
                    "portworx-auth:index:PortworxAuth px",
                    "kubernetes:core.libopenstorage.org/v1:StorageCluster px-live",
                    "random:index/randomBytes:RandomBytes px-system-key",
                    "random:index/randomBytes:RandomBytes px-apps-key",
                    "random:index/randomBytes:RandomBytes px-stork-key",
                    "random:index/randomBytes:RandomBytes px-shared-secret",
                    "kubernetes:core/v1:SecretPatch px-keys",
                    "kubernetes:core/v1:SecretPatch px-system-keys",
                    "kubernetes:core/v1:SecretPatch px-token-admin",
                    "kubernetes:core/v1:SecretPatch px-px-admin-token",
                    "kubernetes:core.libopenstorage.org/v1:StorageClusterPatch px-storagecluster",
                ].sort(),
            );
            for (const r of recorded.slice(1)) assert.match(r.name, /^px-/);
            assert.equal(find(recorded, ":StorageCluster").id, "portworx/px-cluster");
            const secret = find(recorded, ":SecretPatch", "px-keys").inputs as { metadata: Record<string, unknown> };
            assert.equal(secret.metadata.namespace, "portworx");
            assert.equal(secret.metadata.name, "pxkeys");
            const system = find(recorded, ":SecretPatch", "px-system-keys").inputs as {
                metadata: Record<string, unknown>;
            };
            assert.equal(system.metadata.name, "px-system-secrets");
            const patch = find(recorded, ":StorageClusterPatch").inputs as Record<string, never>;
            assert.equal(patch.apiVersion, "core.libopenstorage.org/v1");
            assert.equal(patch.kind, "StorageCluster");
            assert.deepEqual(patch.metadata, {
                name: "px-cluster",
                namespace: "portworx",
                annotations: { "pulumi.com/patchFieldManager": "portworx-auth", "pulumi.com/patchForce": "true" },
            });
            for (const r of recorded.filter((x) => x.type.endsWith("Patch"))) {
                const md = r.inputs.metadata as { annotations: Record<string, string> };
                assert.equal(md.annotations["pulumi.com/patchFieldManager"], "portworx-auth", r.name);
                assert.equal(md.annotations["pulumi.com/patchForce"], "true", r.name);
            }
        });

        test("its child resources are exposed, so a program can depend on the StorageCluster patch and the Secrets", async () => {
            let auth: PortworxAuth | undefined;
            const { rejections } = await runScenario({ live: sampleLive(), preview }, () => {
                auth = new PortworxAuth("px", { ...BASE, tokens: [{ name: "ci", roles: ["system.view"] }] });
                new k8s.core.v1.ConfigMap(
                    "after",
                    { data: {} },
                    { dependsOn: [auth.storageClusterPatch, ...auth.keySecrets, ...auth.tokenSecrets] },
                );
            });
            assert.deepEqual(rejections, []);
            const a = auth as PortworxAuth;
            assert.equal(a.keySecrets.length, 2);
            assert.deepEqual(
                (recordedOptions.get("after")?.dependsOn ?? []).sort(),
                [
                    "px-storagecluster",
                    "px-keys",
                    "px-system-keys",
                    "px-token-admin",
                    "px-token-ci",
                    "px-px-admin-token",
                ].sort(),
            );
            // A copy: a caller cannot change what the component holds.
            a.keySecrets.pop();
            assert.equal(a.keySecrets.length, 2);
        });

        test("two components in one stack, one per cluster, do not collide", async () => {
            const other = sampleLive() as { metadata: Record<string, unknown> };
            other.metadata = { ...other.metadata, namespace: "px-b" };
            const reads = { "px-b/px-cluster": other };
            const { recorded, rejections } = await runScenario({ preview, live: sampleLive(), reads }, () => {
                new PortworxAuth("a", BASE);
                new PortworxAuth("b", { ...BASE, namespace: "px-b" });
            });
            assert.deepEqual(rejections, []);
            const names = recorded.map((r) => `${r.type}/${r.name}`);
            assert.equal(new Set(names).size, names.length);
        });

        test("merging keeps five user env vars and two Stork env vars, in order and unchanged, plus ours", async () => {
            const live = sampleLive() as { spec: { env: Env[]; stork: { env: Env[] }; volumes: unknown[] } };
            assert.equal(live.spec.env.length, 5);
            assert.equal(live.spec.stork.env.length, 2);
            const { recorded } = await run(BASE, { preview });
            const spec = patchSpec(recorded);
            assert.deepEqual(spec.env?.slice(0, 5), live.spec.env);
            assert.deepEqual(spec.stork?.env?.slice(0, 2), live.spec.stork.env);
            assert.deepEqual(spec.volumes, live.spec.volumes);
            assert.deepEqual(
                spec.env?.slice(5).map((e) => e.name),
                [
                    "PORTWORX_AUTH_SYSTEM_KEY",
                    "PORTWORX_AUTH_SYSTEM_APPS_KEY",
                    "PORTWORX_AUTH_STORK_KEY",
                    "PORTWORX_AUTH_JWT_ISSUER",
                    "PORTWORX_AUTH_JWT_SHAREDSECRET",
                    "PORTWORX_AUTH_USERNAME_CLAIM",
                    "PX_AUTH_KEYS_REVISION",
                ],
            );
            assert.deepEqual(
                spec.stork?.env?.slice(2).map((e) => e.name),
                ["PX_SHARED_SECRET", "PX_JWT_ISSUER", "PX_AUTH_KEYS_REVISION"],
            );
        });

        test("a second run against the first run's result registers byte-identical inputs", async () => {
            const first = await run(BASE, { preview });
            const second = await run(BASE, { preview, live: clusterAfter(first.recorded) });
            assert.deepEqual(second.rejections, []);
            const strip = (rs: Recorded[]) => rs.filter((r) => r.id === undefined).map((r) => JSON.stringify(r));
            assert.deepEqual(strip(second.recorded), strip(first.recorded));
        });

        test("a user entry that reuses one of our names is replaced in place, not duplicated", async () => {
            const live = liveWith({
                env: [
                    { name: "A", value: "1" },
                    { name: "PORTWORX_AUTH_JWT_ISSUER", value: "hand-set" },
                    { name: "B", value: "2" },
                    { name: "PORTWORX_AUTH_JWT_ISSUER", value: "duplicate" },
                ],
            });
            const { recorded } = await run(BASE, { preview, live });
            const env = patchSpec(recorded).env ?? [];
            assert.deepEqual(env.slice(0, 3), [
                { name: "A", value: "1" },
                { name: "PORTWORX_AUTH_JWT_ISSUER", value: "px.example.com" },
                { name: "B", value: "2" },
            ]);
            assert.equal(env.filter((e) => e.name === "PORTWORX_AUTH_JWT_ISSUER").length, 1);
        });

        test("outputs: keys are secret, the Secret name is not", async () => {
            const { component, rejections } = await run(BASE, { preview });
            assert.deepEqual(rejections, []);
            const c = component as PortworxAuth;
            assert.equal(await pulumi.isSecret(c.systemKey), true);
            assert.equal(await pulumi.isSecret(c.storkKey), true);
            assert.equal(await pulumi.isSecret(c.sharedSecret), true);
            assert.equal(await pulumi.isSecret(c.secretName), false);
            assert.equal(await value(c.secretName), "pxkeys");
            if (preview) {
                // New random values are unknown in a preview: nothing may crash on that.
                assert.equal(await value(c.systemKey), undefined);
            } else {
                assert.match((await value(c.systemKey)) ?? "", /^[0-9a-f]{64}$/);
                assert.notEqual(await value(c.systemKey), await value(c.storkKey));
            }
        });

        test("a supplied shared secret is stored, never generated", async () => {
            const sharedSecret = pulumi.secret("s".repeat(40));
            const { recorded, component } = await run(
                { ...BASE, selfSigned: { issuer: "px.example.com", sharedSecret } },
                { preview },
            );
            assert.ok(!recorded.some((r) => r.name === "px-shared-secret"));
            assert.equal(await value((component as PortworxAuth).sharedSecret), "s".repeat(40));
            if (!preview) {
                // In a preview the Secret's data is unknown as a whole: its generated keys are.
                const data = unwrapSecrets(find(recorded, ":SecretPatch", "px-keys").inputs.data) as Record<
                    string,
                    string
                >;
                assert.equal(Buffer.from(data["shared-secret.1"], "base64").toString(), "s".repeat(40));
                assert.equal(Buffer.from(data["shared-secret"], "base64").toString(), "s".repeat(40));
            }
        });

        test("retains the Secret and the patches on delete, and writes the Secret before the patch", async () => {
            await run({ ...BASE, selfSigned: { ...BASE.selfSigned, rsaPublicKey: RSA_PUBLIC } } as PortworxAuthArgs, {
                preview,
            });
            assert.ok(!recordedOptions.has("px-keys"), "public keys only: no shared secret, no Secret for it");
            for (const n of ["px-system-keys", "px-public-keys", "px-storagecluster"]) {
                assert.equal(recordedOptions.get(n)?.retainOnDelete, true, n);
            }
            const patchDeps = recordedOptions.get("px-storagecluster")?.dependsOn ?? [];
            for (const n of ["px-live", "px-system-keys", "px-public-keys"]) assert.ok(patchDeps.includes(n), n);
            for (const n of ["px-system-key", "px-system-keys"]) {
                assert.ok(recordedOptions.get(n)?.dependsOn.includes("px-live"), `${n} waits for the preflight`);
            }
        });
    });
}

describe("Stork reads the very key Portworx checks its tokens with", () => {
    const cases: { mode: "operator" | "deployment" | "none"; pairing: "stork" | "apps"; storkNs?: string }[] = [];
    for (const mode of ["operator", "deployment", "none"] as const) {
        for (const pairing of ["stork", "apps"] as const) cases.push({ mode, pairing });
    }
    cases.push({ mode: "deployment", pairing: "apps", storkNs: "kube-system" });
    for (const { mode, pairing, storkNs } of cases) {
        test(`stork.mode=${mode}, pairing=${pairing}${storkNs ? `, Stork in ${storkNs}` : ""}`, async () => {
            const live = mode === "operator" ? sampleLive() : liveWith({ stork: { enabled: false } });
            const args: PortworxAuthArgs = {
                ...BASE,
                storkKeyPairing: pairing,
                stork: mode === "deployment" ? { mode, ...(storkNs ? { namespace: storkNs } : {}) } : { mode },
            };
            const { recorded, rejections, component } = await run(args, { preview: false, live });
            assert.deepEqual(rejections, []);
            const pxEnv = patchSpec(recorded).env ?? [];
            const storkKey = await value((component as PortworxAuth).storkKey);
            const appsKey = await value((component as PortworxAuth).appsKey);
            // Portworx checks the operator's and Autopilot's tokens with the apps key, and Stork's
            // with the Stork key in the stork pairing (its own key) or the apps key in the apps pairing.
            assert.equal(resolveEnv(recorded, "portworx", pxEnv, "PORTWORX_AUTH_SYSTEM_APPS_KEY"), appsKey);
            if (pairing === "stork") {
                assert.equal(resolveEnv(recorded, "portworx", pxEnv, "PORTWORX_AUTH_STORK_KEY"), storkKey);
                assert.notEqual(storkKey, appsKey);
            } else {
                assert.equal(storkKey, appsKey);
                assert.ok(!pxEnv.some((e) => e.name === "PORTWORX_AUTH_STORK_KEY"));
            }
            assert.equal(resolveRef(recorded, "portworx", { name: "px-system-secrets", key: "apps-secret" }), appsKey);

            let storkEnv: Env[] | undefined;
            if (mode === "operator") storkEnv = patchSpec(recorded).stork?.env;
            if (mode === "deployment") {
                const dep = unwrapSecrets(find(recorded, ":DeploymentPatch").inputs) as {
                    metadata: { name: string; namespace: string };
                    spec: { template: { spec: { containers: { name: string; env: Env[] }[] } } };
                };
                assert.deepEqual(dep.metadata.name, "stork");
                assert.deepEqual(dep.metadata.namespace, storkNs ?? "portworx");
                assert.equal(dep.spec.template.spec.containers[0].name, "stork");
                storkEnv = dep.spec.template.spec.containers[0].env;
            }
            if (mode === "none") {
                assert.ok(!recorded.some((r) => r.type.endsWith(":DeploymentPatch")));
                assert.ok(!(patchSpec(recorded).stork?.env ?? []).some((e) => e.name === "PX_SHARED_SECRET"));
                return;
            }
            assert.equal(resolveEnv(recorded, storkNs ?? "portworx", storkEnv ?? [], "PX_SHARED_SECRET"), storkKey);
            const issuer = storkEnv?.find((e) => e.name === "PX_JWT_ISSUER")?.value;
            assert.equal(issuer, pairing === "apps" ? "apps.portworx.io" : "stork.openstorage.io");
            if (storkNs) {
                const copy = find(recorded, ":SecretPatch", "px-stork-keys");
                assert.equal((copy.inputs.metadata as { namespace: string }).namespace, storkNs);
            }
        });
    }
});

describe("no key ever shows outside a secret", () => {
    for (const preview of [false, true]) {
        test(`inputs, outputs and logs (preview=${preview})`, async () => {
            const supplied = "sentinel-shared-secret-0123456789abcdef";
            const { recorded, component, logs, rejections } = await run(
                { ...BASE, selfSigned: { issuer: "px.example.com", sharedSecret: pulumi.secret(supplied) } },
                { preview },
            );
            assert.deepEqual(rejections, []);
            const c = component as PortworxAuth;
            const keys = [supplied, await value(c.systemKey), await value(c.storkKey)].filter(
                (k): k is string => typeof k === "string",
            );
            assert.equal(keys.length, preview ? 1 : 3);
            const forms = keys.flatMap((k) => [k, Buffer.from(k).toString("base64")]);
            for (const r of recorded) {
                for (const [p, s] of plainStrings(r.inputs)) {
                    for (const f of forms) assert.ok(!s.includes(f), `${r.name}${p} carries a key in plain text`);
                }
            }
            // Key Secret data reaches the engine as a secret (or, in a preview, unknown).
            const data = find(recorded, ":SecretPatch").inputs.data as Record<string, unknown>;
            assert.ok(data[SECRET_SIG] !== undefined || (preview && data.__pulumiUnknown === true));
            for (const o of [c.secretName, c.restarts]) {
                assert.equal(await pulumi.isSecret(o as pulumi.Output<unknown>), false);
                const text = JSON.stringify(await value(o as pulumi.Output<unknown>));
                for (const f of forms) assert.ok(!text.includes(f));
            }
            for (const f of forms) assert.ok(!logs.includes(f));
        });
    }

    test("an error about a supplied secret does not carry it", async () => {
        const short = "sentinel-too-short";
        const { recorded, rejections } = await run(
            { ...BASE, selfSigned: { issuer: "px.example.com", sharedSecret: pulumi.secret(short) } },
            { preview: false },
        );
        assert.equal(rejections.length > 0, true);
        assert.match(rejections[0].message, /selfSigned\.sharedSecret: has 18 bytes; at least 32 are required/);
        for (const e of rejections) assert.ok(!e.message.includes(short) && !(e.stack ?? "").includes(short));
        assert.ok(!recorded.some((r) => r.type.endsWith("Patch") || r.type.includes("random")));
    });
});

describe("preflight: a clear error and nothing registered", () => {
    const cases: {
        title: string;
        live: Record<string, unknown> | null;
        args?: Partial<PortworxAuthArgs>;
        field: RegExp;
    }[] = [
        {
            title: "spec.security.enabled: true",
            live: liveWith({ security: { enabled: true } }),
            field: /securityMode: .*spec\.security\.enabled: true.*securityMode: "operator"/,
        },
        {
            title: "a per-node PORTWORX_AUTH_* entry",
            live: liveWith({
                nodes: [
                    { selector: { nodeName: "n1" }, env: [{ name: "PX_X", value: "1" }] },
                    { selector: { nodeName: "n2" }, env: [{ name: "PORTWORX_AUTH_JWT_ISSUER", value: "x" }] },
                ],
            }),
            field: /spec\.nodes\[1\]\.env\[0\]: .*PORTWORX_AUTH_JWT_ISSUER.*mixed cluster/,
        },
        {
            title: "stork.mode operator while spec.stork.enabled is false",
            live: liveWith({ stork: { enabled: false } }),
            field: /stork\.mode: .*spec\.stork\.enabled false/,
        },
        {
            title: "stork.mode operator while spec.stork is present without enabled (the operator dropped a false)",
            live: liveWith({ stork: { args: { verbose: "true" } } }),
            field: /stork\.mode: /,
        },
        {
            title: "stork.mode deployment while the operator runs Stork",
            live: sampleLive(),
            args: { stork: { mode: "deployment" } },
            field: /stork\.mode: .*reverts/,
        },
    ];
    for (const preview of [false, true]) {
        for (const c of cases) {
            test(`${c.title} (preview=${preview})`, async () => {
                const { recorded, rejections } = await run({ ...BASE, ...c.args }, { preview, live: c.live });
                assert.ok(rejections.length > 0, "expected an error");
                assert.match(rejections[0].message, c.field);
                assert.match(rejections[0].message, /Fix: /);
                // Reads only: the component itself is the one thing registered that is not a read.
                assert.deepEqual(
                    recorded.filter((r) => r.id === undefined).map((r) => r.type),
                    ["portworx-auth:index:PortworxAuth"],
                );
                assert.ok(recorded.some((r) => r.type === "kubernetes:core.libopenstorage.org/v1:StorageCluster"));
            });
        }
    }

    test("a read that returns no object is refused as not found", async () => {
        const { recorded, rejections } = await run(BASE, { preview: false, live: {} });
        assert.match(
            rejections[0]?.message ?? "",
            /storageClusterName: StorageCluster portworx\/px-cluster was not found.*Fix: /,
        );
        assert.ok(!recorded.some((r) => r.type.endsWith("Patch") || r.type.includes("random")));
    });

    test("a read that fails (object missing in the cluster) registers nothing either", async () => {
        const { recorded, rejections } = await run(BASE, { preview: false, live: null });
        assert.ok(rejections.length > 0);
        assert.ok(!recorded.some((r) => r.type.endsWith("Patch") || r.type.includes("random")));
    });

    test("invalid arguments throw before any child is registered", async () => {
        const { recorded, rejections } = await run({ ...BASE, namespace: "Not_A_Namespace" }, { preview: false });
        assert.equal(rejections.length, 1);
        assert.ok(rejections[0] instanceof pulumi.ResourceError);
        assert.match(rejections[0].message, /^namespace: /);
        assert.deepEqual(
            recorded.map((r) => r.type),
            ["portworx-auth:index:PortworxAuth"],
        );
    });
});

describe("trust models: what the component configures verifies the right tokens, and only those", () => {
    const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const otherRsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const spki = (k: crypto.KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
    const shared = "a-shared-secret-of-more-than-32-bytes-0123456789";
    const full: PortworxAuthArgs = {
        ...BASE,
        selfSigned: {
            issuer: "px.example.com",
            sharedSecret: pulumi.secret(shared),
            rsaPublicKey: spki(rsa.publicKey),
            ecdsaPublicKey: spki(ec.publicKey),
        },
        oidc: { issuer: "https://id.example.com/realms/px", clientId: "portworx", customClaimNamespace: "px" },
        usernameClaim: "email",
    };

    /** Reads back, from what was registered, the issuer and keys Portworx would verify with. */
    function configured(recorded: Recorded[]) {
        const spec = patchSpec(recorded) as {
            env: Env[];
            volumes: { name: string; mountPath: string; configMap: { name: string } }[];
        };
        const env = (n: string) => spec.env.find((e) => e.name === n);
        const cm = unwrapSecrets(find(recorded, ":ConfigMapPatch").inputs) as {
            metadata: { name: string };
            data: Record<string, string>;
        };
        const pemAt = (path: string) => {
            const vol = spec.volumes.find((v) => path.startsWith(`${v.mountPath}/`));
            assert.ok(vol, `no volume mounts ${path}`);
            assert.equal(vol.configMap.name, cm.metadata.name);
            return cm.data[path.slice(vol.mountPath.length + 1)];
        };
        const ref = env("PORTWORX_AUTH_JWT_SHAREDSECRET")?.valueFrom?.secretKeyRef;
        const secret = find(recorded, ":SecretPatch", "px-keys");
        assert.equal((secret.inputs.metadata as { name: string }).name, ref?.name);
        const data = unwrapSecrets(secret.inputs.data) as Record<string, string>;
        return {
            issuer: env("PORTWORX_AUTH_JWT_ISSUER")?.value,
            sharedSecret: Buffer.from(data[ref?.key ?? ""], "base64").toString(),
            rsaPem: pemAt(env("PORTWORX_AUTH_JWT_RSA_PUBKEY")?.value ?? ""),
            ecdsaPem: pemAt(env("PORTWORX_AUTH_JWT_ECDS_PUBKEY")?.value ?? ""),
            oidc: [env("PORTWORX_AUTH_OIDC_ISSUER")?.value, env("PORTWORX_AUTH_OIDC_CLIENTID")?.value],
            claimNs: env("PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE")?.value,
            usernameClaim: env("PORTWORX_AUTH_USERNAME_CLAIM")?.value,
        };
    }

    test("each model's matching key and issuer verify; another key or issuer does not", async () => {
        const { recorded, rejections } = await run(full, { preview: false });
        assert.deepEqual(rejections, []);
        const c = configured(recorded);
        assert.deepEqual(c.oidc, ["https://id.example.com/realms/px", "portworx"]);
        assert.equal(c.claimNs, "px");
        assert.equal(c.usernameClaim, "email");
        const claims = { sub: "ci", name: "ci", email: "ci@px.example.com", roles: ["system.view"] };
        const sign = (alg: string, key: crypto.KeyObject | Uint8Array, iss: string) =>
            new jose.SignJWT(claims)
                .setProtectedHeader({ alg })
                .setIssuer(iss)
                .setIssuedAt()
                .setExpirationTime("1h")
                .sign(key);
        const verify = async (token: string, key: Awaited<ReturnType<typeof jose.importSPKI>> | Uint8Array) => {
            try {
                await jose.jwtVerify(token, key, { issuer: c.issuer });
                return true;
            } catch {
                return false;
            }
        };
        const hmac = new TextEncoder().encode(c.sharedSecret);
        const rsaKey = await jose.importSPKI(c.rsaPem, "RS256");
        const ecKey = await jose.importSPKI(c.ecdsaPem, "ES256");
        assert.equal(await verify(await sign("HS256", new TextEncoder().encode(shared), "px.example.com"), hmac), true);
        assert.equal(await verify(await sign("RS256", rsa.privateKey, "px.example.com"), rsaKey), true);
        assert.equal(await verify(await sign("ES256", ec.privateKey, "px.example.com"), ecKey), true);
        assert.equal(
            await verify(await sign("HS256", new TextEncoder().encode(`${shared}x`), "px.example.com"), hmac),
            false,
        );
        assert.equal(await verify(await sign("RS256", otherRsa.privateKey, "px.example.com"), rsaKey), false);
        assert.equal(await verify(await sign("RS256", rsa.privateKey, "other.example.com"), rsaKey), false);
        assert.equal(await verify(await sign("ES256", ec.privateKey, "stork.openstorage.io"), ecKey), false);
    });

    test("dropping a model removes exactly its entries and volume, and nothing else", async () => {
        const first = await run(full, { preview: false });
        const applied = patchSpec(first.recorded);
        const live = clusterAfter(first.recorded);
        const { recorded } = await run(
            { ...full, selfSigned: { issuer: "px.example.com", sharedSecret: pulumi.secret(shared) }, oidc: undefined },
            { preview: false, live },
        );
        const spec = patchSpec(recorded);
        const before = (applied.env ?? []).map((e) => e.name);
        const after = (spec.env ?? []).map((e) => e.name);
        const removed = [
            "PORTWORX_AUTH_JWT_RSA_PUBKEY",
            "PORTWORX_AUTH_JWT_ECDS_PUBKEY",
            "PORTWORX_AUTH_OIDC_ISSUER",
            "PORTWORX_AUTH_OIDC_CLIENTID",
            "PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE",
        ];
        assert.deepEqual(
            after,
            before.filter((n) => !removed.includes(n)),
        );
        assert.deepEqual(
            spec.volumes?.map((v) => v.name),
            ["ca-bundle"],
        );
        assert.ok(!recorded.some((r) => r.type.endsWith(":ConfigMapPatch")));
    });

    test("a bad public key or private key in a key field is refused and nothing is written", async () => {
        const { recorded, rejections } = await run(
            {
                ...BASE,
                selfSigned: {
                    issuer: "px.example.com",
                    rsaPublicKey: rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
                },
            },
            { preview: false },
        );
        assert.match(rejections[0]?.message ?? "", /^selfSigned\.rsaPublicKey: holds a private key/);
        assert.ok(!recorded.some((r) => r.type.endsWith("Patch")));
    });
});

describe("deployment mode reads Stork's Deployment first", () => {
    const live = () => {
        const l = sampleLive() as { spec: Record<string, unknown> };
        l.spec.stork = { enabled: false };
        return l;
    };
    test("a container name Stork's Deployment does not have is refused, and nothing is written", async () => {
        const { recorded, rejections } = await run(
            { ...BASE, stork: { mode: "deployment", containerName: "stork-main" } },
            { preview: false, live: live() },
        );
        assert.match(
            rejections[0]?.message ?? "",
            /stork\.containerName: Stork Deployment portworx\/stork has no container "stork-main" \(it has "stork"\)/,
        );
        assert.ok(!recorded.some((r) => r.type.endsWith("Patch")));
    });

    test("a Deployment that is not there is refused", async () => {
        const { rejections } = await run(
            { ...BASE, stork: { mode: "deployment" } },
            { preview: false, live: live(), reads: { "portworx/stork": {} } },
        );
        assert.match(
            rejections[0]?.message ?? "",
            /stork\.deploymentName: Stork Deployment portworx\/stork was not found/,
        );
    });

    test("Stork is patched before Portworx, and the restart is read off the live env", async () => {
        const { component, rejections } = await run(
            { ...BASE, stork: { mode: "deployment" } },
            { preview: false, live: live() },
        );
        assert.deepEqual(rejections, []);
        assert.ok(recordedOptions.get("px-storagecluster")?.dependsOn.includes("px-stork"));
        assert.ok(recordedOptions.get("px-stork")?.dependsOn.includes("px-keys"));
        assert.match(
            (await value((component as PortworxAuth).restarts))?.stork ?? "",
            /its Deployment's env adds PX_SHARED_SECRET, PX_JWT_ISSUER, PX_AUTH_KEYS_REVISION/,
        );
    });
});

describe("values unknown during a preview", () => {
    test("an unknown shared secret is checked later and crashes nothing; the patch is still planned", async () => {
        const random = await import("@pulumi/random");
        const { recorded, rejections, leaks } = await runScenario({ preview: true, live: sampleLive() }, () => {
            // The mock leaves a new RandomBytes' value out in a preview: unknown, as in a real one.
            const fromElsewhere = new random.RandomBytes("elsewhere", { length: 32 }).hex;
            new PortworxAuth("px", { ...BASE, selfSigned: { issuer: "px.example.com", sharedSecret: fromElsewhere } });
        });
        assert.deepEqual(rejections, []);
        assert.equal(leaks, 0);
        assert.ok(patchSpec(recorded).env?.some((e) => e.name === "PORTWORX_AUTH_JWT_SHAREDSECRET"));
    });
});

describe("no private key or minted token shows outside a secret", () => {
    test("an RSA private key and the tokens it signs stay in secrets", async () => {
        const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        const privatePem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
        const { recorded, component, logs, rejections } = await run(
            {
                ...BASE,
                selfSigned: {
                    issuer: "px.example.com",
                    rsaPublicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
                    rsaPrivateKey: pulumi.secret(privatePem),
                },
                tokens: [{ name: "ci", roles: ["system.view"] }],
            },
            { preview: false },
        );
        assert.deepEqual(rejections, []);
        const tokens = Object.values(
            ((await value((component as PortworxAuth).tokens)) ?? {}) as Record<string, string>,
        );
        assert.equal(tokens.length, 2);
        const body = privatePem.split("\n")[1];
        const forms = [...tokens, ...tokens.map((t) => Buffer.from(t).toString("base64")), body];
        for (const r of recorded) {
            for (const [p, s] of plainStrings(r.inputs)) {
                for (const f of forms) assert.ok(!s.includes(f), `${r.name}${p} carries a token or the private key`);
            }
        }
        for (const f of forms) assert.ok(!logs.includes(f));
    });
});
