package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"mobilityfund/templates"
	"mobilityfund/workflow"
)

// routes registers every route of the application, in one place.
func (h *Handler) routes(r *gin.Engine) {
	r.GET("/healthz", h.healthz)
	r.GET("/readyz", h.readyz)
	r.StaticFS("/static", http.FS(templates.Static()))

	r.GET("/", h.showStartPage)
	r.GET("/plan", h.showPlanPage)
	r.GET("/calls/:id", h.showCallPage)
	r.POST("/language", h.setLanguage)
	// The accessibility statement the DOS law requires, linked from every
	// footer (handlers/accessibility.go).
	r.GET("/tillganglighet", h.showAccessibilityPage)

	// Sign-in and sign-out (handlers/auth_*.go, auth_dev.go). The
	// /auth/ routes answer 404 when single sign-on is not configured;
	// they and the development sign-in are rate limited per client
	// (handlers/ratelimit.go).
	limit := h.signInLimit()
	r.GET("/login", h.showLoginPage)
	r.GET("/auth/login", limit, h.startLogin)
	r.GET("/auth/callback", limit, h.authCallback)
	r.POST("/logout", h.logout)
	if h.cfg.DevLogin {
		r.POST("/login/dev", limit, h.devLogin)
	}

	// Role administration (handlers/admin_roles.go): administrators only.
	admin := r.Group("/admin", h.requireRole(workflow.RoleAdmin))
	admin.GET("/people", h.listPeople)
	admin.GET("/people/:id", h.showPerson)
	admin.POST("/people/:id/grants", h.grantRole)
	admin.POST("/people/:id/grants/:grant/revoke", h.revokeGrant)
	// Disable, enable, end sessions (handlers/admin_access.go).
	admin.POST("/people/:id/disable", h.changeAccess("disable"))
	admin.POST("/people/:id/enable", h.changeAccess("enable"))
	admin.POST("/people/:id/end-sessions", h.changeAccess("end-sessions"))
	// The audit trail (handlers/admin_audit.go).
	admin.GET("/audit", h.showAuditLog)
	admin.GET("/audit.csv", h.exportAuditLog)

	// Applications: every signed-in person; what each may see and do is
	// decided per application by models (visibility) and workflow.
	signedIn := r.Group("/", h.requireLogin)
	signedIn.GET("/tasks", h.showTasks)
	// The person's own personal data (handlers/personal_data.go).
	signedIn.GET("/me/data", h.showPersonalData)
	signedIn.GET("/me/data.json", h.downloadPersonalData)
	signedIn.GET("/applications", h.listApplications)
	signedIn.GET("/applications.csv", h.exportApplicationsCSV)
	signedIn.GET("/applications/new", h.showNewApplication)
	signedIn.POST("/applications", h.createApplication)
	signedIn.GET("/applications/:id", h.showApplication)
	signedIn.GET("/applications/:id/edit", h.showEditApplication)
	signedIn.POST("/applications/:id/edit", h.saveApplication)
	signedIn.POST("/applications/:id/delete", h.deleteDraft)
	signedIn.GET("/applications/:id/decide", h.showDecidePage)
	signedIn.POST("/applications/:id/actions/:action", h.applicationAction)
	signedIn.POST("/applications/:id/attachments", h.uploadAttachment)
	signedIn.GET("/applications/:id/attachments/:aid", h.downloadAttachment)
	signedIn.POST("/applications/:id/attachments/:aid/delete", h.deleteAttachment)

	// The record (handlers/records.go, conversation.go, application_pdf.go):
	// the application as a PDF, its conversation and contact person, and
	// the decisions' documents for whoever may see the application (models
	// decides who may write what); the register of decisions for whoever
	// keeps it (workflow.MayKeepRegister); what the documents say of the
	// university for administrators.
	signedIn.GET("/applications/:id/pdf", h.downloadApplicationPDF)
	signedIn.POST("/applications/:id/comments", h.addComment)
	signedIn.POST("/applications/:id/comments/:cid/edit", h.editComment)
	signedIn.POST("/applications/:id/comments/:cid/strike", h.strikeComment)
	signedIn.POST("/applications/:id/contact", h.setContact)
	signedIn.GET("/decisions/:id/document", h.downloadDecisionDocument)
	register := r.Group("/register", h.requireRole(workflow.RoleCoordinator))
	register.GET("", h.showRegister)
	register.GET("/export.csv", h.exportRegisterCSV)
	register.POST("/:id/registered", h.markRegistered)
	records := r.Group("/admin/records", h.requireRole(workflow.RoleAdmin))
	records.GET("", h.showRecordSettings)
	records.POST("", h.saveRecordSettings)

	// Follow-up (handlers/report.go, followup.go, plan_admin.go): outcome
	// reports for whoever may see the application (models decides who may
	// write or review), the follow-up for the roles that follow up (each
	// sees their scope), plan versions for administrators.
	signedIn.GET("/applications/:id/report", h.showReportPage)
	signedIn.POST("/applications/:id/report", h.saveReport)
	signedIn.POST("/applications/:id/report/accept", h.acceptReport)
	signedIn.POST("/applications/:id/report/revision", h.requestReportRevision)
	followup := r.Group("/followup", h.requireRole(workflow.RoleCoordinator, workflow.RoleDecider, workflow.RoleAdmin,
		workflow.RoleUnitHead, workflow.RoleApplicant))
	followup.GET("", h.showFollowup)
	followup.GET("/yearly", h.showYearlyReport)
	followup.GET("/export.csv", h.exportFollowupCSV)
	followup.GET("/export.xlsx", h.exportFollowupXLSX)
	plans := r.Group("/admin/plans", h.requireRole(workflow.RoleAdmin))
	plans.GET("", h.listPlans)
	plans.POST("", h.copyPlan)
	plans.GET("/:id", h.showPlanAdmin)
	plans.POST("/:id/texts/:kind/:item", h.savePlanText)
	plans.POST("/:id/activities/:item", h.savePlanActivity)
	plans.POST("/:id/activities/:item/retire", h.retirePlanActivity)
	plans.POST("/:id/goals/:item/activities", h.savePlanActivity)

	// Calls and reference numbers (handlers/calls_admin.go): coordinators
	// and administrators; the org chart (handlers/units_admin.go):
	// administrators.
	calls := r.Group("/admin/calls", h.requireRole(workflow.RoleCoordinator, workflow.RoleAdmin))
	calls.GET("", h.listCallsAdmin)
	calls.GET("/new", h.showNewCall)
	calls.POST("", h.createCall)
	calls.POST("/reference", h.saveReferencePattern)
	calls.GET("/:id", h.showEditCall)
	calls.POST("/:id", h.saveCall)
	calls.POST("/:id/open", h.openCallNow)
	calls.POST("/:id/close", h.closeCallNow)
	// People from CSV (handlers/people_import.go): administrators.
	peopleImport := r.Group("/admin/people-import", h.requireRole(workflow.RoleAdmin))
	peopleImport.GET("", h.showPeopleImport)
	peopleImport.POST("", h.previewPeopleImport)
	peopleImport.POST("/apply", h.applyPeopleImport)
	units := r.Group("/admin/units", h.requireRole(workflow.RoleAdmin))
	units.GET("", h.listUnits)
	units.POST("", h.createUnit)
	units.GET("/export.csv", h.exportUnits)
	units.POST("/import", h.previewUnitImport)
	units.POST("/import/apply", h.applyUnitImport)
	units.GET("/:id", h.showUnit)
	units.POST("/:id", h.saveUnitForm)
	units.POST("/:id/close", h.closeUnit)

	// Mail (handlers/mail.go): failed and waiting notifications for
	// administrators; the development mailbox outside production.
	mail := r.Group("/admin/mail", h.requireRole(workflow.RoleAdmin))
	mail.GET("", h.showMailAdminPage)
	mail.POST("/:id/retry", h.retryMail)
	if !h.cfg.Production() {
		r.GET("/dev/mailbox", h.showMailboxPage)
	}

	// Finance (handlers/finance*.go): export batches, downloads, booking,
	// the reconciliation and the JSON view for finance; the settings for
	// finance and administrators.
	fin := r.Group("/finance", h.requireRole(workflow.RoleFinance))
	fin.GET("", h.showFinanceOverview)
	fin.POST("/batches", h.createFinanceBatch)
	fin.GET("/batches/:id", h.showFinanceBatch)
	fin.GET("/batches/:id/download/:format", h.downloadFinanceBatch)
	fin.POST("/batches/:id/book", h.bookFinanceBatch)
	fin.GET("/reconciliation", h.showReconciliation)
	fin.GET("/reconciliation.csv", h.exportReconciliationCSV)
	finSettings := r.Group("/finance/settings", h.requireRole(workflow.RoleFinance, workflow.RoleAdmin))
	finSettings.GET("", h.showFinanceSettings)
	finSettings.POST("", h.saveFinanceSettings)
	finAPI := r.Group("/api/finance", h.requireRole(workflow.RoleFinance))
	finAPI.GET("/batches", h.apiFinanceBatches)
	finAPI.GET("/batches/:id", h.apiFinanceBatch)

	r.NoRoute(h.notFound)
	r.NoMethod(h.notFound)
}
