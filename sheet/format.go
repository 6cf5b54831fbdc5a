package sheet

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // header images may be JPEG
	_ "image/png"  // header images are usually PNG
	"strings"
	"time"

	"certeval/i18n"
)

// fitImage returns the size of an image scaled to fit in maxW × maxH
// points, keeping its proportions.
func fitImage(b []byte, maxW, maxH float64) (float64, float64, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return 0, 0, fmt.Errorf("read header image: %w", err)
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		return 0, 0, fmt.Errorf("read header image: empty image")
	}
	w, h := float64(cfg.Width), float64(cfg.Height)
	scale := min(maxW/w, maxH/h)
	return w * scale, h * scale, nil
}

// formatDate writes a date the way lang writes it: "16 juin 2022",
// "16 June 2022". A zero date gives "".
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	month := i18n.In(lang, fmt.Sprintf("sheet.month.%02d", int(t.Month())))
	return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
}

// formatDateTime adds the time of day (UTC) to formatDate.
func formatDateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	return i18n.In(lang, "sheet.datetime", formatDate(lang, t), t.Format("15:04"))
}

// formatNumber writes a number with the decimal separator of lang and no
// useless trailing zeros.
func formatNumber(lang string, v float64) string {
	return i18n.NumberIn(lang, v, -1)
}

// fullName writes given names then the family name in capitals, the
// French administrative usage that leaves no doubt about which is which.
func fullName(given, family string) string {
	return strings.TrimSpace(given + " " + strings.ToUpper(family))
}

// tr translates key in lang, normalised.
func tr(lang, key string, args ...any) string {
	return i18n.In(i18n.Normalize(lang), key, args...)
}
