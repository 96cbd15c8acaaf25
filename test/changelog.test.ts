// CHANGELOG.md follows one format (Keep a Changelog 1.1.0): each change type at most once per version.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

const TYPES = ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"];

/** Problems in a changelog's headings: a repeated or unknown `###` type under one `##` version. */
export function changelogProblems(text: string): string[] {
    const problems: string[] = [];
    let version: string | undefined;
    let seen = new Set<string>();
    for (const line of text.split("\n")) {
        const v = /^## (.+)$/.exec(line);
        if (v) {
            version = v[1].trim();
            seen = new Set();
            continue;
        }
        const h = /^### (.+)$/.exec(line);
        if (!h) continue;
        const type = h[1].trim();
        if (version === undefined) problems.push(`### ${type} before any version`);
        else if (!TYPES.includes(type)) problems.push(`${version}: unknown section ### ${type}`);
        else if (seen.has(type)) problems.push(`${version}: ### ${type} appears more than once`);
        seen.add(type);
    }
    return problems;
}

describe("CHANGELOG.md", () => {
    test("has each change type at most once under a version", () => {
        const text = fs.readFileSync(path.resolve(__dirname, "..", "CHANGELOG.md"), "utf8");
        assert.match(text, /^## \[Unreleased\]$/m);
        assert.deepEqual(changelogProblems(text), []);
    });

    test("the check finds a repeated heading, and allows it again under the next version", () => {
        const twice = "## [Unreleased]\n\n### Added\n\n- a\n\n### Fixed\n\n- b\n\n### Added\n\n- c\n";
        assert.deepEqual(changelogProblems(twice), ["[Unreleased]: ### Added appears more than once"]);
        assert.deepEqual(changelogProblems("## [1.1.0]\n\n### Added\n\n## [1.0.0]\n\n### Added\n"), []);
        assert.deepEqual(changelogProblems("## [1.0.0]\n\n### Notes\n"), ["[1.0.0]: unknown section ### Notes"]);
    });
});
