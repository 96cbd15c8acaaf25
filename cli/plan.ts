// `npm run plan -- --stack dev [--live storagecluster.yaml]`: prints what `pulumi up` would
// write for a stack, with no cluster, no Pulumi CLI and no credentials (`--all`: every stack, see
// cli/plan-all.ts). The stack's config is read as Pulumi hands it to the program
// (cli/stack-config.ts) and goes through the program's own reading (components/config.ts), so the
// plan and `pulumi up` see the same arguments.
//
// Exit status: 0 preflight passed; 1 preflight refused the cluster; 2 bad config, flags or files
// (one line naming the key, flag or file and the fix); 3 a bug (no stack trace unless asked for).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { configNames } from "../components/config";
import { ConfigError } from "../components/errors";
import { runCommand } from "./io";
import { fleetMain } from "./plan-all";
import { listStacks, planStack, ROOT, SAMPLE_LIVE } from "./stack-plan";

// The shared part lives in cli/stack-plan.ts; re-exported for callers of this module.
export {
    checkLiveStorageCluster,
    configSource,
    listStacks,
    planConfig,
    planStack,
    readLiveObject,
    SAMPLE_LIVE,
    settingsFromConfig,
    stackConfig,
    type PlanOptions,
} from "./stack-plan";

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
    try {
        let values;
        try {
            ({ values } = parseArgs({
                args: argv,
                options: {
                    stack: { type: "string" },
                    live: { type: "string" },
                    "stork-live": { type: "string" },
                    "cluster-objects": { type: "string" },
                    all: { type: "boolean" },
                    "live-dir": { type: "string" },
                    now: { type: "string" },
                },
                allowPositionals: false,
            }));
        } catch (e) {
            throw new ConfigError("usage", (e as Error).message.replace(/\.$/, ""), "see the usage below");
        }
        for (const f of values.all
            ? (["stack", "live", "stork-live", "cluster-objects"] as const)
            : (["live-dir", "now"] as const)) {
            if (values[f] !== undefined) {
                throw new ConfigError(
                    "usage",
                    `--${f} ${values.all ? "does not go" : "goes only"} with --all`,
                    "see the usage below",
                );
            }
        }
        if (values.all) {
            return await fleetMain(ROOT, { liveDir: values["live-dir"], now: values.now });
        }
        if (!values.stack) throw new ConfigError("--stack", "is required", "name a stack, such as --stack dev");
        const { text, ok } = await planStack(
            values.stack,
            values.live ?? path.join(ROOT, SAMPLE_LIVE),
            ROOT,
            values["stork-live"],
            values["cluster-objects"],
        );
        process.stdout.write(text);
        return ok ? 0 : 1;
    } catch (e) {
        if (e instanceof ConfigError) {
            process.stderr.write(`portworx-auth: ${e.describe(configNames)}\n`);
            if (e.field === "usage" || e.field === "--stack") {
                process.stderr.write(
                    `usage: npm run plan -- --stack NAME [--live storagecluster.yaml] [--stork-live stork-deployment.yaml] [--cluster-objects objects.yaml]\n` +
                        `       npm run plan -- --all [--live-dir DIR] [--now TIME]   (DIR holds <stack>.yaml)\n` +
                        `stacks: ${listStacks(ROOT).join(", ")}\n`,
                );
            }
            return 2;
        }
        // A bug: say so in one line; the trace only on request, since it could quote an input.
        process.stderr.write(
            `portworx-auth: internal error (${e instanceof Error ? e.name : "error"}); please report it. Set PORTWORX_AUTH_DEBUG=1 for the stack trace.\n`,
        );
        if (process.env.PORTWORX_AUTH_DEBUG === "1") {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
        }
        return 3;
    }
}

if (require.main === module) runCommand(main);
