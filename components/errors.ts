// The one error every bad input becomes. Messages name fields as `{path}` templates, so the same
// error reads in the component's argument names (`selfSigned.issuer`) for a library user and in
// stack config keys (`selfSignedIssuer`) for the program and the plan. Pure, imports nothing.

/** Names a field, given its argument path such as `selfSigned.issuer` or `tokens[1].roles`. */
export type FieldNamer = (argPath: string) => string;

/** Argument paths as they are: how a library user, who passed the arguments, reads them. */
export const argumentNames: FieldNamer = (p) => p;

const TEMPLATE = /\{([a-zA-Z][a-zA-Z0-9]*(?:\[[0-9]+\]|\.[a-zA-Z][a-zA-Z0-9]*)*)\}/g;

/** Replaces every `{path}` in `text` with its name. */
export function renderFields(text: string, name: FieldNamer): string {
    return text.replace(TEMPLATE, (_m, p: string) => name(p));
}

/**
 * A bad argument: names the field and the fix, never the value of a secret. `problem` and `fix`
 * may name other fields as `{path}`.
 *
 * @example
 * throw new ConfigError("oidc.clientId", "is missing", "set {oidc.clientId}");
 */
export class ConfigError extends Error {
    constructor(
        readonly field: string,
        readonly problem: string,
        readonly fix: string,
    ) {
        super(`${field}: ${renderFields(problem, argumentNames)}. Fix: ${renderFields(fix, argumentNames)}`);
        this.name = "ConfigError";
    }

    /** The message with every field named by `name`, such as the stack config key that set it. */
    describe(name: FieldNamer): string {
        return `${name(this.field)}: ${renderFields(this.problem, name)}. Fix: ${renderFields(this.fix, name)}`;
    }
}

const namers = new WeakMap<object, FieldNamer>();

/** Says how errors about these arguments name their fields (the program: by stack config key). */
export function nameFieldsAs(args: object, namer: FieldNamer): void {
    namers.set(args, namer);
}

/** How errors about these arguments name their fields: argument paths unless told otherwise. */
export function fieldNamer(args: unknown): FieldNamer {
    return (typeof args === "object" && args !== null && namers.get(args)) || argumentNames;
}
