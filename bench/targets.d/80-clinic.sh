# shellcheck shell=bash
# bench/targets.d/80-clinic.sh: the clinic-day workload (issue 16). Not a
# bench_target: bench/clinic-day.sh fills the data (once), runs the mix of
# bench/clinic-day.lua and prints its own table (kept in
# var/bench/clinic-day.txt). Runs ONLY when named, so the default
# `scripts/dev bench` stays as short as before:
#   BENCH_ONLY="pk clinic-day" scripts/dev bench
DEFINED+="clinic-day "	# a known name for BENCH_ONLY, like bench_target's
if [[ " $BENCH_ONLY " == *" clinic-day "* ]]; then
	# shellcheck source=bench/clinic-day.sh
	. "$BENCH_DIR/clinic-day.sh"
	clinic_day || FAILURES+=("clinic-day (see var/bench/clinic-day.txt)")
fi
