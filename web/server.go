// Package web is dxready's HTTP side: one chi route table, middleware for
// sessions, language, security headers and metrics, and the handlers, which
// parse a request, validate through the domain packages, call the store and
// render a page or redirect (303, post/redirect/get).
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/static"
	"dxready/store"
	"dxready/survey"
)

// Config is what the server needs; main fills it explicitly.
type Config struct {
	Store  *store.Store
	Bundle *locale.Bundle
	Ref    *firms.Reference
	Hasher *auth.Hasher
	Logger *slog.Logger
	// SecureCookies marks cookies Secure (and uses the __Host- prefix);
	// turn it on whenever the portal is served over HTTPS.
	SecureCookies bool
	// Instruments are the loaded questionnaires, by "ID@Version".
	Instruments map[string]*survey.Instrument
	// Demo shows the demo-data banner on every page.
	Demo bool
	// Now is the portal's clock (required): main hands the same one to
	// the store and the mail sender, tests a fixed one. Handlers read it
	// through s.now(), never the store's.
	Now func() time.Time
	// BaseURL is the portal's public address for links in messages; when
	// empty, http(s)://ListenAddr. Never a request's Host header, which
	// the client chooses.
	BaseURL string
	// CenterPhone and CenterEmail are how people reach the Center's staff,
	// on the contact page (empty: not shown).
	CenterPhone, CenterEmail string
	// ListenAddr is the configured listen address (--addr), the links'
	// host when BaseURL is empty; empty: 127.0.0.1:8080.
	ListenAddr string
	// MaxOpenBookings and MaxOpenBookingsPerAdvisor are the fair use of
	// the advisors: open bookings one firm may hold in all and with any
	// one advisor (1…100; 0: advisors.DefaultLimits).
	MaxOpenBookings, MaxOpenBookingsPerAdvisor int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For or
	// Forwarded header names the client (--trusted-proxies); empty: the
	// connection's address is the client and those headers are ignored.
	TrustedProxies []netip.Prefix
	// OpenDataRefresh is the least time between two computations of open
	// data's figures (web/opendata_publication.go); zero: five minutes.
	OpenDataRefresh time.Duration
	// APIRate and APIBurst are the IOC feed's token bucket per API key:
	// requests a second, and how many at once (0: DefaultAPIRate and
	// DefaultAPIBurst; api_keys.go).
	APIRate, APIBurst int
}

// Server holds the dependencies every handler uses.
type Server struct {
	quality     scoreChangeCache // the quality page's score change, per counters' seq
	cfg         Config
	store       *store.Store
	bundle      *locale.Bundle
	ref         *firms.Reference
	hasher      *auth.Hasher
	log         *slog.Logger
	assets      *static.Assets
	pages       *pageSet
	choices     choiceSet   // the step pages' options, rendered once (assessment_choices.go)
	reviewLines reviewLines // the review page's lines, rendered once (assessment_review_lines.go)
	radars      radarFrames // the result page's radar frames (assessment_result_radar.go)
	scores      keptScores  // submissions' scores for the result pages after them (assessment_scores.go)
	// layoutCheck, in tests, is given each page joined from its layout's
	// pieces and the page the whole template renders (layout_render.go).
	layoutCheck  func(name, joined, whole string, err error)
	stepFrames   *stepFrames   // the step pages' contents around their questions (layout_step.go)
	reviewFrames *reviewFrames // the review page's content in pieces (layout_review.go)
	metrics      *metrics
	signin       *signinThrottle
	registers    *registerThrottle
	forgotIP     *limiter // password reset requests per client (password.go)
	pwCheck      *limiter // current-password checks per user (account_settings.go)
	// deviceMu guards deviceSecret, the device cookies' key once loaded.
	deviceMu     sync.Mutex
	deviceSecret []byte
	sessions     sessionCache
	// freshCodes and recoverySignIns: two-step sign-in's notes bound to a
	// session (twofactor_codes.go, twofactor_move.go).
	freshCodes      sessionNotes[[]string]
	recoverySignIns sessionNotes[bool]
	dummyOnce       sync.Once
	dummyHash       string
	flashes         map[string]bool
	holidays        advisors.Holidays
	// dimOptions keeps the province dashboard's lists of reference values
	// ("dimension/lang" → []option), sorted once (center_selection.go).
	dimOptions    sync.Map
	provinceCache provinceCache // the province dashboard's figures (center_province_cache.go)
	limits        advisors.Limits
	// composeBooking composes a booking event's messages; tests wrap it to
	// make composition fail.
	composeBooking func(ctx context.Context, ev store.BookingEvent) ([]*store.Message, error)
	// funnel keeps the programme funnel's recent tallies (center_funnel.go).
	funnel funnelCache
	// published holds open data's figures (opendata_publication.go).
	published publisher
	// catalog keeps open data's DCAT-AP catalogue of the current
	// publication (opendata_catalog.go).
	catalog catalogCache

	// dataFiles keeps its downloads, built once per publication (opendata_download.go).
	dataFiles dataFiles
	// dataPages keeps its pages for signed-out visitors (opendata_cache.go).
	dataPages dataPages

	// apiKeys are the IOC feed's live keys and their buckets, apiBodies
	// its serialised answers; freshKeys a key just issued, until its page
	// shows it once (api_keys.go, api_cache.go, admin_apikeys.go).
	apiKeys   apiKeyring
	apiBodies apiBodies
	freshKeys sessionNotes[issuedKey]
}

// New builds a Server, parsing every template and hashing every asset; it
// fails if any template is broken.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Bundle == nil || cfg.Ref == nil || cfg.Hasher == nil || len(cfg.Instruments) == 0 || cfg.Now == nil {
		return nil, errors.New("web: Store, Bundle, Ref, Hasher, Instruments and Now are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	limits, err := bookingLimits(cfg)
	if err != nil {
		return nil, err
	}
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: cfg.Store, bundle: cfg.Bundle, ref: cfg.Ref, hasher: cfg.Hasher, log: cfg.Logger,
		assets: assets, metrics: newMetrics(),
		signin:    newSigninThrottle(),
		registers: newRegisterThrottle(cfg.Hasher.Slots()),
		forgotIP:  newLimiter(10, 15*time.Minute),
		pwCheck:   newLimiter(5, 15*time.Minute),
		holidays:  advisors.VietnamHolidays(),
		limits:    limits,
	}
	s.composeBooking = s.bookingEventMessages
	s.quality.log = s.log.Error
	// A change to a user (role, association, status, password) or the end
	// of their sessions takes effect on their next request.
	cfg.Store.OnUserChange(s.sessions.dropUsers)
	if s.pages, err = parsePages(cfg.Bundle, assets); err != nil {
		return nil, err
	}
	s.reportLayouts()
	if s.stepFrames, err = newStepFrames(cfg.Bundle, assets); err != nil {
		return nil, err
	}
	if err := s.stepFrames.wrapErr; err != nil {
		s.log.Error("step pages: their questions are rendered by the template", "err", err)
	}
	s.reviewFrames = newReviewFrames(cfg.Bundle)
	if s.choices, err = renderChoices(s.pages, cfg.Instruments); err != nil {
		return nil, err
	}
	if s.reviewLines, err = renderReviewLines(s.pages, cfg.Bundle, cfg.Instruments); err != nil {
		return nil, err
	}
	// A flash cookie names a message; only the catalogue's flash messages
	// are shown, so the cookie cannot inject text.
	s.flashes = map[string]bool{}
	for _, id := range cfg.Bundle.MessageIDs("vi") {
		if strings.HasPrefix(id, "flash.") {
			s.flashes[id] = true
		}
	}
	return s, nil
}

// Handler returns the whole portal: the route table behind cross-origin
// protection for unsafe methods (Go's http.CrossOriginProtection: no tokens
// in forms, rejects cross-site POSTs by Sec-Fetch-Site / Origin).
func (s *Server) Handler() http.Handler {
	p := http.NewCrossOriginProtection()
	// The IOC feed answers GET only (any other method is its JSON 405)
	// and reads no cookie: nothing there for a cross-site request to ride.
	p.AddInsecureBypassPattern("/api/")
	// A refused request gets the portal's own 403 page, in the user's
	// language and with the security headers, not net/http's English text.
	// It reads no session (a page for nobody signed in) and sets no
	// cookie: a request the portal refuses touches nothing of the user's.
	p.SetDenyHandler(securityHeaders(s.recoverPanics(http.HandlerFunc(s.crossOriginRefused))))
	return p.Handler(s.routes())
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }
