// The library's modules form no import cycle: each concern imports only the ones below it.
// components/ and cli/ are one graph, so a cycle through both (or inside cli/) is caught too.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const DIRS = ["components", "cli"];

/**
 * Every local module a file imports, re-exports, imports for side effects, or loads with a
 * dynamic `import("./x")` / `require("./x")`, type-only imports included, as written ("./x",
 * "../components/x").
 */
export function localImports(source: string): string[] {
    const found = new Set<string>();
    const spec = `"(\\.\\.?\\/[^"]+)"`;
    const patterns = [
        new RegExp(`^\\s*(?:import|export)\\b[^;]*?\\bfrom\\s+${spec}`, "gms"),
        new RegExp(`^\\s*import\\s+${spec}`, "gm"),
        new RegExp(`\\b(?:import|require)\\s*\\(\\s*${spec}\\s*\\)`, "g"),
    ];
    for (const re of patterns) {
        for (const m of source.matchAll(re)) found.add(m[1]);
    }
    return [...found].sort();
}

/** The import graph of components/ and cli/: "dir/module" → the "dir/module"s it imports. */
export function importGraph(root = ROOT): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const dir of DIRS) {
        for (const f of fs.readdirSync(path.join(root, dir)).filter((x) => x.endsWith(".ts"))) {
            const from = `${dir}/${f.replace(/\.ts$/, "")}`;
            const to = localImports(fs.readFileSync(path.join(root, dir, f), "utf8")).map((p) =>
                path.posix.join(dir, p).replace(/\.ts$/, ""),
            );
            graph.set(from, to);
        }
    }
    return graph;
}

/** The first import cycle in a graph of module → imported modules, as a path, or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (n: string): string[] | undefined => {
        if (state.get(n) === "done") return undefined;
        if (state.get(n) === "open") return [...stack.slice(stack.indexOf(n)), n];
        state.set(n, "open");
        stack.push(n);
        for (const m of graph.get(n) ?? []) {
            const c = visit(m);
            if (c) return c;
        }
        stack.pop();
        state.set(n, "done");
        return undefined;
    };
    for (const n of [...graph.keys()].sort()) {
        const c = visit(n);
        if (c) return c;
    }
    return undefined;
}

describe("components/ and cli/", () => {
    test("have no import cycle, type-only, dynamic and cross-directory imports included", () => {
        const graph = importGraph();
        assert.ok([...graph.keys()].filter((k) => k.startsWith("components/")).length > 5);
        assert.ok([...graph.keys()].filter((k) => k.startsWith("cli/")).length > 2);
        // The edges into components/ resolve to files that exist, so the graph is the real one.
        assert.ok(graph.get("cli/plan")?.includes("components/config"));
        for (const [from, to] of graph) {
            for (const t of to) assert.ok(graph.has(t), `${from} imports ${t}, which is not a module here`);
        }
        const cycle = findCycle(graph);
        assert.equal(cycle, undefined, `import cycle: ${cycle?.join(" → ")}`);
    });

    test("load jose only when a token is verified or a public key checked: a program without them never pays its load", () => {
        for (const dir of DIRS) {
            for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((x) => x.endsWith(".ts"))) {
                const eager = /^\s*import\s+(?!type\b)[^;]*?\bfrom\s+"jose"/ms.test(
                    fs.readFileSync(path.join(ROOT, dir, f), "utf8"),
                );
                assert.equal(
                    eager,
                    false,
                    `${dir}/${f} imports jose at load; use await import("jose") where it is needed`,
                );
            }
        }
    });

    test("the cycle finder finds cycles, including through type-only and multi-line imports", () => {
        const a =
            'import type {\n    X,\n    Y,\n} from "./b";\nexport { Z } from "./c";\n' +
            'import { W } from "../components/d";\nconst { f } = await import("./e");\nimport "./g";\n';
        assert.deepEqual(localImports(a), ["../components/d", "./b", "./c", "./e", "./g"]);
        const graph = new Map([
            ["a", ["b"]],
            ["b", ["c"]],
            ["c", ["a"]],
            ["d", []],
        ]);
        assert.deepEqual(findCycle(graph), ["a", "b", "c", "a"]);
        assert.equal(
            findCycle(
                new Map([
                    ["a", ["b"]],
                    ["b", []],
                ]),
            ),
            undefined,
        );
    });
});
