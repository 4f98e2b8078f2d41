// Package deploy holds the files that put the site on a server: nginx.conf,
// Caddyfile and shuangshi.service. Its tests check each with the tool that
// reads it, as Debian's packages ship them (.ci/run installs nginx, caddy and
// systemd), so that a directive a release does not know fails here and not
// on the server.
package deploy

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// findTool returns the path of a program, looked for also in the sbin
// folders that an ordinary user's PATH may lack. Without it the test is
// skipped, except under CI, where .ci/run installs it and a missing one
// fails.
func findTool(t *testing.T, name, debianPackage string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		path := filepath.Join(dir, name)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no %s found, and CI is set: the deploy files' checks are mandatory (.ci/run installs Debian's %s)", name, debianPackage)
	}
	t.Skipf("no %s found: install it (Debian: apt-get install %s) to check the deploy file with it", name, debianPackage)
	return ""
}

// replaceAll replaces old in s, and fails the test when s has no old: the
// test would then check something other than the file people install.
func replaceAll(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the file no longer has %q, which the test replaces: change the test with the file", old)
	}
	return strings.ReplaceAll(s, old, new)
}

// TestNginx checks nginx.conf with nginx -t, as it is installed: included
// in the http block (Debian's sites-enabled), with a self-signed
// certificate made here in place of certbot's, and its log in a temporary
// folder.
func TestNginx(t *testing.T) {
	nginx := findTool(t, "nginx", "nginx")
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	writeSelfSigned(t, cert, key, "shuangshi.example.gov.cn")

	site, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(site)
	conf = replaceAll(t, conf, "/etc/letsencrypt/live/shuangshi.example.gov.cn/fullchain.pem", cert)
	conf = replaceAll(t, conf, "/etc/letsencrypt/live/shuangshi.example.gov.cn/privkey.pem", key)
	conf = replaceAll(t, conf, "/var/log/nginx/", dir+"/")
	if os.Geteuid() != 0 {
		// nginx -t binds the ports it is told (one in use is no error):
		// only root may bind 80 and 443.
		t.Log("not root: nginx -t listens on 10080 and 10443 instead of 80 and 443")
		for _, port := range []struct{ old, new string }{
			{"listen 80;", "listen 10080;"},
			{"listen [::]:80;", "listen [::]:10080;"},
			{"listen 443 ", "listen 10443 "},
			{"listen [::]:443 ", "listen [::]:10443 "},
		} {
			conf = replaceAll(t, conf, port.old, port.new)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "shuangshi.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	main := "pid " + dir + "/nginx.pid;\n" +
		"error_log stderr;\n" +
		"events {}\n" +
		"http {\n" +
		"    access_log " + dir + "/access.log;\n" +
		"    include " + dir + "/shuangshi.conf;\n" +
		"}\n"
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(nginx, "-t", "-q", "-e", "stderr", "-p", dir+"/", "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput()
	if version, verr := exec.Command(nginx, "-v").CombinedOutput(); verr == nil {
		t.Logf("%s", strings.TrimSpace(string(version)))
	}
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		// nginx 1.25.1 and later read "listen ... http2" and say it is
		// deprecated (nginx.conf's comment says what replaces it there);
		// Debian 12's 1.22 knows no other way.
		if line == "" || strings.Contains(line, `the "listen ... http2" directive is deprecated`) {
			continue
		}
		t.Errorf("nginx -t: %s", line)
	}
}

// writeSelfSigned writes a certificate for host, signed by its own key, and
// that key, as PEM files.
func writeSelfSigned(t *testing.T, certFile, keyFile, host string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCaddy checks the Caddyfile with caddy validate, which adapts it,
// provisions every module (obtaining no certificate) and warns of what it
// would do differently: a warning fails the test too.
func TestCaddy(t *testing.T) {
	caddy := findTool(t, "caddy", "caddy")
	home := t.TempDir()
	cmd := exec.Command(caddy, "validate", "--config", "Caddyfile", "--adapter", "caddyfile")
	// Caddy's storage (certificates, its instance id) goes to a temporary
	// home, not the user's.
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home+"/data", "XDG_CONFIG_HOME="+home+"/config")
	out, err := cmd.CombinedOutput()
	if version, verr := exec.Command(caddy, "version").CombinedOutput(); verr == nil {
		t.Logf("caddy %s", strings.TrimSpace(string(version)))
	}
	if err != nil {
		t.Fatalf("caddy validate: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Valid configuration") {
		t.Errorf("caddy validate did not say the configuration is valid:\n%s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, `"level":"warn"`) || strings.Contains(line, `"level":"error"`) {
			t.Errorf("caddy validate: %s", line)
		}
	}
}

// TestSystemd checks shuangshi.service with systemd-analyze verify, which
// needs no running systemd. It runs in a root of its own (--root), as the
// unit is installed: in /etc/systemd/system, with a program at ExecStart's
// path and a copy of the machine's own units (the targets the unit names).
// systemd-analyze exits 0 for an unknown key or a value it cannot parse,
// which it only reports: any report fails the test.
func TestSystemd(t *testing.T) {
	analyze := findTool(t, "systemd-analyze", "systemd")
	root := t.TempDir()
	units := "/usr/lib/systemd/system"
	if _, err := os.Stat(units); err != nil {
		t.Fatalf("systemd-analyze is here but not the units of %s: %v", units, err)
	}
	for _, dir := range []string{"usr/local/bin", "etc/systemd/system", "usr/lib/systemd"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Debian's units link to /lib/systemd/system, which is /usr/lib's; in the
	// root too. cp -a keeps the links between units as links, which
	// systemd-analyze wants of a .wants folder.
	if err := os.Symlink("usr/lib", filepath.Join(root, "lib")); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", units, filepath.Join(root, "usr/lib/systemd/system")).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", units, err, out)
	}
	unit, err := os.ReadFile("shuangshi.service")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(unit), "ExecStart=/usr/local/bin/shuangshi ") {
		t.Fatal("ExecStart no longer runs /usr/local/bin/shuangshi, which the test puts in the root: change the test with the file")
	}
	if err := os.WriteFile(filepath.Join(root, "usr/local/bin/shuangshi"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	installed := filepath.Join(root, "etc/systemd/system/shuangshi.service")
	if err := os.WriteFile(installed, unit, 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command(analyze, "verify", "--root="+root, "--man=no", installed).CombinedOutput()
	if version, verr := exec.Command(analyze, "--version").Output(); verr == nil {
		t.Logf("%s", strings.SplitN(string(version), "\n", 2)[0])
	}
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("systemd-analyze verify:\n%s", s)
	}
}
