import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveSettings, type PortworxAuthArgs } from "../components/args";
import {
    desiredPortworxEnv,
    desiredStorkEnv,
    desiredVolumes,
    OWNED_PX_ENV,
    OWNED_STORK_ENV,
    PX_ENV,
} from "../components/env";

const base: PortworxAuthArgs = { namespace: "portworx", storageClusterName: "px", selfSigned: { issuer: "a.b" } };
const names = (args: PortworxAuthArgs) => desiredPortworxEnv(resolveSettings(args)).map((e) => e.name);

test("every env name the component can write is one it owns", () => {
    const all: PortworxAuthArgs = {
        ...base,
        selfSigned: { issuer: "a.b", sharedSecret: "x", rsaPublicKey: "x", ecdsaPublicKey: "x" },
        oidc: { issuer: "https://id", clientId: "c", customClaimNamespace: "n" },
    };
    for (const pairing of ["stork", "apps"] as const) {
        const s = resolveSettings({ ...all, storkKeyPairing: pairing });
        for (const e of desiredPortworxEnv(s)) assert.ok(OWNED_PX_ENV.includes(e.name), e.name);
        for (const e of desiredStorkEnv(s)) assert.ok(OWNED_STORK_ENV.includes(e.name), e.name);
    }
    for (const n of Object.values(PX_ENV)) assert.ok(OWNED_PX_ENV.includes(n));
});

test("secrets are referenced, never inlined; plain settings are values", () => {
    for (const e of desiredPortworxEnv(resolveSettings(base))) {
        if (e.name.endsWith("_KEY") || e.name.endsWith("SHAREDSECRET")) {
            assert.equal(e.value, undefined, e.name);
            assert.ok(["pxkeys", "px-system-secrets"].includes(e.valueFrom?.secretKeyRef?.name as string), e.name);
        }
    }
});

test("OIDC only: no self-signed entries", () => {
    const n = names({ ...base, selfSigned: undefined, oidc: { issuer: "https://id", clientId: "c" } });
    assert.ok(n.includes("PORTWORX_AUTH_OIDC_ISSUER") && n.includes("PORTWORX_AUTH_OIDC_CLIENTID"));
    assert.ok(!n.includes("PORTWORX_AUTH_JWT_ISSUER") && !n.includes("PORTWORX_AUTH_OIDC_CUSTOM_NAMESPACE"));
});

test("public keys only: no shared secret entry, a volume per configuration", () => {
    const args = { ...base, selfSigned: { issuer: "a.b", rsaPublicKey: "x" } };
    assert.ok(!names(args).includes("PORTWORX_AUTH_JWT_SHAREDSECRET"));
    assert.deepEqual(
        desiredVolumes(resolveSettings(args)).map((v) => v.name),
        ["portworx-auth-public-keys"],
    );
    assert.deepEqual(desiredVolumes(resolveSettings(base)), []);
});

test("disabled: nothing desired anywhere", () => {
    const s = resolveSettings({ ...base, enabled: false });
    assert.deepEqual([desiredPortworxEnv(s), desiredStorkEnv(s), desiredVolumes(s)], [[], [], []]);
});

test("Stork mode none wires no Stork env", () => {
    assert.deepEqual(desiredStorkEnv(resolveSettings({ ...base, stork: { mode: "none" } })), []);
});
