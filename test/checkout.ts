// A copy of this repository's runnable parts in a temp dir, sharing its node_modules, so a test
// can change stacks or examples and run the commands there without touching the work tree.
import * as fs from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..");

/** What `npm run plan` needs in a checkout. */
export const PLAN_FILES = ["package.json", "Pulumi.yaml", "tsconfig.json", "cli", "components", "examples", "stacks"];

/** Copies `files` from the repository into `dir` and links node_modules; returns `dir`. */
export function checkout(dir: string, files: readonly string[] = PLAN_FILES): string {
    for (const f of files) fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}
