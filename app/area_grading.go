package app

func init() { registerArea(3, newGradingArea) }

// gradingArea is the "Correction" area. It shows what the workspace
// holds until the area's own screens replace this file.
type gradingArea struct {
	*overview
}

// newGradingArea builds the area on the open workspace.
func newGradingArea(e *env) area {
	o := newOverview(e, "app.area.grading", "app.area.grading.about")
	return &gradingArea{overview: o}
}
