package issue

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"certeval/jury"
	"certeval/seal"
	"certeval/sheet"
	"certeval/storage"
)

// Workers is the number of documents rendered and signed at once.
const Workers = 2

// Summary is what Sheets did.
type Summary struct {
	Deliberations int      // closed deliberations issued
	Documents     int      // signed documents and exports written
	Files         []string // every file written, signatures beside exports included
	Dir           string
}

// job is one document to render and sign.
type job struct {
	doc  storage.Document
	path string
	make func() ([]byte, error) // renders and signs
	// sidecar asks for a FILE.sig beside the file (exports).
	sidecar bool
}

// done is a finished job.
type done struct {
	job  job
	data []byte
	err  error
}

// Sheets renders, signs and writes every document of the workspace's
// closed deliberations (the latest closed version of each sitting) under
// outDir, one folder per credential and sitting, and records each in the
// register. progress, when not nil, is called after each document.
// Cancelling ctx stops the work; documents already written stay and are
// registered.
func Sheets(ctx context.Context, s *storage.Store, id *seal.Identity, outDir string,
	progress func(done, total int)) (Summary, error) {
	sum := Summary{Dir: outDir}
	sittings, err := closedSittings(ctx, s)
	if err != nil {
		return sum, err
	}
	if len(sittings) == 0 {
		return sum, ErrNoDeliberation
	}
	if _, err := s.TrustIssuer(ctx, id.CertificatePEM(), ""); err != nil {
		return sum, err
	}
	r, err := sheet.NewRenderer()
	if err != nil {
		return sum, err
	}

	var jobs []job
	for _, st := range sittings {
		dir := filepath.Join(outDir, safeName(st.cred.Code),
			fmt.Sprintf("S%d-v%d", st.d.Sitting, st.d.Version))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return sum, fmt.Errorf("create folder: %w", err)
		}
		jobs = append(jobs, st.jobs(r, id, dir)...)
	}
	sum.Deliberations = len(sittings)

	docs, files, err := run(ctx, jobs, id, progress)
	sum.Files, sum.Documents = files, len(docs)
	if len(docs) > 0 {
		if rerr := s.RegisterDocuments(context.WithoutCancel(ctx), docs); rerr != nil {
			return sum, rerr
		}
	}
	return sum, err
}

// closedSittings reads every closed deliberation, latest closed version
// per sitting, with its credential and candidates.
func closedSittings(ctx context.Context, s *storage.Store) ([]*sitting, error) {
	refs, err := s.Credentials(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var out []*sitting
	for _, ref := range refs {
		code := ref.Code
		for n := 1; n <= 2; n++ {
			d, err := latestClosed(ctx, s, code, n)
			if err != nil {
				return nil, err
			}
			if d == nil {
				continue
			}
			st, err := loadSitting(ctx, s, code, d)
			if err != nil {
				return nil, err
			}
			st.issuedAt = now
			out = append(out, st)
		}
	}
	return out, nil
}

func latestClosed(ctx context.Context, s *storage.Store, code string,
	n int) (*jury.Deliberation, error) {
	ds, err := s.Deliberations(ctx, code, n)
	if err != nil {
		return nil, err
	}
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].State == jury.Closed {
			return ds[i], nil
		}
	}
	return nil, nil
}

func loadSitting(ctx context.Context, s *storage.Store, code string,
	d *jury.Deliberation) (*sitting, error) {
	cred, err := s.Credential(ctx, code)
	if err != nil {
		return nil, err
	}
	cands, err := s.Candidates(ctx, code)
	if err != nil {
		return nil, err
	}
	st := &sitting{cred: cred, d: d, candidates: make(map[string]jury.Candidate)}
	if st.breakdown, err = s.Breakdown(ctx, code, d.Sitting); err != nil {
		return nil, err
	}
	// The grid is the version the sitting was graded with, not the
	// credential's latest: a later version must not rewrite the minutes.
	st.grid = st.breakdown.Grid
	if st.grid == nil {
		g, _, err := s.Grid(ctx, code)
		if err != nil && !errors.Is(err, storage.ErrNoGrid) {
			return nil, err
		}
		st.grid = g
	}
	if st.grid != nil {
		st.evidence = evidence(st.grid)
	}
	for _, c := range cands {
		c.Accommodations = nil // never needed here; belt and braces
		st.candidates[c.ID] = c
	}
	return st, nil
}

// jobs lists the documents of one sitting, written under dir.
func (st *sitting) jobs(r *sheet.Renderer, id *seal.Identity, dir string) []job {
	year := st.issuedAt.Year()
	newJob := func(kind, cand, file string, mk func(docID string) ([]byte, error)) job {
		docID := NewID(year)
		return job{doc: storage.Document{ID: docID, Kind: kind, Credential: st.cred.Code,
			Candidate: cand, IssuedAt: st.issuedAt, File: file},
			path: filepath.Join(dir, file), make: func() ([]byte, error) { return mk(docID) }}
	}
	pdf := func(render func() ([]byte, error), reason string) ([]byte, error) {
		doc, err := render()
		if err != nil {
			return nil, err
		}
		return seal.SignPDF(doc, id, seal.SignInfo{Location: st.cred.Producer.Region,
			Reason: reason, Time: st.issuedAt})
	}
	tag := fmt.Sprintf("%s-S%d", safeName(st.cred.Code), st.d.Sitting)

	var jobs []job
	jobs = append(jobs, newJob(KindMinutes, "", "PV-"+tag+".pdf",
		func(docID string) ([]byte, error) {
			return pdf(func() ([]byte, error) { return r.Minutes(st.minutes(docID)) },
				"Procès-verbal du jury")
		}))
	for _, u := range st.universities() {
		jobs = append(jobs, newJob(KindResults, "", "resultats-"+tag+"-"+safeName(u)+".pdf",
			func(docID string) ([]byte, error) {
				return pdf(func() ([]byte, error) {
					return r.ResultSheet(st.resultSheet(docID, u))
				}, "Résultats de la délibération")
			}))
	}
	for _, cid := range st.d.Candidates() {
		jobs = append(jobs, st.candidateJobs(r, id, cid, newJob, pdf)...)
	}
	return append(jobs, st.exportJobs(id, tag, newJob)...)
}

type jobMaker func(kind, cand, file string, mk func(docID string) ([]byte, error)) job

// candidateJobs lists a candidate's letter and, when passed, certificates
// (fr and en) and Open Badge.
func (st *sitting) candidateJobs(r *sheet.Renderer, id *seal.Identity, cid string,
	newJob jobMaker, pdf func(func() ([]byte, error), string) ([]byte, error)) []job {
	base := safeName(cid)
	jobs := []job{newJob(KindLetter, cid, "lettre-"+base+".pdf",
		func(docID string) ([]byte, error) {
			return pdf(func() ([]byte, error) { return r.Letter(st.letter(docID, cid)) },
				"Notification de la décision du jury")
		})}
	if !st.d.Decisions[cid].Outcome.Passing() {
		return jobs
	}
	for _, lang := range []string{"fr", "en"} {
		jobs = append(jobs, newJob(KindCertificate, cid, "certificat-"+base+"-"+lang+".pdf",
			func(docID string) ([]byte, error) {
				qr, err := SignQR(id, st.payload(docID, cid))
				if err != nil {
					return nil, err
				}
				return pdf(func() ([]byte, error) {
					return r.Certificate(st.certificate(docID, lang, cid, qr))
				}, "Certificat de micro-certification")
			}))
	}
	return append(jobs, newJob(KindBadge, cid, "badge-"+base+".jwt",
		func(docID string) ([]byte, error) {
			tok, err := SignBadge(id, st.badge(docID, cid))
			return []byte(tok), err
		}))
}

// exportJobs lists the CSV and XLSX exports of the sitting.
func (st *sitting) exportJobs(id *seal.Identity, tag string, newJob jobMaker) []job {
	res := st.results()
	csvJob := newJob(KindExport, "", "resultats-"+tag+".csv",
		func(string) ([]byte, error) { return ResultsCSV(res) })
	xlsxJob := newJob(KindExport, "", "resultats-"+tag+".xlsx",
		func(string) ([]byte, error) { return ResultsXLSX(res) })
	csvJob.sidecar, xlsxJob.sidecar = true, true
	return []job{csvJob, xlsxJob}
}

// run renders and signs jobs with Workers goroutines, writes each file
// atomically as it comes, and returns the register entries of the files
// written.
func run(ctx context.Context, jobs []job, id *seal.Identity,
	progress func(int, int)) ([]storage.Document, []string, error) {
	in := make(chan job)
	out := make(chan done)
	var wg sync.WaitGroup
	for range Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				data, err := j.make()
				out <- done{job: j, data: data, err: err}
			}
		}()
	}
	go func() {
		defer close(in)
		for _, j := range jobs {
			select {
			case in <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()

	var docs []storage.Document
	var files []string
	var firstErr error
	for d := range out {
		if firstErr != nil {
			continue // drain
		}
		doc, written, err := finish(d, id)
		if err != nil {
			firstErr = err
			continue
		}
		docs, files = append(docs, doc), append(files, written...)
		if progress != nil {
			progress(len(docs), len(jobs))
		}
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return docs, files, firstErr
}

// finish writes a rendered document and returns its register entry.
func finish(d done, id *seal.Identity) (storage.Document, []string, error) {
	if d.err != nil {
		return storage.Document{}, nil, fmt.Errorf("issue %s: %w", d.job.doc.File, d.err)
	}
	doc := d.job.doc
	doc.SHA256 = Fingerprint(d.data)
	doc.KeyID = seal.KeyID(id.Certificate)
	doc.SignerPEM = string(id.CertificatePEM())
	if err := WriteFile(d.job.path, d.data); err != nil {
		return doc, nil, err
	}
	files := []string{d.job.path}
	if d.job.sidecar {
		sig, err := signSidecar(id, doc.ID, doc.File, d.data, doc.IssuedAt)
		if err != nil {
			return doc, nil, fmt.Errorf("sign %s: %w", doc.File, err)
		}
		if err := WriteFile(d.job.path+SidecarExt, sig); err != nil {
			return doc, nil, err
		}
		files = append(files, d.job.path+SidecarExt)
	}
	return doc, files, nil
}

// safeName keeps letters, digits, "-" and "_" of s for a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
