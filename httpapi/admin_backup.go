package httpapi

import (
	"net/http"
	"strconv"
)

// BackupBytesTrailer is the HTTP trailer that ends a complete backup with
// its length in bytes: a backup without it was cut short.
const BackupBytesTrailer = "Smspark-Backup-Bytes"

// backup streams a consistent copy of the store (a complete smspark.db)
// while the engine runs; the BackupBytesTrailer ends a complete copy. The
// copy is one read transaction: writers go on meanwhile.
func (a *Admin) backup(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="smspark.db"`)
	w.Header().Set("Trailer", BackupBytesTrailer)
	w.WriteHeader(http.StatusOK)
	n, err := a.opts.Store.Backup(r.Context(), w)
	if err != nil {
		return err // the response has started: the connection is cut
	}
	w.Header().Set(BackupBytesTrailer, strconv.FormatInt(n, 10))
	noteAudit(r, "", strconv.FormatInt(n, 10)+" bytes")
	return nil
}
