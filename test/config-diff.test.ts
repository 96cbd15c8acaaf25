// The differential test's generator and comparison, without Go: the comparison on outputs of
// Pulumi's own loader recorded by scripts/config-oracle (test/fixtures/config-diff/recorded.json);
// `npm run test:config-diff` runs the oracle itself on thousands of generated files.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { checkDeclaredTypes, pulumiConfig } from "../cli/stack-config";
import { ConfigError } from "../components/errors";
import { cases, disagreement, type OracleResult } from "../scripts/config-diff";

const ROOT = path.resolve(__dirname, "..");
const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const recorded = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "config-diff", "recorded.json"), "utf8"),
) as { name: string; text: string; pulumi: OracleResult }[];

test("a seed gives the same files; the files cover the shapes where readers differ", () => {
    const files = cases(7, 2000).map((c) => c.text);
    assert.deepEqual(
        cases(7, 50).map((c) => c.text),
        files.slice(0, 50),
    );
    for (const shape of [
        /<<: \*/,
        /&a\d/,
        /\*a\d/,
        /!!\w+ /,
        /\r\n/,
        /^\uFEFF/,
        /\n---\n/,
        /secure: /,
        /environment:/,
    ]) {
        assert.ok(
            files.some((f) => shape.test(f)),
            String(shape),
        );
    }
});

for (const { name, text, pulumi } of recorded) {
    test(`the reader agrees with Pulumi's recorded reading: ${name}`, () => {
        assert.equal(disagreement(project, text, pulumi), undefined);
    });
}

test("the comparison finds a value the reader reads differently, and a refusal Pulumi does not make", () => {
    const float = recorded.find((r) => r.name === "an unquoted float");
    assert.ok(float?.pulumi.values);
    const wrong = { ...float.pulumi, values: { ...float.pulumi.values, "portworx-auth:rotationSystemKey": "2026.10" } };
    assert.match(
        disagreement(project, float.text, wrong) ?? "",
        /rotationSystemKey: Pulumi "2026.10", reader "2026.1"/,
    );
    const refused = recorded.find((r) => r.name === "enabled: ~");
    assert.ok(refused?.pulumi.error);
    assert.match(disagreement(project, refused.text, { name: "x", values: {} }) ?? "", /the reader refuses: .*enabled/);
});

test("a stack with an environment: block is refused offline for a required key it leaves unset, saying why", () => {
    const text = "environment:\n  - prod\nconfig:\n  portworx-auth:selfSignedIssuer: a.b\n";
    const config = pulumiConfig(project, text, { project: "Pulumi.yaml", stack: "esc" });
    assert.throws(
        () => checkDeclaredTypes(project, config, "esc"),
        (e: unknown) =>
            e instanceof ConfigError &&
            e.field === "storageClusterName" &&
            /environment: \(Pulumi ESC\), which the offline plan cannot read/.test(e.message) &&
            !/Pulumi refuses to run/.test(e.message),
    );
});

test("two spellings of one key are refused: Pulumi keeps either, in Go's map order (seed 1 #2278)", () => {
    const files = { project: "Pulumi.yaml", stack: "Pulumi.dev.yaml" };
    for (const text of [
        "config:\n  portworx-auth:storageClusterName: x\n  portworx-auth:enabled: true\n  enabled: false\n",
        "base: &base\n  enabled: 'yes'\nconfig:\n  <<: *base\n  storageClusterName: x\n  portworx-auth:enabled: true\n",
        "config:\n  storageClusterName: x\n  portworx-auth:config:storageClusterName: y\n",
    ]) {
        assert.throws(
            () => pulumiConfig(project, text, files),
            (e: unknown) => e instanceof ConfigError && /sets portworx-auth:\w+ twice, as .* at random/.test(e.message),
        );
    }
    // One spelling, merged and written: the written value wins, as in yaml.v3.
    const one = pulumiConfig(
        project,
        "base: &base\n  enabled: 'yes'\nconfig:\n  <<: *base\n  storageClusterName: x\n  enabled: true\n",
        files,
    );
    assert.equal(one.values["portworx-auth:enabled"], "true");
});
