package main

import (
	"context"
	"database/sql"
	"errors"
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
// For the collections named in LOCALDB_ID_RANGE_COLLECTIONS (comma-separated
// `db.collection`, the database by the end of its name as for LOCALDB_RELAXED_SYNC_DBS,
// or a bare collection name for that collection in every database) it also creates
//
//	CREATE INDEX "<table>__hub_idrange" ON "<table>" (_ferretdb_sjson->>'$._id')
//
// the expression of the patched `_id` range pushdown (localdb/patch: id-range): `->>`
// gives a string `_id` as SQLite TEXT, so a range of strings is a range of the index.
// Only for those collections, since every index costs each insert into its table.
//
// The keeper never holds a database open between passes: FerretDB deletes a
// dropped database's file, and a handle kept open would keep its -wal/-shm files
// alive for a new database of the same name to trip over ("disk I/O error").
// Each pass opens only files that changed since they were last found complete,
// and closes them at once.
type idIndexKeeper struct {
	dir    string
	logger *slog.Logger

	// ranges are the collections that also get the _id range index.
	ranges []rangeCollection

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

func newIDIndexKeeper(dir string, logger *slog.Logger, ranges []rangeCollection) *idIndexKeeper {
	return &idIndexKeeper{dir: dir, logger: logger, ranges: ranges, done: map[string]fileIdentity{}}
}

// rangeCollection is one entry of LOCALDB_ID_RANGE_COLLECTIONS: a collection, in the
// databases whose name ends with dbSuffix (every database when dbSuffix is "").
type rangeCollection struct {
	dbSuffix   string
	collection string
}

// parseRangeCollections reads LOCALDB_ID_RANGE_COLLECTIONS: comma-separated
// `db.collection` (split at the first dot: database names have none, collection
// names may) or bare collection names.
func parseRangeCollections(env string) []rangeCollection {
	var res []rangeCollection
	for _, e := range strings.Split(env, ",") {
		e = strings.TrimSpace(e)
		db, coll, found := strings.Cut(e, ".")
		if !found {
			db, coll = "", e
		}
		if coll != "" {
			res = append(res, rangeCollection{dbSuffix: db, collection: coll})
		}
	}
	return res
}

// rangeCollectionsIn returns the collections that get the range index in database dbName.
func (k *idIndexKeeper) rangeCollectionsIn(dbName string) []string {
	var res []string
	for _, r := range k.ranges {
		if strings.HasSuffix(dbName, r.dbSuffix) {
			res = append(res, r.collection)
		}
	}
	return res
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
	return k.ensureRangeIndexes(ctx, db, file)
}

// ensureRangeIndexes creates the _id range index for this database's collections named in
// LOCALDB_ID_RANGE_COLLECTIONS, finding their tables in FerretDB's metadata table
// (_ferretdb_collections: name, table_name, settings).
func (k *idIndexKeeper) ensureRangeIndexes(ctx context.Context, db *sql.DB, file string) error {
	colls := k.rangeCollectionsIn(strings.TrimSuffix(filepath.Base(file), ".sqlite"))
	if len(colls) == 0 {
		return nil
	}
	var meta int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master
		WHERE type = 'table' AND name = '_ferretdb_collections'`).Scan(&meta); err != nil || meta == 0 {
		return err // no metadata table yet: FerretDB has not set this database up
	}
	var tables []string
	for _, c := range colls {
		var t string
		err := db.QueryRowContext(ctx, `
			SELECT m.table_name FROM _ferretdb_collections m
			WHERE m.name = ?
			  AND EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'table' AND t.name = m.table_name)
			  AND NOT EXISTS (SELECT 1 FROM sqlite_master i
			                  WHERE i.type = 'index' AND i.name = m.table_name || '__hub_idrange')`, c).Scan(&t)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// not created yet, or already indexed
		case err != nil:
			return err
		default:
			tables = append(tables, t)
		}
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->>'$._id')`,
			quoteIdent(t+"__hub_idrange"), quoteIdent(t))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		k.logger.Debug("id index keeper: range index created", "file", filepath.Base(file), "table", t)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
