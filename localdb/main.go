// Command localdb runs an embedded FerretDB (MongoDB wire protocol) with the
// SQLite handler, for development and tests of the citizen-papers hub.
//
// It listens on 127.0.0.1 only, keeps its data in the directory given by -data,
// prints one line "READY mongodb://..." on stdout once it accepts connections,
// and exits when it receives SIGINT/SIGTERM or when its standard input is closed
// (so a parent process that dies cannot leave it running).
//
// Telemetry: the embedded package disables FerretDB's telemetry reporter; nothing
// here may call out of the machine.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // served only with -pprof (benchmarks: bench/profile.ts)
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// idIndexInterval is how often the data directory is checked for collections that
// still lack the _id lookup index (see ensureIDIndexes).
const idIndexInterval = 250 * time.Millisecond

func main() {
	port := flag.Int("port", 27018, "TCP port to listen on (127.0.0.1 only)")
	dataDir := flag.String("data", "data", "directory for the SQLite files")
	watchStdin := flag.Bool("watch-stdin", true, "exit when standard input is closed")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	pprofAddr := flag.String("pprof", "", "serve Go's profiler (net/http/pprof) on this 127.0.0.1 address (off by default)")
	flag.Parse()

	level := slog.LevelWarn
	_ = level.UnmarshalText([]byte(*logLevel))
	logger := slog.New(&lazyHandler{base: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("data dir: %v", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fail("data dir: %v", err)
	}

	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
	})
	if err != nil {
		fail("ferretdb: %v", err)
	}

	if *pprofAddr != "" {
		host, _, err := net.SplitHostPort(*pprofAddr)
		if err != nil || host != "127.0.0.1" {
			fail("-pprof: give 127.0.0.1:<port>, not %q", *pprofAddr)
		}
		go func() {
			srv := &http.Server{Addr: *pprofAddr, ReadHeaderTimeout: 5 * time.Second}
			if err := srv.ListenAndServe(); err != nil {
				logger.Warn("pprof server stopped", slog.String("err", err.Error()))
			}
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// Wait until the listener accepts connections before announcing readiness.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case <-done:
			fail("ferretdb stopped before it was ready")
		default:
		}
		if time.Now().After(deadline) {
			fail("ferretdb did not listen on %s within 30s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// FerretDB v1.24's SQLite backend pushes {_id: v} filters down as
	// `_ferretdb_sjson->'$._id' = ?`, but its default _id index is built on
	// `_ferretdb_sjson->"_id"`; SQLite matches index expressions textually, so every
	// _id lookup scans the whole table. The keeper adds the index that matches.
	// It also adds the index of the _id range pushdown (localdb/patch: id-range), only for
	// the collections named in LOCALDB_ID_RANGE_COLLECTIONS.
	keeper := newIDIndexKeeper(abs, logger, parseRangeCollections(os.Getenv("LOCALDB_ID_RANGE_COLLECTIONS")))
	keeper.ensure(ctx)
	go keeper.run(ctx, idIndexInterval)

	fmt.Printf("READY mongodb://%s/\n", addr)

	<-done
}

// lazyHandler defers formatting the attributes given to Logger.With until a record is really
// logged. FerretDB adds each SQL statement's arguments (whole documents) to a logger with With
// and then logs at debug level, which is off; slog's TextHandler would format them at once
// anyway (≈11% of the store's CPU under the hub's load).
type lazyHandler struct {
	base  slog.Handler
	attrs []slog.Attr
}

func (h *lazyHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.base.Enabled(ctx, l) }

func (h *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	all := make([]slog.Attr, 0, len(h.attrs)+len(attrs))
	return &lazyHandler{base: h.base, attrs: append(append(all, h.attrs...), attrs...)}
}

func (h *lazyHandler) WithGroup(name string) slog.Handler {
	return &lazyHandler{base: h.base.WithAttrs(h.attrs).WithGroup(name)}
}

func (h *lazyHandler) Handle(ctx context.Context, r slog.Record) error {
	if len(h.attrs) == 0 {
		return h.base.Handle(ctx, r)
	}
	return h.base.WithAttrs(h.attrs).Handle(ctx, r)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "localdb: "+format+"\n", args...)
	os.Exit(1)
}
