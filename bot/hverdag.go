package bot

import (
	"context"

	"github.com/samarbeid/samarbeid/workflows"
)

// The details modals read the workflows' status, which keeps service IDs; a person reads
// the directory's names (issue 14). These copy a status with the IDs a view shows as names,
// so the views stay plain functions of what they are given.

// coordStatusNamed is st with the services in the coordinator details as names.
func (b *Bot) coordStatusNamed(ctx context.Context, st workflows.CoordinatorStatus) workflows.CoordinatorStatus {
	if st.Responsibility != "" {
		st.Responsibility = b.serviceName(ctx, st.Responsibility)
	}
	if st.Wish != nil {
		w := *st.Wish
		w.ServiceID = b.serviceName(ctx, w.ServiceID)
		st.Wish = &w
	}
	if st.Coordinator != nil {
		c := *st.Coordinator
		c.ServiceID = b.serviceName(ctx, c.ServiceID)
		st.Coordinator = &c
	}
	return st
}

// planStatusNamed is st with the coordinator's service as a name.
func (b *Bot) planStatusNamed(ctx context.Context, st workflows.PlanStatus) workflows.PlanStatus {
	if st.CoordinatorServiceID != "" {
		st.CoordinatorServiceID = b.serviceName(ctx, st.CoordinatorServiceID)
	}
	return st
}
