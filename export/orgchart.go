package export

import "io"

// WriteOrgChartCSV writes the org chart as the file its import reads back:
// header and rows as given (the import's own column names and order), in
// the one CSV dialect of every file here (see WriteCSV): semicolons, a
// byte order mark, CRLF, and text a spreadsheet would run made inert. It
// returns the first error of w.
func WriteOrgChartCSV(w io.Writer, header []string, rows [][]string) error {
	cw, err := newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for _, r := range rows {
		row = row[:0]
		for _, cell := range r {
			row = append(row, Inert(cell))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
