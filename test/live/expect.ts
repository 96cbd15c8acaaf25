/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// What the server should hold, derived from the component's own pure core (buildPlan on the same
// stack file, the same live objects and the same key Secrets), and checks of the server's objects.
import assert from "node:assert/strict";
import { configSource, stackConfig } from "../../cli/plan";
import { resolveSettings } from "../../components/args";
import { argsFromConfig } from "../../components/config";
import type { EnvVar, KeyRole } from "../../components/env";
import { planKeys, type LiveSecretKeys } from "../../components/keys";
import { buildPlan, type Manifest, type Plan } from "../../components/plan";
import type { LiveDeployment, LiveStorageCluster } from "../../components/preflight";
import type { Kube } from "./cluster";

/**
 * What the component plans for the stack: from the same stack file (read as the Pulumi CLI reads
 * it, by the offline plan's reader), the same live objects, and the data key names of the key
 * Secrets it reads, read here the same way.
 */
export async function planFor(
    kube: Kube,
    projectDir: string,
    stack: string,
    live: LiveStorageCluster,
    stork?: LiveDeployment,
): Promise<Plan> {
    const s = resolveSettings(argsFromConfig(configSource(stackConfig(stack, projectDir), projectDir)));
    const secretKeys: LiveSecretKeys = {};
    for (const r of planKeys(s, live, stork).reads) {
        const secret = await kube.get(secretPath(r.namespace, r.name));
        secretKeys[`${r.namespace}/${r.name}`] = Object.keys(secret?.data ?? {});
    }
    return buildPlan(s, live, stork, secretKeys);
}

export const scPath = (ns: string, name: string) =>
    `/apis/core.libopenstorage.org/v1/namespaces/${ns}/storageclusters/${name}`;
export const secretPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/secrets/${name}`;
export const deploymentPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Server-side apply of `patch` over `base` where every list is atomic (as in the StorageCluster CRD). */
export function applyAtomic(base: unknown, patch: unknown): unknown {
    if (!isObj(base) || !isObj(patch)) return structuredClone(patch);
    const out: Obj = structuredClone(base);
    for (const [k, v] of Object.entries(patch)) out[k] = k in out ? applyAtomic(out[k], v) : structuredClone(v);
    return out;
}

/** The decoded value a secretKeyRef points at; fails when the Secret or its key is missing. */
export async function resolveRef(kube: Kube, ns: string, ref: { name: string; key: string }): Promise<string> {
    const secret = await kube.get(secretPath(ns, ref.name));
    assert.ok(secret, `secretKeyRef to Secret ${ns}/${ref.name}, which does not exist`);
    const data = secret.data?.[ref.key];
    assert.ok(typeof data === "string", `secretKeyRef to ${ns}/${ref.name} key ${ref.key}, which the Secret lacks`);
    const value = Buffer.from(data, "base64").toString("utf8");
    assert.ok(value.length > 0, `${ns}/${ref.name} key ${ref.key} is empty`);
    return value;
}

/** Every secretKeyRef in `env` resolved, by env name. */
export async function resolveEnv(kube: Kube, ns: string, env: EnvVar[] | undefined): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const e of env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) out.set(e.name, await resolveRef(kube, ns, ref as { name: string; key: string }));
    }
    return out;
}

/** The entries of `list` whose names are in `names`, in order. */
export const only = <T extends { name: string }>(list: T[] | undefined, names: string[]) =>
    (list ?? []).filter((e) => names.includes(e.name));

/** The stack output holding each key role's value. */
export const OUTPUT_OF: Record<KeyRole, string> = {
    system: "systemKey",
    apps: "appsKey",
    stork: "storkKey",
    shared: "sharedSecret",
};

/** The key Secrets a plan writes, and those it copies keys from, as `namespace/name`. */
export function planSecretIds(plan: Plan): string[] {
    const ids = plan.keys.secrets.flatMap((ks) => [
        `${ks.namespace}/${ks.name}`,
        ...ks.data.flatMap(([, src]) => ("copy" in src ? [src.copy.secret] : [])),
    ]);
    return [...new Set(ids)].sort();
}

/** The decoded data of each Secret, by `namespace/name`, then key; a missing Secret has none. */
export async function secretsData(kube: Kube, ids: string[]): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    for (const id of ids) {
        const [ns, name] = id.split("/");
        const data = ((await kube.get(secretPath(ns, name)))?.data ?? {}) as Record<string, string>;
        out[id] = Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
        );
    }
    return out;
}

/**
 * Each key Secret the plan writes exists and holds every data key the plan gives it: a key role's
 * value (the stack output's), or a copy of a live data key (its value before this run). Token
 * Secrets hold minted tokens. Values are compared without ever being printed.
 */
export async function checkPlanSecrets(
    kube: Kube,
    plan: Plan,
    outputs: Record<string, any>,
    before: Record<string, Record<string, string>>,
): Promise<void> {
    for (const ks of plan.keys.secrets) {
        for (const [key, src] of ks.data) {
            const value = await resolveRef(kube, ks.namespace, { name: ks.name, key });
            const want = "role" in src ? outputs[OUTPUT_OF[src.role]] : before[src.copy.secret]?.[src.copy.key];
            assert.ok(
                want !== undefined && value === want,
                `${ks.namespace}/${ks.name} ${key} does not hold its planned value`,
            );
        }
    }
    for (const m of plan.tokenSecrets) {
        const name = m.metadata.name;
        const value = await resolveRef(kube, m.metadata.namespace, { name, key: Object.keys(m.data as object)[0] });
        assert.ok(Object.values(outputs.tokens ?? {}).includes(value), `token Secret ${name} holds no minted token`);
    }
}

/**
 * The leaf paths of a managedFields `fieldsV1` set, such as `spec.env` or
 * `spec.template.spec.containers.k:{"name":"stork"}.env.k:{"name":"X"}.valueFrom.secretKeyRef.key`.
 */
export function fieldPaths(fields: Obj, prefix = ""): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
        if (k === ".") continue;
        const name = k.startsWith("f:") ? k.slice(2) : k;
        const p = prefix ? `${prefix}.${name}` : name;
        const children = isObj(v) ? Object.keys(v).filter((c) => c !== ".") : [];
        if (children.length === 0) out.push(p);
        else out.push(...fieldPaths(v as Obj, p));
    }
    return out.sort();
}

/** Core types the API marks `x-kubernetes-map-type: atomic`: SSA owns them whole. */
const ATOMIC_MAPS = ["secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"];

/**
 * The leaf paths an object sets, in the same form: `keyed` names the lists that are maps keyed
 * by `name` (a Deployment's containers and env); every other list is atomic, one leaf.
 */
export function objectPaths(obj: unknown, keyed: string[] = [], prefix = ""): string[] {
    if (Array.isArray(obj) && keyed.includes(prefix.replace(/\.k:\{[^}]*\}/g, ""))) {
        return obj.flatMap((item: Obj) => {
            const p = `${prefix}.k:{"name":${JSON.stringify(item.name)}}`;
            const rest = objectPaths(item, keyed, p);
            return rest.length ? rest : [p];
        });
    }
    if (!isObj(obj)) return [prefix];
    const out: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
        const p = prefix ? `${prefix}.${k}` : k;
        if ((isObj(v) && Object.keys(v).length === 0) || ATOMIC_MAPS.includes(k)) out.push(p);
        else out.push(...objectPaths(v, keyed, p));
    }
    return out.sort();
}

/** The leaf paths a patch manifest sets: its labels, its annotations (the provider sends them too), its spec. */
export function written(m: Manifest, keyed: string[] = []): string[] {
    const { labels, annotations } = m.metadata;
    return objectPaths({ metadata: { labels, annotations }, spec: m.spec }, keyed).filter(
        (p) => !/^metadata\.(labels|annotations)$/.test(p),
    );
}

/** The leaf paths `manager` owns in `obj` through server-side apply. */
export function ownedBy(obj: { metadata?: { managedFields?: Obj[] } }, manager: string): string[] {
    const entries = (obj.metadata?.managedFields ?? []).filter((m) => m.manager === manager && m.operation === "Apply");
    return entries.flatMap((m) => fieldPaths((m.fieldsV1 ?? {}) as Obj)).sort();
}
