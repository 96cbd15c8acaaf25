// Argument validation: every bad input is refused with the field named, before anything exists.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
    checkOidcIssuer,
    checkPublicKey,
    checkSelfSignedIssuer,
    checkSharedSecret,
    checkUsernameClaim,
    ConfigError,
    resolveSettings,
    type PortworxAuthArgs,
} from "../components/args";
import { argsFromConfig, configNames, type ConfigSource } from "../components/config";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};

function pem(type: "rsa" | "ec", opts: Record<string, unknown>) {
    const { publicKey, privateKey } = crypto.generateKeyPairSync(type as "rsa", opts as { modulusLength: number });
    return {
        publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
        privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
}

const RSA1024 = pem("rsa", { modulusLength: 1024 });
const RSA2048 = pem("rsa", { modulusLength: 2048 });
const EC256 = pem("ec", { namedCurve: "P-256" });
const SECP256K1 = pem("ec", { namedCurve: "secp256k1" });
const ED25519 = crypto.generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();

function refuses(args: unknown, field: string) {
    assert.throws(
        () => resolveSettings(args as PortworxAuthArgs),
        (e: unknown) =>
            e instanceof ConfigError &&
            e.field === field &&
            e.message.startsWith(`${field}: `) &&
            /Fix: /.test(e.message),
        `expected an error naming ${field}`,
    );
}

describe("invalid configurations are refused, naming the field", () => {
    const ss = (o: object) => ({ ...BASE, selfSigned: { issuer: "px.example.com", ...o } });
    const oidc = (o: object) => ({
        ...BASE,
        selfSigned: undefined,
        oidc: { issuer: "https://id.example.com", clientId: "px", ...o },
    });
    const table: [string, unknown, string][] = [
        ["no args", undefined, "args"],
        ["no namespace", { ...BASE, namespace: undefined }, "namespace"],
        ["upper-case namespace", { ...BASE, namespace: "Portworx" }, "namespace"],
        ["namespace too long", { ...BASE, namespace: "a".repeat(64) }, "namespace"],
        ["no StorageCluster name", { ...BASE, storageClusterName: "" }, "storageClusterName"],
        ["StorageCluster name with a slash", { ...BASE, storageClusterName: "portworx/px" }, "storageClusterName"],
        ["bad secret name", { ...BASE, secretName: "px_keys" }, "secretName"],
        ["bad public keys ConfigMap name", { ...BASE, publicKeysConfigMapName: "Keys" }, "publicKeysConfigMapName"],
        ["no trust model", { ...BASE, selfSigned: undefined }, "selfSigned.issuer"],
        ["empty self-signed issuer", ss({ issuer: "" }), "selfSigned.issuer"],
        ["self-signed issuer with a space", ss({ issuer: "px example" }), "selfSigned.issuer"],
        ["self-signed issuer as an https URL", ss({ issuer: "https://px.example.com" }), "selfSigned.issuer"],
        ["self-signed issuer as an http URL", ss({ issuer: "http://px.example.com" }), "selfSigned.issuer"],
        ["self-signed issuer taken by Stork", ss({ issuer: "stork.openstorage.io" }), "selfSigned.issuer"],
        ["self-signed issuer taken by the apps key", ss({ issuer: "apps.portworx.io" }), "selfSigned.issuer"],
        ["self-signed issuer not a string", ss({ issuer: 42 }), "selfSigned.issuer"],
        ["OIDC issuer not https", oidc({ issuer: "http://id.example.com" }), "oidc.issuer"],
        ["OIDC issuer not a URL", oidc({ issuer: "id.example.com" }), "oidc.issuer"],
        ["OIDC issuer with a query", oidc({ issuer: "https://id.example.com/?tenant=a" }), "oidc.issuer"],
        ["OIDC issuer with a fragment", oidc({ issuer: "https://id.example.com/#x" }), "oidc.issuer"],
        ["OIDC issuer with a space", oidc({ issuer: "https://id.example.com/a b" }), "oidc.issuer"],
        ["OIDC issuer missing", oidc({ issuer: undefined }), "oidc.issuer"],
        ["OIDC client id missing", oidc({ clientId: undefined }), "oidc.clientId"],
        ["OIDC client id empty", oidc({ clientId: "" }), "oidc.clientId"],
        ["OIDC client id with whitespace", oidc({ clientId: "px\n" }), "oidc.clientId"],
        ["OIDC claim namespace empty", oidc({ customClaimNamespace: "" }), "oidc.customClaimNamespace"],
        ["OIDC claim namespace with a space", oidc({ customClaimNamespace: "a b" }), "oidc.customClaimNamespace"],
        ["OIDC client id with a control character", oidc({ clientId: "px\u0007" }), "oidc.clientId"],
        ["OIDC client id with an escape sequence", oidc({ clientId: "px\u001b[2J" }), "oidc.clientId"],
        ["OIDC client id of 256 characters", oidc({ clientId: "p".repeat(256) }), "oidc.clientId"],
        ["OIDC client id of a megabyte", oidc({ clientId: "p".repeat(1 << 20) }), "oidc.clientId"],
        ["OIDC claim namespace with NUL", oidc({ customClaimNamespace: "px\u0000" }), "oidc.customClaimNamespace"],
        ["OIDC claim namespace with DEL", oidc({ customClaimNamespace: "px\u007f" }), "oidc.customClaimNamespace"],
        [
            "OIDC claim namespace of 1025 characters",
            oidc({ customClaimNamespace: "n".repeat(1025) }),
            "oidc.customClaimNamespace",
        ],
        ["unknown username claim", { ...BASE, usernameClaim: "uid" }, "usernameClaim"],
        ["username claim in upper case", { ...BASE, usernameClaim: "SUB" }, "usernameClaim"],
        ["unknown Stork mode", { ...BASE, stork: { mode: "helm" } }, "stork.mode"],
        [
            "Stork namespace outside deployment mode",
            { ...BASE, stork: { namespace: "kube-system" } },
            "stork.namespace",
        ],
        ["bad Stork namespace", { ...BASE, stork: { mode: "deployment", namespace: "Kube" } }, "stork.namespace"],
        [
            "bad Stork container name",
            { ...BASE, stork: { mode: "deployment", containerName: "St" } },
            "stork.containerName",
        ],
        ["unknown key pairing", { ...BASE, storkKeyPairing: "system" }, "storkKeyPairing"],
        ["unknown security mode", { ...BASE, securityMode: "both" }, "securityMode"],
        ["enabled as a string", { ...BASE, enabled: "yes" }, "enabled"],
        ["rotation version with a space", { ...BASE, rotation: { systemKey: "v 2" } }, "rotation.systemKey"],
        ["rotation version empty", { ...BASE, rotation: { storkKey: "" } }, "rotation.storkKey"],
    ];
    test(`at least 25 cases (${table.length})`, () => assert.ok(table.length >= 25));
    for (const [title, args, field] of table) test(title, () => refuses(args, field));
});

describe("OIDC client id and claim namespace", () => {
    test("are accepted up to their bounds", () => {
        const oidc = {
            issuer: "https://id.example.com",
            clientId: "p".repeat(255),
            customClaimNamespace: "n".repeat(1024),
        };
        const s = resolveSettings({ ...BASE, selfSigned: undefined, oidc });
        assert.equal(s.oidc?.clientId.length, 255);
        assert.equal(s.oidc?.customClaimNamespace?.length, 1024);
    });
    test("from stack config, the error names the config key and the fix, and never echoes the value", () => {
        const config: Record<string, string> = {
            namespace: "portworx",
            storageClusterName: "px-cluster",
            oidcIssuer: "https://id.example.com",
            oidcClientId: "sentinel\u001b[2J",
        };
        const source: ConfigSource = {
            keys: () => Object.keys(config),
            get: (k) => config[k],
            getSecret: () => undefined,
            readFile: () => "",
        };
        const refusal = () => {
            try {
                resolveSettings(argsFromConfig(source));
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                return e.describe(configNames);
            }
            assert.fail("not refused");
        };
        assert.match(refusal(), /^oidcClientId: contains control characters\. Fix: remove them from the client id/);
        assert.doesNotMatch(refusal(), /sentinel/);
        config.oidcClientId = "px";
        config.oidcCustomClaimNamespace = "n".repeat(2000);
        assert.match(
            refusal(),
            /^oidcCustomClaimNamespace: is 2000 characters long; at most 1024 are allowed\. Fix: set the claim namespace/,
        );
    });
});

describe("valid configurations", () => {
    test("defaults", () => {
        const s = resolveSettings(BASE);
        assert.equal(s.secretName, "pxkeys");
        assert.equal(s.usernameClaim, "sub");
        assert.equal(s.storkKeyPairing, "stork");
        assert.deepEqual(s.stork, {
            mode: "operator",
            deploymentName: "stork",
            namespace: "portworx",
            containerName: "stork",
        });
        assert.equal(s.selfSigned?.sharedSecret, "generated");
        assert.equal(s.enabled, true);
    });
    test("a shared secret is generated only when no key of any kind is given", () => {
        assert.equal(
            resolveSettings({ ...BASE, selfSigned: { issuer: "a.b", rsaPublicKey: "x" } }).selfSigned?.sharedSecret,
            "none",
        );
        assert.equal(
            resolveSettings({ ...BASE, selfSigned: { issuer: "a.b", ecdsaPublicKey: "x" } }).selfSigned?.sharedSecret,
            "none",
        );
        assert.equal(
            resolveSettings({ ...BASE, selfSigned: { issuer: "a.b", sharedSecret: "x", rsaPublicKey: "x" } }).selfSigned
                ?.sharedSecret,
            "supplied",
        );
    });
    test("OIDC alone, and both models at once", () => {
        const oidc = { issuer: "https://id.example.com/realms/px", clientId: "portworx", customClaimNamespace: "px" };
        assert.deepEqual(resolveSettings({ ...BASE, selfSigned: undefined, oidc }).oidc, oidc);
        const both = resolveSettings({ ...BASE, oidc });
        assert.ok(both.selfSigned && both.oidc);
    });
});

describe("property: issuers and claims", () => {
    const host = fc.domain();
    test("every plain host name is a valid self-signed issuer unless Stork uses it", () => {
        fc.assert(
            fc.property(host, (h) => {
                if (h === "stork.openstorage.io" || h === "apps.portworx.io") return;
                assert.equal(checkSelfSignedIssuer(h), h);
            }),
        );
    });
    test("no URL is a valid self-signed issuer, and every https URL without query or fragment is a valid OIDC issuer", () => {
        fc.assert(
            fc.property(
                fc.webUrl({ validSchemes: ["https"], withQueryParameters: false, withFragments: false }),
                (u) => {
                    assert.throws(() => checkSelfSignedIssuer(u), ConfigError);
                    if (/\s/.test(u)) return;
                    assert.equal(checkOidcIssuer(u), u);
                },
            ),
        );
    });
    test("URLs with a query or fragment are never OIDC issuers", () => {
        fc.assert(
            fc.property(
                fc.webUrl({ validSchemes: ["https"] }),
                fc.constantFrom("?", "#"),
                fc.string({ minLength: 1 }),
                (u, sep, rest) => {
                    assert.throws(() => checkOidcIssuer(`${u}${sep}${rest}`), ConfigError);
                },
            ),
        );
    });
    test("any string with whitespace is refused as an issuer", () => {
        fc.assert(
            fc.property(fc.string(), fc.constantFrom(" ", "\t", "\n"), fc.string(), (a, ws, b) => {
                assert.throws(() => checkSelfSignedIssuer(`${a}${ws}${b}`), ConfigError);
                assert.throws(() => checkOidcIssuer(`https://x.example.com/${a}${ws}${b}`), ConfigError);
            }),
        );
    });
    test("only sub, email and name are username claims", () => {
        fc.assert(
            fc.property(fc.string(), (c) => {
                if (["sub", "email", "name"].includes(c)) assert.equal(checkUsernameClaim(c), c);
                else {
                    assert.throws(
                        () => checkUsernameClaim(c),
                        (e: unknown) => (e as ConfigError).field === "usernameClaim",
                    );
                }
            }),
        );
    });
});

describe("supplied values, checked once known", () => {
    test("shared secrets shorter than 32 bytes are refused without echoing them", () => {
        const sentinel = "short-sentinel-value";
        assert.throws(
            () => checkSharedSecret(sentinel),
            (e: unknown) =>
                e instanceof ConfigError && e.field === "selfSigned.sharedSecret" && !e.message.includes(sentinel),
        );
        assert.throws(() => checkSharedSecret(`${"k".repeat(40)}\n`), /line break/);
        checkSharedSecret("k".repeat(32));
    });

    for (const bits of [2048, 3072, 4096]) {
        test(`an RSA ${bits} public key is accepted`, async () => {
            const k = bits === 2048 ? RSA2048 : pem("rsa", { modulusLength: bits });
            assert.equal(await checkPublicKey(k.publicPem, "rsa", "selfSigned.rsaPublicKey"), "RS256");
        });
    }
    for (const [curve, alg] of [
        ["P-256", "ES256"],
        ["P-384", "ES384"],
        ["P-521", "ES512"],
    ] as const) {
        test(`an EC ${curve} public key is accepted`, async () => {
            const k = curve === "P-256" ? EC256 : pem("ec", { namedCurve: curve });
            assert.equal(await checkPublicKey(k.publicPem, "ecdsa", "selfSigned.ecdsaPublicKey"), alg);
        });
    }

    const bad: [string, () => string, "rsa" | "ecdsa", RegExp][] = [
        ["an RSA private key", () => RSA2048.privatePem, "rsa", /private key.*public half/],
        ["an EC private key", () => EC256.privatePem, "ecdsa", /private key/],
        ["a 1024-bit RSA key", () => RSA1024.publicPem, "rsa", /1024-bit/],
        ["an EC key in the RSA field", () => EC256.publicPem, "rsa", /not an RSA key.*ecdsaPublicKey/],
        ["an RSA key in the EC field", () => RSA2048.publicPem, "ecdsa", /not an EC key.*rsaPublicKey/],
        ["a secp256k1 key", () => SECP256K1.publicPem, "ecdsa", /curve/],
        ["an Ed25519 key", () => ED25519, "ecdsa", /not an EC key/],
        [
            "garbage",
            () => "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n",
            "rsa",
            /could not be parsed/,
        ],
        ["an empty PEM", () => " ", "rsa", /is empty/],
        [
            "a PKCS#1 RSA PUBLIC KEY block",
            () => "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----",
            "rsa",
            /SPKI/,
        ],
    ];
    for (const [title, get, kind, reason] of bad) {
        test(`${title} is refused without echoing it`, async () => {
            const field = kind === "rsa" ? "selfSigned.rsaPublicKey" : "selfSigned.ecdsaPublicKey";
            const text = get();
            await assert.rejects(checkPublicKey(text, kind, field), (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.equal(e.field, field);
                assert.match(e.message, reason);
                const body = text.split("\n").find((l) => l.length > 20 && !l.startsWith("-----"));
                if (body) assert.ok(!e.message.includes(body), "key material in the message");
                return true;
            });
        });
    }
});

test("every argument of PortworxAuth is documented with an @example", () => {
    const src = fs.readFileSync(path.join(__dirname, "..", "components", "args.ts"), "utf8");
    const body = src.slice(
        src.indexOf("export interface PortworxAuthArgs {"),
        src.indexOf("\n}\n", src.indexOf("export interface PortworxAuthArgs {")),
    );
    const fields = [...body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*([a-zA-Z]+)\??:/g)];
    assert.ok(fields.length >= 20, `found ${fields.length} documented fields`);
    const declared = [...body.matchAll(/^ {4}([a-zA-Z]+)\??:/gm)].map((m) => m[1]);
    assert.deepEqual(
        fields.map((m) => m[2]),
        declared,
        "every field carries a doc comment",
    );
    for (const [, doc, name] of fields) assert.match(doc, /@example/, name);
});
