// One parser for every Portworx duration: token lifetimes and the operator's tokenLifetime agree, within what a
// Go time.Duration (int64 nanoseconds) holds.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { resolveSettings } from "../components/args";
import { parseLifetime } from "../components/tokens";

const operator = (tokenLifetime: string) => () =>
    resolveSettings({
        namespace: "portworx",
        storageClusterName: "px-cluster",
        securityMode: "operator",
        selfSigned: { issuer: "px.example.com" },
        tokenLifetime,
    });

describe("durations", () => {
    test("token lifetimes and tokenLifetime accept and refuse the same texts", () => {
        for (const text of ["07d", "1s", "0090m", "24h", "100y"]) {
            assert.doesNotThrow(operator(text), text);
            assert.ok(parseLifetime(text, "f") > 0, text);
        }
        for (const text of ["0d", "1w", "1h30m", "1.5h", "9999999999999d", "999999999999d", "293y", " 1h"]) {
            assert.throws(operator(text), /^ConfigError: tokenLifetime: /, text);
            assert.throws(() => parseLifetime(text, "f"), /^ConfigError: f: /, text);
        }
    });

    test("tokenLifetime is bounded by what Portworx holds, int64 nanoseconds (292 years fit, 293 do not)", () => {
        assert.doesNotThrow(operator("292y"));
        assert.doesNotThrow(operator("106751d"));
        assert.throws(operator("106752d"), /longer than Portworx can hold/);
        assert.throws(operator("9223372037s"), /longer than Portworx can hold/);
        assert.doesNotThrow(operator("9223372036s"));
    });
});
