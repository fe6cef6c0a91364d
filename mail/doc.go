// Package mail delivers the outbox: a Sender claims due messages from the
// store, hands each to a Transport (SMTP when the portal has --smtp-url,
// otherwise the log, where the admin outbox page shows them) and records
// the outcome, retrying failures with capped exponential backoff.
//
// Layout note: STYLE.md §8 has no package for delivery. It sits here, not
// in web (it serves no requests) nor store (it speaks SMTP), and imports
// store only for the Message type and the claim/mark calls; main wires it.
//
// Delivery is at least once in the strict sense: a crash after the SMTP
// server accepted a message but before MarkSent committed sends it again
// once the claim's lease ends. Every other path sends a message once: a
// claim is exclusive for its lease, and a message's Message-ID is derived
// from its dedupe key, so mail systems that drop duplicates by Message-ID
// drop that one too.
package mail
