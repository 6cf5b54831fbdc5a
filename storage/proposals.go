package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"certeval/grading"
	"certeval/jury"
	"certeval/rubric"
)

// gradingSubmitted is the status of a submitted grading in the gradings
// table.
const gradingSubmitted = 2

// juryCandidate is what the jury's screens read of one enrolled
// candidate for one sitting.
type juryCandidate struct {
	rowID         int64
	id            string
	name          string
	anonCode      string
	milestones    []jury.Milestone
	accommodation bool

	submitted bool // a submission row exists for the sitting
	late      bool
	absence   jury.AbsenceKind
	gradings  []juryGrading
	allotted  int          // experts the submission is allotted to
	agreed    *juryGrading // the agreed grading of a double marking
	conflict  bool         // a package brought a grading still in conflict
	appeal    bool         // an appeal was filed on this sitting
	appealOpn bool         // one is still under review
}

// juryGrading is one expert's grading of a candidate's submission.
type juryGrading struct {
	expert    string
	gridID    int64
	choices   []int
	submitted bool
	regrade   bool // the grid changed and the grading must be done again
}

// juryData is everything the proposals of one sitting are computed from.
type juryData struct {
	credID     int64
	credential jury.Credential
	grids      map[int64]*rubric.Grid
	candidates []*juryCandidate
}

// Proposals computes, for one sitting of a credential, the proposed
// outcome of every candidate not withdrawn, with its reasons. Sitting 2
// (the resit) holds only the candidates enrolled in it.
func (s *Store) Proposals(ctx context.Context, credential string,
	sitting int) (map[string]jury.Proposal, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("compute proposals: %w", err)
	}
	defer tx.Rollback()

	jd, err := loadJuryData(ctx, tx, credential, sitting)
	if err != nil {
		return nil, err
	}
	return jd.proposals(), nil
}

// loadJuryData reads, inside tx, what the proposals of a sitting need.
func loadJuryData(ctx context.Context, tx *sql.Tx, credential string,
	sitting int) (*juryData, error) {
	jd := &juryData{grids: make(map[int64]*rubric.Grid)}
	var data string
	err := tx.QueryRowContext(ctx, `SELECT id, data FROM credentials WHERE code = ?`,
		credential).Scan(&jd.credID, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s", ErrNoCredential, credential)
	}
	if err != nil {
		return nil, fmt.Errorf("read credential: %w", err)
	}
	if err := json.Unmarshal([]byte(data), &jd.credential); err != nil {
		return nil, fmt.Errorf("read credential %s: %w", credential, err)
	}

	steps := []func(context.Context, *sql.Tx, int) error{
		jd.loadCandidates, jd.loadSubmissions, jd.loadGradings, jd.loadReconciliation,
		jd.loadAppeals,
	}
	for _, step := range steps {
		if err := step(ctx, tx, sitting); err != nil {
			return nil, err
		}
	}
	if err := jd.loadGrids(ctx, tx); err != nil {
		return nil, err
	}
	if sitting > 1 {
		jd.candidates = slices.DeleteFunc(jd.candidates,
			func(c *juryCandidate) bool { return !c.submitted })
	}
	return jd, nil
}

// byRowID returns the candidates indexed by their row id.
func (jd *juryData) byRowID() map[int64]*juryCandidate {
	m := make(map[int64]*juryCandidate, len(jd.candidates))
	for _, c := range jd.candidates {
		m[c.rowID] = c
	}
	return m
}

// loadCandidates reads the candidates not withdrawn, in identifier order,
// and whether each has an accommodation (never what it is).
func (jd *juryData) loadCandidates(ctx context.Context, tx *sql.Tx, _ int) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.ext_id, c.family_name,
			c.given_names, c.anon_code, c.data,
			EXISTS (SELECT 1 FROM accommodations a WHERE a.candidate_id = c.id)
		FROM candidates c
		WHERE c.credential_id = ? AND c.withdrawn = 0
		ORDER BY c.ext_id`, jd.credID)
	if err != nil {
		return fmt.Errorf("read candidates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c juryCandidate
		var family, given, data string
		if err := rows.Scan(&c.rowID, &c.id, &family, &given, &c.anonCode, &data,
			&c.accommodation); err != nil {
			return fmt.Errorf("read candidates: %w", err)
		}
		c.name = jury.Candidate{FamilyName: family, GivenNames: given}.FullName()
		var extra struct{ Milestones []jury.Milestone }
		if data != "" {
			if err := json.Unmarshal([]byte(data), &extra); err != nil {
				return fmt.Errorf("read candidate %s: %w", c.id, err)
			}
		}
		c.milestones = extra.Milestones
		jd.candidates = append(jd.candidates, &c)
	}
	return rows.Err()
}

// loadSubmissions reads the submissions of the sitting.
func (jd *juryData) loadSubmissions(ctx context.Context, tx *sql.Tx, sitting int) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.candidate_id, s.late, s.absence
		FROM submissions s JOIN candidates c ON c.id = s.candidate_id
		WHERE c.credential_id = ? AND s.sitting = ?`, jd.credID, sitting)
	if err != nil {
		return fmt.Errorf("read submissions: %w", err)
	}
	defer rows.Close()
	byID := jd.byRowID()
	for rows.Next() {
		var id int64
		var late bool
		var absence int
		if err := rows.Scan(&id, &late, &absence); err != nil {
			return fmt.Errorf("read submissions: %w", err)
		}
		if c := byID[id]; c != nil {
			c.submitted, c.late, c.absence = true, late, jury.AbsenceKind(absence)
		}
	}
	return rows.Err()
}

// loadGradings reads every expert's grading of the sitting's submissions.
func (jd *juryData) loadGradings(ctx context.Context, tx *sql.Tx, sitting int) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.candidate_id, g.expert, g.grid_id, g.choices,
			g.status, g.needs_regrade
		FROM gradings g
		JOIN submissions s ON s.id = g.submission_id
		JOIN candidates c ON c.id = s.candidate_id
		WHERE c.credential_id = ? AND s.sitting = ?
		ORDER BY g.id`, jd.credID, sitting)
	if err != nil {
		return fmt.Errorf("read gradings: %w", err)
	}
	defer rows.Close()
	byID := jd.byRowID()
	for rows.Next() {
		var id int64
		var g juryGrading
		var choices string
		var status int
		if err := rows.Scan(&id, &g.expert, &g.gridID, &choices, &status,
			&g.regrade); err != nil {
			return fmt.Errorf("read gradings: %w", err)
		}
		if err := json.Unmarshal([]byte(choices), &g.choices); err != nil {
			return fmt.Errorf("read grading choices: %w", err)
		}
		g.submitted = status == gradingSubmitted
		if c := byID[id]; c != nil {
			c.gradings = append(c.gradings, g)
		}
	}
	return rows.Err()
}

// loadAppeals marks the candidates with an appeal on the sitting.
func (jd *juryData) loadAppeals(ctx context.Context, tx *sql.Tx, sitting int) error {
	rows, err := tx.QueryContext(ctx, `SELECT candidate_id, status FROM appeals
		WHERE credential_id = ? AND sitting = ?`, jd.credID, sitting)
	if err != nil {
		return fmt.Errorf("read appeals: %w", err)
	}
	defer rows.Close()
	byID := jd.byRowID()
	for rows.Next() {
		var id int64
		var status int
		if err := rows.Scan(&id, &status); err != nil {
			return fmt.Errorf("read appeals: %w", err)
		}
		if c := byID[id]; c != nil {
			c.appeal = true
			c.appealOpn = c.appealOpn || jury.AppealStatus(status) == jury.AppealOpen
		}
	}
	return rows.Err()
}

// loadGrids parses the grid versions the gradings used.
func (jd *juryData) loadGrids(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, data, draft FROM grids
		WHERE credential_id = ?`, jd.credID)
	if err != nil {
		return fmt.Errorf("read grids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		var draft bool
		if err := rows.Scan(&id, &data, &draft); err != nil {
			return fmt.Errorf("read grids: %w", err)
		}
		parse := rubric.ParseJSON
		if draft { // no grading uses a draft, which need not validate
			parse = rubric.ParseJSONDraft
		}
		g, err := parse([]byte(data))
		if err != nil {
			return fmt.Errorf("read grid %d: %w", id, err)
		}
		jd.grids[id] = g
	}
	return rows.Err()
}

// proposals runs the rules on every candidate.
func (jd *juryData) proposals() map[string]jury.Proposal {
	out := make(map[string]jury.Proposal, len(jd.candidates))
	for _, c := range jd.candidates {
		out[c.id] = jury.Propose(jd.input(c))
	}
	return out
}

// input gathers the jury.Input of one candidate.
func (jd *juryData) input(c *juryCandidate) jury.Input {
	mcc := jd.credential.MCC
	in := jury.Input{
		Absence: c.absence, Late: c.late,
		Measure: mcc.Lateness, LatePenalty: mcc.LatePenalty,
		AppealOpen: c.appealOpn,
	}
	in.Eligible, in.EligibilityReason = jd.credential.Eligible(c.milestones)

	if c.absence != jury.Present {
		return in
	}
	if !c.submitted {
		in.GradingMissing = true
		return in
	}
	jd.grade(c, &in)
	return in
}

// grade fills in the grid's result from the candidate's gradings. Every
// expert the submission is allotted to must have submitted; an agreed
// grading, when there is one, gives the result. Otherwise the gradings are
// reconciled under the credential's double-marking thresholds and rule: a
// discrepancy, or an agreement the rule requires, keeps the outcome
// pending; without one the mark is the mean of the experts' marks, and the
// candidate passes when every grading passes.
func (jd *juryData) grade(c *juryCandidate, in *jury.Input) {
	if c.conflict {
		in.DiscrepancyOpen = true
		return
	}
	if c.agreed != nil {
		jd.result(in, *c.agreed)
		return
	}
	var done []juryGrading
	for _, g := range c.gradings {
		if g.submitted && !g.regrade {
			done = append(done, g)
		}
	}
	if len(done) == 0 || len(done) < c.allotted {
		in.GradingMissing = true
		return
	}
	if len(done) == 1 {
		jd.result(in, done[0])
		return
	}
	jd.reconcile(in, done)
}

// reconcile settles two or more submitted gradings of one submission.
func (jd *juryData) reconcile(in *jury.Input, done []juryGrading) {
	gs := make([]grading.Grading, len(done))
	marks := make([]float64, len(done))
	results := make([]rubric.Result, len(done))
	for i, g := range done {
		grid := jd.grids[g.gridID]
		if grid == nil {
			in.GradingMissing = true
			return
		}
		results[i] = grid.Score(g.choices)
		marks[i] = results[i].Mark * 20 / grid.Rules.Scale.Max()
		gs[i] = grading.Grading{Submission: "s", Expert: g.expert, Choices: g.choices,
			GridFingerprint: grid.Fingerprint(), Status: grading.Submitted}
	}
	th, rule := Thresholds(&jd.credential)
	res, err := grading.Reconcile(gs, marks, th, rule)
	if err != nil || res.Need != grading.NeedNothing {
		in.DiscrepancyOpen = true
		return
	}
	in.HasResult, in.Passed = true, true
	in.Mark = rubric.RoundHalfUp(res.Mark, 0.01)
	for _, i := range res.Used {
		if !results[i].Passed {
			in.Passed = false
			for _, reason := range results[i].Reasons {
				if !slices.Contains(in.FailReasons, reason.String()) {
					in.FailReasons = append(in.FailReasons, reason.String())
				}
			}
		}
	}
	grid := jd.grids[done[0].gridID]
	in.PassMark = passMark(grid)
	if in.PassMark > 0 && in.Mark < in.PassMark {
		in.Passed = false
	}
}

// result fills in the input from one grading's result.
func (jd *juryData) result(in *jury.Input, g juryGrading) {
	grid := jd.grids[g.gridID]
	if grid == nil {
		in.GradingMissing = true
		return
	}
	r := grid.Score(g.choices)
	outOf := grid.Rules.Scale.Max()
	in.HasResult, in.Passed = true, r.Passed
	in.Mark = rubric.RoundHalfUp(r.Mark*20/outOf, 0.01)
	in.PassMark = passMark(grid)
	for _, reason := range r.Reasons {
		in.FailReasons = append(in.FailReasons, reason.String())
	}
}

// loadReconciliation reads, for the sitting's submissions, how many
// experts each is allotted to, the agreed gradings and the conflicts
// still open.
func (jd *juryData) loadReconciliation(ctx context.Context, tx *sql.Tx, sitting int) error {
	byID := jd.byRowID()
	rows, err := tx.QueryContext(ctx, `SELECT s.candidate_id,
			(SELECT COUNT(*) FROM allotments a WHERE a.submission_id = s.id),
			(SELECT COUNT(*) FROM grading_conflicts k
				WHERE k.submission_id = s.id AND k.resolution = ''),
			COALESCE(ag.grid_id, 0), COALESCE(ag.choices, '')
		FROM submissions s
		JOIN candidates c ON c.id = s.candidate_id
		LEFT JOIN agreements ag ON ag.submission_id = s.id
		WHERE c.credential_id = ? AND s.sitting = ?`, jd.credID, sitting)
	if err != nil {
		return fmt.Errorf("read reconciliations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, gridID int64
		var allotted, conflicts int
		var choices string
		if err := rows.Scan(&id, &allotted, &conflicts, &gridID, &choices); err != nil {
			return fmt.Errorf("read reconciliations: %w", err)
		}
		c := byID[id]
		if c == nil {
			continue
		}
		c.allotted, c.conflict = allotted, conflicts > 0
		if choices != "" {
			ag := &juryGrading{gridID: gridID, submitted: true}
			if err := json.Unmarshal([]byte(choices), &ag.choices); err != nil {
				return fmt.Errorf("read agreed grading: %w", err)
			}
			c.agreed = ag
		}
	}
	return rows.Err()
}

// passMark returns the lowest passing mark out of 20 under g's rules, 0
// when the rules set none that a mark can express.
func passMark(g *rubric.Grid) float64 {
	rules := g.Rules
	if rules.MinTotal <= 0 {
		return 0
	}
	if rules.MinTotalIsMark {
		return rules.MinTotal * 20 / rules.Scale.Max()
	}
	if _, hi := g.Bounds(); hi > 0 && rules.Scale.Mapping == rubric.MarkProportional {
		return rules.MinTotal / hi * 20
	}
	return 0
}

// rows returns the deliberation table's rows, with the decisions of d
// when there is one.
func (jd *juryData) rows(props map[string]jury.Proposal, d *jury.Deliberation,
	revealed bool) []jury.Row {
	out := make([]jury.Row, 0, len(jd.candidates))
	for _, c := range jd.candidates {
		p := props[c.id]
		row := jury.Row{
			ID: c.id, Name: c.name, AnonCode: c.anonCode,
			Revealed: revealed || !jd.credential.BlindGrading,
			Mark:     p.Mark, HasMark: p.HasMark, Proposed: p.Outcome,
			Flags: jury.Flags{Accommodation: c.accommodation, Late: c.late,
				Reconciled: c.agreed != nil, Appeal: c.appeal},
		}
		if d != nil {
			if dec, ok := d.Decisions[c.id]; ok {
				row.Decided = dec.Outcome
				if dec.Proposed.Outcome != "" {
					row.Proposed, row.Mark, row.HasMark =
						dec.Proposed.Outcome, dec.Proposed.Mark, dec.Proposed.HasMark
				}
			}
		}
		out = append(out, row)
	}
	return out
}
