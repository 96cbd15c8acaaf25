// `npm run docs`: writes Pulumi.yaml's `config:` block and docs/config-reference.md (between
// the config-reference markers and nowhere else) from the declarations in components/config.ts.
// test/config-reference.test.ts fails when either drifts from them.
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import * as YAML from "yaml";
import { CONFIG_KEYS, PROJECT, type ConfigKey } from "../components/config";
import { runCommand } from "../cli/io";

/** The page that holds the config reference, between the markers. */
export const REFERENCE_FILE = "docs/config-reference.md";
export const START = "<!-- config-reference:start -->";
export const END = "<!-- config-reference:end -->";

/** Keeps a cell's text from breaking the table or turning into markup. */
function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").replace(/([\\|*<])/g, "\\$1");
}

function code(value: unknown): string {
    const text = typeof value === "string" && value !== "" ? value : JSON.stringify(value);
    return `\`${text.replace(/\|/g, "\\|")}\``;
}

/** The config reference (docs/config-reference.md), from the declarations, as Markdown (before Prettier). Pure. */
export function renderConfigReference(keys: readonly ConfigKey[] = CONFIG_KEYS): string {
    const declared = keys.filter((k) => k.declared);
    const outside = keys.filter((k) => !k.declared);
    return [
        `Generated from \`components/config.ts\` by \`npm run docs\`, which also writes \`Pulumi.yaml\`'s \`config:\` block. ` +
            `Set a value with \`pulumi config set KEY VALUE\` (\`--secret\` for secrets); stack files hold it as \`${PROJECT}:KEY\`. ` +
            "Quote values in stack files: YAML reads an unquoted `2026.10` as the number 2026.1 and `2026-11-01` as a date, " +
            "and Pulumi passes the program what YAML read. A key not listed here is refused.",
        "",
        "| key | type | default | description |",
        "| --- | --- | --- | --- |",
        ...declared.map(
            (k) =>
                `| \`${k.key}\` | ${k.type} | ${k.default === undefined ? "(required)" : code(k.default)} | ${cell(k.doc)} |`,
        ),
        "",
        "Outside `Pulumi.yaml` (its schema can neither type a list of objects nor, safely, give a secret a default):",
        "",
        "| key | how to set it | what it is |",
        "| --- | --- | --- |",
        ...outside.map(
            (k) =>
                `| \`${k.key}\` | \`${(k.howToSet ?? "").replace(/\|/g, "\\|")}\` | ${cell(k.doc)}${k.secret ? " Secret." : ""} |`,
        ),
    ].join("\n");
}

/** Pulumi.yaml with its `config:` block written from the declarations, everything else kept. */
export function writeProjectConfig(pulumiYaml: string, keys: readonly ConfigKey[] = CONFIG_KEYS): string {
    const doc = YAML.parseDocument(pulumiYaml);
    const config = Object.fromEntries(
        keys
            .filter((k) => k.declared)
            .map((k) => [
                k.key,
                {
                    type: k.type,
                    ...(k.default === undefined ? {} : { default: k.default }),
                    ...(k.secret ? { secret: true } : {}),
                    description: k.doc,
                },
            ]),
    );
    doc.set("config", doc.createNode(config));
    return doc.toString({ lineWidth: 0 });
}

/** The section as stored in the page: Prettier-formatted with the project's settings. */
export async function formattedReference(
    readmePath: string,
    keys: readonly ConfigKey[] = CONFIG_KEYS,
): Promise<string> {
    const options = (await prettier.resolveConfig(readmePath)) ?? {};
    return prettier.format(renderConfigReference(keys), { ...options, filepath: readmePath });
}

/** The text between the markers, trimmed; throws when they are missing or out of order. */
export function readSection(readme: string): string {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${REFERENCE_FILE} needs ${START} followed by ${END}`);
    return readme.slice(start + START.length, end).trim();
}

/** The page with only the text between the markers replaced. */
export function replaceSection(readme: string, section: string): string {
    readSection(readme);
    const start = readme.indexOf(START) + START.length;
    const end = readme.indexOf(END);
    return `${readme.slice(0, start)}\n\n${section.trim()}\n\n${readme.slice(end)}`;
}

async function main(): Promise<number> {
    const root = path.resolve(__dirname, "..");
    const write = (file: string, after: string) => {
        const before = fs.readFileSync(file, "utf8");
        if (after !== before) fs.writeFileSync(file, after);
        process.stdout.write(`${path.relative(root, file)} ${after === before ? "already up to date" : "updated"}\n`);
    };
    const project = path.join(root, "Pulumi.yaml");
    write(project, writeProjectConfig(fs.readFileSync(project, "utf8")));
    const reference = path.join(root, REFERENCE_FILE);
    write(reference, replaceSection(fs.readFileSync(reference, "utf8"), await formattedReference(reference)));
    return 0;
}

if (require.main === module) {
    runCommand(() =>
        main().catch((e: unknown) => {
            process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
            return 1;
        }),
    );
}
