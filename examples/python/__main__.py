"""PortworxAuth from Python: the same component the TypeScript program uses, through its package."""

import pulumi
import pulumi_portworx_auth as portworx_auth

config = pulumi.Config()

auth = portworx_auth.PortworxAuth(
    "px-auth",
    namespace="portworx",
    storage_cluster_name="px-cluster",
    self_signed={
        "issuer": "portworx.example.com",
        # pulumi config set --secret sharedSecret "$(openssl rand -hex 32)"; the component keeps it
        # secret even when it arrives as a plain str.
        "shared_secret": config.require_secret("sharedSecret"),
    },
    username_claim=portworx_auth.UsernameClaim.EMAIL,
    tokens=[{"name": "ci", "roles": ["system.view"], "lifetime": "90d"}],
)

pulumi.export("restarts", auth.restarts)
pulumi.export("notes", auth.notes)
pulumi.export("token_times", auth.token_times)
pulumi.export("admin_token", auth.admin_token)  # secret
