//go:build tools

// Keeps the kube-apiserver and kube-controller-manager commands in this module's build list.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
