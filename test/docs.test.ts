// The README is a front door and docs/ holds the rest: every relative link in them resolves (file
// and, when given, heading), and the README stays short enough to read in a few minutes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const README_LIMIT = 15_000;

/** The Markdown files a user reads: the README and every page under docs/. */
function pages(): string[] {
    const docs = fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f));
    return ["README.md", ...docs.sort()];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
}

/** Relative links of a Markdown text, outside code blocks: `[text](target)`. */
export function relativeLinks(markdown: string): string[] {
    const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Why a link from `from` does not resolve, or undefined when it does. */
export function brokenLink(from: string, target: string, read: (f: string) => string | undefined): string | undefined {
    const [file, anchor] = target.split("#", 2);
    const to = file === "" ? from : path.normalize(path.join(path.dirname(from), file));
    const text = read(to);
    if (text === undefined) return `${from}: ${target}: no file ${to}`;
    if (anchor === undefined || anchor === "") return undefined;
    const anchors = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]));
    return anchors.includes(anchor) ? undefined : `${from}: ${target}: ${to} has no heading #${anchor}`;
}

const read = (f: string): string | undefined => {
    const p = path.join(ROOT, f);
    if (!fs.existsSync(p)) return undefined;
    return fs.statSync(p).isDirectory() ? "" : fs.readFileSync(p, "utf8");
};

describe("docs", () => {
    it(`the README is under ${README_LIMIT} characters, with the two commands in its first lines`, () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.length < README_LIMIT, `README.md has ${readme.length} characters`);
        const first = readme.split("\n").slice(0, 8).join("\n");
        assert.match(first, /npm ci && npm run plan -- --stack dev/);
        assert.match(first, /^npm test\b/m);
    });

    it("every relative link in the README and docs/ resolves", () => {
        const broken: string[] = [];
        let links = 0;
        for (const f of pages()) {
            for (const target of relativeLinks(fs.readFileSync(path.join(ROOT, f), "utf8"))) {
                links++;
                const why = brokenLink(f, target, read);
                if (why) broken.push(why);
            }
        }
        assert.ok(links > 20, `only ${links} links found`);
        assert.deepEqual(broken, []);
    });

    it("every page under docs/ is linked from the docs index", () => {
        const index = fs.readFileSync(path.join(ROOT, "docs", "README.md"), "utf8");
        const linked = new Set(relativeLinks(index).map((t) => t.split("#")[0]));
        const missing = pages()
            .filter((f) => f.startsWith("docs/") && f !== "docs/README.md")
            .filter((f) => !linked.has(path.basename(f)));
        assert.deepEqual(missing, []);
    });

    it("the link check finds a missing file and a missing heading", () => {
        const files: Record<string, string> = { "docs/a.md": "# Title\n\n## A section, here\n" };
        const r = (f: string) => files[f];
        assert.equal(brokenLink("README.md", "docs/a.md#a-section-here", r), undefined);
        assert.match(brokenLink("README.md", "docs/b.md", r) ?? "", /no file docs\/b\.md/);
        assert.match(brokenLink("README.md", "docs/a.md#nope", r) ?? "", /no heading #nope/);
        assert.deepEqual(relativeLinks("[x](a.md) `[y](b.md)` [z](https://e.com)\n```\n[w](c.md)\n```\n"), ["a.md"]);
    });
});
