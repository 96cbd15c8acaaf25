// The shapes of the live objects this project reads, checked before any decision is made on them. An API server
// holds a StorageCluster to its CRD's schema, but a `--live` file, a CRD without a schema or a test hands over
// anything, and a list where a map was expected must be a named error, never a TypeError. Pure.
import type { Settings } from "./settings";

/** The first field of a live object that is not the shape this project reads. */
export interface ShapeProblem {
    /** Its path, such as `spec.autopilot.env[2]`. */
    field: string;
    /** What is wrong with it, to follow the path: `is not a list`. */
    problem: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

function map(field: string, v: unknown): ShapeProblem | undefined {
    return absent(v) || isObj(v) ? undefined : { field, problem: "is not a map" };
}

/** A list of entries with a name (env vars, volumes, containers), as kubectl prints them. */
function namedList(field: string, list: unknown): ShapeProblem | undefined {
    if (absent(list)) return undefined;
    if (!Array.isArray(list)) {
        return { field, problem: "is not a list (kubectl prints it as a list of entries with a name)" };
    }
    const i = list.findIndex((e) => !isObj(e) || typeof e.name !== "string" || e.name === "");
    return i < 0 ? undefined : { field: `${field}[${i}]`, problem: "is not an entry with a name" };
}

const first = (...checks: (() => ShapeProblem | undefined)[]) => {
    for (const c of checks) {
        const p = c();
        if (p) return p;
    }
    return undefined;
};

/** The first field of a live StorageCluster that is not the shape this project reads; undefined when none is. */
export function storageClusterShape(live: unknown): ShapeProblem | undefined {
    if (absent(live)) return undefined;
    if (!isObj(live)) return { field: "StorageCluster", problem: "is not a map" };
    const spec: Obj = isObj(live.spec) ? live.spec : {};
    const { stork, autopilot, security, nodes } = spec;
    const auth = isObj(security) ? security.auth : undefined;
    return first(
        () => map("metadata", live.metadata),
        () => map("spec", live.spec),
        () => namedList("spec.env", spec.env),
        () => namedList("spec.volumes", spec.volumes),
        () => map("spec.stork", stork),
        () => namedList("spec.stork.env", isObj(stork) ? stork.env : undefined),
        () => map("spec.autopilot", autopilot),
        () => namedList("spec.autopilot.env", isObj(autopilot) ? autopilot.env : undefined),
        () => map("spec.security", security),
        () => map("spec.security.auth", auth),
        () => map("spec.security.auth.selfSigned", isObj(auth) ? auth.selfSigned : undefined),
        () => map("spec.security.tls", isObj(security) ? security.tls : undefined),
        () => (absent(nodes) || Array.isArray(nodes) ? undefined : { field: "spec.nodes", problem: "is not a list" }),
        ...(Array.isArray(nodes) ? nodes : []).map(
            (n: unknown, i) => () =>
                isObj(n)
                    ? namedList(`spec.nodes[${i}].env`, n.env)
                    : { field: `spec.nodes[${i}]`, problem: "is not a map" },
        ),
    );
}

/** The first field of a live Deployment (Stork's) that is not the shape this project reads; undefined when none is. */
export function deploymentShape(live: unknown): ShapeProblem | undefined {
    if (absent(live)) return undefined;
    if (!isObj(live)) return { field: "Deployment", problem: "is not a map" };
    const template = isObj(live.spec) ? live.spec.template : undefined;
    const podSpec = isObj(template) ? template.spec : undefined;
    const containers = isObj(podSpec) ? podSpec.containers : undefined;
    return first(
        () => map("metadata", live.metadata),
        () => map("spec", live.spec),
        () => map("spec.template", template),
        () => map("spec.template.spec", podSpec),
        () => namedList("spec.template.spec.containers", containers),
        ...(Array.isArray(containers) ? containers : []).map(
            (c: Obj, i) => () => namedList(`spec.template.spec.containers[${i}].env`, c.env),
        ),
    );
}

/**
 * The program's refusal of live objects of the wrong shape, naming the object, the field and the fix; undefined
 * when both are fine.
 */
export function liveShapeRefusal(s: Settings, cluster: unknown, stork?: unknown): string | undefined {
    const objects = [
        { p: storageClusterShape(cluster), kind: "StorageCluster", ns: s.namespace, name: s.storageClusterName },
        { p: deploymentShape(stork), kind: "Deployment", ns: s.stork.namespace, name: s.stork.deploymentName },
    ];
    for (const { p, kind, ns, name } of objects) {
        if (p) {
            return `${kind} ${ns}/${name}: ${p.field} ${p.problem}, so this project cannot read it; nothing was written. Fix: correct ${p.field} (kubectl edit ${kind.toLowerCase()} -n ${ns} ${name}), then run again`;
        }
    }
    return undefined;
}
