// `npm run docs`: writes the README's config reference from Pulumi.yaml's `config:` schema,
// between the config-reference markers and nowhere else. test/config-reference.test.ts fails
// when the README and the schema drift apart.
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import * as YAML from "yaml";

export const START = "<!-- config-reference:start -->";
export const END = "<!-- config-reference:end -->";

interface ConfigSchema {
    type?: string;
    default?: unknown;
    secret?: boolean;
    description?: string;
    items?: { type?: string };
}

/** Keeps a cell's text from breaking the table or turning into markup. */
function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").replace(/([\\|*<])/g, "\\$1");
}

function code(value: unknown): string {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return `\`${text.replace(/\|/g, "\\|")}\``;
}

/** The config reference for a Pulumi.yaml's text, as Markdown (before Prettier). Pure. */
export function renderConfigReference(pulumiYaml: string): string {
    const project = YAML.parse(pulumiYaml) as { name: string; config?: Record<string, unknown> };
    const rows = Object.entries(project.config ?? {}).map(([key, raw]) => {
        // A plain value is a default with no schema.
        const s: ConfigSchema =
            raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as ConfigSchema) : { default: raw };
        const type = s.type === "array" ? `array of ${s.items?.type ?? "?"}` : (s.type ?? "");
        return `| \`${key}\` | ${type} | ${s.default === undefined ? "" : code(s.default)} | ${s.secret ? "yes" : ""} | ${cell(s.description ?? "")} |`;
    });
    return [
        `Generated from \`Pulumi.yaml\` by \`npm run docs\`. Set a value with \`pulumi config set KEY VALUE\` ` +
            `(\`--secret\` for secrets); stack files hold it as \`${project.name}:KEY\`.`,
        "",
        "| key | type | default | secret | description |",
        "| --- | --- | --- | --- | --- |",
        ...rows,
    ].join("\n");
}

/** The section as stored in the README: Prettier-formatted with the project's settings. */
export async function formattedReference(pulumiYaml: string, readmePath: string): Promise<string> {
    const options = (await prettier.resolveConfig(readmePath)) ?? {};
    return prettier.format(renderConfigReference(pulumiYaml), { ...options, filepath: readmePath });
}

/** The text between the markers, trimmed; throws when they are missing or out of order. */
export function readSection(readme: string): string {
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`README.md needs ${START} followed by ${END}`);
    return readme.slice(start + START.length, end).trim();
}

/** The README with only the text between the markers replaced. */
export function replaceSection(readme: string, section: string): string {
    readSection(readme);
    const start = readme.indexOf(START) + START.length;
    const end = readme.indexOf(END);
    return `${readme.slice(0, start)}\n\n${section.trim()}\n\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
    const root = path.resolve(__dirname, "..");
    const readmePath = path.join(root, "README.md");
    const section = await formattedReference(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"), readmePath);
    const before = fs.readFileSync(readmePath, "utf8");
    const after = replaceSection(before, section);
    if (after !== before) fs.writeFileSync(readmePath, after);
    process.stdout.write(`README.md config reference ${after === before ? "already up to date" : "updated"}\n`);
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
}
