package ui_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/simpipe/simpipe/ui"
)

// startUI runs 'simpipe ui' with args and returns the URL it prints and a
// function that interrupts it and returns its exit code.
func startUI(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	cmd := exec.Command(simpipeBinary(t), append([]string{"ui"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() int {
		stopped = true
		cmd.Process.Signal(syscall.SIGINT)
		return exitCode(cmd.Wait())
	}
	t.Cleanup(func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatalf("simpipe ui printed no address: %v", err)
	}
	u := regexp.MustCompile(`https?://\S+`).FindString(line)
	if u == "" {
		t.Fatalf("no URL in %q", line)
	}
	go func() { // drain the rest
		b := make([]byte, 512)
		for {
			if _, err := stderr.Read(b); err != nil {
				return
			}
		}
	}()
	return u, stop
}

// TestCommand: simpipe ui binds to loopback and prints its address with a
// fresh token, which actions need; a non-loopback address is refused
// without a token and then needs it for every request; TLS is served with
// --tls-cert and --tls-key; Ctrl-C stops it with exit code 0.
func TestCommand(t *testing.T) {
	bin := simpipeBinary(t)
	db := evilDB(t)
	out, err := exec.Command(bin, "ui", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "(127.0.0.1:8080)") {
		t.Fatalf("ui --help: %v\n%s", err, out)
	}

	t.Run("Loopback", func(t *testing.T) {
		u, stop := startUI(t, "--listen", "127.0.0.1:0", db)
		m := regexp.MustCompile(`^http://127\.0\.0\.1:\d+/#token=([0-9a-f]{32})$`).FindStringSubmatch(u)
		if m == nil {
			t.Fatalf("printed address %q", u)
		}
		base := strings.Split(u, "#")[0]
		if code, _, _ := do(t, "GET", base, nil, nil); code != 200 {
			t.Fatalf("GET %s: %d", base, code)
		}
		if code, _, _ := do(t, "POST", base+"api/db/0/retry", nil, nil); code != http.StatusForbidden {
			t.Fatalf("retry without the token: %d", code)
		}
		if code, body, _ := do(t, "POST", base+"api/db/0/retry", map[string]string{ui.TokenHeader: m[1]}, nil); code != 200 {
			t.Fatalf("retry with the printed token: %d %s", code, body)
		}
		if code := stop(); code != 0 {
			t.Fatalf("exit code %d after Ctrl-C", code)
		}
	})

	t.Run("NonLoopbackNeedsToken", func(t *testing.T) {
		for _, args := range [][]string{{"--listen", "0.0.0.0:0"}, {"--listen", ":0"}, {"--listen", "0.0.0.0:0", "--token", "short"}} {
			// A refusal is immediate; a dashboard that serves instead is
			// killed after 20 s and fails the test.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			out, err := exec.CommandContext(ctx, bin, append(append([]string{"ui"}, args...), db)...).CombinedOutput()
			cancel()
			if exitCode(err) != 2 || !strings.Contains(string(out), "--token") {
				t.Errorf("ui %v: %v\n%s", args, err, out)
			}
		}
		token := "a-long-enough-token-for-tests"
		u, stop := startUI(t, "--listen", "0.0.0.0:0", "--token", token, db)
		_, port, _ := net.SplitHostPort(strings.Split(strings.TrimPrefix(u, "http://"), "/")[0])
		base := "http://127.0.0.1:" + port + "/"
		if code, _, _ := do(t, "GET", base, nil, nil); code != http.StatusUnauthorized {
			t.Fatalf("GET without the token: %d, want 401", code)
		}
		if code, _, _ := do(t, "GET", base, map[string]string{ui.TokenHeader: token}, nil); code != 200 {
			t.Fatalf("GET with the token: %d", code)
		}
		stop()
	})

	t.Run("TLS", func(t *testing.T) {
		cert, key := selfSigned(t)
		u, stop := startUI(t, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key, db)
		if !strings.HasPrefix(u, "https://127.0.0.1:") {
			t.Fatalf("printed address %q", u)
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, Timeout: 10 * time.Second}
		resp, err := c.Get(strings.Split(u, "#")[0])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.TLS == nil {
			t.Fatalf("GET over TLS: %d", resp.StatusCode)
		}
		stop()
	})
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
