// The Pulumi program: one PortworxAuth per stack, from stack config.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PortworxAuth } from "./components";
import { argsFromConfig } from "./components/config";

const config = new pulumi.Config();
const args = argsFromConfig({
    get: (k) => config.get(k),
    getBoolean: (k) => config.getBoolean(k),
    getNumber: (k) => config.getNumber(k),
    getObject: (k) => config.getObject(k),
    getSecret: (k) => config.getSecret(k),
    // Paths in stack config are relative to the project, where Pulumi.yaml is.
    readFile: (p) => fs.readFileSync(path.resolve(__dirname, p), "utf8"),
});

// The stack's `kubernetes:context` selects the cluster through the default provider.
const auth = new PortworxAuth("portworx-auth", args);

export const secretName = auth.secretName;
export const systemKey = auth.systemKey;
export const storkKey = auth.storkKey;
export const sharedSecret = auth.sharedSecret;
export const restarts = auth.restarts;
export const notes = auth.notes;
export const tokens = auth.tokens;
export const adminToken = auth.adminToken;
