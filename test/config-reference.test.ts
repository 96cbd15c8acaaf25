// One declaration per config key: Pulumi.yaml's `config:` block and docs/config-reference.md
// are what `npm run docs` makes of components/config.ts, and the declarations fit the component.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as YAML from "yaml";
import { CONFIG_KEYS, configNames, nearestKey, type ConfigKey } from "../components/config";
import {
    END,
    formattedReference,
    readSection,
    REFERENCE_FILE,
    renderConfigReference,
    replaceSection,
    START,
    writeProjectConfig,
} from "../scripts/config-reference";

const ROOT = path.resolve(__dirname, "..");
const README = path.join(ROOT, REFERENCE_FILE);
const PULUMI_YAML = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");

describe("config reference", () => {
    it("docs/config-reference.md matches the declarations (run `npm run docs` when this fails)", async () => {
        const expected = await formattedReference(README);
        assert.equal(readSection(fs.readFileSync(README, "utf8")), expected.trim());
    });

    it("Pulumi.yaml's config block matches the declarations (run `npm run docs` when this fails)", () => {
        assert.equal(writeProjectConfig(PULUMI_YAML), PULUMI_YAML);
        const declared = YAML.parse(PULUMI_YAML).config as Record<string, { type: string; default?: unknown }>;
        assert.deepEqual(
            Object.keys(declared),
            CONFIG_KEYS.filter((k) => k.declared).map((k) => k.key),
        );
        for (const k of CONFIG_KEYS.filter((x) => x.declared)) {
            assert.equal(declared[k.key].type, k.type, k.key);
            assert.equal(declared[k.key].default, k.default, k.key);
        }
    });

    it("writes only the config block, keeping every other line and comment of Pulumi.yaml", () => {
        const keys: ConfigKey[] = [
            { key: "a", type: "string", declared: true, default: "x", arg: "a", doc: "A." },
            {
                key: "b",
                type: "json",
                declared: false,
                arg: "b",
                doc: "B.",
                howToSet: "pulumi config set --path b[0] x",
            },
        ];
        const out = writeProjectConfig(
            "name: demo # the name\n# about config\nconfig:\n  old: 1\nmain: index.ts\n",
            keys,
        );
        assert.equal(
            out,
            "name: demo # the name\n# about config\nconfig:\n  a:\n    type: string\n    default: x\n    description: A.\nmain: index.ts\n",
        );
    });

    it("has one row per key, declared keys first, escaping what would break the table", () => {
        const keys: ConfigKey[] = [
            { key: "plain", type: "string", declared: true, default: "", arg: "plain", doc: "a|b, *not bold*, <br>" },
            { key: "flag", type: "boolean", declared: true, default: false, arg: "flag", doc: "F." },
            { key: "need", type: "string", declared: true, arg: "need", doc: "N." },
            {
                key: "s",
                type: "string",
                declared: false,
                secret: true,
                arg: "s",
                doc: "S.",
                howToSet: "pulumi config set --secret s x",
            },
        ];
        const text = renderConfigReference(keys);
        assert.match(text, /^\| `plain` \| string \| `""` \| a\\\|b, \\\*not bold\\\*, \\<br> \|$/m);
        assert.match(text, /^\| `flag` \| boolean \| `false` \| F\. \|$/m);
        assert.match(text, /^\| `need` \| string \| \(required\) \| N\. \|$/m);
        assert.match(text, /^\| `s` \| `pulumi config set --secret s x` \| S\. Secret\. \|$/m);
        const rows = renderConfigReference()
            .split("\n")
            .filter((l) => l.startsWith("| `"))
            .map((r) => /^\| `([^`]+)`/.exec(r)?.[1]);
        assert.deepEqual(
            rows,
            CONFIG_KEYS.map((k) => k.key),
        );
    });

    it("replaces only the text between the markers", () => {
        const readme = `# x\n\nprose\n\n${START}\nold\n${END}\n\nmore prose\n`;
        const out = replaceSection(readme, "new table\n");
        assert.equal(out, `# x\n\nprose\n\n${START}\n\nnew table\n\n${END}\n\nmore prose\n`);
        assert.equal(readSection(out), "new table");
        assert.throws(() => replaceSection("# no markers\n", "t"), /config-reference:start/);
    });
});

describe("declarations", () => {
    it("every key is unique, has a doc, and sets a distinct argument", () => {
        assert.equal(new Set(CONFIG_KEYS.map((k) => k.key)).size, CONFIG_KEYS.length);
        assert.equal(new Set(CONFIG_KEYS.map((k) => k.arg)).size, CONFIG_KEYS.length);
        for (const k of CONFIG_KEYS) {
            assert.ok(k.doc.length > 10, k.key);
            assert.ok(k.declared || k.howToSet, `${k.key}: an undeclared key says how to set it`);
            assert.ok(!(k.secret && k.default !== undefined), `${k.key}: a secret with a default`);
            assert.ok(k.key === "storageClusterName" || !k.declared || k.default !== undefined, `${k.key}: no default`);
        }
    });

    it("errors name the key that set a field", () => {
        assert.equal(configNames("selfSigned.issuer"), "selfSignedIssuer");
        assert.equal(configNames("selfSigned.rsaPublicKey"), "rsaPublicKeyFile");
        assert.equal(configNames("stork.deploymentName"), "storkDeploymentName");
        assert.equal(configNames("tokenRenewBefore"), "tokenRenewBeforePercent");
        assert.equal(configNames("tokens[2].roles[0]"), "tokens[2].roles[0]");
        assert.equal(configNames("rotation.systemKey"), "rotationSystemKey");
        assert.equal(configNames("fieldManager"), "fieldManager", "no key sets it");
    });

    it("suggests the nearest known key for a typo, and none for a stranger", () => {
        assert.equal(nearestKey("selfSignedIsuer"), "selfSignedIssuer");
        assert.equal(nearestKey("storkmode"), "storkMode");
        assert.equal(nearestKey("rotationSytemKey"), "rotationSystemKey");
        assert.equal(nearestKey("sharedsecret"), "sharedSecret");
        assert.equal(nearestKey("replicas"), undefined);
    });
});
