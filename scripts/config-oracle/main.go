// The differential test's oracle: what Pulumi's own Go loader (sdk/v3, the version the project
// pins) hands a program for each stack file, or the error that stops `pulumi up` first. It runs
// the CLI's steps: workspace.LoadProjectStack, then the merge of Pulumi.yaml's typed defaults
// (ValidateStackConfigAndApplyProjectConfig), then the values PULUMI_CONFIG carries. Encrypted
// values are "decrypted" to their ciphertext, so a case can write `secure: TEXT`.
//
// Batch: config-oracle PULUMI.YAML < cases.jsonl, one {"name","text"} a line in, one result a line out.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

type input struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type result struct {
	Name        string            `json:"name"`
	Values      map[string]string `json:"values,omitempty"`
	SecretKeys  []string          `json:"secretKeys,omitempty"`
	Error       string            `json:"error,omitempty"`
	Environment bool              `json:"environment,omitempty"`
}

func run(project *workspace.Project, dir string, in input) (r result) {
	r.Name = in.Name
	defer func() {
		if p := recover(); p != nil {
			r = result{Name: in.Name, Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	file := filepath.Join(dir, "Pulumi.case.yaml")
	if err := os.WriteFile(file, []byte(in.Text), 0o600); err != nil {
		panic(err)
	}
	ps, err := workspace.LoadProjectStack(nil, project, file)
	if err != nil {
		return result{Name: in.Name, Error: err.Error()}
	}
	// An `environment:` block is read from Pulumi Cloud (ESC); offline it is an empty environment.
	r.Environment = ps.Environment != nil
	err = workspace.ValidateStackConfigAndApplyProjectConfig(
		context.Background(), "case", project, esc.Value{}, ps.Config, config.NopEncrypter, config.NopDecrypter)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	plain, err := ps.Config.Decrypt(config.NopDecrypter)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Values = map[string]string{}
	for k, v := range plain {
		r.Values[k.String()] = v
	}
	for _, k := range ps.Config.SecureKeys() {
		r.SecretKeys = append(r.SecretKeys, k.String())
	}
	sort.Strings(r.SecretKeys)
	return r
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: config-oracle PULUMI.YAML < cases.jsonl")
		os.Exit(2)
	}
	project, err := workspace.LoadProject(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "config-oracle")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var c input
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := enc.Encode(run(project, dir, c)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
