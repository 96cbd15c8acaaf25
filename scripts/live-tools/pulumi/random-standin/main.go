// A stand-in for pulumi-resource-random, used by the live suite only.
//
// The real provider cannot be built from Go modules: github.com/pulumi/pulumi-random/provider/v4
// replaces its Terraform shim with a local directory (./shim) that no module download carries,
// and the Go module proxy reachable here serves no version of it at all. This program serves the
// one resource the component uses, random:index/randomBytes:RandomBytes, with the behaviour the
// component depends on: `length` bytes from crypto/rand made once on create, kept in state,
// `base64` and `hex` returned as secrets, and a change of `keepers` or `length` forcing a
// replacement. Anything else is refused.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/pkg/v3/resource/provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	randomBytes = "random:index/randomBytes:RandomBytes"
	// A version of its own, so that state and logs never pass it off as the real provider.
	version = "0.0.1-portworx-auth-standin"
)

type server struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func main() {
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &server{}, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var keep = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func checkType(urn string) error {
	if t := resource.URN(urn).Type(); string(t) != randomBytes {
		return fmt.Errorf("the random stand-in serves only %s, not %s", randomBytes, t)
	}
	return nil
}

func (*server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (*server) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (*server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (*server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{}, nil
}

func (*server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (*server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), keep)
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	if l, ok := news["length"]; !ok || (l.IsNumber() && l.NumberValue() < 1) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: "length", Reason: "length must be 1 or more"})
	}
	return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
}

// The inputs that force a new value: the real provider replaces on a change of either.
var replaceKeys = []resource.PropertyKey{"keepers", "length"}

func (*server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := plugin.UnmarshalProperties(req.GetOldInputs(), keep)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.GetNews(), keep)
	if err != nil {
		return nil, err
	}
	var replaces, diffs []string
	for _, k := range replaceKeys {
		o, n := olds[k], news[k]
		if n.ContainsUnknowns() || !o.DeepEquals(n) {
			replaces = append(replaces, string(k))
			diffs = append(diffs, string(k))
		}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Replaces: replaces, Diffs: diffs, HasDetailedDiff: false}, nil
}

func outputs(inputs resource.PropertyMap) (*structpb.Struct, error) {
	n := int(inputs["length"].NumberValue())
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	out := resource.PropertyMap{
		"length":  inputs["length"],
		"base64":  resource.MakeSecret(resource.NewStringProperty(base64.StdEncoding.EncodeToString(b))),
		"hex":     resource.MakeSecret(resource.NewStringProperty(hex.EncodeToString(b))),
		"keepers": inputs["keepers"],
	}
	if !out["keepers"].HasValue() {
		delete(out, "keepers")
	}
	return plugin.MarshalProperties(out, keep)
}

func (*server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if err := checkType(req.GetUrn()); err != nil {
		return nil, err
	}
	inputs, err := plugin.UnmarshalProperties(req.GetProperties(), keep)
	if err != nil {
		return nil, err
	}
	out, err := outputs(inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: "none", Properties: out}, nil
}

// Read returns the state as it is: the bytes live nowhere else.
func (*server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Update is reached only when nothing that matters changed (Diff replaces on every real change).
func (*server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return &pulumirpc.UpdateResponse{Properties: req.GetOlds()}, nil
}

func (*server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (*server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
