// The thin shell of ./tenants.ts: checks the live cluster for the tenancy, and registers the
// StorageClasses and the VolumeSnapshotClass the plan built. (The tenants' token Secrets are
// registered with the other tokens.)
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
    checksChart,
    IMMUTABLE_CLASS_FIELDS,
    OWNER_ANNOTATION,
    type ClusterCheck,
    type ClusterManifest,
} from "./tenants";

/**
 * Registers the check of the live cluster (./tenants.ts `checksChart`), or nothing when there is
 * nothing to check. Its render fails, naming the argument, when a check does not hold; every write
 * that depends on it then never starts.
 *
 * @example
 * const check = registerClusterChecks("px-auth", tenancyChecks(s.tenancy, owner), { parent: this });
 */
export function registerClusterChecks(
    name: string,
    checks: ClusterCheck[],
    opts: pulumi.ComponentResourceOptions,
): pulumi.Resource | undefined {
    if (checks.length === 0) return undefined;
    // Helm reads a chart from a directory: one per chart content, so runs and stacks share it.
    const files = checksChart();
    const digest = crypto.createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 16);
    const dir = path.join(os.tmpdir(), `portworx-auth-checks-${digest}`);
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return new k8s.helm.v4.Chart(`${name}-cluster-checks`, { chart: dir, values: { checks } }, opts);
}

/**
 * Registers the classes, marked as `owner`'s. A StorageClass keeps its name across a replacement,
 * and the API server refuses to update its immutable fields: the old class must go first
 * (delete-before-replace), and a change to any of those fields must replace it rather than fail as
 * an update.
 *
 * @example
 * registerTenancyClasses("px-auth", objects, "portworx-auth/prod/px-auth", { parent: this, dependsOn: gate });
 */
export function registerTenancyClasses(
    name: string,
    objects: { storageClasses: ClusterManifest[]; volumeSnapshotClass?: ClusterManifest },
    owner: string,
    opts: pulumi.CustomResourceOptions,
): pulumi.Resource[] {
    const mark = (m: ClusterManifest): ClusterManifest => ({
        ...m,
        metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [OWNER_ANNOTATION]: owner } },
    });
    const out: pulumi.Resource[] = objects.storageClasses.map(
        (m) =>
            new k8s.storage.v1.StorageClass(
                `${name}-storageclass-${m.metadata.name}`,
                mark(m) as unknown as k8s.storage.v1.StorageClassArgs,
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
            new k8s.apiextensions.CustomResource(`${name}-volumesnapshotclass-${snap.metadata.name}`, mark(snap), {
                ...opts,
                deleteBeforeReplace: true,
            }),
        );
    }
    return out;
}
