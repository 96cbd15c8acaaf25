// What the operator and Stork do with an update, as their source says (README, "The operator
// versions this was checked against"): how Portworx pods roll under `spec.updateStrategy`, what
// Stork's tokens carry, and TLS on `spec.security`. Pure: plain data in, text out.
import type { Settings } from "./settings";
import { securityTlsOn, type LiveSecurity, type LiveStorageCluster } from "./preflight";

/** `spec.updateStrategy` of a StorageCluster. */
export interface UpdateStrategy {
    type?: string;
    rollingUpdate?: {
        maxUnavailable?: number | string;
        minReadySeconds?: number;
        disruption?: { allow?: boolean };
    };
}

/**
 * How the operator rolls Portworx pods once their spec changes: by itself, `pace` at a time, or
 * not at all (`why`), leaving each pod to pick the change up when it is deleted.
 */
export type Rollout = { auto: true; pace: string; detail: string } | { auto: false; why: string };

/** The operator's default `maxUnavailable`. */
const DEFAULT_PACE = "one at a time";

/**
 * Reads `spec.updateStrategy` as the operator does: `OnDelete` rolls nothing; `RollingUpdate`
 * (the default) deletes old pods while fewer than `maxUnavailable` (default 1; a whole number,
 * or a percentage of the Portworx nodes rounded up) are unavailable, one internal-KVDB node at a
 * time (from 24.1); `disruption.allow: false` (smart upgrade, from 24.2) restarts together only
 * nodes that share no volume replica. A `maxUnavailable` of 0 or one the operator cannot parse
 * stops the roll.
 */
export function portworxRollout(live: LiveStorageCluster | undefined | null): Rollout {
    const strategy = live?.spec?.updateStrategy as UpdateStrategy | undefined;
    if (strategy?.type === "OnDelete") return { auto: false, why: "spec.updateStrategy.type is OnDelete" };
    const rolling = strategy?.rollingUpdate;
    const max = rolling?.maxUnavailable ?? 1;
    const at = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    const percent = typeof max === "string" ? /^(\d+)%$/.exec(max) : null;
    let pace: string;
    if (typeof max === "number" && Number.isInteger(max) && max > 0) {
        pace = max === 1 ? DEFAULT_PACE : `up to ${max} at a time`;
    } else if (percent && Number(percent[1]) > 0) {
        pace = Number(percent[1]) >= 100 ? "all at once" : `up to ${percent[1]}% of them at a time (rounded up)`;
    } else if (max === 0 || max === "0%" || (typeof max === "number" && max < 0)) {
        return { auto: false, why: `${at} is ${JSON.stringify(max)}, so the operator's rolling update deletes no pod` };
    } else {
        return {
            auto: false,
            why: `${at} is ${JSON.stringify(max)}, which is neither a whole number nor a percentage, so the operator's rolling update fails and deletes no pod`,
        };
    }
    const detail = [
        pace === DEFAULT_PACE ? "" : `${at} is ${JSON.stringify(max)}`,
        pace !== DEFAULT_PACE && (live?.spec?.kvdb as { internal?: boolean } | undefined)?.internal === true
            ? "from operator 24.1 on, never more than one internal-KVDB node at a time"
            : "",
        pace !== DEFAULT_PACE && rolling?.disruption?.allow === false
            ? "with disruption.allow: false (operator 24.2 on), only nodes that share no volume replica restart together, so possibly fewer"
            : "",
    ].filter(Boolean);
    return { auto: true, pace, detail: detail.join("; ") };
}

/** The Portworx line of `restarts`: who restarts the pods, how many at a time, and why. */
export function portworxRestart(s: Settings, live: LiveStorageCluster | undefined | null, reasons: string[]): string {
    const rollout = portworxRollout(live);
    if (rollout.auto) {
        const detail = rollout.detail ? `; ${rollout.detail}` : "";
        return `every Portworx node restarts, ${rollout.pace} (the operator rolls pods when ${reasons.join(" and ")}${detail})`;
    }
    const ns = s.namespace;
    return `no Portworx pod restarts by itself: ${rollout.why}, so each Portworx pod picks up this change (${reasons.join(" and ")}) only when it is deleted. Roll them yourself, one node at a time: \`kubectl -n ${ns} delete pod <pod>\` for each pod of \`kubectl -n ${ns} get pods -l name=portworx,operator.libopenstorage.org/name=${s.storageClusterName}\`, and before the next one wait until \`kubectl -n ${ns} get storagenodes\` shows every node Online`;
}

/**
 * The notes are written for the default strategy, one node at a time; say the live one instead,
 * so that no note promises a roll the operator will not make.
 */
export function pacedNotes(notes: string[], live: LiveStorageCluster | undefined | null): string[] {
    const rollout = portworxRollout(live);
    const pace = rollout.auto ? rollout.pace : "only as their pods are deleted";
    return notes.map((n) => n.replace(/\bone at a time\b/g, pace));
}

/** Notes of this file's rules: a roll left to the user, Stork's claims, TLS kept on. */
export function operatorNotes(
    s: Settings,
    live: LiveStorageCluster | undefined | null,
    portworxRestarts: boolean,
): string[] {
    const notes: string[] = [];
    const rollout = portworxRollout(live);
    if (!rollout.auto && portworxRestarts) {
        notes.push(
            `Nothing of this update reaches Portworx until you delete its pods (${rollout.why}; the Restarts line says how). Until the last one is deleted, nodes run the old and the new settings side by side, with what that means for authorization and keys; a pod that restarts for any other reason (a node reboot, an eviction) picks the change up early. Stork is a Deployment and restarts by itself, whatever the StorageCluster's strategy.`,
        );
    }
    if (s.enabled && s.stork.mode !== "none" && s.usernameClaim !== "sub") {
        const consequence =
            s.usernameClaim === "email"
                ? "Portworx refuses a token whose username claim is empty (openstorage's validateUsername), so if it checks Stork's issuer with this claim, every Stork call is rejected: snapshots, migrations, volume-aware scheduling"
                : 'Every Stork pod, and any other token named "Stork", is then one and the same user to Portworx, owner of everything any of them creates';
        notes.push(
            `usernameClaim is "${s.usernameClaim}" and Stork is wired (storkMode "${s.stork.mode}"): Stork signs its own tokens with an empty email claim and the fixed name "Stork" (its subject is its issuer and pod name). ${consequence}. Fix: usernameClaim: sub (the default) keeps Stork a user of its own; keep "${s.usernameClaim}" only once you have checked Stork's calls on a test cluster.`,
        );
    }
    const security = live?.spec?.security as LiveSecurity | undefined;
    if (s.securityMode === "operator" && securityTlsOn(security)) {
        notes.push(
            s.enabled
                ? "TLS stays on: spec.security.enabled is already true for TLS (spec.security.tls.enabled); authorization turns on with spec.security.auth.enabled: true, and spec.security.tls is left as it is."
                : "Authorization turns off with spec.security.auth.enabled: false; spec.security.enabled stays true, because TLS (spec.security.tls.enabled) needs it, and spec.security.tls is left as it is.",
        );
    }
    return notes;
}
