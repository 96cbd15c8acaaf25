// The offline plan: deterministic, honest about preflight, and the same manifests the component writes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as YAML from "yaml";
import { PortworxAuth } from "../components";
import { resolveSettings } from "../components/args";
import { buildPlan, renderPlan } from "../components/plan";
import { listStacks, planStack, stackConfig } from "../cli/plan";
import { find, runScenario, sampleLive, SECRET_SIG, unwrapSecrets } from "./harness";

const ROOT = path.resolve(__dirname, "..");
const SAMPLE = path.join(ROOT, "examples", "storagecluster.yaml");

type Live = { spec: { env?: unknown; security?: unknown; stork: { env?: unknown } } };

/** A copy of this project's Pulumi.yaml with one stack file holding `config`; returns its root. */
function tmpProject(stack: string, config: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-root-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    fs.mkdirSync(path.join(root, "stacks"));
    const entries = Object.fromEntries(Object.entries(config).map(([k, v]) => [`portworx-auth:${k}`, v]));
    fs.writeFileSync(path.join(root, "stacks", `Pulumi.${stack}.yaml`), YAML.stringify({ config: entries }));
    return root;
}

function tmpLive(mutate: (live: Live) => void): string {
    const live = sampleLive() as Live;
    mutate(live);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-")), "live.yaml");
    fs.writeFileSync(file, YAML.stringify(live));
    return file;
}

describe("npm run plan", () => {
    test("dev: passes preflight and shows the merge, the restarts and redacted secrets", async () => {
        const { text, ok } = await planStack("dev", SAMPLE);
        assert.equal(ok, true);
        assert.match(text, /Preflight: passed\./);
        assert.match(text, /Portworx: every Portworx node restarts, one at a time/);
        assert.match(text, /system-secret: \(secret\)/);
        for (const user of [
            "PX_HTTP_PROXY",
            "AWS_ACCESS_KEY_ID",
            "PX_LOG_LEVEL",
            "NODE_NAME_OVERRIDE",
            "STORK_LOG_LEVEL",
        ]) {
            assert.match(text, new RegExp(`name: ${user}`));
        }
    });

    test("prod: shows the chosen trust models and the public key mount", async () => {
        const { text, ok } = await planStack("prod", SAMPLE);
        assert.equal(ok, true);
        assert.match(
            text,
            /Trust models: self-signed, issuer portworx\.prod\.example\.com, verified with RSA public key; OIDC, issuer https:\/\/login\.example\.com\/realms\/storage, client id portworx/,
        );
        assert.match(text, /Username claim: email/);
        assert.match(text, /name: PORTWORX_AUTH_JWT_RSA_PUBKEY\n\s+value: \/etc\/portworx-auth\/rsa-public\.pem/);
        assert.match(text, /spec\.volumes: adds portworx-auth-public-keys/);
        assert.match(text, /key pairing: apps/);
    });

    test("same inputs, same bytes", async () => {
        const a = await planStack("dev", SAMPLE);
        const b = await planStack("dev", SAMPLE);
        assert.equal(a.text, b.text);
    });

    test("a second plan against the first one's result restarts nothing", async () => {
        const { text } = await planStack("dev", SAMPLE);
        const patch = YAML.parseAllDocuments(text.slice(text.indexOf("---")))
            .map((d) => d.toJSON())
            .find((m) => m.kind === "StorageCluster");
        const live = tmpLive((l) => {
            l.spec.env = patch.spec.env;
            l.spec.stork.env = patch.spec.stork.env;
        });
        const again = await planStack("dev", live);
        assert.match(again.text, /Portworx: none\n\s+Stork: none/);
        assert.match(again.text, /spec\.env: unchanged/);
    });

    test("a failed preflight exits 1 with the error and writes no manifest", () => {
        const live = tmpLive((l) => (l.spec.security = { enabled: true }));
        const r = spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts", "--stack", "dev", "--live", live], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(r.status, 1);
        assert.match(r.stdout, /Preflight: FAILED\. Nothing would be written\.\n\s+- securityMode: /);
        assert.doesNotMatch(r.stdout, /kind: Secret/);
    });

    test("a --live file that is not there is an error, not an empty cluster", async () => {
        await assert.rejects(planStack("dev", path.join(os.tmpdir(), "does-not-exist.yaml")), /--live: no file/);
    });

    test("an empty live file is an error naming the file, not a StorageCluster not found", async () => {
        const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-")), "empty.yaml");
        fs.writeFileSync(empty, "");
        await assert.rejects(planStack("dev", empty), /--live: .*empty\.yaml is empty/);
    });

    test("every shipped stack sets every key Pulumi.yaml declares without a default; a stack that does not is refused", async () => {
        for (const stack of listStacks()) {
            assert.ok(stackConfig(stack).values["portworx-auth:storageClusterName"], stack);
        }
        const root = tmpProject("bare", { selfSignedIssuer: "a.b" });
        await assert.rejects(
            planStack("bare", SAMPLE, root),
            /^ConfigError: storageClusterName: is not set in stacks\/Pulumi\.bare\.yaml, and Pulumi\.yaml declares it without a default/,
        );
        const declared = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).config as Record<
            string,
            { default?: unknown; secret?: boolean }
        >;
        for (const [k, v] of Object.entries(declared)) {
            assert.ok(!(v.secret && "default" in v), `${k}: a secret with a default`);
            if (k !== "storageClusterName") {
                assert.ok("default" in v, `${k} has no default, so every stack would have to set it`);
            }
        }
    });

    test("bad usage and bad config exit 2 with the field named", () => {
        const usage = spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(usage.status, 2);
        assert.match(usage.stderr, /usage: npm run plan -- --stack NAME/);
        const missing = spawnSync(process.execPath, ["--import", "tsx", "cli/plan.ts", "--stack", "nope"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /--stack: no stack file stacks\/Pulumi\.nope\.yaml.*dev, prod/);
    });
});

describe("one source of truth", () => {
    for (const preview of [false, true]) {
        test(`the component registers exactly the plan's StorageCluster patch and Secret metadata (preview=${preview})`, async () => {
            const args = {
                namespace: "portworx",
                storageClusterName: "px-cluster",
                selfSigned: { issuer: "px.example.com" },
                oidc: { issuer: "https://id.example.com", clientId: "px" },
            };
            const plan = buildPlan(resolveSettings(args), sampleLive());
            const { recorded } = await runScenario({ preview, live: sampleLive() }, () => new PortworxAuth("px", args));
            const patch = unwrapSecrets(find(recorded, ":StorageClusterPatch").inputs) as Record<string, unknown>;
            assert.deepEqual(patch.spec, plan.storageClusterPatch.spec);
            assert.deepEqual(patch.metadata, plan.storageClusterPatch.metadata);
            for (const m of plan.keySecrets) {
                const r = recorded.find(
                    (x) =>
                        x.type.endsWith(":SecretPatch") &&
                        (x.inputs.metadata as { name: string }).name === m.metadata.name,
                );
                assert.deepEqual(r?.inputs.metadata, m.metadata, m.metadata.name);
            }
        });
    }

    test("renderPlan never prints a secret the settings could carry", () => {
        const s = resolveSettings({
            namespace: "portworx",
            storageClusterName: "px-cluster",
            selfSigned: { issuer: "px.example.com", sharedSecret: "sentinel-secret-value-0123456789abcdef" },
        });
        assert.doesNotMatch(renderPlan(buildPlan(s, sampleLive()), "t"), /sentinel/);
    });
});

describe("a user's literal secrets in the lists we write back", () => {
    const live = () => {
        const l = sampleLive() as { spec: { env: { name: string; value?: string }[] } };
        l.spec.env.push({ name: "AWS_SECRET_ACCESS_KEY", value: "sentinel-aws-secret" });
        return l;
    };
    const args = { namespace: "portworx", storageClusterName: "px-cluster", selfSigned: { issuer: "a.b" } };

    test("are redacted in the plan and named in its notes", () => {
        const plan = buildPlan(resolveSettings(args), live());
        assert.deepEqual(plan.literalSecrets, ["spec.env[5] AWS_SECRET_ACCESS_KEY"]);
        const text = renderPlan(plan, "t");
        assert.doesNotMatch(text, /sentinel-aws-secret/);
        assert.match(text, /name: AWS_SECRET_ACCESS_KEY\n\s+value: "?\(secret\)"?/);
        assert.match(plan.notes.join("\n"), /spec\.env\[5\] AWS_SECRET_ACCESS_KEY hold literal values/);
        // The patch itself keeps the value: the list is written back whole.
        assert.ok(JSON.stringify(plan.storageClusterPatch).includes("sentinel-aws-secret"));
    });

    test("make the component register its patch as a secret, and only then", async () => {
        const secret = await runScenario({ preview: false, live: live() }, () => new PortworxAuth("px", args));
        const spec = find(secret.recorded, ":StorageClusterPatch").inputs.spec as Record<string, unknown>;
        assert.ok(spec[SECRET_SIG] !== undefined, "the spec is wrapped as a secret");
        const clean = await runScenario({ preview: false, live: sampleLive() }, () => new PortworxAuth("px", args));
        const plain = find(clean.recorded, ":StorageClusterPatch").inputs.spec as Record<string, unknown>;
        assert.equal(plain[SECRET_SIG], undefined, "previews stay readable");
    });
});

describe("second review: config defaults and literal detection", () => {
    test("an operator-mode stack plans with Pulumi.yaml's defaults", async () => {
        const root = tmpProject("op", {
            storageClusterName: "px-cluster",
            securityMode: "operator",
            selfSignedIssuer: "a.b",
        });
        const { ok, text } = await planStack("op", SAMPLE, root);
        assert.equal(ok, true, text);
        assert.match(text, /security mode: operator/);
    });

    test("settings that only look secret are left alone; a URL with a password is not", () => {
        const l = sampleLive() as {
            spec: { env: { name: string; value?: string }[]; stork: { env: { name: string; value?: string }[] } };
        };
        l.spec.env.push(
            { name: "VAULT_AUTH_METHOD", value: "kubernetes" },
            { name: "TLS_KEY_FILE", value: "/etc/tls/key.pem" },
        );
        l.spec.stork.env.push({ name: "HTTPS_PROXY_FALLBACK", value: "http://user:hunter2@proxy:3128" });
        l.spec.env.push({ name: "PX_HTTP_PROXY_2", value: "http://:hunter3@proxy:3128" });
        const plan = buildPlan(
            resolveSettings({ namespace: "portworx", storageClusterName: "px-cluster", selfSigned: { issuer: "a.b" } }),
            l,
        );
        assert.deepEqual(plan.literalSecrets, [
            "spec.env[7] PX_HTTP_PROXY_2",
            "spec.stork.env[2] HTTPS_PROXY_FALLBACK",
        ]);
        assert.doesNotMatch(renderPlan(plan, "t"), /hunter[23]/);
    });

    test("every credential shape in a URL is redacted and makes the patch secret; a URL without one is not", async () => {
        const withCredentials = [
            "https://sentinel-token-1@git.example.com/repo",
            "https://sentinel-token-2:@git.example.com",
            "http://sentinel-user:sentinel-pw-3@proxy:3128",
            "http://:sentinel-pw-4@proxy:3128",
            "proxy=http://::sentinel-pw-5@proxy",
        ];
        const without = ["https://@host/", "https://:@host/", "https://host:8080/a@b", "https://host/?q=a@b", "a@b.c"];
        const entries = [...withCredentials, ...without].map((value, i) => ({ name: `PX_PLAIN_${i}`, value }));
        const l = sampleLive() as { spec: { env: { name: string; value?: string }[] } };
        const first = l.spec.env.length;
        l.spec.env.push(...entries);
        const args = { namespace: "portworx", storageClusterName: "px-cluster", selfSigned: { issuer: "a.b" } };
        const plan = buildPlan(resolveSettings(args), l);
        assert.deepEqual(
            plan.literalSecrets,
            withCredentials.map((_, i) => `spec.env[${first + i}] PX_PLAIN_${i}`),
        );
        const text = renderPlan(plan, "t");
        assert.doesNotMatch(text, /sentinel/);
        for (const v of without) assert.ok(text.includes(v), `${v} is not a credential and stays readable`);
        const run = await runScenario({ preview: false, live: l }, () => new PortworxAuth("px", args));
        const spec = find(run.recorded, ":StorageClusterPatch").inputs.spec as Record<string, unknown>;
        assert.ok(spec[SECRET_SIG] !== undefined, "the spec is wrapped as a secret");
    });

    test("--stork-live where Stork is not a Deployment is refused, not ignored", () => {
        const r = spawnSync(
            process.execPath,
            ["--import", "tsx", "cli/plan.ts", "--stack", "dev", "--stork-live", "/nonexistent.yaml"],
            {
                cwd: ROOT,
                encoding: "utf8",
            },
        );
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--stork-live: only applies with storkMode deployment in securityMode env/);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
});

test("a refusal of a value YAML converted says it was converted, and how to quote it", async () => {
    const root = tmpProject("conv", {});
    const file = path.join(root, "stacks", "Pulumi.conv.yaml");
    fs.writeFileSync(
        file,
        "config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer: px.example.com\n  portworx-auth:rotationSystemKey: 2026-11-01\n",
    );
    await assert.rejects(
        planStack("conv", SAMPLE, root),
        (e: Error) =>
            /YAML read the unquoted 2026-11-01 as a date, and Pulumi passes "2026-11-01 00:00:00 \+0000 UTC", which must be a short version string/.test(
                e.message,
            ) && /Fix: quote it in the stack file \(rotationSystemKey: "2026-11-01"\)/.test(e.message),
    );
    // Quoted, it is the text as written, and plans.
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("2026-11-01", '"2026-11-01"'));
    assert.equal((await planStack("conv", SAMPLE, root)).ok, true);
});

test("a converted secret value is refused without being echoed", async () => {
    const root = tmpProject("convsecret", {});
    fs.writeFileSync(
        path.join(root, "stacks", "Pulumi.convsecret.yaml"),
        "config:\n  portworx-auth:storageClusterName: px-cluster\n  portworx-auth:selfSignedIssuer: px.example.com\n  portworx-auth:sharedSecret: 0x1234567890abcdef\n",
    );
    await assert.rejects(planStack("convsecret", SAMPLE, root), (e: Error) => {
        assert.match(e.message, /sharedSecret/);
        assert.doesNotMatch(e.message, /1234567890abcdef|1311768467294899695|YAML read the unquoted/i);
        return true;
    });
});

test("key files named in config are read from the project directory, as Pulumi reads them, whatever the shell's folder", () => {
    // stacks/Pulumi.prod.yaml names examples/keys/prod-rsa-public.pem, relative to the project directory.
    const sub = path.join(ROOT, "examples", "keys");
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "plan.ts"), "--stack", "prod"], {
        cwd: sub,
        encoding: "utf8",
    });
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.match(r.stdout, /verified with RSA public key/);
});
