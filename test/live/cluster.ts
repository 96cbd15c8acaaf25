/* eslint-disable @typescript-eslint/no-explicit-any -- the API server's objects are untyped JSON */
// A real etcd, kube-apiserver and kube-controller-manager on 127.0.0.1, the first two started the
// way controller-runtime's envtest starts them: a self-signed CA and serving certificate, a
// service-account key pair, a static token for the test user, --authorization-mode=AlwaysAllow.
// And a small client for the server's REST API.
import { execFileSync, type ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { run, startDaemon, stop } from "./procs";

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

async function openssl(dir: string, args: string[]): Promise<void> {
    const r = await run("openssl", args, { cwd: dir, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
}

/** Polls `ready` every 250 ms for at most `timeoutMs`; the log tail explains a failure. */
async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number, log: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await ready().catch(() => false)) return;
        await new Promise((r) => setTimeout(r, 250));
    }
    const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n") : "";
    throw new Error(`${what} was not ready within ${timeoutMs / 1000}s. Last log lines:\n${tail}`);
}

export interface ApiResponse {
    status: number;
    body: any;
}

/** The API server's own REST API, over https with the test user's token. */
export class Kube {
    constructor(
        readonly server: string,
        private readonly ca: string,
        private readonly token: string,
    ) {}

    request(method: string, urlPath: string, body?: unknown, contentType = "application/json"): Promise<ApiResponse> {
        const url = new URL(urlPath, this.server);
        const data = body === undefined ? undefined : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = https.request(
                url,
                {
                    method,
                    ca: this.ca,
                    headers: {
                        Authorization: `Bearer ${this.token}`,
                        Accept: "application/json",
                        ...(data === undefined ? {} : { "Content-Type": contentType }),
                    },
                    timeout: 60_000,
                },
                (res) => {
                    let text = "";
                    res.on("data", (d: Buffer) => (text += d.toString()));
                    res.on("end", () => {
                        let parsed: unknown = text;
                        try {
                            parsed = text ? JSON.parse(text) : undefined;
                        } catch {
                            // Not JSON (healthz says "ok").
                        }
                        resolve({ status: res.statusCode ?? 0, body: parsed });
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
            req.on("error", reject);
            if (data !== undefined) req.write(data);
            req.end();
        });
    }

    /** The object, or undefined on 404; any other failure throws. */
    async get(urlPath: string): Promise<any> {
        const r = await this.request("GET", urlPath);
        if (r.status === 404) return undefined;
        if (r.status !== 200) throw new Error(`GET ${urlPath}: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
    }

    async must(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<any> {
        const r = await this.request(method, urlPath, body, contentType);
        if (r.status < 200 || r.status >= 300) {
            throw new Error(`${method} ${urlPath}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        return r.body;
    }

    create(collection: string, obj: unknown): Promise<any> {
        return this.must("POST", collection, obj);
    }

    /** Server-side apply as `kubectl apply --server-side --force-conflicts --field-manager=<manager>`. */
    apply(objectPath: string, obj: unknown, manager: string): Promise<any> {
        return this.must(
            "PATCH",
            `${objectPath}?fieldManager=${encodeURIComponent(manager)}&force=true`,
            obj,
            "application/apply-patch+yaml",
        );
    }

    mergePatch(objectPath: string, patch: unknown): Promise<any> {
        return this.must("PATCH", objectPath, patch, "application/merge-patch+json");
    }
}

export interface Cluster {
    kube: Kube;
    kubeconfig: string;
    versions: { kubernetes: string; etcd: string };
    stop(): Promise<void>;
}

/**
 * The built live tools' directories, joined for PATH (scripts/live-tools/build.sh builds them).
 * PORTWORX_AUTH_LIVE_PROVIDER_DIR, a directory holding another pulumi-resource-kubernetes, goes
 * first (README "Live suite": a provider built from newer source than the proxy serves).
 */
export function liveToolsPath(): string {
    const root = path.resolve(__dirname, "../..");
    const built = execFileSync("bash", [path.join(root, "scripts/live-tools/build.sh"), "--path"], {
        encoding: "utf8",
    }).trim();
    return [process.env.PORTWORX_AUTH_LIVE_PROVIDER_DIR, built].filter(Boolean).join(":");
}

export interface ClusterOptions {
    /**
     * Where kube-apiserver writes an audit event per request (Metadata level, one line of JSON at
     * ResponseComplete): what the bench counts requests with.
     */
    auditLog?: string;
}

/** Starts etcd, kube-apiserver and kube-controller-manager from `toolsPath`, their state under `dir`. */
export async function startCluster(dir: string, toolsPath: string, opts: ClusterOptions = {}): Promise<Cluster> {
    const which = (bin: string) => {
        for (const d of toolsPath.split(":")) {
            if (fs.existsSync(path.join(d, bin))) return path.join(d, bin);
        }
        throw new Error(`${bin} not found in ${toolsPath}`);
    };
    const certs = path.join(dir, "certs");
    fs.mkdirSync(certs, { recursive: true });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await openssl(certs, [
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=portworx-auth-live-ca",
    ]);
    await openssl(certs, ["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"]);
    fs.writeFileSync(
        path.join(certs, "server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n",
    );
    await openssl(certs, [
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    const sa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    fs.writeFileSync(path.join(certs, "sa.key"), sa.privateKey.export({ type: "pkcs8", format: "pem" }));
    fs.writeFileSync(path.join(certs, "sa.pub"), sa.publicKey.export({ type: "spki", format: "pem" }));
    const token = crypto.randomBytes(24).toString("hex");
    fs.writeFileSync(path.join(certs, "tokens.csv"), `${token},live-admin,live-admin,"system:masters"\n`);
    const ca = fs.readFileSync(path.join(certs, "ca.crt"), "utf8");

    const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdLog = path.join(dir, "etcd.log");
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd: ChildProcess = startDaemon(
        which("etcd"),
        [
            "--name=live",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=${etcdUrl}`,
            `--advertise-client-urls=${etcdUrl}`,
            `--listen-peer-urls=${peerUrl}`,
            `--initial-advertise-peer-urls=${peerUrl}`,
            `--initial-cluster=live=${peerUrl}`,
            "--unsafe-no-fsync=true",
            "--log-level=warn",
        ],
        etcdLog,
    );
    const daemons: ChildProcess[] = [etcd];
    const stopAll = async () => {
        for (const d of daemons.reverse()) await stop(d);
    };
    try {
        await waitFor(
            "etcd",
            () =>
                new Promise((resolve) =>
                    http
                        .get(`${etcdUrl}/health`, (res) => {
                            res.resume();
                            resolve(res.statusCode === 200);
                        })
                        .on("error", () => resolve(false)),
                ),
            60_000,
            etcdLog,
        );
        const apiLog = path.join(dir, "kube-apiserver.log");
        const audit: string[] = [];
        if (opts.auditLog) {
            const policy = path.join(dir, "audit-policy.yaml");
            fs.writeFileSync(
                policy,
                'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived", "ResponseStarted"]\nrules:\n  - level: Metadata\n',
            );
            // Blocking (the default, said here): a request's event is written as the request ends, not batched.
            audit.push(
                `--audit-policy-file=${policy}`,
                `--audit-log-path=${opts.auditLog}`,
                "--audit-log-mode=blocking",
            );
        }
        const server = `https://127.0.0.1:${apiPort}`;
        daemons.push(
            startDaemon(
                which("kube-apiserver"),
                [
                    `--etcd-servers=${etcdUrl}`,
                    "--bind-address=127.0.0.1",
                    "--advertise-address=127.0.0.1",
                    `--secure-port=${apiPort}`,
                    `--cert-dir=${certs}`,
                    `--tls-cert-file=${path.join(certs, "server.crt")}`,
                    `--tls-private-key-file=${path.join(certs, "server.key")}`,
                    `--client-ca-file=${path.join(certs, "ca.crt")}`,
                    `--token-auth-file=${path.join(certs, "tokens.csv")}`,
                    "--authorization-mode=AlwaysAllow",
                    `--service-account-issuer=${server}`,
                    `--service-account-key-file=${path.join(certs, "sa.pub")}`,
                    `--service-account-signing-key-file=${path.join(certs, "sa.key")}`,
                    // Never routed: no node or Service exists. The API server requires a range.
                    "--service-cluster-ip-range=10.0.0.0/24",
                    "--allow-privileged=true",
                    "--enable-priority-and-fairness=false",
                    "--profiling=false",
                    ...audit,
                ],
                apiLog,
            ),
        );
        const kube = new Kube(server, ca, token);
        await waitFor(
            "kube-apiserver",
            async () => (await kube.request("GET", "/readyz")).status === 200,
            180_000,
            apiLog,
        );
        const kubeconfig = path.join(dir, "kubeconfig");
        fs.writeFileSync(
            kubeconfig,
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [
                    {
                        name: "live",
                        cluster: { server, "certificate-authority-data": Buffer.from(ca).toString("base64") },
                    },
                ],
                users: [{ name: "live-admin", user: { token } }],
                contexts: [{ name: "live", context: { cluster: "live", user: "live-admin" } }],
                "current-context": "live",
            }),
        );
        // Only the Deployment and ReplicaSet controllers: the Kubernetes provider awaits a patched
        // Deployment's rollout, which they complete. No node exists, so nothing else would act.
        daemons.push(
            startDaemon(
                which("kube-controller-manager"),
                [
                    `--kubeconfig=${kubeconfig}`,
                    "--controllers=deployment-controller,replicaset-controller",
                    "--leader-elect=false",
                    "--use-service-account-credentials=false",
                    "--bind-address=127.0.0.1",
                    "--secure-port=0",
                ],
                path.join(dir, "kube-controller-manager.log"),
            ),
        );
        const version = await kube.get("/version");
        const etcdVersion = await run(which("etcd"), ["--version"], { timeoutMs: 30_000 });
        return {
            kube,
            kubeconfig,
            versions: {
                kubernetes: String(version.gitVersion),
                etcd: /etcd Version: (\S+)/.exec(etcdVersion.stdout)?.[1] ?? "?",
            },
            stop: stopAll,
        };
    } catch (e) {
        await stopAll();
        throw e;
    }
}
