// The thin shell of ./tenants.ts: registers the StorageClasses and the VolumeSnapshotClass the
// plan built. (The tenants' token Secrets are registered with the other tokens.)
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { IMMUTABLE_CLASS_FIELDS, type ClusterManifest } from "./tenants";

/**
 * Registers the classes. A StorageClass keeps its name across a replacement, and the API server
 * refuses to update its immutable fields: the old class must go first (delete-before-replace), and
 * a change to any of those fields must replace it rather than fail as an update.
 *
 * @example
 * registerTenancyClasses("px-auth", objects, { parent: this, dependsOn: gate });
 */
export function registerTenancyClasses(
    name: string,
    objects: { storageClasses: ClusterManifest[]; volumeSnapshotClass?: ClusterManifest },
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
    const out: pulumi.Resource[] = objects.storageClasses.map(
        (m) =>
            new k8s.storage.v1.StorageClass(
                `${name}-storageclass-${m.metadata.name}`,
                m as unknown as k8s.storage.v1.StorageClassArgs,
                {
                    ...opts,
                    deleteBeforeReplace: true,
                    replaceOnChanges: [...IMMUTABLE_CLASS_FIELDS],
                },
            ),
    );
    const snap = objects.volumeSnapshotClass;
    if (snap) {
        out.push(
            new k8s.apiextensions.CustomResource(`${name}-volumesnapshotclass-${snap.metadata.name}`, snap, {
                ...opts,
                deleteBeforeReplace: true,
            }),
        );
    }
    return out;
}
