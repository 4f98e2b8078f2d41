package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"shuangshi/internal/auth"
	"shuangshi/internal/civil"
	"shuangshi/internal/errkind"
	"shuangshi/internal/locale"
	"shuangshi/internal/projects"
)

// Outbox sends what staff are told at once (projects.Notice) and the
// daily digest to the chat groups, and the notices by e-mail too. A notice
// is queued durably (Announce) and sent after by the loop (Run), so that
// the request that made it does not wait for WeCom, DingTalk or the mail
// server. Each message to each destination is a delivery row: claimed by
// one server before it is sent (a conditional update, with a lease), sent
// once, retried with a growing wait when the service refuses it, given up
// after maxAttempts. Its words are made when it is sent, in the reader's
// language, from what the site holds then.
type Outbox struct {
	store    *Store
	digester *Digester // the stores, the rules and the digest's settings
	sealer   *Sealer
	robots   Robots
	mail     Sender // nil: no e-mail
	log      *slog.Logger
	now      func() time.Time
	wake     chan struct{}
	// mu makes this outbox's rounds one at a time (the loop's and a
	// test's); servers share the work through the claims, not this.
	mu sync.Mutex
	// digestsChecked is when the channels' digests were last looked for:
	// they are made at most every digestCheck.
	digestsChecked time.Time
}

// The outbox's timing.
const (
	// maxAttempts is how many times a delivery is tried: the waits
	// between (backoff) add up to about two hours.
	maxAttempts = 8
	// firstRetry is the wait after the first refusal; it doubles with
	// each attempt, up to lastRetry.
	firstRetry = time.Minute
	lastRetry  = time.Hour
	// lease is how long a claim holds a delivery: far longer than a send
	// may take (robotTimeout, sendTimeout), so that a live server always
	// finishes before it runs out.
	lease = 5 * time.Minute
	// pollEvery is how often the loop looks for work that another server
	// queued or that is due again; a notice queued here wakes it at once.
	pollEvery = 30 * time.Second
	// digestCheck is how often the channels' digests are looked for.
	digestCheck = 5 * time.Minute
	// batch bounds the work of one round.
	batch = 100
)

// OutboxConfig is what an Outbox needs beyond its stores.
type OutboxConfig struct {
	Robots Robots
	// Mail sends the notices by e-mail to those with an address; nil
	// sends none.
	Mail Sender
	// SessionKeys seal the robots' keys and secrets (see Sealer).
	SessionKeys [][]byte
	Log         *slog.Logger
	Now         func() time.Time
}

// NewOutbox returns an outbox keeping its queue in store, reading the
// record through the digester's stores.
func NewOutbox(store *Store, digester *Digester, cfg OutboxConfig) (*Outbox, error) {
	sealer, err := NewSealer(cfg.SessionKeys)
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Outbox{store: store, digester: digester, sealer: sealer, robots: cfg.Robots.withDefaults(), mail: cfg.Mail,
		log: cfg.Log, now: cfg.Now, wake: make(chan struct{}, 1)}, nil
}

// ErrNoticeInvalid refuses a notice without a key, a kind or a project.
var ErrNoticeInvalid = errkind.New(errkind.Invalid, "notice without key, kind or project")

// Announce queues a notice to be sent; the same Key is queued once. It
// makes *Outbox a projects.Announcer.
func (o *Outbox) Announce(ctx context.Context, n projects.Notice) error {
	if n.Key == "" || n.Kind == "" || n.ProjectID == 0 {
		return ErrNoticeInvalid
	}
	if _, err := o.store.QueueNotice(ctx, n); err != nil {
		return fmt.Errorf("queue notice %s: %w", n.Key, err)
	}
	select {
	case o.wake <- struct{}{}:
	default: // already woken
	}
	return nil
}

var _ projects.Announcer = (*Outbox)(nil)

// Run delivers until ctx ends: at once when a notice is queued here, and
// every pollEvery for the rest.
func (o *Outbox) Run(ctx context.Context) {
	ticker := time.NewTicker(pollEvery)
	defer ticker.Stop()
	for {
		if _, err := o.Deliver(ctx); err != nil && ctx.Err() == nil {
			o.log.Error("notices", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-ticker.C:
		}
	}
}

// Deliver does one round: it gives up the deliveries of a server that
// stopped while sending them, routes the notices queued, queues the
// channels' digests when due, and sends what is due. It returns how many
// messages went out.
func (o *Outbox) Deliver(ctx context.Context) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	abandoned, err := o.store.abandonExpired(ctx, now)
	if err != nil {
		return 0, err
	}
	for _, d := range abandoned {
		o.log.Warn("a notice's sending was interrupted (its server stopped); it may not have arrived and is not sent again",
			"delivery", d.ID, "subject", d.Subject, "destination", d.Destination)
	}
	channels, err := o.store.Channels(ctx)
	if err != nil {
		return 0, err
	}
	if err := o.route(ctx, channels); err != nil {
		return 0, err
	}
	if now.Sub(o.digestsChecked) >= digestCheck || now.Before(o.digestsChecked) {
		if err := o.queueDigests(ctx, channels, now); err != nil {
			return 0, err
		}
		o.digestsChecked = now
	}
	return o.sendDue(ctx, channels, now)
}

// route makes the deliveries of the queued notices: to each recipient by
// e-mail (when the site sends e-mail and they have an address) and through
// their own channels, and to the channels of the project's unit and of
// the site that take notices.
func (o *Outbox) route(ctx context.Context, channels []Channel) error {
	queued, err := o.store.unroutedNotices(ctx, batch)
	if err != nil || len(queued) == 0 {
		return err
	}
	for _, sn := range queued {
		n := sn.notice()
		var dests []string
		unit := ""
		if p, err := o.digester.projects.Project(ctx, n.ProjectID); err == nil {
			unit = p.Unit
		} else if !errors.Is(err, projects.ErrNotFound) {
			return err
		}
		for _, id := range n.To {
			u, err := o.digester.users.UserByID(ctx, id)
			if errors.Is(err, auth.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if !u.Active {
				continue
			}
			if o.mail != nil && u.Email != "" {
				dests = append(dests, emailDestination(u.ID))
			}
		}
		for _, ch := range channels {
			if ch.Notices && channelGets(ch, n, unit) {
				dests = append(dests, ch.Destination())
			}
		}
		if err := o.store.routeNotice(ctx, sn.ID, dests); err != nil {
			return err
		}
	}
	return nil
}

// channelGets reports whether a channel is told a notice about a project
// of unit: a user's channel what is told to the user, a unit's channel
// everything about its projects, the site's channel what is told to the
// supervisors (an answer to a 督办, an escalation).
func channelGets(ch Channel, n projects.Notice, unit string) bool {
	switch ch.Scope {
	case ScopeUser:
		return ch.UserID != nil && slices.Contains(n.To, *ch.UserID)
	case ScopeUnit:
		return unit != "" && ch.Unit == unit
	case ScopeSite:
		return n.Kind == projects.NoticeCaseAnswered || n.Kind == projects.NoticeCaseEscalated
	}
	return false
}

// queueDigests queues the day's digest for each channel that takes it and
// has not had it, from the digest hour on, when there is something in it.
func (o *Outbox) queueDigests(ctx context.Context, channels []Channel, now time.Time) error {
	d := o.digester
	local := now.In(d.location)
	if local.Hour() < d.hour {
		return nil
	}
	day := civil.DateOf(local).String()
	queued, err := o.store.queuedFor(ctx, digestSubject(day))
	if err != nil {
		return err
	}
	var waiting []Channel
	for _, ch := range channels {
		if ch.Digest && !queued[ch.Destination()] {
			waiting = append(waiting, ch)
		}
	}
	if len(waiting) == 0 {
		return nil
	}
	work, err := o.openWork(ctx)
	if err != nil {
		return err
	}
	var dests []string
	for _, ch := range waiting {
		digest, _, ok, err := o.channelDigest(ctx, ch, work, now)
		if err != nil {
			return err
		}
		if ok && !digest.Empty() {
			dests = append(dests, ch.Destination())
		}
	}
	return o.store.queueDigests(ctx, day, dests)
}

// openWork is the open targets and who answers for them, read once a round.
type openWork struct {
	targets   []projects.Target
	engineers map[int64][]auth.User
	cases     openCases
}

func (o *Outbox) openWork(ctx context.Context) (openWork, error) {
	targets, engineers, err := o.digester.openWork(ctx)
	if err != nil {
		return openWork{}, err
	}
	cases, err := o.digester.openCases(ctx)
	return openWork{targets, engineers, cases}, err
}

// channelDigest is the digest of a channel's scope: the site's covers
// every project (the supervisors'), a unit's the unit's projects, a user's
// what concerns the user. It returns the words that say whose it is, and
// false for a user's channel whose user is gone or disabled.
func (o *Outbox) channelDigest(ctx context.Context, ch Channel, work openWork, now time.Time) (Digest, func(*locale.Locale) string, bool, error) {
	d := o.digester
	today := civil.DateOf(now.In(d.location))
	everyone := auth.User{Role: auth.Supervisor, Active: true} // sees every project
	switch ch.Scope {
	case ScopeSite:
		return BuildDigest(everyone, work.targets, work.engineers, d.rule, today, now, d.staleDays).WithCases(everyone, work.cases, today),
			func(l *locale.Locale) string { return l.T("digest.scope_all") }, true, nil
	case ScopeUnit:
		var theirs []projects.Target
		for _, t := range work.targets {
			if t.Project.Unit == ch.Unit {
				theirs = append(theirs, t)
			}
		}
		cases := work.cases
		cases.cases = nil
		for _, c := range work.cases.cases {
			if work.cases.targets[c.TargetID].Project.Unit == ch.Unit {
				cases.cases = append(cases.cases, c)
			}
		}
		return BuildDigest(everyone, theirs, work.engineers, d.rule, today, now, d.staleDays).WithCases(everyone, cases, today),
			func(l *locale.Locale) string { return l.T("notice.digest_unit", "Unit", ch.Unit) }, true, nil
	case ScopeUser:
		if ch.UserID == nil {
			return Digest{}, nil, false, nil
		}
		u, err := d.users.UserByID(ctx, *ch.UserID)
		if errors.Is(err, auth.ErrNotFound) || (err == nil && !u.Active) {
			return Digest{}, nil, false, nil
		} else if err != nil {
			return Digest{}, nil, false, err
		}
		scope := "digest.scope_mine"
		if auth.Can(&u, auth.Supervise) {
			scope = "digest.scope_all"
		}
		return BuildDigest(u, work.targets, work.engineers, d.rule, today, now, d.staleDays).WithCases(u, work.cases, today),
			func(l *locale.Locale) string { return l.T(scope) }, true, nil
	}
	return Digest{}, nil, false, nil
}

// sendDue sends the deliveries due at now, each claimed first.
func (o *Outbox) sendDue(ctx context.Context, channels []Channel, now time.Time) (int, error) {
	due, err := o.store.dueDeliveries(ctx, now, batch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	byID := make(map[string]Channel, len(channels))
	for _, ch := range channels {
		byID[ch.Destination()] = ch
	}
	var work *openWork // read when a digest is first sent this round
	sent := 0
	for _, d := range due {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		kind, _ := splitRef(d.Destination)
		if kind == "channel" {
			// A robot takes robotPerMinute messages a minute; the rest
			// wait for the next minute, without counting an attempt.
			n, err := o.store.sentRecently(ctx, d.Destination, now.Add(-time.Minute))
			if err != nil {
				return sent, err
			}
			if n >= robotPerMinute {
				if err := o.store.postpone(ctx, d.ID, now.Add(time.Minute)); err != nil {
					return sent, err
				}
				continue
			}
		}
		claimed, err := o.store.claimDelivery(ctx, d.ID, now, lease)
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue // another server took it
		}
		d.Attempts++
		// Once claimed, the send and its record are finished even when
		// the server is shutting down: an unrecorded send could be sent
		// again by nobody, and a recorded one is never sent twice.
		sendCtx := context.WithoutCancel(ctx)
		err = o.send(sendCtx, d, byID, &work, now)
		if err == nil {
			if err := o.store.markSent(sendCtx, d.ID); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		if err := o.refused(sendCtx, d, err, now); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// errGone is a delivery whose destination or subject no longer exists.
var errGone = errors.New("nothing to send: its channel, user or notice is gone")

// send makes the delivery's words and sends them.
func (o *Outbox) send(ctx context.Context, d delivery, channels map[string]Channel, work **openWork, now time.Time) error {
	destKind, destID := splitRef(d.Destination)
	subjectKind, subjectRef := splitRef(d.Subject)
	id, _ := strconv.ParseInt(destID, 10, 64)
	var language string
	var user *auth.User
	var channel *Channel
	switch destKind {
	case "email":
		u, err := o.digester.users.UserByID(ctx, id)
		if errors.Is(err, auth.ErrNotFound) {
			return errGone
		} else if err != nil {
			return err
		}
		if o.mail == nil || u.Email == "" || !u.Active {
			return errGone
		}
		user, language = &u, u.Language
	case "channel":
		ch, ok := channels[d.Destination]
		if !ok {
			return errGone
		}
		channel, language = &ch, ch.Language
		if ch.Scope == ScopeUser && ch.UserID != nil {
			if u, err := o.digester.users.UserByID(ctx, *ch.UserID); err == nil && u.Language != "" {
				language = u.Language
			}
		}
	default:
		return errGone
	}
	l := o.digester.catalog.For(language)

	var n note
	switch subjectKind {
	case "notice":
		noticeID, _ := strconv.ParseInt(subjectRef, 10, 64)
		sn, err := o.store.notice(ctx, noticeID)
		if err != nil {
			return errGone
		}
		facts, err := o.facts(ctx, sn.notice())
		if err != nil {
			return err
		}
		n = noticeNote(sn.notice().Kind, facts, l, o.digester.siteURL)
	case "digest":
		if channel == nil {
			return errGone
		}
		if *work == nil {
			w, err := o.openWork(ctx)
			if err != nil {
				return err
			}
			*work = &w
		}
		digest, scope, ok, err := o.channelDigest(ctx, *channel, **work, now)
		if err != nil {
			return err
		}
		if !ok {
			return errGone
		}
		// The digest is made again when it is sent: a day's digest
		// queued at eight and refused until nine says what stands at nine.
		n = digestNote(digest, scope(l), o.digester.staleDays, l, o.digester.siteURL)
	default:
		return errGone
	}

	if user != nil {
		return o.mail.Send(ctx, user.Email, n.Title, n.plain())
	}
	robot, err := o.robot(*channel)
	if err != nil {
		return err
	}
	return o.robots.Send(ctx, robot, Message{Title: n.Title, Markdown: n.markdown(robot.Service, markdownLimit(robot.Service))}, now)
}

// facts reads what a notice is about, as it stands now.
func (o *Outbox) facts(ctx context.Context, n projects.Notice) (noticeFacts, error) {
	ps := o.digester.projects
	var f noticeFacts
	p, err := ps.Project(ctx, n.ProjectID)
	if errors.Is(err, projects.ErrNotFound) {
		return f, errGone
	} else if err != nil {
		return f, err
	}
	f.Project = p
	if n.TargetID != 0 {
		t, err := ps.Target(ctx, n.TargetID)
		if errors.Is(err, projects.ErrNotFound) {
			// A target taken off its list still names its 督办.
			t, err = ps.RemovedTarget(ctx, n.TargetID)
		}
		if err != nil && !errors.Is(err, projects.ErrNotFound) {
			return f, err
		}
		f.Target = t
	}
	if n.CaseID != 0 {
		c, _, err := ps.Comment(ctx, n.CaseID)
		if err == nil {
			f.Case = &c
		} else if !errors.Is(err, projects.ErrNotFound) {
			return f, err
		}
	}
	return f, nil
}

// robot opens a channel's credentials.
func (o *Outbox) robot(ch Channel) (Robot, error) {
	key, _, err := o.sealer.Open("key", ch.SealedKey)
	if err != nil {
		return Robot{}, &SendError{Service: ch.Service, Message: "the robot's key cannot be read: enter it again", Permanent: true}
	}
	secret, _, err := o.sealer.Open("secret", ch.SealedSecret)
	if err != nil {
		return Robot{}, &SendError{Service: ch.Service, Message: "the robot's secret cannot be read: enter it again", Permanent: true}
	}
	return Robot{Service: ch.Service, Key: key, Secret: secret}, nil
}

// refused records a failed send: tried again after a wait that doubles
// with each attempt, or given up when it cannot succeed or the attempts
// are used up.
func (o *Outbox) refused(ctx context.Context, d delivery, err error, now time.Time) error {
	reason := err.Error()
	var se *SendError
	permanent := errors.Is(err, errGone)
	wait := backoff(d.Attempts)
	if errors.As(err, &se) {
		permanent = se.Permanent
		wait = max(wait, se.RetryAfter)
	}
	if permanent || d.Attempts >= maxAttempts {
		// The reason holds no secret: SendError and the mail's errors
		// carry none (see redactTransport).
		o.log.Warn("a notice was not delivered and is given up", "delivery", d.ID, "subject", d.Subject,
			"destination", d.Destination, "attempts", d.Attempts, "reason", reason)
		return o.store.markFailed(ctx, d.ID, reason)
	}
	o.log.Info("a notice was not delivered; it will be tried again", "delivery", d.ID, "subject", d.Subject,
		"destination", d.Destination, "attempts", d.Attempts, "retry_in", wait.String(), "reason", reason)
	return o.store.markRetry(ctx, d.ID, now.Add(wait), reason)
}

// backoff is the wait after a delivery's nth failed attempt: firstRetry,
// doubled each time, at most lastRetry.
func backoff(attempts int) time.Duration {
	wait := firstRetry
	for i := 1; i < attempts && wait < lastRetry; i++ {
		wait *= 2
	}
	return min(wait, lastRetry)
}

// SendTest sends a test message through a channel at once, bypassing the
// queue, and returns the service's refusal if any.
func (o *Outbox) SendTest(ctx context.Context, ch Channel, l *locale.Locale) error {
	robot, err := o.robot(ch)
	if err != nil {
		return err
	}
	now := o.now()
	n := testNote(l, ch.Name, civil.DateOf(now.In(o.digester.location)))
	return o.robots.Send(ctx, robot, Message{Title: n.Title, Markdown: n.markdown(robot.Service, markdownLimit(robot.Service))}, now)
}

// Reseal seals again with the newest session key the channels' secrets
// that an older one sealed, so that the older key can be removed. A
// secret no key opens is logged (without itself) for an administrator to
// enter again.
func (o *Outbox) Reseal(ctx context.Context) error {
	channels, err := o.store.Channels(ctx)
	if err != nil {
		return err
	}
	for _, ch := range channels {
		key, staleKey, err1 := o.sealer.Open("key", ch.SealedKey)
		secret, staleSecret, err2 := o.sealer.Open("secret", ch.SealedSecret)
		if err1 != nil || err2 != nil {
			o.log.Warn("a notice channel's robot key cannot be opened with the session keys: enter its webhook again",
				"channel", ch.ID, "name", ch.Name)
			continue
		}
		if staleKey || staleSecret {
			if err := o.store.Reseal(ctx, ch.ID, ch.SealedKey, ch.SealedSecret,
				o.sealer.Seal("key", key), o.sealer.Seal("secret", secret)); err != nil {
				return err
			}
		}
	}
	return nil
}

// markdownLimit is the most bytes of Markdown a service's robot takes.
func markdownLimit(s Service) int {
	if s == DingTalk {
		return dingTalkMarkdownBytes
	}
	return wecomMarkdownBytes
}
