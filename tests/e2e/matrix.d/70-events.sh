# matrix.d/70-events.sh: rows of the events area (issue 12), sourced by
# e2e-auth-matrix.sh. Every signed-in role reads its own event stream (the
# JSON form here; the transports are e2e-events-*.sh); the user comes from
# the session, so there is no resource to be denied.
PRESENT[events]=1
MATRIX+=$'\n'$(cat <<'TABLE'
# events: one's own stream, every role alike
events   anon  GET    /api/v1/events                                401     -  -
events   pat   GET    /api/v1/events                                200     -  -
events   opat  GET    /api/v1/events                                200     -  -
events   prct  GET    /api/v1/events                                200     -  -
events   prnc  GET    /api/v1/events                                200     -  -
events   prun  GET    /api/v1/events                                200     -  -
events   staff GET    /api/v1/events                                200     -  -
events   admin GET    /api/v1/events                                200     -  -
events   aud   GET    /api/v1/events?after=0&limit=1                200     -  -
events   anon  GET    /api/v1/events?after=0                        401     -  -
events   pat   POST   /api/v1/events                                405     -  -
events   staff DELETE /api/v1/events                                405     -  -
TABLE
)
