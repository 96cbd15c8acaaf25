/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// The live suite's tenancy scenarios: tenant tokens in their namespaces, classes on the server as
// planned, and the cluster checks (a missing tenant namespace, a class name already taken) refusing
// before anything is written. The provider here (4.25.0) upserts classes, so a refusal can only
// come from the component's own check. One API server, the released operator's CRD.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as jose from "jose";
import * as YAML from "yaml";
import { OWNER_ANNOTATION } from "../../components/tenants";
import { liveToolsPath, startCluster, type Cluster, type Kube } from "./cluster";
import { planFor, scPath, secretPath } from "./expect";
import { reindentQuotedContinuations } from "../schema";
import { removeTemp, tempDir } from "./procs";
import { Project, type StackConfig } from "./pulumi";

const ROOT = path.resolve(__dirname, "../..");
const TOOLS = liveToolsPath();
const ISSUER = "tenants.portworx-auth.test";
const CLASSES = "/apis/storage.k8s.io/v1/storageclasses";

describe("tenancy on a live API server", () => {
    let home = "";
    let cluster: Cluster | undefined;
    let kube: Kube;
    let project: Project;

    const namespace = (name: string) =>
        kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    async function storageCluster(ns: string) {
        await kube.create(`/apis/core.libopenstorage.org/v1/namespaces/${ns}/storageclusters`, {
            apiVersion: "core.libopenstorage.org/v1",
            kind: "StorageCluster",
            metadata: { name: "px-cluster", namespace: ns },
            spec: { image: "portworx/oci-monitor:3.1.6", stork: { enabled: true }, env: [] },
        });
        await kube.mergePatch(`${scPath(ns, "px-cluster")}/status`, {
            status: { phase: "Running", clusterName: "px-cluster" },
        });
    }

    before(async () => {
        home = tempDir("portworx-auth-live-tenants-");
        cluster = await startCluster(home, TOOLS);
        kube = cluster.kube;
        const crd = YAML.parse(
            reindentQuotedContinuations(
                fs.readFileSync(path.join(ROOT, "test/fixtures/storagecluster-crd-operator-26.2.1.yaml"), "utf8"),
            ),
        );
        await kube.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        const deadline = Date.now() + 60_000;
        while ((await kube.request("GET", "/apis/core.libopenstorage.org/v1/storageclusters")).status !== 200) {
            assert.ok(Date.now() < deadline, "the StorageCluster CRD was not served within 60s");
            await new Promise((r) => setTimeout(r, 250));
        }
        for (const ns of ["portworx", "px-refused", "team-a", "team-b"]) await namespace(ns);
        await storageCluster("portworx");
        await storageCluster("px-refused");
        // A class made by hand, as `kubectl create` makes it.
        await kube.create(CLASSES, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "px-taken" },
            provisioner: "pxd.portworx.com",
            parameters: { repl: "1" },
        });
        project = await Project.create(home, TOOLS, cluster.kubeconfig);
    });

    after(async () => {
        await cluster?.stop();
        if (home) removeTemp(home);
    });

    const tenants: StackConfig = {
        namespace: "portworx",
        storageClusterName: "px-cluster",
        selfSignedIssuer: ISSUER,
        tenants: [{ namespace: "team-a" }, { namespace: "team-b", roles: ["system.view"], lifetime: "90d" }],
        storageClasses: [
            { name: "px-tenant", parameters: { repl: "2", "csi.storage.k8s.io/fstype": "xfs" }, isDefault: true },
            { name: "px-tenant-retain", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" },
        ],
    };

    it("tenants: each token verifies with the cluster's shared secret; the classes are on the server as planned", async () => {
        await project.initStack("tenants", tenants);
        const plan = await planFor(kube, project.dir, "tenants", await kube.get(scPath("portworx", "px-cluster")));
        assert.deepEqual(plan.findings, []);
        // With a preview first: the check runs there too.
        await project.must(["up", "--yes", "--stack", "tenants"]);
        const outputs = await project.outputs("tenants");
        const sc = await kube.get(scPath("portworx", "px-cluster"));
        const shared = sc.spec.env.find((e: any) => e.name === "PORTWORX_AUTH_JWT_SHAREDSECRET").valueFrom.secretKeyRef;
        const secret = await kube.get(secretPath("portworx", shared.name));
        const clusterSecret = Buffer.from(secret.data[shared.key], "base64");
        assert.ok(clusterSecret.toString("utf8") === outputs.sharedSecret, "the output is not the cluster's secret");
        for (const t of plan.settings.tokens.filter((x) => x.tenant)) {
            const s = await kube.get(secretPath(t.namespace, "px-user-token"));
            const token = Buffer.from(s.data["auth-token"], "base64").toString("utf8");
            const { payload } = await jose.jwtVerify(token, clusterSecret, { issuer: ISSUER, algorithms: ["HS256"] });
            assert.equal(payload.sub, `${t.namespace}@${ISSUER}`);
            assert.deepEqual(payload.roles, t.roles);
        }
        for (const want of plan.storageClasses) {
            const got = await kube.get(`${CLASSES}/${want.metadata.name}`);
            for (const f of [
                "provisioner",
                "parameters",
                "reclaimPolicy",
                "volumeBindingMode",
                "allowVolumeExpansion",
            ]) {
                assert.deepEqual(got[f], want[f], `${want.metadata.name} ${f}`);
            }
            assert.deepEqual(
                { ...got.metadata.labels, ...got.metadata.annotations },
                {
                    ...want.metadata.labels,
                    ...want.metadata.annotations,
                    [OWNER_ANNOTATION]: "portworx-auth/tenants/portworx-auth",
                },
            );
        }
    });

    it("the next up passes its own classes, and a preview --expect-no-changes exits 0", async () => {
        await project.must(["up", "--yes", "--skip-preview", "--stack", "tenants"]);
        const r = await project.pulumi(["preview", "--expect-no-changes", "--diff", "--stack", "tenants"]);
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });

    /** `pulumi up` fails naming the field, and nothing on the server or in the state changes. */
    async function refuses(stack: string, config: StackConfig, field: RegExp) {
        const snapshot = async () => ({
            secrets: ((await kube.get("/api/v1/namespaces/px-refused/secrets")).items as any[]).map(
                (s) => s.metadata.name,
            ),
            storageCluster: (await kube.get(scPath("px-refused", "px-cluster"))).metadata.resourceVersion,
            classes: ((await kube.get(CLASSES)).items as any[]).map((c) => [
                c.metadata.name,
                c.metadata.resourceVersion,
            ]),
        });
        const before = await snapshot();
        await project.initStack(stack, config);
        for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
            const r = await project.pulumi([...args, "--stack", stack]);
            assert.notEqual(r.code, 0, `pulumi ${args[0]} succeeded:\n${r.stdout}`);
            assert.match(r.stdout + r.stderr, field);
        }
        assert.deepEqual(await snapshot(), before, "a refused update changed the server");
        const written = (await project.resources(stack)).filter((res) =>
            /Patch$|RandomBytes$|StorageClass$/.test(res.type),
        );
        assert.deepEqual(
            written.map((res) => res.urn),
            [],
        );
    }
    const refused = { namespace: "px-refused", storageClusterName: "px-cluster", selfSignedIssuer: ISSUER };

    it("a missing tenant namespace is refused before anything is written", () =>
        refuses(
            "missing-namespace",
            { ...refused, tenants: [{ namespace: "team-a" }, { namespace: "team-missing" }] },
            /tenants\[1\]\.namespace: namespace team-missing does not exist.*Fix: create it/,
        ));

    it("a class name taken by hand is refused before anything is written", () =>
        refuses(
            "taken-class",
            { ...refused, storageClasses: [{ name: "px-taken" }] },
            /storageClasses\[0\]\.name: StorageClass px-taken already exists/,
        ));

    it("another stack's class is refused too", () =>
        refuses(
            "other-stack",
            { ...refused, storageClasses: [{ name: "px-tenant" }] },
            /storageClasses\[0\]\.name: StorageClass px-tenant already exists and is not this stack's/,
        ));
});
