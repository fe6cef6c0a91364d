package web

import "net/netip"

// loadConfig puts the load measurement behind a loopback proxy, so each
// registering client can have its own address.
func loadConfig(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }
