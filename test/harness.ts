// Runs the real component under Pulumi's mock engine and records every resource it registers.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    id?: string;
}

export interface MockOptions {
    preview: boolean;
    /** State the StorageCluster read returns; `null` makes the read fail as "not found". */
    live?: Record<string, unknown> | null;
    /** Seed for the fake random bytes, so a rotation test can tell runs apart. */
    seed?: string;
}

export function fixture(name: string): string {
    return fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
}

export function sampleLive(): Record<string, unknown> {
    return YAML.parse(fs.readFileSync(path.join(__dirname, "..", "examples", "storagecluster.yaml"), "utf8"));
}

/** Fake random bytes: a hash of the name and keepers, as hex, so runs are reproducible. */
function fakeHex(name: string, inputs: Record<string, unknown>, seed: string): string {
    return crypto
        .createHash("sha256")
        .update(`${seed}/${name}/${JSON.stringify(unwrapSecrets(inputs.keepers))}`)
        .digest("hex");
}

/** Removes the mock engine's secret wrappers, leaving plain values. */
export function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SECRET_SIG] !== undefined) return unwrapSecrets(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}

export async function setupMocks(opts: MockOptions): Promise<Recorded[]> {
    const recorded: Recorded[] = [];
    const seed = opts.seed ?? "seed";
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                recorded.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    ...(args.id ? { id: args.id } : {}),
                });
                if (args.id !== undefined && args.id !== "") {
                    if (opts.live === null) throw new Error(`resource '${args.id}' does not exist`);
                    return { id: args.id, state: opts.live ?? {} };
                }
                if (args.type === "random:index/randomBytes:RandomBytes") {
                    // In a real preview a new random value is unknown: leave it out.
                    if (opts.preview) return { id: `${args.name}-id`, state: { ...args.inputs } };
                    const hex = fakeHex(args.name, args.inputs, seed);
                    return {
                        id: `${args.name}-id`,
                        state: { ...args.inputs, hex, base64: Buffer.from(hex, "hex").toString("base64") },
                    };
                }
                return { id: `${args.name}-id`, state: { ...args.inputs } };
            },
            call(args) {
                throw new Error(`unexpected call ${args.token}`);
            },
        },
        "portworx-auth",
        "test",
        opts.preview,
    );
    return recorded;
}

/** Waits until the mock engine has seen every registration the program will make. */
export async function settle(recorded: Recorded[]): Promise<void> {
    let stable = 0;
    let last = -1;
    while (stable < 50) {
        await new Promise((r) => setImmediate(r));
        if (recorded.length === last) stable++;
        else {
            stable = 0;
            last = recorded.length;
        }
    }
}

/** Resolves an Output (or undefined when unknown in preview). */
export function value<T>(o: pulumi.Output<T>): Promise<T | undefined> {
    return (o as unknown as { promise(): Promise<T | undefined> }).promise();
}
