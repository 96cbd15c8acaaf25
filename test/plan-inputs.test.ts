// Every bad file or flag the plan is given is one line naming it and the fix, exit 2, no trace.
/* eslint-disable @typescript-eslint/no-explicit-any -- live objects are edited freely here */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { planStack, stackConfig } from "../cli/plan";
import { ConfigError } from "../components/errors";
import { fixture, sampleLive } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-inputs-"));

function file(text: string): string {
    const f = path.join(tmp(), "live.yaml");
    fs.writeFileSync(f, text);
    return f;
}

const live = (mutate: (l: Record<string, any>) => void = () => undefined) => {
    const l = sampleLive() as Record<string, any>;
    mutate(l);
    return l;
};

/** A project with one stack file holding `text`. */
function project(stack: string): string {
    const root = tmp();
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.cpSync(path.join(ROOT, "examples"), path.join(root, "examples"), { recursive: true });
    fs.mkdirSync(path.join(root, "stacks"));
    fs.writeFileSync(path.join(root, "stacks", "Pulumi.t.yaml"), stack);
    return root;
}

async function refuses(p: Promise<unknown>, field: string, problem: RegExp) {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(e.field, field);
        assert.match(e.message, problem);
        assert.match(e.message, /Fix: /);
        return true;
    });
}

describe("--live reads what kubectl writes", () => {
    test("a List (kubectl get storagecluster -o yaml without a name) is read, picking the stack's cluster", async () => {
        const other = live((l) => (l.metadata.name = "other"));
        const list = { apiVersion: "v1", kind: "List", items: [other, live()], metadata: { resourceVersion: "" } };
        const { ok, text } = await planStack("dev", file(YAML.stringify(list)));
        assert.equal(ok, true, text);
        assert.match(text, /Preflight: passed/);
    });

    test("several documents are read, picking the stack's cluster", async () => {
        const docs = [live((l) => (l.metadata.namespace = "elsewhere")), live()].map((d) => YAML.stringify(d));
        const { ok } = await planStack("dev", file(docs.join("---\n")));
        assert.equal(ok, true);
    });

    test("a List without the stack's cluster names what it holds", async () => {
        const list = { kind: "List", items: [live((l) => (l.metadata.name = "other"))] };
        await refuses(
            planStack("dev", file(YAML.stringify(list))),
            "--live",
            /holds StorageCluster portworx\/other; none is the StorageCluster portworx\/px-cluster/,
        );
    });

    test("a single object of another name is refused as the wrong file", async () => {
        await refuses(
            planStack("dev", file(YAML.stringify(live((l) => (l.metadata.name = "x"))))),
            "--live",
            /none is the StorageCluster/,
        );
    });

    test("an empty file is an error, not a StorageCluster not found", async () => {
        await refuses(planStack("dev", file("")), "--live", /is empty/);
        await refuses(planStack("dev", file("---\n---\n")), "--live", /is empty/);
    });

    test("a file that is not YAML is named with its line, never quoted", async () => {
        const secret = "hunter2-sentinel";
        await refuses(
            planStack("dev", file(`spec:\n  env: [\n    value: ${secret}\n  :\n`)),
            "--live",
            /is not valid YAML at line \d+, column \d+/,
        );
        await assert.rejects(planStack("dev", file(`a: [${secret}\n`)), (e: Error) => !e.message.includes(secret));
    });

    test("a directory or a missing file is named", async () => {
        await refuses(planStack("dev", tmp()), "--live", /is a directory, not a file/);
        await refuses(planStack("dev", path.join(tmp(), "nope.yaml")), "--live", /no file/);
    });

    for (const [title, mutate, problem] of [
        [
            "a null env entry",
            (l: Record<string, any>) => l.spec.env.push(null),
            /spec\.env\[5\] is not an entry with a name/,
        ],
        ["env as a map", (l: Record<string, any>) => (l.spec.env = { A: "1" }), /spec\.env is not a list/],
        [
            "a null spec.nodes entry",
            (l: Record<string, any>) => (l.spec.nodes = [null]),
            /spec\.nodes\[0\] is not a map/,
        ],
        [
            "a nameless Stork env entry",
            (l: Record<string, any>) => l.spec.stork.env.push({ value: "x" }),
            /spec\.stork\.env\[\d+\] is not an entry with a name/,
        ],
    ] as const) {
        test(`${title} is a named error`, async () => {
            await refuses(planStack("dev", file(YAML.stringify(live(mutate)))), "--live", problem);
        });
    }
});

describe("--stack is a name, never a path", () => {
    for (const stack of ["../x", "..", "a/b", "/etc/passwd", "x/../../y", "a\\b", ""]) {
        test(JSON.stringify(stack), () => {
            const root = project("config: {}\n");
            fs.writeFileSync(path.join(root, "Pulumi.x.yaml"), "config: {}\n");
            assert.throws(
                () => stackConfig(stack, root),
                (e: unknown) =>
                    e instanceof ConfigError && e.field === "--stack" && /is not a stack name.*Fix: /.test(e.message),
            );
        });
    }
    test("a name with dots and dashes is read", () => {
        const root = project("config:\n  portworx-auth:storageClusterName: px-cluster\n");
        fs.renameSync(path.join(root, "stacks", "Pulumi.t.yaml"), path.join(root, "stacks", "Pulumi.prod-eu.1.yaml"));
        assert.ok(stackConfig("prod-eu.1", root));
    });
});

describe("--stork-live", () => {
    const stack = `config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer: a.b\n  portworx-auth:storkMode: deployment\n  portworx-auth:storkNamespace: kube-system\n`;
    const stork = (name: string, namespace: string) => {
        const d = YAML.parse(fixture("stork-deployment.yaml"));
        d.metadata = { ...d.metadata, name, namespace };
        return file(YAML.stringify(d));
    };
    const unmanaged = file(YAML.stringify(live((l) => (l.spec.stork = { enabled: false }))));

    test("the configured Deployment is read", async () => {
        const root = project(stack);
        const { ok, text } = await planStack("t", unmanaged, root, stork("stork", "kube-system"));
        assert.equal(ok, true, text);
    });

    test("a Deployment from another namespace or of another name is refused, not used", async () => {
        const root = project(stack);
        await refuses(
            planStack("t", unmanaged, root, stork("stork", "portworx")),
            "--stork-live",
            /holds Deployment portworx\/stork; none is the Deployment kube-system\/stork/,
        );
        await refuses(
            planStack("t", unmanaged, root, stork("stork2", "kube-system")),
            "--stork-live",
            /none is the Deployment kube-system\/stork/,
        );
    });

    test("a malformed file is a named error", async () => {
        const root = project(stack);
        await refuses(planStack("t", unmanaged, root, file("a: [\n")), "--stork-live", /not valid YAML/);
    });
});

describe("stack files", () => {
    test("a stack file that is not YAML is named with its line, never quoted", async () => {
        const root = project("config:\n  portworx-auth:sharedSecret: [hunter2-sentinel\n");
        await assert.rejects(planStack("t", path.join(ROOT, "examples", "storagecluster.yaml"), root), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.match(e.message, /^stacks\/Pulumi\.t\.yaml line \d+, column \d+: is not valid YAML/);
            assert.ok(!e.message.includes("hunter2"));
            return true;
        });
    });

    test("an encrypted non-secret key is named: the plan cannot read it", async () => {
        const root = project(
            "config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer:\n    secure: v1:abc\n",
        );
        await refuses(
            planStack("t", path.join(ROOT, "examples", "storagecluster.yaml"), root),
            "selfSignedIssuer",
            /is encrypted in the stack file/,
        );
    });

    test("an encrypted shared secret is left to pulumi; a plain-text one is checked", async () => {
        const enc = project(
            "config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer: a.b\n  portworx-auth:sharedSecret:\n    secure: v1:short\n",
        );
        assert.equal((await planStack("t", path.join(ROOT, "examples", "storagecluster.yaml"), enc)).ok, true);
    });

    test("an unquoted number is noted with what Pulumi passes", async () => {
        const root = project(
            "config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer: a.b\n  portworx-auth:rotationSystemKey: 2026.10\n",
        );
        const { text } = await planStack("t", path.join(ROOT, "examples", "storagecluster.yaml"), root);
        assert.match(
            text,
            /Note: rotationSystemKey: the stack file has 2026\.10 unquoted, which YAML reads as a number, so Pulumi passes "2026\.1"\. Quote it/,
        );
        assert.match(text, /value: system=2026\.1;/);
    });
});

describe("the command line", () => {
    const plan = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts", ...args], { cwd: ROOT, encoding: "utf8" });

    test("the quick start says it planned against a sample, at the top and the bottom", () => {
        const r = plan("--stack", "dev");
        assert.equal(r.status, 0);
        assert.match(
            r.stdout,
            /^# portworx-auth plan: stack dev, live examples\/storagecluster\.yaml \(a sample, not your cluster\)\n\nNote: Planned against examples\/storagecluster\.yaml, a sample StorageCluster/,
        );
        assert.match(r.stdout, /Note: the sample, not your cluster, was planned against/);
    });

    test("bad files and flags exit 2 with one line and no stack trace", () => {
        for (const args of [
            ["--stack", "dev", "--live", "/nonexistent.yaml"],
            ["--stack", "dev", "--live", ROOT],
            ["--stack", "dev", "--bogus"],
            ["--stack", "dev", "--stork-live", "x.yaml"],
        ]) {
            const r = plan(...args);
            assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, /^portworx-auth: /);
            assert.doesNotMatch(r.stderr, /\n\s+at /);
        }
    });
});
