// Every manifest the project produces, validated against real schemas: the operator's
// StorageCluster CRD and the Kubernetes core/apps types (see ./schema.ts).
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { PortworxAuth } from "../components";
import {
    resolveSettings,
    type PortworxAuthArgs,
    type Settings,
    type StorkArgs,
    type UsernameClaim,
} from "../components/args";
import { canonicalJson } from "../components/merge";
import { securityTlsOn, type LiveSecurity } from "../components/preflight";
import { buildPlan, REDACTED, renderPlan, type Manifest, type Plan } from "../components/plan";
import { sampleLive, settle, setupMocks, unwrapSecrets, type Recorded } from "./harness";
import {
    applyPatch,
    closeUnknownFields,
    CRD_NAMES,
    CRDS,
    deploymentMergeRules,
    fillSecretPlaceholders,
    kubernetesAjv,
    PLACEHOLDER_BASE64,
    reindentQuotedContinuations,
    sampleStorageCluster,
    storageClusterMergeRules,
    storageClusterSchema,
    storkDeploymentFixture,
    validateCore,
    validateDeploymentPatch,
    validateManifest,
    validateStorageCluster,
    validateStorageClusterPatch,
    type CoreObject,
    type CrdName,
} from "./schema";

const RSA_PUBLIC = crypto
    .generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
const ECDSA_PUBLIC = crypto
    .generateKeyPairSync("ec", { namedCurve: "P-256" })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();

type JsonObject = Record<string, unknown>;

const SC = { apiVersion: "core.libopenstorage.org/v1", kind: "StorageCluster" } as const;
const META = { name: "px-cluster", namespace: "portworx" };

/** Asserts that some error names `where`, and returns the errors for further checks. */
function assertErrorAt(errors: string[], where: string, what?: RegExp): void {
    const hits = errors.filter((e) => e.includes(`${where}:`) && (what === undefined || what.test(e)));
    assert.ok(
        hits.length > 0,
        `expected an error at ${where}${what ? ` matching ${what}` : ""}, got:\n${errors.join("\n")}`,
    );
}

// ---------------------------------------------------------------------------------------------
// The validators themselves

describe("the CRD fixture and its schema", () => {
    test("each CRD fixture is the unchanged upstream file the README names", () => {
        const readme = fs.readFileSync(path.join(__dirname, "fixtures", "README.md"), "utf8");
        for (const file of Object.values(CRDS)) {
            const sha = crypto
                .createHash("sha256")
                .update(fs.readFileSync(path.join(__dirname, "fixtures", file)))
                .digest("hex");
            const row = readme.split("\n").find((l) => l.startsWith(`| ${file} |`)) ?? "";
            assert.ok(row.includes(sha), `sha256 ${sha} of ${file} is not the one in its test/fixtures/README.md row`);
        }
    });

    test("the released CRD has no security.tls and no security.auth.enabled; master has both", () => {
        const security = (crd: CrdName) => storageClusterSchema(crd).properties?.spec?.properties?.security;
        assert.equal(security("operator-26.2.1")?.properties?.tls, undefined);
        assert.equal(security("operator-26.2.1")?.properties?.auth?.properties?.enabled, undefined);
        assert.equal(security("master")?.properties?.tls?.type, "object");
        assert.equal(security("master")?.properties?.auth?.properties?.enabled?.type, "boolean");
        const patch = { ...SC, metadata: META, spec: { security: { enabled: true, auth: { enabled: true } } } };
        assert.deepEqual(validateStorageCluster(patch, "master"), []);
        assertErrorAt(validateStorageCluster(patch, "operator-26.2.1"), "spec.security.auth.enabled", /prune/);
    });

    test("re-indenting quoted continuation lines makes strict YAML parse them to the same value", () => {
        const lenient = [
            "a:",
            "  description: 'first line",
            "  it''s the second",
            "  third'",
            "  type: string",
            "",
        ].join("\n");
        assert.throws(() => YAML.parse(lenient), /Missing closing/);
        assert.deepEqual(YAML.parse(reindentQuotedContinuations(lenient)), {
            a: { description: "first line it's the second third", type: "string" },
        });
        // Already valid YAML is left exactly as it is.
        const strict = "a:\n  b: 'one\n    two'\n  c: \"x\"\n";
        assert.equal(reindentQuotedContinuations(strict), strict);
    });

    test("the v1 schema of each CRD is the one with the fields this project writes", () => {
        for (const crd of CRD_NAMES) {
            const spec = storageClusterSchema(crd).properties?.spec;
            assert.equal(spec?.properties?.env?.type, "array", crd);
            assert.equal(spec?.properties?.volumes?.type, "array", crd);
            assert.equal(spec?.properties?.stork?.properties?.env?.type, "array", crd);
            assert.equal(spec?.properties?.security?.properties?.auth?.properties?.selfSigned?.type, "object", crd);
        }
    });

    test("closing the schema: additionalProperties false except under preserve-unknown-fields and on root metadata", () => {
        const closed = closeUnknownFields(storageClusterSchema());
        const spec = closed.properties?.spec;
        assert.equal(closed.additionalProperties, false);
        assert.equal(spec?.additionalProperties, false);
        assert.equal(spec?.properties?.env?.items?.additionalProperties, false);
        assert.equal(spec?.properties?.env?.items?.properties?.valueFrom?.additionalProperties, false);
        assert.equal(spec?.properties?.featureGates?.additionalProperties, undefined);
        assert.equal(spec?.properties?.stork?.properties?.args?.additionalProperties, undefined);
        assert.equal(spec?.properties?.stork?.additionalProperties, false);
        assert.equal(closed.properties?.metadata?.additionalProperties, undefined);
    });

    test("ajv stays strict about keywords: an unregistered x-kubernetes extension fails to compile", () => {
        assert.throws(
            () => kubernetesAjv().compile({ type: "object", "x-kubernetes-made-up": true }),
            /unknown keyword/,
        );
        assert.doesNotThrow(() =>
            kubernetesAjv().compile({ type: "object", "x-kubernetes-preserve-unknown-fields": true }),
        );
    });
});

describe("validateStorageCluster", () => {
    test("the sample live StorageCluster is valid under both CRDs", () => {
        for (const crd of CRD_NAMES) assert.deepEqual(validateStorageCluster(sampleStorageCluster(), crd), [], crd);
    });

    test("a patch whose env entry has a numeric name is rejected at spec.env[0].name", () => {
        const errors = validateStorageCluster({ ...SC, metadata: META, spec: { env: [{ name: 1 }] } });
        assertErrorAt(errors, "spec.env[0].name", /must be string/);
    });

    test("a field the API server would prune is reported: spec.env[0].valueFrom.secretRef", () => {
        const errors = validateStorageCluster({
            ...SC,
            metadata: META,
            spec: { env: [{ name: "A", valueFrom: { secretRef: { name: "pxkeys", key: "k" } } }] },
        });
        assertErrorAt(errors, "spec.env[0].valueFrom.secretRef", /unknown field.*prune/);
        assert.equal(errors.length, 1, errors.join("\n"));
    });

    test("a volume whose configMap.name is a number is rejected at spec.volumes[0].configMap.name", () => {
        const errors = validateStorageCluster({
            ...SC,
            metadata: META,
            spec: { volumes: [{ name: "v", mountPath: "/v", configMap: { name: 42 } }] },
        });
        assertErrorAt(errors, "spec.volumes[0].configMap.name", /must be string/);
    });

    test("unknown fields are reported at every level, including under a known object", () => {
        const errors = validateStorageCluster({ ...SC, metadata: META, spec: { stork: { bogus: true }, envs: [] } });
        assertErrorAt(errors, "spec.stork.bogus", /unknown field/);
        assertErrorAt(errors, "spec.envs", /unknown field/);
    });

    test("x-kubernetes-preserve-unknown-fields keeps anything, but only at its own node", () => {
        const spec = {
            featureGates: { "some-gate": "true", nested: { deep: [1, 2] } },
            stork: { args: { "webhook-controller": "true", anything: { at: "all" } } },
            runtimeOptions: { "num-threads": "4" },
        };
        assert.deepEqual(validateStorageCluster({ ...SC, metadata: META, spec }), []);
    });

    test("x-kubernetes-int-or-string accepts integers and strings only", () => {
        const withMax = (maxUnavailable: unknown) =>
            validateStorageCluster({
                ...SC,
                metadata: META,
                spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable } } },
            });
        assert.deepEqual(withMax(1), []);
        assert.deepEqual(withMax("25%"), []);
        assertErrorAt(withMax(true), "spec.updateStrategy.rollingUpdate.maxUnavailable", /integer.*string/);
        assertErrorAt(withMax(1.5), "spec.updateStrategy.rollingUpdate.maxUnavailable", /integer.*string/);
    });

    test("int-or-string quantities also honour their pattern when they are strings", () => {
        const withCpu = (cpu: unknown) =>
            validateStorageCluster({
                ...SC,
                metadata: META,
                spec: { monitoring: { prometheus: { resources: { requests: { cpu } } } } },
            });
        assert.deepEqual(withCpu("100m"), []);
        assert.deepEqual(withCpu(2), []);
        assertErrorAt(withCpu("lots"), "spec.monitoring.prometheus.resources.requests.cpu", /pattern/);
        assertErrorAt(withCpu({}), "spec.monitoring.prometheus.resources.requests.cpu", /integer.*string/);
    });

    test("x-kubernetes-list-type map: entries need their keys and must be unique by them", () => {
        const withClaims = (claims: unknown[]) =>
            validateStorageCluster({
                ...SC,
                metadata: META,
                spec: {
                    monitoring: {
                        prometheus: { storage: { volumeClaimTemplate: { spec: { resources: { claims } } } } },
                    },
                },
            });
        const at = "spec.monitoring.prometheus.storage.volumeClaimTemplate.spec.resources.claims";
        assert.deepEqual(withClaims([{ name: "a" }, { name: "b" }]), []);
        assertErrorAt(withClaims([{ name: "a" }, { name: "a" }]), `${at}[1]`, /duplicate/);
        assertErrorAt(withClaims([{}]), `${at}[0]`, /omits its key field/);
    });

    test("root metadata is checked as ObjectMeta; apiVersion and kind must be the StorageCluster's", () => {
        const errors = validateStorageCluster({
            apiVersion: "core.libopenstorage.org/v1alpha1",
            kind: "StorageNode",
            metadata: { name: "px", labels: { a: 1 }, bogus: "x" },
        });
        assertErrorAt(errors, "apiVersion");
        assertErrorAt(errors, "kind");
        assertErrorAt(errors, "metadata.labels.a", /must be string/);
        assertErrorAt(errors, "metadata.bogus", /unknown field, not in the ObjectMeta schema/);
    });

    test("a nested metadata declared only as `type: object` keeps nothing, so its fields are reported", () => {
        const errors = validateStorageCluster({
            ...SC,
            metadata: META,
            spec: {
                monitoring: {
                    prometheus: {
                        storage: { ephemeral: { volumeClaimTemplate: { metadata: { name: "x" }, spec: {} } } },
                    },
                },
            },
        });
        assertErrorAt(
            errors,
            "spec.monitoring.prometheus.storage.ephemeral.volumeClaimTemplate.metadata.name",
            /unknown field/,
        );
    });
});

describe("validateCore", () => {
    test("the Stork Deployment fixture is a valid Deployment", () => {
        assert.deepEqual(validateCore(storkDeploymentFixture()), []);
    });

    test("Secret data must be base64 (kubernetes-models checks format: byte)", () => {
        const secret = (data: unknown) => validateCore({ apiVersion: "v1", kind: "Secret", metadata: META, data });
        assert.deepEqual(secret({ k: PLACEHOLDER_BASE64 }), []);
        assertErrorAt(secret({ k: "not base64!" }), "data.k", /format "byte"/);
        assertErrorAt(secret({ "system-secret": REDACTED }), 'data["system-secret"]', /format "byte"/);
    });

    test("a Secret whose data is not an object is rejected at data", () => {
        assertErrorAt(
            validateCore({ apiVersion: "v1", kind: "Secret", metadata: META, data: "c2VjcmV0" }),
            "data",
            /object/,
        );
        assertErrorAt(
            validateCore({ apiVersion: "v1", kind: "Secret", metadata: META, data: ["c2VjcmV0"] }),
            "data",
            /object/,
        );
    });

    test("unknown fields of core objects are reported, map keys are not", () => {
        const errors = validateCore({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { ...META, labels: { "any/key": "v" }, annotation: { a: "b" } },
            data: { "rsa-public.pem": "x" },
            datta: {},
        });
        assert.deepEqual(errors.sort(), [
            "datta: unknown field, not in the ConfigMap schema (the API server would silently prune it)",
            "metadata.annotation: unknown field, not in the ConfigMap schema (the API server would silently prune it)",
        ]);
    });

    test("a bare Deployment patch is not a whole Deployment (why patches are applied to a live object first)", () => {
        const errors = validateCore({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "stork", namespace: "portworx" },
            spec: { template: { spec: { containers: [{ name: "stork", env: [] }] } } },
        });
        assertErrorAt(errors, "spec.selector", /required/);
    });
});

describe("patches applied to live objects", () => {
    const storkPatch = (container: JsonObject, name = "stork"): CoreObject => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "kube-test" },
        spec: { template: { spec: { containers: [container] } } },
    });

    test("containers and env merge by name, keeping the live entries in place", () => {
        const { result, errors } = applyPatch(
            storkDeploymentFixture(),
            storkPatch({
                name: "stork",
                env: [
                    { name: "TEST", value: "new" },
                    { name: "PX_JWT_ISSUER", value: "i" },
                ],
            }),
            deploymentMergeRules,
        );
        assert.deepEqual(errors, []);
        const container = (result as { spec: { template: { spec: { containers: JsonObject[] } } } }).spec.template.spec
            .containers;
        assert.equal(container.length, 1);
        assert.equal(container[0]?.image, "docker.io/osd/stork:test");
        assert.deepEqual(
            (container[0]?.env as { name: string; value?: string }[]).map((e) => `${e.name}=${e.value ?? "(from)"}`),
            ["PX_NAMESPACE=kube-test", "SECRET_ENV=(from)", "STORK-NAMESPACE=kube-test", "TEST=new", "PX_JWT_ISSUER=i"],
        );
    });

    test("the StorageCluster's lists are atomic in the CRD: a patch list replaces the live one", () => {
        const { result } = applyPatch(
            sampleStorageCluster(),
            { ...SC, metadata: META, spec: { env: [{ name: "ONLY", value: "1" }] } },
            storageClusterMergeRules,
        );
        const spec = (result as { spec: { env: unknown[]; image: string; stork: { enabled: boolean } } }).spec;
        assert.deepEqual(spec.env, [{ name: "ONLY", value: "1" }]);
        assert.equal(spec.image, "portworx/oci-monitor:3.1.6");
        assert.equal(spec.stork.enabled, true);
    });

    test("a Deployment patch env entry without a name is rejected (merge key and required name)", () => {
        const errors = validateDeploymentPatch(storkPatch({ name: "stork", env: [{ value: "x" }] }));
        assertErrorAt(errors, "spec.template.spec.containers[0].env[0]", /omits its merge key/);
        assertErrorAt(errors, "after apply: spec.template.spec.containers[0].env[4].name", /required/);
    });

    test("a Deployment patch field the schema lacks is reported: valueFrom.secretRef, envv", () => {
        const errors = validateDeploymentPatch(
            storkPatch({
                name: "stork",
                envv: [],
                env: [{ name: "A", valueFrom: { secretRef: { name: "s", key: "k" } } }],
            }),
        );
        assertErrorAt(errors, "spec.template.spec.containers[0].envv", /unknown field/);
        assertErrorAt(errors, "spec.template.spec.containers[0].env[0].valueFrom.secretRef", /unknown field/);
    });

    test("a patch for a container the live Deployment lacks would add a container without an image", () => {
        const errors = validateDeploymentPatch(storkPatch({ name: "not-stork", env: [{ name: "A", value: "1" }] }));
        assertErrorAt(errors, "after apply: spec.template.spec.containers[1].image", /required/);
    });

    test("a StorageCluster patch is also checked after being applied to the live object", () => {
        const live = sampleStorageCluster();
        (live.spec as JsonObject).volumes = [{ name: "ca-bundle", configMap: { name: 1 } }];
        const patch = { ...SC, metadata: META, spec: { env: [] } };
        assert.deepEqual(validateStorageClusterPatch(patch), []);
        assertErrorAt(validateStorageClusterPatch(patch, live), "after apply: spec.volumes[0].configMap.name");
    });
});

// ---------------------------------------------------------------------------------------------
// The plan's manifests, over a broad matrix of settings

const ISSUER = "px.example.com";
const OIDC = { issuer: "https://login.example.com/realms/storage", clientId: "portworx" };
const SHARED = "s".repeat(48);

const TRUST_MODELS: Record<string, Pick<PortworxAuthArgs, "selfSigned" | "oidc">> = {
    "self-signed, generated shared secret": { selfSigned: { issuer: ISSUER } },
    "self-signed, supplied shared secret": { selfSigned: { issuer: ISSUER, sharedSecret: SHARED } },
    "self-signed, RSA public key": { selfSigned: { issuer: ISSUER, rsaPublicKey: RSA_PUBLIC } },
    "self-signed, ECDSA public key": { selfSigned: { issuer: ISSUER, ecdsaPublicKey: ECDSA_PUBLIC } },
    "self-signed, RSA + ECDSA + shared secret": {
        selfSigned: { issuer: ISSUER, rsaPublicKey: RSA_PUBLIC, ecdsaPublicKey: ECDSA_PUBLIC, sharedSecret: SHARED },
    },
    "OIDC only": { oidc: OIDC },
    "OIDC with customClaimNamespace": { oidc: { ...OIDC, customClaimNamespace: "https://example.com/claims" } },
    "both models": { selfSigned: { issuer: ISSUER }, oidc: OIDC },
    "both models, ECDSA key and claim namespace": {
        selfSigned: { issuer: ISSUER, ecdsaPublicKey: ECDSA_PUBLIC },
        oidc: { ...OIDC, customClaimNamespace: "ns" },
    },
};

interface StorkCase {
    stork?: StorkArgs;
    /** The live StorageCluster has spec.stork.enabled false (required by deployment mode). */
    storkDisabled: boolean;
}

const STORK_CASES: Record<string, StorkCase> = {
    "stork default": { storkDisabled: false },
    "stork operator": { stork: { mode: "operator" }, storkDisabled: false },
    "stork deployment, same namespace": { stork: { mode: "deployment" }, storkDisabled: true },
    "stork deployment, own namespace": {
        stork: {
            mode: "deployment",
            namespace: "kube-system",
            deploymentName: "px-stork",
            containerName: "stork-main",
        },
        storkDisabled: true,
    },
    "stork none": { stork: { mode: "none" }, storkDisabled: false },
    "stork none, Stork off": { stork: { mode: "none" }, storkDisabled: true },
};

/** `undefined` is the default, `sub`. */
const CLAIMS: (UsernameClaim | undefined)[] = [undefined, "email", "name"];

function liveStorageCluster(storkDisabled: boolean): JsonObject {
    const live = sampleStorageCluster();
    if (storkDisabled) {
        const spec = live.spec as JsonObject;
        spec.stork = { ...(spec.stork as JsonObject), enabled: false };
    }
    return live;
}

/** The Stork Deployment fixture, as the user's Stork named in the settings. */
function liveStork(s: Settings): CoreObject {
    const d = storkDeploymentFixture() as CoreObject & {
        metadata: JsonObject;
        spec: { template: { spec: { containers: JsonObject[] } } };
    };
    d.metadata = { ...d.metadata, name: s.stork.deploymentName, namespace: s.stork.namespace };
    const first = d.spec.template.spec.containers[0] as JsonObject;
    first.name = s.stork.containerName;
    return d;
}

/** Every manifest of a plan, by field name (whatever fields the plan grows). */
function planManifests(plan: Plan): [string, Manifest][] {
    const entries = Object.entries(plan).flatMap(([k, v]): [string, unknown][] =>
        Array.isArray(v) ? v.map((x, i): [string, unknown] => [`${k}[${i}]`, x]) : [[k, v]],
    );
    return entries.filter((e): e is [string, Manifest] => {
        const v = e[1] as Partial<Manifest> | undefined;
        return typeof v?.apiVersion === "string" && typeof v.kind === "string" && typeof v.metadata === "object";
    });
}

/** The manifests printed by `renderPlan`, parsed back. */
function renderedManifests(plan: Plan): unknown[] {
    const text = renderPlan(plan, "schema");
    const start = text.indexOf("\n---\n");
    assert.ok(start > 0, "the rendered plan has no manifests");
    return YAML.parseAllDocuments(text.slice(start + 1)).map((d) => d.toJS() as unknown);
}

/** The CRDs a live object can be stored under: a field the released CRD lacks means master. */
function crdsFor(live: JsonObject): CrdName[] {
    return validateStorageCluster(live, "operator-26.2.1").length === 0 ? CRD_NAMES : ["master"];
}

/**
 * Validates every manifest of `plan`, the StorageCluster patch against every CRD the live object
 * fits; returns the problems, and the names of the manifests validated.
 */
function validatePlan(plan: Plan, live: JsonObject): { problems: string[]; validated: string[] } {
    const manifests = planManifests(plan);
    const problems: string[] = [];
    for (const [name, m] of manifests) {
        for (const crd of m.kind === "StorageCluster" ? crdsFor(live) : (["master"] as const)) {
            const errors = validateManifest(fillSecretPlaceholders(m, REDACTED), {
                storageCluster: live,
                deployment: liveStork(plan.settings),
                crd,
            });
            const at = `${name} (${m.kind} ${m.metadata.namespace}/${m.metadata.name}${m.kind === "StorageCluster" ? `, CRD ${crd}` : ""})`;
            problems.push(...errors.map((e) => `${at}: ${e}`));
        }
    }
    // The released CRD has no spec.security.auth.enabled: a patch names it only where the live
    // object shows the field (or security.tls, which came with it).
    const liveSecurity = (live.spec as { security?: { auth?: object; tls?: object } } | undefined)?.security;
    const patchAuth = (plan.storageClusterPatch.spec as { security?: { auth?: object } }).security?.auth;
    if (
        patchAuth &&
        "enabled" in patchAuth &&
        !(liveSecurity?.auth && "enabled" in liveSecurity.auth) &&
        !liveSecurity?.tls
    ) {
        problems.push("storageClusterPatch: writes spec.security.auth.enabled, which the live object does not have");
    }
    // TLS hangs on spec.security.enabled too: no patch of this project turns it on or off.
    const after = applyPatch(live, plan.storageClusterPatch, storageClusterMergeRules).result as JsonObject;
    const tls = (o: JsonObject) => securityTlsOn((o.spec as { security?: LiveSecurity } | undefined)?.security);
    if (tls(after) !== tls(live)) problems.push(`storageClusterPatch: turns TLS ${tls(after) ? "on" : "off"}`);
    // What the plan command prints is these same objects.
    const canonical = (xs: unknown[]) => xs.map(canonicalJson).sort();
    assert.deepEqual(canonical(renderedManifests(plan)), canonical(manifests.map(([, m]) => m)));
    return { problems, validated: manifests.map(([name]) => name).sort() };
}

/** The manifests a plan for `s` must have, so that none is skipped silently. */
function expectedManifests(s: Settings): string[] {
    const operator = s.securityMode === "operator";
    const deployment = s.stork.mode === "deployment" && !operator;
    return [
        ...(s.selfSigned && s.selfSigned.sharedSecret !== "none" ? ["keySecrets[0]"] : []),
        `keySecrets[${s.selfSigned && s.selfSigned.sharedSecret !== "none" ? 1 : 0}]`,
        ...(deployment && s.stork.namespace !== s.namespace
            ? [`keySecrets[${s.selfSigned && s.selfSigned.sharedSecret !== "none" ? 2 : 1}]`]
            : []),
        ...(!operator && s.tokens.some((t) => t.name === "admin") ? ["adminTokenSecret"] : []),
        ...(s.selfSigned?.rsaPublicKey || s.selfSigned?.ecdsaPublicKey ? ["publicKeys"] : []),
        "storageClusterPatch",
        ...(deployment ? ["storkPatch"] : []),
        ...s.tokens.map((_, i) => `tokenSecrets[${i}]`),
        ...(s.tenancy?.storageClasses ?? []).map((_, i) => `storageClasses[${i}]`),
        ...(s.tenancy?.volumeSnapshotClass ? ["volumeSnapshotClass"] : []),
    ].sort();
}

/**
 * Plans `args(enabled)` for enabled true and false, each against a fresh live StorageCluster and
 * against the same cluster after this project's patch was applied once; validates everything.
 */
function checkCase(
    label: string,
    args: (enabled: boolean) => PortworxAuthArgs,
    storkDisabled: boolean,
    fresh: JsonObject = liveStorageCluster(storkDisabled),
): string[] {
    const wired = applyPatch(
        fresh,
        buildPlan(resolveSettings(args(true)), fresh).storageClusterPatch,
        storageClusterMergeRules,
    ).result as JsonObject;
    const failures: string[] = [];
    for (const enabled of [true, false]) {
        for (const [liveName, live] of [
            ["fresh", fresh],
            ["wired", wired],
        ] as const) {
            const at = `${label}, enabled ${enabled}, ${liveName} live`;
            const s = resolveSettings(args(enabled));
            const plan = buildPlan(s, live);
            assert.deepEqual(plan.findings, [], at);
            const { problems, validated } = validatePlan(plan, live);
            assert.deepEqual(validated, expectedManifests(s), at);
            failures.push(...problems.map((p) => `${at}: ${p}`));
        }
    }
    return failures;
}

const BASE = { namespace: "portworx", storageClusterName: "px-cluster" } as const;

describe("every manifest of the plan validates (env security mode)", () => {
    for (const [modelName, model] of Object.entries(TRUST_MODELS)) {
        test(modelName, () => {
            const failures: string[] = [];
            let cases = 0;
            for (const [storkName, storkCase] of Object.entries(STORK_CASES)) {
                for (const storkKeyPairing of [undefined, "apps"] as const) {
                    for (const usernameClaim of CLAIMS) {
                        const label = `${storkName}, pairing ${storkKeyPairing ?? "default (stork)"}, claim ${usernameClaim ?? "default (sub)"}`;
                        const args = (enabled: boolean): PortworxAuthArgs => ({
                            ...BASE,
                            ...model,
                            ...(storkCase.stork ? { stork: storkCase.stork } : {}),
                            ...(storkKeyPairing ? { storkKeyPairing } : {}),
                            ...(usernameClaim ? { usernameClaim } : {}),
                            enabled,
                        });
                        failures.push(...checkCase(label, args, storkCase.storkDisabled));
                        cases++;
                    }
                }
            }
            assert.deepEqual(failures, []);
            assert.equal(cases, Object.keys(STORK_CASES).length * 2 * CLAIMS.length);
        });
    }

    test("custom names, rotation versions and field manager", () => {
        const args = (enabled: boolean): PortworxAuthArgs => ({
            ...BASE,
            selfSigned: { issuer: ISSUER, rsaPublicKey: RSA_PUBLIC },
            oidc: OIDC,
            secretName: "px-auth-keys",
            publicKeysConfigMapName: "px.auth.public-keys",
            fieldManager: "platform-team",
            rotation: { systemKey: "2026-11", storkKey: "v2", sharedSecret: "r_3" },
            stork: { mode: "deployment", namespace: "stork-system" },
            enabled,
        });
        assert.deepEqual(checkCase("custom names", args, true), []);
    });

    test("tenants, two StorageClasses and a VolumeSnapshotClass", () => {
        const args = (enabled: boolean): PortworxAuthArgs => ({
            ...BASE,
            selfSigned: { issuer: ISSUER },
            tenants: [{ namespace: "team-a" }, { namespace: "portworx", roles: ["system.view"], groups: ["*"] }],
            storageClasses: [
                { name: "px-tenant", parameters: { repl: "3" }, isDefault: true },
                { name: "px.tenant.retain", reclaimPolicy: "Retain", allowVolumeExpansion: false },
            ],
            volumeSnapshotClass: { name: "px-tenant-snapshots", deletionPolicy: "Retain" },
            enabled,
        });
        assert.deepEqual(checkCase("tenancy", args, false), []);
    });

    test("the plan's own Secret, before its placeholders are replaced, is rejected (the check is live)", () => {
        const plan = buildPlan(resolveSettings({ ...BASE, selfSigned: { issuer: ISSUER } }), liveStorageCluster(false));
        assertErrorAt(validateCore(plan.keySecrets[1]), 'data["system-secret.1"]', /format "byte"/);
        assert.deepEqual(validateCore(fillSecretPlaceholders(plan.keySecrets[1], REDACTED)), []);
    });
});

describe("every manifest of the plan validates (operator security mode)", () => {
    test("tenants, StorageClasses and a VolumeSnapshotClass", () => {
        const args = (enabled: boolean): PortworxAuthArgs => ({
            ...BASE,
            selfSigned: { issuer: ISSUER },
            securityMode: "operator",
            tenants: [{ namespace: "team-a" }],
            storageClasses: [{ name: "px-tenant", volumeBindingMode: "WaitForFirstConsumer" }],
            volumeSnapshotClass: { name: "px-tenant-snapshots" },
            enabled,
        });
        assert.deepEqual(checkCase("tenancy", args, false), []);
    });

    const selfSignedModels = Object.entries(TRUST_MODELS).filter(([, m]) => m.selfSigned);
    for (const [modelName, model] of selfSignedModels) {
        test(modelName, () => {
            const failures: string[] = [];
            for (const [storkName, storkCase] of Object.entries(STORK_CASES)) {
                if (storkCase.stork?.mode === "deployment") continue; // refused by resolveSettings in this mode
                // Refused by preflight in this mode: the operator wires the Stork it runs.
                if (storkCase.stork?.mode === "none" && !storkCase.storkDisabled) continue;
                for (const guestAccess of [undefined, "Enabled", "Disabled", "Managed"] as const) {
                    for (const tokenLifetime of [undefined, "7d"]) {
                        const label = `${storkName}, guest access ${guestAccess ?? "default"}, lifetime ${tokenLifetime ?? "default"}`;
                        const args = (enabled: boolean): PortworxAuthArgs => ({
                            ...BASE,
                            ...model,
                            securityMode: "operator",
                            ...(storkCase.stork ? { stork: storkCase.stork } : {}),
                            ...(guestAccess ? { guestAccess } : {}),
                            ...(tokenLifetime ? { tokenLifetime } : {}),
                            usernameClaim: "email",
                            enabled,
                        });
                        failures.push(...checkCase(label, args, storkCase.storkDisabled));
                    }
                }
            }
            assert.deepEqual(failures, []);
        });
    }

    test("live objects with TLS or spec.security.auth.enabled (operator master's CRD)", () => {
        const tls = {
            enabled: true,
            rootCA: { secretRef: { secretName: "px-tls", secretKey: "ca.crt" } },
            serverCert: { secretRef: { secretName: "px-tls", secretKey: "tls.crt" } },
            serverKey: { secretRef: { secretName: "px-tls", secretKey: "tls.key" } },
        };
        const lives: Record<string, JsonObject> = {
            "TLS only": { enabled: true, auth: { enabled: false }, tls },
            "TLS and authorization, auth.enabled left out (taken over)": { enabled: true, tls },
            "auth.enabled false, TLS present but off": {
                enabled: true,
                auth: { enabled: false },
                tls: { enabled: false },
            },
            "security off, auth.enabled false": { enabled: false, auth: { enabled: false } },
        };
        const failures: string[] = [];
        for (const [name, security] of Object.entries(lives)) {
            const live = sampleStorageCluster();
            (live.spec as JsonObject).security = security;
            assert.deepEqual(crdsFor(live), ["master"], name);
            const args = (enabled: boolean): PortworxAuthArgs => ({
                ...BASE,
                selfSigned: { issuer: ISSUER },
                securityMode: "operator",
                takeOverExistingAuth: name.includes("taken over"),
                enabled,
            });
            failures.push(...checkCase(name, args, false, live));
            const on = buildPlan(resolveSettings(args(true)), live).storageClusterPatch.spec as {
                security: { auth: { enabled?: boolean } };
            };
            assert.equal(on.security.auth.enabled, true, `${name}: the live object shows the field, so it is set`);
        }
        assert.deepEqual(failures, []);
    });
});

// ---------------------------------------------------------------------------------------------
// What the component registers under the mock engine

function only(recorded: Recorded[], type: string, name?: string): CoreObject[] {
    const hits = recorded.filter((r) => r.type === type && (name === undefined || r.name === name));
    return hits.map((r) => unwrapSecrets(r.inputs) as CoreObject);
}

describe("the component's registered inputs validate", () => {
    // setMocks is global: one test, scenarios in sequence.
    test("StorageClusterPatch, SecretPatch, ConfigMapPatch and DeploymentPatch inputs", async () => {
        const scenarios: {
            name: string;
            args: PortworxAuthArgs;
            live: JsonObject;
            counts: Record<string, number>;
        }[] = [
            {
                name: "self-signed, Stork by the operator",
                args: { namespace: "portworx", storageClusterName: "px-cluster", selfSigned: { issuer: ISSUER } },
                live: sampleLive(),
                counts: {
                    "kubernetes:core.libopenstorage.org/v1:StorageClusterPatch": 1,
                    // the shared secret's, px-system-secrets, px-token-admin and px-admin-token
                    "kubernetes:core/v1:SecretPatch": 4,
                    "kubernetes:core/v1:ConfigMapPatch": 0,
                    "kubernetes:apps/v1:DeploymentPatch": 0,
                },
            },
            {
                name: "public keys, Stork Deployment in its own namespace",
                args: {
                    namespace: "portworx",
                    storageClusterName: "px-cluster",
                    selfSigned: { issuer: ISSUER, rsaPublicKey: RSA_PUBLIC, ecdsaPublicKey: ECDSA_PUBLIC },
                    oidc: OIDC,
                    stork: { mode: "deployment", namespace: "kube-system" },
                    storkKeyPairing: "apps",
                },
                live: liveStorageCluster(true),
                counts: {
                    "kubernetes:core.libopenstorage.org/v1:StorageClusterPatch": 1,
                    // px-system-secrets and the apps key's copy for Stork; no signing key, no token
                    "kubernetes:core/v1:SecretPatch": 2,
                    "kubernetes:core/v1:ConfigMapPatch": 1,
                    "kubernetes:apps/v1:DeploymentPatch": 1,
                },
            },
            {
                name: "operator security mode",
                args: { ...BASE, selfSigned: { issuer: ISSUER }, securityMode: "operator", guestAccess: "Disabled" },
                live: sampleLive(),
                counts: {
                    "kubernetes:core.libopenstorage.org/v1:StorageClusterPatch": 1,
                    "kubernetes:core/v1:SecretPatch": 2,
                    "kubernetes:core/v1:ConfigMapPatch": 0,
                    "kubernetes:apps/v1:DeploymentPatch": 0,
                },
            },
        ];
        for (const sc of scenarios) {
            const recorded = await setupMocks({ preview: false, live: sc.live });
            new PortworxAuth("px", sc.args);
            await settle(recorded);
            const settings = resolveSettings(sc.args);
            const failures: string[] = [];
            for (const [type, count] of Object.entries(sc.counts)) {
                const objects = only(recorded, type);
                assert.equal(objects.length, count, `${sc.name}: ${type}`);
                for (const obj of objects) {
                    for (const crd of obj.kind === "StorageCluster" ? crdsFor(sc.live) : (["master"] as const)) {
                        const kind = `${obj.kind} ${(obj.metadata as JsonObject | undefined)?.name as string} (CRD ${crd})`;
                        const errors = validateManifest(obj, {
                            storageCluster: sc.live,
                            deployment: liveStork(settings),
                            crd,
                        });
                        failures.push(...errors.map((e) => `${sc.name}: ${kind}: ${e}`));
                    }
                }
            }
            assert.deepEqual(failures, []);
            // The registered Secret data is real base64 of the generated keys (not placeholders).
            for (const secret of only(recorded, "kubernetes:core/v1:SecretPatch")) {
                for (const v of Object.values(secret.data as Record<string, string>)) {
                    assert.match(v, /^[A-Za-z0-9+/]+=*$/);
                    assert.notEqual(v, PLACEHOLDER_BASE64);
                }
            }
            // And the StorageCluster patch the component registers is the plan's.
            const [patch] = only(recorded, "kubernetes:core.libopenstorage.org/v1:StorageClusterPatch");
            assert.deepEqual(patch?.spec, buildPlan(settings, sc.live).storageClusterPatch.spec);
        }
    });
});
