// `npm run plan -- --stack dev [--live storagecluster.yaml]`: prints what `pulumi up` would
// write for a stack, with no cluster, no Pulumi CLI and no credentials.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as YAML from "yaml";
import { checkSuppliedValues, ConfigError, resolveSettings } from "../components/args";
import { argsFromConfig } from "../components/config";
import { buildPlan, REDACTED, renderPlan } from "../components/plan";
import type { LiveDeployment, LiveStorageCluster } from "../components/preflight";

const ROOT = path.resolve(__dirname, "..");
const PROJECT = "portworx-auth";

/** Stack config as the program sees it: Pulumi.yaml defaults under the stack file's values. */
export function stackConfig(stack: string, root = ROOT): Map<string, unknown> {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    const file = path.join(root, project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new ConfigError(
            "--stack",
            `no stack file ${path.relative(root, file)}`,
            `create it, or pick one of: ${listStacks(root).join(", ")}`,
        );
    }
    const values = new Map<string, unknown>();
    for (const [k, v] of Object.entries(project.config ?? {})) {
        const d = (v as { default?: unknown }).default;
        if (d !== undefined) values.set(k, d);
    }
    const stackFile = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
    for (const [k, v] of Object.entries(stackFile.config ?? {})) {
        if (k.startsWith(`${PROJECT}:`)) values.set(k.slice(PROJECT.length + 1), v);
    }
    // Pulumi refuses to run a stack that leaves a declared key without a default unset.
    for (const k of Object.keys(project.config ?? {})) {
        if (!values.has(k)) {
            throw new ConfigError(
                k,
                `stack ${stack} does not set it, and Pulumi.yaml declares it without a default, so Pulumi would refuse to run`,
                `pulumi config set ${k} VALUE --stack ${stack}`,
            );
        }
    }
    return values;
}

/** Stack names from `<stackConfigDir>/Pulumi.<stack>.yaml`; empty when the checkout has none. */
export function listStacks(root = ROOT): string[] {
    const projectFile = path.join(root, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) return [];
    const project = YAML.parse(fs.readFileSync(projectFile, "utf8")) ?? {};
    const dir = path.join(root, project.stackConfigDir ?? ".");
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        .map((f) => f.slice("Pulumi.".length, -".yaml".length))
        .sort();
}

/** Builds the plan text and whether preflight passed. */
export async function planStack(
    stack: string,
    livePath: string,
    root = ROOT,
    /** Deployment mode: `kubectl get deployment stork -o yaml` output; unread when unset. */
    storkLivePath?: string,
): Promise<{ text: string; ok: boolean }> {
    const values = stackConfig(stack, root);
    const plain = (k: string) => {
        const v = values.get(k);
        return v === undefined || v === null || typeof v === "object" ? undefined : String(v);
    };
    const args = argsFromConfig({
        get: plain,
        getBoolean: (k) => {
            const v = values.get(k);
            return v === undefined ? undefined : v === true || v === "true";
        },
        getNumber: (k) => {
            const v = values.get(k);
            return v === undefined ? undefined : Number(v);
        },
        getObject: (k) => values.get(k),
        // Encrypted values stay encrypted: the plan only knows one is set.
        getSecret: (k) => (values.has(k) ? REDACTED : undefined),
        readFile: (p) => fs.readFileSync(path.resolve(root, p), "utf8"),
    });
    const settings = resolveSettings(args);
    const { rsaPublicKey, ecdsaPublicKey } = args.selfSigned ?? {};
    await checkSuppliedValues({
        rsaPublicKey: rsaPublicKey as string | undefined,
        ecdsaPublicKey: ecdsaPublicKey as string | undefined,
    });
    if (!fs.existsSync(livePath)) {
        throw new ConfigError(
            "--live",
            `no file ${livePath}`,
            "pass the output of kubectl get storagecluster NAME -n NAMESPACE -o yaml",
        );
    }
    const live = YAML.parse(fs.readFileSync(livePath, "utf8")) as LiveStorageCluster | null;
    if (storkLivePath !== undefined && !fs.existsSync(storkLivePath)) {
        throw new ConfigError(
            "--stork-live",
            `no file ${storkLivePath}`,
            "pass the output of kubectl get deployment stork -n NAMESPACE -o yaml",
        );
    }
    const storkLive =
        storkLivePath === undefined
            ? undefined
            : (YAML.parse(fs.readFileSync(storkLivePath, "utf8")) as LiveDeployment | null);
    const plan = buildPlan(settings, live, storkLive);
    return {
        text: renderPlan(plan, `stack ${stack}, live ${path.relative(root, path.resolve(livePath)) || livePath}`),
        ok: plan.findings.length === 0,
    };
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string" }, live: { type: "string" }, "stork-live": { type: "string" } },
        allowPositionals: false,
    });
    if (!values.stack) {
        process.stderr.write(
            `usage: npm run plan -- --stack NAME [--live storagecluster.yaml] [--stork-live stork-deployment.yaml]\nstacks: ${listStacks(ROOT).join(", ")}\n`,
        );
        return 2;
    }
    try {
        const { text, ok } = await planStack(
            values.stack,
            values.live ?? path.join(ROOT, "examples", "storagecluster.yaml"),
            ROOT,
            values["stork-live"],
        );
        process.stdout.write(text);
        return ok ? 0 : 1;
    } catch (e) {
        if (e instanceof ConfigError) {
            process.stderr.write(`portworx-auth: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    void main().then((code) => process.exit(code));
}
