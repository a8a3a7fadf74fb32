package notify

import "mobilityfund/models"

// Subject returns the subject line of the mail that outbox row m is (or
// was) in its recipient's language, for a person's view of the mail sent
// to them; "" when it cannot be rendered (an event without a template).
func (r *Renderer) Subject(m models.OutboxMessage) string {
	mail, err := r.Render(models.ClaimedMessage{OutboxMessage: m})
	if err != nil {
		return ""
	}
	return mail.Subject
}
