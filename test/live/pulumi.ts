/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// The real program (index.ts and components/, a copy of this repository's) driven by the real
// Pulumi CLI with a local file backend: no service, no download.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { run, type RunResult } from "./procs";

const ROOT = path.resolve(__dirname, "../..");
/** What the program needs; node_modules is linked, not copied. */
const PROJECT_FILES = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "components"];

export type StackConfig = Record<string, unknown>;

export class Project {
    readonly dir: string;
    private readonly env: NodeJS.ProcessEnv;

    private constructor(
        readonly home: string,
        toolsPath: string,
        kubeconfig: string,
        name: string,
    ) {
        this.dir = path.join(home, name);
        this.env = {
            ...process.env,
            PATH: `${toolsPath}:${process.env.PATH ?? ""}`,
            PULUMI_HOME: path.join(home, "pulumi-home"),
            PULUMI_CONFIG_PASSPHRASE: "live-suite-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "1",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            KUBECONFIG: kubeconfig,
            NO_COLOR: "1",
        };
        delete this.env.PULUMI_ACCESS_TOKEN;
        delete this.env.PULUMI_BACKEND_URL;
    }

    /**
     * Copies the program into `home/<opts.dir ?? "project">` and logs the CLI into `home/state`, which
     * projects of one home share. `opts.files` are written over the copy (another Pulumi.yaml, another program).
     */
    static async create(
        home: string,
        toolsPath: string,
        kubeconfig: string,
        opts: { dir?: string; files?: Record<string, string> } = {},
    ): Promise<Project> {
        const p = new Project(home, toolsPath, kubeconfig, opts.dir ?? "project");
        fs.mkdirSync(p.dir, { recursive: true });
        for (const f of PROJECT_FILES) fs.cpSync(path.join(ROOT, f), path.join(p.dir, f), { recursive: true });
        for (const [f, text] of Object.entries(opts.files ?? {})) fs.writeFileSync(path.join(p.dir, f), text);
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(p.dir, "node_modules"), "dir");
        fs.mkdirSync(path.join(home, "state"), { recursive: true });
        await p.must(["login", `file://${path.join(home, "state")}`]);
        return p;
    }

    /** Runs `pulumi <args>` in the project (`env` on top of the project's); never throws on a non-zero exit. */
    pulumi(args: string[], timeoutMs = 600_000, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
        return run("pulumi", [...args, "--non-interactive"], {
            cwd: this.dir,
            env: { ...this.env, ...env },
            timeoutMs,
        });
    }

    async must(args: string[]): Promise<RunResult> {
        const r = await this.pulumi(args);
        if (r.code !== 0) {
            throw new Error(
                `pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
            );
        }
        return r;
    }

    /** Creates a stack and writes its config (keys without a namespace get `portworx-auth:`). */
    async initStack(stack: string, config: StackConfig): Promise<void> {
        await this.must(["stack", "init", stack]);
        this.setConfig(stack, config);
    }

    stackFile(stack: string): string {
        return path.join(this.dir, "stacks", `Pulumi.${stack}.yaml`);
    }

    /** Replaces the stack's config, keeping what `stack init` wrote (the encryption salt). */
    setConfig(stack: string, config: StackConfig): void {
        const file = this.stackFile(stack);
        const doc = (fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) : null) ?? {};
        doc.config = Object.fromEntries(
            Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `portworx-auth:${k}`, v]),
        );
        fs.writeFileSync(file, YAML.stringify(doc));
    }

    /** The stack's outputs, secrets in clear. */
    async outputs(stack: string): Promise<Record<string, any>> {
        const r = await this.must(["stack", "output", "--json", "--show-secrets", "--stack", stack]);
        return JSON.parse(r.stdout) as Record<string, any>;
    }

    /** The resources in the stack's state, by type and name. */
    async resources(stack: string): Promise<{ type: string; urn: string; inputs?: any; outputs?: any }[]> {
        const r = await this.must(["stack", "export", "--stack", stack]);
        return (JSON.parse(r.stdout).deployment.resources ?? []) as { type: string; urn: string }[];
    }
}
