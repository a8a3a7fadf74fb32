package workflow

// Event names what a notification tells: every event has a mail template
// of the same name in each language (templates/mail/LANG/EVENT.tmpl).
type Event string

// The events the lifecycle's notices carry (transitions.go).
const (
	EventAwaitingEndorsement Event = "awaiting_endorsement"
	EventAwaitingReview      Event = "awaiting_review"
	EventSubmitted           Event = "submitted"
	EventWithdrawn           Event = "withdrawn"
	EventEndorsed            Event = "endorsed"
	EventReturned            Event = "returned"
	EventAwaitingDecision    Event = "awaiting_decision"
	EventSentBack            Event = "sent_back"
	EventGranted             Event = "granted"
	EventDecided             Event = "decided"
	EventAwaitingBooking     Event = "awaiting_booking"
	EventRejected            Event = "rejected"
	EventRevoked             Event = "revoked"
	EventBooked              Event = "booked"
	EventReported            Event = "reported"
	EventReportAccepted      Event = "report_accepted"
	EventReturnWaiting       Event = "return_waiting" // finance: money came back and waits for the next batch
	EventReportRevision      Event = "report_revision"
	EventDeadlineExtended    Event = "deadline_extended"
)

// The events of the conversation on an application (conversation.go).
const (
	EventComment      Event = "comment"
	EventInternalNote Event = "internal_note"
)

// The events of reminders (reminders.go), which no action causes.
const (
	EventReminderCallDeadline    Event = "reminder_call_deadline"
	EventReminderReportDue       Event = "reminder_report_due"
	EventReminderReportOverdue   Event = "reminder_report_overdue"
	EventReminderDecisionWaiting Event = "reminder_decision_waiting"
)

// Events returns every event a notification can be about, the lifecycle's
// and the reminders'.
func Events() []Event {
	return []Event{
		EventAwaitingEndorsement, EventAwaitingReview, EventSubmitted, EventWithdrawn, EventEndorsed,
		EventReturned, EventAwaitingDecision, EventSentBack, EventGranted, EventDecided,
		EventAwaitingBooking, EventRejected, EventRevoked, EventBooked, EventReported,
		EventReportAccepted, EventReturnWaiting, EventReportRevision, EventDeadlineExtended,
		EventReminderCallDeadline, EventReminderReportDue, EventReminderReportOverdue, EventReminderDecisionWaiting,
		EventComment, EventInternalNote,
	}
}
