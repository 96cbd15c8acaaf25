// `npm run schema`: the Pulumi package schema other languages get, inferred offline from the
// component's TypeScript types by @pulumi/pulumi/provider/experimental, exactly as the plugin host
// does for `pulumi package add`, and written to schema.json. `npm run schema -- --check` (and
// test/pulumi-package.test.ts) fails with a readable diff when the types and the snapshot differ.
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as prettier from "prettier";
import { PortworxAuth } from "../components";
import { runCommand } from "../cli/io";

const ROOT = path.resolve(__dirname, "..");
export const SCHEMA_FILE = "schema.json";

/** The provider name the plugin host derives from package.json's name (run-plugin/run.js). */
export function providerName(root = ROOT): string {
    const name = String(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name);
    return name.replace(/^@[^/]+\//, "").replace(/[^-a-zA-Z0-9_]/g, "-");
}

/** The provider the plugin host would serve, for the schema and for `construct`. */
export function componentProvider(root = ROOT): ComponentProvider {
    return new ComponentProvider({ components: [PortworxAuth], dirname: root, name: providerName(root) });
}

/** The inferred schema without `version`, which follows package.json: the snapshot is the API. */
export async function inferSchema(provider = componentProvider()): Promise<Record<string, unknown>> {
    const schema = JSON.parse(await provider.getSchema()) as Record<string, unknown>;
    delete schema.version;
    return schema;
}

/** schema.json's text: the schema as Prettier formats JSON here, so `npm run lint` accepts it. */
export async function renderSchema(schema: unknown, root = ROOT): Promise<string> {
    const file = path.join(root, SCHEMA_FILE);
    const options = (await prettier.resolveConfig(file)) ?? {};
    return prettier.format(JSON.stringify(schema), { ...options, filepath: file });
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const show = (v: unknown) => JSON.stringify(v);

/**
 * The differences between two JSON values, one line per changed leaf, named by its path:
 * `+ path: value` added, `- path: value` removed, `~ path: old -> new` changed.
 *
 * @example
 * diffJson({ a: { b: 1 } }, { a: { b: 2, c: 3 } }); // ["~ a.b: 1 -> 2", "+ a.c: 3"]
 */
export function diffJson(before: unknown, after: unknown, at = ""): string[] {
    const isObj = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null;
    const name = (k: string) => (at ? `${at}.${k}` : k);
    if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
        return keys.flatMap((k) =>
            !(k in after)
                ? [`- ${name(k)}: ${show(before[k])}`]
                : !(k in before)
                  ? [`+ ${name(k)}: ${show(after[k])}`]
                  : diffJson(before[k], after[k], name(k)),
        );
    }
    return show(before) === show(after) ? [] : [`~ ${at || "(root)"}: ${show(before)} -> ${show(after)}`];
}

async function main(argv: string[]): Promise<number> {
    const check = argv.includes("--check");
    const file = path.join(ROOT, SCHEMA_FILE);
    const schema = await inferSchema();
    if (!check) {
        fs.writeFileSync(file, await renderSchema(schema));
        process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
        return 0;
    }
    const committed: unknown = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
    const changes = diffJson(committed, schema);
    if (changes.length === 0) return 0;
    process.stderr.write(
        `${SCHEMA_FILE} differs from the schema inferred from the component's types (- committed, + inferred).\n` +
            `If the public API change is intended, run \`npm run schema\` and commit ${SCHEMA_FILE}.\n` +
            changes.map((l) => `  ${l}\n`).join(""),
    );
    return 1;
}

if (require.main === module) runCommand(() => main(process.argv.slice(2)));
