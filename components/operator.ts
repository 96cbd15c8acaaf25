// Operator security mode: the arguments that apply only there, and what it rules out. Pure.
import { ConfigError } from "./errors";
import { flag, oneOf, parseDuration } from "./names";
import type { StorkSettings } from "./stork";

/**
 * How authorization is wired: `env` (default) writes the env vars itself; `operator` drives the
 * operator's `spec.security`. An object of constants rather than a union, so that Pulumi's schema
 * inference turns it into an enum; TypeScript still takes the plain strings.
 */
export const SecurityMode = {
    /** Wire `PORTWORX_AUTH_*` env vars (the default). */
    Env: "env",
    /** Drive the operator's `spec.security` with this project's keys. */
    Operator: "operator",
} as const;
export type SecurityMode = (typeof SecurityMode)[keyof typeof SecurityMode];

/** Operator mode: `spec.security.auth.guestAccess`. */
export const GuestAccess = {
    /** The operator gives the `system.guest` role the volume-lifecycle rules (the default). */
    Enabled: "Enabled",
    /** The operator sets the `system.guest` role to deny everything. */
    Disabled: "Disabled",
    /** The operator leaves the `system.guest` role alone. */
    Managed: "Managed",
} as const;
export type GuestAccess = (typeof GuestAccess)[keyof typeof GuestAccess];

/** The arguments that apply only in operator security mode. */
export const OPERATOR_ONLY = ["guestAccess", "tokenLifetime", "operatorAdminToken"] as const;

/** What operator mode reads from the arguments. */
export interface OperatorArgs {
    guestAccess?: GuestAccess;
    tokenLifetime?: string;
    operatorAdminToken?: boolean;
    storkKeyPairing?: string;
}

/** Operator mode, checked and defaulted. */
export interface OperatorSettings {
    guestAccess: GuestAccess;
    tokenLifetime: string;
    readAdminToken: boolean;
}

/** Checks the security mode on its own. */
export function checkSecurityMode(v: unknown): SecurityMode {
    return oneOf("securityMode", v, Object.values(SecurityMode), SecurityMode.Env);
}

/**
 * Operator mode's settings, or undefined in env mode, where its arguments are refused.
 * `selfSigned` tells whether a self-signed issuer is set: the operator signs with it.
 */
export function resolveOperator(
    args: OperatorArgs,
    mode: SecurityMode,
    selfSigned: boolean,
    stork: StorkSettings,
): OperatorSettings | undefined {
    if (mode !== "operator") {
        for (const f of OPERATOR_ONLY) {
            if (args[f] !== undefined) {
                throw new ConfigError(
                    f,
                    'only applies when {securityMode} is "operator"',
                    `remove {${f}}, or set {securityMode} to "operator"`,
                );
            }
        }
        return undefined;
    }
    if (!selfSigned) {
        throw new ConfigError(
            "selfSigned.issuer",
            'is required in {securityMode} "operator": the operator signs its own tokens with it',
            "set {selfSigned.issuer} (a shared secret is generated unless you give one)",
        );
    }
    if (stork.mode === "deployment") {
        throw new ConfigError(
            "stork.mode",
            'the operator wires only the Stork it runs, so "deployment" does not apply in {securityMode} "operator"',
            'set {stork.mode} to "operator" or "none"',
        );
    }
    if (args.storkKeyPairing !== undefined) {
        throw new ConfigError(
            "storkKeyPairing",
            'in {securityMode} "operator" the operator pairs Stork with the apps key itself',
            "remove {storkKeyPairing}",
        );
    }
    const tokenLifetime = args.tokenLifetime ?? "24h";
    parseDuration(tokenLifetime, "tokenLifetime", "use a whole number and s, m, h, d or y, such as 24h or 7d");
    return {
        guestAccess: oneOf("guestAccess", args.guestAccess, Object.values(GuestAccess), GuestAccess.Enabled),
        tokenLifetime,
        readAdminToken: flag("operatorAdminToken", args.operatorAdminToken, false),
    };
}
