package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nipt/nipt/internal/atomicfile"
	"github.com/nipt/nipt/internal/server"
	"github.com/nipt/nipt/internal/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// dbUsage describes --db.
const dbUsage = "review database: an SQLite file (created when missing) or a PostgreSQL URL postgres://user:password@host/dbname (NIPT_REVIEW_DB when not given)"

func newReviewCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review",
		Short: "The laboratory's review application: batches, sign-off, audit trail, accounts",
		Long: `review runs the web application in which the laboratory reviews batches,
clinical geneticists sign results off, and lab managers read QC trends and the
audit trail and manage accounts (docs/review.md). Its database is one SQLite
file (--db).

  nipt review user add NAME --role manager --db lab.db   first account
  nipt review import --db lab.db --profile lab.toml batch7-results
  nipt review serve --db lab.db --profile lab.toml       http://127.0.0.1:8080

Only disclosure-filtered views enter the database: import applies the lab
profile's fetal-sex policy as nipt report does.`,
	}
	cmd.AddCommand(newReviewServeCommand(), newReviewImportCommand(), newReviewUserCommand(), newReviewAuditCommand(), newReviewExportCommand())
	return cmd
}

// reviewProfile loads --profile, or the default profile with a warning.
func reviewProfile(path string) (server.Profile, error) {
	if path == "" {
		slog.Warn("no --profile: using the default profile (fetal sex never disclosed; every condition screened)")
		return server.DefaultProfile(), nil
	}
	return server.LoadProfile(path)
}

// reviewDB is --db, else $NIPT_REVIEW_DB: a URL with a password is better
// kept out of the command line (process lists, shell history).
func reviewDB(db string) string {
	if db == "" {
		return os.Getenv("NIPT_REVIEW_DB")
	}
	return db
}

func openReviewStore(path string) (*store.Store, error) {
	path = reviewDB(path)
	if path == "" {
		return nil, usageError{errors.New("--db is required: an SQLite file (created when missing) or a PostgreSQL URL postgres://user:password@host/dbname")}
	}
	return store.Open(path)
}

func newReviewServeCommand() *cobra.Command {
	var db, addr, profile, cert, key string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "serve --db lab.db [--profile lab.toml] [--addr 127.0.0.1:8080]",
		Short: "Serve the review application",
		Long: `serve runs the review application until interrupted. Without --tls-cert it
serves plain HTTP: keep it on 127.0.0.1 or put it behind an HTTPS proxy (and
then give --secure-cookies by serving with TLS here or at the proxy).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (cert == "") != (key == "") {
				return usageError{errors.New("give both --tls-cert and --tls-key, or neither")}
			}
			p, err := reviewProfile(profile)
			if err != nil {
				return err
			}
			st, err := openReviewStore(db)
			if err != nil {
				return err
			}
			defer st.Close()
			if us, err := st.Users(cmd.Context()); err == nil && len(us) == 0 {
				slog.Warn("the review database has no accounts yet: nobody can sign in; create one with: nipt review user add NAME --role manager --db …")
			}
			srv, err := server.New(server.Options{Store: st, Profile: p, SessionTTL: ttl, SecureCookies: cert != ""})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w (another program may use the port: give --addr)", addr, err)
			}
			if host, _, _ := net.SplitHostPort(addr); cert == "" && !isLoopback(host) {
				slog.Warn("serving plain HTTP on a non-loopback address: passwords and results cross the network unencrypted; give --tls-cert/--tls-key or serve behind an HTTPS proxy", "addr", addr)
			}
			return serveUntilDone(cmd.Context(), srv, ln, cert, key, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", dbUsage)
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&profile, "profile", "", "lab profile (docs/lab-profile.md); default: fetal sex never disclosed")
	f.StringVar(&cert, "tls-cert", "", "TLS certificate (PEM) to serve HTTPS")
	f.StringVar(&key, "tls-key", "", "TLS private key (PEM)")
	f.DurationVar(&ttl, "session", 8*time.Hour, "how long a sign-in lasts")
	return cmd
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveUntilDone serves on ln until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, h http.Handler, ln net.Listener, cert, key string, out io.Writer) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	scheme := "http"
	if cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(out, "nipt review serving on %s://%s (Ctrl-C stops)\n", scheme, ln.Addr())
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- hs.ServeTLS(ln, cert, key)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

func newReviewImportCommand() *cobra.Command {
	var db, profile, batch, sheet, indication, requester, user string
	var sexRequested bool
	cmd := &cobra.Command{
		Use:   "import --db lab.db [--profile lab.toml] ANALYSIS_DIR...",
		Short: "Import analysis directories (nipt analyze -o) as batches for review",
		Long: `import reads each analysis directory (summary.tsv and SAMPLE/result.json +
bins.tsv), applies the lab profile's disclosure policy to every sample as
nipt report does (--indication, --sex-requested, --sample-sheet), and stores
the views as one batch named after the directory (or --batch). A batch is
imported once; the import is recorded in the audit trail.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if batch != "" && len(args) > 1 {
				return usageError{errors.New("--batch names one batch: give one analysis directory with it")}
			}
			p, err := reviewProfile(profile)
			if err != nil {
				return err
			}
			req, reqs, err := testRequests(p.Profile, indication, sexRequested, requester, sheet)
			if err != nil {
				return err
			}
			st, err := openReviewStore(db)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, dir := range args {
				b, err := server.Import(cmd.Context(), st, dir, server.ImportOptions{Profile: p, Request: req, Requests: reqs, Batch: batch, User: user})
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "imported batch %s: %d samples (%d QC fail, %d no call)\n", b.ID, b.Samples, b.QCFail, b.NoCall)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", dbUsage)
	f.StringVar(&profile, "profile", "", "lab profile (docs/lab-profile.md); default: fetal sex never disclosed")
	f.StringVar(&batch, "batch", "", "batch name (default: the analysis directory's name)")
	f.StringVar(&sheet, "sample-sheet", "", "the sample sheet given to nipt analyze (per-sample sex_requested and indication)")
	f.StringVar(&indication, "indication", "", "clinical indication for fetal sex determination (profiles with fetal_sex = \"medical_indication\")")
	f.BoolVar(&sexRequested, "sex-requested", false, "the requests ask for the fetal sex (profiles with fetal_sex = \"on_request\")")
	f.StringVar(&requester, "requester", "", "user id recorded when fetal sex is disclosed (default: the operating-system user)")
	f.StringVar(&user, "user", "", "review account recorded as the importer (default: cli)")
	return cmd
}

func newReviewUserCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage review accounts from the command line"}
	var db, role string
	add := &cobra.Command{
		Use:   "add NAME --role analyst|geneticist|manager --db lab.db",
		Short: "Create an account (the password is read from standard input)",
		Long: `add creates an account. The password (at least 12 characters) is prompted for
on a terminal, else read as the first line of standard input:

  printf '%s\n' "$PASSWORD" | nipt review user add gina --role geneticist --db lab.db`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needFlags("nipt review user add", flagNeed{reviewDB(db), "--db"}, flagNeed{role, "--role analyst|geneticist|manager"}); err != nil {
				return err
			}
			r, err := store.ParseRole(role)
			if err != nil {
				return usageError{err}
			}
			if err := store.ValidUserName(args[0]); err != nil {
				return usageError{err}
			}
			pw, err := readPassword(cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			hash, err := server.HashPassword(pw, server.PasswordIterations)
			if err != nil {
				return err
			}
			st, err := openReviewStore(db)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.AddUser(cmd.Context(), "", store.User{Name: args[0], Role: r, PasswordHash: hash}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "account %s (%s) created\n", args[0], r)
			return nil
		},
	}
	add.Flags().StringVar(&db, "db", "", dbUsage)
	add.Flags().StringVar(&role, "role", "", "analyst, geneticist or manager")
	var listDB string
	list := &cobra.Command{
		Use:   "list --db lab.db",
		Short: "List the accounts",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openReviewStore(listDB)
			if err != nil {
				return err
			}
			defer st.Close()
			us, err := st.Users(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "user\trole\tstatus\tcreated")
			for _, u := range us {
				status := "active"
				if u.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, status, u.Created.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	list.Flags().StringVar(&listDB, "db", "", dbUsage)
	cmd.AddCommand(add, list)
	return cmd
}

// readPassword prompts on a terminal (no echo), else reads one line.
func readPassword(in io.Reader, prompt io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input: pipe it in as one line, or run on a terminal to be prompted")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newReviewAuditCommand() *cobra.Command {
	var db string
	var verify bool
	var user, action, batch, sample string
	var limit int
	cmd := &cobra.Command{
		Use:   "audit --db lab.db [--verify] [--user U] [--action A] [--batch B] [--sample S]",
		Short: "Print the audit trail, or verify its hash chain",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openReviewStore(db)
			if err != nil {
				return err
			}
			defer st.Close()
			if verify {
				n, err := st.VerifyAudit(cmd.Context())
				if err != nil {
					return fmt.Errorf("%s: %w", store.Redact(reviewDB(db)), err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "audit trail intact: %d entries\n", n)
				return nil
			}
			es, err := st.AuditTrail(cmd.Context(), store.AuditFilter{User: user, Action: action, Batch: batch, Sample: sample, Limit: limit})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, "seq\ttime\tuser\taction\tbatch\tsample\tdetail")
			for i := len(es) - 1; i >= 0; i-- {
				e := es[i]
				fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Format(time.RFC3339), e.User, e.Action, e.Batch, e.Sample, strings.ReplaceAll(e.Detail, "\t", " "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", dbUsage)
	f.BoolVar(&verify, "verify", false, "verify the hash chain instead of printing")
	f.StringVar(&user, "user", "", "only this user's entries")
	f.StringVar(&action, "action", "", "only this action (login, login_failed, login_refused, logout, import, view_sample, sign_off, export, user_add, user_change, fetal_sex_disclosed)")
	f.StringVar(&batch, "batch", "", "only this batch")
	f.StringVar(&sample, "sample", "", "only this sample")
	f.IntVar(&limit, "limit", 500, "newest entries printed (oldest first)")
	return cmd
}

func newReviewExportCommand() *cobra.Command {
	var db, batch, out, user string
	var approved bool
	cmd := &cobra.Command{
		Use:   "export --db lab.db --batch B [--approved] [-o FILE]",
		Short: "Write a batch's results with their sign-offs as TSV (e.g. for the LIMS)",
		Long: `export writes the batch's summary.tsv rows (the views under the lab profile)
followed by the columns review (approved, rejected or pending), signed_by,
signed_at (RFC 3339, UTC) and review_comment; with --approved only the
approved samples, the results the laboratory has released. The export is
recorded in the audit trail. Without -o the table goes to standard output.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := needFlags("nipt review export", flagNeed{reviewDB(db), "--db"}, flagNeed{batch, "--batch B"}); err != nil {
				return err
			}
			st, err := openReviewStore(db)
			if err != nil {
				return err
			}
			defer st.Close()
			if out == "" {
				_, err := server.Export(cmd.Context(), st, batch, user, approved, cmd.OutOrStdout())
				return err
			}
			var buf bytes.Buffer
			n, err := server.Export(cmd.Context(), st, batch, user, approved, &buf)
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFile(out, buf.Bytes()); err != nil {
				return err
			}
			slog.Info("exported", "batch", batch, "samples", n, "file", out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", dbUsage)
	f.StringVar(&batch, "batch", "", "the batch to export")
	f.BoolVar(&approved, "approved", false, "only the approved samples (the released results)")
	f.StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	f.StringVar(&user, "user", "", "review account recorded as the exporter (default: cli)")
	return cmd
}
