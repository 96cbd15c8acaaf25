// One registry of every object this project writes: no two writes on one object.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import { ConfigError, resolveSettings, type PortworxAuthArgs } from "../components/args";
import { writes } from "../components/writes";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};
const OPERATOR: PortworxAuthArgs = { ...BASE, securityMode: "operator" };

function refusedAt(args: PortworxAuthArgs, field: string): ConfigError {
    try {
        resolveSettings(args);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(e.field, field, e.message);
        assert.match(e.message, /two writes to one object/);
        assert.match(e.message, /Fix: /);
        return e;
    }
    assert.fail(`expected a refusal at ${field}`);
}

describe("two writes on one object are refused, naming what the user set", () => {
    const cases: [string, PortworxAuthArgs, string][] = [
        [
            "a token in px-system-secrets",
            { ...BASE, tokens: [{ name: "a", roles: ["r"], secretName: "px-system-secrets" }] },
            "tokens[0].secretName",
        ],
        [
            "a token in the shared secret's Secret",
            { ...BASE, tokens: [{ name: "a", roles: ["r"], secretName: "pxkeys" }] },
            "tokens[0].secretName",
        ],
        [
            "two tokens, one Secret (the default name of the second)",
            {
                ...BASE,
                tokens: [
                    { name: "a", roles: ["r"], secretName: "px-token-b" },
                    { name: "b", roles: ["r"] },
                ],
            },
            "tokens[1].name",
        ],
        ["secretName px-system-secrets in env mode", { ...BASE, secretName: "px-system-secrets" }, "secretName"],
        [
            "secretName px-system-secrets in operator mode",
            { ...OPERATOR, secretName: "px-system-secrets" },
            "secretName",
        ],
        [
            "px-admin-token for a token in operator mode (the operator owns it)",
            { ...OPERATOR, tokens: [{ name: "a", roles: ["r"], secretName: "px-admin-token" }] },
            "tokens[0].secretName",
        ],
        [
            "px-user-token for a token in operator mode (the operator owns it)",
            { ...OPERATOR, tokens: [{ name: "a", roles: ["r"], secretName: "px-user-token" }] },
            "tokens[0].secretName",
        ],
        [
            "px-admin-token for a token while the admin token is copied there",
            { ...BASE, tokens: [{ name: "a", roles: ["r"], secretName: "px-admin-token" }] },
            "adminToken",
        ],
        [
            "the Stork key's copy over a token in Stork's namespace",
            {
                ...BASE,
                stork: { mode: "deployment", namespace: "kube-system" },
                tokens: [{ name: "a", roles: ["r"], secretName: "pxkeys", namespace: "kube-system" }],
            },
            "tokens[0].secretName",
        ],
    ];
    for (const [what, args, field] of cases) test(`${what}: ${field}`, () => void refusedAt(args, field));

    test("names free elsewhere are accepted", () => {
        for (const args of [
            { ...BASE, adminToken: false, tokens: [{ name: "a", roles: ["r"], secretName: "px-admin-token" }] },
            { ...BASE, tokens: [{ name: "a", roles: ["r"], secretName: "px-user-token" }] },
            { ...OPERATOR, tokens: [{ name: "a", roles: ["r"], secretName: "px-admin-token", namespace: "apps" }] },
            { ...BASE, tokens: [{ name: "a", roles: ["r"], secretName: "pxkeys", namespace: "apps" }] },
        ] as PortworxAuthArgs[]) {
            assert.doesNotThrow(() => resolveSettings(args), JSON.stringify(args.tokens));
        }
    });

    test("the registry lists every key Secret, token Secret and ConfigMap, each once", () => {
        const s = resolveSettings({
            ...BASE,
            selfSigned: {
                issuer: "px.example.com",
                sharedSecret: "s".repeat(40),
                rsaPublicKey: crypto
                    .generateKeyPairSync("rsa", { modulusLength: 2048 })
                    .publicKey.export({ type: "spki", format: "pem" })
                    .toString(),
            },
            stork: { mode: "deployment", namespace: "kube-system" },
            tokens: [{ name: "ci", roles: ["system.view"] }],
        });
        assert.deepEqual(
            writes(s).map((w) => `${w.kind} ${w.namespace}/${w.name}`),
            [
                "Secret portworx/px-system-secrets",
                "Secret portworx/pxkeys",
                "Secret kube-system/pxkeys",
                "Secret portworx/px-token-admin",
                "Secret portworx/px-token-ci",
                "Secret portworx/px-admin-token",
                "ConfigMap portworx/px-auth-public-keys",
            ],
        );
    });
});
