// Checks of names and small values shared by every argument group. Pure.
import { ConfigError } from "./errors";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };
/** Longest duration Portworx can hold: Go's time.Duration, int64 nanoseconds (about 292 years). */
export const MAX_DURATION_SECONDS = 9_223_372_036; // floor((2^63 - 1) ns / 1e9)

/**
 * The one parser of Portworx durations (token lifetimes, the operator's `tokenLifetime`): an integer (leading zeros
 * allowed, as Go's strconv reads them) and one of s, m, h, d or y (365 days), as OpenStorage's `ParseToDuration`
 * reads it. Only that strict form is accepted, never zero, and never longer than a Go duration holds. In seconds.
 */
export function parseDuration(text: unknown, field: string, fix: string): number {
    const m = typeof text === "string" ? /^([0-9]{1,12})([smhdy])$/.exec(text) : null;
    if (!m) throw new ConfigError(field, "is not a Portworx duration", fix);
    const seconds = Number(m[1]) * UNIT_SECONDS[m[2]];
    if (seconds <= 0) throw new ConfigError(field, "is zero", fix);
    if (seconds > MAX_DURATION_SECONDS) {
        throw new ConfigError(field, "is longer than Portworx can hold (about 292 years)", fix);
    }
    return seconds;
}

/** A Kubernetes namespace (or other DNS-1123 label) name, or a ConfigError naming `field`. */
export function label(field: string, v: unknown): string {
    if (typeof v !== "string" || v.length > 63 || !DNS_LABEL.test(v)) {
        throw new ConfigError(
            field,
            "is not a valid Kubernetes name (a DNS-1123 label)",
            "use lowercase letters, digits and '-', at most 63 characters",
        );
    }
    return v;
}

/** A Kubernetes object (DNS-1123 subdomain) name, or a ConfigError naming `field`. */
export function subdomain(field: string, v: unknown): string {
    if (typeof v !== "string" || v.length > 253 || !DNS_SUBDOMAIN.test(v)) {
        throw new ConfigError(
            field,
            "is not a valid Kubernetes object name",
            "use lowercase letters, digits, '-' and '.', at most 253 characters",
        );
    }
    return v;
}

/**
 * A non-empty string without whitespace or control characters, and at most `max` characters when given (it lands
 * in pod env and in printed plans); `what` says what belongs there.
 */
export function word(field: string, v: unknown, what: string, max?: number): string {
    if (typeof v !== "string" || v.length === 0) {
        throw new ConfigError(field, "is missing or empty", `set ${what}`);
    }
    if (/\s/.test(v)) {
        throw new ConfigError(field, "contains whitespace", `remove the spaces and line breaks from ${what}`);
    }
    if (/\p{Cc}/u.test(v)) {
        throw new ConfigError(field, "contains control characters", `remove them from ${what}`);
    }
    if (max !== undefined && v.length > max) {
        throw new ConfigError(field, `is ${v.length} characters long; at most ${max} are allowed`, `set ${what}`);
    }
    return v;
}

/** One of `allowed`, or `dflt` when unset. */
export function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[], dflt: T): T {
    if (v === undefined) return dflt;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
        throw new ConfigError(
            field,
            `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
            `set it to one of those, or leave it unset for "${dflt}"`,
        );
    }
    return v as T;
}

/** true, false, or `dflt` when unset. */
export function flag(field: string, v: unknown, dflt: boolean): boolean {
    if (v === undefined) return dflt;
    if (typeof v !== "boolean") throw new ConfigError(field, "must be true or false", "set it to true or false");
    return v;
}

/** An opaque key version such as `2026-11` or `v2`. */
export function version(field: string, v: unknown): string {
    if (typeof v !== "string" || !VERSION.test(v)) {
        throw new ConfigError(
            field,
            "must be a short version string",
            "use letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit, such as 2026-11 or v2",
        );
    }
    return v;
}
