package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"dxready/auth"
)

// Body limits: forms are small; the registry import takes a 20 MB file.
const (
	maxFormBytes   = 1 << 20
	MaxUploadBytes = 20 << 20
)

// routes is the one route table of the portal.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	// HEAD is answered wherever GET is (the GET handler runs; net/http
	// drops the body).
	r.Use(middleware.GetHead, s.clientAddress)
	r.Use(s.recoverPanics, s.measure, securityHeaders)
	// An unknown address is answered inside the session and the language,
	// as a page is: a signed-in English user gets an English 404 with their
	// own header, not a signed-out Vietnamese one.
	r.NotFound(s.asPage(s.notFound))
	r.MethodNotAllowed(s.asPage(s.methodNotAllowed))

	// Machine endpoints: no session, no language.
	r.Get("/healthz", s.healthz)
	r.Method(http.MethodGet, staticPattern, s.assets)
	// The IOC feed: API keys, JSON, no session (api.go).
	s.apiRoutes(r)

	r.Group(func(r chi.Router) {
		r.Use(s.limitBody(maxFormBytes), s.loadSession, s.chooseLanguage)

		// Public pages.
		r.Get("/", s.home)
		r.Get("/contact", s.contact)
		r.Get("/glossary", s.glossary)
		r.Get("/data/catalog.jsonld", s.dataCatalog)  // open data's DCAT-AP catalogue (opendata_catalog.go)
		r.Get("/data/methodology", s.dataMethodology) // how open data is made (opendata_methodology.go)

		// Open data (opendata_*.go): the catalogue, each dataset's page and files.
		r.Get("/data", s.dataCatalogue)
		r.Get("/data/v1/{dataset}", s.dataDataset)
		r.Get("/data/v1/{dataset}.csv", s.dataCSV)
		r.Get("/data/v1/{dataset}.json", s.dataJSON)
		r.Get("/register", s.register)
		r.Post("/register", s.registerPost)
		r.Get("/login", s.login)
		r.Post("/login", s.loginPost)
		r.Get("/login/code", s.loginCode)
		r.Post("/login/code", s.loginCodePost)
		r.Post("/logout", s.logoutPost)
		r.Post("/language", s.languagePost)
		r.Get("/verify-email/{token}", s.verifyEmail)
		r.Post("/verify-email/{token}", s.verifyEmailPost)
		r.Post("/verify-email/{token}/password", s.verifyNewPasswordPost)
		r.Get("/verify-email", s.verifyResend)
		r.Post("/verify-email", s.verifyResendPost)
		// A held consultation's rating, by the emailed single-use link (ratings.go).
		r.Get("/rate/thanks", s.ratingThanks)
		r.Get("/rate/{id}/{token}", s.ratingLink)
		r.Post("/rate/{id}/{token}", s.ratingLinkPost)
		r.Get("/password/forgot", s.passwordForgot)
		r.Post("/password/forgot", s.passwordForgotPost)
		r.Get("/password/reset/{token}", s.passwordReset)
		r.Post("/password/reset/{token}", s.passwordResetPost)
		r.Get("/nudges/stop/{token}", s.nudgeStop) // a nudge's opt-out link, signed out (nudge_optout.go)
		r.Post("/nudges/stop/{token}", s.nudgeStopPost)

		// Anyone's own account (account_settings.go, verify.go).
		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Get("/account", s.account)
			r.Post("/account/verify", s.accountVerifyPost)
			r.Get("/account/password", s.accountPassword)
			r.Post("/account/password", s.accountPasswordPost)
			r.Post("/account/sessions/end", s.accountEndSessionsPost)
			r.Post("/account/nudges", s.accountNudgesPost)
		})

		// Two-factor sign-in for staff; each handler asks auth.TwoFactorOffered.
		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Get("/account/2fa", s.twoFactor)
			r.Get("/account/2fa/setup", s.twoFactorSetup)
			r.Post("/account/2fa/setup", s.twoFactorSetupPost)
			r.Get("/account/2fa/qr.png", s.twoFactorQR)
			r.Post("/account/2fa/confirm", s.twoFactorConfirmPost)
			r.Get("/account/2fa/codes", s.twoFactorCodes)
			r.Post("/account/2fa/replace", s.twoFactorReplacePost)
			r.Post("/account/2fa/recovery", s.twoFactorRecoveryPost)
			r.Post("/account/2fa/disable", s.twoFactorDisablePost)
		})

		// A firm's own profile (signed-in firm users).
		r.Group(func(r chi.Router) {
			r.Use(s.requireRole(auth.RoleFirm))
			r.Get("/profile", s.profile)
			r.Get("/profile/edit", s.profileEdit)
			r.Post("/profile/edit", s.profileEditPost)
			r.Get("/profile/size", s.sizePreview)
			r.Post("/profile/contact", s.contactSavePost)
			r.Post("/profile/contact/erase", s.contactErasePost)
			r.Get("/profile/contact/export", s.contactExport)
			r.Post("/profile/users/{id}/approve", s.firmUserApprovePost)
			r.Post("/profile/users/{id}/report", s.firmUserReportPost)
			r.Post("/profile/claim/code", s.claimCodePost)
			r.Post("/profile/claim/verify", s.claimVerifyPost)
			r.Post("/profile/sharing", s.sharingPost)

			// The self-assessment.
			r.Get("/assessment", s.assessmentStart)
			r.Post("/assessment", s.assessmentStartPost)
			r.Get("/assessment/{id}/step/{n}", s.assessmentStep)
			r.Post("/assessment/{id}/step/{n}", s.assessmentStepPost)
			r.Post("/assessment/{id}/answer", s.assessmentAnswerPost)
			r.Get("/assessment/{id}/review", s.assessmentReview)
			r.Post("/assessment/{id}/submit", s.assessmentSubmitPost)
		})

		// Results: the firm's own, and whoever else Can see them.
		r.With(s.requireSignIn).Get("/assessment/{id}/result", s.assessmentResult)
		r.With(s.requireSignIn).Get("/assessment/{id}/report", s.assessmentReport)

		// Associations: a lead's own, any for the Center; each handler asks Can.
		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Get("/associations", s.associations)
			r.Get("/associations/{id}", s.associationDashboard)
			r.Get("/associations/{id}/members", s.associationMembers)
			r.Get("/associations/{id}/members.csv", s.membersCSV)
			r.Get("/associations/{id}/members.xlsx", s.membersXLSX)
			r.Get("/associations/{id}/aggregates.csv", s.aggregatesCSV)
			r.Get("/associations/{id}/aggregates.xlsx", s.aggregatesXLSX)
			r.Get("/associations/{id}/members/{firm}/invite", s.memberInvite)
			r.Post("/associations/{id}/members/{firm}/invite", s.memberInvitePost)
			r.Post("/associations/{id}/members/invite", s.memberInvitesPost)
		})

		// Advisors and consultations; each handler asks Can.
		r.Group(func(r chi.Router) {
			r.Use(s.requireSignIn)
			r.Get("/advisors", s.advisorsIndex)
			r.Get("/advisors/{id}", s.advisorView)
			r.Get("/advisors/{id}/book", s.bookForm)
			r.Get("/advisors/{id}/edit", s.advisorEdit)
			r.Post("/advisors/{id}/edit", s.advisorEditPost)
			r.Post("/advisors/{id}/leave", s.advisorLeavePost)
			r.Post("/advisors/{id}/leave/{leave}/delete", s.advisorLeaveDeletePost)
			r.Post("/advisors/{id}/book", s.bookPost)
			r.Get("/bookings", s.bookings)
			r.Get("/schedule", s.schedule)
			r.Get("/bookings/{id}", s.bookingView)
			r.Get("/bookings/{id}/calendar.ics", s.bookingICS)
			r.Post("/bookings/{id}/cancel", s.bookingCancelPost)
			r.Post("/bookings/{id}/reschedule", s.bookingReschedulePost)
			r.Post("/bookings/{id}/outcome", s.bookingOutcomePost)
			r.Post("/bookings/{id}/notes", s.bookingNotesPost)
			r.Post("/bookings/{id}/link", s.bookingLinkPost)
			r.Post("/bookings/{id}/rating", s.bookingRatingPost)
			r.Post("/bookings/{id}/actions", s.actionAddPost)
			r.Post("/actions/{id}/done", s.actionTickPost)
		})

		// Any firm's registry record, for whoever Can view it.
		r.With(s.requireSignIn).Get("/firms/{id}", s.firmView)

		// Center administration.
		r.With(s.requireAction(auth.ActCenterView)).Get("/center", s.center)
		r.With(s.requireAction(auth.ActCenterView)).Get("/center/province", s.centerProvince)
		r.With(s.requireAction(auth.ActCenterView)).Get("/center/report", s.centerReport)
		r.With(s.requireAction(auth.ActCenterView)).Get("/center/report.xlsx", s.centerReportXLSX)
		r.With(s.requireAction(auth.ActQualityView)).Get("/center/quality", s.centerQuality)
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActFunnelView))
			r.Get("/center/funnel", s.centerFunnel)
			r.Get("/center/funnel/{stage}", s.centerFunnelStage)
			r.Get("/center/funnel/{stage}/export.csv", s.centerFunnelCSV)
			r.Get("/center/funnel/{stage}/export.xlsx", s.centerFunnelXLSX)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActFirmSearch))
			r.Get("/admin/firms", s.adminFirms)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActFirmImport))
			r.Get("/admin/import", s.adminImport)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActAssociationManage))
			r.Get("/admin/associations/{id}", s.adminAssociation)
			r.Post("/admin/associations/{id}/leads", s.adminLeadPost)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActClaimsDecide))
			r.Get("/admin/claims", s.adminClaims)
			r.Post("/admin/claims/{id}/decide", s.adminClaimDecidePost)
		})
		// Booking on a firm's behalf (book_behalf.go): the booking form
		// with the firm from the path; {id} is the advisor, as on /advisors.
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActBookOnBehalf))
			r.Get("/admin/firms/{firm}/book", s.bookBehalf)
			r.Get("/admin/firms/{firm}/book/{id}", s.bookForm)
			r.Post("/admin/firms/{firm}/book/{id}", s.bookPost)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActAdvisorManage))
			r.Get("/admin/advisors", s.adminAdvisors)
			r.Post("/admin/advisors", s.adminAdvisorPost)
			r.Post("/admin/advisors/{id}/active", s.adminAdvisorActivePost)
			r.Get("/admin/outbox", s.adminOutbox)
			r.Post("/admin/outbox/{id}/retry", s.adminOutboxRetryPost)
		})
		// People (center_people.go, center_person.go).
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActUserManage))
			r.Get("/admin/users", s.people)
			r.Get("/admin/users/{id}", s.person)
			r.Post("/admin/users/{id}/status", s.personStatusPost)
			r.Post("/admin/users/{id}/access", s.personAccessPost)
			r.Post("/admin/users/{id}/verify", s.personVerifyPost)
			r.Post("/admin/users/{id}/password-reset", s.adminPasswordResetPost)
		})
		// The IOC feed's API keys (admin_apikeys.go).
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActAPIKeysManage))
			r.Get("/admin/apikeys", s.adminAPIKeys)
			r.Post("/admin/apikeys", s.adminAPIKeyPost)
			r.Get("/admin/apikeys/issued", s.adminAPIKeyIssued)
			r.Post("/admin/apikeys/{id}/revoke", s.adminAPIKeyRevokePost)
		})
		r.Group(func(r chi.Router) {
			r.Use(s.requireAction(auth.ActAuditView))
			r.Get("/admin/audit", s.adminAudit)
			r.Get("/admin/audit.csv", s.adminAuditCSV)
		})
	})
	// The upload sets its own, larger body limit, so that an oversized file
	// gets the import page with its own message rather than a bare 413.
	r.With(s.loadSession, s.chooseLanguage, s.requireAction(auth.ActFirmImport)).
		Post("/admin/import", s.adminImportPost)
	r.With(s.loadSession, s.chooseLanguage, s.requireAction(auth.ActAssociationManage)).
		Post("/admin/associations/{id}/members", s.adminMembersPost)
	return r
}

const staticPattern = "/static/*"

// sessionTouchEvery is how stale last_seen may get before a request writes.
const sessionTouchEvery = 5 * time.Minute
