// Tokens minted by the component: stored, secret, verifiable against what it configured, and
// stable across runs until a window ends, the claims change, or the key rotates.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as jose from "jose";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { find, runScenario, sampleLive, unwrapSecrets, value, type Recorded } from "./harness";

const NOW = Date.UTC(2026, 10, 29) / 1000;
const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
    tokens: [{ name: "ci", roles: ["system.view"], lifetime: "90d", namespace: "ci" }],
};

async function run(args: PortworxAuthArgs, preview = false, now = NOW) {
    let c: PortworxAuth | undefined;
    const s = await runScenario({ preview, live: sampleLive() }, () => (c = new PortworxAuth("px", args, { now })));
    return { ...s, c: c as PortworxAuth };
}
const stored = (r: Recorded[], name: string) =>
    Buffer.from(
        (unwrapSecrets(find(r, ":SecretPatch", name).inputs.data) as Record<string, string>)["auth-token"],
        "base64",
    ).toString();
const sharedOf = (r: Recorded[]) =>
    Buffer.from(
        (unwrapSecrets(find(r, ":SecretPatch", "px-keys").inputs.data) as Record<string, string>)["shared-secret"],
        "base64",
    ).toString();

describe("tokens minted by the component", () => {
    test("each in its own Secret under auth-token, skipped by backups, verifiable with the configured key", async () => {
        const { recorded, rejections, c } = await run(BASE);
        assert.deepEqual(rejections, []);
        const ci = find(recorded, ":SecretPatch", "px-token-ci").inputs.metadata as {
            name: string;
            namespace: string;
            annotations: Record<string, string>;
        };
        assert.deepEqual([ci.name, ci.namespace], ["px-token-ci", "ci"]);
        assert.equal(ci.annotations["stork.libopenstorage.org/skip-resource"], "true");
        const tokens = (await value(c.tokens)) as Record<string, string>;
        assert.deepEqual(Object.keys(tokens).sort(), ["admin", "ci"]);
        assert.equal(await pulumi.isSecret(c.tokens), true);
        assert.equal(await pulumi.isSecret(c.adminToken), true);
        assert.equal(await value(c.adminToken), tokens.admin);
        assert.equal(stored(recorded, "px-token-ci"), tokens.ci);
        const { payload } = await jose.jwtVerify(tokens.admin, new TextEncoder().encode(sharedOf(recorded)), {
            issuer: "px.example.com",
            currentDate: new Date(NOW * 1000),
        });
        assert.deepEqual(payload.roles, ["system.admin"]);
        assert.deepEqual(payload.groups, ["*"]);
        assert.equal(payload.sub, "admin@px.example.com");
        assert.ok((payload.iat as number) <= NOW - 60, "iat is in the past, never the clock of the run");
    });

    test("unchanged inputs give the same token; near expiry, claims changed or key rotated, a new one", async () => {
        const first = await run(BASE);
        const a = (await value(first.c.tokens)) as Record<string, string>;
        const same = (await value((await run(BASE, false, NOW + 3600)).c.tokens)) as Record<string, string>;
        assert.deepEqual(same, a);
        // 90d lifetime, renewal when a quarter is left: the window is 67.5 days.
        const later = (await value((await run(BASE, false, NOW + 68 * 86400)).c.tokens)) as Record<string, string>;
        assert.notEqual(later.ci, a.ci);
        const claims = (await value(
            (await run({ ...BASE, tokens: [{ name: "ci", roles: ["system.user"], lifetime: "90d", namespace: "ci" }] }))
                .c.tokens,
        )) as Record<string, string>;
        assert.notEqual(claims.ci, a.ci);
        assert.equal(claims.admin, a.admin);
        const rotated = (await value((await run({ ...BASE, rotation: { sharedSecret: "2" } })).c.tokens)) as Record<
            string,
            string
        >;
        assert.notEqual(rotated.ci, a.ci);
        assert.notEqual(rotated.admin, a.admin);
    });

    test("RS256 with a private key that pairs with the configured public key; a mismatched pair is refused", async () => {
        const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        const pub = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
        const priv = (k: crypto.KeyObject) => pulumi.secret(k.export({ type: "pkcs8", format: "pem" }).toString());
        const ok = await run({
            ...BASE,
            selfSigned: { issuer: "px.example.com", rsaPublicKey: pub, rsaPrivateKey: priv(pair.privateKey) },
        });
        assert.deepEqual(ok.rejections, []);
        const token = ((await value(ok.c.tokens)) as Record<string, string>).ci;
        const { protectedHeader } = await jose.jwtVerify(token, await jose.importSPKI(pub, "RS256"), {
            issuer: "px.example.com",
            currentDate: new Date(NOW * 1000),
        });
        assert.equal(protectedHeader.alg, "RS256");
        const bad = await run({
            ...BASE,
            selfSigned: { issuer: "px.example.com", rsaPublicKey: pub, rsaPrivateKey: priv(other.privateKey) },
        });
        assert.match(bad.rejections[0]?.message ?? "", /^selfSigned\.rsaPrivateKey: /);
        assert.ok(!bad.recorded.some((r) => r.type.endsWith("Patch")));
        for (const e of bad.rejections) assert.ok(!e.message.includes("PRIVATE KEY"));
    });

    test("tokens without a self-signed signing key are refused, naming the field", async () => {
        const { rejections, recorded } = await run({
            ...BASE,
            selfSigned: undefined,
            oidc: { issuer: "https://id.example.com", clientId: "px" },
        });
        assert.match(rejections[0]?.message ?? "", /^tokens: no key here can sign tokens/);
        assert.deepEqual(
            recorded.map((r) => r.type),
            ["portworx-auth:index:PortworxAuth"],
        );
    });

    test("a preview with a generated key leaves tokens unknown and crashes nothing", async () => {
        const { rejections, c, recorded } = await run(BASE, true);
        assert.deepEqual(rejections, []);
        assert.equal(await value(c.tokens), undefined);
        assert.ok(recorded.some((r) => r.name === "px-token-ci"));
    });
});

describe("tokenTimes", () => {
    test("each minted token's issue, renewal and expiry times: not secret, no token text, and true to the token", async () => {
        const { c } = await run(BASE);
        assert.equal(await pulumi.isSecret(c.tokenTimes), false);
        const times = (await value(c.tokenTimes)) ?? [];
        const tokens = (await value(c.tokens)) as Record<string, string>;
        assert.deepEqual(
            times.map((t) => [t.name, t.namespace, t.secretName]),
            [
                ["admin", "portworx", "px-token-admin"],
                ["ci", "ci", "px-token-ci"],
            ],
        );
        const text = JSON.stringify(times);
        for (const token of Object.values(tokens)) assert.ok(!text.includes(token.split(".")[1]!));
        for (const t of times) {
            const claims = jose.decodeJwt(tokens[t.name]!);
            assert.equal(t.issuedAt, new Date(claims.iat! * 1000).toISOString().replace(".000Z", "Z"));
            assert.equal(t.expiresAt, new Date(claims.exp! * 1000).toISOString().replace(".000Z", "Z"));
        }
    });

    test("renewFrom is the first moment a run mints the successor", async () => {
        const first = await run(BASE);
        const ci = ((await value(first.c.tokenTimes)) ?? []).find((t) => t.name === "ci")!;
        const from = Date.parse(ci.renewFrom) / 1000;
        assert.ok(from > NOW && from < Date.parse(ci.expiresAt) / 1000);
        const tokenAt = async (now: number) =>
            ((await value((await run(BASE, false, now)).c.tokens)) as Record<string, string>).ci;
        const a = await tokenAt(NOW);
        assert.equal(await tokenAt(from - 1), a);
        const b = await tokenAt(from);
        assert.notEqual(b, a);
        const next = ((await value((await run(BASE, false, from)).c.tokenTimes)) ?? []).find((t) => t.name === "ci")!;
        assert.equal(jose.decodeJwt(b!).iat, Date.parse(next.issuedAt) / 1000);
    });
});
