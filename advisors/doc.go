// Package advisors holds the Center advisors' pure rules: when an advisor
// is free (weekly hours, leave, public holidays, slot length, buffer,
// horizon and notice, all in Asia/Ho_Chi_Minh), and which advisors suit a
// firm, with the reasons why. It reads no database and serves no HTTP:
// the store supplies profiles, bookings and loads, and the web layer
// words the reasons in the user's language.
package advisors
