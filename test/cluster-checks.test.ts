// Tenant namespaces that must exist and class names that must be free, checked on the live cluster
// before anything is written: the pure rule, the chart that applies it, and the component's wiring.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { planStack } from "../cli/plan";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { resolveSettings } from "../components/args";
import { checkCluster, checksChart, OWNER_ANNOTATION, tenancyChecks, type LiveObject } from "../components/tenants";
import { find, recordedOptions, runScenario, sampleLive, type Recorded } from "./harness";

const OWNER = "portworx-auth/test/px";
const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
    tenants: [{ namespace: "team-a" }, { namespace: "team-b" }],
    storageClasses: [{ name: "px-tenant" }],
    volumeSnapshotClass: { name: "px-tenant-snapshots" },
};
const ns = (name: string): LiveObject => ({ kind: "Namespace", metadata: { name } });
const sc = (name: string, metadata: LiveObject["metadata"] = {}): LiveObject => ({
    kind: "StorageClass",
    metadata: { ...metadata, name },
});
const checks = () => tenancyChecks(resolveSettings(BASE).tenancy, OWNER);

describe("the rule", () => {
    test("a missing tenant namespace is refused, naming tenants[i].namespace and the fix", () => {
        const [refusal, ...rest] = checkCluster(checks(), [ns("team-a")]);
        assert.deepEqual(rest, []);
        assert.match(refusal ?? "", /^tenants\[1\]\.namespace: namespace team-b does not exist.*Nothing was written/);
        assert.match(refusal ?? "", /Fix: create it \(kubectl create namespace team-b\)/);
    });

    test("a class name taken by hand or by another stack is refused, naming the field and the fixes", () => {
        const live = [ns("team-a"), ns("team-b")];
        assert.deepEqual(checkCluster(checks(), live), []);
        for (const taken of [
            sc("px-tenant"),
            sc("px-tenant", { annotations: { [OWNER_ANNOTATION]: "portworx-auth/other/px" } }),
        ]) {
            const [refusal] = checkCluster(checks(), [...live, taken]);
            assert.match(refusal ?? "", /^storageClasses\[0\]\.name: StorageClass px-tenant already exists/);
            assert.match(refusal ?? "", /Fix: delete it .*give storageClasses\[0\]\.name another name.*adopt it/);
        }
        const [snap] = checkCluster(checks(), [
            ...live,
            { kind: "VolumeSnapshotClass", metadata: { name: "px-tenant-snapshots" } },
        ]);
        assert.match(snap ?? "", /^volumeSnapshotClass\.name: VolumeSnapshotClass px-tenant-snapshots already exists/);
    });

    test("this stack's own class passes, and so does one an earlier version wrote (our label, no owner)", () => {
        const live = [ns("team-a"), ns("team-b")];
        assert.deepEqual(
            checkCluster(checks(), [...live, sc("px-tenant", { annotations: { [OWNER_ANNOTATION]: OWNER } })]),
            [],
        );
        assert.deepEqual(
            checkCluster(checks(), [
                ...live,
                sc("px-tenant", { labels: { "app.kubernetes.io/part-of": "portworx-auth" } }),
            ]),
            [],
        );
    });

    test("the chart applies the same rule: lookup, and fail with the message", () => {
        const t = checksChart()["templates/checks.yaml"];
        assert.match(t, /lookup \.apiVersion \.kind "" \.name/);
        assert.match(t, /fail \.message/);
        assert.ok(t.includes(`"${OWNER_ANNOTATION}"`) && t.includes('"app.kubernetes.io/part-of"'));
        assert.deepEqual(tenancyChecks(undefined, OWNER), []);
    });
});

describe("the component", () => {
    const run = (args: PortworxAuthArgs, clusterObjects?: LiveObject[]) =>
        runScenario({ preview: false, live: sampleLive(), clusterObjects }, () => new PortworxAuth("px", args));
    const writes = (r: Recorded[]) =>
        r.filter(
            (x) =>
                x.id === undefined &&
                (x.type.endsWith("Patch") || /StorageClass|VolumeSnapshotClass|random/.test(x.type)),
        );

    test("a missing tenant namespace writes nothing", async () => {
        const { recorded, rejections } = await run(BASE, [ns("team-a")]);
        assert.match(rejections[0]?.message ?? "", /tenants\[1\]\.namespace: namespace team-b does not exist/);
        assert.deepEqual(writes(recorded), []);
    });

    test("a class name taken by someone else writes nothing", async () => {
        const { recorded, rejections } = await run(BASE, [ns("team-a"), ns("team-b"), sc("px-tenant")]);
        assert.match(rejections[0]?.message ?? "", /storageClasses\[0\]\.name: StorageClass px-tenant already exists/);
        assert.deepEqual(writes(recorded), []);
    });

    test("every write waits for the check, which carries the checks of the plan", async () => {
        const { recorded, rejections } = await run(BASE, [ns("team-a"), ns("team-b")]);
        assert.deepEqual(rejections, []);
        const chart = find(recorded, "helm.sh/v4:Chart", "px-cluster-checks");
        assert.deepEqual((chart.inputs.values as { checks: unknown }).checks, checks());
        const all = writes(recorded);
        assert.ok(all.length > 5);
        for (const w of all.filter((x) => !x.type.includes("random"))) {
            assert.ok(recordedOptions.get(w.name)?.dependsOn.includes("px-cluster-checks"), w.name);
        }
    });

    test("without tenancy, nothing is checked", async () => {
        const { recorded } = await run({
            ...BASE,
            tenants: undefined,
            storageClasses: undefined,
            volumeSnapshotClass: undefined,
        });
        assert.ok(!recorded.some((r) => r.type.includes("helm")));
    });
});

describe("the offline plan", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-checks-"));
    fs.copyFileSync(path.join(__dirname, "..", "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.mkdirSync(path.join(root, "stacks"));
    fs.writeFileSync(
        path.join(root, "stacks", "Pulumi.t.yaml"),
        YAML.stringify({
            config: {
                "portworx-auth:storageClusterName": "px-cluster",
                "portworx-auth:selfSignedIssuer": "px.example.com",
                "portworx-auth:tenants": [{ namespace: "team-a" }, { namespace: "team-b" }],
                "portworx-auth:storageClasses": [{ name: "px-tenant" }],
            },
        }),
    );
    const live = path.join(__dirname, "..", "examples", "storagecluster.yaml");

    test("says what it cannot see offline, and where it is checked", async () => {
        const { text, ok } = await planStack("t", live, root);
        assert.equal(ok, true);
        assert.match(
            text,
            /Note: Not checked offline: that Namespace team-a exists, Namespace team-b exists, StorageClass px-tenant is free \(or this stack's\)\. pulumi preview and pulumi up check these on the cluster before anything is written; .*--cluster-objects/,
        );
    });

    test("checks the objects given, as the program does", async () => {
        const file = path.join(root, "objects.yaml");
        fs.writeFileSync(
            file,
            YAML.stringify({
                apiVersion: "v1",
                kind: "List",
                items: [
                    { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } },
                    { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "px-tenant" } },
                ],
            }),
        );
        const { text, ok } = await planStack("t", live, root, undefined, file);
        assert.equal(ok, false);
        assert.match(text, /Preflight: FAILED/);
        assert.match(text, /- tenants\[1\]\.namespace: namespace team-b does not exist/);
        assert.match(text, /- storageClasses\[0\]\.name: StorageClass px-tenant already exists/);
        assert.doesNotMatch(text, /Not checked offline/);
    });
});
