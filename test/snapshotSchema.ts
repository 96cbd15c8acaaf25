// Validates a VolumeSnapshotClass against the external-snapshotter CRD's v1 schema. There is no
// `@kubernetes-models/external-snapshotter` package on npm, so the v1 `openAPIV3Schema` is
// transcribed here (structure, types, enum and required; descriptions left out) from
// kubernetes-csi/external-snapshotter `client/config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml`
// at v8.6.0 (78e32cd84e0abec2621924a30e38c755f93e180a; the file's sha256 is
// 75e6565aac2c0f2949ed13ea884bbaa388cb7be576b558b709cf1168e011828d); see test/fixtures/README.md.
// It is checked the way the StorageCluster CRD is (./schema.ts): closed against pruned fields,
// metadata as ObjectMeta. Test helper only.
import { closeUnknownFields, kubernetesAjv, readablePath, validateObjectMeta, type SchemaNode } from "./schema";

export const VOLUME_SNAPSHOT_CLASS_API_VERSION = "snapshot.storage.k8s.io/v1";

/** `spec.versions[name=v1].schema.openAPIV3Schema` of the CRD, without descriptions. */
export const VOLUME_SNAPSHOT_CLASS_SCHEMA: SchemaNode = {
    type: "object",
    required: ["deletionPolicy", "driver"],
    properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object" },
        deletionPolicy: { type: "string", enum: ["Delete", "Retain"] },
        driver: { type: "string" },
        parameters: { type: "object", additionalProperties: { type: "string" } },
    },
};

let validator: ReturnType<ReturnType<typeof kubernetesAjv>["compile"]> | undefined;

/** One readable line per problem, each starting with the JSON path. */
export function validateVolumeSnapshotClass(obj: unknown): string[] {
    validator ??= kubernetesAjv().compile(closeUnknownFields(VOLUME_SNAPSHOT_CLASS_SCHEMA));
    const errors: string[] = [];
    if (!validator(obj)) {
        for (const e of validator.errors ?? []) {
            const at = readablePath(e.instancePath, obj);
            if (e.keyword === "additionalProperties") {
                const field = (e.params as { additionalProperty: string }).additionalProperty;
                errors.push(
                    `${at === "(root)" ? "" : `${at}.`}${field}: unknown field, not in the VolumeSnapshotClass CRD`,
                );
            } else if (e.keyword === "required") {
                errors.push(`${(e.params as { missingProperty: string }).missingProperty}: required field is missing`);
            } else {
                errors.push(`${at}: ${e.message ?? "invalid"}`);
            }
        }
    }
    const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: unknown };
    if (o.apiVersion !== VOLUME_SNAPSHOT_CLASS_API_VERSION) {
        errors.push(`apiVersion: must be ${VOLUME_SNAPSHOT_CLASS_API_VERSION}, got ${JSON.stringify(o.apiVersion)}`);
    }
    if (o.kind !== "VolumeSnapshotClass") {
        errors.push(`kind: must be VolumeSnapshotClass, got ${JSON.stringify(o.kind)}`);
    }
    if (o.metadata && typeof o.metadata === "object") {
        errors.push(...validateObjectMeta(o.metadata as Record<string, unknown>));
    } else {
        errors.push("metadata: required (a cluster-scoped object needs its name)");
    }
    return errors;
}
