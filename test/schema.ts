// Validates the manifests this project writes against real schemas: the Portworx operator's
// StorageCluster CRD (with ajv, honouring the Kubernetes structural-schema extensions and
// reporting the fields the API server would prune) and the core/apps types of kubernetes-models.
// Test helper only; nothing in components/ imports it.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type SchemaValidateFunction } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import { ConfigMap, Secret } from "kubernetes-models/v1";
import * as YAML from "yaml";
import { validateVolumeSnapshotClass, VOLUME_SNAPSHOT_CLASS_API_VERSION } from "./snapshotSchema";

const FIXTURES = path.join(__dirname, "fixtures");
const EXAMPLES = path.join(__dirname, "..", "examples");

export const STORAGE_CLUSTER_API_VERSION = "core.libopenstorage.org/v1";

type JsonObject = Record<string, unknown>;

/** A schema node of the CRD (OpenAPI v3 with the x-kubernetes-* extensions). */
export interface SchemaNode {
    type?: string;
    properties?: Record<string, SchemaNode>;
    items?: SchemaNode;
    additionalProperties?: boolean | SchemaNode;
    required?: string[];
    default?: unknown;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    "x-kubernetes-list-map-keys"?: string[];
    "x-kubernetes-map-type"?: "atomic" | "granular";
    [keyword: string]: unknown;
}

function isObject(v: unknown): v is JsonObject {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

function clone<T>(v: T): T {
    return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

// ---------------------------------------------------------------------------------------------
// Paths

function segment(key: string | number, inArray: boolean): string {
    if (inArray) return `[${key}]`;
    const k = String(key);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function joinPath(base: string, key: string | number, inArray: boolean): string {
    const s = segment(key, inArray);
    return base === "" && s.startsWith(".") ? s.slice(1) : base + s;
}

/** `/spec/env/0/name` read against `data` as `spec.env[0].name`; `(root)` for the empty pointer. */
export function readablePath(pointer: string, data: unknown): string {
    if (pointer === "") return "(root)";
    let out = "";
    let cur: unknown = data;
    for (const raw of pointer.split("/").slice(1)) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        const inArray = Array.isArray(cur);
        out = joinPath(out, key, inArray);
        cur = inArray ? (cur as unknown[])[Number(key)] : isObject(cur) ? cur[key] : undefined;
    }
    return out;
}

function prefixed(prefix: string, errors: string[]): string[] {
    return errors.map((e) => `${prefix}${e}`);
}

// ---------------------------------------------------------------------------------------------
// The StorageCluster CRD

/**
 * The operator's CRD is written for Go's lenient YAML parser: some multi-line quoted scalars
 * continue at the indentation of their key, which YAML 1.2 (and the `yaml` package) refuses
 * ("Missing closing 'quote"). Continuation lines of a quoted scalar are folded with their leading
 * white space stripped, so indenting them changes no value; this does only that, and only inside
 * a quoted scalar left open at the end of a `key: '...` line. The fixture itself stays unchanged.
 */
export function reindentQuotedContinuations(text: string): string {
    const closes = (rest: string, quote: string): boolean => {
        for (let i = 0; i < rest.length; i++) {
            if (quote === '"' && rest[i] === "\\") {
                i++;
            } else if (rest[i] === quote) {
                if (quote === "'" && rest[i + 1] === "'") i++;
                else return true;
            }
        }
        return false;
    };
    let open: { indent: number; quote: string } | undefined;
    return text
        .split("\n")
        .map((line) => {
            if (open) {
                const indent = /^ */.exec(line)?.[0].length ?? 0;
                const out =
                    line.trim() !== "" && indent <= open.indent ? " ".repeat(open.indent + 2 - indent) + line : line;
                if (closes(line.trimStart(), open.quote)) open = undefined;
                return out;
            }
            const m = /^( *)(?:- )?[^\s'"#-][^:]*: (['"])(.*)$/.exec(line);
            if (m && !closes(m[3] as string, m[2] as string)) {
                open = { indent: (m[1] as string).length, quote: m[2] as string };
            }
            return line;
        })
        .join("\n");
}

interface Crd {
    spec: { versions: { name: string; schema: { openAPIV3Schema: SchemaNode } }[] };
}

/**
 * The two StorageCluster CRDs every patch is checked against: the operator's master (which has
 * `security.tls` and `security.auth.enabled`), and the one released clusters get (operator
 * 26.2.1, which has neither). See fixtures/README.md.
 */
export const CRDS = {
    master: "storagecluster-crd.yaml",
    "operator-26.2.1": "storagecluster-crd-operator-26.2.1.yaml",
} as const;
export type CrdName = keyof typeof CRDS;
export const CRD_NAMES = Object.keys(CRDS) as CrdName[];

const crdCache = new Map<CrdName, Crd>();

/** A fixture CRD, parsed. */
export function storageClusterCrd(crd: CrdName = "master"): Crd {
    let parsed = crdCache.get(crd);
    if (!parsed) {
        const text = fs.readFileSync(path.join(FIXTURES, CRDS[crd]), "utf8");
        parsed = YAML.parse(reindentQuotedContinuations(text)) as Crd;
        crdCache.set(crd, parsed);
    }
    return parsed;
}

/** `spec.versions[name=v1].schema.openAPIV3Schema`, as published. */
export function storageClusterSchema(crd: CrdName = "master"): SchemaNode {
    const v1 = storageClusterCrd(crd).spec.versions.find((v) => v.name === "v1");
    if (!v1) throw new Error(`the CRD fixture ${CRDS[crd]} has no v1 version`);
    return v1.schema.openAPIV3Schema;
}

/**
 * Turns pruning into rejection: every object node that declares its fields (or declares none)
 * and does not set x-kubernetes-preserve-unknown-fields gets `additionalProperties: false`, so a
 * field the API server would silently drop is an error. Follows only the structural positions
 * (properties, items, additionalProperties), as pruning does; value validations (anyOf, ...) are
 * left alone. The root `metadata` is ObjectMeta, which the API server validates and prunes by its
 * own rules (the CRD only says `type: object`): it is left open here and checked as ObjectMeta by
 * {@link validateStorageCluster}.
 */
export function closeUnknownFields(node: SchemaNode, atRoot = true): SchemaNode {
    const out: SchemaNode = { ...node };
    if (node.properties) {
        out.properties = Object.fromEntries(
            Object.entries(node.properties).map(([k, child]) => [
                k,
                atRoot && k === "metadata" ? child : closeUnknownFields(child, false),
            ]),
        );
    }
    if (node.items && isObject(node.items)) out.items = closeUnknownFields(node.items, false);
    if (isObject(node.additionalProperties)) {
        out.additionalProperties = closeUnknownFields(node.additionalProperties as SchemaNode, false);
    }
    const isObjectNode = node.type === "object" || node.properties !== undefined;
    if (
        isObjectNode &&
        node["x-kubernetes-preserve-unknown-fields"] !== true &&
        node.additionalProperties === undefined
    ) {
        out.additionalProperties = false;
    }
    return out;
}

/** x-kubernetes-list-type: `set` items are unique scalars; `map` items carry their keys, unique together. */
const listType: SchemaValidateFunction = (type: string, data: unknown, parentSchema, cxt) => {
    const errors: Partial<ErrorObject>[] = [];
    const at = (i: number) => `${cxt?.instancePath ?? ""}/${i}`;
    if (!Array.isArray(data) || type === "atomic") return true;
    if (type === "set") {
        const seen = new Set<string>();
        data.forEach((item, i) => {
            if (item !== null && typeof item === "object") {
                errors.push({ instancePath: at(i), message: "x-kubernetes-list-type set: items must be scalars" });
            } else if (seen.has(JSON.stringify(item))) {
                errors.push({
                    instancePath: at(i),
                    message: `x-kubernetes-list-type set: duplicate ${JSON.stringify(item)}`,
                });
            }
            seen.add(JSON.stringify(item));
        });
    } else {
        const keys = (parentSchema?.["x-kubernetes-list-map-keys"] as string[] | undefined) ?? [];
        const itemProps = (parentSchema?.items as SchemaNode | undefined)?.properties ?? {};
        if (keys.length === 0) {
            errors.push({ message: "x-kubernetes-list-type map without x-kubernetes-list-map-keys" });
        }
        const seen = new Set<string>();
        data.forEach((item, i) => {
            if (!isObject(item)) return; // `items: {type: object}` reports it
            const missing = keys.filter((k) => item[k] === undefined && itemProps[k]?.default === undefined);
            if (missing.length > 0) {
                errors.push({
                    instancePath: at(i),
                    message: `x-kubernetes-list-type map: entry omits its key field(s) ${missing.join(", ")}`,
                });
                return;
            }
            const id = JSON.stringify(keys.map((k) => item[k] ?? itemProps[k]?.default));
            if (seen.has(id)) {
                errors.push({
                    instancePath: at(i),
                    message: `x-kubernetes-list-type map: duplicate entry for key ${id}`,
                });
            }
            seen.add(id);
        });
    }
    listType.errors = errors;
    return errors.length === 0;
};

const INT32 = 2 ** 31;
const INT64 = 2 ** 63;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An ajv instance that knows the Kubernetes extensions. ajv's default strictness stays on, so an
 * unregistered keyword or format in the CRD fails compilation instead of being skipped silently;
 * only `strictTypes` is off: Kubernetes' int-or-string nodes put `pattern` beside `anyOf` without a
 * `type`, which is valid JSON Schema that strictTypes would merely log about on every compile.
 */
export function kubernetesAjv(): Ajv {
    const ajv = new Ajv({ allErrors: true, strictTypes: false });
    // Semantics applied by closeUnknownFields (no value constraint of its own).
    ajv.addKeyword({ keyword: "x-kubernetes-preserve-unknown-fields", schemaType: "boolean" });
    // IntOrString: an integer or a string, whatever else the node says (a `pattern` applies to strings only).
    ajv.addKeyword({
        keyword: "x-kubernetes-int-or-string",
        schemaType: "boolean",
        macro: (on: boolean) => (on ? { anyOf: [{ type: "integer" }, { type: "string" }] } : true),
    });
    ajv.addKeyword({
        keyword: "x-kubernetes-list-type",
        type: "array",
        schemaType: "string",
        metaSchema: { enum: ["atomic", "set", "map"] },
        errors: true,
        validate: listType,
    });
    // Read by x-kubernetes-list-type (and by the merge below).
    ajv.addKeyword({
        keyword: "x-kubernetes-list-map-keys",
        schemaType: "array",
        metaSchema: { type: "array", items: { type: "string" }, minItems: 1 },
    });
    // Merge semantics for server-side apply only: no value constraint.
    ajv.addKeyword({
        keyword: "x-kubernetes-map-type",
        schemaType: "string",
        metaSchema: { enum: ["atomic", "granular"] },
    });
    ajv.addKeyword({ keyword: "x-kubernetes-embedded-resource", schemaType: "boolean" });
    ajv.addFormat("int32", {
        type: "number",
        validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32,
    });
    ajv.addFormat("int64", {
        type: "number",
        validate: (n: number) => Number.isInteger(n) && n >= -INT64 && n < INT64,
    });
    ajv.addFormat("date-time", { type: "string", validate: (s: string) => RFC3339.test(s) && !isNaN(Date.parse(s)) });
    return ajv;
}

const storageClusterValidators = new Map<CrdName, ReturnType<Ajv["compile"]>>();

function crdErrorText(e: ErrorObject, data: unknown): string {
    if (e.keyword === "additionalProperties") {
        const field = joinPath(
            e.instancePath === "" ? "" : readablePath(e.instancePath, data),
            (e.params as { additionalProperty: string }).additionalProperty,
            false,
        );
        return `${field}: unknown field, not in the StorageCluster CRD schema (the API server would silently prune it)`;
    }
    const where = readablePath(e.instancePath, data);
    if (e.keyword === "enum") {
        return `${where}: ${e.message ?? "invalid"} ${JSON.stringify((e.params as { allowedValues: unknown }).allowedValues)}`;
    }
    return `${where}: ${e.message ?? "invalid"}`;
}

/** Folds the branch errors of a failed anyOf into one line. */
function foldAnyOf(errors: ErrorObject[], data: unknown): string[] {
    // A macro keyword's own error only repeats the anyOf it expands to.
    errors = errors.filter((e) => e.keyword !== "x-kubernetes-int-or-string");
    const failed = errors.filter((e) => e.keyword === "anyOf");
    const inBranch = (e: ErrorObject) =>
        failed.some((a) => a !== e && e.instancePath === a.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`));
    return errors
        .filter((e) => !inBranch(e))
        .map((e) => {
            if (e.keyword !== "anyOf") return crdErrorText(e, data);
            const branches = errors.filter(
                (b) => b !== e && b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`),
            );
            const alternatives = [...new Set(branches.map((b) => b.message ?? "?"))].join(" or ");
            return `${readablePath(e.instancePath, data)}: ${alternatives || "must match a schema in anyOf"}`;
        });
}

/**
 * Validates an object (a whole StorageCluster or a partial patch: the CRD requires no top-level
 * field) against the CRD's v1 schema, closed against unknown fields, and its `metadata` as
 * ObjectMeta. Returns one readable line per problem, each starting with the JSON path.
 */
export function validateStorageCluster(obj: unknown, crd: CrdName = "master"): string[] {
    let validate = storageClusterValidators.get(crd);
    if (!validate) {
        validate = kubernetesAjv().compile(closeUnknownFields(storageClusterSchema(crd)));
        storageClusterValidators.set(crd, validate);
    }
    const errors: string[] = [];
    if (!validate(obj)) errors.push(...foldAnyOf(validate.errors ?? [], obj));
    if (isObject(obj)) {
        if (obj.apiVersion !== STORAGE_CLUSTER_API_VERSION) {
            errors.push(`apiVersion: must be ${STORAGE_CLUSTER_API_VERSION}, got ${JSON.stringify(obj.apiVersion)}`);
        }
        if (obj.kind !== "StorageCluster") errors.push(`kind: must be StorageCluster, got ${JSON.stringify(obj.kind)}`);
        if (isObject(obj.metadata)) errors.push(...validateObjectMeta(obj.metadata));
    }
    return [...new Set(errors)];
}

// ---------------------------------------------------------------------------------------------
// Core objects (kubernetes-models)

/** The kinds {@link validateCore} knows, by `apiVersion/kind`. */
const CORE_MODELS = {
    "v1/Secret": Secret,
    "v1/ConfigMap": ConfigMap,
    "apps/v1/Deployment": Deployment,
    "storage.k8s.io/v1/StorageClass": StorageClass,
} as const;

export type CoreModel = (typeof CORE_MODELS)[keyof typeof CORE_MODELS];

export interface CoreObject {
    apiVersion: string;
    kind: string;
    [field: string]: unknown;
}

function coreModel(obj: CoreObject): CoreModel | undefined {
    return (CORE_MODELS as Record<string, CoreModel>)[`${obj.apiVersion}/${obj.kind}`];
}

/**
 * `new X(obj).validate()`: kubernetes-models' compiled OpenAPI validator (ajv, with the Kubernetes
 * formats such as `byte` and `quantity`). Its errors, one line each with a readable path.
 */
function modelErrors(model: CoreModel, obj: unknown): string[] {
    const instance = new model(clone(obj) as never);
    try {
        instance.validate();
        return [];
    } catch (e) {
        const errors = (e as { errors?: ErrorObject[] }).errors;
        if (!errors) throw e;
        return errors.map((err) => {
            if (err.keyword === "required") {
                const missing = (err.params as { missingProperty: string }).missingProperty;
                const parent = err.instancePath === "" ? "" : readablePath(err.instancePath, instance);
                return `${joinPath(parent, missing, false)}: required field is missing`;
            }
            return `${readablePath(err.instancePath, instance)}: ${err.message ?? "invalid"}`;
        });
    }
}

/**
 * The fields of `obj` that the type's schema does not declare, i.e. that the API server would
 * prune. kubernetes-models ships compiled validators, not the OpenAPI documents, and its schemas
 * leave `additionalProperties` open, so this watches the validator instead: ajv's generated code
 * reads every declared property of an object (`data.name`) and enumerates the keys of a map
 * (`additionalProperties` schemas). A key present in `obj` at an object the validator inspected,
 * that it neither read nor enumerated, is not in the schema. Objects the validator never looked
 * into (a wrong type already reported, or a free-form object) are not judged.
 */
export function undeclaredFields(model: CoreModel, obj: unknown, schemaName: string = model.kind): string[] {
    interface Seen {
        read: Set<string>;
        enumerated: boolean;
        value: JsonObject;
    }
    const seen = new Map<string, Seen>();
    const wrap = (v: unknown, at: string): unknown => {
        if (v === null || typeof v !== "object") return v;
        const rec: Seen = { read: new Set(), enumerated: false, value: v as JsonObject };
        if (!Array.isArray(v)) seen.set(at, rec);
        return new Proxy(v as object, {
            get(target, key, receiver) {
                const x: unknown = Reflect.get(target, key, receiver);
                if (typeof key !== "string") return x;
                rec.read.add(key);
                return Object.prototype.hasOwnProperty.call(target, key)
                    ? wrap(x, joinPath(at, key, Array.isArray(target)))
                    : x;
            },
            has(target, key) {
                if (typeof key === "string") rec.read.add(key);
                return Reflect.has(target, key);
            },
            ownKeys(target) {
                rec.enumerated = true;
                return Reflect.ownKeys(target);
            },
        });
    };
    try {
        (model.prototype.validate as (this: unknown) => void).call(wrap(clone(obj), ""));
    } catch {
        // Validation errors are modelErrors' business; only the reads matter here.
    }
    const out: string[] = [];
    for (const [at, rec] of seen) {
        if (rec.enumerated || rec.read.size === 0) continue;
        for (const key of Object.keys(rec.value)) {
            if (!rec.read.has(key)) {
                out.push(
                    `${joinPath(at, key, false)}: unknown field, not in the ${schemaName} schema (the API server would silently prune it)`,
                );
            }
        }
    }
    return out;
}

/**
 * Validates a whole core object (Secret, ConfigMap, Deployment) with kubernetes-models
 * (`new X(obj).validate()`, which includes `format: byte` for Secret data) and reports fields
 * the schema does not declare. A partial patch is not a whole object: see {@link validateDeploymentPatch}.
 */
export function validateCore(obj: CoreObject): string[] {
    const model = coreModel(obj);
    if (!model) return [`(root): no schema for ${obj.apiVersion}/${obj.kind}`];
    return [...modelErrors(model, obj), ...undeclaredFields(model, obj)];
}

/** ObjectMeta rules, checked through a ConfigMap carrying the metadata (same ObjectMeta schema). */
export function validateObjectMeta(metadata: JsonObject): string[] {
    const carrier = { apiVersion: "v1", kind: "ConfigMap", metadata };
    return [...modelErrors(ConfigMap, carrier), ...undeclaredFields(ConfigMap, carrier, "ObjectMeta")];
}

// ---------------------------------------------------------------------------------------------
// Server-side apply, far enough to merge our patches into live objects

/** How server-side apply merges the list at a path: replace it, union it, or merge entries by key. */
export type ListMerge = "atomic" | "set" | { keys: string[] };

/** A path in schema terms: field names, and `[]` for "an entry of this list". */
export type SchemaPath = readonly string[];

export interface MergeRules {
    /** How the list at `path` merges, e.g. at `["spec", "template", "spec", "containers", "[]", "env"]`. */
    list(path: SchemaPath): ListMerge;
    /** Whether the object at `path` is replaced whole (`x-kubernetes-map-type: atomic`). */
    atomicObject(path: SchemaPath): boolean;
}

/**
 * Applies `patch` over `live` as server-side apply with force does for a sole applier: objects
 * merge field by field, map-lists merge entries by key (recursively), sets union, atomic lists
 * and scalars are replaced. Returns the result and the problems apply itself would refuse
 * (an entry of a map-list without its key, two patch entries with the same key).
 */
export function applyPatch(live: unknown, patch: unknown, rules: MergeRules): { result: unknown; errors: string[] } {
    const errors: string[] = [];
    const merge = (base: unknown, p: unknown, norm: SchemaPath, shown: string): unknown => {
        if (isObject(p)) {
            const out: JsonObject = isObject(base) && !rules.atomicObject(norm) ? { ...base } : {};
            for (const [k, v] of Object.entries(p)) {
                out[k] = merge(out[k], v, [...norm, k], joinPath(shown, k, false));
            }
            return out;
        }
        if (!Array.isArray(p)) return p;
        const kind = rules.list(norm);
        const item = [...norm, "[]"];
        if (kind === "atomic") return clone(p);
        const out = Array.isArray(base) ? base.map((b) => clone(b)) : [];
        if (kind === "set") {
            for (const x of p) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(x))) out.push(clone(x));
            return out;
        }
        const keyOf = (x: unknown) =>
            isObject(x) && kind.keys.every((k) => x[k] !== undefined)
                ? JSON.stringify(kind.keys.map((k) => x[k]))
                : undefined;
        const inPatch = new Set<string>();
        p.forEach((entry, i) => {
            const at = joinPath(shown, i, true);
            const key = keyOf(entry);
            if (key === undefined) {
                errors.push(
                    `${at}: list entry omits its merge key (${kind.keys.join(", ")}); server-side apply rejects it`,
                );
                out.push(clone(entry));
                return;
            }
            if (inPatch.has(key)) {
                errors.push(`${at}: duplicate entry for merge key ${key}; server-side apply rejects it`);
            }
            inPatch.add(key);
            const j = out.findIndex((o) => keyOf(o) === key);
            if (j < 0) out.push(merge(undefined, entry, item, at));
            else out[j] = merge(out[j], entry, item, at);
        });
        return out;
    };
    return { result: merge(live, patch, [], ""), errors };
}

/** The schema node at a merge path of the CRD (`[]` = list entry), or undefined. */
function crdNodeAt(norm: SchemaPath, crd: CrdName): SchemaNode | undefined {
    let node: SchemaNode | undefined = storageClusterSchema(crd);
    for (const part of norm) {
        if (!node) return undefined;
        const map: SchemaNode | undefined = isObject(node.additionalProperties) ? node.additionalProperties : undefined;
        node = part === "[]" ? node.items : (node.properties?.[part] ?? map);
    }
    return node;
}

/** Merge rules read from a CRD: lists are atomic unless the schema says `set` or `map`. */
export function storageClusterMergeRulesOf(crd: CrdName): MergeRules {
    return {
        list(norm) {
            const node = crdNodeAt(norm, crd);
            const type = node?.["x-kubernetes-list-type"] ?? "atomic";
            if (type === "map") return { keys: node?.["x-kubernetes-list-map-keys"] ?? [] };
            return type;
        },
        atomicObject: (norm) => crdNodeAt(norm, crd)?.["x-kubernetes-map-type"] === "atomic",
    };
}

/** The master CRD's merge rules. */
export const storageClusterMergeRules: MergeRules = storageClusterMergeRulesOf("master");

/**
 * The map-lists of a Deployment that matter here (Kubernetes' `+listType=map` markers in
 * k8s.io/api: containers, initContainers and volumes by name, env by name, volumeMounts by
 * mountPath). Other lists are treated as atomic, which only matters for patches that touch them.
 */
const DEPLOYMENT_LIST_KEYS: Record<string, string[]> = {
    "spec.template.spec.containers": ["name"],
    "spec.template.spec.initContainers": ["name"],
    "spec.template.spec.volumes": ["name"],
    "spec.template.spec.containers[].env": ["name"],
    "spec.template.spec.initContainers[].env": ["name"],
    "spec.template.spec.containers[].volumeMounts": ["mountPath"],
    "spec.template.spec.initContainers[].volumeMounts": ["mountPath"],
};

export const deploymentMergeRules: MergeRules = {
    list(norm) {
        const keys = DEPLOYMENT_LIST_KEYS[norm.join(".").replace(/\.\[\]/g, "[]")];
        return keys ? { keys } : "atomic";
    },
    atomicObject: () => false,
};

// ---------------------------------------------------------------------------------------------
// Patches and fixtures

const parsedFiles = new Map<string, unknown>();

/** A YAML file, parsed once; each call gets its own copy. */
function readYaml(file: string): unknown {
    if (!parsedFiles.has(file)) parsedFiles.set(file, YAML.parse(fs.readFileSync(file, "utf8")));
    return clone(parsedFiles.get(file));
}

/** The Stork Deployment as the operator renders it (fixture). */
export function storkDeploymentFixture(): CoreObject {
    return readYaml(path.join(FIXTURES, "stork-deployment.yaml")) as CoreObject;
}

/** examples/storagecluster.yaml: the sample live StorageCluster. */
export function sampleStorageCluster(): JsonObject {
    return readYaml(path.join(EXAMPLES, "storagecluster.yaml")) as JsonObject;
}

/**
 * A StorageCluster patch: validated as it is (the CRD requires no field, so a partial object is
 * valid on its own terms), then applied over `live` with the CRD's merge rules and the result
 * validated again (errors prefixed `after apply: `).
 */
export function validateStorageClusterPatch(
    patch: unknown,
    live: unknown = sampleStorageCluster(),
    crd: CrdName = "master",
): string[] {
    const direct = validateStorageCluster(patch, crd);
    const { result, errors } = applyPatch(live, patch, storageClusterMergeRulesOf(crd));
    const merged = validateStorageCluster(result, crd).filter((e) => !direct.includes(e));
    return [...direct, ...errors, ...prefixed("after apply: ", merged)];
}

/**
 * A Deployment server-side-apply patch (only metadata and the containers' env): every field of the
 * patch must be declared in the Deployment schema; the patch is applied over `live` (containers
 * and env merged by name) and the result must be a valid Deployment (errors prefixed `after apply: `).
 */
export function validateDeploymentPatch(patch: CoreObject, live: CoreObject = storkDeploymentFixture()): string[] {
    const errors: string[] = [];
    if (patch.apiVersion !== "apps/v1" || patch.kind !== "Deployment") {
        errors.push(`(root): expected apps/v1 Deployment, got ${patch.apiVersion}/${patch.kind}`);
    }
    errors.push(...undeclaredFields(Deployment, patch));
    const { result, errors: applyErrors } = applyPatch(live, patch, deploymentMergeRules);
    errors.push(...applyErrors);
    errors.push(...prefixed("after apply: ", modelErrors(Deployment, result)));
    // Not in the OpenAPI schema but enforced by the API server's Deployment validation: a patch
    // naming a container the live Deployment lacks would add one without an image.
    const containers = (result as { spec?: { template?: { spec?: { containers?: unknown } } } }).spec?.template?.spec
        ?.containers;
    if (Array.isArray(containers)) {
        containers.forEach((c, i) => {
            if (isObject(c) && (typeof c.image !== "string" || c.image.trim() === "")) {
                errors.push(
                    `after apply: spec.template.spec.containers[${i}].image: required by the API server (is the container name ${JSON.stringify(c.name)} the live one?)`,
                );
            }
        });
    }
    return errors;
}

/** A valid base64 value standing in for a secret the plan redacts. */
export const PLACEHOLDER_BASE64 = Buffer.from("0123456789abcdef".repeat(4), "utf8").toString("base64");

/** A Secret with each `redacted` data value replaced by base64 (other values are left as they are). */
export function fillSecretPlaceholders<T extends CoreObject>(m: T, redacted: string): T {
    if (m.kind !== "Secret" || !isObject(m.data)) return m;
    const data = Object.fromEntries(
        Object.entries(m.data).map(([k, v]) => [k, v === redacted ? PLACEHOLDER_BASE64 : v]),
    );
    return { ...m, data };
}

export interface ValidateOptions {
    /** The live StorageCluster a StorageCluster patch is applied to. Default examples/storagecluster.yaml. */
    storageCluster?: unknown;
    /** The live Deployment a Deployment patch is applied to. Default the Stork fixture. */
    deployment?: CoreObject;
    /** The StorageCluster CRD a StorageCluster patch is checked against. Default master. */
    crd?: CrdName;
}

/** Any manifest of this project: StorageCluster and Deployment as patches, the rest as whole objects. */
export function validateManifest(m: CoreObject, opts: ValidateOptions = {}): string[] {
    if (m.apiVersion === STORAGE_CLUSTER_API_VERSION && m.kind === "StorageCluster") {
        return validateStorageClusterPatch(m, opts.storageCluster ?? sampleStorageCluster(), opts.crd);
    }
    if (m.apiVersion === "apps/v1" && m.kind === "Deployment") {
        return validateDeploymentPatch(m, opts.deployment ?? storkDeploymentFixture());
    }
    if (m.apiVersion === VOLUME_SNAPSHOT_CLASS_API_VERSION && m.kind === "VolumeSnapshotClass") {
        return validateVolumeSnapshotClass(m);
    }
    return validateCore(m);
}
