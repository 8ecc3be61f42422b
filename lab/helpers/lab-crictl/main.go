// lab-crictl: a small crictl for the kadm lab (Debian 12 packages no cri-tools, and kubeadm v1.20
// needs `crictl` in PATH for any CRI socket: preflight image checks, `kubeadm reset`).
//
// It talks the real CRI gRPC API (v1alpha2, served by containerd 1.6) through kubelet's own
// client package, so removing pods goes through the CRI plugin's bookkeeping (a `ctr`-based shim
// leaves stale sandboxes behind). It is built inside the Kubernetes source tree (GOPATH mode) by
// lab/lib/build-k8s.sh.
//
// Usage: crictl [-r|--runtime-endpoint ENDPOINT] [-i|--image-endpoint ENDPOINT] [--timeout D] SUBCOMMAND ...
//
//	info | version                 runtime status
//	pods [-q]                      all pod sandboxes
//	ps [-a] [-q]                   containers (running only unless -a)
//	stopp ID... | rmp ID...        stop / remove pod sandboxes
//	stop ID...  | rm ID...         stop / remove containers
//	pull IMAGE | inspecti IMAGE    image pull / status (inspecti fails when absent)
//	images [-q]                    images
//
// The endpoint defaults to $CONTAINER_RUNTIME_ENDPOINT, else unix:///run/containerd/containerd.sock.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1alpha2"
	"k8s.io/kubernetes/pkg/kubelet/cri/remote"
)

type options struct {
	endpoint string
	timeout  time.Duration
	quiet    bool
	all      bool
	args     []string
}

func die(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "crictl: "+format+"\n", a...)
	os.Exit(1)
}

// parse splits global flags (before the subcommand) from the subcommand and its own flags.
func parse(argv []string) (string, options) {
	o := options{endpoint: os.Getenv("CONTAINER_RUNTIME_ENDPOINT"), timeout: 10 * time.Second}
	if o.endpoint == "" {
		o.endpoint = "unix:///run/containerd/containerd.sock"
	}
	value := func(i *int, name string) string {
		if *i+1 >= len(argv) {
			die("%s needs a value", name)
		}
		*i++
		return argv[*i]
	}
	sub := ""
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		name, val, hasVal := strings.Cut(a, "=")
		switch {
		case name == "-r" || name == "--runtime-endpoint" || name == "-i" || name == "--image-endpoint":
			if !hasVal {
				val = value(&i, name)
			}
			o.endpoint = val
		case name == "-t" || name == "--timeout":
			if !hasVal {
				val = value(&i, name)
			}
			d, err := time.ParseDuration(val)
			if err != nil {
				die("bad --timeout %q: %v", val, err)
			}
			o.timeout = d
		case a == "-q" || a == "--quiet":
			o.quiet = true
		case a == "-a" || a == "--all":
			o.all = true
		case strings.HasPrefix(a, "-"):
			die("unsupported flag %q (this is the kadm lab's minimal crictl)", a)
		case sub == "":
			sub = a
		default:
			o.args = append(o.args, a)
		}
	}
	if sub == "" {
		die("no subcommand (info, pods, ps, stopp, rmp, stop, rm, pull, inspecti, images)")
	}
	if !strings.Contains(o.endpoint, "://") {
		o.endpoint = "unix://" + o.endpoint
	}
	return sub, o
}

func oneArg(sub string, o options) string {
	if len(o.args) != 1 {
		die("%s needs exactly one IMAGE", sub)
	}
	return o.args[0]
}

func main() {
	sub, o := parse(os.Args[1:])
	rs, err := remote.NewRemoteRuntimeService(o.endpoint, o.timeout)
	if err != nil {
		die("connect %s: %v", o.endpoint, err)
	}
	is, err := remote.NewRemoteImageService(o.endpoint, o.timeout)
	if err != nil {
		die("connect %s: %v", o.endpoint, err)
	}
	switch sub {
	case "info", "version":
		st, err := rs.Status()
		if err != nil {
			die("%v", err)
		}
		fmt.Printf("%v\n", st)
	case "pods":
		ps, err := rs.ListPodSandbox(nil)
		if err != nil {
			die("%v", err)
		}
		for _, p := range ps {
			if o.quiet {
				fmt.Println(p.Id)
			} else {
				fmt.Printf("%s\t%s\t%s/%s\n", p.Id, p.State, p.Metadata.Namespace, p.Metadata.Name)
			}
		}
	case "ps":
		cs, err := rs.ListContainers(nil)
		if err != nil {
			die("%v", err)
		}
		for _, c := range cs {
			if !o.all && c.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
				continue
			}
			if o.quiet {
				fmt.Println(c.Id)
			} else {
				fmt.Printf("%s\t%s\t%s\t%s\tpod=%s\n", c.Id, c.State, c.Metadata.Name, c.Image.Image, c.PodSandboxId)
			}
		}
	case "stopp", "rmp", "stop", "rm":
		for _, id := range o.args {
			var err error
			switch sub {
			case "stopp":
				err = rs.StopPodSandbox(id)
			case "rmp":
				err = rs.RemovePodSandbox(id)
			case "stop":
				err = rs.StopContainer(id, 10)
			case "rm":
				err = rs.RemoveContainer(id)
			}
			if err != nil {
				die("%s %s: %v", sub, id, err)
			}
			fmt.Println(id)
		}
	case "pull":
		ref, err := is.PullImage(&runtimeapi.ImageSpec{Image: oneArg(sub, o)}, nil, nil)
		if err != nil {
			die("%v", err)
		}
		fmt.Println("Image is up to date for", ref)
	case "inspecti":
		img, err := is.ImageStatus(&runtimeapi.ImageSpec{Image: oneArg(sub, o)})
		if err != nil {
			die("%v", err)
		}
		if img == nil {
			die("no such image %q present", o.args[0])
		}
		fmt.Printf("%s %v size=%d\n", img.Id, img.RepoTags, img.Size_)
	case "images":
		imgs, err := is.ListImages(nil)
		if err != nil {
			die("%v", err)
		}
		for _, i := range imgs {
			if o.quiet {
				fmt.Println(i.Id)
			} else {
				fmt.Printf("%s\t%s\t%d\n", strings.Join(i.RepoTags, ","), i.Id, i.Size_)
			}
		}
	default:
		die("unsupported subcommand %q (this is the kadm lab's minimal crictl)", sub)
	}
}
