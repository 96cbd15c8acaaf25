// `npm run --silent token -- mint|verify ...`: mints a one-off Portworx token for a pxctl context,
// or says in one line why a token is refused. The key comes from stdin or --key-file and is never
// printed. `--silent` keeps npm's banner out of stdout, which a pipe or $(...) would capture.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/errors";
import { checkSelfSignedIssuer } from "../components/trust";
import {
    CLOCK_SKEW_SECONDS,
    formatDuration,
    isoTime,
    parseLifetime,
    privateKeyAlg,
    signToken,
    verifyToken,
    type SigningKey,
} from "../components/tokens";
import { runCommand } from "./io";

/** What the CLI touches outside itself, so tests can run it in-process. */
export interface CliIo {
    /** All of stdin, or undefined when stdin is a terminal (nothing piped). */
    readStdin(): Promise<string | undefined>;
    readFile(path: string): string;
    stdout(text: string): void;
    stderr(text: string): void;
    /** Unix seconds. */
    now(): number;
}

export const USAGE = `usage:
  npm run --silent token -- mint --issuer ISS --name NAME --roles R1,R2 --lifetime 1h
        [--groups G1,G2] [--email E] [--subject S]
        [--alg HS256|RS256|ES256|ES384|ES512] [--key-file PATH]
  npm run --silent token -- verify --issuer ISS (--token TOKEN | --token-file PATH)
        [--username-claim sub|email|name] [--key-file PATH]

The key (a shared secret, or a PEM private key for mint; a shared secret or a PEM public or private
key for verify) is read from --key-file, or else from stdin. It is never printed.
mint prints only the token. verify prints "valid: ..." or "invalid: <reason>" and exits 1 when
invalid. Quote '*' in --groups. Exit code 2: bad arguments or key.
`;

class UsageError extends Error {}

const OPTIONS = {
    issuer: { type: "string" },
    name: { type: "string" },
    roles: { type: "string" },
    groups: { type: "string" },
    email: { type: "string" },
    subject: { type: "string" },
    lifetime: { type: "string" },
    alg: { type: "string" },
    "key-file": { type: "string" },
    "username-claim": { type: "string" },
    token: { type: "string" },
    "token-file": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

const FOR: Record<string, readonly string[]> = {
    mint: ["issuer", "name", "roles", "groups", "email", "subject", "lifetime", "alg", "key-file"],
    verify: ["issuer", "token", "token-file", "key-file", "username-claim"],
};

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

function str(values: Values, k: keyof typeof OPTIONS): string | undefined {
    const v = values[k];
    return typeof v === "string" ? v : undefined;
}

function required(values: Values, k: keyof typeof OPTIONS): string {
    const v = str(values, k);
    if (v === undefined || v.trim() === "") throw new UsageError(`--${k} is required and must not be empty`);
    return v;
}

function list(text: string, opt: string, allowEmpty: boolean): string[] {
    const items = text.split(",").map((s) => s.trim());
    if (allowEmpty && text.trim() === "") return [];
    if (items.some((s) => s === "" || /\s/.test(s))) {
        throw new UsageError(`--${opt} must be a comma-separated list of names without spaces`);
    }
    return items;
}

type Key = { kind: "secret"; secret: string } | { kind: "pem"; pem: string };

/** Reads a file named by a flag; the error names the flag and the file, never any content. */
function readFlagFile(io: CliIo, flag: string, file: string): string {
    try {
        return io.readFile(file);
    } catch (e) {
        throw new UsageError(`cannot read ${flag} ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
}

/** Reads the key from --key-file or stdin. Messages name where it came from, never its text. */
async function readKey(values: Values, io: CliIo): Promise<Key> {
    const file = str(values, "key-file");
    let text: string | undefined;
    if (file !== undefined) {
        text = readFlagFile(io, "--key-file", file);
    } else {
        text = await io.readStdin();
        if (text === undefined) {
            throw new UsageError("no key: pipe the shared secret or PEM key on stdin, or give --key-file");
        }
    }
    const where = file === undefined ? "the key on stdin" : `the key in ${file}`;
    if (text.includes("-----BEGIN")) return { kind: "pem", pem: text.trim() };
    // A single trailing newline comes from `pulumi stack output` or echo; anything else is a mistake.
    const secret = text.replace(/\r?\n$/, "");
    if (secret === "") throw new UsageError(`${where} is empty`);
    if (/[\r\n]/.test(secret)) {
        throw new UsageError(`${where} has more than one line; a shared secret is one line (or give a PEM key)`);
    }
    return { kind: "secret", secret };
}

async function mint(values: Values, io: CliIo): Promise<number> {
    // The issuers the component accepts, and no others: a token for any other issuer never verifies.
    const issuer = checkSelfSignedIssuer(required(values, "issuer"), "--issuer");
    const name = required(values, "name");
    const roles = list(required(values, "roles"), "roles", false);
    const groupsText = str(values, "groups");
    const groups = groupsText === undefined ? undefined : list(groupsText, "groups", true);
    const lifetimeSeconds = parseLifetime(required(values, "lifetime"), "--lifetime");
    const dflt = `${name}@${issuer}`;
    const claim = (k: "email" | "subject") => {
        const v = str(values, k);
        if (v !== undefined && v.trim() === "") {
            throw new UsageError(`--${k} must not be empty; leave it out for ${dflt}`);
        }
        return v ?? dflt;
    };
    const email = claim("email");
    const sub = claim("subject");

    const key = await readKey(values, io);
    const alg = str(values, "alg");
    let signingKey: SigningKey;
    if (key.kind === "secret") {
        if (alg !== undefined && alg !== "HS256") {
            throw new UsageError(
                /^HS(384|512)$/.test(alg)
                    ? `--alg ${alg}: mint signs shared-secret tokens with HS256 only (Portworx verifies HS256, HS384 and HS512 alike)`
                    : /^(RS|ES|PS)(256|384|512)$/.test(alg)
                      ? `--alg ${alg} needs a PEM private key, but the key given is a shared secret; give a PEM private key with --key-file`
                      : `--alg ${alg} is not an algorithm mint signs with: HS256 with a shared secret, RS256 with an RSA private key, ES256, ES384 or ES512 with an EC private key of that curve; leave --alg out to take it from the key`,
            );
        }
        signingKey = { alg: "HS256", secret: key.secret };
    } else {
        const keyAlg = privateKeyAlg(key.pem, "--key-file/stdin key");
        if (alg !== undefined && alg !== keyAlg) {
            throw new UsageError(
                `--alg ${alg} does not fit the key: mint signs with this ${keyAlg.startsWith("RS") ? "RSA" : "EC"} key as ${keyAlg} only; leave --alg out or give --alg ${keyAlg}`,
            );
        }
        signingKey = { alg: keyAlg, privateKeyPem: key.pem };
    }

    // A one-off token: issued a minute ago for clock skew, valid for the lifetime from now.
    const now = io.now();
    const claims = {
        iss: issuer,
        sub,
        name,
        email,
        roles,
        ...(groups ? { groups } : {}),
        iat: now - CLOCK_SKEW_SECONDS,
        exp: now + lifetimeSeconds,
    };
    const token = await signToken(claims, signingKey, "the key");
    io.stdout(`${token}\n`);
    return 0;
}

async function verify(values: Values, io: CliIo): Promise<number> {
    const issuer = required(values, "issuer");
    const usernameClaim = str(values, "username-claim");
    if (usernameClaim !== undefined && !["sub", "email", "name"].includes(usernameClaim)) {
        throw new UsageError("--username-claim is sub, email or name");
    }
    const inline = str(values, "token");
    const file = str(values, "token-file");
    if ((inline === undefined) === (file === undefined)) throw new UsageError("give one of --token and --token-file");
    const token = file !== undefined ? readFlagFile(io, "--token-file", file) : (inline as string);
    const key = await readKey(values, io);
    const now = io.now();
    const r = await verifyToken(token.trim(), {
        issuer,
        now,
        ...(key.kind === "secret" ? { secret: key.secret } : { publicKeyPem: key.pem }),
        ...(usernameClaim === undefined ? {} : { usernameClaim }),
    });
    if (!r.ok) {
        io.stdout(`invalid: ${r.reason}\n`);
        return 1;
    }
    const c = r.claims;
    io.stdout(
        `valid: sub=${c.sub}, roles=${(c.roles ?? []).join(",") || "(none)"}` +
            `${c.groups ? `, groups=${c.groups.join(",") || "(none)"}` : ""}, ${r.alg}, ` +
            `expires ${isoTime(c.exp)} (in ${formatDuration(c.exp - now)})\n`,
    );
    return 0;
}

/**
 * Runs the CLI with `argv` (the arguments after the script) and returns the exit code.
 *
 * @example
 * const code = await main(["verify", "--issuer", "px.example.com", "--token-file", "t.jwt"], processIo());
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    try {
        let parsed;
        try {
            parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
        } catch (e) {
            throw new UsageError((e as Error).message);
        }
        const { values, positionals } = parsed;
        if (values.help) {
            io.stdout(USAGE);
            return 0;
        }
        const [command, ...extra] = positionals;
        if (command === undefined || !(command in FOR)) {
            // Never echo what was typed: a token or key pasted in the wrong place is a credential.
            throw new UsageError(command === undefined ? "no command" : "unknown command (use mint or verify)");
        }
        if (extra.length > 0) {
            throw new UsageError(
                `${extra.length} unexpected argument(s) after ${command} (pass tokens with --token or --token-file)`,
            );
        }
        for (const k of Object.keys(values)) {
            if (!FOR[command].includes(k)) throw new UsageError(`--${k} does not apply to ${command}`);
        }
        return command === "mint" ? await mint(values, io) : await verify(values, io);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`portworx-auth token: ${e.message}\n\n${USAGE}`);
            return 2;
        }
        if (e instanceof ConfigError) {
            io.stderr(`portworx-auth token: ${e.message}\n`);
            return 2;
        }
        // Unexpected: report the kind only, never a message that might quote an input.
        io.stderr(`portworx-auth token: unexpected ${e instanceof Error ? e.name : "error"}\n`);
        return 3;
    }
}

/**
 * The real process's stdin, files, stdout, stderr and clock.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), processIo());
 */
export function processIo(): CliIo {
    return {
        async readStdin() {
            if (process.stdin.isTTY) return undefined;
            const chunks: Buffer[] = [];
            for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
            return Buffer.concat(chunks).toString("utf8");
        },
        readFile: (p) => fs.readFileSync(p, "utf8"),
        stdout: (t) => void process.stdout.write(t),
        stderr: (t) => void process.stderr.write(t),
        now: () => Math.floor(Date.now() / 1000),
    };
}

if (require.main === module) runCommand(() => main(process.argv.slice(2)));
