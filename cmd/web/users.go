package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"shuangshi/internal/auth"
	"shuangshi/internal/database"
	"shuangshi/internal/site"
)

// runUserCommand manages staff accounts from the command line, for scripted
// setups: add, passwd, disable, enable and list. A password is read from
// standard input: typed twice without echo at a terminal, or the first line
// of a pipe.
func runUserCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	usage := errors.New("usage: web user add -role admin|supervisor|engineer [-name NAME] [-db PATH] USERNAME\n" +
		"       web user passwd|disable|enable [-db PATH] USERNAME\n       web user list [-db PATH]")
	if len(args) == 0 {
		return usage
	}
	verb := args[0]
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"), "SQLite database file")
	role := fs.String("role", "", "the new user's role")
	name := fs.String("name", "", "the new user's display name")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w\n%s", err, usage)
	}
	username := auth.NormalizeUsername(fs.Arg(0))
	if (verb != "list" && fs.NArg() != 1) || (verb == "list" && fs.NArg() != 0) {
		return usage
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := database.Open(ctx, *dbPath, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// The command may run before the server ever has: bring the schema up.
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	users := auth.NewStore(db, time.Now)

	switch verb {
	case "add":
		r, err := auth.ParseRole(*role)
		if err != nil {
			return fmt.Errorf("-role: %w", err)
		}
		if err := auth.CheckUsername(username); err != nil {
			return fmt.Errorf("username %q: %w", username, err)
		}
		if err := auth.CheckDisplayName(*name); err != nil {
			return fmt.Errorf("-name: %w", err)
		}
		hash, err := readNewPassword(ctx, stdin, stdout, username)
		if err != nil {
			return err
		}
		u, err := users.CreateUser(ctx, auth.User{Username: username, DisplayName: *name, Role: r, Active: true, PasswordHash: hash}, auth.CommandLine)
		if errors.Is(err, auth.ErrUsernameTaken) {
			return fmt.Errorf("username %q: %w", strings.TrimSpace(fs.Arg(0)), auth.UsernameTaken(fs.Arg(0)))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s)\n", u.Username, u.Role)
	case "passwd":
		u, err := users.UserByUsername(ctx, username)
		if err != nil {
			return fmt.Errorf("user %q: %w", username, err)
		}
		hash, err := readNewPassword(ctx, stdin, stdout, username)
		if err != nil {
			return err
		}
		if _, err := users.SetPassword(ctx, u.ID, hash, false, auth.CommandLine); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "changed the password of %s; their sessions have ended\n", u.Username)
	case "disable", "enable":
		u, err := users.UserByUsername(ctx, username)
		if err != nil {
			return fmt.Errorf("user %q: %w", username, err)
		}
		if _, err := users.SetActive(ctx, u.ID, verb == "enable", auth.CommandLine); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", verb, u.Username)
	case "list":
		all, err := users.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range all {
			state := "active"
			if !u.Active {
				state = "disabled"
			}
			fmt.Fprintf(stdout, "%-20s %-10s %-8s %s\n", u.Username, u.Role, state, u.DisplayName)
		}
	default:
		return usage
	}
	return nil
}

// readNewPassword reads a password from stdin, checks it against the rules
// and returns its hash.
func readNewPassword(ctx context.Context, stdin io.Reader, stdout io.Writer, username string) (string, error) {
	var password string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stdout, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		if err != nil {
			return "", err
		}
		if string(first) != string(again) {
			return "", errors.New("the two passwords differ")
		}
		password = string(first)
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if err := auth.CheckPassword(password, username); err != nil {
		return "", fmt.Errorf("password: %w (%d to %d characters, not the username)", err, auth.MinPasswordLength, auth.MaxPasswordLength)
	}
	hasher := auth.NewHasher()
	return hasher.Hash(ctx, password)
}

// runSessionKeysCommand rotates the session keys: "session-keys rotate" puts a
// new key in front of the old ones in the key file.
func runSessionKeysCommand(args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("session-keys", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if len(args) == 0 || args[0] != "rotate" {
		return errors.New("usage: web session-keys rotate [-db PATH]")
	}
	dbPath := fs.String("db", envOr(getenv, "SHUANGSHI_DB", "data/shuangshi.db"), "SQLite database file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if database.IsPostgres(*dbPath) {
		return errors.New("with PostgreSQL the session keys are SHUANGSHI_SESSION_KEYS on every server: put a new key in front of the old ones there")
	}
	if err := auth.RotateKeys(site.SessionKeyFile(*dbPath)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added a new session key at the top of %s; restart the server to use it\n", site.SessionKeyFile(*dbPath))
	return nil
}
