// Package metrics counts what the server does, for Prometheus: requests
// by route and status, their latency, errors, the database's connection
// pools and commits, and Go's runtime. /metrics serves them in the text
// format to the configured addresses and to signed-in staff.
package metrics

import (
	"database/sql"
	"net"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the server's collectors, in a registry of its own (not
// Prometheus's global one).
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// Pools are the database's connection pools, by name.
type Pools map[string]*sql.DB

// New registers the collectors: the HTTP ones, the pools', Go's and the
// process's, and commits (the writing transactions and the commits they
// shared; see database.DB.GroupCommits) when commits is not nil.
func New(pools Pools, commits func() (transactions, commits int64)) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shuangshi_http_requests_total",
			Help: "HTTP requests answered, by route (as routed, e.g. /projects/:id), method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "shuangshi_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "shuangshi_http_server_errors_total",
			Help: "HTTP requests that failed on the server's side (status 500 and above), by route.",
		}, []string{"route"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.errors,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range pools {
		m.registry.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	if commits != nil {
		m.registry.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "shuangshi_db_write_transactions_total",
				Help: "Writing transactions committed on SQLite's writer.",
			}, func() float64 { t, _ := commits(); return float64(t) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "shuangshi_db_commits_total",
				Help: "Commits made on SQLite's writer: transactions that waited together share one (group commit).",
			}, func() float64 { _, c := commits(); return float64(c) }),
		)
	}
	return m
}

// Declare starts the series of every route at zero: the errors by route,
// the 5xx answers by route and method and the latency by route and method,
// and those of the addresses no route matches. A series that is absent
// until its first event cannot be alerted on ("more than none in five
// minutes" needs the none); the others appear with their first request.
func (m *Metrics) Declare(routes []*echo.Route) {
	m.errors.WithLabelValues(unrouted)
	for _, r := range routes {
		if r.Method == echo.RouteNotFound {
			continue
		}
		m.errors.WithLabelValues(r.Path)
		m.requests.WithLabelValues(r.Path, r.Method, "500")
		m.latency.WithLabelValues(r.Path, r.Method)
	}
}

// unrouted is the route of a request for an address no route matches.
const unrouted = "unrouted"

// Observe counts every request and its time, once the error handler has
// answered a failed one, so that its status is the one sent.
func (m *Metrics) Observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		began := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = unrouted // a 404 for a path no route matches
		}
		method := c.Request().Method
		status := c.Response().Status
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(began).Seconds())
		if status >= 500 {
			m.errors.WithLabelValues(route).Inc()
		}
		return nil
	}
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}

// Guard lets through a request from one of the networks (a Prometheus
// server scraping), and any other only past staff, which signs people in.
func Guard(networks []*net.IPNet, staff echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withStaff := staff(next)
		return func(c echo.Context) error {
			if ip := net.ParseIP(c.RealIP()); ip != nil {
				for _, n := range networks {
					if n.Contains(ip) {
						return next(c)
					}
				}
			}
			return withStaff(c)
		}
	}
}
