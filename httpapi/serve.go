package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// endpoint is a server's socket and its serving, alike for the public
// and the admin server: listen first (so a port conflict is reported
// before serving), serve until the context ends, then shut down
// gracefully.
type endpoint struct {
	addr   string
	limits Limits
	srv    *http.Server
	ln     net.Listener
}

func newEndpoint(addr string, limits Limits, h http.Handler) endpoint {
	return endpoint{addr: addr, limits: limits, srv: limits.server(h)}
}

// shutdownGrace is how long requests in flight may finish at shutdown.
const shutdownGrace = 5 * time.Second

func (e *endpoint) listen() error {
	ln, err := e.limits.listen(e.addr)
	if err != nil {
		return err
	}
	e.ln = ln
	return nil
}

// address is the address listened on, after listen.
func (e *endpoint) address() string {
	if e.ln == nil {
		return e.addr
	}
	return e.ln.Addr().String()
}

// run serves until ctx is done, then shuts down gracefully
// (shutdownGrace). listen must have been called.
func (e *endpoint) run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- e.srv.Serve(e.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := e.srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && serr != nil {
		return serr
	}
	return err
}
