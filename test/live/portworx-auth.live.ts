/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// The live suite: the real program, run by the real Pulumi CLI with the Kubernetes provider,
// against a real kube-apiserver (and etcd) on 127.0.0.1, once per StorageCluster CRD fixture.
// Expected objects come from the component's pure core (buildPlan on the same config and the same
// live objects), never from hard-coded names. Run with `npm run test:live`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as YAML from "yaml";
import { OWNED_PX_ENV, OWNED_STORK_ENV, PX_ENV, STORK_ENV, type EnvVar } from "../../components/env";
import type { Plan } from "../../components/plan";
import { verifyToken } from "../../components/tokens";
import { liveToolsPath, startCluster, type Cluster, type Kube } from "./cluster";
import {
    applyAtomic,
    checkPlanSecrets,
    deploymentPath,
    written,
    only,
    ownedBy,
    planFor,
    planSecretIds,
    resolveEnv,
    resolveRef,
    scPath,
    secretPath,
    secretsData,
} from "./expect";
import { removeTemp, tempDir } from "./procs";
import {
    createNamespace,
    createStorageCluster as createStorageClusterOn,
    fixture,
    installStorageClusterCrd,
    liveOf,
    USER_AUTOPILOT_ENV,
    USER_ENV,
    USER_STORK_ENV,
    USER_VOLUMES,
    type StorageClusterOptions,
} from "./objects";
import { Project, type StackConfig } from "./pulumi";

/** The built tools' directories (test:live builds them first). */
const TOOLS = liveToolsPath();

const CRDS = [
    { name: "operator 26.2.1 (released)", file: "storagecluster-crd-operator-26.2.1.yaml" },
    { name: "operator master", file: "storagecluster-crd.yaml" },
];

const ISSUER = "live.portworx-auth.test";
const STORK_NS = "kube-test";

const names = (l: { name: string }[]) => l.map((e) => e.name);
// Key comparisons that never print a key, even on failure.
const same = (a: unknown, b: unknown, message: string) => assert.ok(a !== undefined && a === b, message);
const differ = (a: unknown, b: unknown, message: string) => assert.ok(a !== b, message);
const ownedPx = (env: EnvVar[] | undefined) => (env ?? []).filter((e) => OWNED_PX_ENV.includes(e.name));

for (const crd of CRDS) {
    describe(`StorageCluster CRD of ${crd.name}`, () => {
        let home = "";
        let cluster: Cluster | undefined;
        let kube: Kube;
        let project: Project;

        const sc = (ns: string, name = "px-cluster") => kube.get(scPath(ns, name));
        const secretNames = async (ns: string) =>
            ((await kube.get(`/api/v1/namespaces/${ns}/secrets`)).items as any[]).map((s) => s.metadata.name).sort();

        const createStorageCluster = (ns: string, name: string, opts: StorageClusterOptions) =>
            createStorageClusterOn(kube, ns, name, opts);

        before(async () => {
            home = tempDir("portworx-auth-live-");
            cluster = await startCluster(home, TOOLS);
            kube = cluster.kube;
            await installStorageClusterCrd(kube, crd.file);
            for (const ns of ["portworx", "px-operator", "px-deploy", "px-bad", STORK_NS]) {
                await createNamespace(kube, ns);
            }
            await createStorageCluster("portworx", "px-cluster", { stork: true });
            await createStorageCluster("px-operator", "px-cluster", { stork: true });
            await createStorageCluster("px-deploy", "px-cluster", { stork: false });
            await createStorageCluster("px-bad", "px-cluster", { stork: true });
            await createStorageCluster("px-bad", "px-nostork", { stork: false });
            await createStorageCluster("px-bad", "px-rolling", { stork: true, phase: "Initializing" });
            await createStorageCluster("px-bad", "px-foreign", {
                stork: true,
                env: [...USER_ENV, { name: PX_ENV.systemKey, value: "a-key-someone-else-set" }],
            });
            const stork = YAML.parse(fixture("stork-deployment.yaml"));
            // No node runs pods here: with no replica, the real deployment controller completes the
            // rollout that the Kubernetes provider awaits after patching the Deployment.
            stork.spec.replicas = 0;
            await kube.create(`/apis/apps/v1/namespaces/${STORK_NS}/deployments`, stork);
            project = await Project.create(home, TOOLS, cluster.kubeconfig);
            const version = (await project.must(["version"])).stdout.trim();
            console.log(
                `# kube-apiserver ${cluster.versions.kubernetes}, etcd ${cluster.versions.etcd}, pulumi ${version}`,
            );
        });

        after(async () => {
            await cluster?.stop();
            if (home) removeTemp(home);
        });

        /** Every secretKeyRef our entries make resolves; Portworx and Stork read the keys of the outputs. */
        async function checkWiring(
            ns: string,
            live: any,
            outputs: Record<string, any>,
            storkEnv?: { ns: string; env: EnvVar[] },
        ) {
            const px = await resolveEnv(kube, ns, ownedPx(live.spec.env));
            if (px.has(PX_ENV.systemKey)) {
                same(px.get(PX_ENV.systemKey), outputs.systemKey, "Portworx's system key is not the systemKey output");
            }
            if (px.has(PX_ENV.jwtSharedSecret)) {
                same(
                    px.get(PX_ENV.jwtSharedSecret),
                    outputs.sharedSecret,
                    "Portworx's shared secret is not the output",
                );
            }
            const storkSide: { ns: string; env: EnvVar[] } = storkEnv ?? { ns, env: live.spec.stork?.env ?? [] };
            const stork = await resolveEnv(
                kube,
                storkSide.ns,
                storkSide.env.filter((e) => OWNED_STORK_ENV.includes(e.name)),
            );
            const pxChecksStorkWith = px.get(PX_ENV.storkKey) ?? px.get(PX_ENV.appsKey);
            if (stork.has(STORK_ENV.sharedSecret) || pxChecksStorkWith !== undefined) {
                same(
                    stork.get(STORK_ENV.sharedSecret),
                    pxChecksStorkWith,
                    "Stork signs with a key Portworx does not check",
                );
                same(
                    pxChecksStorkWith,
                    outputs.storkKey,
                    "the key Portworx checks Stork with is not the storkKey output",
                );
            }
            const autopilot = live.spec.autopilot?.env ?? [];
            await resolveEnv(
                kube,
                ns,
                autopilot.filter((e: EnvVar) => !names(USER_AUTOPILOT_ENV).includes(e.name)),
            );
        }

        /** Runs `pulumi up` and checks the server against the plan for the same config and live objects. */
        async function upAndCheck(stack: string, config: StackConfig, opts: { skipPreview?: boolean } = {}) {
            const ns = String(config.namespace);
            const name = String(config.storageClusterName);
            const beforeSc = await sc(ns, name);
            const deployment = config.storkMode === "deployment";
            const storkPath = deploymentPath(STORK_NS, "stork");
            const beforeStork = deployment ? await kube.get(storkPath) : undefined;
            const plan: Plan = await planFor(
                kube,
                project.dir,
                stack,
                liveOf(beforeSc),
                beforeStork && liveOf(beforeStork),
            );
            assert.deepEqual(plan.findings, []);
            const secretsBefore = await secretsData(kube, planSecretIds(plan));
            await project.must([
                "up",
                "--yes",
                "--stack",
                stack,
                ...(opts.skipPreview === false ? [] : ["--skip-preview"]),
            ]);
            const afterSc = await sc(ns, name);
            // The server holds the live object with the plan's patch applied, lists replaced whole.
            assert.deepEqual(afterSc.spec, applyAtomic(beforeSc.spec, plan.storageClusterPatch.spec));
            // Every user entry is kept, in order.
            assert.deepEqual(only(afterSc.spec.env, names(USER_ENV)), only(beforeSc.spec.env, names(USER_ENV)));
            assert.deepEqual(
                only(afterSc.spec.stork?.env, names(USER_STORK_ENV)),
                only(beforeSc.spec.stork?.env, names(USER_STORK_ENV)),
            );
            assert.deepEqual(
                only(afterSc.spec.autopilot?.env, names(USER_AUTOPILOT_ENV)),
                only(beforeSc.spec.autopilot?.env, names(USER_AUTOPILOT_ENV)),
            );
            assert.deepEqual(
                only(afterSc.spec.volumes, names(USER_VOLUMES)),
                only(beforeSc.spec.volumes, names(USER_VOLUMES)),
            );
            // portworx-auth owns exactly the fields it wrote.
            const manager = plan.settings.fieldManager;
            assert.deepEqual(ownedBy(afterSc, manager), written(plan.storageClusterPatch));
            const outputs = await project.outputs(stack);
            await checkPlanSecrets(kube, plan, outputs, secretsBefore);
            let storkEnv: { ns: string; env: EnvVar[] } | undefined;
            if (beforeStork && plan.storkPatch) {
                const afterStork = await kube.get(storkPath);
                const container = (d: any) =>
                    d.spec.template.spec.containers.find((c: any) => c.name === plan.settings.stork.containerName);
                // Our entries from an earlier run are not the user's.
                const userNames = names(container(beforeStork).env ?? []).filter((n) => !OWNED_STORK_ENV.includes(n));
                const env: EnvVar[] = container(afterStork).env ?? [];
                assert.deepEqual(only(env, userNames), only(container(beforeStork).env, userNames));
                const want: EnvVar[] = (plan.storkPatch.spec as any).template.spec.containers[0].env;
                for (const w of want) {
                    assert.deepEqual(
                        env.find((e) => e.name === w.name),
                        w,
                    );
                }
                assert.deepEqual(names(env).sort(), [...userNames, ...names(want)].sort());
                const keyed = ["spec.template.spec.containers", "spec.template.spec.containers.env"];
                assert.deepEqual(ownedBy(afterStork, manager), written(plan.storkPatch, keyed));
                storkEnv = { ns: STORK_NS, env };
            }
            await checkWiring(ns, afterSc, outputs, storkEnv);
            return { plan, outputs, afterSc };
        }

        async function expectNoChanges(stack: string, refresh = false) {
            const r = await project.pulumi([
                "preview",
                ...(refresh ? ["--refresh"] : []),
                "--expect-no-changes",
                "--diff",
                "--stack",
                stack,
            ]);
            assert.equal(r.code, 0, `preview --expect-no-changes exited ${r.code}\n${r.stdout}\n${r.stderr}`);
        }

        // The main stack: env mode, self-signed, a generated shared secret, Stork run by the operator.
        const main: StackConfig = { namespace: "portworx", storageClusterName: "px-cluster", selfSignedIssuer: ISSUER };

        it("preview writes nothing; up turns auth on, keeps user entries in order, owns exactly what it wrote", async () => {
            const beforeSc = await sc("portworx");
            await project.initStack("main", main);
            const plan = await planFor(kube, project.dir, "main", liveOf(beforeSc));
            const preview = await project.must(["preview", "--stack", "main"]);
            assert.ok(
                plan.restarts.portworx && preview.stdout.includes(plan.restarts.portworx.slice(0, 40)),
                preview.stdout,
            );
            assert.deepEqual(await sc("portworx"), beforeSc, "preview changed the StorageCluster");
            assert.deepEqual(await secretNames("portworx"), [], "preview created a Secret");
            const { outputs } = await upAndCheck("main", main);
            assert.match(outputs.systemKey, /^[0-9a-f]{64}$/);
            differ(outputs.systemKey, outputs.storkKey, "the system and Stork keys are equal");
        });

        it("a second preview --expect-no-changes exits 0", async () => {
            await expectNoChanges("main");
        });

        it("another field manager's edit of a user env entry survives the next up", async () => {
            const live = await sc("portworx");
            const edited = live.spec.env.map((e: EnvVar) => (e.name === "PX_LOG_LEVEL" ? { ...e, value: "debug" } : e));
            // As `kubectl apply --server-side --force-conflicts` of the edited list: spec.env is atomic,
            // so kubectl takes the whole list over.
            await kube.apply(
                scPath("portworx", "px-cluster"),
                {
                    apiVersion: live.apiVersion,
                    kind: live.kind,
                    metadata: { name: "px-cluster", namespace: "portworx" },
                    spec: { env: edited },
                },
                "kubectl",
            );
            assert.ok(ownedBy(await sc("portworx"), "kubectl").includes("spec.env"));
            const { afterSc } = await upAndCheck("main", main);
            assert.equal(afterSc.spec.env.find((e: EnvVar) => e.name === "PX_LOG_LEVEL").value, "debug");
            // The list portworx-auth wrote back equals kubectl's, so the two now share it: SSA records both.
            assert.ok(ownedBy(afterSc, "portworx-auth").includes("spec.env"));
            await expectNoChanges("main");
        });

        it("a token added is minted into its Secret, and removed, leaves it", async () => {
            main.tokens = [{ name: "ci", roles: ["system.view"], lifetime: "90d" }];
            project.setConfig("main", main);
            const { plan, outputs } = await upAndCheck("main", main);
            const t = plan.settings.tokens.find((x) => x.name === "ci");
            assert.ok(t);
            const secret = await kube.get(secretPath(t.namespace, t.secretName));
            const token = Buffer.from(secret.data["auth-token"], "base64").toString("utf8");
            same(token, outputs.tokens.ci, "the ci token Secret does not hold the minted token");
            const verdict = await verifyToken(token, {
                issuer: ISSUER,
                secret: outputs.sharedSecret,
                now: Math.floor(Date.now() / 1000),
            });
            assert.ok(verdict.ok, JSON.stringify(verdict));
            delete main.tokens;
            project.setConfig("main", main);
            const removed = await upAndCheck("main", main);
            assert.equal(removed.outputs.tokens.ci, undefined);
            const left = await kube.get(secretPath(t.namespace, t.secretName));
            assert.equal(left?.data?.["auth-token"], undefined, "the removed token is still in its Secret");
        });

        /** What the operator signs with: `px-system-secrets/apps-secret` in the StorageCluster's namespace. */
        const operatorKey = (ns: string) => resolveRef(kube, ns, { name: "px-system-secrets", key: "apps-secret" });
        const KEY_OUTPUTS = ["systemKey", "appsKey", "storkKey", "sharedSecret"];

        for (const [key, output] of [
            ["rotationSystemKey", "systemKey"],
            ["rotationStorkKey", "storkKey"],
            ["rotationAppsKey", "appsKey"],
            ["rotationSharedSecret", "sharedSecret"],
        ] as const) {
            it(`${key} rotates ${output} and no other key`, async () => {
                const before = await project.outputs("main");
                same(await operatorKey("portworx"), before.appsKey, "the operator's key is not the appsKey output");
                main[key] = "2";
                project.setConfig("main", main);
                const { outputs } = await upAndCheck("main", main);
                // The operator's key stays on the key the nodes not yet restarted run with.
                same(await operatorKey("portworx"), before.appsKey, `${key} moved the operator's key at once`);
                for (const o of KEY_OUTPUTS) {
                    if (o === output) differ(outputs[o], before[o], `${o} did not rotate`);
                    else same(outputs[o], before[o], `${o} changed with ${key}`);
                }
                // The rotating run keeps the old key readable; the next run drops what nothing refers
                // to any more, as its plan says, and changes no key. Only then is a run a no-op.
                const next = await upAndCheck("main", main);
                assert.ok(next.plan.keys.removed.length > 0, "the run after a rotation planned no old key to drop");
                for (const r of next.plan.keys.removed) {
                    const [ns, name] = r.secret.split("/");
                    const left = await kube.get(secretPath(ns, name));
                    assert.equal(left?.data?.[r.key], undefined, `${r.secret} still holds ${r.key}`);
                }
                for (const o of KEY_OUTPUTS) {
                    same(next.outputs[o], outputs[o], `${o} changed in the run after the rotation`);
                }
                // The next run moves the alias: unchanged unless the apps key itself rotated.
                same(await operatorKey("portworx"), outputs.appsKey, `the operator's key after ${key}`);
                await expectNoChanges("main");
            });
        }

        it("a rotation version the cluster moved away from is refused, and nothing is written", async () => {
            const scBefore = (await sc("portworx")).metadata.resourceVersion;
            const keysBefore = (await kube.get(secretPath("portworx", "px-system-secrets"))).metadata.resourceVersion;
            project.setConfig("main", { ...main, rotationStorkKey: "1" });
            const r = await project.pulumi(["up", "--yes", "--skip-preview", "--stack", "main"]);
            project.setConfig("main", main);
            assert.notEqual(r.code, 0, `pulumi up succeeded:\n${r.stdout}`);
            assert.match(r.stdout + r.stderr, /rotation\.storkKey: version "1" of the Stork key .*rotationStorkKey/);
            assert.equal((await sc("portworx")).metadata.resourceVersion, scBefore, "the StorageCluster changed");
            assert.equal(
                (await kube.get(secretPath("portworx", "px-system-secrets"))).metadata.resourceVersion,
                keysBefore,
                "px-system-secrets changed",
            );
            await expectNoChanges("main");
        });

        let securedKeys: Map<string, string> | undefined;

        it("destroy leaves the user's lists, the wiring and the retained Secrets", async () => {
            const beforeSc = await sc("portworx");
            const plan = await planFor(kube, project.dir, "main", liveOf(beforeSc));
            const data = async () => JSON.stringify(await secretsData(kube, planSecretIds(plan)));
            const dataBefore = await data();
            securedKeys = await resolveEnv(kube, "portworx", ownedPx(beforeSc.spec.env));
            await project.must(["destroy", "--yes", "--stack", "main"]);
            assert.deepEqual((await sc("portworx")).spec, beforeSc.spec);
            assert.ok((await data()) === dataBefore, "destroy changed a retained key Secret");
            for (const t of plan.tokenSecrets) {
                const s = await kube.get(secretPath(t.metadata.namespace, t.metadata.name));
                assert.equal(s?.data?.["auth-token"], undefined, `destroy left a token in ${t.metadata.name}`);
            }
        });

        it("a fresh stack over the secured cluster (state lost) keeps the keys in use", async () => {
            assert.ok(securedKeys && securedKeys.size > 0, "the destroy scenario recorded no keys");
            await project.initStack("fresh", main);
            const { afterSc } = await upAndCheck("fresh", main);
            const now = await resolveEnv(kube, "portworx", ownedPx(afterSc.spec.env));
            for (const [env, value] of securedKeys) {
                same(now.get(env), value, `${env} changed: a fresh stack replaced a key in use`);
            }
        });

        it("enabled: false removes exactly our entries and keeps the Secrets", async () => {
            const beforeSc = await sc("portworx");
            const plan = await planFor(kube, project.dir, "fresh", liveOf(beforeSc));
            const secretsBefore = await secretsData(kube, planSecretIds(plan));
            const off = { ...main, enabled: false };
            project.setConfig("fresh", off);
            const { afterSc } = await upAndCheck("fresh", off);
            assert.deepEqual(names(afterSc.spec.env), names(USER_ENV));
            assert.deepEqual(names(afterSc.spec.stork.env), names(USER_STORK_ENV));
            assert.deepEqual(names(afterSc.spec.volumes), names(USER_VOLUMES));
            assert.ok(
                JSON.stringify(await secretsData(kube, planSecretIds(plan))) === JSON.stringify(secretsBefore),
                "enabled: false changed a key Secret",
            );
        });

        it("operator mode drives spec.security with the keys it generates", async () => {
            const op: StackConfig = {
                namespace: "px-operator",
                storageClusterName: "px-cluster",
                selfSignedIssuer: ISSUER,
                securityMode: "operator",
            };
            await project.initStack("operator", op);
            const { afterSc, plan } = await upAndCheck("operator", op, { skipPreview: false });
            assert.equal(afterSc.spec.security.enabled, true);
            assert.ok(
                plan.keys.secrets.some((k) => k.role === "system-keys"),
                "operator mode plans no system key Secret",
            );
            await expectNoChanges("operator");
            operatorPlan = plan;
        });

        let operatorPlan: Plan | undefined;

        it("operator mode: a preview --refresh stays empty after the operator rewrites the Secrets it adopts", async () => {
            assert.ok(operatorPlan, "the operator mode scenario did not run");
            const adopted = operatorPlan.keys.secrets.filter((k) => k.namespace === "px-operator");
            assert.deepEqual(adopted.map((k) => k.name).sort(), ["px-system-secrets", "pxkeys"]);
            for (const k of adopted) {
                const path = secretPath(k.namespace, k.name);
                const live = await kube.get(path);
                assert.equal(live.metadata.annotations["pulumi.com/patchForce"], "true");
                // What the operator's CreateOrAppendToSecret does (libopenstorage/operator
                // pkg/util/k8s/k8s.go L1947-1989): its own Secret object, whose metadata is the name,
                // namespace and the skip annotation only (drivers/storage/portworx/component/auth.go
                // L252-276), takes every existing data key (L1968-1974); the annotations differ (L1976),
                // so it sends an Update of that object (L1984-1986), which replaces labels and annotations.
                await kube.must("PUT", path, {
                    apiVersion: "v1",
                    kind: "Secret",
                    metadata: {
                        name: k.name,
                        namespace: k.namespace,
                        annotations: { "stork.libopenstorage.org/skip-resource": "true" },
                    },
                    type: live.type,
                    data: live.data,
                });
                const rewritten = await kube.get(path);
                assert.deepEqual(rewritten.metadata.annotations, { "stork.libopenstorage.org/skip-resource": "true" });
                assert.deepEqual(rewritten.data, live.data);
            }
            await expectNoChanges("operator", true);
            await expectNoChanges("operator");
        });

        it("deployment mode wires a Stork Deployment installed on its own", async () => {
            const dep: StackConfig = {
                namespace: "px-deploy",
                storageClusterName: "px-cluster",
                selfSignedIssuer: ISSUER,
                storkMode: "deployment",
                storkNamespace: STORK_NS,
            };
            await project.initStack("deploy", dep);
            await upAndCheck("deploy", dep, { skipPreview: false });
            // Stork's own entries come first in the live list, ours after them (server-side apply):
            // the provider's index-wise diff would pair them up (README "Stork").
            const storkPath = deploymentPath(STORK_NS, "stork");
            const rolled = await kube.get(storkPath);
            const storkEnv = (d: any): EnvVar[] => d.spec.template.spec.containers[0].env;
            assert.ok(!OWNED_STORK_ENV.includes(storkEnv(rolled)[0].name));
            await expectNoChanges("deploy");
            await expectNoChanges("deploy", true);
            await project.must(["up", "--yes", "--skip-preview", "--stack", "deploy"]);
            const again = await kube.get(storkPath);
            assert.equal(again.metadata.generation, rolled.metadata.generation, "a second up rolled Stork again");
            assert.deepEqual(again.spec, rolled.spec);
        });

        it("deployment mode: PX_SHARED_SECRET removed from Stork by hand is a change, and up puts it back", async () => {
            const storkPath = deploymentPath(STORK_NS, "stork");
            const live = await kube.get(storkPath);
            const container = live.spec.template.spec.containers[0];
            const ours = container.env.find((e: EnvVar) => e.name === STORK_ENV.sharedSecret);
            assert.ok(ours, "Stork has no PX_SHARED_SECRET to remove");
            // As `kubectl edit`: an Update of the whole object without the entry.
            container.env = container.env.filter((e: EnvVar) => e.name !== STORK_ENV.sharedSecret);
            await kube.must("PUT", storkPath, live);
            for (const refresh of [false, true]) {
                const r = await project.pulumi([
                    "preview",
                    ...(refresh ? ["--refresh"] : []),
                    "--expect-no-changes",
                    "--diff",
                    "--stack",
                    "deploy",
                ]);
                assert.notEqual(r.code, 0, `preview${refresh ? " --refresh" : ""} saw no change:\n${r.stdout}`);
                assert.match(r.stdout, /DeploymentPatch/);
            }
            await project.must(["up", "--yes", "--skip-preview", "--stack", "deploy"]);
            const back = (await kube.get(storkPath)).spec.template.spec.containers[0].env;
            assert.deepEqual(
                back.find((e: EnvVar) => e.name === STORK_ENV.sharedSecret),
                ours,
            );
            await expectNoChanges("deploy");
        });

        it("a Stork-key rotation with Stork in another namespace keeps every key its Deployment reads", async () => {
            const dep: StackConfig = {
                namespace: "px-deploy",
                storageClusterName: "px-cluster",
                selfSignedIssuer: ISSUER,
                storkMode: "deployment",
                storkNamespace: STORK_NS,
            };
            const storkRefs = async () => {
                const d = await kube.get(deploymentPath(STORK_NS, "stork"));
                return (d.spec.template.spec.containers as { env?: EnvVar[] }[])
                    .flatMap((c) => c.env ?? [])
                    .map((e) => e.valueFrom?.secretKeyRef)
                    .filter((ref): ref is { name: string; key: string } => ref?.name === "pxkeys");
            };
            const refs = await storkRefs();
            assert.ok(refs.length > 0, "Stork's Deployment reads no copy of its key in its namespace");
            const before = await Promise.all(refs.map((ref) => resolveRef(kube, STORK_NS, ref)));
            const outputsBefore = await project.outputs("deploy");
            const rotated = { ...dep, rotationStorkKey: "2" };
            project.setConfig("deploy", rotated);
            const { outputs } = await upAndCheck("deploy", rotated);
            differ(outputs.storkKey, outputsBefore.storkKey, "Stork's key did not rotate");
            same(outputs.appsKey, outputsBefore.appsKey, "the apps key changed with Stork's");
            same(await operatorKey("px-deploy"), outputsBefore.appsKey, "the operator's key changed");
            // What the running Stork pods read is still there, unchanged, while new pods read the new key.
            for (const [i, ref] of refs.entries()) {
                same(await resolveRef(kube, STORK_NS, ref), before[i], `${STORK_NS}/pxkeys ${ref.key} changed or went`);
            }
            const now = await storkRefs();
            assert.ok(
                now.some((ref) => !refs.some((r) => r.key === ref.key)),
                "Stork still reads the old data key",
            );
            for (const ref of now) same(await resolveRef(kube, STORK_NS, ref), outputs.storkKey, ref.key);
        });

        /** Bad input: `pulumi up` fails naming the field, and nothing on the server changes. */
        async function refuses(stack: string, config: StackConfig, field: RegExp) {
            const snapshot = async () => ({
                secrets: [await secretNames("px-bad"), await secretNames(STORK_NS)],
                storageClusters: (
                    (await kube.get("/apis/core.libopenstorage.org/v1/namespaces/px-bad/storageclusters"))
                        .items as any[]
                ).map((o) => [o.metadata.name, o.metadata.resourceVersion]),
                stork: (await kube.get(deploymentPath(STORK_NS, "stork"))).metadata.resourceVersion,
            });
            const before = await snapshot();
            await project.initStack(stack, config);
            // No preview first: the refusal must hold on its own, not because a preview stopped the run.
            const r = await project.pulumi(["up", "--yes", "--skip-preview", "--stack", stack]);
            assert.notEqual(r.code, 0, `pulumi up succeeded:\n${r.stdout}`);
            assert.match(r.stdout + r.stderr, field);
            assert.deepEqual(await snapshot(), before, "a refused update changed the server");
            const written = (await project.resources(stack)).filter((res) => /Patch$|RandomBytes$/.test(res.type));
            assert.deepEqual(
                written.map((res) => res.urn),
                [],
                "a refused update created resources",
            );
        }
        const bad = { namespace: "px-bad", storageClusterName: "px-cluster", selfSignedIssuer: ISSUER };

        it("refuses an unknown securityMode", () =>
            refuses("bad-mode", { ...bad, securityMode: "bogus" }, /securityMode/));
        it("refuses a StorageCluster that does not exist", () =>
            refuses("bad-missing", { ...bad, storageClusterName: "px-missing" }, /px-missing/));
        it("refuses to take over authorization set up by someone else", () =>
            refuses("bad-foreign", { ...bad, storageClusterName: "px-foreign" }, /takeOverExistingAuth/));
        it("refuses to roll a StorageCluster that is still Initializing", () =>
            refuses("bad-rolling", { ...bad, storageClusterName: "px-rolling" }, /status\.phase/));
        it("refuses deployment mode while the operator runs Stork", () =>
            refuses("bad-stork-mode", { ...bad, storkMode: "deployment", storkNamespace: STORK_NS }, /stork\.mode/));
        it("refuses a Stork Deployment that does not exist", () =>
            refuses(
                "bad-stork-missing",
                {
                    ...bad,
                    storageClusterName: "px-nostork",
                    storkMode: "deployment",
                    storkNamespace: STORK_NS,
                    storkDeploymentName: "no-stork",
                },
                /no-stork/,
            ));
    });
}
