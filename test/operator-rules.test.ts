// The operator's and Stork's rules this project follows: the update strategy in the restarts and
// notes, storkMode none in operator mode, Stork's token claims, TLS on spec.security.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PortworxAuth, type PortworxAuthArgs } from "../components";
import { resolveSettings } from "../components/args";
import { portworxRollout, type UpdateStrategy } from "../components/operatorRules";
import { buildPlan, renderPlan, type Plan } from "../components/plan";
import { find, runScenario, sampleLive, unwrapSecrets, value, type Recorded } from "./harness";
import { applyPatch, storageClusterMergeRules } from "./schema";

const BASE: PortworxAuthArgs = {
    namespace: "portworx",
    storageClusterName: "px-cluster",
    selfSigned: { issuer: "px.example.com" },
};
const OPERATOR: PortworxAuthArgs = { ...BASE, securityMode: "operator" };

type Live = { spec: Record<string, unknown>; status?: Record<string, unknown> };

function liveWith(spec: Record<string, unknown>): Live {
    const live = structuredClone(sampleLive()) as Live;
    live.spec = { ...live.spec, ...spec };
    return live;
}
const withStrategy = (updateStrategy: UpdateStrategy, kvdbInternal = false) =>
    liveWith({ updateStrategy, ...(kvdbInternal ? { kvdb: { internal: true } } : { kvdb: {} }) });

/** The live StorageCluster after the server applied a plan's patch (server-side apply, CRD rules). */
function applied(plan: Plan, live: Live): Live {
    return applyPatch(live, plan.storageClusterPatch, storageClusterMergeRules).result as Live;
}

async function component(args: PortworxAuthArgs, live: Live, preview: boolean) {
    let c: PortworxAuth | undefined;
    const scenario = await runScenario({ preview, live: live as Record<string, unknown> }, () => {
        c = new PortworxAuth("px", args);
    });
    return { ...scenario, component: c as PortworxAuth };
}

/** Only reads and the component itself: nothing written. */
function assertNothingRegistered(recorded: Recorded[]): void {
    assert.deepEqual(
        recorded.filter((r) => r.id === undefined).map((r) => r.type),
        ["portworx-auth:index:PortworxAuth"],
    );
}

describe("the update strategy", () => {
    test("the operator's reading of spec.updateStrategy, case by case", () => {
        const pace = (u: UpdateStrategy, kvdb = false) => {
            const r = portworxRollout(withStrategy(u, kvdb));
            return r.auto ? `${r.pace}${r.detail ? ` | ${r.detail}` : ""}` : `manual: ${r.why}`;
        };
        assert.equal(pace({}), "one at a time");
        assert.equal(portworxRollout(sampleLive()).auto, true);
        assert.equal(pace({ type: "RollingUpdate" }), "one at a time");
        assert.equal(pace({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } }), "one at a time");
        assert.equal(
            pace({ rollingUpdate: { maxUnavailable: 3 } }),
            "up to 3 at a time | spec.updateStrategy.rollingUpdate.maxUnavailable is 3",
        );
        assert.equal(
            pace({ rollingUpdate: { maxUnavailable: "25%" } }),
            'up to 25% of them at a time (rounded up) | spec.updateStrategy.rollingUpdate.maxUnavailable is "25%"',
        );
        assert.match(pace({ rollingUpdate: { maxUnavailable: "100%" } }), /^all at once/);
        assert.match(pace({ rollingUpdate: { maxUnavailable: 2 } }, true), /one internal-KVDB node at a time/);
        assert.match(
            pace({ rollingUpdate: { maxUnavailable: 2, disruption: { allow: false } } }),
            /disruption\.allow: false \(operator 24\.2 on\), only nodes that share no volume replica restart together/,
        );
        // One at a time stays one at a time, whatever else is set.
        assert.equal(
            pace({ rollingUpdate: { maxUnavailable: 1, disruption: { allow: false } } }, true),
            "one at a time",
        );
        assert.equal(pace({ type: "OnDelete" }), "manual: spec.updateStrategy.type is OnDelete");
        assert.equal(
            pace({ type: "OnDelete", rollingUpdate: { maxUnavailable: 3 } }),
            "manual: spec.updateStrategy.type is OnDelete",
        );
        assert.match(pace({ rollingUpdate: { maxUnavailable: 0 } }), /^manual: .*is 0, so .*deletes no pod/);
        assert.match(pace({ rollingUpdate: { maxUnavailable: "0%" } }), /^manual: /);
        assert.match(
            pace({ rollingUpdate: { maxUnavailable: "3" } }),
            /^manual: .*neither a whole number nor a percentage/,
        );
    });

    test("OnDelete: the restart line says the pods pick the change up only when deleted, and how to roll them", () => {
        const plan = buildPlan(resolveSettings(BASE), withStrategy({ type: "OnDelete" }));
        assert.deepEqual(plan.findings, []);
        const px = plan.restarts.portworx ?? "";
        assert.match(px, /^no Portworx pod restarts by itself: spec\.updateStrategy\.type is OnDelete/);
        assert.match(px, /only when it is deleted/);
        assert.match(px, /spec\.env adds PORTWORX_AUTH_SYSTEM_KEY/);
        assert.match(
            px,
            /`kubectl -n portworx delete pod <pod>` for each pod of `kubectl -n portworx get pods -l name=portworx,operator\.libopenstorage\.org\/name=px-cluster`/,
        );
        assert.match(px, /`kubectl -n portworx get storagenodes` shows every node Online/);
        assert.doesNotMatch(px, /one at a time|the operator rolls/);
        const text = renderPlan(plan, "on-delete");
        assert.match(text, /\n {2}Portworx: no Portworx pod restarts by itself/);
        // Stork is a Deployment: the operator updates it whatever the StorageCluster's strategy.
        assert.match(plan.restarts.stork ?? "", /^Stork restarts/);
    });

    test("OnDelete: no note promises an automatic roll, in any of the updates that restart Portworx", () => {
        const onDelete = { type: "OnDelete" };
        const fresh = withStrategy(onDelete);
        const on = buildPlan(resolveSettings({ ...BASE, pairedClusters: true }), fresh);
        const wired = applied(on, fresh);
        const foreign = liveWith({
            updateStrategy: onDelete,
            env: [{ name: "PORTWORX_AUTH_SYSTEM_KEY", valueFrom: { secretKeyRef: { name: "theirs", key: "k" } } }],
        });
        const plans: [string, Plan][] = [
            ["turning on", on],
            ["rotating the system key", buildPlan(resolveSettings({ ...BASE, rotation: { systemKey: "2" } }), wired)],
            ["turning off", buildPlan(resolveSettings({ ...BASE, enabled: false }), wired)],
            ["taking over", buildPlan(resolveSettings({ ...BASE, takeOverExistingAuth: true }), foreign)],
        ];
        for (const [what, plan] of plans) {
            assert.deepEqual(plan.findings, [], what);
            assert.match(plan.restarts.portworx ?? "", /only when it is deleted/, what);
            for (const n of plan.notes) assert.doesNotMatch(n, /one at a time/, `${what}: ${n}`);
            assert.ok(
                plan.notes.some((n) => /^Nothing of this update reaches Portworx until you delete its pods/.test(n)),
                what,
            );
        }
        assert.match(on.notes.join("\n"), /every Portworx node restarts once, only as their pods are deleted/);
        // Nothing to roll, nothing to say.
        const again = buildPlan(resolveSettings(BASE), wired);
        assert.equal(again.restarts.portworx, undefined);
        assert.ok(!again.notes.some((n) => /delete its pods/.test(n)));
    });

    test("maxUnavailable and disruption.allow: the restart line and the notes say how many at a time", () => {
        const live = withStrategy({ rollingUpdate: { maxUnavailable: "25%", disruption: { allow: false } } }, true);
        const plan = buildPlan(resolveSettings(BASE), live);
        assert.match(
            plan.restarts.portworx ?? "",
            /^every Portworx node restarts, up to 25% of them at a time \(rounded up\) \(the operator rolls pods when spec\.env adds .*; spec\.updateStrategy\.rollingUpdate\.maxUnavailable is "25%"; from operator 24.1 on, never more than one internal-KVDB node at a time; with disruption\.allow: false \(operator 24\.2 on\), only nodes that share no volume replica restart together, so possibly fewer\)$/,
        );
        assert.match(
            plan.notes.join("\n"),
            /every Portworx node restarts once, up to 25% of them at a time \(rounded up\)/,
        );
        assert.doesNotMatch(plan.notes.join("\n"), /one at a time/);
        const three = buildPlan(resolveSettings(BASE), withStrategy({ rollingUpdate: { maxUnavailable: 3 } }));
        assert.match(three.restarts.portworx ?? "", /^every Portworx node restarts, up to 3 at a time /);
        // The default reads as before.
        assert.match(
            buildPlan(resolveSettings(BASE), sampleLive()).restarts.portworx ?? "",
            /^every Portworx node restarts, one at a time \(the operator rolls pods when spec\.env adds [^;]*\)$/,
        );
    });

    for (const preview of [false, true]) {
        test(`the component's restarts output and its warning follow the strategy (preview=${preview})`, async () => {
            for (const strategy of [{ type: "OnDelete" }, { rollingUpdate: { maxUnavailable: 2 } }]) {
                const live = withStrategy(strategy);
                const { component: c, logs, rejections } = await component(BASE, live, preview);
                assert.deepEqual(rejections, []);
                const restarts = await value(c.restarts);
                assert.deepEqual(restarts, buildPlan(resolveSettings(BASE), live).restarts);
                const expected =
                    strategy.type === "OnDelete" ? /no Portworx pod restarts by itself/ : /up to 2 at a time/;
                assert.match(restarts?.portworx ?? "", expected);
                assert.match(logs, expected);
                assert.doesNotMatch(logs, /one at a time/);
            }
        });
    }
});

describe("operator mode with storkMode none while the operator runs Stork", () => {
    for (const preview of [false, true]) {
        test(`is refused, naming stork.mode (storkMode) and the fix, and nothing is registered (preview=${preview})`, async () => {
            // spec.stork.enabled true, and spec.stork absent (the operator defaults it to enabled).
            const absent = liveWith({});
            delete absent.spec.stork;
            for (const live of [liveWith({ stork: { enabled: true } }), absent]) {
                const { recorded, rejections } = await component(
                    { ...OPERATOR, stork: { mode: "none" } },
                    live,
                    preview,
                );
                assert.match(
                    rejections[0]?.message ?? "",
                    /stork\.mode: stork\.mode \(stack config storkMode\) is "none", but the operator runs Stork/,
                );
                assert.match(
                    rejections[0]?.message ?? "",
                    /Fix: set storkMode to "operator".*spec\.stork\.enabled: false/,
                );
                assertNothingRegistered(recorded);
            }
        });
    }

    test("is allowed when the operator runs no Stork, when turning authorization off, and in env mode", () => {
        const none = { stork: { mode: "none" as const } };
        const noStork = liveWith({ stork: { enabled: false } });
        assert.deepEqual(buildPlan(resolveSettings({ ...OPERATOR, ...none }), noStork).findings, []);
        assert.deepEqual(
            buildPlan(resolveSettings({ ...OPERATOR, ...none, enabled: false }), sampleLive()).findings,
            [],
        );
        assert.deepEqual(buildPlan(resolveSettings({ ...BASE, ...none }), sampleLive()).findings, []);
    });
});

describe("usernameClaim email or name with Stork wired", () => {
    const note = (p: Plan) => p.notes.filter((n) => n.startsWith("usernameClaim is"));

    test("the plan names both settings and what Stork's tokens carry", () => {
        for (const usernameClaim of ["email", "name"] as const) {
            for (const [mode, extra, live] of [
                ["operator", {}, sampleLive() as Live],
                ["deployment", {}, liveWith({ stork: { enabled: false } })],
                ["operator", { securityMode: "operator" as const }, sampleLive() as Live],
            ] as const) {
                const plan = buildPlan(resolveSettings({ ...BASE, ...extra, usernameClaim, stork: { mode } }), live);
                const [n] = note(plan);
                assert.ok(n, `${usernameClaim}, ${mode}`);
                assert.match(
                    n,
                    new RegExp(`^usernameClaim is "${usernameClaim}" and Stork is wired \\(storkMode "${mode}"\\)`),
                );
                assert.match(n, /an empty email claim and the fixed name "Stork"/);
                assert.match(n, /Fix: usernameClaim: sub/);
                assert.match(
                    n,
                    usernameClaim === "email" ? /every Stork call is rejected/ : /one and the same user to Portworx/,
                );
                assert.match(renderPlan(plan, "claims"), /Before you apply:\n(.*\n)* {2}- usernameClaim is /);
            }
        }
    });

    test("no note with sub, with no Stork wired, or with authorization off", () => {
        assert.deepEqual(note(buildPlan(resolveSettings(BASE), sampleLive())), []);
        const email = { ...BASE, usernameClaim: "email" as const };
        assert.deepEqual(note(buildPlan(resolveSettings({ ...email, stork: { mode: "none" } }), sampleLive())), []);
        assert.deepEqual(note(buildPlan(resolveSettings({ ...email, enabled: false }), sampleLive())), []);
    });

    for (const preview of [false, true]) {
        test(`every preview and update warns with it (preview=${preview})`, async () => {
            const {
                logs,
                rejections,
                component: c,
            } = await component({ ...BASE, usernameClaim: "email" }, sampleLive() as Live, preview);
            assert.deepEqual(rejections, []);
            assert.match(logs, /usernameClaim is "email" and Stork is wired \(storkMode "operator"\)/);
            assert.ok((await value(c.notes))?.some((n) => n.startsWith('usernameClaim is "email"')));
        });
    }
});

describe("spec.security.auth.enabled and TLS", () => {
    const TLS = {
        enabled: true,
        rootCA: { secretRef: { secretName: "px-tls", secretKey: "ca.crt" } },
        serverCert: { secretRef: { secretName: "px-tls", secretKey: "tls.crt" } },
        serverKey: { secretRef: { secretName: "px-tls", secretKey: "tls.key" } },
    };
    const tlsOnly = () => liveWith({ security: { enabled: true, auth: { enabled: false }, tls: TLS } });
    const security = (p: Plan) => (p.storageClusterPatch.spec as { security?: Record<string, unknown> }).security;

    for (const preview of [false, true]) {
        test(`env mode takes a TLS-only cluster, and says authorization turns on (preview=${preview})`, async () => {
            const { recorded, rejections } = await component(BASE, tlsOnly(), preview);
            assert.deepEqual(rejections, []);
            const spec = unwrapSecrets(find(recorded, ":StorageClusterPatch").inputs.spec) as {
                env: { name: string }[];
                security?: unknown;
            };
            assert.ok(spec.env.some((e) => e.name === "PORTWORX_AUTH_SYSTEM_KEY"));
            assert.equal(spec.security, undefined, "env mode never writes spec.security");
            const plan = buildPlan(resolveSettings(BASE), tlsOnly());
            assert.match(plan.notes.join("\n"), /Authorization turns on for a running cluster/);
        });
    }

    test("env mode still refuses a cluster whose operator security has authorization on, naming the fix", () => {
        for (const sec of [{ enabled: true }, { enabled: true, auth: { enabled: true }, tls: TLS }]) {
            const [f] = buildPlan(resolveSettings(BASE), liveWith({ security: sec })).findings;
            assert.equal(f?.field, "securityMode");
            assert.match(
                f?.message ?? "",
                /Fix: keep securityMode: "operator".*kubectl patch storagecluster.*spec\.security\.auth\.enabled/,
            );
        }
    });

    test("operator mode sets auth.enabled only where the live object has the field", () => {
        const plain = buildPlan(resolveSettings(OPERATOR), sampleLive());
        assert.deepEqual(plain.findings, []);
        assert.equal((security(plain)?.auth as Record<string, unknown>).enabled, undefined);
        const tls = buildPlan(resolveSettings(OPERATOR), tlsOnly());
        assert.deepEqual(tls.findings, []);
        assert.deepEqual(security(tls), {
            enabled: true,
            auth: {
                enabled: true,
                guestAccess: "Enabled",
                selfSigned: { issuer: "px.example.com", tokenLifetime: "24h", sharedSecret: "pxkeys" },
            },
        });
        assert.match(tls.restarts.portworx ?? "", /spec\.security turns authorization on/);
        assert.match(tls.notes.join("\n"), /TLS stays on: .*spec\.security\.tls is left as it is/);
        const field = liveWith({ security: { enabled: false, auth: { enabled: false } } });
        assert.equal(
            (security(buildPlan(resolveSettings(OPERATOR), field))?.auth as { enabled?: boolean }).enabled,
            true,
        );
    });

    test("operator mode turning authorization off keeps TLS on; without TLS it turns spec.security off", () => {
        const live = tlsOnly();
        const on = applied(buildPlan(resolveSettings(OPERATOR), live), live);
        const off = buildPlan(resolveSettings({ ...OPERATOR, enabled: false }), on);
        assert.deepEqual(off.findings, []);
        assert.deepEqual(security(off), { enabled: true, auth: { enabled: false } });
        const after = applied(off, on).spec.security as Record<string, unknown>;
        assert.deepEqual(after.tls, TLS);
        assert.equal(after.enabled, true);
        assert.match(off.restarts.portworx ?? "", /spec\.security turns authorization off/);
        assert.match(off.notes.join("\n"), /spec\.security\.enabled stays true, because TLS/);
        // Off again changes nothing that rolls a pod.
        assert.deepEqual(buildPlan(resolveSettings({ ...OPERATOR, enabled: false }), applied(off, on)).restarts, {});
        // No TLS: the operator's switch itself.
        const plain = applied(buildPlan(resolveSettings(OPERATOR), sampleLive() as Live), sampleLive() as Live);
        assert.deepEqual(security(buildPlan(resolveSettings({ ...OPERATOR, enabled: false }), plain)), {
            enabled: false,
        });
    });

    for (const preview of [false, true]) {
        test(`operator mode refuses to turn TLS on by the way: tls.enabled under a disabled spec.security (preview=${preview})`, async () => {
            const live = liveWith({ security: { enabled: false, tls: TLS } });
            const { recorded, rejections } = await component(OPERATOR, live, preview);
            assert.match(
                rejections[0]?.message ?? "",
                /spec\.security\.tls\.enabled: .*would turn TLS on with it\. Fix: /,
            );
            assertNothingRegistered(recorded);
            // Turning authorization off there is fine: nothing turns spec.security on.
            assert.deepEqual(buildPlan(resolveSettings({ ...OPERATOR, enabled: false }), live).findings, []);
        });
    }
});
