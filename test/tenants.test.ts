// Tenants: a px-user-token per tenant namespace, StorageClasses and a VolumeSnapshotClass that point
// at the PVC's (or snapshot's) own namespace. The pure core, the schemas, and the component under
// the mock engine in env and operator mode.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as jose from "jose";
import * as YAML from "yaml";
import { planStack } from "../cli/plan";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { ConfigError, resolveSettings, type Settings } from "../components/args";
import { buildPlan, REDACTED, renderPlan } from "../components/plan";
import { writes } from "../components/writes";
import {
    CSI_SECRET_PARAMETERS,
    IN_TREE_SECRET_PARAMETERS,
    OWNER_ANNOTATION,
    SNAPSHOT_SECRET_PARAMETERS,
    tenancyManifests,
} from "../components/tenants";
import {
    find,
    recordedOptions,
    runScenario,
    sampleLive,
    SECRET_SIG,
    unwrapSecrets,
    value,
    type Recorded,
} from "./harness";
import { fillSecretPlaceholders, validateManifest, type CoreObject } from "./schema";

const NOW = Date.UTC(2026, 10, 29) / 1000;
const ISSUER = "px.example.com";
const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: ISSUER },
};
const TENANCY: Pick<PortworxAuthArgs, "tenants" | "storageClasses" | "volumeSnapshotClass"> = {
    tenants: [
        { namespace: "team-a" },
        { namespace: "team-b", roles: ["system.view"], groups: ["dev"], lifetime: "90d" },
    ],
    storageClasses: [
        { name: "px-tenant", parameters: { repl: "3", io_profile: "db_remote" }, isDefault: true },
        { name: "px-tenant-retain", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" },
    ],
    volumeSnapshotClass: { name: "px-tenant-snapshots" },
};

function configError(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (e) {
        if (e instanceof ConfigError) return e;
        throw e;
    }
    assert.fail("expected a ConfigError");
}

describe("resolving tenants and classes", () => {
    test("defaults: system.user, name and sub from the namespace, 1y, px-user-token; classes CSI, Delete, expandable", () => {
        const s = resolveSettings({ ...BASE, ...TENANCY });
        const tenants = s.tokens.filter((t) => t.tenant);
        assert.deepEqual(
            tenants.map((t) => [t.name, t.subject, t.email, t.roles, t.groups, t.lifetime, t.namespace, t.secretName]),
            [
                [
                    "team-a",
                    "team-a@px.example.com",
                    "team-a@px.example.com",
                    ["system.user"],
                    undefined,
                    "1y",
                    "team-a",
                    "px-user-token",
                ],
                [
                    "team-b",
                    "team-b@px.example.com",
                    "team-b@px.example.com",
                    ["system.view"],
                    ["dev"],
                    "90d",
                    "team-b",
                    "px-user-token",
                ],
            ],
        );
        // The admin token stays first and untouched.
        assert.deepEqual(
            s.tokens.map((t) => t.name),
            ["admin", "team-a", "team-b"],
        );
        assert.deepEqual(s.tenancy?.tenants, ["team-a", "team-b"]);
        assert.deepEqual(s.tenancy?.storageClasses[0], {
            name: "px-tenant",
            csi: true,
            parameters: { repl: "3", io_profile: "db_remote" },
            reclaimPolicy: "Delete",
            allowVolumeExpansion: true,
            volumeBindingMode: "Immediate",
            isDefault: true,
        });
        assert.deepEqual(s.tenancy?.volumeSnapshotClass, { name: "px-tenant-snapshots", deletionPolicy: "Delete" });
    });

    test("the tenant Secrets and the classes join the registry of writes, each with its field", () => {
        const all = writes(resolveSettings({ ...BASE, ...TENANCY })).map(
            (w) => `${w.kind} ${w.namespace}/${w.name} ${w.field}`,
        );
        for (const w of [
            "Secret team-a/px-user-token tenants[0].namespace",
            "Secret team-b/px-user-token tenants[1].namespace",
            "StorageClass /px-tenant storageClasses[0].name",
            "StorageClass /px-tenant-retain storageClasses[1].name",
            "VolumeSnapshotClass /px-tenant-snapshots volumeSnapshotClass.name",
        ]) {
            assert.ok(all.includes(w), `${w} not in ${all.join(", ")}`);
        }
    });

    test("nothing asked, nothing added", () => {
        const s = resolveSettings(BASE);
        assert.equal(s.tenancy, undefined);
        assert.ok(!s.tokens.some((t) => t.tenant));
        assert.deepEqual(tenancyManifests(s.tenancy, {}), { storageClasses: [] });
    });

    test("a tenant name of its own gives the claims, not the namespace", () => {
        const s = resolveSettings({ ...BASE, tenants: [{ namespace: "team-a", name: "alpha" }] });
        const t = s.tokens.find((x) => x.tenant);
        assert.deepEqual([t?.name, t?.subject, t?.namespace], ["alpha", "alpha@px.example.com", "team-a"]);
    });

    const oidcOnly: PortworxAuthArgs = {
        namespace: "portworx",
        storageClusterName: "px-cluster",
        oidc: { issuer: "https://id.example.com", clientId: "px" },
    };
    const cases: [string, PortworxAuthArgs, string, RegExp][] = [
        [
            "tenants without a self-signed issuer",
            { ...oidcOnly, tenants: [{ namespace: "team-a" }] },
            "tenants",
            /no self-signed key/,
        ],
        [
            "tenants with public keys only (nothing to sign with)",
            {
                ...BASE,
                selfSigned: { issuer: ISSUER, rsaPublicKey: "(a PEM)" },
                tenants: [{ namespace: "team-a" }],
            },
            "tenants",
            /no self-signed key/,
        ],
        [
            "a namespace that is not a DNS label",
            { ...BASE, tenants: [{ namespace: "team-a" }, { namespace: "Team_B" }] },
            "tenants[1].namespace",
            /DNS-1123 label/,
        ],
        ["a namespace missing", { ...BASE, tenants: [{} as never] }, "tenants[0].namespace", /DNS-1123 label/],
        [
            "the same namespace twice",
            { ...BASE, tenants: [{ namespace: "team-a" }, { namespace: "team-b" }, { namespace: "team-a" }] },
            "tenants[2].namespace",
            /repeats team-a \(tenants\[0\]\)/,
        ],
        [
            "the StorageCluster's namespace in operator mode",
            { ...BASE, securityMode: "operator", tenants: [{ namespace: "portworx" }] },
            "tenants[0].namespace",
            /would write Secret portworx\/px-user-token .*a token Secret the operator owns in its security mode/,
        ],
        [
            "a tokens entry already writing px-user-token there",
            {
                ...BASE,
                tokens: [{ name: "ci", roles: ["system.view"], namespace: "team-a", secretName: "px-user-token" }],
                tenants: [{ namespace: "team-a" }],
            },
            "tenants[0].namespace",
            /would write Secret team-a\/px-user-token .*already holds token ci \(set by tokens\[0\]\.secretName\)/,
        ],
        [
            "the key Secret named px-user-token in the tenant's namespace",
            { ...BASE, secretName: "px-user-token", tenants: [{ namespace: "portworx" }] },
            "tenants[0].namespace",
            /would write Secret portworx\/px-user-token .*already holds the shared secret \(set by secretName\)/,
        ],
        [
            "a namespace named like a token (one sub for two users)",
            { ...BASE, tokens: [{ name: "ci", roles: ["system.view"] }], tenants: [{ namespace: "ci" }] },
            "tenants[0].namespace",
            /its name ci is also the token ci's/,
        ],
        [
            "a tenant named admin, even with no admin token (it would be the adminToken output)",
            { ...BASE, adminToken: false, tenants: [{ namespace: "admin" }] },
            "tenants[0].namespace",
            /its name admin is also the admin token's/,
        ],
        [
            "two tenants given one name",
            {
                ...BASE,
                tenants: [
                    { namespace: "team-a", name: "x" },
                    { namespace: "team-b", name: "x" },
                ],
            },
            "tenants[1].name",
            /also tenants\[0\]'s/,
        ],
        [
            "a tenant whose email claim a token already has (usernameClaim email)",
            {
                ...BASE,
                usernameClaim: "email",
                tokens: [{ name: "ci", roles: ["system.view"], email: "team-a@px.example.com" }],
                tenants: [{ namespace: "team-a" }],
            },
            "tenants[0].namespace",
            /its email claim is also the token ci's/,
        ],
        [
            "the operator's own identity in operator mode",
            { ...BASE, securityMode: "operator", tenants: [{ namespace: "team-a", name: "px-user-token" }] },
            "tenants[0].name",
            /the operator's px-user-token/,
        ],
        ["roles empty", { ...BASE, tenants: [{ namespace: "a", roles: [] }] }, "tenants[0].roles", /non-empty/],
        [
            "an unknown tenant field",
            { ...BASE, tenants: [{ namespace: "a", role: "x" } as never] },
            "tenants[0].role",
            /not a known field/,
        ],
        [
            "a lifetime under an hour",
            { ...BASE, tenants: [{ namespace: "a", lifetime: "30m" }] },
            "tenants[0].lifetime",
            /shorter than 1h/,
        ],
        ["tenants not a list", { ...BASE, tenants: { namespace: "a" } as never }, "tenants", /must be a list/],
        [
            "a class parameter naming our node-publish namespace",
            {
                ...BASE,
                storageClasses: [
                    { name: "c", parameters: { "csi.storage.k8s.io/node-publish-secret-namespace": "x" } },
                ],
            },
            'storageClasses[0].parameters["csi.storage.k8s.io/node-publish-secret-namespace"]',
            /would override a secret parameter/,
        ],
        [
            "the provisioner's deprecated spelling",
            { ...BASE, storageClasses: [{ name: "c", parameters: { csiProvisionerSecretName: "x" } }] },
            'storageClasses[0].parameters["csiProvisionerSecretName"]',
            /would override a secret parameter/,
        ],
        [
            "an in-tree secret parameter",
            {
                ...BASE,
                storageClasses: [{ name: "c", parameters: { "openstorage.io/auth-secret-name": "x" } }],
            },
            'storageClasses[0].parameters["openstorage.io/auth-secret-name"]',
            /would override a secret parameter/,
        ],
        [
            "a parameter that is a YAML number",
            { ...BASE, storageClasses: [{ name: "c", parameters: { repl: 3 as never } }] },
            'storageClasses[0].parameters["repl"]',
            /must be a string.*quote it in the stack file, such as repl: "3"/,
        ],
        [
            "two classes with one name",
            { ...BASE, storageClasses: [{ name: "c" }, { name: "c" }] },
            "storageClasses[1].name",
            /repeats c/,
        ],
        [
            "two default classes",
            {
                ...BASE,
                storageClasses: [
                    { name: "a", isDefault: true },
                    { name: "b", isDefault: true },
                ],
            },
            "storageClasses[1].isDefault",
            /storageClasses\[0\] is the default already/,
        ],
        [
            "a class name that is not a Kubernetes name",
            { ...BASE, storageClasses: [{ name: "PX Tenant" }] },
            "storageClasses[0].name",
            /not a valid Kubernetes object name/,
        ],
        [
            "an unknown reclaim policy",
            { ...BASE, storageClasses: [{ name: "c", reclaimPolicy: "Recycle" as never }] },
            "storageClasses[0].reclaimPolicy",
            /one of "Delete", "Retain"/,
        ],
        [
            "an in-tree class (csi: false)",
            { ...BASE, storageClasses: [{ name: "c", csi: false }] },
            "storageClasses[0].csi",
            /in-tree class .*migrated PV carries no secret.*csi-translation-lib portworx\.go.*nothing expands the pvc\.namespace template.*middleware_auth\.go.*Fix: remove csi: false to make it a CSI class \(pxd\.portworx\.com\)/,
        ],
        [
            "a csi.storage.k8s.io/ key the external-provisioner does not know",
            { ...BASE, storageClasses: [{ name: "c", parameters: { "csi.storage.k8s.io/fs-type": "xfs" } }] },
            'storageClasses[0].parameters["csi.storage.k8s.io/fs-type"]',
            /not a key the CSI external-provisioner knows .*found unknown parameter key/,
        ],
        [
            "the default secret, which every other call would send",
            { ...BASE, storageClasses: [{ name: "c", parameters: { "csi.storage.k8s.io/secret-name": "x" } }] },
            'storageClasses[0].parameters["csi.storage.k8s.io/secret-name"]',
            /would override a secret parameter/,
        ],
        [
            "another call's secret (node-stage)",
            {
                ...BASE,
                storageClasses: [{ name: "c", parameters: { "csi.storage.k8s.io/node-stage-secret-namespace": "x" } }],
            },
            'storageClasses[0].parameters["csi.storage.k8s.io/node-stage-secret-namespace"]',
            /would override a secret parameter/,
        ],
        [
            "a deprecated spelling of another call's secret",
            { ...BASE, storageClasses: [{ name: "c", parameters: { csiNodeStageSecretName: "x" } }] },
            'storageClasses[0].parameters["csiNodeStageSecretName"]',
            /would override a secret parameter/,
        ],
        [
            "fstype twice",
            {
                ...BASE,
                storageClasses: [{ name: "c", parameters: { "csi.storage.k8s.io/fstype": "xfs", FsType: "ext4" } }],
            },
            'storageClasses[0].parameters["FsType"]',
            /repeats csi\.storage\.k8s\.io\/fstype/,
        ],
        [
            "csi not a boolean",
            { ...BASE, storageClasses: [{ name: "c", csi: "false" as never }] },
            "storageClasses[0].csi",
            /true or false/,
        ],
        [
            "an unknown deletion policy",
            { ...BASE, volumeSnapshotClass: { name: "s", deletionPolicy: "Keep" as never } },
            "volumeSnapshotClass.deletionPolicy",
            /one of "Delete", "Retain"/,
        ],
        [
            "a snapshot class without a name",
            { ...BASE, volumeSnapshotClass: {} as never },
            "volumeSnapshotClass.name",
            /not a valid Kubernetes object name/,
        ],
    ];
    for (const [what, args, field, message] of cases) {
        test(`refused: ${what}, naming ${field}`, () => {
            const e = configError(() => resolveSettings(args));
            assert.equal(e.field, field, e.message);
            assert.match(e.message, message);
            assert.match(e.message, /\. Fix: \S/);
        });
    }

    test("in operator mode, tenants elsewhere are fine and sign with the shared secret", () => {
        const s = resolveSettings({ ...BASE, securityMode: "operator", tenants: [{ namespace: "team-a" }] });
        assert.deepEqual(
            s.tokens.map((t) => `${t.namespace}/${t.secretName}`),
            ["team-a/px-user-token"],
        );
        assert.equal(s.selfSigned?.sharedSecret, "generated");
    });

    test("in env mode the StorageCluster's namespace may hold a tenant", () => {
        const s = resolveSettings({ ...BASE, tenants: [{ namespace: "portworx" }] });
        assert.ok(s.tokens.some((t) => t.tenant && t.namespace === "portworx"));
    });
});

describe("the manifests", () => {
    const s = resolveSettings({ ...BASE, ...TENANCY });
    const plan = buildPlan(s, sampleLive() as never);

    test("a CSI class: pxd.portworx.com, the user's parameters as given, then the three secret pairs", () => {
        const sc = plan.storageClasses[0] as unknown as CoreObject & { parameters: Record<string, string> };
        assert.equal(sc.provisioner, "pxd.portworx.com");
        assert.deepEqual(sc.parameters, {
            repl: "3",
            io_profile: "db_remote",
            "csi.storage.k8s.io/provisioner-secret-name": "px-user-token",
            "csi.storage.k8s.io/provisioner-secret-namespace": "${pvc.namespace}",
            "csi.storage.k8s.io/node-publish-secret-name": "px-user-token",
            "csi.storage.k8s.io/node-publish-secret-namespace": "${pvc.namespace}",
            "csi.storage.k8s.io/controller-expand-secret-name": "px-user-token",
            "csi.storage.k8s.io/controller-expand-secret-namespace": "${pvc.namespace}",
        });
        assert.deepEqual(sc.metadata, {
            name: "px-tenant",
            labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "portworx-auth" },
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        });
        assert.deepEqual(
            [sc.reclaimPolicy, sc.allowVolumeExpansion, sc.volumeBindingMode],
            ["Delete", true, "Immediate"],
        );
    });

    test("the second class: CSI too, with its own reclaim policy and binding mode", () => {
        const sc = plan.storageClasses[1] as unknown as CoreObject & { parameters: Record<string, string> };
        assert.equal(sc.provisioner, "pxd.portworx.com");
        assert.deepEqual(sc.parameters, CSI_SECRET_PARAMETERS);
        assert.deepEqual([sc.reclaimPolicy, sc.volumeBindingMode], ["Retain", "WaitForFirstConsumer"]);
        assert.equal((sc.metadata as { annotations?: unknown }).annotations, undefined);
    });

    test("the VolumeSnapshotClass: the snapshotter pair, with the snapshotter's own namespace template", () => {
        assert.deepEqual(plan.volumeSnapshotClass, {
            apiVersion: "snapshot.storage.k8s.io/v1",
            kind: "VolumeSnapshotClass",
            metadata: {
                name: "px-tenant-snapshots",
                labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "portworx-auth" },
            },
            driver: "pxd.portworx.com",
            deletionPolicy: "Delete",
            parameters: {
                "csi.storage.k8s.io/snapshotter-secret-name": "px-user-token",
                "csi.storage.k8s.io/snapshotter-secret-namespace": "${volumesnapshot.namespace}",
            },
        });
    });

    test("each tenant Secret: px-user-token under auth-token, skipped by backups, redacted", () => {
        const secrets = plan.tokenSecrets.filter((m) => m.metadata.name === "px-user-token");
        assert.deepEqual(
            secrets.map((m) => m.metadata.namespace),
            ["team-a", "team-b"],
        );
        for (const m of secrets) {
            assert.deepEqual(m.data, { "auth-token": REDACTED });
            assert.equal(m.metadata.annotations?.["stork.libopenstorage.org/skip-resource"], "true");
        }
    });

    test("every new manifest validates against its upstream schema", () => {
        const all: { kind: string; metadata: { name: string } }[] = [
            ...plan.tokenSecrets.map((m) => fillSecretPlaceholders(m, REDACTED)),
            ...plan.storageClasses,
            ...(plan.volumeSnapshotClass ? [plan.volumeSnapshotClass] : []),
        ];
        assert.equal(all.length, 6); // admin, two tenants, two classes, one snapshot class
        assert.deepEqual(
            all.flatMap((m) =>
                validateManifest(m as unknown as CoreObject).map((e) => `${m.kind} ${m.metadata.name}: ${e}`),
            ),
            [],
        );
    });

    test("the validators are live: broken classes are rejected where they break", () => {
        const sc = structuredClone(plan.storageClasses[0]) as CoreObject;
        delete sc.provisioner;
        (sc.parameters as Record<string, unknown>).repl = 3;
        sc.reclaimpolicy = "Delete";
        const scErrors = validateManifest(sc).join("\n");
        assert.match(scErrors, /provisioner: required field is missing/);
        assert.match(scErrors, /parameters\.repl: must be string/);
        assert.match(scErrors, /reclaimpolicy: unknown field/);
        const vsc = structuredClone(plan.volumeSnapshotClass) as CoreObject;
        vsc.deletionPolicy = "Keep";
        delete vsc.driver;
        (vsc.parameters as Record<string, unknown>).x = 1;
        vsc.spec = {};
        const vscErrors = validateManifest(vsc).join("\n");
        assert.match(vscErrors, /deletionPolicy: must be equal to one of the allowed values/);
        assert.match(vscErrors, /driver: required field is missing/);
        assert.match(vscErrors, /parameters\.x: must be string/);
        assert.match(vscErrors, /spec: unknown field/);
        (vsc.metadata as Record<string, unknown>).name = 7;
        assert.match(validateManifest(vsc).join("\n"), /metadata\.name: must be string/);
    });

    test("the plan lists tenants, classes and notes, and shows every manifest with secrets redacted", () => {
        const text = renderPlan(plan, "tenants");
        assert.match(
            text,
            /Tenants: team-a \(system\.user; 1y; sub team-a@px\.example\.com; Secret team-a\/px-user-token\); team-b \(system\.view; 90d; sub team-b@px\.example\.com; Secret team-b\/px-user-token\)/,
        );
        assert.match(text, /Tokens: admin \(system\.admin; 1y; Secret portworx\/px-token-admin\)\n/);
        assert.match(text, /StorageClasses: px-tenant \(default\), px-tenant-retain\n/);
        assert.match(text, /VolumeSnapshotClass: px-tenant-snapshots/);
        assert.match(
            text,
            /StorageClasses are immutable: a change .* deletes and re-creates it.*Existing PVCs keep working/,
        );
        assert.match(text, /this project writes it in team-a, team-b; a PVC elsewhere stays Pending/);
        for (const needle of [
            "kind: StorageClass\nmetadata:\n  name: px-tenant\n",
            "kind: StorageClass\nmetadata:\n  name: px-tenant-retain\n",
            "kind: VolumeSnapshotClass\n",
            "  name: px-user-token\n  namespace: team-a\n",
            "  name: px-user-token\n  namespace: team-b\n",
        ]) {
            assert.ok(text.includes(needle), `the plan lacks ${JSON.stringify(needle)}`);
        }
        // The admin token, its px-admin-token copy, and the two tenants.
        assert.equal(text.match(/auth-token: \(secret\)/g)?.length, 4);
    });

    test("operator mode: the operator's namespace is named as holding px-user-token", () => {
        const op = resolveSettings({ ...BASE, securityMode: "operator", ...TENANCY });
        const notes = buildPlan(op, sampleLive() as never).notes.join("\n");
        assert.match(notes, /this project writes it in team-a, team-b, portworx \(the operator's\)/);
    });

    test("a live StorageCluster with CSI off gets a note", () => {
        const live = sampleLive() as { spec: Record<string, unknown> };
        live.spec.csi = { enabled: false };
        const notes = buildPlan(s, live as never).notes.join("\n");
        assert.match(notes, /spec\.csi\.enabled: false: PVCs and snapshots of pxd\.portworx\.com classes stay Pending/);
        assert.doesNotMatch(buildPlan(s, sampleLive() as never).notes.join("\n"), /spec\.csi\.enabled/);
    });

    test("the secret parameter sets are the documented names", () => {
        // Guards the constants themselves against a slip: these are what Portworx, the CSI
        // sidecars and Stork read (README "Tenants" cites each).
        assert.deepEqual(Object.keys(CSI_SECRET_PARAMETERS).sort(), [
            "csi.storage.k8s.io/controller-expand-secret-name",
            "csi.storage.k8s.io/controller-expand-secret-namespace",
            "csi.storage.k8s.io/node-publish-secret-name",
            "csi.storage.k8s.io/node-publish-secret-namespace",
            "csi.storage.k8s.io/provisioner-secret-name",
            "csi.storage.k8s.io/provisioner-secret-namespace",
        ]);
        assert.deepEqual(Object.keys(IN_TREE_SECRET_PARAMETERS), [
            "openstorage.io/auth-secret-name",
            "openstorage.io/auth-secret-namespace",
        ]);
        assert.deepEqual(Object.values(SNAPSHOT_SECRET_PARAMETERS), ["px-user-token", "${volumesnapshot.namespace}"]);
    });
});

// ---------------------------------------------------------------------------------------------
// The component under the mock engine

async function run(args: PortworxAuthArgs, preview = false, now = NOW) {
    let c: PortworxAuth | undefined;
    const s = await runScenario({ preview, live: sampleLive() }, () => (c = new PortworxAuth("px", args, { now })));
    return { ...s, c: c as PortworxAuth };
}

function secretData(r: Recorded[], name: string, key: string): string {
    const data = unwrapSecrets(find(r, ":SecretPatch", name).inputs.data) as Record<string, string>;
    return Buffer.from(data[key] as string, "base64").toString("utf8");
}

/** HS256 checked with node:crypto alone, independently of jose; returns the claims. */
function hmacClaims(token: string, secret: string): Record<string, unknown> {
    const [h, p, sig] = token.split(".") as [string, string, string];
    const expected = crypto.createHmac("sha256", secret).update(`${h}.${p}`).digest();
    const got = Buffer.from(sig, "base64url");
    assert.ok(got.length === expected.length && crypto.timingSafeEqual(got, expected), "HMAC mismatch");
    assert.deepEqual(JSON.parse(Buffer.from(h, "base64url").toString()), { alg: "HS256", typ: "JWT" });
    return JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
}

/** Every plain (non-secret) string in registered inputs. */
function plainStrings(v: unknown, out: string[] = []): string[] {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => plainStrings(x, out));
    else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] === undefined) for (const x of Object.values(o)) plainStrings(x, out);
    }
    return out;
}

for (const securityMode of ["env", "operator"] as const) {
    describe(`the component, ${securityMode} mode`, () => {
        const args: PortworxAuthArgs = { ...BASE, securityMode, ...TENANCY };

        test("each tenant's px-user-token verifies with the cluster's shared secret, with its roles and its own sub", async () => {
            const { recorded, rejections, leaks, c, logs } = await run(args);
            assert.deepEqual(rejections, []);
            assert.equal(leaks, 0);
            const shared = secretData(recorded, "px-keys", "shared-secret");
            assert.equal(shared, await value(c.sharedSecret));
            const expected: Record<string, { roles: string[]; groups?: string[]; lifetime: number }> = {
                "team-a": { roles: ["system.user"], lifetime: 365 * 86400 },
                "team-b": { roles: ["system.view"], groups: ["dev"], lifetime: 90 * 86400 },
            };
            const subs: string[] = [];
            const tokens: string[] = [];
            for (const [ns, want] of Object.entries(expected)) {
                const r = find(recorded, ":SecretPatch", `px-token-${ns}`);
                const meta = r.inputs.metadata as {
                    name: string;
                    namespace: string;
                    annotations: Record<string, string>;
                };
                assert.deepEqual([meta.namespace, meta.name], [ns, "px-user-token"]);
                assert.equal(meta.annotations["stork.libopenstorage.org/skip-resource"], "true");
                assert.equal(recordedOptions.get(r.name)?.retainOnDelete, true, "kept: volumes refer to it");
                const token = secretData(recorded, r.name, "auth-token");
                tokens.push(token);
                assert.equal(((await value(c.tokens)) as Record<string, string>)[ns], token);
                const { payload } = await jose.jwtVerify(token, new TextEncoder().encode(shared), {
                    issuer: ISSUER,
                    algorithms: ["HS256"],
                    currentDate: new Date(NOW * 1000),
                });
                assert.deepEqual(hmacClaims(token, shared), payload);
                assert.deepEqual(payload.roles, want.roles);
                assert.deepEqual(payload.groups, want.groups);
                assert.equal(payload.sub, `${ns}@${ISSUER}`);
                assert.equal(payload.name, ns);
                assert.equal((payload.exp as number) - (payload.iat as number), want.lifetime);
                assert.ok((payload.iat as number) <= NOW - 60);
                subs.push(payload.sub as string);
            }
            assert.equal(new Set(subs).size, subs.length, "a distinct sub per tenant");
            // Minted tokens never show outside a secret.
            const forms = [...tokens, ...tokens.map((t) => Buffer.from(t).toString("base64"))];
            for (const r of recorded) {
                for (const s of plainStrings(r.inputs)) {
                    for (const f of forms) assert.ok(!s.includes(f), `${r.name} carries a tenant token in plain`);
                }
            }
            for (const f of forms) assert.ok(!logs.includes(f));
        });

        test("StorageClasses and the VolumeSnapshotClass are registered as planned, replaced delete-first", async () => {
            const { recorded, rejections } = await run(args);
            assert.deepEqual(rejections, []);
            const settings: Settings = resolveSettings(args);
            const plan = buildPlan(settings, sampleLive() as never);
            // Registration order follows when inputs resolve: compare by name.
            const classes = recorded
                .filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass")
                .sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(
                classes.map((r) => r.name),
                ["px-storageclass-px-tenant", "px-storageclass-px-tenant-retain"],
            );
            // As planned, marked as this stack's component's (project/stack/name under the mocks).
            const owned = (m: unknown) => {
                const o = structuredClone(m) as { metadata: { annotations?: Record<string, string> } };
                o.metadata.annotations = { ...o.metadata.annotations, [OWNER_ANNOTATION]: "portworx-auth/test/px" };
                return o;
            };
            for (const [i, r] of classes.entries()) {
                const inputs = unwrapSecrets(r.inputs) as CoreObject;
                assert.deepEqual(inputs, owned(plan.storageClasses[i]));
                assert.deepEqual(validateManifest(inputs), []);
                const opts = recordedOptions.get(r.name);
                assert.equal(opts?.deleteBeforeReplace, true);
                assert.deepEqual([...(opts?.replaceOnChanges ?? [])].sort(), [
                    "parameters",
                    "provisioner",
                    "reclaimPolicy",
                    "volumeBindingMode",
                ]);
                assert.equal(opts?.retainOnDelete, false);
            }
            const csi = unwrapSecrets(classes[0]?.inputs) as {
                provisioner: string;
                parameters: Record<string, string>;
            };
            assert.equal(csi.provisioner, "pxd.portworx.com");
            for (const [k, v] of Object.entries(CSI_SECRET_PARAMETERS)) assert.equal(csi.parameters[k], v, k);
            assert.deepEqual([csi.parameters.repl, csi.parameters.io_profile], ["3", "db_remote"]);

            const snap = find(recorded, "snapshot.storage.k8s.io/v1:VolumeSnapshotClass");
            const snapInputs = unwrapSecrets(snap.inputs) as CoreObject;
            assert.deepEqual(snapInputs, owned(plan.volumeSnapshotClass));
            assert.deepEqual(validateManifest(snapInputs), []);
            assert.deepEqual(snapInputs.parameters, SNAPSHOT_SECRET_PARAMETERS);
            assert.equal(recordedOptions.get(snap.name)?.deleteBeforeReplace, true);
        });

        test("the same inputs mint the same tenant tokens on the next run", async () => {
            const a = (await value((await run(args)).c.tokens)) as Record<string, string>;
            const b = (await value((await run(args, false, NOW + 3600)).c.tokens)) as Record<string, string>;
            assert.equal(a["team-a"], b["team-a"]);
            assert.equal(a["team-b"], b["team-b"]);
        });

        test("a preview leaves the tenant tokens unknown and still plans every object", async () => {
            const { recorded, rejections, c } = await run(args, true);
            assert.deepEqual(rejections, []);
            assert.equal(await value(c.tokens), undefined);
            for (const n of ["px-token-team-a", "px-token-team-b", "px-storageclass-px-tenant"]) {
                assert.ok(
                    recorded.some((r) => r.name === n),
                    n,
                );
            }
        });

        const refusals: [string, PortworxAuthArgs, RegExp][] = [
            [
                "the same namespace twice",
                { ...args, tenants: [{ namespace: "team-a" }, { namespace: "team-a" }] },
                /^tenants\[1\]\.namespace: repeats team-a/,
            ],
            [
                "a namespace that is not a DNS label",
                { ...args, tenants: [{ namespace: "team.a" }] },
                /^tenants\[0\]\.namespace: /,
            ],
            [
                "a class parameter overriding a secret parameter",
                {
                    ...args,
                    storageClasses: [
                        { name: "c", parameters: { "csi.storage.k8s.io/provisioner-secret-namespace": "portworx" } },
                    ],
                },
                /^storageClasses\[0\]\.parameters\["csi\.storage\.k8s\.io\/provisioner-secret-namespace"\]: would override/,
            ],
            [
                "tenants with no key to sign with",
                {
                    ...args,
                    selfSigned: undefined,
                    oidc: { issuer: "https://id.example.com", clientId: "px" },
                    ...(securityMode === "operator" ? { securityMode: "env" } : {}),
                },
                /^tenants: no self-signed key/,
            ],
            ...(securityMode === "operator"
                ? ([
                      [
                          "px-user-token in the StorageCluster's namespace",
                          { ...args, tenants: [{ namespace: "portworx" }] },
                          /^tenants\[0\]\.namespace: would write Secret portworx\/px-user-token .*the operator owns/,
                      ],
                  ] as [string, PortworxAuthArgs, RegExp][])
                : []),
        ];
        for (const [what, bad, message] of refusals) {
            test(`refused, registering nothing: ${what}`, async () => {
                const { recorded, rejections } = await run(bad);
                assert.match(rejections[0]?.message ?? "", message);
                assert.deepEqual(
                    recorded.map((r) => r.type),
                    ["portworx-auth:index:PortworxAuth"],
                );
            });
        }
    });
}

/** A temporary project with this repository's Pulumi.yaml and an empty stacks/ folder. */
function stackProject(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-tenants-"));
    fs.copyFileSync(path.join(__dirname, "..", "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.mkdirSync(path.join(root, "stacks"));
    return root;
}

describe("stack config", () => {
    test("npm run plan with tenants, storageClasses and volumeSnapshotClass in a stack file shows all of them", async () => {
        const root = stackProject();
        const stack = {
            config: {
                "portworx-auth:storageClusterName": "px-cluster",
                "portworx-auth:selfSignedIssuer": ISSUER,
                "portworx-auth:tenants": [{ namespace: "team-a" }, { namespace: "team-b", roles: ["system.view"] }],
                "portworx-auth:storageClasses": [{ name: "px-tenant", parameters: { repl: "3" }, isDefault: true }],
                "portworx-auth:volumeSnapshotClass": { name: "px-tenant-snapshots" },
            },
        };
        fs.writeFileSync(path.join(root, "stacks", "Pulumi.t.yaml"), YAML.stringify(stack));
        const live = path.join(__dirname, "..", "examples", "storagecluster.yaml");
        const { text, ok } = await planStack("t", live, root);
        assert.equal(ok, true, text);
        assert.match(
            text,
            /Tenants: team-a \(system\.user; 1y; sub team-a@px\.example\.com; Secret team-a\/px-user-token\); team-b/,
        );
        assert.match(text, /StorageClasses: px-tenant \(default\)/);
        assert.match(text, /VolumeSnapshotClass: px-tenant-snapshots/);
        const docs = YAML.parseAllDocuments(text.slice(text.indexOf("\n---\n") + 1)).map(
            (d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; data?: unknown },
        );
        const ids = docs.map((d) => `${d.kind} ${d.metadata.namespace ?? ""}/${d.metadata.name}`);
        for (const id of [
            "Secret team-a/px-user-token",
            "Secret team-b/px-user-token",
            "StorageClass /px-tenant",
            "VolumeSnapshotClass /px-tenant-snapshots",
        ]) {
            assert.ok(ids.includes(id), `${id} not in ${ids.join(", ")}`);
        }
        for (const d of docs.filter((x) => x.metadata.name === "px-user-token")) {
            assert.deepEqual(d.data, { "auth-token": REDACTED });
        }
    });

    test("a numeric parameter from pulumi config set --path is refused with the way to quote it", async () => {
        const root = stackProject();
        const stack = {
            config: {
                "portworx-auth:storageClusterName": "px-cluster",
                "portworx-auth:selfSignedIssuer": ISSUER,
                "portworx-auth:storageClasses": [{ name: "px-tenant", parameters: { repl: 3 } }],
            },
        };
        fs.writeFileSync(path.join(root, "stacks", "Pulumi.t.yaml"), YAML.stringify(stack));
        const live = path.join(__dirname, "..", "examples", "storagecluster.yaml");
        await assert.rejects(planStack("t", live, root), (e: Error) => {
            assert.ok(e instanceof ConfigError);
            assert.equal(e.field, 'storageClasses[0].parameters["repl"]');
            assert.match(e.message, /--type string/);
            return true;
        });
    });
});
