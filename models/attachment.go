package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"mobilityfund/workflow"
)

// MaxAttachmentBytes is the largest file an application may carry.
const MaxAttachmentBytes = 10 << 20

// MaxAttachments is how many files one application may carry.
const MaxAttachments = 20

// attachmentTypes are the accepted types, recognised from the content and
// not from the name or what the browser claims, with the extension a
// download gets.
var attachmentTypes = map[string]string{
	"application/pdf": ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
	"application/vnd.oasis.opendocument.spreadsheet":                          ".ods",
}

// Attachment is a file that belongs to an application. Data is loaded
// only for a download.
type Attachment struct {
	ID            int64
	ApplicationID int64
	FileName      string
	ContentType   string
	SizeBytes     int64
	SHA256        string `gorm:"column:sha256"`
	Data          []byte
	UploadedBy    int64
	CreatedAt     time.Time
}

// AddAttachment stores a file on application id for the actor, who must
// be allowed to edit it. It returns a *workflow.ValidationError with field
// "file" when the file is empty, too large or of a type not accepted, and
// the errors of SaveDraft's checks otherwise.
func (s *Store) AddAttachment(ctx context.Context, id int64, actor *Actor, name string, data []byte) (*Attachment, error) {
	invalid := func(msg string) error {
		return &workflow.ValidationError{Fields: map[string]string{"file": msg}}
	}
	switch {
	case len(data) == 0:
		return nil, invalid("error.file_empty")
	case len(data) > MaxAttachmentBytes:
		return nil, invalid("error.file_too_large")
	}
	mt := mimetype.Detect(data)
	ext, ok := "", false
	for m := mt; m != nil && !ok; m = m.Parent() {
		ext, ok = attachmentTypes[m.String()]
		if ok {
			mt = m
		}
	}
	if !ok {
		return nil, invalid("error.file_type")
	}
	sum := sha256.Sum256(data)
	att := Attachment{ApplicationID: id, FileName: cleanFileName(name, ext), ContentType: mt.String(),
		SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data, UploadedBy: actor.User.ID}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		if _, err := s.lockEditable(ctx, id, anyVersion, actor, &app); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Attachment{}).Where("application_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxAttachments {
			return invalid("error.file_too_many")
		}
		att.CreatedAt = s.now()
		if err := tx.Create(&att).Error; err != nil {
			return err
		}
		return s.audit(ctx, &app, actor, "attach", att.FileName, att.CreatedAt)
	})
	if err != nil {
		return nil, err
	}
	att.Data = nil
	return &att, nil
}

// cleanFileName keeps a name that is safe in a Content-Disposition header
// and a file system, with the extension of the detected type.
func cleanFileName(name, ext string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, filepath.Ext(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`"/\:*?<>|;`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." {
		name = "bilaga"
	}
	return cutBytes(name, 120) + ext
}

// Attachments lists the files of an application, without their content.
func (s *Store) Attachments(ctx context.Context, appID int64) ([]Attachment, error) {
	var out []Attachment
	err := s.conn(ctx).Omit("data").Where("application_id = ?", appID).Order("id").Find(&out).Error
	return out, err
}

// AttachmentFile loads one file with its content for someone v lets see
// the application. It returns a NotFoundError otherwise.
func (s *Store) AttachmentFile(ctx context.Context, v workflow.Visibility, appID, id int64) (*Attachment, error) {
	var app Application
	if err := s.conn(ctx).Select("id", "unit_id", "created_by").First(&app, appID).Error; err != nil {
		return nil, notFound(err, "application", appID)
	}
	if !v.Allows(app.UnitID, app.CreatedBy) {
		return nil, &NotFoundError{What: "application", ID: appID}
	}
	var att Attachment
	if err := s.conn(ctx).Where("application_id = ?", appID).First(&att, id).Error; err != nil {
		return nil, notFound(err, "attachment", id)
	}
	return &att, nil
}

// RemoveAttachment deletes a file from an application the actor may
// edit. It returns the errors of AddAttachment's checks, and a
// NotFoundError for a file that is not on the application.
func (s *Store) RemoveAttachment(ctx context.Context, appID, id int64, actor *Actor) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.conn(ctx)
		var app Application
		if _, err := s.lockEditable(ctx, appID, anyVersion, actor, &app); err != nil {
			return err
		}
		var att Attachment
		if err := tx.Omit("data").Where("application_id = ?", appID).First(&att, id).Error; err != nil {
			return notFound(err, "attachment", id)
		}
		if err := tx.Delete(&Attachment{}, att.ID).Error; err != nil {
			return err
		}
		return s.audit(ctx, &app, actor, "detach", att.FileName, s.now())
	})
}

// cutBytes shortens s to at most n bytes without splitting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
