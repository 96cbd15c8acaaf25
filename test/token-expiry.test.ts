// `npm run token-expiry`: the drift workflow's check of a stack's tokenTimes output.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { resolveTokens, tokenTimes, type TokenTimes } from "../components/tokens";
import { checkExpiry, readTokenTimes } from "../scripts/token-expiry";

const ROOT = path.resolve(__dirname, "..");
const NOW = Date.UTC(2026, 11, 1) / 1000;
const DAY = 86400;
const [ADMIN, CI] = resolveTokens([{ name: "ci", roles: ["system.view"], lifetime: "90d" }], {
    issuer: "px.example.com",
    usernameClaim: "sub",
    namespace: "portworx",
    adminToken: true,
}).map((t) => tokenTimes(t, NOW)) as [TokenTimes, TokenTimes];
const at = (iso: string) => Date.parse(iso) / 1000;

function run(outputs: unknown, ...args: string[]) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pxauth-out-")), "outputs.json");
    fs.writeFileSync(file, typeof outputs === "string" ? outputs : JSON.stringify(outputs));
    return spawnSync(
        process.execPath,
        ["--import", "tsx", "scripts/token-expiry.ts", "--stack", "prod", "--outputs", file, ...args],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "true" } },
    );
}

describe("token expiry check", () => {
    test("a token that expires within the window is an error naming the stack, the token and the fix", () => {
        const exp = at(CI.expiresAt);
        const r = checkExpiry([ADMIN, CI], { stack: "prod", now: exp - 20 * 3600, withinSeconds: 30 * 3600 });
        assert.deepEqual(r.errors, [
            `stack prod: token ci (Secret portworx/px-token-ci) expires at ${CI.expiresAt}, in 20h, before the next check (${new Date((exp + 10 * 3600) * 1000).toISOString().replace(".000Z", "Z")}). Fix: run pulumi up on stack prod, which renews it`,
        ]);
        // One second later than the window: not yet an error, but due for renewal.
        const before = checkExpiry([CI], { stack: "prod", now: exp - 30 * 3600 - 1, withinSeconds: 30 * 3600 });
        assert.deepEqual(before.errors, []);
        assert.match(before.warnings[0] ?? "", /^stack prod: token ci .* is due for renewal since /);
        const expired = checkExpiry([CI], { stack: "prod", now: exp + 2 * DAY, withinSeconds: 30 * 3600 });
        assert.match(expired.errors[0] ?? "", /token ci .* expired at .*, 2d ago\. Fix: run pulumi up on stack prod/);
    });

    test("nothing to say before the renewal window; a warning once it is open", () => {
        assert.deepEqual(checkExpiry([ADMIN, CI], { stack: "dev", now: NOW, withinSeconds: 30 * 3600 }), {
            errors: [],
            warnings: [],
        });
        const open = checkExpiry([CI], { stack: "dev", now: at(CI.renewFrom), withinSeconds: 30 * 3600 });
        assert.equal(open.errors.length, 0);
        assert.equal(open.warnings.length, 1);
        assert.ok(at(CI.renewFrom) < at(CI.expiresAt) - 30 * 3600, "a 90d token's renewal opens weeks before expiry");
    });

    test("the outputs must hold a well-formed tokenTimes; secrets elsewhere are left alone", () => {
        assert.deepEqual(readTokenTimes({ tokenTimes: [CI], systemKey: "[secret]" }, "prod"), [CI]);
        assert.deepEqual(readTokenTimes({ tokenTimes: [] }, "prod"), []);
        assert.throws(() => readTokenTimes({ systemKey: "[secret]" }, "prod"), /stack prod has no tokenTimes output/);
        assert.throws(() => readTokenTimes({ tokenTimes: [{ name: "ci" }] }, "prod"), /is not a list of/);
        assert.throws(
            () => readTokenTimes({ tokenTimes: [{ ...CI, expiresAt: "soon" }] }, "prod"),
            /with ISO 8601 times/,
        );
        assert.throws(() => readTokenTimes([], "prod"), /is not a JSON object/);
    });

    test("the command: GitHub annotations, exit 1 on expiry, 0 otherwise, 2 for unreadable outputs", () => {
        const soon = run(
            { tokenTimes: [ADMIN, CI] },
            "--now",
            new Date((at(CI.expiresAt) - 3600) * 1000).toISOString(),
        );
        assert.equal(soon.status, 1, soon.stderr);
        assert.match(soon.stdout, /^::error title=Token expiry in stack prod::stack prod: token ci /m);
        const fine = run({ tokenTimes: [ADMIN, CI] }, "--now", new Date(NOW * 1000).toISOString());
        assert.equal(fine.status, 0, fine.stderr);
        assert.match(fine.stdout, /stack prod: 2 token\(s\), none expires before/);
        const wide = run({ tokenTimes: [CI] }, "--now", new Date(NOW * 1000).toISOString(), "--within", "90d");
        assert.equal(wide.status, 1);
        const missing = run({ systemKey: "[secret]" });
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /^::error::token-expiry: --outputs: stack prod has no tokenTimes output/);
        assert.equal(run("not json").status, 2);
    });
});
