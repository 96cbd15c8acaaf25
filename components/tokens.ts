// Portworx self-signed tokens: validation, claims, stable issue time, signing and verification.
// Pure: no Pulumi, no I/O, no wall clock (`now` is always passed in).
//
// Stable tokens: `iat` is never the wall clock of the run. Time is cut into windows of
// P = ⌊lifetime × (1 − renewBeforeShare)⌋ seconds on a grid anchored at EPOCH, and `iat` is the
// start of the window holding `now − CLOCK_SKEW_SECONDS`. All runs in a window get the same `iat`,
// so the same claims and key give the same bytes (HS256 and RS256 are deterministic). A token
// changes when its window ends (less than renewBeforeShare of its lifetime, minus the skew, left),
// or when its claims or key change, and only then. The skew keeps `iat` a minute in the past, as
// the operator and Stork do, so a node whose clock lags does not see it "used before issued".
//
// Before EPOCH the grid simply extends backwards (Math.floor): EPOCH only fixes the phase. Clamping
// would put `iat` in the future, which Portworx refuses; an error would gain nothing.
//
// ECDSA signatures are randomized, so an ES* token would change on every run. The component mints
// with HS256 or RS256 only (`signingKeyFor` refuses EC keys); the CLI's one-off tokens may be ES*.
import * as crypto from "node:crypto";
import type * as Jose from "jose";
import { ConfigError } from "./errors";
import { label, parseDuration, subdomain } from "./names";
import {
    checkKeyPair,
    checkRsaPrivateKey,
    EC_ALGS,
    keyAlg,
    MIN_SHARED_SECRET_BYTES,
    article,
    parsePrivateKey,
    type UsernameClaim,
} from "./trust";

export { checkKeyPair };

/** Anchor of the issue-time grid: 2026-01-01T00:00:00Z, in unix seconds. */
export const DEFAULT_EPOCH = Date.UTC(2026, 0, 1) / 1000;
/** A token is renewed when less than this share of its lifetime is left. */
export const DEFAULT_RENEW_BEFORE_SHARE = 0.25;
/** How far `iat` is kept in the past, for nodes whose clocks are a little behind. */
export const CLOCK_SKEW_SECONDS = 60;
/**
 * Default lifetime of a token the component mints. Long, because the component is not a
 * controller: a token is renewed only when someone runs `pulumi up`, and an expired token in a
 * Secret breaks whatever reads it. With the default share, renewal starts 9 months in, leaving
 * 3 months to run an update. Revoke early by rotating the signing key.
 */
export const DEFAULT_TOKEN_LIFETIME = "1y";
/** Shortest lifetime of a component token: shorter ones would expire between runs. */
export const MIN_TOKEN_LIFETIME_SECONDS = 3600;
/** Longest lifetime accepted (Portworx keeps durations in int64 nanoseconds, about 292 years). */
export const MAX_TOKEN_LIFETIME_SECONDS = 100 * 365 * 86400;
/** The Secret key Portworx tooling and Stork read a token from. */
export const TOKEN_SECRET_KEY = "auth-token";
/** The Secret storkctl and `kubectl px` read an admin token from (stork `pkg/storkctl/clusterpair.go`). */
export const ADMIN_TOKEN_SECRET = "px-admin-token";

/**
 * Parses a Portworx lifetime: an integer followed by `s`, `m`, `h`, `d` or `y` (365 days), as
 * OpenStorage's `ParseToDuration` reads it. Only the strict form is accepted: anything this
 * accepts, Portworx reads the same way. Zero is refused.
 *
 * @example
 * parseLifetime("90d", "tokens[0].lifetime"); // 7776000
 * parseLifetime("1h30m", "tokens[0].lifetime"); // throws ConfigError naming tokens[0].lifetime
 */
export function parseLifetime(text: string, field: string): number {
    const fix = "use an integer followed by s, m, h, d or y, such as 12h, 90d or 1y";
    const seconds = parseDuration(text, field, fix);
    if (seconds > MAX_TOKEN_LIFETIME_SECONDS) throw new ConfigError(field, "is longer than 100 years", fix);
    return seconds;
}

/** One token to mint, as given in the component's `tokens` argument. */
export interface TokenArgs {
    /** Token name: the `name` claim, and the default `sub`, `email` and Secret name. A DNS label. */
    name: string;
    /** Portworx roles, such as `system.admin`, `system.view` or `system.user`. At least one. */
    roles: string[];
    /** Groups; the claim is left out when unset. `["*"]` means every group. */
    groups?: string[];
    /** `email` claim. Default `<name>@<issuer>`, as the operator does. */
    email?: string;
    /** `sub` claim, the account id. Default `<name>@<issuer>`. */
    subject?: string;
    /** Lifetime, such as `90d` or `1y`. Default `1y`. At least 1h. */
    lifetime?: string;
    /** Secret holding the token under `auth-token`. Default `px-token-<name>`. */
    secretName?: string;
    /** Namespace of that Secret. Default: the component's namespace. */
    namespace?: string;
}

/** A validated, defaulted token. */
export interface ResolvedToken {
    name: string;
    roles: string[];
    groups?: string[];
    email: string;
    subject: string;
    lifetime: string;
    lifetimeSeconds: number;
    secretName: string;
    namespace: string;
    /** The argument that names its Secret, for messages: `tokens[1].secretName`, `tokens[1].name`, `adminToken`. */
    field: string;
    /** A tenant's `px-user-token` (see ./tenants.ts): retained on delete, since volumes refer to it. */
    tenant?: boolean;
}

/** What {@link resolveTokens} needs from the component's settings. */
export interface TokenContext {
    /** The self-signed issuer (`iss`). */
    issuer: string;
    usernameClaim: UsernameClaim;
    /** Default namespace of the token Secrets. */
    namespace: string;
    /** Add an admin token (`system.admin`, groups `*`) unless one is named `admin`. */
    adminToken: boolean;
    /** Default {@link DEFAULT_RENEW_BEFORE_SHARE}; checked against each lifetime. */
    renewBeforeShare?: number;
}

const TOKEN_FIELDS = ["name", "roles", "groups", "email", "subject", "lifetime", "secretName", "namespace"];

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A list of roles or groups: strings without spaces, no duplicates; a ConfigError naming `field`. */
export function checkWords(field: string, v: unknown, what: "roles" | "groups", allowEmpty: boolean): string[] {
    if (!Array.isArray(v) || (!allowEmpty && v.length === 0)) {
        throw new ConfigError(
            field,
            allowEmpty ? "must be a list" : "must be a non-empty list",
            `give a list of ${what}, such as ${what === "roles" ? '["system.view"]' : '["*"]'}`,
        );
    }
    v.forEach((x, i) => {
        if (typeof x !== "string" || x === "" || /\s/.test(x)) {
            throw new ConfigError(`${field}[${i}]`, "must be a non-empty string without spaces", `fix the entry`);
        }
    });
    if (new Set(v).size !== v.length) throw new ConfigError(field, "has duplicates", "list each entry once");
    return [...(v as string[])];
}

function claimText(field: string, v: unknown): string {
    if (typeof v !== "string" || v.trim() === "" || v !== v.trim()) {
        throw new ConfigError(
            field,
            "must be a non-empty string without surrounding spaces",
            "fix it, or leave it unset for <name>@<issuer>",
        );
    }
    return v;
}

/**
 * A component token's lifetime (default {@link DEFAULT_TOKEN_LIFETIME}): at least 1h, and long
 * enough to leave time after renewal at `share`. Throws {@link ConfigError} naming `field`.
 *
 * @example
 * checkTokenLifetime("90d", "tenants[0].lifetime", 0.25); // { lifetime: "90d", lifetimeSeconds: 7776000 }
 */
export function checkTokenLifetime(
    v: unknown,
    field: string,
    share: number,
): { lifetime: string; lifetimeSeconds: number } {
    const lifetime = v === undefined ? DEFAULT_TOKEN_LIFETIME : (v as string);
    const lifetimeSeconds = parseLifetime(lifetime, field);
    if (lifetimeSeconds < MIN_TOKEN_LIFETIME_SECONDS) {
        throw new ConfigError(
            field,
            "is shorter than 1h; the component renews tokens only on `pulumi up`",
            "use 1h or more, or mint short-lived tokens with `npm run --silent token -- mint`",
        );
    }
    if (lifetimeSeconds * share <= CLOCK_SKEW_SECONDS * 2) {
        throw new ConfigError(
            field,
            `leaves ${Math.floor(lifetimeSeconds * share)}s to renew in (renewal starts when ${percent(share)} of it is left, per {tokenRenewBefore}); more than ${CLOCK_SKEW_SECONDS * 2}s is needed`,
            "use a longer lifetime or a larger {tokenRenewBefore}",
        );
    }
    return { lifetime, lifetimeSeconds };
}

/**
 * Checks the `tokens` argument and applies the defaults. Throws {@link ConfigError} naming the
 * field, such as `tokens[1].roles`. Adds an admin token first when `ctx.adminToken` is set and no
 * token is named `admin` (a token named `admin` replaces it).
 *
 * @example
 * resolveTokens([{ name: "ci", roles: ["system.view"], lifetime: "90d" }], {
 *     issuer: "px.example.com", usernameClaim: "sub", namespace: "portworx", adminToken: true,
 * }); // [admin (system.admin, groups *, 1y, px-token-admin), ci (px-token-ci)]
 */
export function resolveTokens(tokens: unknown, ctx: TokenContext): ResolvedToken[] {
    if (typeof ctx.issuer !== "string" || ctx.issuer === "") {
        throw new ConfigError("tokens", "need a self-signed issuer", "set {selfSigned.issuer}");
    }
    const share = ctx.renewBeforeShare ?? DEFAULT_RENEW_BEFORE_SHARE;
    if (tokens === undefined || tokens === null) tokens = [];
    if (!Array.isArray(tokens)) {
        throw new ConfigError("tokens", "must be a list", "give a list of { name, roles, ... } entries");
    }
    const given: unknown[] = [...tokens];
    const hasAdmin = given.some((t) => isRecord(t) && t.name === "admin");
    const offset = ctx.adminToken && !hasAdmin ? 1 : 0;
    if (offset) given.unshift({ name: "admin", roles: ["system.admin"], groups: ["*"] });

    const names = new Set<string>();
    return given.map((raw, idx) => {
        // Errors name the user's index, not the index after the admin token was added.
        const admin = offset === 1 && idx === 0;
        const at = admin ? "adminToken" : `tokens[${idx - offset}]`;
        if (!isRecord(raw)) throw new ConfigError(at, "must be an object", "give { name, roles, ... }");
        for (const k of Object.keys(raw)) {
            if (!TOKEN_FIELDS.includes(k)) {
                throw new ConfigError(`${at}.${k}`, "is not a token field", `use ${TOKEN_FIELDS.join(", ")}`);
            }
        }
        const name = label(`${at}.name`, raw.name);
        if (names.has(name)) throw new ConfigError(`${at}.name`, `repeats "${name}"`, "give every token its own name");
        names.add(name);

        const roles = checkWords(`${at}.roles`, raw.roles, "roles", false);
        const groups = raw.groups === undefined ? undefined : checkWords(`${at}.groups`, raw.groups, "groups", true);
        const dflt = `${name}@${ctx.issuer}`;
        const email = raw.email === undefined ? dflt : claimText(`${at}.email`, raw.email);
        const subject = raw.subject === undefined ? dflt : claimText(`${at}.subject`, raw.subject);

        const { lifetime, lifetimeSeconds } = checkTokenLifetime(raw.lifetime, `${at}.lifetime`, share);

        const namespace = label(`${at}.namespace`, raw.namespace ?? ctx.namespace);
        const secretName = subdomain(`${at}.secretName`, raw.secretName ?? `px-token-${name}`);
        const t: ResolvedToken = {
            name,
            roles,
            ...(groups ? { groups } : {}),
            email,
            subject,
            lifetime,
            lifetimeSeconds,
            secretName,
            namespace,
            field: raw.secretName !== undefined ? `${at}.secretName` : at === "adminToken" ? at : `${at}.name`,
        };
        const username = tokenUsername(t, ctx.usernameClaim);
        if (username === "") {
            throw new ConfigError(`${at}`, `has an empty ${ctx.usernameClaim} claim`, "Portworx needs a user name");
        }
        return t;
    });
}

/** A share as a percentage: 0.25 is "25%". */
export function percent(share: number): string {
    return `${Math.round(share * 10000) / 100}%`;
}

/**
 * The value Portworx uses as the user name, per the username claim.
 *
 * @example
 * tokenUsername(t, "email"); // "ci@px.example.com"
 */
export function tokenUsername(t: ResolvedToken, claim: UsernameClaim): string {
    return claim === "email" ? t.email : claim === "name" ? t.name : t.subject;
}

/** The claims Portworx reads (facts §5), in the order they are serialized. */
export interface PortworxClaims {
    iss: string;
    sub: string;
    name: string;
    email: string;
    roles: string[];
    groups?: string[];
    iat: number;
    exp: number;
}

/**
 * The claims of a token, with a fixed key order: `iss`, `sub`, `name`, `email`, `roles`,
 * `groups` (only when given), `iat`, `exp` = `iat` + lifetime.
 *
 * @example
 * tokenClaims(t, "px.example.com", issueTime({ now, lifetimeSeconds: t.lifetimeSeconds }));
 */
export function tokenClaims(t: ResolvedToken, issuer: string, iat: number): PortworxClaims {
    return {
        iss: issuer,
        sub: t.subject,
        name: t.name,
        email: t.email,
        roles: [...t.roles],
        ...(t.groups ? { groups: [...t.groups] } : {}),
        iat,
        exp: iat + t.lifetimeSeconds,
    };
}

/** Inputs of {@link issueTime}; all times in unix seconds. */
export interface IssueTimeArgs {
    now: number;
    lifetimeSeconds: number;
    /** In (0, 1). Default {@link DEFAULT_RENEW_BEFORE_SHARE}. */
    renewBeforeShare?: number;
    /** Default {@link DEFAULT_EPOCH}. */
    epoch?: number;
    /** Default {@link CLOCK_SKEW_SECONDS}. */
    skewSeconds?: number;
}

/**
 * Checks a renew-before share for the given field: a number strictly between 0 and 1.
 *
 * @example
 * checkRenewBeforeShare(0.25, "tokenRenewBefore"); // 0.25
 */
export function checkRenewBeforeShare(v: unknown, field: string): number {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v >= 1) {
        throw new ConfigError(
            field,
            "must be a share of the lifetime between 0 and 1, exclusive (0.25 is 25%)",
            "use 0.25 for the default",
        );
    }
    return v;
}

/**
 * The stable issue time: the start of the window holding `now − skew` on a grid of period
 * ⌊lifetime × (1 − renewBeforeShare)⌋ anchored at `epoch`. Equal for every `now` in a window;
 * at most `skew + period` seconds before `now`, and at least `skew` seconds before it.
 *
 * @example
 * const now = Math.floor(Date.now() / 1000);
 * issueTime({ now, lifetimeSeconds: 31536000 }); // unchanged for 9 months of runs
 */
export function issueTime(args: IssueTimeArgs): number {
    const { now, lifetimeSeconds } = args;
    const share = checkRenewBeforeShare(args.renewBeforeShare ?? DEFAULT_RENEW_BEFORE_SHARE, "renewBeforeShare");
    const epoch = args.epoch ?? DEFAULT_EPOCH;
    const skew = args.skewSeconds ?? CLOCK_SKEW_SECONDS;
    for (const [k, v] of Object.entries({ now, lifetimeSeconds, epoch, skew })) {
        if (!Number.isSafeInteger(v)) throw new RangeError(`issueTime: ${k} must be an integer number of seconds`);
    }
    const period = Math.floor(lifetimeSeconds * (1 - share));
    if (period < 1 || lifetimeSeconds * share <= skew) {
        throw new RangeError(`issueTime: a ${lifetimeSeconds}s lifetime is too short for share ${share}`);
    }
    return epoch + Math.floor((now - skew - epoch) / period) * period;
}

/**
 * When a token the component mints now was issued, when a `pulumi up` starts renewing it, and when
 * it expires: names and times only, never the token. ISO 8601, UTC.
 */
export interface TokenTimes {
    /** The token's name. */
    name: string;
    /** Namespace of the Secret holding it. */
    namespace: string;
    /** The Secret holding it under `auth-token`. */
    secretName: string;
    /** Its `iat`. */
    issuedAt: string;
    /** From this time on, a `pulumi up` mints its successor. */
    renewFrom: string;
    /** Its `exp`: run `pulumi up` between `renewFrom` and this. */
    expiresAt: string;
}

/**
 * The {@link TokenTimes} of a token minted at `now`, on the grid {@link issueTime} uses: renewal
 * starts once `now − skew` leaves the token's window, and it expires a lifetime after `iat`.
 *
 * @example
 * tokenTimes(ci, Date.UTC(2026, 10, 29) / 1000, 0.25); // { issuedAt, renewFrom, expiresAt, ... }
 */
export function tokenTimes(t: ResolvedToken, now: number, renewBeforeShare = DEFAULT_RENEW_BEFORE_SHARE): TokenTimes {
    const iat = issueTime({ now, lifetimeSeconds: t.lifetimeSeconds, renewBeforeShare });
    const period = Math.floor(t.lifetimeSeconds * (1 - renewBeforeShare));
    return {
        name: t.name,
        namespace: t.namespace,
        secretName: t.secretName,
        issuedAt: isoTime(iat),
        renewFrom: isoTime(iat + period + CLOCK_SKEW_SECONDS),
        expiresAt: isoTime(iat + t.lifetimeSeconds),
    };
}

/** JWS algorithms this project signs with. */
export type SigningKey =
    { alg: "HS256"; secret: string } | { alg: "RS256" | "ES256" | "ES384" | "ES512"; privateKeyPem: string };

/**
 * The JWS algorithm a private key signs with, as Portworx's helpers pick it: RSA → RS256,
 * EC P-256/P-384/P-521 → ES256/ES384/ES512. Throws {@link ConfigError}; never echoes the key.
 *
 * @example
 * privateKeyAlg(fs.readFileSync("ec-p384.pem", "utf8"), "--key-file"); // "ES384"
 */
export function privateKeyAlg(privateKeyPem: string, field: string): "RS256" | "ES256" | "ES384" | "ES512" {
    return keyAlg(parsePrivateKey(privateKeyPem, field), field);
}

/** Where the component's signing key may come from, once the values are known. */
export interface SigningKeySource {
    /** The self-signed shared secret. */
    sharedSecret?: string;
    /** A private key (secret config); must pair with `publicKeyPem`. */
    privateKeyPem?: string;
    /** The RSA public key Portworx verifies with. */
    publicKeyPem?: string;
}

/**
 * The key the component signs its tokens with: the RSA private key (RS256) when one is given,
 * else the shared secret (HS256), else none. Refuses EC private keys, whose randomized
 * signatures would change every token on every run (see the top of this file).
 *
 * @example
 * signingKeyFor({ sharedSecret }); // { alg: "HS256", secret: sharedSecret }
 * signingKeyFor({ privateKeyPem, publicKeyPem: rsaPublicKey }, "selfSigned.rsaPrivateKey"); // RS256
 */
export function signingKeyFor(src: SigningKeySource, field = "selfSigned.rsaPrivateKey"): SigningKey | undefined {
    if (src.privateKeyPem !== undefined) {
        checkRsaPrivateKey(src.privateKeyPem, src.publicKeyPem, field);
        return { alg: "RS256", privateKeyPem: src.privateKeyPem };
    }
    if (src.sharedSecret !== undefined) return { alg: "HS256", secret: src.sharedSecret };
    return undefined;
}

/**
 * Signs claims as a compact JWS with protected header `{ alg, typ: "JWT" }` only. HS256 and
 * RS256 give the same bytes for the same claims and key; ES* signatures are randomized.
 *
 * @example
 * await signToken(tokenClaims(t, issuer, iat), { alg: "HS256", secret }); // "eyJhbGciOiJIUzI1NiIs..."
 */
export async function signToken(claims: object, key: SigningKey, field = "signing key"): Promise<string> {
    const part = (v: object) => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
    const input = `${part({ alg: key.alg, typ: "JWT" })}.${part({ ...claims })}`;
    if (key.alg === "HS256") {
        if (typeof key.secret !== "string" || Buffer.byteLength(key.secret, "utf8") < MIN_SHARED_SECRET_BYTES) {
            throw new ConfigError(
                field,
                `is shorter than ${MIN_SHARED_SECRET_BYTES} bytes`,
                "use at least 32 random bytes, for example `openssl rand -hex 32`",
            );
        }
        return `${input}.${crypto.createHmac("sha256", key.secret).update(input).digest("base64url")}`;
    }
    const pk = parsePrivateKey(key.privateKeyPem, field);
    const alg = keyAlg(pk, field);
    if (alg !== key.alg) {
        throw new ConfigError(field, `signs ${alg}, not ${key.alg}`, `use --alg ${alg}, or a matching key`);
    }
    // JWS wants ECDSA's r and s side by side (IEEE P1363), not DER; RSA ignores the option.
    const sig = crypto.sign(SIGN_HASH[alg], Buffer.from(input, "utf8"), { key: pk, dsaEncoding: "ieee-p1363" });
    return `${input}.${sig.toString("base64url")}`;
}

/** The digest each asymmetric JWS algorithm signs (RFC 7518 §3.3, §3.4). */
const SIGN_HASH = { RS256: "sha256", ES256: "sha256", ES384: "sha384", ES512: "sha512" } as const;

/** Inputs of {@link mintToken}. */
export interface MintArgs {
    issuer: string;
    key: SigningKey;
    /** Unix seconds of this run; the token depends on it only through its window. */
    now: number;
    renewBeforeShare?: number;
    epoch?: number;
}

/**
 * Every token of a configuration, by name, signed with the key its trust model gives (an RSA
 * private key when given, else the shared secret).
 *
 * @example
 * await mintTokens(settings.tokens, { issuer: "px.example.com", sharedSecret: "…" }, now); // { admin: "eyJ…" }
 */
export async function mintTokens(
    tokens: ResolvedToken[],
    src: SigningKeySource & { issuer: string; renewBeforeShare?: number },
    now: number,
): Promise<Record<string, string>> {
    const key = signingKeyFor(src, "selfSigned.rsaPrivateKey");
    const out: Record<string, string> = {};
    if (tokens.length === 0) return out;
    if (!key) throw new Error("no signing key: a token needs selfSigned's shared secret or rsaPrivateKey");
    for (const t of tokens) {
        out[t.name] = await mintToken(t, { issuer: src.issuer, key, now, renewBeforeShare: src.renewBeforeShare });
    }
    return out;
}

/**
 * Mints the stable token for one resolved token: {@link issueTime}, {@link tokenClaims},
 * {@link signToken}. Same inputs within one window, same bytes.
 *
 * @example
 * const now = Math.floor(Date.now() / 1000);
 * for (const t of resolved) tokens[t.name] = await mintToken(t, { issuer, key, now });
 */
export async function mintToken(t: ResolvedToken, args: MintArgs): Promise<string> {
    const iat = issueTime({
        now: args.now,
        lifetimeSeconds: t.lifetimeSeconds,
        ...(args.renewBeforeShare === undefined ? {} : { renewBeforeShare: args.renewBeforeShare }),
        ...(args.epoch === undefined ? {} : { epoch: args.epoch }),
    });
    return signToken(tokenClaims(t, args.issuer, iat), args.key);
}

/** Claims of a token that passed {@link verifyToken}. */
export type VerifiedClaims = Omit<PortworxClaims, "roles"> & { roles?: string[]; [claim: string]: unknown };

export type VerifyResult = { ok: true; alg: string; claims: VerifiedClaims } | { ok: false; reason: string };

/** Inputs of {@link verifyToken}. */
export interface VerifyOptions {
    /** The issuer Portworx trusts for this key. */
    issuer: string;
    /** Shared secret, for HS256/384/512 tokens. */
    secret?: string;
    /** PEM public key (or private key, whose public half is used), for RS* and ES* tokens. */
    publicKeyPem?: string;
    /** Unix seconds. */
    now: number;
    /** Default `sub`. */
    usernameClaim?: string;
}

const ACCEPTED_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];
const REQUIRED_CLAIMS = ["iss", "sub", "exp", "iat", "name", "email"] as const;
const EC_CURVE_NAMES: Record<string, string> = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };

/**
 * A unix time as `2026-01-01T00:00:00Z`, or the number when out of range.
 *
 * @example
 * isoTime(1767225600); // "2026-01-01T00:00:00Z"
 */
export function isoTime(seconds: number): string {
    const d = new Date(seconds * 1000);
    return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * A duration as its two largest units.
 *
 * @example
 * formatDuration(3599); // "59m 59s"
 * formatDuration(90061); // "1d 1h"
 */
export function formatDuration(seconds: number): string {
    let rest = Math.abs(Math.floor(seconds));
    const parts: string[] = [];
    for (const [u, n] of Object.entries({ y: 31536000, d: 86400, h: 3600, m: 60, s: 1 })) {
        if (parts.length === 0 && rest < n && u !== "s") continue;
        parts.push(`${Math.floor(rest / n)}${u}`);
        rest %= n;
        if (parts.length === 2) break;
    }
    return parts.filter((p, i) => i === 0 || !p.startsWith("0")).join(" ");
}

/**
 * Verifies a token as Portworx would for one self-signed issuer: algorithm, issuer, signature,
 * required claims, expiry, issue time and username claim. Returns a one-line reason when it
 * fails. Never echoes the key.
 *
 * @example
 * const r = await verifyToken(token, { issuer: "px.example.com", secret, now: Math.floor(Date.now() / 1000) });
 * if (!r.ok) console.log(`invalid: ${r.reason}`);
 */
export async function verifyToken(token: string, opts: VerifyOptions): Promise<VerifyResult> {
    const fail = (reason: string): VerifyResult => ({ ok: false, reason });
    if (typeof token !== "string") return fail("malformed: not a string");
    token = token.trim();
    const parts = token.split(".");
    if (parts.length !== 3) return fail(`malformed: a JWT has 3 dot-separated parts, this has ${parts.length}`);
    // Loaded here only: minting needs node:crypto alone, and every program run would pay for jose.
    const jose = await import("jose");
    let header: Jose.ProtectedHeaderParameters;
    let payload: Jose.JWTPayload;
    try {
        header = jose.decodeProtectedHeader(token);
    } catch {
        return fail("malformed: the header is not base64url-encoded JSON");
    }
    try {
        payload = jose.decodeJwt(token);
    } catch {
        return fail("malformed: the payload is not a base64url-encoded JSON object");
    }

    const alg = header.alg;
    if (typeof alg !== "string" || !ACCEPTED_ALGS.includes(alg)) {
        return fail(
            `algorithm ${JSON.stringify(alg ?? null)} is not accepted by Portworx (HS256/384/512, RS256/384/512, ES256/384/512 only)`,
        );
    }

    // Portworx picks the verifier by `iss` before it checks the signature; so does this.
    if (payload.iss === undefined) return fail(`missing required claim iss (expected "${opts.issuer}")`);
    if (payload.iss !== opts.issuer) {
        return fail(`wrong issuer: expected "${opts.issuer}", the token has ${JSON.stringify(payload.iss)}`);
    }

    let key: Uint8Array | crypto.KeyObject;
    if (alg.startsWith("HS")) {
        if (!opts.secret) return fail(`signed with ${alg}, but no shared secret was given to check it with`);
        key = new TextEncoder().encode(opts.secret);
    } else {
        if (!opts.publicKeyPem) return fail(`signed with ${alg}, but no public key was given to check it with`);
        let pub: crypto.KeyObject;
        try {
            pub = crypto.createPublicKey({ key: opts.publicKeyPem, format: "pem" });
        } catch {
            return fail("the given public key could not be parsed as PEM");
        }
        const type = pub.asymmetricKeyType;
        if (alg.startsWith("RS") && type !== "rsa") {
            return fail(
                `wrong key: signed with ${alg}, which needs an RSA key; the key given is ${article(type ?? "unknown")} key`,
            );
        }
        if (alg.startsWith("RS") && (pub.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
            return fail("wrong key: the given RSA key is shorter than 2048 bits");
        }
        if (alg.startsWith("ES") && (type !== "ec" || EC_ALGS[pub.asymmetricKeyDetails?.namedCurve ?? ""] !== alg)) {
            return fail(`wrong key: signed with ${alg}, which needs an EC ${EC_CURVE_NAMES[alg]} key`);
        }
        key = pub;
    }
    try {
        await jose.compactVerify(token, key, { algorithms: [alg] });
    } catch (e) {
        if (e instanceof jose.errors.JWSSignatureVerificationFailed) {
            return fail("bad signature: the token was not signed with this key, or was changed after signing");
        }
        if (e instanceof jose.errors.JOSENotSupported && Array.isArray(header.crit)) {
            return fail(
                `the header marks ${header.crit.map((c) => JSON.stringify(c)).join(", ")} as critical (crit), an extension this checker does not implement, so it must refuse the token (RFC 7515 §4.1.11); the signature was not checked`,
            );
        }
        return fail(
            `bad signature: ${e instanceof jose.errors.JOSEError ? e.code : "the signature could not be checked"}`,
        );
    }

    const missing = REQUIRED_CLAIMS.filter((c) => payload[c] === undefined);
    if (missing.length > 0) return fail(`missing required claims: ${missing.join(", ")}`);
    for (const c of ["sub", "name", "email"] as const) {
        if (typeof payload[c] !== "string") return fail(`claim ${c} is not a string`);
    }
    for (const c of ["exp", "iat"] as const) {
        if (typeof payload[c] !== "number" || !Number.isFinite(payload[c])) return fail(`claim ${c} is not a number`);
    }
    for (const c of ["roles", "groups"] as const) {
        const v = payload[c];
        if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
            return fail(`claim ${c} is not a list of strings`);
        }
    }
    if (!Array.isArray(payload.roles) || payload.roles.length === 0) {
        return fail("no roles: the token names no Portworx role (such as system.view), so it would be allowed nothing");
    }
    const claims = payload as VerifiedClaims;
    const now = opts.now;
    if (claims.exp <= now) return fail(`expired at ${isoTime(claims.exp)} (${formatDuration(now - claims.exp)} ago)`);
    if (claims.iat > now) {
        return fail(`not yet valid: issued at ${isoTime(claims.iat)}, ${formatDuration(claims.iat - now)} from now`);
    }
    if (typeof payload.nbf === "number" && payload.nbf > now) {
        return fail(`not yet valid before ${isoTime(payload.nbf)}`);
    }
    const usernameClaim = opts.usernameClaim ?? "sub";
    if (typeof claims[usernameClaim] !== "string" || claims[usernameClaim] === "") {
        return fail(`empty username claim ${usernameClaim}: Portworx needs it to name the user`);
    }
    return { ok: true, alg, claims };
}
