import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { canonicalJson, listChange, mergeByName } from "../components/merge";

type E = { name: string; value?: string };

test("replaces owned entries in place, drops undesired owned ones, appends the rest in order", () => {
    const live: E[] = [
        { name: "A", value: "1" },
        { name: "OURS1", value: "old" },
        { name: "B", value: "2" },
        { name: "GONE", value: "x" },
        { name: "C", value: "3" },
    ];
    const out = mergeByName(
        live,
        [
            { name: "OURS1", value: "new" },
            { name: "OURS2", value: "n" },
        ],
        ["OURS1", "OURS2", "GONE"],
    );
    assert.deepEqual(out, [
        { name: "A", value: "1" },
        { name: "OURS1", value: "new" },
        { name: "B", value: "2" },
        { name: "C", value: "3" },
        { name: "OURS2", value: "n" },
    ]);
});

test("keeps user duplicates, collapses duplicates of owned names", () => {
    const live: E[] = [
        { name: "U" },
        { name: "U", value: "again" },
        { name: "O", value: "1" },
        { name: "O", value: "2" },
    ];
    assert.deepEqual(mergeByName(live, [{ name: "O", value: "3" }], ["O"]), [
        { name: "U" },
        { name: "U", value: "again" },
        { name: "O", value: "3" },
    ]);
});

test("an absent live list is an empty one", () => {
    assert.deepEqual(mergeByName(undefined, [{ name: "O" }], []), [{ name: "O" }]);
    assert.deepEqual(mergeByName(undefined, [], ["O"]), []);
});

const entry = fc.record({ name: fc.constantFrom("A", "B", "C", "O1", "O2", "O3"), value: fc.string({ maxLength: 3 }) });
const owned = ["O1", "O2", "O3"];
const desired = fc.uniqueArray(
    fc.record({ name: fc.constantFrom("O1", "O2", "O3"), value: fc.string({ maxLength: 3 }) }),
    { selector: (e) => e.name },
);

test("property: every user entry survives, in order and unchanged", () => {
    fc.assert(
        fc.property(fc.array(entry, { maxLength: 12 }), desired, (live, want) => {
            const out = mergeByName(live, want, owned);
            const user = (l: E[]) => l.filter((e) => !owned.includes(e.name));
            assert.deepEqual(user(out), user(live));
            assert.deepEqual(
                out.filter((e) => owned.includes(e.name)).sort((a, b) => a.name.localeCompare(b.name)),
                [...want].sort((a, b) => a.name.localeCompare(b.name)),
            );
        }),
    );
});

test("property: merging the result again changes nothing (a second run is a no-op)", () => {
    fc.assert(
        fc.property(fc.array(entry, { maxLength: 12 }), desired, (live, want) => {
            const once = mergeByName(live, want, owned);
            assert.equal(JSON.stringify(mergeByName(once, want, owned)), JSON.stringify(once));
        }),
    );
});

test("listChange names what a merge added, changed and removed", () => {
    assert.deepEqual(
        listChange([{ name: "A", value: "1" }, { name: "B" }], [{ name: "A", value: "2" }, { name: "C" }]),
        {
            added: ["C"],
            changed: ["A"],
            removed: ["B"],
        },
    );
});

test("canonicalJson ignores key order only", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test("canonicalJson reads values as JSON does: unset fields left out, unset array items null", () => {
    const samples: unknown[] = [
        { name: "A", value: "1", valueFrom: undefined },
        { name: "A", value: "1" },
        [undefined, 1],
        [null, 1],
        { 'a"b': "é", n: 1.5, t: true, z: null, l: [{ y: 1, x: 2 }] },
    ];
    for (const x of samples) {
        const sorted = JSON.stringify(x, (_k, v: unknown) =>
            v && typeof v === "object" && !Array.isArray(v)
                ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : 1)))
                : v,
        );
        assert.deepEqual(JSON.parse(canonicalJson(x)), JSON.parse(sorted));
        assert.equal(canonicalJson(x), sorted);
    }
    assert.equal(canonicalJson(samples[0]), canonicalJson(samples[1]));
    assert.equal(canonicalJson(samples[2]), canonicalJson(samples[3]));
});
