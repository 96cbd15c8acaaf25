// Stack config is read once, as Pulumi hands it to the program: the offline plan and the program
// under the mock engine (PULUMI_CONFIG set as the CLI sets it) reach the same verdict and the same
// StorageCluster patch for every stack file of a corpus; and the plan's idea of what Pulumi hands
// the program is what Pulumi's own loader made of a corpus of stack files
// (test/fixtures/pulumi-config, recorded with its gen/ program).
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { configSource, planConfig, SAMPLE_LIVE } from "../cli/plan";
import { pulumiConfig, type PulumiConfig } from "../cli/stack-config";
import { argsFromConfig, configNames } from "../components/config";
import { ConfigError } from "../components/errors";
import { OWNER_ANNOTATION } from "../components/tenants";
import { runScenario, sampleLive, unwrapSecrets } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "pulumi-config");

describe("what Pulumi hands the program, as Pulumi's own loader made it", () => {
    const project = fs.readFileSync(path.join(FIXTURES, "Pulumi.yaml"), "utf8");
    const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, "expected.json"), "utf8")) as Record<
        string,
        { values?: Record<string, string>; secretKeys?: string[]; error?: string }
    >;
    test("the corpus covers numbers, booleans, dates, structured values, secrets and refusals", () => {
        assert.ok(Object.keys(expected).length >= 10);
        assert.ok(Object.values(expected).some((e) => e.error));
    });
    for (const [file, want] of Object.entries(expected)) {
        test(file, () => {
            const text = fs.readFileSync(path.join(FIXTURES, "cases", file), "utf8");
            const got = pulumiConfig(project, text, { project: "Pulumi.yaml", stack: file });
            if (want.error) {
                // Pulumi refuses before the program runs; the program's own reading refuses the same key.
                const key = /configuration (?:key|value) '([^']+)'/.exec(want.error)?.[1];
                assert.ok(key, want.error);
                assert.throws(
                    () => argsFromConfig(configSource(got, ROOT)),
                    (e: unknown) => e instanceof ConfigError && e.field === key,
                );
                return;
            }
            assert.deepEqual(got.secure, want.secretKeys ?? []);
            // The fixtures "decrypt" a secure value to its ciphertext; the plan never decrypts.
            assert.deepEqual({ ...got.values, ...got.ciphertexts }, want.values);
        });
    }
});

/** A stack file: `KEY: value` lines become `portworx-auth:KEY: value`; `=KEY: value` stays unprefixed; indented lines are kept. */
function stack(lines: string): string {
    const body = lines
        .trim()
        .split("\n")
        .map((l) => (l.startsWith(" ") ? `  ${l}` : l.startsWith("=") ? `  ${l.slice(1)}` : `  portworx-auth:${l}`));
    return `config:\n  portworx-auth:storageClusterName: px-cluster\n${body.join("\n")}\n`;
}

type Verdict = "passed" | "refused" | "config error";

/** What else a stack writes besides the patch: tenants' px-user-token metadata, classes. Sorted. */
interface Tenancy {
    tenantSecrets: unknown[];
    classes: unknown[];
}

/** Orders objects and metadata by kind, namespace and name (key order differs between the two). */
const id = (o: unknown) => {
    const m = o as { kind?: string; namespace?: string; name?: string; metadata?: { name: string } };
    return `${m.kind ?? ""} ${m.namespace ?? ""}/${m.name ?? m.metadata?.name ?? ""}`;
};
const byId = (a: unknown, b: unknown) => id(a).localeCompare(id(b));

async function viaPlan(
    config: PulumiConfig,
): Promise<{ verdict: Verdict; spec?: unknown; tenancy?: Tenancy; message?: string }> {
    try {
        const { ok, plan } = await planConfig(config, "corpus", path.join(ROOT, SAMPLE_LIVE), ROOT);
        const tenancy: Tenancy = {
            tenantSecrets: plan.tokenSecrets
                .filter((m) => m.metadata.name === "px-user-token")
                .map((m) => m.metadata)
                .sort(byId),
            classes: [...plan.storageClasses, ...(plan.volumeSnapshotClass ? [plan.volumeSnapshotClass] : [])].sort(
                byId,
            ),
        };
        return { verdict: ok ? "passed" : "refused", spec: plan.storageClusterPatch.spec, tenancy };
    } catch (e) {
        if (e instanceof ConfigError) return { verdict: "config error", message: e.describe(configNames) };
        throw e;
    }
}

/**
 * A class the program wrote, without the owner mark the shell adds (`<project>/<stack>/<name>`, from
 * the Pulumi runtime: the plan has no stack to name); the mark must be there.
 */
function withoutOwner(o: unknown): unknown {
    const c = structuredClone(o) as { metadata: { annotations?: Record<string, string> } };
    assert.equal(c.metadata.annotations?.[OWNER_ANNOTATION], "portworx-auth/test/portworx-auth");
    delete c.metadata.annotations?.[OWNER_ANNOTATION];
    if (Object.keys(c.metadata.annotations ?? {}).length === 0) delete c.metadata.annotations;
    return c;
}

async function viaProgram(
    config: PulumiConfig,
): Promise<{ verdict: Verdict; spec?: unknown; tenancy: Tenancy; messages: string[] }> {
    // What the CLI puts in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS (decrypted values included).
    const values = { ...config.values, ...config.ciphertexts };
    const env = JSON.stringify(
        Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(":", ":config:"), v])),
    );
    const run = await runScenario({ preview: false, live: sampleLive() }, () => {
        pulumi.runtime.setAllConfig(JSON.parse(env) as Record<string, string>, config.secure);
        const program = require.resolve("../index");
        delete require.cache[program];
        // The program runs at load, as `pulumi up` runs it: load it afresh.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(program) as unknown;
    });
    const messages = run.rejections.map((e) => e.message);
    // Registration may wrap it ("error serializing property ...: preflight failed, ..."); the words stay.
    const refused = messages.filter((m) => m.includes("preflight failed, nothing was written"));
    const verdict: Verdict = messages.length > refused.length ? "config error" : refused.length ? "refused" : "passed";
    const patch = run.recorded.find((r) => r.type.endsWith(":StorageClusterPatch"));
    const tenancy: Tenancy = {
        tenantSecrets: run.recorded
            .filter((r) => r.type.endsWith(":SecretPatch"))
            .map((r) => unwrapSecrets(r.inputs.metadata) as { name: string })
            .filter((m) => m.name === "px-user-token")
            .sort(byId),
        classes: run.recorded
            .filter((r) => r.type.endsWith(":StorageClass") || r.type.endsWith(":VolumeSnapshotClass"))
            .map((r) => withoutOwner(unwrapSecrets(r.inputs)))
            .sort(byId),
    };
    return { verdict, spec: patch ? unwrapSecrets(patch.inputs.spec) : undefined, tenancy, messages };
}

const OTHER_KEY = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs8",
    format: "pem",
}) as string;
const indent = (pem: string) =>
    pem
        .trim()
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n");

/** [title, stack config lines, the verdict both must reach, what the message must name]. */
const CORPUS: [string, string, Verdict, RegExp?][] = [
    ["the dev stack's keys", "selfSignedIssuer: px.example.com", "passed"],
    [
        "an unquoted number is the number's text: 2026.10 is 2026.1",
        "selfSignedIssuer: a.b\nrotationSystemKey: 2026.10",
        "passed",
    ],
    ["a quoted version stays as written", 'selfSignedIssuer: a.b\nrotationSystemKey: "2026.10"', "passed"],
    [
        "an unquoted date is a timestamp's text, not a version",
        "selfSignedIssuer: a.b\nrotationStorkKey: 2026-11-01",
        "config error",
        /^rotationStorkKey: /,
    ],
    ["True is true", "selfSignedIssuer: a.b\nenabled: True\npairedClusters: FALSE", "passed"],
    [
        "yes is not a boolean",
        "selfSignedIssuer: a.b\nenabled: yes",
        "config error",
        /^enabled: is "yes", but true or false is expected/,
    ],
    [
        "off is not a boolean",
        "selfSignedIssuer: a.b\ntakeOverExistingAuth: off",
        "config error",
        /^takeOverExistingAuth: /,
    ],
    [
        "a typo'd issuer key",
        "selfSignedIsuer: a.b",
        "config error",
        /^selfSignedIsuer: .*did you mean selfSignedIssuer\?/,
    ],
    [
        "a typo'd Stork mode key",
        "selfSignedIssuer: a.b\nstorkmode: none",
        "config error",
        /^storkmode: .*did you mean storkMode\?/,
    ],
    [
        "a typo'd rotation key",
        "selfSignedIssuer: a.b\nrotationSytemKey: v2",
        "config error",
        /^rotationSytemKey: .*did you mean rotationSystemKey\?/,
    ],
    [
        "an unprefixed typo is still ours",
        "selfSignedIssuer: a.b\n=storkMod: none",
        "config error",
        /did you mean storkMode/,
    ],
    [
        "a list where a string is expected",
        "selfSignedIssuer: [a, b]",
        "config error",
        /^selfSignedIssuer: is a list, but a string is expected/,
    ],
    [
        "a fraction where a percentage is expected",
        "selfSignedIssuer: a.b\ntokenRenewBeforePercent: 2.5",
        "config error",
        /^tokenRenewBeforePercent: /,
    ],
    [
        "a percentage out of range",
        "selfSignedIssuer: a.b\ntokenRenewBeforePercent: 100",
        "config error",
        /^tokenRenewBeforePercent: is 100%; it must be a whole percentage from 1 to 99/,
    ],
    ["a quoted percentage", 'selfSignedIssuer: a.b\ntokenRenewBeforePercent: "50"', "passed"],
    [
        "a short plain-text shared secret",
        "selfSignedIssuer: a.b\nsharedSecret: tooshort",
        "config error",
        /^sharedSecret: has 8 bytes; at least 32 are required/,
    ],
    ["a long plain-text shared secret", `selfSignedIssuer: a.b\nsharedSecret: ${"x".repeat(40)}`, "passed"],
    [
        "a missing PEM file",
        "selfSignedIssuer: a.b\nrsaPublicKeyFile: examples/keys/nope.pem",
        "config error",
        /^rsaPublicKeyFile: names examples\/keys\/nope\.pem, but there is no such file/,
    ],
    [
        "a PEM path that is a directory",
        "selfSignedIssuer: a.b\nrsaPublicKeyFile: examples/keys",
        "config error",
        /^rsaPublicKeyFile: names examples\/keys, but it is a directory/,
    ],
    [
        "an RSA private key that is not the public key's pair",
        `selfSignedIssuer: a.b\nrsaPublicKeyFile: examples/keys/prod-rsa-public.pem\nrsaPrivateKey: |\n${indent(OTHER_KEY)}`,
        "config error",
        /^rsaPrivateKey: is not the private half of the configured public key.*update rsaPublicKeyFile/,
    ],
    [
        "an RSA private key without a public key",
        `selfSignedIssuer: a.b\nrsaPrivateKey: |\n${indent(OTHER_KEY)}`,
        "config error",
        /^rsaPrivateKey: has no public half configured.*set rsaPublicKeyFile/,
    ],
    ["tokens that are not a list", "selfSignedIssuer: a.b\ntokens: ci", "config error", /^tokens: /],
    [
        "a token field the component does not know",
        "selfSignedIssuer: a.b\ntokens:\n    - name: ci\n      roles: [system.view]\n      lifetme: 90d",
        "config error",
        /^tokens\[0\]\.lifetme: is not a token field/,
    ],
    [
        "an OIDC issuer with a password",
        "oidcIssuer: https://user:pw@id.example.com\noidcClientId: px",
        "config error",
        /^oidcIssuer: carries a user name or password/,
    ],
    [
        "an OIDC issuer with an empty user name and a password",
        "oidcIssuer: https://:pw@id.example.com\noidcClientId: px",
        "config error",
        /^oidcIssuer: carries/,
    ],
    [
        "no trust model",
        "namespace: portworx",
        "config error",
        /^selfSignedIssuer: neither a self-signed issuer \(selfSignedIssuer\) nor an OIDC issuer \(oidcIssuer\)/,
    ],
    [
        "a Stork option outside deployment mode",
        "selfSignedIssuer: a.b\nstorkNamespace: kube-system",
        "config error",
        /^storkNamespace: only applies when storkMode is "deployment"/,
    ],
    [
        "operator mode with a key pairing",
        "selfSignedIssuer: a.b\nsecurityMode: operator\nstorkKeyPairing: apps",
        "config error",
        /^storkKeyPairing: in securityMode "operator"/,
    ],
    ["operator mode with Pulumi.yaml's defaults", "selfSignedIssuer: a.b\nsecurityMode: operator", "passed"],
    [
        "adminToken yes",
        "selfSignedIssuer: a.b\nadminToken: yes",
        "config error",
        /^adminToken: is "yes"; it must be auto, true or false/,
    ],
    [
        "a key Secret named like the admin token's",
        "selfSignedIssuer: a.b\nsecretName: px-token-admin",
        "config error",
        /^adminToken: would write Secret portworx\/px-token-admin .*\(set by secretName\)/,
    ],
    [
        "a renewal window too short for a token, in percent",
        "selfSignedIssuer: a.b\ntokenRenewBeforePercent: 1\ntokens:\n    - name: ci\n      roles: [system.view]\n      lifetime: 3h",
        "config error",
        /^tokens\[0\]\.lifetime: leaves 108s to renew in \(renewal starts when 1% of it is left, per tokenRenewBeforePercent\)/,
    ],
    [
        "preflight refuses: Stork deployment mode where the operator runs Stork",
        "selfSignedIssuer: a.b\nstorkMode: deployment",
        "refused",
    ],
    ["an OIDC-only stack", "oidcIssuer: https://id.example.com\noidcClientId: px\nusernameClaim: email", "passed"],
    [
        "tenants, two StorageClasses and a VolumeSnapshotClass",
        [
            "selfSignedIssuer: a.b",
            "tenants:",
            "    - namespace: team-a",
            "    - namespace: team-b",
            "      roles: [system.view]",
            "      lifetime: 180d",
            "      name: billing",
            "storageClasses:",
            "    - name: px-tenant",
            '      parameters: { repl: "3", io_profile: db_remote }',
            "      isDefault: true",
            "    - name: px-tenant-retain",
            "      reclaimPolicy: Retain",
            "volumeSnapshotClass:",
            "    name: px-tenant-snapshots",
        ].join("\n"),
        "passed",
    ],
    [
        "tenants and classes in operator mode",
        [
            "selfSignedIssuer: a.b",
            "securityMode: operator",
            "tenants:",
            "    - namespace: team-a",
            "storageClasses:",
            "    - name: px-tenant",
            "      volumeBindingMode: WaitForFirstConsumer",
            "volumeSnapshotClass:",
            "    name: px-tenant-snapshots",
            "    deletionPolicy: Retain",
        ].join("\n"),
        "passed",
    ],
    [
        "a tenant namespace that is not a Kubernetes name",
        "selfSignedIssuer: a.b\ntenants:\n    - namespace: Team_A",
        "config error",
        /^tenants\[0\]\.namespace: is not a valid Kubernetes name/,
    ],
    [
        "a tenant namespace the operator owns px-user-token in",
        "selfSignedIssuer: a.b\nsecurityMode: operator\ntenants:\n    - namespace: portworx",
        "config error",
        /^tenants\[0\]\.namespace: would write Secret portworx\/px-user-token/,
    ],
    [
        "tenants with no self-signed key, named by config key",
        "oidcIssuer: https://id.example.com\noidcClientId: px\ntenants:\n    - namespace: team-a",
        "config error",
        /^tenants: no self-signed key can sign .*Fix: set selfSignedIssuer .* or rsaPrivateKey, or remove tenants/,
    ],
    [
        "a tenant's renewal window too short, in percent",
        "selfSignedIssuer: a.b\ntokenRenewBeforePercent: 1\ntenants:\n    - namespace: team-a\n      lifetime: 3h",
        "config error",
        /^tenants\[0\]\.lifetime: leaves 108s to renew in .*per tokenRenewBeforePercent/,
    ],
    [
        "a StorageClass parameter stored as a number",
        "selfSignedIssuer: a.b\nstorageClasses:\n    - name: px-tenant\n      parameters: { repl: 3 }",
        "config error",
        /^storageClasses\[0\]\.parameters\["repl"\]: must be a string.*--type string/,
    ],
    [
        "a StorageClass parameter overriding a secret parameter",
        'selfSignedIssuer: a.b\nstorageClasses:\n    - name: c\n      parameters: { "csi.storage.k8s.io/node-publish-secret-namespace": portworx }',
        "config error",
        /^storageClasses\[0\]\.parameters\["csi\.storage\.k8s\.io\/node-publish-secret-namespace"\]: would override/,
    ],
    [
        "a VolumeSnapshotClass given as a plain string",
        "selfSignedIssuer: a.b\nvolumeSnapshotClass: px-snap",
        "config error",
        /^volumeSnapshotClass: is "px-snap" not structured.*pulumi config set --path 'volumeSnapshotClass\.name'/,
    ],
    ["a typo'd tenants key", "selfSignedIssuer: a.b\ntenant: []", "config error", /^tenant: .*did you mean tenants\?/],
];

describe("the plan and the program agree on every stack file of the corpus", () => {
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    test(`at least 30 cases (${CORPUS.length})`, () => assert.ok(CORPUS.length >= 30));
    for (const [title, lines, verdict, names] of CORPUS) {
        test(title, async () => {
            const config = pulumiConfig(project, stack(lines), { project: "Pulumi.yaml", stack: "corpus" });
            const plan = await viaPlan(config);
            const program = await viaProgram(config);
            assert.equal(plan.verdict, verdict, plan.message);
            assert.equal(program.verdict, verdict, program.messages.join("\n"));
            if (verdict === "passed") {
                assert.deepEqual(program.spec, plan.spec);
                assert.deepEqual(program.tenancy, plan.tenancy);
                // Not vacuous: a stack that asks for tenants or classes gets them.
                assert.equal(plan.tenancy?.tenantSecrets.length !== 0, /^tenants:/m.test(lines));
                assert.equal(plan.tenancy?.classes.length !== 0, /^(storageClasses|volumeSnapshotClass):/m.test(lines));
            }
            if (names) {
                assert.match(plan.message ?? "", names);
                assert.ok(
                    program.messages.some((m) => names.test(m)),
                    program.messages.join("\n"),
                );
            }
            for (const m of [plan.message ?? "", ...program.messages]) {
                assert.doesNotMatch(m, /\n\s+at /, "no stack trace");
                assert.doesNotMatch(m, /BEGIN PRIVATE KEY|tooshort|:pw@/, "no secret in a message");
            }
        });
    }
});

test("the program refuses bad config with a RunError (reported without a stack trace)", async () => {
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const config = pulumiConfig(project, stack("selfSignedIsuer: a.b"), { project: "Pulumi.yaml", stack: "t" });
    const values = Object.fromEntries(Object.entries(config.values).map(([k, v]) => [k.replace(":", ":config:"), v]));
    const run = await runScenario({ preview: false, live: sampleLive() }, () => {
        pulumi.runtime.setAllConfig(values, []);
        const program = require.resolve("../index");
        delete require.cache[program];
        // The program runs at load, as `pulumi up` runs it: load it afresh.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(program) as unknown;
    });
    assert.equal(run.rejections.length, 1);
    assert.ok(pulumi.RunError.isInstance(run.rejections[0]));
    assert.equal(run.recorded.length, 0, "nothing registered");
});
