//go:build tools

// Keeps the language host command in this module's build list.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
