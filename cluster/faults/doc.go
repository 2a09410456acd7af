// Package faults holds the fault campaign of simpipe's NATS mode (its tests
// only): the NATS server, the coordinator and four workers run as real
// processes in network namespaces of their own, joined by a bridge, while a
// schedule drawn from a seed partitions, delays, drops, pauses and kills
// them; the run must still end with a local run's digest, every game
// committed once. See campaign_test.go.
package faults
