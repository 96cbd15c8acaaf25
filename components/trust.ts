// The trust models: self-signed (issuer, shared secret, public keys, private key) and OIDC, and
// every check on them. Plain values are checked by `resolveSelfSigned`/`resolveOidc`; values that
// may be unknown at preview (supplied secrets, PEM text) by `checkSuppliedValues` once known. Pure.
import * as crypto from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { oneOf, word } from "./names";
import { STORK_ISSUERS } from "./stork";

/** The token claim Portworx takes as the user's id. */
export const UsernameClaim = {
    /** `sub`, the account id (the default). */
    Sub: "sub",
    /** `email`. */
    Email: "email",
    /** `name`. */
    Name: "name",
} as const;
export type UsernameClaim = (typeof UsernameClaim)[keyof typeof UsernameClaim];

/**
 * Self-signed tokens: an issuer plus a shared secret and/or a public key.
 *
 * @example
 * { issuer: "portworx.example.com" } // a shared secret is generated
 */
export interface SelfSignedArgs {
    /** `PORTWORX_AUTH_JWT_ISSUER`: must equal the `iss` of self-signed tokens. Not an `https://` URL. */
    issuer: string;
    /**
     * HMAC key (secret) for HS256/384/512 tokens, at least 32 bytes. Generated when no key of any
     * kind is given.
     */
    sharedSecret?: pulumi.Input<string>;
    /** PEM `PUBLIC KEY` (RSA, at least 2048 bits) for RS256/384/512 tokens. */
    rsaPublicKey?: pulumi.Input<string>;
    /** PEM `PUBLIC KEY` (EC P-256, P-384 or P-521) for ES256/384/512 tokens. */
    ecdsaPublicKey?: pulumi.Input<string>;
    /**
     * PEM RSA private key (secret) that signs this project's tokens with RS256 instead of the shared
     * secret. Must be the pair of `rsaPublicKey`.
     */
    rsaPrivateKey?: pulumi.Input<string>;
}

/**
 * OpenID Connect.
 *
 * @example
 * { issuer: "https://login.example.com/realms/storage", clientId: "portworx" }
 */
export interface OidcArgs {
    /** `PORTWORX_AUTH_OIDC_ISSUER`: absolute `https` URL, no query or fragment. */
    issuer: string;
    /** `PORTWORX_AUTH_OIDC_CLIENTID`. */
    clientId: string;
    /** `PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE`: prefix under which the provider puts custom claims. */
    customClaimNamespace?: string;
}

/** Self-signed settings: what is configured, never a key. */
export interface SelfSignedSettings {
    issuer: string;
    /** Where the shared secret comes from; `none` when only public keys are used. */
    sharedSecret: "generated" | "supplied" | "none";
    rsaPublicKey: boolean;
    ecdsaPublicKey: boolean;
    /** Tokens are signed with RS256 and this key rather than HS256 and the shared secret. */
    rsaPrivateKey: boolean;
    /**
     * A short fingerprint of the public keys' text, when given as plain strings: Portworx reads
     * the files only at start, so a new key must roll the pods.
     */
    publicKeysRevision?: string;
}

export interface OidcSettings {
    issuer: string;
    clientId: string;
    customClaimNamespace?: string;
}

/** Bytes an HMAC key must have at least (RFC 7518 §3.2: no shorter than the hash). */
export const MIN_SHARED_SECRET_BYTES = 32;
/** Longest self-signed issuer: a DNS name's length, which is what issuers usually are. */
export const MAX_SELF_SIGNED_ISSUER = 253;
/** Longest OIDC issuer URL. */
export const MAX_OIDC_ISSUER = 1024;
/** Longest OIDC client id (providers issue far shorter ones; Keycloak allows 255). */
export const MAX_OIDC_CLIENT_ID = 255;
/** Longest OIDC custom claim namespace, often a URL: as long as an issuer. */
export const MAX_OIDC_CLAIM_NAMESPACE = MAX_OIDC_ISSUER;
const SELF_SIGNED_ISSUER = /^[A-Za-z0-9][A-Za-z0-9._~:/@+-]*$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Validates the self-signed issuer on its own (also used by the token CLI and property tests). */
export function checkSelfSignedIssuer(issuer: unknown, field = "selfSigned.issuer"): string {
    const v = word(
        field,
        issuer,
        "the issuer your self-signed tokens carry in `iss`, for example portworx.example.com",
    );
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
        throw new ConfigError(
            field,
            "looks like a URL; a self-signed issuer is a plain name, and https:// URLs are for OIDC",
            "use a name such as portworx.example.com, or move this URL to {oidc.issuer}",
        );
    }
    if (v.length > MAX_SELF_SIGNED_ISSUER || !SELF_SIGNED_ISSUER.test(v)) {
        throw new ConfigError(
            field,
            `must be at most ${MAX_SELF_SIGNED_ISSUER} characters of letters, digits and . - _ ~ : / @ +, starting with a letter or digit`,
            "use a name such as portworx.example.com",
        );
    }
    const storkIssuers: readonly string[] = Object.values(STORK_ISSUERS);
    if (storkIssuers.includes(v)) {
        throw new ConfigError(
            field,
            `"${v}" is an issuer Stork signs its own tokens with`,
            "choose an issuer of your own, such as portworx.example.com",
        );
    }
    return v;
}

/** Validates an OIDC issuer URL on its own. Never echoes it: it could carry a password. */
export function checkOidcIssuer(issuer: unknown, field = "oidc.issuer"): string {
    const v = word(field, issuer, "the https URL of your OIDC provider, equal to the `iss` of its tokens");
    if (v.length > MAX_OIDC_ISSUER || !PRINTABLE_ASCII.test(v)) {
        throw new ConfigError(
            field,
            `must be at most ${MAX_OIDC_ISSUER} printable ASCII characters`,
            "use the provider's issuer URL exactly as the `iss` claim of its tokens",
        );
    }
    let url: URL;
    try {
        url = new URL(v);
    } catch {
        throw new ConfigError(
            field,
            "is not an absolute URL",
            "use the provider's issuer URL, for example https://accounts.google.com",
        );
    }
    if (url.protocol !== "https:") {
        throw new ConfigError(field, "must use https", "use the provider's https issuer URL");
    }
    if (url.username !== "" || url.password !== "" || /^https:\/\/[^/]*@/i.test(v)) {
        throw new ConfigError(
            field,
            "carries a user name or password (user:password@), which would be printed in plans and written into the pod spec",
            "use the bare issuer URL, and change that password if it was a real one",
        );
    }
    if (url.search !== "" || url.hash !== "" || v.includes("?") || v.includes("#")) {
        throw new ConfigError(
            field,
            "must not have a query or fragment",
            "use the bare issuer URL, exactly as the `iss` claim of its tokens",
        );
    }
    return v;
}

/** Validates a username claim on its own. */
export function checkUsernameClaim(v: unknown, field = "usernameClaim"): UsernameClaim {
    return oneOf(field, v, Object.values(UsernameClaim), UsernameClaim.Sub);
}

/** A public key's DER, so line endings and wrapping never count as a new key; else its normalised text. */
function canonicalPublicKey(pem: string): Buffer {
    try {
        return crypto.createPublicKey({ key: pem, format: "pem" }).export({ type: "spki", format: "der" });
    } catch {
        return Buffer.from(pem.replace(/\r\n/g, "\n").trim());
    }
}

/**
 * Checks the plain parts of the self-signed model. In operator mode a shared secret is always
 * used: the operator signs its own tokens with one.
 */
export function resolveSelfSigned(
    args: SelfSignedArgs | undefined,
    securityMode: "env" | "operator",
): SelfSignedSettings | undefined {
    if (args === undefined) return undefined;
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
        throw new ConfigError("selfSigned", "must be an object", "give { issuer, ... }");
    }
    const issuer = checkSelfSignedIssuer(args.issuer);
    const rsaPublicKey = args.rsaPublicKey !== undefined;
    const ecdsaPublicKey = args.ecdsaPublicKey !== undefined;
    const supplied = args.sharedSecret !== undefined;
    const rsaPrivateKey = args.rsaPrivateKey !== undefined;
    if (rsaPrivateKey && !rsaPublicKey) {
        throw new ConfigError(
            "selfSigned.rsaPrivateKey",
            "has no public half configured, so Portworx could not verify its tokens",
            "set {selfSigned.rsaPublicKey} to its public key (openssl pkey -in KEY.pem -pubout)",
        );
    }
    const pems = [args.rsaPublicKey, args.ecdsaPublicKey].filter((p) => p !== undefined);
    const publicKeysRevision =
        pems.length > 0 && pems.every((p) => typeof p === "string")
            ? crypto
                  .createHash("sha256")
                  .update(Buffer.concat(pems.map((p) => canonicalPublicKey(p as string))))
                  .digest("hex")
                  .slice(0, 12)
            : undefined;
    return {
        issuer,
        sharedSecret: supplied
            ? "supplied"
            : (rsaPublicKey || ecdsaPublicKey) && securityMode === "env"
              ? "none"
              : "generated",
        rsaPublicKey,
        ecdsaPublicKey,
        rsaPrivateKey,
        ...(publicKeysRevision ? { publicKeysRevision } : {}),
    };
}

/** Checks the OIDC model. */
export function resolveOidc(args: OidcArgs | undefined): OidcSettings | undefined {
    if (args === undefined) return undefined;
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
        throw new ConfigError("oidc", "must be an object", "give { issuer, clientId }");
    }
    const issuer = checkOidcIssuer(args.issuer);
    const clientId = word(
        "oidc.clientId",
        args.clientId,
        "the client id your OIDC provider issued for Portworx",
        MAX_OIDC_CLIENT_ID,
    );
    const customClaimNamespace =
        args.customClaimNamespace === undefined
            ? undefined
            : word(
                  "oidc.customClaimNamespace",
                  args.customClaimNamespace,
                  "the claim namespace, or leave it unset",
                  MAX_OIDC_CLAIM_NAMESPACE,
              );
    return { issuer, clientId, ...(customClaimNamespace === undefined ? {} : { customClaimNamespace }) };
}

/** Checks a supplied shared secret once its value is known. Never echoes it. */
export function checkSharedSecret(value: string, field = "selfSigned.sharedSecret"): void {
    if (typeof value !== "string") {
        throw new ConfigError(
            field,
            "must be a string",
            "use at least 32 random bytes, for example `openssl rand -hex 32`",
        );
    }
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes < MIN_SHARED_SECRET_BYTES) {
        throw new ConfigError(
            field,
            `has ${bytes} bytes; at least ${MIN_SHARED_SECRET_BYTES} are required`,
            "use at least 32 random bytes, for example `openssl rand -hex 32`",
        );
    }
    if (/[\r\n]/.test(value)) {
        throw new ConfigError(
            field,
            "contains a line break",
            "remove the trailing newline (pulumi config set --secret reads it from the argument, not a file)",
        );
    }
}

/** JWS algorithms Portworx's helpers sign with per EC curve (node:crypto's curve names). */
export const EC_ALGS: Record<string, "ES256" | "ES384" | "ES512"> = {
    prime256v1: "ES256",
    secp384r1: "ES384",
    secp521r1: "ES512",
};

/**
 * The JWS algorithm for an RSA (2048 bits or more) or EC (P-256/384/521) key, public or private,
 * as Portworx picks it; otherwise a ConfigError naming `field`. Never echoes the key.
 */
export function keyAlg(key: crypto.KeyObject, field: string): "RS256" | "ES256" | "ES384" | "ES512" {
    if (key.asymmetricKeyType === "rsa") {
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        if (bits < 2048) {
            throw new ConfigError(
                field,
                `is a ${bits}-bit RSA key; at least 2048 bits are required`,
                "generate a 2048-bit or larger RSA key pair",
            );
        }
        return "RS256";
    }
    if (key.asymmetricKeyType === "ec") {
        const alg = EC_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ""];
        if (!alg) throw new ConfigError(field, "is on a curve Portworx does not accept", "use P-256, P-384 or P-521");
        return alg;
    }
    throw new ConfigError(
        field,
        `is ${article(key.asymmetricKeyType ?? "unknown")} key; Portworx accepts RSA and EC keys`,
        "use an RSA (2048 bits or more) or EC (P-256, P-384, P-521) key",
    );
}

/** "an RSA", "an EC", "an ed25519", "a dsa": the article English wants before a key type. */
export function article(kind: string): string {
    const text = kind === "rsa" || kind === "ec" ? kind.toUpperCase() : kind;
    return `${/^[aeiou]|^(RSA|EC)$/i.test(text) ? "an" : "a"} ${text}`;
}

/**
 * Checks a public key PEM for the given field once its text is known, with node:crypto and with
 * jose. Returns the JWS algorithm Portworx's helpers sign with for it. Never echoes key material.
 */
export async function checkPublicKey(pem: string, kind: "rsa" | "ecdsa", field: string): Promise<string> {
    const fix =
        kind === "rsa"
            ? "give the PEM of an RSA public key (openssl pkey -pubout)"
            : "give the PEM of an EC public key on P-256, P-384 or P-521 (openssl pkey -pubout)";
    if (typeof pem !== "string" || pem.trim() === "") throw new ConfigError(field, "is empty", fix);
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
        throw new ConfigError(
            field,
            "holds a private key, which must never leave its owner",
            "give its public half instead: openssl pkey -in KEY.pem -pubout",
        );
    }
    if (!pem.includes("-----BEGIN PUBLIC KEY-----")) {
        throw new ConfigError(
            field,
            "is not a PEM 'PUBLIC KEY' (SPKI) block",
            `${fix}; convert a certificate or an 'RSA PUBLIC KEY' block with openssl pkey -pubin -pubout`,
        );
    }
    let key: crypto.KeyObject;
    try {
        key = crypto.createPublicKey({ key: pem, format: "pem" });
    } catch {
        throw new ConfigError(field, "could not be parsed as a PEM public key", fix);
    }
    const want = kind === "rsa" ? "rsa" : "ec";
    if (key.asymmetricKeyType !== want) {
        const other =
            key.asymmetricKeyType === "ec"
                ? "EC keys in {selfSigned.ecdsaPublicKey}"
                : "RSA keys in {selfSigned.rsaPublicKey}";
        throw new ConfigError(
            field,
            `holds ${article(key.asymmetricKeyType ?? "unknown")} key, not ${article(want)} key`,
            key.asymmetricKeyType === "ec" || key.asymmetricKeyType === "rsa" ? `put ${other}` : fix,
        );
    }
    const alg = keyAlg(key, field);
    // Loaded here, not at the top: a program without public keys never pays jose's load.
    const jose = await import("jose");
    try {
        await jose.importSPKI(pem.trim(), alg);
    } catch {
        throw new ConfigError(field, "was refused by the JOSE parser", fix);
    }
    return alg;
}

/** Parses a PEM private key for `field`. The parser's message is dropped: it could quote key material. */
export function parsePrivateKey(pem: string, field: string): crypto.KeyObject {
    const fix = "give an unencrypted PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)";
    if (typeof pem !== "string" || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
        throw new ConfigError(field, "is not a PEM private key", fix);
    }
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
        throw new ConfigError(field, "is encrypted", "decrypt it first: openssl pkey -in KEY.pem -out PLAIN.pem");
    }
    try {
        return crypto.createPrivateKey({ key: pem, format: "pem" });
    } catch {
        throw new ConfigError(field, "could not be parsed as a PEM private key", fix);
    }
}

function spki(key: crypto.KeyObject): Buffer {
    return key.export({ type: "spki", format: "der" });
}

/**
 * Throws {@link ConfigError} when `privateKeyPem` is not the private half of `publicKeyPem`
 * (their SPKI encodings differ). Never echoes key material.
 *
 * @example
 * checkKeyPair(privatePem, rsaPublicPem, "selfSigned.rsaPrivateKey");
 */
export function checkKeyPair(privateKeyPem: string, publicKeyPem: string, field: string): void {
    const derived = spki(crypto.createPublicKey(parsePrivateKey(privateKeyPem, field)));
    let configured: Buffer;
    try {
        // A private PEM is accepted too: its public half is derived.
        configured = spki(crypto.createPublicKey({ key: publicKeyPem, format: "pem" }));
    } catch {
        throw new ConfigError(
            field,
            "could not be paired: the public key is not a PEM key",
            "give a PEM PUBLIC KEY block",
        );
    }
    if (!derived.equals(configured)) {
        throw new ConfigError(
            field,
            "is not the private half of the configured public key, so Portworx would refuse its tokens",
            "give the private key whose public half Portworx has, or update {selfSigned.rsaPublicKey} with it",
        );
    }
}

/**
 * Checks the RSA private key the component signs its tokens with: an RSA key of 2048 bits or
 * more whose public half is the configured RSA public key. EC keys are refused: their randomized
 * signatures would change every token on every run.
 */
export function checkRsaPrivateKey(privateKeyPem: string, publicKeyPem: string | undefined, field: string): void {
    const alg = keyAlg(parsePrivateKey(privateKeyPem, field), field);
    if (alg !== "RS256") {
        throw new ConfigError(
            field,
            `is an EC key; ${alg} signatures are randomized, so the component's tokens would change on every run`,
            "use an RSA key pair (with {selfSigned.rsaPublicKey}) or the shared secret; " +
                "mint ECDSA tokens one at a time with `npm run --silent token -- mint`",
        );
    }
    if (publicKeyPem === undefined) {
        throw new ConfigError(
            field,
            "has no public half configured, so Portworx could not verify its tokens",
            "set {selfSigned.rsaPublicKey} to its public key (openssl pkey -in KEY.pem -pubout)",
        );
    }
    checkKeyPair(privateKeyPem, publicKeyPem, field);
}

/** The values of supplied Inputs, once known, in the shape `checkSuppliedValues` takes. */
export interface SuppliedValues {
    sharedSecret?: string;
    rsaPublicKey?: string;
    ecdsaPublicKey?: string;
    rsaPrivateKey?: string;
}

/**
 * Checks every supplied secret or PEM that is known. Throws the first {@link ConfigError}. The
 * component calls it once its Inputs resolve; the plan calls it on the stack's plain-text values.
 */
export async function checkSuppliedValues(v: SuppliedValues): Promise<void> {
    if (v.sharedSecret !== undefined) checkSharedSecret(v.sharedSecret);
    if (v.rsaPublicKey !== undefined) await checkPublicKey(v.rsaPublicKey, "rsa", "selfSigned.rsaPublicKey");
    if (v.ecdsaPublicKey !== undefined) await checkPublicKey(v.ecdsaPublicKey, "ecdsa", "selfSigned.ecdsaPublicKey");
    if (v.rsaPrivateKey !== undefined) checkRsaPrivateKey(v.rsaPrivateKey, v.rsaPublicKey, "selfSigned.rsaPrivateKey");
}
