// The objects the live suite and the live bench put on the API server: the operator's
// StorageCluster CRD and StorageClusters as an operator install leaves them, user entries included.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import type { EnvVar } from "../../components/env";
import { reindentQuotedContinuations } from "../schema";
import type { Kube } from "./cluster";
import { scPath } from "./expect";

const ROOT = path.resolve(__dirname, "../..");
export const fixture = (f: string): string => fs.readFileSync(path.join(ROOT, "test/fixtures", f), "utf8");

/** The parts of a server object buildPlan reads, as the component's reads return them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON
export const liveOf = (o: any) => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: o.metadata,
    spec: o.spec,
    status: o.status,
});

// The user's own entries, as an operator-installed cluster carries them; every one must survive.
export const USER_ENV: EnvVar[] = [
    { name: "PX_HTTP_PROXY", value: "http://proxy.invalid:3128" },
    { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "px-aws", key: "access-key" } } },
    { name: "PX_LOG_LEVEL", value: "info" },
    { name: "NODE_NAME_OVERRIDE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
    { name: "PX_RELEASE_MANIFEST_URL", value: "https://edge-install.invalid/3.1.6/version" },
];
export const USER_STORK_ENV: EnvVar[] = [
    { name: "STORK_LOG_LEVEL", value: "debug" },
    { name: "HTTPS_PROXY", value: "http://proxy.invalid:3128" },
];
export const USER_AUTOPILOT_ENV: EnvVar[] = [{ name: "AUTOPILOT_LOG_LEVEL", value: "debug" }];
export const USER_VOLUMES = [
    {
        name: "ca-bundle",
        mountPath: "/etc/pki/ca-trust/extracted",
        readOnly: true,
        configMap: { name: "corp-ca-bundle" },
    },
];

export interface StorageClusterOptions {
    stork: boolean;
    env?: EnvVar[];
    /** status.phase, as the operator reports it (default Running). */
    phase?: string;
    /** The operator's finalizer (default true); without it a delete is immediate. */
    finalizer?: boolean;
}

export function storageCluster(ns: string, name: string, opts: StorageClusterOptions) {
    return {
        apiVersion: "core.libopenstorage.org/v1",
        kind: "StorageCluster",
        metadata: {
            name,
            namespace: ns,
            annotations: { "portworx.io/install-source": "https://install.portworx.com/3.1" },
            ...(opts.finalizer === false ? {} : { finalizers: ["operator.libopenstorage.org/delete"] }),
        },
        spec: {
            image: "portworx/oci-monitor:3.1.6",
            imagePullPolicy: "Always",
            kvdb: { internal: true },
            storage: { useAll: true },
            secretsProvider: "k8s",
            stork: opts.stork
                ? { enabled: true, args: { "webhook-controller": "true" }, env: USER_STORK_ENV }
                : { enabled: false },
            autopilot: {
                enabled: true,
                providers: [{ name: "default", type: "prometheus", params: { url: "http://prometheus:9090" } }],
                env: USER_AUTOPILOT_ENV,
            },
            env: opts.env ?? USER_ENV,
            volumes: USER_VOLUMES,
        },
    };
}

/** Creates the StorageCluster and reports it settled, as the operator would (status is a subresource). */
export async function createStorageCluster(
    kube: Kube,
    ns: string,
    name: string,
    opts: StorageClusterOptions,
): Promise<void> {
    await kube.create(
        `/apis/core.libopenstorage.org/v1/namespaces/${ns}/storageclusters`,
        storageCluster(ns, name, opts),
    );
    await kube.mergePatch(`${scPath(ns, name)}/status`, {
        status: { phase: opts.phase ?? "Running", clusterName: name },
    });
}

/** Installs a StorageCluster CRD fixture and waits until the API server serves it. */
export async function installStorageClusterCrd(kube: Kube, file: string): Promise<void> {
    // The operator's CRD is written for Go's lenient YAML parser (see test/schema.ts).
    const crdObj = YAML.parse(reindentQuotedContinuations(fixture(file)));
    await kube.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crdObj);
    const deadline = Date.now() + 60_000;
    for (;;) {
        const c = await kube.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdObj.metadata.name}`);
        const established = ((c.status?.conditions ?? []) as { type: string; status: string }[]).some(
            (x) => x.type === "Established" && x.status === "True",
        );
        if (
            established &&
            (await kube.request("GET", "/apis/core.libopenstorage.org/v1/storageclusters")).status === 200
        ) {
            return;
        }
        assert.ok(Date.now() < deadline, "the StorageCluster CRD was not established within 60s");
        await new Promise((r) => setTimeout(r, 250));
    }
}

/** A namespace, created. */
export const createNamespace = (kube: Kube, name: string): Promise<unknown> =>
    kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
