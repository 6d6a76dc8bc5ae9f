package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // the same pure-Go SQLite driver FerretDB uses
)

// idIndexKeeper makes FerretDB's `_id` pushdown use an index.
//
// Each FerretDB database is one SQLite file `<name>.sqlite` in the data directory;
// each collection is a table with one JSON column `_ferretdb_sjson`. The keeper
// opens those files itself and, for every collection table, creates
//
//	CREATE UNIQUE INDEX "<table>__hub_id" ON "<table>" (_ferretdb_sjson->'$._id')
//
// which is exactly the expression FerretDB's query uses. FerretDB does not know of
// this index (it is not in its metadata), and dropping the collection drops it
// with the table. Capped collections are not used by the hub and are skipped.
//
// The keeper never holds a database open between passes: FerretDB deletes a
// dropped database's file, and a handle kept open would keep its -wal/-shm files
// alive for a new database of the same name to trip over ("disk I/O error").
// Each pass opens only files that changed since they were last found complete,
// and closes them at once.
type idIndexKeeper struct {
	dir    string
	logger *slog.Logger

	mu sync.Mutex
	// done maps a database file to the identity (inode, size, mtime) it had when
	// every table in it was found indexed.
	done map[string]fileIdentity
}

type fileIdentity struct {
	ino   uint64
	size  int64
	mtime int64
}

func identityOf(path string) (fileIdentity, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileIdentity{}, false
	}
	id := fileIdentity{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino = st.Ino
	}
	// The main file's mtime lags behind in WAL mode; the WAL's changes with every write.
	if wi, err := os.Stat(path + "-wal"); err == nil {
		id.size ^= wi.Size() << 1
		id.mtime ^= wi.ModTime().UnixNano()
	}
	return id, true
}

func newIDIndexKeeper(dir string, logger *slog.Logger) *idIndexKeeper {
	return &idIndexKeeper{dir: dir, logger: logger, done: map[string]fileIdentity{}}
}

func (k *idIndexKeeper) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			k.ensure(ctx)
		}
	}
}

// ensure adds the missing indexes in every database file; errors are logged and
// retried on the next tick (a busy database is normal while seeding).
func (k *idIndexKeeper) ensure(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(k.dir, "*.sqlite"))
	if err != nil {
		k.logger.Warn("id index keeper: glob", "err", err)
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, f := range files {
		before, ok := identityOf(f)
		if !ok {
			continue
		}
		if prev, seen := k.done[f]; seen && prev == before {
			continue
		}
		if err := k.ensureFile(ctx, f); err != nil {
			if ctx.Err() == nil {
				k.logger.Debug("id index keeper", "file", filepath.Base(f), "err", err)
			}
			continue
		}
		if after, ok := identityOf(f); ok {
			k.done[f] = after
		}
	}
}

func (k *idIndexKeeper) ensureFile(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, `
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table'
		  AND t.name NOT LIKE '\_ferretdb\_%' ESCAPE '\'
		  AND t.sql LIKE '%_ferretdb_sjson TEXT%'
		  AND t.sql NOT LIKE '%_ferretdb_record_id%'
		  AND NOT EXISTS (SELECT 1 FROM sqlite_master i
		                  WHERE i.type = 'index' AND i.name = t.name || '__hub_id')`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`,
			quoteIdent(t+"__hub_id"), quoteIdent(t))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		k.logger.Debug("id index keeper: index created", "file", filepath.Base(file), "table", t)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
