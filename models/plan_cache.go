package models

import (
	"context"
	"slices"
	"sync"
)

// planCache keeps the tree of each plan the store has read, with the
// version it was read at. Nearly every page shows the plan (the list's
// filters, the application's activities, the follow-up), and plans change
// a few times a year: a page reads the plan's row, whose version the
// database moves with every change to the plan or its tree in the same
// transaction (migration 00068), and reads the tree again only when the
// version has moved. Every replica checks the version itself, so none
// shows a plan another has changed.
type planCache struct {
	mu    sync.Mutex
	plans map[int64]*Plan
}

// get returns a copy of plan id's tree at version, if the cache holds it.
func (c *planCache) get(id, version int64) (*Plan, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.plans[id]
	if !ok || p.Version != version {
		return nil, false
	}
	return p.clone(), true
}

// put keeps a copy of p, unless a newer version is kept already.
func (c *planCache) put(p *Plan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[int64]*Plan{}
	}
	if old, ok := c.plans[p.ID]; ok && old.Version > p.Version {
		return
	}
	c.plans[p.ID] = p.clone()
}

// clone copies p and its whole tree, so that a caller may change what it
// got without changing what the cache holds.
func (p *Plan) clone() *Plan {
	out := *p
	out.Responsibles = slices.Clone(p.Responsibles)
	out.Areas = slices.Clone(p.Areas)
	for i := range out.Areas {
		out.Areas[i].Goals = slices.Clone(out.Areas[i].Goals)
		for j := range out.Areas[i].Goals {
			acts := slices.Clone(out.Areas[i].Goals[j].Activities)
			for k := range acts {
				if t := acts[k].RetiredAt; t != nil {
					retired := *t
					acts[k].RetiredAt = &retired
				}
			}
			out.Areas[i].Goals[j].Activities = acts
		}
	}
	return &out
}

// planTree completes p, read from its row, with its tree: from the cache
// when it holds p's version, else from the database. Inside a
// transaction the tree is always read, and not kept: what a transaction
// sees may still be rolled back.
func (s *Store) planTree(ctx context.Context, p Plan) (*Plan, error) {
	inTx := s.inTx(ctx)
	if !inTx {
		if cached, ok := s.plans.get(p.ID, p.Version); ok {
			return cached, nil
		}
	}
	if err := s.loadPlanTree(ctx, &p); err != nil {
		return nil, err
	}
	if !inTx {
		s.plans.put(&p)
	}
	return &p, nil
}
