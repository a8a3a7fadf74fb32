package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// bulkWriter inserts many rows below gorm: generated data sets of a
// hundred thousand applications would spend most of their time in gorm's
// reflection otherwise. On
// both it writes multi-row INSERT statements (measured faster than COPY
// here: the indexes, not the parsing, take the time).
type bulkWriter struct {
	tx     *sql.Tx
	dollar bool // PostgreSQL's $1 placeholders rather than SQLite's ?
}

// maxParams keeps a statement's placeholders below both databases'
// limits (PostgreSQL 65 535, SQLite 32 766).
const maxParams = 30000

// withBulkWriter runs fn with a bulkWriter in one transaction of the
// store's.
func (s *Store) withBulkWriter(ctx context.Context, fn func(w *bulkWriter) error) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		switch tx := s.conn(ctx).Statement.ConnPool.(type) {
		case *sql.Tx:
			return fn(&bulkWriter{tx: tx, dollar: true})
		case *writerTx:
			return fn(&bulkWriter{tx: tx.Tx})
		default:
			return fmt.Errorf("no transaction under %T", tx)
		}
	})
}

// insert writes rows into table's columns.
func (w *bulkWriter) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, maxParams/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteByte(',')
				}
				if w.dollar {
					b.WriteString("$" + strconv.Itoa(len(args)+j+1))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := w.tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// exec runs one statement.
func (w *bulkWriter) exec(ctx context.Context, query string) error {
	_, err := w.tx.ExecContext(ctx, query)
	return err
}

// count scans one number.
func (w *bulkWriter) count(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	if !w.dollar {
		query = strings.ReplaceAll(query, "$1", "?")
	}
	return n, w.tx.QueryRowContext(ctx, query, args...).Scan(&n)
}

// nextID is one more than the largest id in table.
func (w *bulkWriter) nextID(ctx context.Context, table string) (int64, error) {
	return w.count(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+table)
}

// syncSequence moves a PostgreSQL serial column's sequence past the ids
// written explicitly, so that the application's own inserts continue
// after them. SQLite needs nothing: it takes MAX(rowid) + 1.
func (w *bulkWriter) syncSequence(ctx context.Context, table string) error {
	if !w.dollar {
		return nil
	}
	return w.exec(ctx, "SELECT setval(pg_get_serial_sequence('"+table+"', 'id'), (SELECT MAX(id) FROM "+table+"))")
}

// deferIndexes drops the secondary indexes of tables on PostgreSQL and
// returns the function that builds them again: one sorted build after a
// bulk load costs a fraction of keeping a dozen indexes (two of them
// trigram indexes) row by row. Indexes behind primary keys and unique
// constraints stay. It is for the synthetic data set, in its own
// transaction, which holds the tables locked until it commits; on SQLite
// it does nothing.
func (w *bulkWriter) deferIndexes(ctx context.Context, tables ...string) (func() error, error) {
	if !w.dollar {
		return func() error { return nil }, nil
	}
	rows, err := w.tx.QueryContext(ctx, "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "+
		"JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid "+
		"WHERE t.relname = ANY($1) AND t.relnamespace = to_regnamespace(current_schema()) "+
		"AND NOT i.indisprimary AND NOT i.indisunique", tables)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := w.exec(ctx, "DROP INDEX "+pgIdent(name)); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, def := range defs {
			if err := w.exec(ctx, def); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
