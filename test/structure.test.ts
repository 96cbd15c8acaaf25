// The library's modules form no import cycle: each concern imports only the ones below it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

const DIR = path.resolve(__dirname, "..", "components");

/** Every local module a file imports or re-exports, type-only imports included. */
export function localImports(source: string): string[] {
    const found = new Set<string>();
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.\/[^"]+)"/gms)) found.add(m[1]);
    for (const m of source.matchAll(/^\s*import\s+"(\.\/[^"]+)"/gm)) found.add(m[1]);
    return [...found].map((p) => path.basename(p).replace(/\.ts$/, "")).sort();
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

describe("components/", () => {
    test("has no import cycle, type-only imports included", () => {
        const graph = new Map<string, string[]>();
        for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith(".ts"))) {
            graph.set(f.replace(/\.ts$/, ""), localImports(fs.readFileSync(path.join(DIR, f), "utf8")));
        }
        assert.ok(graph.size > 5);
        const cycle = findCycle(graph);
        assert.equal(cycle, undefined, `import cycle: ${cycle?.join(" → ")}`);
    });

    test("the cycle finder finds cycles, including through type-only and multi-line imports", () => {
        const a = 'import type {\n    X,\n    Y,\n} from "./b";\nexport { Z } from "./c";\n';
        assert.deepEqual(localImports(a), ["b", "c"]);
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
