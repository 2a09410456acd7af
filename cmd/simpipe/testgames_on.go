//go:build testgames

package main

import (
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/internal/testgames"
)

func registerTestGames(r *game.Registry) { testgames.Register(r) }
