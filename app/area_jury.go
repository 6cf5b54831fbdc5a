package app

func init() { registerArea(4, newJuryArea) }

// juryArea is the "Jury" area. It shows what the workspace
// holds until the area's own screens replace this file.
type juryArea struct {
	*overview
}

// newJuryArea builds the area on the open workspace.
func newJuryArea(e *env) area {
	o := newOverview(e, "app.area.jury", "app.area.jury.about")
	return &juryArea{overview: o}
}
