// The token CLI, in-process with injected stdin, files and clock, and once as a real process piped
// the way the README shows.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as jose from "jose";
import { main, type CliIo } from "../cli/token";

const ROOT = path.resolve(__dirname, "..");
const ISSUER = "px.example.com";
/** A sentinel: no output may ever contain it. */
const SECRET = "SENTINEL-cli-secret-5d1e0b7a-never-print-me-please";
const NOW = 1_800_000_000;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const RSA = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const RSA_PRIVATE = RSA.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const RSA_PUBLIC = RSA.publicKey.export({ type: "spki", format: "pem" }).toString();
const P384 = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
const P384_PRIVATE = P384.privateKey.export({ type: "sec1", format: "pem" }).toString();
const P384_PUBLIC = P384.publicKey.export({ type: "spki", format: "pem" }).toString();
const PEM_CHUNKS = [RSA_PRIVATE, P384_PRIVATE].map((p) => p.split("\n")[2]);

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

async function run(
    argv: string[],
    opts: { stdin?: string; files?: Record<string, string>; now?: number } = {},
): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
        readStdin: async () => opts.stdin,
        readFile: (p) => {
            const v = opts.files?.[p];
            if (v === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
            return v;
        },
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        now: () => opts.now ?? NOW,
    };
    const code = await main(argv, io);
    for (const text of [stdout, stderr]) {
        assert.ok(!text.includes(SECRET), `output leaks the secret: ${text}`);
        for (const chunk of PEM_CHUNKS) assert.ok(!text.includes(chunk), `output leaks PEM text: ${text}`);
    }
    return { code, stdout, stderr };
}

const MINT_ADMIN = ["mint", "--issuer", ISSUER, "--name", "admin", "--roles", "system.admin", "--groups", "*"];

async function mintHs(extra: string[] = [], stdin = `${SECRET}\n`): Promise<string> {
    const r = await run([...MINT_ADMIN, "--lifetime", "1h", ...extra], { stdin });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /\n$/);
    assert.equal(r.stdout.split("\n").length, 2, "only the token, on one line");
    const token = r.stdout.trim();
    assert.match(token, JWT);
    return token;
}

describe("token mint", () => {
    test("HS256 from stdin: only the token, with the operator's claims; the newline is not part of the key", async () => {
        const token = await mintHs();
        const { payload, protectedHeader } = await jose.jwtVerify(token, new TextEncoder().encode(SECRET), {
            issuer: ISSUER,
            currentDate: new Date(NOW * 1000),
        });
        assert.deepEqual(protectedHeader, { alg: "HS256", typ: "JWT" });
        assert.deepEqual(payload, {
            iss: ISSUER,
            sub: "admin@px.example.com",
            name: "admin",
            email: "admin@px.example.com",
            roles: ["system.admin"],
            groups: ["*"],
            iat: NOW - 60,
            exp: NOW + 3600,
        });
        // Independently of jose: the HMAC of the signing input with the secret without its newline.
        const [h, p, s] = token.split(".");
        assert.equal(crypto.createHmac("sha256", SECRET).update(`${h}.${p}`).digest("base64url"), s);
        // CRLF and no newline give the same token.
        assert.equal(await mintHs([], `${SECRET}\r\n`), token);
        assert.equal(await mintHs([], SECRET), token);
    });

    test("email, subject and several roles; no groups claim when --groups is not given", async () => {
        const r = await run(
            ["mint", "--issuer", ISSUER, "--name", "ci", "--roles", "system.view, system.user", "--lifetime", "2d"],
            { stdin: SECRET, now: NOW },
        );
        assert.equal(r.code, 0, r.stderr);
        const c = jose.decodeJwt(r.stdout.trim());
        assert.deepEqual(Object.keys(c), ["iss", "sub", "name", "email", "roles", "iat", "exp"]);
        assert.deepEqual(c.roles, ["system.view", "system.user"]);
        assert.equal(c.exp, NOW + 2 * 86400);
        const r2 = await run([...MINT_ADMIN, "--lifetime", "1h", "--email", "ops@example.org", "--subject", "ops-1"], {
            stdin: SECRET,
        });
        const c2 = jose.decodeJwt(r2.stdout.trim());
        assert.equal(c2.email, "ops@example.org");
        assert.equal(c2.sub, "ops-1");
    });

    test("RS256 from --key-file (PKCS#1), ES384 from a SEC1 key; both verify with the public key", async () => {
        for (const [priv, pub, alg] of [
            [RSA_PRIVATE, RSA_PUBLIC, "RS256"],
            [P384_PRIVATE, P384_PUBLIC, "ES384"],
        ] as const) {
            const files = { "/k/private.pem": priv, "/k/public.pem": pub };
            const m = await run([...MINT_ADMIN, "--lifetime", "1h", "--key-file", "/k/private.pem"], { files });
            assert.equal(m.code, 0, m.stderr);
            const token = m.stdout.trim();
            assert.equal(jose.decodeProtectedHeader(token).alg, alg);
            const [h, p, s] = token.split(".");
            const sig = Buffer.from(s, "base64url");
            const key = alg === "RS256" ? pub : { key: pub, dsaEncoding: "ieee-p1363" as const };
            assert.ok(crypto.verify(alg === "RS256" ? "sha256" : "sha384", Buffer.from(`${h}.${p}`), key, sig));
            const v = await run(["verify", "--issuer", ISSUER, "--token", token, "--key-file", "/k/public.pem"], {
                files,
            });
            assert.equal(v.code, 0, v.stdout);
            assert.match(v.stdout, new RegExp(`^valid: .*, ${alg}, expires`));
            // --alg must fit the key.
            const wrong = await run(
                [...MINT_ADMIN, "--lifetime", "1h", "--key-file", "/k/private.pem", "--alg", "ES256"],
                {
                    files,
                },
            );
            assert.equal(wrong.code, 2);
            assert.match(
                wrong.stderr,
                new RegExp(`does not fit the key: mint signs with this (RSA|EC) key as ${alg} only`),
            );
            for (const other of ["RS512", "none"]) {
                const r = await run(
                    [...MINT_ADMIN, "--lifetime", "1h", "--key-file", "/k/private.pem", "--alg", other],
                    {
                        files,
                    },
                );
                assert.equal(r.code, 2);
                assert.match(r.stderr, new RegExp(`--alg ${other} does not fit the key: .* as ${alg} only;`));
                assert.doesNotMatch(r.stderr, /signs RS256(?! only)/);
            }
        }
    });
});

describe("token verify", () => {
    test("round trip: mint, then verify prints one valid line", async () => {
        const token = await mintHs();
        const r = await run(["verify", "--issuer", ISSUER, "--token", token], { stdin: `${SECRET}\n`, now: NOW + 1 });
        assert.equal(r.code, 0);
        assert.equal(
            r.stdout,
            "valid: sub=admin@px.example.com, roles=system.admin, groups=*, HS256, expires 2027-01-15T09:00:00Z (in 59m 59s)\n",
        );
        const f = await run(["verify", "--issuer", ISSUER, "--token-file", "/t"], {
            stdin: SECRET,
            files: { "/t": `${token}\n` },
        });
        assert.equal(f.code, 0, f.stdout);
    });

    test("wrong issuer: exit 1 and the reason, naming both issuers", async () => {
        const token = await mintHs();
        const r = await run(["verify", "--issuer", "other.example.com", "--token", token], { stdin: SECRET });
        assert.equal(r.code, 1);
        assert.equal(r.stdout, 'invalid: wrong issuer: expected "other.example.com", the token has "px.example.com"\n');
    });

    test("expired, wrong key, tampered: exit 1 with the reason", async () => {
        const token = await mintHs();
        const expired = await run(["verify", "--issuer", ISSUER, "--token", token], { stdin: SECRET, now: NOW + 7200 });
        assert.equal(expired.code, 1);
        assert.match(expired.stdout, /^invalid: expired at 2027-01-15T09:00:00Z \(1h ago\)\n$/);
        const wrongKey = await run(["verify", "--issuer", ISSUER, "--token", token], {
            stdin: "another-secret-that-is-long-enough-1234567890",
        });
        assert.equal(wrongKey.code, 1);
        assert.match(wrongKey.stdout, /^invalid: bad signature/);
        const [h, , s] = token.split(".");
        const forged = `${h}.${Buffer.from(JSON.stringify({ ...jose.decodeJwt(token), roles: ["x"] })).toString("base64url")}.${s}`;
        const tampered = await run(["verify", "--issuer", ISSUER, "--token", forged], { stdin: SECRET });
        assert.equal(tampered.code, 1);
        assert.match(tampered.stdout, /^invalid: bad signature/);
    });
});

describe("bad arguments", () => {
    const usage: [string, string[], { stdin?: string; files?: Record<string, string> }][] = [
        ["no command", [], {}],
        ["unknown command", ["sign"], {}],
        ["unknown option", ["mint", "--bogus", "x"], {}],
        ["missing --issuer", ["mint", "--name", "a", "--roles", "r", "--lifetime", "1h"], { stdin: SECRET }],
        ["missing --roles", ["mint", "--issuer", ISSUER, "--name", "a", "--lifetime", "1h"], { stdin: SECRET }],
        ["missing --lifetime", ["mint", "--issuer", ISSUER, "--name", "a", "--roles", "r"], { stdin: SECRET }],
        [
            "empty role",
            ["mint", "--issuer", ISSUER, "--name", "a", "--roles", "r,,s", "--lifetime", "1h"],
            { stdin: SECRET },
        ],
        ["verify option on mint", [...MINT_ADMIN, "--lifetime", "1h", "--token", "x"], { stdin: SECRET }],
        ["no token", ["verify", "--issuer", ISSUER], { stdin: SECRET }],
        ["two tokens", ["verify", "--issuer", ISSUER, "--token", "a", "--token-file", "b"], { stdin: SECRET }],
        ["stray argument", ["verify", "extra", "--issuer", ISSUER, "--token", "a"], { stdin: SECRET }],
        ["no key (stdin is a terminal)", [...MINT_ADMIN, "--lifetime", "1h"], {}],
        ["unreadable key file", [...MINT_ADMIN, "--lifetime", "1h", "--key-file", "/nope"], {}],
        ["a key of two lines", [...MINT_ADMIN, "--lifetime", "1h"], { stdin: `${SECRET}\n${SECRET}\n` }],
        ["an empty key", [...MINT_ADMIN, "--lifetime", "1h"], { stdin: "\n" }],
        ["--alg for a shared secret", [...MINT_ADMIN, "--lifetime", "1h", "--alg", "RS256"], { stdin: SECRET }],
    ];
    for (const [what, argv, opts] of usage) {
        test(`${what}: exit 2 with usage, nothing on stdout`, async () => {
            const r = await run(argv, opts);
            assert.equal(r.code, 2, r.stderr);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, /^portworx-auth token: .+\n\nusage:\n/);
        });
    }

    const config: [string, string[], string, RegExp][] = [
        [
            "lifetime with two units",
            [...MINT_ADMIN, "--lifetime", "1h30m"],
            SECRET,
            /--lifetime: is not a Portworx duration/,
        ],
        ["a short shared secret", [...MINT_ADMIN, "--lifetime", "1h"], "SENTINEL-cli-secret", /shorter than 32 bytes/],
        ["a public key to mint with", [...MINT_ADMIN, "--lifetime", "1h"], RSA_PUBLIC, /not a PEM private key/],
    ];
    for (const [what, argv, stdin, message] of config) {
        test(`${what}: exit 2 with the reason, never the key`, async () => {
            const r = await run(argv, { stdin });
            assert.equal(r.code, 2);
            assert.equal(r.stdout, "");
            assert.match(r.stderr, message);
            assert.ok(!r.stderr.includes("SENTINEL"), "no part of the key");
        });
    }

    test("--help prints the usage and exits 0", async () => {
        const r = await run(["--help"]);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^usage:/);
    });
});

describe("as a process", () => {
    const args = [...MINT_ADMIN, "--lifetime", "1h"];

    test("node cli/token.ts: a piped secret in, only the token out", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", "cli/token.ts", ...args], {
            cwd: ROOT,
            input: `${SECRET}\n`,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(r.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
        const bad = spawnSync(process.execPath, ["--import", "tsx", "cli/token.ts", "verify"], {
            cwd: ROOT,
            input: SECRET,
            encoding: "utf8",
        });
        assert.equal(bad.status, 2);
    });

    test("npm run --silent token -- mint: stdout is exactly the token (as the README pipes it)", () => {
        const r = spawnSync("npm", ["run", "--silent", "token", "--", ...args], {
            cwd: ROOT,
            input: `${SECRET}\n`,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
        assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
    });
});

test("a token or key pasted as a stray argument is never echoed back", async () => {
    const pasted = "eyJhbGciOiJIUzI1NiJ9.sentinel-pasted.sig";
    for (const argv of [[pasted], ["verify", pasted], ["mint", "--issuer", ISSUER, pasted]]) {
        const r = await run(argv);
        assert.equal(r.code, 2);
        assert.ok(!r.stderr.includes("sentinel-pasted") && !r.stdout.includes("sentinel-pasted"), argv.join(" "));
    }
});

describe("messages that state the real reason", () => {
    const verify = (token: string, extra: string[] = []) =>
        run(["verify", "--issuer", ISSUER, "--token", token, ...extra], { stdin: SECRET });
    const sign = (claims: Record<string, unknown>) =>
        new jose.SignJWT({ iss: ISSUER, sub: "a", name: "a", email: "a@b", iat: NOW - 60, exp: NOW + 3600, ...claims })
            .setProtectedHeader({ alg: "HS256" })
            .sign(new TextEncoder().encode(SECRET));

    test("HS512 with a shared secret: mint signs HS256 only, not 'needs a PEM private key'", async () => {
        const r = await run([...MINT_ADMIN, "--lifetime", "1h", "--alg", "HS512"], { stdin: SECRET });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /--alg HS512: mint signs shared-secret tokens with HS256 only/);
        const none = await run([...MINT_ADMIN, "--lifetime", "1h", "--alg", "none"], { stdin: SECRET });
        assert.equal(none.code, 2);
        assert.match(none.stderr, /--alg none is not an algorithm mint signs with: HS256 with a shared secret/);
        assert.doesNotMatch(none.stderr, /signs with a private key/);
        const rs = await run([...MINT_ADMIN, "--lifetime", "1h", "--alg", "RS512"], { stdin: SECRET });
        assert.match(rs.stderr, /--alg RS512 needs a PEM private key, but the key given is a shared secret/);
        assert.doesNotMatch(r.stderr, /needs a PEM private key/);
    });

    test("an unknown crit header is named, not called a bad signature", async () => {
        // jose will not sign an unknown crit either: sign by hand, with a valid HMAC.
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const body = `${part({ alg: "HS256", crit: ["x-ext"], "x-ext": 1 })}.${part({ iss: ISSUER, sub: "a", name: "a", email: "a@b", roles: ["r"], iat: NOW - 60, exp: NOW + 60 })}`;
        const token = `${body}.${crypto.createHmac("sha256", SECRET).update(body).digest("base64url")}`;
        const r = await verify(token);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /^invalid: the header marks "x-ext" as critical \(crit\)/);
        assert.doesNotMatch(r.stdout, /bad signature/);
    });

    test("a token with no roles is not valid", async () => {
        for (const claims of [{}, { roles: [] }]) {
            const r = await verify(await sign(claims));
            assert.equal(r.code, 1);
            assert.match(r.stdout, /^invalid: no roles/);
        }
    });

    test("mint refuses the issuers the component refuses", async () => {
        for (const issuer of [
            "https://px.example.com",
            "stork.openstorage.io",
            "a b",
            `${"a".repeat(254)}`,
            "px\u00e9.example.com",
        ]) {
            const r = await run(["mint", "--issuer", issuer, "--name", "a", "--roles", "r", "--lifetime", "1h"], {
                stdin: SECRET,
            });
            assert.equal(r.code, 2, issuer);
            assert.match(r.stderr, /^portworx-auth token: --issuer: /);
        }
    });

    test("an RSA token checked with an EC key says 'an RSA key'", async () => {
        const token = await new jose.SignJWT({
            iss: ISSUER,
            sub: "a",
            name: "a",
            email: "a@b",
            roles: ["r"],
            iat: NOW,
            exp: NOW + 60,
        })
            .setProtectedHeader({ alg: "RS256" })
            .sign(RSA.privateKey);
        const r = await run(["verify", "--issuer", ISSUER, "--token", token], { stdin: P384_PUBLIC });
        assert.match(r.stdout, /needs an RSA key; the key given is an EC key/);
    });
});
