// Package opendata is what the province publishes of its firms' readiness:
// the catalogue of indicators and datasets (their IDs, units, sources and
// frequency), and the tables computed from protected figures. It decides
// nothing about protection itself: every figure it is given comes from
// disclosure.ProtectPublic (the store computes them), and it only lays
// them out, so a published table can never hold more than the protection
// let through.
//
// Open data publishes ended quarters only: a quarter's figures are fixed
// once it ends (the cells keep each quarter's change), so no one can watch
// a figure move with each submission and difference the looks. Counts of
// firms that took part are exact, as everywhere (package disclosure), and
// the current quarter's are published to date.
//
// Layout: a pure package beside disclosure (STYLE.md §8 has none for this);
// it may import scoring and disclosure only (arch_test.go). web computes a
// Publication from the store's snapshot (web/opendata_refresh.go), serves
// it as pages, CSV and JSON under /data, and as the IOC feed under /api/v1.
package opendata
