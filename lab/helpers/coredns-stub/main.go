// coredns-stub: NOT CoreDNS. A stand-in the kadm lab tags as the version's CoreDNS image
// (Debian 12 packages no CoreDNS and the lab has no registry).
//
// It satisfies what kubeadm's CoreDNS Deployment checks, so the Pods run and `kubeadm init` needs
// no ignored preflight errors:
//   - :8080 /health (liveness), :8181 /ready (readiness), :9153 /metrics answer 200 "OK";
//   - every DNS query on :53 (UDP and TCP) gets RCODE=REFUSED, so resolvers fail fast instead of
//     timing out. In-cluster name resolution therefore does NOT work in the lab.
//
// Its arguments (`-conf /etc/coredns/Corefile`) are ignored. It exits on SIGTERM: as PID 1 of its
// container it would otherwise ignore it and every Pod deletion would wait the grace period.
//
// Standard library only; built by lab/lib/build-images.sh.
package main

import (
	"encoding/binary"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

// refused turns a DNS query into its REFUSED answer (header flags only), nil if too short.
func refused(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	r := append([]byte(nil), q...)
	r[2] = 0x80 | (q[2] & 0x79) // QR=1; keep opcode and RD; clear AA and TC
	r[3] = 0x05                 // RA=0, Z=0, RCODE=5 (REFUSED)
	return r
}

func serveUDP(pc net.PacketConn) {
	buf := make([]byte, 4096)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			continue
		}
		if r := refused(buf[:n]); r != nil {
			_, _ = pc.WriteTo(r, addr)
		}
	}
}

// serveTCPConn answers length-prefixed DNS messages until the peer closes.
func serveTCPConn(c net.Conn) {
	defer c.Close()
	var hdr [2]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(hdr[:]))
		if _, err := io.ReadFull(c, q); err != nil {
			return
		}
		r := refused(q)
		if r == nil {
			return
		}
		binary.BigEndian.PutUint16(hdr[:], uint16(len(r)))
		if _, err := c.Write(append(hdr[:], r...)); err != nil {
			return
		}
	}
}

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		os.Exit(0)
	}()

	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "OK") }
	for _, addr := range []string{":8080", ":8181", ":9153"} {
		mux := http.NewServeMux()
		mux.HandleFunc("/", ok)
		go func(addr string, mux *http.ServeMux) { log.Fatal(http.ListenAndServe(addr, mux)) }(addr, mux)
	}

	pc, err := net.ListenPacket("udp", ":53")
	if err != nil {
		log.Fatal(err)
	}
	go serveUDP(pc)
	l, err := net.Listen("tcp", ":53")
	if err != nil {
		log.Fatal(err)
	}
	log.Println("coredns-stub (NOT CoreDNS): DNS on :53 answers REFUSED; :8080/health :8181/ready :9153/metrics answer OK")
	for {
		c, err := l.Accept()
		if err != nil {
			continue
		}
		go serveTCPConn(c)
	}
}
