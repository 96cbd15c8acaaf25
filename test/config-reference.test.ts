// The README's config reference is what `npm run docs` makes from Pulumi.yaml.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as YAML from "yaml";
import {
    END,
    formattedReference,
    readSection,
    renderConfigReference,
    replaceSection,
    START,
} from "../scripts/config-reference";

const ROOT = path.resolve(__dirname, "..");
const README = path.join(ROOT, "README.md");
const PULUMI_YAML = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");

describe("config reference", () => {
    it("README.md matches Pulumi.yaml (run `npm run docs` when this fails)", async () => {
        const expected = await formattedReference(PULUMI_YAML, README);
        assert.equal(readSection(fs.readFileSync(README, "utf8")), expected.trim());
    });

    it("has one row per config key, in Pulumi.yaml's order", () => {
        const keys = Object.keys(YAML.parse(PULUMI_YAML).config);
        const rows = renderConfigReference(PULUMI_YAML)
            .split("\n")
            .filter((l) => l.startsWith("| `"));
        assert.deepEqual(
            rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]),
            keys,
        );
    });

    it("renders type, default, secret and description, escaping what would break the table", () => {
        const text = renderConfigReference(
            [
                "name: demo",
                "runtime: nodejs",
                "config:",
                "  plain: 3",
                "  token:",
                "    type: string",
                "    secret: true",
                "    description: 'a|b, *not bold*, <br>'",
                "  flag:",
                "    type: boolean",
                "    default: false",
                "  tags:",
                "    type: array",
                "    items: { type: string }",
                "    default: [a]",
            ].join("\n"),
        );
        assert.match(text, /`demo:KEY`/);
        assert.match(text, /^\| `plain` \| {2}\| `3` \| {2}\| {2}\|$/m);
        assert.match(text, /^\| `token` \| string \| {2}\| yes \| a\\\|b, \\\*not bold\\\*, \\<br> \|$/m);
        assert.match(text, /^\| `flag` \| boolean \| `false` \| {2}\| {2}\|$/m);
        assert.match(text, /^\| `tags` \| array of string \| `\["a"\]` \| {2}\| {2}\|$/m);
    });

    it("replaces only the text between the markers", () => {
        const readme = `# x\n\nprose\n\n${START}\nold\n${END}\n\nmore prose\n`;
        const out = replaceSection(readme, "new table\n");
        assert.equal(out, `# x\n\nprose\n\n${START}\n\nnew table\n\n${END}\n\nmore prose\n`);
        assert.equal(readSection(out), "new table");
        assert.throws(() => replaceSection("# no markers\n", "t"), /config-reference:start/);
    });
});
