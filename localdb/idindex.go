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
type idIndexKeeper struct {
	dir    string
	logger *slog.Logger

	mu  sync.Mutex
	dbs map[string]*sql.DB
}

func newIDIndexKeeper(dir string, logger *slog.Logger) *idIndexKeeper {
	return &idIndexKeeper{dir: dir, logger: logger, dbs: map[string]*sql.DB{}}
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
	for _, f := range files {
		if err := k.ensureFile(ctx, f); err != nil && ctx.Err() == nil {
			k.logger.Debug("id index keeper", "file", filepath.Base(f), "err", err)
		}
	}
}

func (k *idIndexKeeper) open(file string) (*sql.DB, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if db, ok := k.dbs[file]; ok {
		if _, err := os.Stat(file); err == nil {
			return db, nil
		}
		_ = db.Close() // the database was dropped
		delete(k.dbs, file)
	}
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	k.dbs[file] = db
	return db, nil
}

func (k *idIndexKeeper) ensureFile(ctx context.Context, file string) error {
	db, err := k.open(file)
	if err != nil {
		return err
	}
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

func (k *idIndexKeeper) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, db := range k.dbs {
		_ = db.Close()
	}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
