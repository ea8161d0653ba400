package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nipt/nipt/internal/disclosure"
	"github.com/nipt/nipt/internal/report"
)

// chromium returns Debian's Chromium, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium on PATH (Debian: apt-get install chromium); .ci/run installs it")
	return ""
}

// TestBrowserReview drives the application in headless Chromium as a
// clinical geneticist does: sign in, open the batch, open a high-risk
// sample, read its calls and plots, sign it off, and see the decision in
// the history and on the batch page. NIPT_SCREENSHOTS=DIR keeps PNGs of
// each page for a look by eye.
func TestBrowserReview(t *testing.T) {
	exe := chromium(t)
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := newEnv(t, DefaultProfile())
	e.importFixtures("run1", DefaultProfile(), disclosure.Request{},
		disclosure.FixtureSpec{Sample: "S01", Sex: "female", Condition: "euploid", Seed: 1},
		disclosure.FixtureSpec{Sample: "S02", Sex: "male", Condition: "T21", Seed: 2},
		disclosure.FixtureSpec{Sample: "S03", Sex: "female", Condition: "CNV", Seed: 3})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	// Start the browser on ctx itself: a browser started under a step's
	// timeout context would end with that step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	shots := os.Getenv("NIPT_SCREENSHOTS")
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Do(sctx, steps...)
		if err == nil {
			// Every image loaded (plots are drawn on request).
			_, err = chromedp.Run(sctx, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete && i.naturalWidth > 0) || null`))
		}
		cancel()
		if err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Text("body"))
			t.Fatalf("%s: %v (at %s: %.500s)", what, err, loc, body)
		}
		if shots != "" {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, what+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	base := e.srv.URL
	do("login", chromedp.Navigate(base+"/batches/run1"), // redirected to sign in
		chromedp.WaitVisible(chromedp.ID("signin")))
	do("batch", chromedp.SendKeys(chromedp.CSS("input[name=user]"), "gina"),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), testPasswords["gina"]),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("samples"))) // back on the batch page
	who := text("#whoami")
	do("sample", chromedp.Click(`//a[text()="S02"]`),
		chromedp.WaitVisible(chromedp.ID("lines")))
	lines := text("#lines")
	plots, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`Array.from(document.querySelectorAll('img.plot')).map(i => i.naturalWidth)`))
	if err != nil {
		t.Fatal(err)
	}
	do("signed", chromedp.Click(chromedp.CSS("input[value=approved]")),
		chromedp.SendKeys(chromedp.CSS("textarea[name=comment]"), "confirm by amniocentesis"),
		chromedp.Click(chromedp.ID("sign")),
		chromedp.WaitVisible(chromedp.ID("history")))
	history := text("#history")
	do("batch-signed", chromedp.Navigate(base+"/batches/run1"),
		chromedp.WaitVisible(chromedp.ID("samples")))
	batchRow := text(`//tr[td/a[text()="S02"]]`)
	// A manager's pages: accounts, the audit trail, QC trends.
	do("logout", chromedp.Click(chromedp.CSS("form.logout button")),
		chromedp.WaitVisible(chromedp.ID("signin")))
	do("manager", chromedp.SendKeys(chromedp.CSS("input[name=user]"), "boss"),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), testPasswords["boss"]),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("batches")))
	do("trends", chromedp.Navigate(base+"/trends"), chromedp.WaitVisible(chromedp.ID("trends")))
	do("users", chromedp.Navigate(base+"/users"), chromedp.WaitVisible(chromedp.ID("users")))
	do("audit", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.ID("audit")))
	audit := text("#audit")
	chain := text("#chain")
	for _, want := range []string{"sign_off", "gina", "approved: confirm by amniocentesis", "view_sample", "logout"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if !strings.Contains(chain, "intact") {
		t.Errorf("chain: %q", chain)
	}
	if who != "gina (geneticist)" {
		t.Errorf("signed in as %q", who)
	}
	if !strings.Contains(lines, "Trisomy 21") || !strings.Contains(lines, "High risk") {
		t.Errorf("sample lines:\n%s", lines)
	}
	if len(plots) != 3 || plots[0] != report.GenomeW || plots[1] != report.ChromZW || plots[2] != report.PanelsW {
		t.Errorf("plot widths %v, want the genome plot (%d), the chromosome z plot (%d) and the chromosome panels (%d)", plots, report.GenomeW, report.ChromZW, report.PanelsW)
	}
	if !strings.Contains(history, "approved") || !strings.Contains(history, "gina") || !strings.Contains(history, "confirm by amniocentesis") {
		t.Errorf("sign-off history:\n%s", history)
	}
	if !strings.Contains(batchRow, "approved (gina)") {
		t.Errorf("batch row after sign-off: %q", batchRow)
	}
}
