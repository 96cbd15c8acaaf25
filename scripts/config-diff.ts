// `npm run test:config-diff`: the plan's reader of stack files (cli/stack-config.ts) against
// Pulumi's own Go loader (scripts/config-oracle) on generated stack files (scripts/config-gen.ts):
// both must hand the program exactly the same strings, or both refuse the file. A fixed seed and a
// random one per run (printed; CONFIG_DIFF_SEED=N repeats one). Needs Go: it fails loudly without.
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkDeclaredTypes, pulumiConfig } from "../cli/stack-config";
import { CONFIG_KEYS, PROJECT } from "../components/config";
import { ConfigError } from "../components/errors";
import { runCommand } from "../cli/io";
import { generateStack, prng } from "./config-gen";

/** What Pulumi's loader made of a stack file (one line of the oracle's output). */
export interface OracleResult {
    name: string;
    values?: Record<string, string>;
    secretKeys?: string[];
    error?: string;
    environment?: boolean;
}

/** Why the reader (with Pulumi's check of declared types) disagrees with Pulumi on a file, or undefined. */
export function disagreement(project: string, text: string, want: OracleResult): string | undefined {
    let got: ReturnType<typeof pulumiConfig> | undefined;
    let refusal: string | undefined;
    try {
        const read = pulumiConfig(project, text, { project: "Pulumi.yaml", stack: "case" });
        checkDeclaredTypes(project, read, "case");
        got = read;
    } catch (e) {
        if (!(e instanceof ConfigError)) return `the reader threw ${String(e)}`;
        refusal = e.message;
    }
    if (want.error !== undefined) {
        if (!got) return undefined;
        // The plan does not read an encrypted value of a key that is not a secret: it refuses it.
        const named = /configuration key '([^']+)'/.exec(want.error)?.[1];
        const k = CONFIG_KEYS.find((c) => c.key === named);
        if (k && !k.secret && got.secure.includes(`${PROJECT}:${k.key}`)) return undefined;
        return `Pulumi refuses (${want.error}); the reader passes ${JSON.stringify(got.values)}`;
    }
    if (!got) return `Pulumi passes ${JSON.stringify(want.values)}; the reader refuses: ${refusal}`;
    const mine = { ...got.values, ...got.ciphertexts };
    const theirs = want.values ?? {};
    const keys = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort();
    const diffs = keys
        .filter((k) => mine[k] !== theirs[k])
        .map((k) => `${k}: Pulumi ${JSON.stringify(theirs[k])}, reader ${JSON.stringify(mine[k])}`);
    if (JSON.stringify(got.secure) !== JSON.stringify(want.secretKeys ?? [])) {
        diffs.push(
            `secure keys: Pulumi ${JSON.stringify(want.secretKeys ?? [])}, reader ${JSON.stringify(got.secure)}`,
        );
    }
    return diffs.length ? diffs.join("\n") : undefined;
}

/** The cases of one seed. */
export function cases(seed: number, count: number): { name: string; text: string }[] {
    const r = prng(seed);
    return Array.from({ length: count }, (_, i) => ({ name: `seed ${seed} #${i}`, text: generateStack(r) }));
}

function main(): number {
    const root = path.resolve(__dirname, "..");
    const project = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
    const perSeed = Number(process.env.CONFIG_DIFF_COUNT ?? 3000);
    const seeds = [1, Number(process.env.CONFIG_DIFF_SEED ?? crypto.randomInt(2 ** 31))];
    console.log(
        `config-diff: seeds ${seeds.join(" and ")} (CONFIG_DIFF_SEED=N repeats the second), ${perSeed} files each`,
    );
    // build.sh fails loudly, naming Go, when go is missing.
    const oracle = execFileSync("bash", [path.join(root, "scripts/config-oracle/build.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    const all = seeds.flatMap((s) => cases(s, perSeed));
    const out = execFileSync(oracle, [path.join(root, "Pulumi.yaml")], {
        input: all.map((c) => JSON.stringify(c)).join("\n") + "\n",
        encoding: "utf8",
        maxBuffer: 1 << 30,
    });
    const results = out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as OracleResult);
    if (results.length !== all.length) throw new Error(`the oracle answered ${results.length} of ${all.length} files`);
    let passed = 0;
    let failed = 0;
    for (const [i, c] of all.entries()) {
        const why = disagreement(project, c.text, results[i]);
        if (why === undefined) {
            passed++;
            continue;
        }
        failed++;
        if (failed <= 20) {
            console.log(
                `\nFAIL ${c.name}:\n${why}\n--- the stack file (JSON-quoted) ---\n${JSON.stringify(c.text)}\n--- as text ---\n${c.text}---`,
            );
        }
    }
    if (failed > 20) console.log(`\n(${failed - 20} more failures not printed)`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? 1 : 0;
}

if (require.main === module) runCommand(main);
