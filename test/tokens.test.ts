// The token core: lifetimes, token arguments, claims, the stable issue time, signing with real keys
// (checked by jose and, independently, by node:crypto alone) and verification reasons.
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { before, describe, test } from "node:test";
import fc from "fast-check";
import * as jose from "jose";
import { ConfigError } from "../components/args";
import {
    checkKeyPair,
    CLOCK_SKEW_SECONDS,
    DEFAULT_EPOCH,
    issueTime,
    mintToken,
    parseLifetime,
    privateKeyAlg,
    resolveTokens,
    signingKeyFor,
    signToken,
    tokenClaims,
    verifyToken,
    type ResolvedToken,
    type SigningKey,
    type TokenArgs,
    type TokenContext,
} from "../components/tokens";

const ISSUER = "px.example.com";
/** A sentinel: no message may ever contain it. 46 bytes, so long enough to sign with. */
const SECRET = "SENTINEL-shared-secret-7f3a9c2e-never-print-me";
const OTHER_SECRET = "another-shared-secret-of-more-than-32-bytes!!";
const NOW = DEFAULT_EPOCH + 200 * 86400 + 12345;
const CTX: TokenContext = { issuer: ISSUER, usernameClaim: "sub", namespace: "portworx", adminToken: true };

function pair(type: "rsa" | "ec", opt: { modulusLength?: number; namedCurve?: string }) {
    const { privateKey, publicKey } =
        type === "rsa"
            ? crypto.generateKeyPairSync("rsa", { modulusLength: opt.modulusLength ?? 2048 })
            : crypto.generateKeyPairSync("ec", { namedCurve: opt.namedCurve as string });
    return {
        privateKey,
        publicKey,
        privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
}

const RSA = pair("rsa", {});
const RSA2 = pair("rsa", {});
const P256 = pair("ec", { namedCurve: "P-256" });
const P384 = pair("ec", { namedCurve: "P-384" });
const P521 = pair("ec", { namedCurve: "P-521" });
/** The same RSA key in PKCS#1 and the P-256 key in SEC1, as openssl genrsa/ecparam write them. */
const RSA_PKCS1 = RSA.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const P256_SEC1 = P256.privateKey.export({ type: "sec1", format: "pem" }).toString();

/** Base64 chunks of PEM bodies: if a message contains one, it leaked key material. */
const KEY_CHUNKS = [RSA, P256, P384, P521].flatMap((k) => [k.privatePem.split("\n")[2], k.publicPem.split("\n")[2]]);

function assertNoKeyMaterial(text: string): void {
    assert.ok(!text.includes(SECRET), `message leaks the shared secret: ${text}`);
    for (const chunk of KEY_CHUNKS) assert.ok(!text.includes(chunk), `message leaks PEM text: ${text}`);
}

function configError(fn: () => unknown, field: string | RegExp): ConfigError {
    let caught: unknown;
    try {
        fn();
    } catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
    if (typeof field === "string") assert.equal(caught.field, field, caught.message);
    else assert.match(caught.field, field, caught.message);
    assertNoKeyMaterial(caught.message);
    return caught;
}

async function configErrorAsync(fn: () => Promise<unknown>, field: string): Promise<ConfigError> {
    const e = await fn().then(
        () => undefined,
        (err: unknown) => err,
    );
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.field, field, e.message);
    assertNoKeyMaterial(e.message);
    return e;
}

const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };

/**
 * Verifies a compact JWS with node:crypto only, and returns its parsed claims. Independent of
 * jose: splits the token, recomputes the HMAC or checks the RSA/ECDSA signature (raw r||s).
 */
function nodeVerify(token: string, key: { secret: string } | { publicKey: crypto.KeyObject }): Record<string, unknown> {
    const parts = token.split(".");
    assert.equal(parts.length, 3);
    const [h, p, s] = parts;
    for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, "base64url without padding");
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg: string; typ: string };
    assert.deepEqual(Object.keys(header), ["alg", "typ"]);
    assert.equal(header.typ, "JWT");
    const hash = HASH[header.alg.slice(2)];
    const data = Buffer.from(`${h}.${p}`, "ascii");
    const sig = Buffer.from(s, "base64url");
    if (header.alg.startsWith("HS")) {
        assert.ok("secret" in key);
        const expected = crypto.createHmac(hash, key.secret).update(data).digest();
        assert.ok(sig.length === expected.length && crypto.timingSafeEqual(sig, expected), "HMAC mismatch");
    } else if (header.alg.startsWith("RS")) {
        assert.ok("publicKey" in key);
        assert.ok(crypto.verify(hash, data, key.publicKey, sig), "RSA signature does not verify");
    } else {
        assert.ok("publicKey" in key);
        const size = { "256": 64, "384": 96, "512": 132 }[header.alg.slice(2)];
        assert.equal(sig.length, size, "ES signature is raw r||s");
        assert.ok(
            crypto.verify(hash, data, { key: key.publicKey, dsaEncoding: "ieee-p1363" }, sig),
            "ECDSA signature does not verify",
        );
    }
    return JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** Every claim Portworx requires (facts §5), with the types its claim struct has. */
function assertPortworxClaims(c: Record<string, unknown>): void {
    for (const k of ["iss", "sub", "name", "email"]) assert.equal(typeof c[k], "string", k);
    for (const k of ["iat", "exp"]) assert.ok(Number.isSafeInteger(c[k]), `${k} is an integer`);
    assert.ok(Array.isArray(c.roles) && c.roles.every((r) => typeof r === "string"), "roles");
    if (c.groups !== undefined) assert.ok(Array.isArray(c.groups), "groups");
    assert.ok((c.exp as number) > (c.iat as number));
    assert.notEqual(c.sub, "");
}

function resolved(over: Partial<TokenArgs> = {}): ResolvedToken {
    return resolveTokens([{ name: "ci", roles: ["system.view"], lifetime: "90d", ...over }], {
        ...CTX,
        adminToken: false,
    })[0];
}

describe("parseLifetime", () => {
    const valid: [string, number][] = [
        ["1s", 1],
        ["90s", 90],
        ["15m", 900],
        ["1h", 3600],
        ["24h", 86400],
        ["7d", 604800],
        ["1y", 31536000],
        ["100y", 3153600000],
        ["0090m", 5400],
    ];
    for (const [text, seconds] of valid) {
        test(`${text} is ${seconds}s`, () => assert.equal(parseLifetime(text, "f"), seconds));
    }
    const invalid = ["", "1", "h", "1.5h", "-1h", "+1h", "1H", "1w", "1h30m", " 1h", "1h ", "0s", "0y", "101y"];
    for (const text of invalid) {
        test(`${JSON.stringify(text)} is refused, naming the field`, () => {
            configError(() => parseLifetime(text, "tokens[3].lifetime"), "tokens[3].lifetime");
        });
    }
    test("a non-string is refused", () => {
        configError(() => parseLifetime(3600 as unknown as string, "x"), "x");
    });
});

describe("resolveTokens", () => {
    test("adds the admin token first, with the operator's defaults", () => {
        const [admin, ci] = resolveTokens([{ name: "ci", roles: ["system.view"] }], CTX);
        assert.deepEqual(admin, {
            name: "admin",
            roles: ["system.admin"],
            groups: ["*"],
            email: "admin@px.example.com",
            subject: "admin@px.example.com",
            lifetime: "1y",
            lifetimeSeconds: 31536000,
            secretName: "px-token-admin",
            namespace: "portworx",
            field: "adminToken",
        });
        assert.deepEqual(ci, {
            name: "ci",
            roles: ["system.view"],
            email: "ci@px.example.com",
            subject: "ci@px.example.com",
            lifetime: "1y",
            lifetimeSeconds: 31536000,
            secretName: "px-token-ci",
            namespace: "portworx",
            field: "tokens[0].name",
        });
    });

    test("no tokens and the admin token on: just the admin token", () => {
        assert.deepEqual(
            resolveTokens(undefined, CTX).map((t) => t.name),
            ["admin"],
        );
    });

    test("admin token off: only the given tokens", () => {
        assert.deepEqual(resolveTokens(undefined, { ...CTX, adminToken: false }), []);
        assert.deepEqual(
            resolveTokens([{ name: "ci", roles: ["r"] }], { ...CTX, adminToken: false }).map((t) => t.name),
            ["ci"],
        );
    });

    test("a token named admin replaces the default one", () => {
        const ts = resolveTokens([{ name: "admin", roles: ["system.view"], lifetime: "30d" }], CTX);
        assert.equal(ts.length, 1);
        assert.deepEqual(ts[0].roles, ["system.view"]);
        assert.equal(ts[0].groups, undefined);
        assert.equal(ts[0].lifetime, "30d");
    });

    test("given values win over the defaults", () => {
        const t = resolved({
            email: "ci@example.org",
            subject: "ci-bot",
            groups: [],
            secretName: "ci.token",
            namespace: "apps",
        });
        assert.equal(t.email, "ci@example.org");
        assert.equal(t.subject, "ci-bot");
        assert.deepEqual(t.groups, []);
        assert.equal(t.secretName, "ci.token");
        assert.equal(t.namespace, "apps");
        assert.equal(t.lifetimeSeconds, 90 * 86400);
    });

    const ok = { name: "ok", roles: ["system.view"] };
    const cases: [string, unknown, string][] = [
        ["not a list", { name: "x" }, "tokens"],
        ["an entry is not an object", [ok, "ci"], "tokens[1]"],
        ["roles missing", [ok, { name: "b" }], "tokens[1].roles"],
        ["roles empty", [{ name: "a", roles: [] }], "tokens[0].roles"],
        ["roles a string", [{ name: "a", roles: "system.view" }], "tokens[0].roles"],
        ["a role empty", [{ name: "a", roles: ["system.view", ""] }], "tokens[0].roles[1]"],
        ["a role with a space", [{ name: "a", roles: ["system.view, system.user"] }], "tokens[0].roles[0]"],
        ["roles repeated", [{ name: "a", roles: ["r", "r"] }], "tokens[0].roles"],
        ["groups not a list", [{ name: "a", roles: ["r"], groups: "*" }], "tokens[0].groups"],
        ["name missing", [{ roles: ["r"] }], "tokens[0].name"],
        ["name not a DNS label", [ok, { name: "Team_A", roles: ["r"] }], "tokens[1].name"],
        ["name repeated", [ok, { ...ok }], "tokens[1].name"],
        ["unknown field", [{ ...ok, role: "x" }], "tokens[0].role"],
        ["lifetime with two units", [{ ...ok, lifetime: "1h30m" }], "tokens[0].lifetime"],
        ["lifetime under 1h", [{ ...ok, lifetime: "59m" }], "tokens[0].lifetime"],
        ["lifetime a number", [{ ...ok, lifetime: 3600 }], "tokens[0].lifetime"],
        ["email empty", [{ ...ok, email: "" }], "tokens[0].email"],
        ["subject padded", [{ ...ok, subject: " ci" }], "tokens[0].subject"],
        ["secretName invalid", [{ ...ok, secretName: "Tokens/CI" }], "tokens[0].secretName"],
        ["namespace invalid", [{ ...ok, namespace: "Apps" }], "tokens[0].namespace"],
    ];
    for (const [what, input, field] of cases) {
        test(`${what}: the error names ${field}`, () => {
            // The admin token is on, so indexes must still be the user's.
            configError(() => resolveTokens(input, CTX), field);
        });
    }

    test("a lifetime too short for the renew share is refused", () => {
        configError(
            () => resolveTokens([{ ...ok, lifetime: "1h" }], { ...CTX, renewBeforeShare: 0.02 }),
            "tokens[0].lifetime",
        );
    });

    test("the username claim in use is never empty, whichever it is", () => {
        for (const usernameClaim of ["sub", "email", "name"] as const) {
            for (const t of resolveTokens([ok, { name: "b", roles: ["r"], email: "b@x" }], { ...CTX, usernameClaim })) {
                const v = usernameClaim === "sub" ? t.subject : usernameClaim === "email" ? t.email : t.name;
                assert.ok(v.length > 0);
            }
        }
    });

    test("a missing issuer is refused", () => {
        configError(() => resolveTokens([ok], { ...CTX, issuer: "" }), "tokens");
    });
});

describe("tokenClaims", () => {
    test("exactly the Portworx claims, in a fixed order, exp = iat + lifetime", () => {
        const t = resolved({ groups: ["team-a"] });
        const c = tokenClaims(t, ISSUER, 1000);
        assert.deepEqual(Object.keys(c), ["iss", "sub", "name", "email", "roles", "groups", "iat", "exp"]);
        assert.deepEqual(c, {
            iss: ISSUER,
            sub: "ci@px.example.com",
            name: "ci",
            email: "ci@px.example.com",
            roles: ["system.view"],
            groups: ["team-a"],
            iat: 1000,
            exp: 1000 + 90 * 86400,
        });
    });

    test("groups are left out when not given; roles are copies", () => {
        const t = resolved();
        const c = tokenClaims(t, ISSUER, 5);
        assert.deepEqual(Object.keys(c), ["iss", "sub", "name", "email", "roles", "iat", "exp"]);
        c.roles.push("system.admin");
        assert.deepEqual(t.roles, ["system.view"]);
    });
});

describe("issueTime", () => {
    const H = 3600;

    test("the start of the window holding now - skew (worked example)", () => {
        // P = 3600 * 0.75 = 2700; (10000 - 60) / 2700 = 3.68 -> window 3.
        assert.equal(issueTime({ now: DEFAULT_EPOCH + 10000, lifetimeSeconds: H }), DEFAULT_EPOCH + 8100);
        assert.equal(issueTime({ now: 10000, lifetimeSeconds: H, epoch: 0, skewSeconds: 0 }), 8100);
    });

    test("properties: a grid point, at least skew and less than skew + P in the past, equal in a window", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: DEFAULT_EPOCH - 20 * 31536000, max: DEFAULT_EPOCH + 20 * 31536000 }),
                fc.integer({ min: H, max: 10 * 31536000 }),
                fc.integer({ min: 5, max: 95 }),
                fc.integer({ min: 0, max: 1_000_000_000 }),
                (now, lifetimeSeconds, percent, jitter) => {
                    const renewBeforeShare = percent / 100;
                    const P = Math.floor(lifetimeSeconds * (1 - renewBeforeShare));
                    const iat = issueTime({ now, lifetimeSeconds, renewBeforeShare });
                    assert.equal(Math.abs((iat - DEFAULT_EPOCH) % P), 0);
                    assert.ok(iat <= now - CLOCK_SKEW_SECONDS);
                    assert.ok(now - CLOCK_SKEW_SECONDS - iat < P);
                    // Any other now in the same window gives the same iat.
                    const same = iat + CLOCK_SKEW_SECONDS + (jitter % P);
                    assert.equal(issueTime({ now: same, lifetimeSeconds, renewBeforeShare }), iat);
                    // The first second of the next window moves it by exactly P.
                    const next = iat + P + CLOCK_SKEW_SECONDS;
                    assert.equal(issueTime({ now: next, lifetimeSeconds, renewBeforeShare }), iat + P);
                    // At every run the token has more than share * lifetime - skew left.
                    assert.ok(iat + lifetimeSeconds - now > renewBeforeShare * lifetimeSeconds - CLOCK_SKEW_SECONDS);
                },
            ),
        );
    });

    test("renewal happens when less than the share is left, not before", () => {
        const L = 31536000;
        const P = L * 0.75;
        const iat = issueTime({ now: NOW, lifetimeSeconds: L });
        const lastSame = iat + P + CLOCK_SKEW_SECONDS - 1;
        assert.equal(issueTime({ now: lastSame, lifetimeSeconds: L }), iat);
        assert.ok(iat + L - lastSame > 0.25 * L - CLOCK_SKEW_SECONDS);
        assert.equal(issueTime({ now: lastSame + 1, lifetimeSeconds: L }), iat + P);
        assert.ok(iat + L - (lastSame + 1) <= 0.25 * L - CLOCK_SKEW_SECONDS);
    });

    test("a clock before the epoch still gets an issue time in its past (no clamp, no error)", () => {
        const now = DEFAULT_EPOCH - 5 * 86400 - 17;
        const iat = issueTime({ now, lifetimeSeconds: 86400 });
        assert.ok(iat <= now - CLOCK_SKEW_SECONDS && iat > now - 86400);
        assert.equal(Math.abs((iat - DEFAULT_EPOCH) % 64800), 0);
    });

    test("a bad share is a ConfigError; bad numbers are RangeErrors", () => {
        for (const renewBeforeShare of [0, 1, -0.1, 1.5, Number.NaN, "0.25" as unknown as number]) {
            configError(() => issueTime({ now: NOW, lifetimeSeconds: H, renewBeforeShare }), "renewBeforeShare");
        }
        assert.throws(() => issueTime({ now: NOW + 0.5, lifetimeSeconds: H }), RangeError);
        assert.throws(() => issueTime({ now: NOW, lifetimeSeconds: Number.NaN }), RangeError);
        assert.throws(() => issueTime({ now: NOW, lifetimeSeconds: 200 }), RangeError);
    });
});

const ALL_KEYS: [string, SigningKey, { secret: string } | { publicKey: crypto.KeyObject }, string?][] = [
    ["HS256", { alg: "HS256", secret: SECRET }, { secret: SECRET }],
    ["RS256", { alg: "RS256", privateKeyPem: RSA.privatePem }, { publicKey: RSA.publicKey }, RSA.publicPem],
    ["RS256 (PKCS#1 PEM)", { alg: "RS256", privateKeyPem: RSA_PKCS1 }, { publicKey: RSA.publicKey }, RSA.publicPem],
    ["ES256", { alg: "ES256", privateKeyPem: P256.privatePem }, { publicKey: P256.publicKey }, P256.publicPem],
    ["ES256 (SEC1 PEM)", { alg: "ES256", privateKeyPem: P256_SEC1 }, { publicKey: P256.publicKey }, P256.publicPem],
    ["ES384", { alg: "ES384", privateKeyPem: P384.privatePem }, { publicKey: P384.publicKey }, P384.publicPem],
    ["ES512", { alg: "ES512", privateKeyPem: P521.privatePem }, { publicKey: P521.publicKey }, P521.publicPem],
];

describe("signToken", () => {
    for (const [what, key, check, publicPem] of ALL_KEYS) {
        test(`${what}: verifies with jose, with node:crypto alone, and with verifyToken`, async () => {
            const t = resolved({ groups: ["*"] });
            const iat = issueTime({ now: NOW, lifetimeSeconds: t.lifetimeSeconds });
            const token = await signToken(tokenClaims(t, ISSUER, iat), key);

            const claims = nodeVerify(token, check);
            assertPortworxClaims(claims);
            assert.deepEqual(claims, { ...tokenClaims(t, ISSUER, iat) });
            assert.deepEqual(Object.keys(claims), ["iss", "sub", "name", "email", "roles", "groups", "iat", "exp"]);

            const joseKey = "secret" in check ? new TextEncoder().encode(check.secret) : check.publicKey;
            const { payload, protectedHeader } = await jose.jwtVerify(token, joseKey, {
                issuer: ISSUER,
                algorithms: [key.alg],
                currentDate: new Date(NOW * 1000),
                requiredClaims: ["iss", "sub", "exp", "iat", "name", "email"],
            });
            assert.deepEqual(protectedHeader, { alg: key.alg, typ: "JWT" });
            assert.deepEqual(payload, claims);

            const r = await verifyToken(token, {
                issuer: ISSUER,
                now: NOW,
                ...("secret" in check ? { secret: check.secret } : { publicKeyPem: publicPem }),
            });
            assert.deepEqual(r, { ok: true, alg: key.alg, claims });
        });
    }

    test("HS256 and RS256 are byte-identical across calls; ES256 is randomized", async () => {
        const claims = tokenClaims(resolved(), ISSUER, 1_800_000_000);
        for (const key of [ALL_KEYS[0][1], ALL_KEYS[1][1], ALL_KEYS[2][1]]) {
            assert.equal(await signToken(claims, key), await signToken(claims, key), key.alg);
        }
        const es = ALL_KEYS[3][1];
        assert.notEqual(await signToken(claims, es), await signToken(claims, es));
    });

    test("HS256 and RS256 give the bytes jose's SignJWT gives, so no token changes when minting moves off jose", async () => {
        const claims = tokenClaims(resolved({ groups: ["*"] }), ISSUER, 1_800_000_000);
        for (const [what, key] of ALL_KEYS.filter(([, k]) => k.alg === "HS256" || k.alg === "RS256")) {
            const material =
                "secret" in key ? new TextEncoder().encode(key.secret) : crypto.createPrivateKey(key.privateKeyPem);
            const byJose = await new jose.SignJWT({ ...claims })
                .setProtectedHeader({ alg: key.alg, typ: "JWT" })
                .sign(material);
            assert.equal(await signToken(claims, key), byJose, what);
        }
    });

    test("the PKCS#1 and PKCS#8 forms of one RSA key give the same token", async () => {
        const claims = tokenClaims(resolved(), ISSUER, 1_800_000_000);
        assert.equal(await signToken(claims, ALL_KEYS[1][1]), await signToken(claims, ALL_KEYS[2][1]));
    });

    test("a short shared secret, a wrong algorithm or a bad key is a ConfigError without key text", async () => {
        const claims = tokenClaims(resolved(), ISSUER, 1);
        await configErrorAsync(() => signToken(claims, { alg: "HS256", secret: SECRET.slice(0, 20) }), "signing key");
        await configErrorAsync(() => signToken(claims, { alg: "ES256", privateKeyPem: RSA.privatePem }, "k"), "k");
        await configErrorAsync(() => signToken(claims, { alg: "ES384", privateKeyPem: P256.privatePem }, "k"), "k");
        await configErrorAsync(() => signToken(claims, { alg: "RS256", privateKeyPem: RSA.publicPem }, "k"), "k");
        const broken = RSA.privatePem.replace(/\n[A-Za-z0-9+/]{10}/, "\n!!!!!!!!!!");
        await configErrorAsync(() => signToken(claims, { alg: "RS256", privateKeyPem: broken }, "k"), "k");
        const small = pair("rsa", { modulusLength: 1024 });
        await configErrorAsync(() => signToken(claims, { alg: "RS256", privateKeyPem: small.privatePem }, "k"), "k");
        const ed = crypto.generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" });
        await configErrorAsync(() => signToken(claims, { alg: "RS256", privateKeyPem: ed.toString() }, "k"), "k");
    });

    test("privateKeyAlg follows Portworx's helpers", () => {
        assert.equal(privateKeyAlg(RSA.privatePem, "k"), "RS256");
        assert.equal(privateKeyAlg(RSA_PKCS1, "k"), "RS256");
        assert.equal(privateKeyAlg(P256_SEC1, "k"), "ES256");
        assert.equal(privateKeyAlg(P384.privatePem, "k"), "ES384");
        assert.equal(privateKeyAlg(P521.privatePem, "k"), "ES512");
        const encrypted = RSA.privateKey
            .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" })
            .toString();
        assert.match(configError(() => privateKeyAlg(encrypted, "k"), "k").message, /encrypted/);
        const k1 = crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey;
        configError(() => privateKeyAlg(k1.export({ type: "pkcs8", format: "pem" }).toString(), "k"), "k");
    });
});

describe("stable tokens (mintToken)", () => {
    const t = resolved({ lifetime: "1y" });
    const hs: SigningKey = { alg: "HS256", secret: SECRET };
    const rs: SigningKey = { alg: "RS256", privateKeyPem: RSA.privatePem };
    const P = 31536000 * 0.75;

    for (const key of [hs, rs]) {
        describe(key.alg, () => {
            test("unchanged inputs: identical token, also at other seconds of the same window", async () => {
                const a = await mintToken(t, { issuer: ISSUER, key, now: NOW });
                assert.equal(await mintToken(t, { issuer: ISSUER, key, now: NOW }), a);
                const iat = issueTime({ now: NOW, lifetimeSeconds: t.lifetimeSeconds });
                for (const now of [
                    iat + CLOCK_SKEW_SECONDS,
                    NOW + 1,
                    NOW + 86400 * 30,
                    iat + P + CLOCK_SKEW_SECONDS - 1,
                ]) {
                    assert.equal(await mintToken(t, { issuer: ISSUER, key, now }), a, `now = ${now}`);
                }
            });

            test("near expiry: renewed, with a later iat and exp", async () => {
                const iat = issueTime({ now: NOW, lifetimeSeconds: t.lifetimeSeconds });
                const a = await mintToken(t, { issuer: ISSUER, key, now: NOW });
                const later = iat + P + CLOCK_SKEW_SECONDS;
                const b = await mintToken(t, { issuer: ISSUER, key, now: later });
                assert.notEqual(b, a);
                const ca = jose.decodeJwt(a);
                const cb = jose.decodeJwt(b);
                assert.equal(cb.iat, (ca.iat as number) + P);
                assert.equal(cb.exp, (ca.exp as number) + P);
                // The old one still had at most a quarter (minus skew) left at that run.
                assert.ok((ca.exp as number) - later <= 0.25 * 31536000 - CLOCK_SKEW_SECONDS);
                assert.ok((await verifyToken(b, verifyOpts(key, later))).ok);
            });

            test("claims changed: a different token in the same window", async () => {
                const a = await mintToken(t, { issuer: ISSUER, key, now: NOW });
                const variants: ResolvedToken[] = [
                    { ...t, roles: ["system.admin"] },
                    { ...t, groups: ["*"] },
                    { ...t, email: "other@example.org" },
                    { ...t, subject: "other" },
                    { ...t, lifetime: "2y", lifetimeSeconds: 2 * 31536000 },
                ];
                const seen = new Set([a]);
                for (const v of variants) seen.add(await mintToken(v, { issuer: ISSUER, key, now: NOW }));
                seen.add(await mintToken(t, { issuer: "px2.example.com", key, now: NOW }));
                assert.equal(seen.size, variants.length + 2);
            });

            test("key changed: a different token", async () => {
                const a = await mintToken(t, { issuer: ISSUER, key, now: NOW });
                const other: SigningKey =
                    key.alg === "HS256"
                        ? { alg: "HS256", secret: OTHER_SECRET }
                        : { alg: "RS256", privateKeyPem: RSA2.privatePem };
                const b = await mintToken(t, { issuer: ISSUER, key: other, now: NOW });
                assert.notEqual(b, a);
                assert.ok((await verifyToken(b, verifyOpts(other, NOW))).ok);
                assert.equal((await verifyToken(b, verifyOpts(key, NOW))).ok, false);
            });
        });
    }

    test("a renew share changes the window; the epoch moves the grid", async () => {
        const a = await mintToken(t, { issuer: ISSUER, key: hs, now: NOW });
        assert.notEqual(await mintToken(t, { issuer: ISSUER, key: hs, now: NOW, epoch: DEFAULT_EPOCH + 7 }), a);
        const half = await mintToken(t, { issuer: ISSUER, key: hs, now: NOW, renewBeforeShare: 0.5 });
        const iat = jose.decodeJwt(half).iat as number;
        assert.equal((iat - DEFAULT_EPOCH) % (31536000 / 2), 0);
    });
});

function verifyOpts(key: SigningKey, now: number) {
    return key.alg === "HS256"
        ? { issuer: ISSUER, now, secret: key.secret }
        : {
              issuer: ISSUER,
              now,
              publicKeyPem: crypto
                  .createPublicKey(key.privateKeyPem)
                  .export({ type: "spki", format: "pem" })
                  .toString(),
          };
}

describe("signingKeyFor and checkKeyPair", () => {
    test("shared secret: HS256; none: undefined", () => {
        assert.deepEqual(signingKeyFor({ sharedSecret: SECRET }), { alg: "HS256", secret: SECRET });
        assert.equal(signingKeyFor({}), undefined);
        assert.equal(signingKeyFor({ publicKeyPem: RSA.publicPem }), undefined);
    });

    test("an RSA private key paired with the public key: RS256, preferred over the shared secret", () => {
        assert.deepEqual(
            signingKeyFor({ sharedSecret: SECRET, privateKeyPem: RSA.privatePem, publicKeyPem: RSA.publicPem }),
            { alg: "RS256", privateKeyPem: RSA.privatePem },
        );
    });

    test("refused: EC keys (randomized signatures), no public half, a key that is not the pair", () => {
        for (const k of [P256, P384, P521]) {
            const e = configError(
                () =>
                    signingKeyFor({ privateKeyPem: k.privatePem, publicKeyPem: k.publicPem }, "selfSigned.privateKey"),
                "selfSigned.privateKey",
            );
            assert.match(e.message, /randomized/);
            assert.match(e.message, /RSA key pair|shared secret/);
        }
        assert.match(
            configError(() => signingKeyFor({ privateKeyPem: RSA.privatePem }, "pk"), "pk").message,
            /no public half/,
        );
        assert.match(
            configError(
                () => signingKeyFor({ privateKeyPem: RSA.privatePem, publicKeyPem: RSA2.publicPem }, "pk"),
                "pk",
            ).message,
            /not the private half/,
        );
    });

    test("checkKeyPair compares the public halves, in any PEM form", () => {
        checkKeyPair(RSA.privatePem, RSA.publicPem, "f");
        checkKeyPair(RSA_PKCS1, RSA.publicKey.export({ type: "pkcs1", format: "pem" }).toString(), "f");
        checkKeyPair(P256_SEC1, P256.publicPem, "f");
        configError(() => checkKeyPair(RSA.privatePem, RSA2.publicPem, "f"), "f");
        configError(() => checkKeyPair(P256.privatePem, P384.publicPem, "f"), "f");
        configError(() => checkKeyPair(RSA.privatePem, "not a key", "f"), "f");
        configError(
            () =>
                checkKeyPair(
                    "-----BEGIN PRIVATE KEY-----\n" + SECRET + "\n-----END PRIVATE KEY-----",
                    RSA.publicPem,
                    "f",
                ),
            "f",
        );
        configError(() => checkKeyPair(SECRET, RSA.publicPem, "f"), "f");
    });
});

describe("verifyToken reasons", () => {
    const t = resolved({ lifetime: "1d" });
    const hs: SigningKey = { alg: "HS256", secret: SECRET };
    let token = "";
    let iat = 0;
    let exp = 0;

    async function reason(tok: string, opts: Partial<Parameters<typeof verifyToken>[1]> = {}): Promise<string> {
        const r = await verifyToken(tok, { issuer: ISSUER, secret: SECRET, now: NOW, ...opts });
        assert.equal(r.ok, false, "should be invalid");
        const text = (r as { reason: string }).reason;
        assert.ok(!text.includes("\n"), "one line");
        assertNoKeyMaterial(text);
        return text;
    }

    before(async () => {
        token = await mintToken(t, { issuer: ISSUER, key: hs, now: NOW });
        ({ iat, exp } = jose.decodeJwt(token) as { iat: number; exp: number });
    });

    test("the untouched token is valid", async () => {
        const r = await verifyToken(token, { issuer: ISSUER, secret: SECRET, now: NOW });
        assert.ok(r.ok);
    });

    test("tampered payload: bad signature", async () => {
        const [h, , s] = token.split(".");
        const claims = { ...jose.decodeJwt(token), roles: ["system.admin"] };
        const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
        assert.match(await reason(forged), /^bad signature: .*not signed with this key, or was changed/);
    });

    test("tampered header or signature: bad signature", async () => {
        const [, p, s] = token.split(".");
        const h384 = Buffer.from(JSON.stringify({ alg: "HS384", typ: "JWT" })).toString("base64url");
        assert.match(await reason(`${h384}.${p}.${s}`), /^bad signature/);
        const flipped = s.slice(0, -2) + (s.endsWith("AA") ? "BA" : "AA");
        assert.match(await reason(`${token.split(".").slice(0, 2).join(".")}.${flipped}`), /^bad signature/);
    });

    test("expired: says when", async () => {
        assert.equal(
            await reason(token, { now: exp }),
            `expired at ${new Date(exp * 1000).toISOString().replace(".000Z", "Z")} (0s ago)`,
        );
        assert.match(
            await reason(token, { now: exp + 3 * 3600 + 60 }),
            /^expired at \d{4}-\d\d-\d\dT[\d:]+Z \(3h 1m ago\)$/,
        );
    });

    test("not yet valid: iat in the future", async () => {
        assert.match(await reason(token, { now: iat - 30 }), /^not yet valid: issued at .*Z, 30s from now$/);
    });

    test("wrong issuer: expected and actual", async () => {
        assert.equal(
            await reason(token, { issuer: "other.example.com" }),
            'wrong issuer: expected "other.example.com", the token has "px.example.com"',
        );
    });

    test("wrong key: HMAC, RSA, EC curve, key type, or no key at all", async () => {
        assert.match(await reason(token, { secret: OTHER_SECRET }), /^bad signature/);
        assert.match(await reason(token, { secret: undefined, publicKeyPem: RSA.publicPem }), /no shared secret/);
        const rsTok = await mintToken(t, {
            issuer: ISSUER,
            key: { alg: "RS256", privateKeyPem: RSA.privatePem },
            now: NOW,
        });
        assert.match(await reason(rsTok, { publicKeyPem: RSA2.publicPem }), /^bad signature/);
        assert.match(await reason(rsTok, { publicKeyPem: P256.publicPem }), /^wrong key: signed with RS256/);
        assert.match(await reason(rsTok), /no public key was given/);
        assert.match(await reason(rsTok, { publicKeyPem: "garbage" }), /could not be parsed/);
        const esTok = await signToken(tokenClaims(t, ISSUER, iat), { alg: "ES256", privateKeyPem: P256.privatePem });
        assert.match(
            await reason(esTok, { publicKeyPem: P384.publicPem }),
            /^wrong key: signed with ES256, which needs an EC P-256 key$/,
        );
        const ok = await verifyToken(esTok, { issuer: ISSUER, now: NOW, publicKeyPem: P256.privatePem });
        assert.ok(ok.ok, "a private PEM verifies through its public half");
    });

    test("missing required claims are listed", async () => {
        const bare = await new jose.SignJWT({ iss: ISSUER, sub: "x", iat, exp })
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode(SECRET));
        assert.equal(await reason(bare), "missing required claims: name, email");
        const noIss = await new jose.SignJWT({ sub: "x" })
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode(SECRET));
        assert.match(await reason(noIss), /^missing required claim iss/);
        const badExp = await new jose.SignJWT({
            iss: ISSUER,
            sub: "x",
            name: "n",
            email: "e",
            iat,
            exp: "soon",
        } as unknown as jose.JWTPayload)
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode(SECRET));
        assert.equal(await reason(badExp), "claim exp is not a number");
    });

    test("an empty username claim is refused; an empty other claim passes", async () => {
        const claims = { ...tokenClaims(t, ISSUER, iat), sub: "" };
        const tok = await signToken(claims, hs);
        assert.equal(await reason(tok), "empty username claim sub: Portworx needs it to name the user");
        const ok = await verifyToken(tok, { issuer: ISSUER, secret: SECRET, now: NOW, usernameClaim: "email" });
        assert.ok(ok.ok);
        const noEmail = await signToken({ ...tokenClaims(t, ISSUER, iat), email: "" }, hs);
        assert.match(await reason(noEmail, { usernameClaim: "email" }), /^empty username claim email/);
    });

    test("algorithms outside HS/RS/ES are refused, including none", async () => {
        const unsecured = new jose.UnsecuredJWT({ ...tokenClaims(t, ISSUER, iat) }).encode();
        assert.match(await reason(unsecured), /^algorithm "none" is not accepted by Portworx/);
        const ps = await new jose.SignJWT({ ...tokenClaims(t, ISSUER, iat) })
            .setProtectedHeader({ alg: "PS256" })
            .sign(RSA.privateKey);
        assert.match(await reason(ps, { publicKeyPem: RSA.publicPem }), /^algorithm "PS256" is not accepted/);
    });

    test("malformed tokens", async () => {
        for (const bad of ["", "abc", "a.b", "a.b.c.d", "!!!.e30.x", "e30.bm90LWpzb24.x", "e30.WzFd.x"]) {
            assert.match(await reason(bad), /^malformed: /, bad);
        }
    });

    test("no reason ever carries the secret, whatever fails", async () => {
        // reason() asserts it for every case above; this one feeds the secret as the token too.
        assert.match(await reason(SECRET), /^malformed/);
        assert.match(await reason(`${SECRET}.${SECRET}.${SECRET}`), /^malformed/);
    });
});
