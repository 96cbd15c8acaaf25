// The shared part of the plan CLI: reading a stack's config and the live objects, and planning
// one stack. cli/plan.ts (one stack) and cli/plan-all.ts (every stack) both build on it, so
// neither imports the other.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { resolveSettings, type Settings } from "../components/args";
import { argsFromConfig, CONFIG_KEYS, configNames, PROJECT, type ConfigSource } from "../components/config";
import { ConfigError } from "../components/errors";
import { deploymentShape, storageClusterShape, type ShapeProblem } from "../components/liveShape";
import { buildPlan, REDACTED, renderPlan, type Plan } from "../components/plan";
import type { LiveDeployment, LiveStorageCluster } from "../components/preflight";
import { checkCluster, tenancyChecks, type LiveObject } from "../components/tenants";
import { checkSuppliedValues } from "../components/trust";
import { checkDeclaredTypes, pulumiConfig, type PulumiConfig } from "./stack-config";

export const ROOT = path.resolve(__dirname, "..");
export const SAMPLE_LIVE = path.join("examples", "storagecluster.yaml");

/** A file a flag or the project names, or a ConfigError naming it: never an errno trace. */
function readNamed(what: string, file: string, fix: string): string {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch {
        throw new ConfigError(what, `no file ${file}`, fix);
    }
    if (stat.isDirectory()) throw new ConfigError(what, `${file} is a directory, not a file`, fix);
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(what, `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`, fix);
    }
}

function projectFile(root: string): { text: string; stackDir: string } {
    const file = path.join(root, "Pulumi.yaml");
    const text = readNamed("Pulumi.yaml", file, "run the plan from a checkout of this project");
    const project = YAML.parse(text, { prettyErrors: false }) as { stackConfigDir?: unknown } | null;
    const dir = typeof project?.stackConfigDir === "string" ? project.stackConfigDir : ".";
    return { text, stackDir: path.join(root, dir) };
}

/** The config the program receives for a stack, as the Pulumi CLI makes it from the stack file and Pulumi.yaml. */
export function stackConfig(stack: string, root = ROOT): PulumiConfig {
    // A stack name, never a path: `--stack ../x` must not read a file outside the stacks folder.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(stack) || stack.includes("..")) {
        throw new ConfigError(
            "--stack",
            `"${stack.slice(0, 100)}" is not a stack name (letters, digits, '_', '.' and '-'; no path)`,
            `name a stack, one of: ${listStacks(root).join(", ") || "(none)"}`,
        );
    }
    const { text, stackDir } = projectFile(root);
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    const rel = path.relative(root, file);
    if (!fs.existsSync(file)) {
        throw new ConfigError(
            "--stack",
            `no stack file ${rel}`,
            `create it, or pick one of: ${listStacks(root).join(", ") || "(none)"}`,
        );
    }
    const stackText = readNamed(rel, file, `fix ${rel}`);
    const config = pulumiConfig(text, stackText, { project: "Pulumi.yaml", stack: rel });
    checkDeclaredTypes(text, config, rel);
    return config;
}

/** Stack names from `<stackConfigDir>/Pulumi.<stack>.yaml`; empty when the checkout has none. */
export function listStacks(root = ROOT): string[] {
    let dir: string;
    try {
        dir = projectFile(root).stackDir;
    } catch {
        return [];
    }
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
        .map((f) => f.slice("Pulumi.".length, -".yaml".length))
        .sort();
}

/** The program's config source over what Pulumi would hand it; encrypted values stay unknown. */
export function configSource(config: PulumiConfig, root: string): ConfigSource {
    const prefix = `${PROJECT}:`;
    const encrypted = new Set(config.secure);
    return {
        keys: () =>
            [...Object.keys(config.values), ...config.secure]
                .filter((k) => k.startsWith(prefix))
                .map((k) => k.slice(prefix.length)),
        get: (k) => {
            if (encrypted.has(prefix + k)) {
                throw new ConfigError(
                    k,
                    "is encrypted in the stack file, so the offline plan cannot read it (only sharedSecret and rsaPrivateKey are read as secrets)",
                    `store it in plain text (pulumi config set ${k} VALUE), or check it with pulumi preview`,
                );
            }
            return config.values[prefix + k];
        },
        getSecret: (k) => (encrypted.has(prefix + k) ? REDACTED : config.values[prefix + k]),
        readFile: (p) => fs.readFileSync(path.resolve(root, p), "utf8"),
    };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `kind namespace/name` of a Kubernetes object, for messages. */
function describeObject(o: unknown): string {
    const m = isObj(o) && isObj(o.metadata) ? o.metadata : {};
    return `${isObj(o) && typeof o.kind === "string" ? o.kind : "object"} ${String(m.namespace ?? "?")}/${String(m.name ?? "?")}`;
}

/**
 * The object a flag names in kubectl's YAML: one object, a `kind: List` (what `kubectl get`
 * prints without a name), or several documents; picked by kind, name and namespace.
 */
export function readLiveObject(
    flag: string,
    file: string,
    want: { kind: string; name: string; namespace: string; command: string },
): Obj {
    const fix = `pass the output of ${want.command}`;
    const text = readNamed(flag, file, fix);
    const lineCounter = new YAML.LineCounter();
    const docs = YAML.parseAllDocuments(text, { prettyErrors: false, lineCounter });
    const all = Array.isArray(docs) ? docs : [docs];
    for (const d of all) {
        const problem = d.errors[0];
        if (problem) {
            const { line, col } = lineCounter.linePos(problem.pos[0]);
            // Never the parser's message: it quotes the line, and live objects may hold literal secrets.
            throw new ConfigError(flag, `${file} is not valid YAML at line ${line}, column ${col}`, fix);
        }
    }
    const objects: unknown[] = [];
    for (const d of all) {
        const v: unknown = d.toJS();
        if (v === null || v === undefined) continue;
        if (isObj(v) && typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) {
            objects.push(...v.items);
        } else {
            objects.push(v);
        }
    }
    if (objects.length === 0) throw new ConfigError(flag, `${file} is empty`, fix);
    const bad = objects.findIndex((o) => !isObj(o) || !isObj(o.metadata));
    if (bad >= 0) {
        throw new ConfigError(flag, `${file} holds something that is not a Kubernetes object (item ${bad})`, fix);
    }
    const id = `${want.namespace}/${want.name}`;
    const match = (objects as Obj[]).find((o) => {
        const m = o.metadata as Obj;
        return o.kind === want.kind && m.name === want.name && (m.namespace ?? want.namespace) === want.namespace;
    });
    if (!match) {
        throw new ConfigError(
            flag,
            `${file} holds ${objects.map(describeObject).join(", ")}; none is the ${want.kind} ${id} this stack configures`,
            fix,
        );
    }
    return match;
}

/** Refuses the shapes kubectl never prints, naming the file and field, so the plan never trips on them. */
function refuseShape(flag: string, file: string, p: ShapeProblem | undefined): void {
    if (p) throw new ConfigError(flag, `${file}: ${p.field} ${p.problem}`, `fix ${p.field} in ${file}`);
}

export function checkLiveStorageCluster(flag: string, file: string, live: Obj): LiveStorageCluster {
    refuseShape(flag, file, storageClusterShape(live));
    return live as LiveStorageCluster;
}

function checkLiveDeployment(flag: string, file: string, live: Obj): LiveDeployment {
    refuseShape(flag, file, deploymentShape(live));
    return live as LiveDeployment;
}

/** Every object in a kubectl YAML file (a `List` is flattened), for the cluster checks. */
function readClusterObjects(flag: string, file: string): LiveObject[] {
    const fix = "pass the output of kubectl get namespaces,storageclasses,volumesnapshotclasses -o yaml";
    const docs = YAML.parseAllDocuments(readNamed(flag, file, fix), { prettyErrors: false });
    const all = Array.isArray(docs) ? docs : [docs];
    if (all.some((d) => d.errors.length > 0)) throw new ConfigError(flag, `${file} is not valid YAML`, fix);
    return all
        .map((d) => d.toJS() as unknown)
        .flatMap((v) => (isObj(v) && Array.isArray(v.items) ? (v.items as unknown[]) : [v]))
        .filter((o): o is LiveObject => isObj(o) && typeof o.kind === "string" && isObj(o.metadata));
}

/** Options of {@link planStack}. */
export interface PlanOptions {
    root?: string;
    /** Deployment mode: `kubectl get deployment stork -o yaml` output; unread when unset. */
    storkLivePath?: string;
}

/** The settings and the checks of every plain-text value, exactly as the program makes them. */
export async function settingsFromConfig(config: PulumiConfig, root = ROOT): Promise<Settings> {
    const source = configSource(config, root);
    const args = argsFromConfig(source);
    const settings = resolveSettings(args);
    // Plain-text values are checked as the component checks them; encrypted ones only pulumi can read.
    const known = (k: string) => (config.secure.includes(`${PROJECT}:${k}`) ? undefined : source.getSecret(k));
    await checkSuppliedValues({
        sharedSecret: known("sharedSecret") as string | undefined,
        rsaPublicKey: args.selfSigned?.rsaPublicKey as string | undefined,
        ecdsaPublicKey: args.selfSigned?.ecdsaPublicKey as string | undefined,
        rsaPrivateKey: known("rsaPrivateKey") as string | undefined,
    });
    return settings;
}

/** Builds the plan text and whether preflight passed. Throws ConfigError for bad config, flags or files. */
export async function planStack(
    stack: string,
    livePath: string,
    root = ROOT,
    storkLivePath?: string,
    clusterObjectsPath?: string,
): Promise<{ text: string; ok: boolean; plan: Plan }> {
    return planConfig(stackConfig(stack, root), stack, livePath, root, storkLivePath, clusterObjectsPath);
}

/** What YAML made of an unquoted value: a boolean, a date or a number. */
function convertedTo(passed: string): string {
    return /^(true|false)$/.test(passed) ? "a boolean" : /^[0-9]{4}-/.test(passed) ? "a date" : "a number";
}

/** A refusal of a value YAML converted says so: the user wrote something else than what is refused. */
export function explainConverted(e: ConfigError, config: PulumiConfig): ConfigError {
    const key = configNames(e.field);
    // Never echo a secret key's value, converted or not.
    if (CONFIG_KEYS.find((k) => k.key === key)?.secret) return e;
    const r = config.rewritten.find((x) => x.key === `${PROJECT}:${key}`);
    if (!r) return e;
    return new ConfigError(
        e.field,
        `YAML read the unquoted ${r.written} as ${convertedTo(r.passed)}, and Pulumi passes "${r.passed}", which ${e.problem}`,
        `quote it in the stack file (${key}: "${r.written}"), or ${e.fix}`,
    );
}

/** {@link planStack} for config already read. */
export async function planConfig(
    config: PulumiConfig,
    stack: string,
    livePath: string,
    root = ROOT,
    storkLivePath?: string,
    /** `kubectl get namespaces,storageclasses,volumesnapshotclasses -o yaml` output; unread when unset. */
    clusterObjectsPath?: string,
): Promise<{ text: string; ok: boolean; plan: Plan }> {
    let s;
    try {
        s = await settingsFromConfig(config, root);
    } catch (e) {
        throw e instanceof ConfigError ? explainConverted(e, config) : e;
    }
    const sample = path.resolve(livePath) === path.resolve(root, SAMPLE_LIVE);
    const want = {
        kind: "StorageCluster",
        name: s.storageClusterName,
        namespace: s.namespace,
        command: `kubectl get storagecluster ${s.storageClusterName} -n ${s.namespace} -o yaml`,
    };
    // The sample stands in for the stack's own StorageCluster, under its name.
    const object = sample
        ? { ...readLiveObject("--live", livePath, { ...want, name: "px-cluster", namespace: "portworx" }) }
        : readLiveObject("--live", livePath, want);
    if (sample) object.metadata = { ...(object.metadata as Obj), name: s.storageClusterName, namespace: s.namespace };
    const live = checkLiveStorageCluster("--live", livePath, object);
    let storkLive: LiveDeployment | undefined;
    if (storkLivePath !== undefined) {
        if (s.securityMode !== "env" || s.stork.mode !== "deployment") {
            throw new ConfigError(
                "--stork-live",
                `only applies with storkMode deployment in securityMode env; this stack has storkMode ${s.stork.mode}, securityMode ${s.securityMode}`,
                "leave --stork-live out",
            );
        }
        storkLive = checkLiveDeployment(
            "--stork-live",
            storkLivePath,
            readLiveObject("--stork-live", storkLivePath, {
                kind: "Deployment",
                name: s.stork.deploymentName,
                namespace: s.stork.namespace,
                command: `kubectl get deployment ${s.stork.deploymentName} -n ${s.stork.namespace} -o yaml`,
            }),
        );
    }
    const plan = buildPlan(s, live, storkLive);
    // The program's cluster checks, as index.ts names the component; offline only on objects given.
    const checks = tenancyChecks(s.tenancy, `${PROJECT}/${stack}/${PROJECT}`);
    if (clusterObjectsPath !== undefined) {
        for (const refusal of checkCluster(checks, readClusterObjects("--cluster-objects", clusterObjectsPath))) {
            const at = refusal.indexOf(": ");
            plan.findings.push({ field: refusal.slice(0, at), message: refusal.slice(at + 2) });
        }
    }
    const shown = path.relative(root, path.resolve(livePath)) || livePath;
    let text = renderPlan(plan, `stack ${stack}, live ${shown}${sample ? " (a sample, not your cluster)" : ""}`);
    const notices = [
        ...(sample
            ? [
                  `Planned against ${SAMPLE_LIVE}, a sample StorageCluster shipped with this project (named ${s.namespace}/${s.storageClusterName} here), not your cluster. For your cluster: kubectl get storagecluster ${s.storageClusterName} -n ${s.namespace} -o yaml > live.yaml, then npm run plan -- --stack ${stack} --live live.yaml`,
              ]
            : []),
        ...(checks.length > 0 && clusterObjectsPath === undefined
            ? [
                  `Not checked offline: that ${checks
                      .map((c) => `${c.kind} ${c.name} ${c.mustExist ? "exists" : "is free (or this stack's)"}`)
                      .join(
                          ", ",
                      )}. pulumi preview and pulumi up check these on the cluster before anything is written; to check them here, pass --cluster-objects with the output of kubectl get namespaces,storageclasses,volumesnapshotclasses -o yaml.`,
              ]
            : []),
        ...config.rewritten
            .filter((r) => r.key.startsWith(`${PROJECT}:`))
            .map(
                (r) =>
                    `${r.key.slice(PROJECT.length + 1)}: the stack file has ${r.written} unquoted, which YAML reads as ${convertedTo(r.passed)}, so Pulumi passes "${r.passed}". Quote it ("${r.written}") if you meant the text.`,
            ),
    ];
    if (notices.length) {
        const [title, ...rest] = text.split("\n");
        text = [title, "", ...notices.map((n) => `Note: ${n}`), ...rest].join("\n");
        if (sample) text += `Note: the sample, not your cluster, was planned against (see the first note).\n`;
    }
    return { text, ok: plan.findings.length === 0, plan };
}
