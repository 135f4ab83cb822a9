#!/bin/sh
# Copy the lessons into the user's home on first start, then run the single-user server.
[ -d "$HOME/lessons" ] || cp -r /opt/sim/lessons "$HOME/lessons"
exec jupyterhub-singleuser "$@"
