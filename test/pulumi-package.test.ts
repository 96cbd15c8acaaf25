// The component as a Pulumi package for every language: the schema the pinned SDK infers from its
// types (offline, as the plugin host does for `pulumi package add`) matches schema.json, and the
// provider's `construct`, fed inputs as another language's SDK sends them, keeps secrets secret.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { getPulumiComponents, type ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as YAML from "yaml";
import * as lib from "../components";
import { componentProvider, diffJson, inferSchema, renderSchema, SCHEMA_FILE } from "../scripts/package-schema";
import { plainStrings, runScenario, sampleLive, SECRET_SIG, value } from "./harness";

// Exported by the provider server but not in its typings: how a Construct request's inputs are read.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeInputs } = require("@pulumi/pulumi/provider/server") as {
    deserializeInputs(
        inputs: { toJavaScript(): unknown },
        deps: Map<string, unknown>,
    ): Promise<Record<string, unknown>>;
};
const ROOT = path.resolve(__dirname, "..");
const TOKEN = "portworx-auth:index:PortworxAuth";
type Schema = {
    name: string;
    resources: Record<
        string,
        {
            inputProperties: Record<string, { description?: string; $ref?: string }>;
            requiredInputs: string[];
            properties: Record<string, { description?: string }>;
        }
    >;
    types: Record<
        string,
        { properties?: Record<string, { description?: string }>; enum?: { name: string; value: string }[] }
    >;
};

describe("the Pulumi package schema", { timeout: 180_000 }, () => {
    let provider: ComponentProvider;
    let schema: Schema;
    before(async () => {
        provider = componentProvider(ROOT);
        schema = (await inferSchema(provider)) as Schema;
    });

    test("the SDK's analyzer runs on the TypeScript in node_modules, not its bundled 3.8", () => {
        // @pulumi/pulumi's typescript-shim falls back to a vendored TypeScript 3.8 when this fails.
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require(require.resolve("typescript", { paths: [sdk] })) as { version: string };
        assert.match(ts.version, /^5\./);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const shim = require("@pulumi/pulumi/typescript-shim") as { version: string };
        assert.equal(shim.version, ts.version);
    });

    test(`matches ${SCHEMA_FILE} (npm run schema rewrites it)`, async () => {
        const committed = JSON.parse(fs.readFileSync(path.join(ROOT, SCHEMA_FILE), "utf8"));
        const changes = diffJson(committed, schema);
        assert.deepEqual(
            changes,
            [],
            `the public API changed (- committed, + inferred); if intended, run npm run schema:\n${changes.join("\n")}`,
        );
        assert.equal(await renderSchema(schema, ROOT), fs.readFileSync(path.join(ROOT, SCHEMA_FILE), "utf8"));
    });

    test("holds PortworxAuth with its inputs and outputs, and no test clock", () => {
        assert.equal(schema.name, "portworx-auth");
        const r = schema.resources[TOKEN];
        assert.ok(r, Object.keys(schema.resources).join(", "));
        for (const k of [
            "namespace",
            "storageClusterName",
            "selfSigned",
            "oidc",
            "tokens",
            "securityMode",
            "stork",
            "tenants",
            "storageClasses",
            "volumeSnapshotClass",
        ]) {
            assert.ok(r.inputProperties[k], `input ${k}`);
        }
        assert.deepEqual(r.requiredInputs, ["namespace", "storageClusterName"]);
        for (const k of ["secretName", "systemKey", "storkKey", "sharedSecret", "restarts", "notes", "tokenTimes"]) {
            assert.ok(r.properties[k], `output ${k}`);
        }
        assert.equal(r.inputProperties.now, undefined);
        assert.doesNotMatch(JSON.stringify(schema), /"now"/);
    });

    test("every description is text: no inline link rendered as [object Object], none missing", () => {
        const text = JSON.stringify(schema);
        assert.doesNotMatch(text, /object Object/);
        const r = schema.resources[TOKEN]!;
        const props = [
            ...Object.entries(r.inputProperties).map(([k, p]) => [`input ${k}`, p] as const),
            ...Object.entries(r.properties).map(([k, p]) => [`output ${k}`, p] as const),
            ...Object.entries(schema.types).flatMap(([t, d]) =>
                Object.entries(d.properties ?? {}).map(([k, p]) => [`${t}.${k}`, p] as const),
            ),
        ];
        const undocumented = props.filter(([, p]) => !p.description?.trim()).map(([n]) => n);
        assert.deepEqual(undocumented, []);
    });

    test("string choices are enums holding exactly the values the component accepts", () => {
        const expected: Record<string, Record<string, string>> = {
            UsernameClaim: lib.UsernameClaim,
            SecurityMode: lib.SecurityMode,
            GuestAccess: lib.GuestAccess,
            StorkMode: lib.StorkMode,
            StorkKeyPairing: lib.StorkKeyPairing,
            ReclaimPolicy: lib.ReclaimPolicy,
            VolumeBindingMode: lib.VolumeBindingMode,
        };
        const enums = Object.entries(schema.types).filter(([, t]) => t.enum);
        assert.deepEqual(enums.map(([k]) => k.split(":").pop()).sort(), Object.keys(expected).sort());
        for (const [k, t] of enums) {
            const want = expected[k.split(":").pop()!]!;
            assert.deepEqual(
                Object.fromEntries(t.enum!.map((m) => [m.name, m.value])),
                { ...want },
                `${k} members must be the TypeScript constants`,
            );
        }
        // TypeScript callers keep writing the plain strings.
        const args: lib.PortworxAuthArgs = {
            namespace: "portworx",
            storageClusterName: "px",
            selfSigned: { issuer: "px.example.com" },
            securityMode: "operator",
            usernameClaim: lib.UsernameClaim.Email,
            guestAccess: "Disabled",
            storageClasses: [
                { name: "px-tenant", reclaimPolicy: "Retain", volumeBindingMode: lib.VolumeBindingMode.Immediate },
            ],
        };
        assert.equal(lib.resolveSettings(args).securityMode, "operator");
    });

    test("a secret argument or output says so in its description, since the inferred schema cannot mark it", () => {
        const r = schema.resources[TOKEN]!;
        for (const k of ["systemKey", "storkKey", "sharedSecret", "tokens", "adminToken"]) {
            assert.match(r.properties[k]!.description ?? "", /\(secret\)/, `output ${k}`);
        }
        const selfSigned = schema.types["portworx-auth:index:SelfSignedArgs"]!.properties!;
        for (const k of ["sharedSecret", "rsaPrivateKey"]) {
            assert.match(selfSigned[k]!.description ?? "", /\(secret\)/, `selfSigned.${k}`);
        }
        assert.doesNotMatch(r.properties.tokenTimes!.description ?? "", /\(secret\)/);
    });

    test("the diff names each changed path", () => {
        const before = { resources: { a: { description: "x", inputs: { now: { type: "number" } } } } };
        const after = { resources: { a: { description: "y", inputs: {}, required: ["n"] } } };
        assert.deepEqual(diffJson(before, after), [
            '~ resources.a.description: "x" -> "y"',
            '- resources.a.inputs.now: {"type":"number"}',
            '+ resources.a.required: ["n"]',
        ]);
        assert.deepEqual(diffJson(schema, structuredClone(schema)), []);
    });

    test("the plugin: PulumiPlugin.yaml says nodejs, and the host finds PortworxAuth in package.json's main", () => {
        const plugin = YAML.parse(fs.readFileSync(path.join(ROOT, "PulumiPlugin.yaml"), "utf8"));
        assert.equal(plugin.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        // The host requires the directory, that is package.json's main, built from components/
        // by `prepare` when the Pulumi CLI runs npm install in a source plugin.
        assert.equal(pkg.main, "dist/components/index.js");
        assert.match(pkg.scripts.prepare, /npm run build/);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8")).include, [
            "components/**/*.ts",
        ]);
        assert.deepEqual(getPulumiComponents(lib), [lib.PortworxAuth]);
    });

    describe("construct, with inputs as another language's SDK sends them", () => {
        const SHARED = "s".repeat(40);
        const SIG = SECRET_SIG;
        const OUTPUT_VALUE = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
        const SECRET = "1b47061264138c4ac30d75fd1eb44270";
        const wire = (sharedSecret: unknown) => ({
            namespace: "portworx",
            storageClusterName: "px-cluster",
            selfSigned: { issuer: "px.example.com", sharedSecret },
            usernameClaim: "email",
            tokens: [{ name: "ci", roles: ["system.view"], lifetime: "90d" }],
        });
        // What the provider server does with a Construct request: deserialize, then construct.
        async function construct(inputs: Record<string, unknown>) {
            const deserialized = await deserializeInputs({ toJavaScript: () => inputs }, new Map());
            const scenario = await runScenario({ preview: false, live: sampleLive() }, () =>
                provider.construct("px", TOKEN, deserialized, {}),
            );
            const result = await (scenario.result as Promise<{ state: Record<string, pulumi.Output<unknown>> }>).then(
                (r) => ({ state: r.state, error: undefined }),
                (e: Error) => ({ state: undefined, error: e }),
            );
            return { ...scenario, ...result };
        }
        const leaks = (recorded: { inputs: unknown }[]) =>
            recorded.flatMap((r) =>
                plainStrings(r.inputs).filter(
                    ([, v]) => v.includes(SHARED) || v.includes(Buffer.from(SHARED).toString("base64")),
                ),
            );

        for (const [label, sharedSecret] of [
            [
                "a secret output value, as SDKs that keep output values send it",
                { [SIG]: OUTPUT_VALUE, value: SHARED, secret: true },
            ],
            ["a plain string: the component makes it secret", SHARED],
        ] as const) {
            test(`shared secret as ${label}: outputs secret, no child input carries it in plain`, async () => {
                const { state, error, rejections, recorded } = await construct(wire(sharedSecret));
                assert.equal(error, undefined);
                assert.deepEqual(rejections, []);
                assert.ok(state);
                for (const k of ["systemKey", "storkKey", "sharedSecret", "tokens", "adminToken"]) {
                    assert.equal(await pulumi.isSecret(state[k]!), true, k);
                }
                assert.equal(await value(state.sharedSecret!), SHARED);
                assert.equal(await pulumi.isSecret(state.tokenTimes!), false);
                const times = (await value(state.tokenTimes!)) as { name: string; expiresAt: string }[];
                assert.deepEqual(
                    times.map((t) => t.name),
                    ["admin", "ci"],
                );
                assert.deepEqual(leaks(recorded), []);
            });
        }

        test("a whole object sent as one secret is refused by name, before anything is written", async () => {
            const { error, recorded } = await construct(wire({ [SIG]: SECRET, value: SHARED }));
            assert.match(error?.message ?? "", /^selfSigned: is an Output or a Promise/);
            assert.ok(!(error?.message ?? "").includes(SHARED));
            assert.deepEqual(
                recorded.map((r) => r.type),
                [TOKEN],
            );
        });
    });
});
