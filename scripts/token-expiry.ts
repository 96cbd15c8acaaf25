// `npm run --silent token-expiry -- --stack NAME --outputs FILE [--within 30h] [--now TIME]`:
// reads a stack's outputs (`pulumi stack output --json`) and fails when a token the component
// minted expires within the window, naming the stack and the token. .github/workflows/drift.yml
// runs it daily with a window of one day between runs plus GitHub's scheduling delay.
//
// Tokens renew only on `pulumi up`: one whose renewal has begun is a warning (until the next
// `pulumi up`, a preview also shows its Secret changing). Exit status: 0 none expires within the
// window, 1 one does (or has expired), 2 bad flags or outputs.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/errors";
import { formatDuration, isoTime, parseLifetime, type TokenTimes } from "../components/tokens";
import { parseNow } from "../cli/plan-all";
import { runCommand } from "../cli/io";

/** The verdict on a stack's tokens. */
export interface ExpiryReport {
    /** Tokens that expire within the window, or have expired. */
    errors: string[];
    /** Tokens whose renewal has begun but which outlive the window. */
    warnings: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `tokenTimes` output of `pulumi stack output --json`, checked, or a ConfigError saying what is wrong. */
export function readTokenTimes(outputs: unknown, stack: string): TokenTimes[] {
    if (!isObj(outputs)) {
        throw new ConfigError("--outputs", "is not a JSON object", "pass the output of pulumi stack output --json");
    }
    const times = outputs.tokenTimes;
    if (times === undefined) {
        throw new ConfigError(
            "--outputs",
            `stack ${stack} has no tokenTimes output: its last pulumi up predates it, or the program does not export it`,
            "run pulumi up on the stack once with this version of the program",
        );
    }
    const fields = ["name", "namespace", "secretName", "issuedAt", "renewFrom", "expiresAt"] as const;
    if (
        !Array.isArray(times) ||
        !times.every((t) => isObj(t) && fields.every((f) => typeof t[f] === "string")) ||
        !times.every((t) => !Number.isNaN(Date.parse(t.expiresAt)) && !Number.isNaN(Date.parse(t.renewFrom)))
    ) {
        throw new ConfigError(
            "--outputs",
            `stack ${stack}'s tokenTimes is not a list of { ${fields.join(", ")} } with ISO 8601 times`,
            "pass the output of pulumi stack output --json for a stack of this program",
        );
    }
    return times as TokenTimes[];
}

/**
 * Which tokens expire before `now + withinSeconds`, and which are due for renewal.
 *
 * @example
 * checkExpiry(times, { stack: "prod", now, withinSeconds: 30 * 3600 }).errors; // ["stack prod: token ci ..."]
 */
export function checkExpiry(
    times: TokenTimes[],
    opts: { stack: string; now: number; withinSeconds: number },
): ExpiryReport {
    const report: ExpiryReport = { errors: [], warnings: [] };
    const until = opts.now + opts.withinSeconds;
    for (const t of [...times].sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))) {
        const exp = Date.parse(t.expiresAt) / 1000;
        const from = Date.parse(t.renewFrom) / 1000;
        const what = `stack ${opts.stack}: token ${t.name} (Secret ${t.namespace}/${t.secretName})`;
        if (exp <= opts.now) {
            report.errors.push(
                `${what} expired at ${t.expiresAt}, ${formatDuration(opts.now - exp)} ago. Fix: run pulumi up on stack ${opts.stack}, which mints a new one`,
            );
        } else if (exp <= until) {
            report.errors.push(
                `${what} expires at ${t.expiresAt}, in ${formatDuration(exp - opts.now)}, before the next check (${isoTime(until)}). Fix: run pulumi up on stack ${opts.stack}, which renews it`,
            );
        } else if (from <= opts.now) {
            report.warnings.push(
                `${what} is due for renewal since ${t.renewFrom} and expires at ${t.expiresAt}: run pulumi up on stack ${opts.stack} (until then, a preview shows its Secret changing)`,
            );
        }
    }
    return report;
}

async function main(argv: string[]): Promise<number> {
    const annotate = process.env.GITHUB_ACTIONS === "true";
    try {
        let values;
        try {
            ({ values } = parseArgs({
                args: argv,
                options: {
                    stack: { type: "string" },
                    outputs: { type: "string" },
                    within: { type: "string", default: "30h" },
                    now: { type: "string" },
                },
                allowPositionals: false,
            }));
        } catch (e) {
            throw new ConfigError("usage", (e as Error).message.replace(/\.$/, ""), "see the usage below");
        }
        if (!values.stack) throw new ConfigError("--stack", "is required", "name the stack the outputs are from");
        if (!values.outputs) {
            throw new ConfigError("--outputs", "is required", "pass pulumi stack output --json's file");
        }
        let text: string;
        try {
            text = fs.readFileSync(values.outputs, "utf8");
        } catch {
            throw new ConfigError(
                "--outputs",
                `${values.outputs} cannot be read`,
                "pass pulumi stack output --json's file",
            );
        }
        let outputs: unknown;
        try {
            outputs = JSON.parse(text);
        } catch {
            throw new ConfigError(
                "--outputs",
                `${values.outputs} is not JSON`,
                "pass pulumi stack output --json's file",
            );
        }
        const times = readTokenTimes(outputs, values.stack);
        const now = parseNow(values.now);
        const report = checkExpiry(times, {
            stack: values.stack,
            now,
            withinSeconds: parseLifetime(values.within, "--within"),
        });
        const line = (kind: "error" | "warning", m: string) =>
            annotate ? `::${kind} title=Token expiry in stack ${values.stack}::${m}\n` : `${kind}: ${m}\n`;
        for (const w of report.warnings) process.stdout.write(line("warning", w));
        for (const e of report.errors) process.stdout.write(line("error", e));
        if (report.errors.length === 0) {
            process.stdout.write(
                `stack ${values.stack}: ${times.length} token(s), none expires before ${isoTime(now + parseLifetime(values.within, "--within"))}\n`,
            );
        }
        return report.errors.length ? 1 : 0;
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        process.stderr.write(`${annotate ? "::error::" : ""}token-expiry: ${e.message}\n`);
        if (e.field === "usage" || e.problem === "is required") {
            process.stderr.write(
                "usage: npm run --silent token-expiry -- --stack NAME --outputs outputs.json [--within 30h] [--now TIME]\n",
            );
        }
        return 2;
    }
}

if (require.main === module) runCommand(() => main(process.argv.slice(2)));
