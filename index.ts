// The Pulumi program: one PortworxAuth per stack, from stack config.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PortworxAuth } from "./components";
import { argsFromConfig, configNames } from "./components/config";
import { ConfigError } from "./components/errors";

const config = new pulumi.Config();

function readArgs() {
    try {
        return argsFromConfig({
            keys: () =>
                Object.keys(pulumi.runtime.allConfig())
                    .filter((k) => k.startsWith(`${config.name}:`))
                    .map((k) => k.slice(config.name.length + 1)),
            get: (k) => config.get(k),
            getSecret: (k) => config.getSecret(k),
            // Paths in stack config are relative to the project, where Pulumi.yaml is.
            readFile: (p) => fs.readFileSync(path.resolve(__dirname, p), "utf8"),
        });
    } catch (e) {
        // A RunError is reported by its message alone: a config mistake needs no stack trace.
        throw e instanceof ConfigError ? new pulumi.RunError(e.describe(configNames)) : e;
    }
}

// The stack's `kubernetes:context` selects the cluster through the default provider.
const auth = new PortworxAuth("portworx-auth", readArgs());

export const secretName = auth.secretName;
export const systemKey = auth.systemKey;
export const storkKey = auth.storkKey;
export const appsKey = auth.appsKey;
export const sharedSecret = auth.sharedSecret;
export const restarts = auth.restarts;
export const notes = auth.notes;
export const tokens = auth.tokens;
export const adminToken = auth.adminToken;
// Not secret: when each token was issued, renews and expires (the drift workflow reads it).
export const tokenTimes = auth.tokenTimes;
