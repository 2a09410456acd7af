//go:build !testgames

package main

import "github.com/simpipe/simpipe/game"

func registerTestGames(*game.Registry) {}
